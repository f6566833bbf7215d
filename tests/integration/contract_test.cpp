// The region's contracts through the daemon: a 323 with a tariff off the
// contract gets 0611 on its prestaties in the answer and in the 325 sluis
// composes (gemeente 0917 lets sluis answer); reference-reload with a broken
// contracts file keeps the loaded contracts, a fixed one takes over;
// GET /v1/contract as the provider (its own products) and refused to the
// gemeente, with a bad date; sluisctl contract-show as table, CSV and JSON;
// the degressive tariff (SL002) judged inside the commit with the loaded
// degressief.csv, reloaded, GET /v1/degressive and sluisctl degressive-status.
// a budget ceiling reached by a 323 (SL004): advice in the answer, the
// message accepted, the ledger fact and the counter; a broken plafonds.csv
// keeps the loaded ceilings; the steering report (sluisctl report) of what
// was sent, its ceiling light and its refused arguments.
#define BOOST_TEST_MODULE contract
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <regex>
#include <sqlite3.h>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

const char* kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "ijw;45;45A01;jeugdhulp ambulant;jeugdhulp ambulant;;04;2|4;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45A04;jeugdhulp ambulant specialistisch;jeugdhulp "
    "ambulant;;01;2|4;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45B01;verblijf;jeugdhulp verblijf;;14;2|4;inspanningsgericht;2025-01-01;\n";
const char* kCoverage = "contract;gemeente;ingangsdatum;einddatum\nparkstad;0917;2025-01-01;\n";
const std::string kTariffHeader =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n";
// 45A01 at 87,00 from 2026: the corpus declaration's 86,40 is off.
const std::string kTariffs = kTariffHeader +
                             "parkstad;ijw;45;45A01;;8640;2025-01-01;2025-12-31;;\n"
                             "parkstad;ijw;45;45A01;;8700;2026-01-01;;;\n"
                             "parkstad;ijw;45;45A04;;142;2025-01-01;;;\n"
                             "parkstad;ijw;45;45A01;75302186;;2025-01-01;;;\n"
                             "parkstad;ijw;45;45A04;75302186;;2025-01-01;;;\n";

const std::string kDegressief = "contract;aanbieder;jaar;drempel_etmalen;percentage;instroomjaar\n";
const std::string kCeilingHeader =
    "soort;contract;aanbieder;wet;categorie;productcode;maximum;waarschuwing_procent;ingangsdatum;"
    "einddatum\n";
// Far above anything the tests declare, until the last test lowers it.
const std::string kCeilings = kCeilingHeader + "budget;parkstad;75302186;;;;100000000;;2026-01-01;\n";

ScratchDir* data = nullptr;
TestGateway* g = nullptr;

std::string config() {
  data = new ScratchDir("contract-data");
  data->write("catalogus.csv", kCatalogue);
  data->write("gemeenten.csv", kCoverage);
  data->write("tarieven.csv", kTariffs);
  data->write("degressief.csv", kDegressief + "parkstad;75302186;2026;100;50;\n");
  data->write("plafonds.csv", kCeilings);
  return "[contracts]\ncatalogue = \"" + (data->path() / "catalogus.csv").string() +
         "\"\ncoverage = \"" + (data->path() / "gemeenten.csv").string() + "\"\ntariffs = \"" +
         (data->path() / "tarieven.csv").string() + "\"\ndegressive = \"" +
         (data->path() / "degressief.csv").string() + "\"\nceilings = \"" +
         (data->path() / "plafonds.csv").string() +
         "\"\ncatalogue_product_list = [\"iwmo\", \"ijw\"]\n";
}

struct Global {
  Global() {
    g = new TestGateway(
        "contract", [](TestGateway& t) { return t.corpus_partners("retour = \"gateway\"\n"); },
        config());
  }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
    delete data;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

boost::json::value json(const std::string& s) {
  return boost::json::parse(s);
}
std::string str(const boost::json::value& v) {
  return std::string(v.as_string());
}

// The corpus declaration under a fresh identification and DeclaratieNummer.
std::string declaration(const std::string& n) {
  auto doc = corpus("ijw/323/valid-declaratie.xml");
  doc = std::regex_replace(doc, std::regex("DECL-2602-01"), "CONTR-" + n);
  doc = std::regex_replace(doc, std::regex("JW2602HRL31"), "JW2602CT" + n);
  return doc;
}

// The 0611 findings of an answer.
std::vector<boost::json::object> tariff_findings(const boost::json::value& v) {
  std::vector<boost::json::object> out;
  for (const auto& f : v.at("findings").as_array())
    if (f.as_object().contains("retourcode") && str(f.at("retourcode")) == "0611")
      out.push_back(f.as_object());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_tariff_off_the_contract_gets_0611_in_the_325) {
  auto h = g->post_xml("provider", "/v1/messages", declaration("1"));
  BOOST_TEST(h.status == 202, h.body);
  auto v = json(h.body);
  auto found = tariff_findings(v);
  // Two prestaties of 45A01 in February 2026; 45A04 is at its tariff.
  BOOST_REQUIRE(found.size() == 2u);
  BOOST_TEST(str(found[0].at("rule")) == "TR418");
  BOOST_TEST(str(found[0].at("value")) == "8640");
  BOOST_TEST(str(found[0].at("nl")).find("€ 86,40") != std::string::npos, found[0]);
  BOOST_TEST(str(found[0].at("nl")).find("€ 87,00") != std::string::npos);
  BOOST_TEST(str(found[0].at("en")).find("tarieven.csv:3, ingangsdatum 2026-01-01") !=
             std::string::npos);
  BOOST_TEST(!found[0].contains("advisory"));
  // sluis answers for the gemeente: a 325 with 0611 on those prestaties.
  BOOST_REQUIRE(v.as_object().contains("retour"));
  auto retour = g->curl("provider", "/v1/mailbox/" + str(v.at("retour")));
  BOOST_TEST(retour.status == 200, retour.body);
  BOOST_TEST(retour.body.find("<jw325:RetourCode>0611</jw325:RetourCode>") != std::string::npos,
             retour.body);
}

BOOST_AUTO_TEST_CASE(a_broken_contracts_file_keeps_the_loaded_contracts) {
  data->write("tarieven.csv", kTariffs + "parkstad;ijw;45;45A04;;150;2026-03-01;;;\n");
  auto r = g->sluisctl({"reference-reload"});
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(r.output.find("tarieven.csv:7: ingangsdatum 2026-03-01 is not 1 January") !=
                 std::string::npos,
             r.output);
  // Still the old contract: 87,00.
  auto h = g->post_xml("provider", "/v1/messages", declaration("2"));
  BOOST_TEST(tariff_findings(json(h.body)).size() == 2u, h.body);
  // Fixed: 86,40 from 2026 as well, the declaration is right.
  data->write("tarieven.csv", kTariffHeader +
                                  "parkstad;ijw;45;45A01;;8640;2025-01-01;;;\n"
                                  "parkstad;ijw;45;45A04;;142;2025-01-01;;;\n"
                                  "parkstad;ijw;45;45A01;75302186;;2025-01-01;;;\n"
                                  "parkstad;ijw;45;45A04;75302186;;2025-01-01;;;\n");
  r = g->sluisctl({"--json", "reference-reload"});
  BOOST_TEST(r.exit_code == 0, r.output);
  auto contracts = json(r.output).at("arguments").at("contracts");
  BOOST_TEST(contracts.at("configured").as_bool());
  BOOST_TEST(contracts.at("tariffs").as_int64() == 4);
  BOOST_TEST(contracts.at("catalogue").as_int64() == 3);
  BOOST_TEST(contracts.at("coverage").as_int64() == 1);
  h = g->post_xml("provider", "/v1/messages", declaration("3"));
  BOOST_TEST(h.status == 202, h.body);
  BOOST_TEST(tariff_findings(json(h.body)).empty(), h.body);
}

BOOST_AUTO_TEST_CASE(a_provider_reads_its_own_contract) {
  auto h = g->curl("provider", "/v1/contract?date=2026-02-01");
  BOOST_TEST(h.status == 200, h.body);
  auto products = json(h.body).at("products").as_array();
  BOOST_REQUIRE(products.size() == 2u);
  const auto& p = products[0].as_object();
  BOOST_TEST(p.size() == 7u);
  BOOST_TEST(str(p.at("law")) == "ijw");
  BOOST_TEST(str(p.at("categorie")) == "45");
  BOOST_TEST(str(p.at("code")) == "45A01");
  BOOST_TEST(str(p.at("eenheid")) == "04");
  BOOST_TEST(p.at("tariff_eurocent").as_int64() == 8640);
  BOOST_TEST(str(p.at("ingangsdatum")) == "2025-01-01");
  BOOST_TEST(p.at("einddatum").is_null());
  // Before the contract: nothing.
  h = g->curl("provider", "/v1/contract?date=2024-12-31");
  BOOST_TEST(h.status == 200);
  BOOST_TEST(json(h.body).at("products").as_array().empty());
  // Today by default.
  BOOST_TEST(g->curl("provider", "/v1/contract").status == 200);
}

BOOST_AUTO_TEST_CASE(the_gemeente_and_a_bad_date_are_refused) {
  auto h = g->curl("gemeente", "/v1/contract");
  BOOST_TEST(h.status == 403, h.body);
  BOOST_TEST(str(json(h.body).at("code")) == "not_a_provider");
  h = g->curl("provider", "/v1/contract?date=2026-02-30");
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(str(json(h.body).at("code")) == "bad_date");
  BOOST_TEST(str(json(h.body).at("en")).find("2026-02-30") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(contract_show_lists_what_is_contracted) {
  auto r = g->sluisctl({"contract-show", "--partner", "zorg", "--as-of", "2026-02-01"});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("45A04") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("86.40") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("-- 2 contracted products for zorg on 2026-02-01") != std::string::npos,
             r.output);
  auto csv = g->sluisctl(
      {"--format", "csv", "contract-show", "--partner", "gem", "--as-of", "2026-02-01"});
  BOOST_TEST(csv.exit_code == 0, csv.output);
  BOOST_TEST(csv.output.find("aanbieder,contract,law,categorie,code") == 0u, csv.output);
  BOOST_TEST(csv.output.find("75302186,parkstad,ijw,45,45A01") != std::string::npos, csv.output);
  auto j = g->sluisctl({"--json", "contract-show", "--partner", "zorg", "--as-of", "2024-01-01"});
  BOOST_TEST(j.exit_code == 0, j.output);
  BOOST_TEST(json(j.output).at("result").as_int64() == 3);
  auto bad = g->sluisctl({"contract-show", "--partner", "nobody"});
  BOOST_TEST(bad.exit_code == 1, bad.output);
}

// The corpus declaration with its first prestatie as 8 etmalen of 45B01 at
// `tarief` (the amount stays 69120 at 8640, so the totals still add up).
std::string etmaal_declaration(const std::string& n, const std::string& tarief,
                               const std::string& bedrag) {
  auto doc = declaration(n);
  auto at = doc.find("<jw323:ProductCode>45A01</jw323:ProductCode>");
  BOOST_REQUIRE(at != std::string::npos);
  doc.replace(at, std::string("<jw323:ProductCode>45A01").size(), "<jw323:ProductCode>45B01");
  at = doc.find("<jw323:Eenheid>04</jw323:Eenheid>", at);
  doc.replace(at, std::string("<jw323:Eenheid>04").size(), "<jw323:Eenheid>14");
  at = doc.find("<jw323:ProductTarief>8640</jw323:ProductTarief>", at);
  doc.replace(at, std::string("<jw323:ProductTarief>8640").size(), "<jw323:ProductTarief>" + tarief);
  at = doc.find("<ijw:Bedrag>69120</ijw:Bedrag>", at);
  doc.replace(at, std::string("<ijw:Bedrag>69120").size(), "<ijw:Bedrag>" + bedrag);
  return doc;
}

std::vector<boost::json::object> degressive_findings(const boost::json::value& v) {
  std::vector<boost::json::object> out;
  for (const auto& f : v.at("findings").as_array())
    if (str(f.at("rule")) == "SL002") out.push_back(f.as_object());
  return out;
}

BOOST_AUTO_TEST_CASE(the_degressive_tariff_inside_the_commit) {
  // 45B01 (etmalen) contracted for the provider at 86,40 per etmaal.
  data->write("tarieven.csv", kTariffs + "parkstad;ijw;45;45B01;;8640;2025-01-01;;;\n"
                                         "parkstad;ijw;45;45B01;75302186;;2025-01-01;;;\n");
  auto r = g->sluisctl({"reference-reload"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  // Below the threshold of 100 etmalen: the full tariff is right.
  auto h = g->post_xml("provider", "/v1/messages", etmaal_declaration("D1", "8640", "69120"));
  BOOST_TEST(h.status == 202, h.body);
  BOOST_TEST(degressive_findings(json(h.body)).empty(), h.body);
  // Threshold 0: every etmaal is beyond it; the full tariff gets 0611 with the
  // numbers, the reduced one (50 %: 43,20) passes.
  data->write("degressief.csv", kDegressief + "parkstad;75302186;2026;0;50;\n");
  r = g->sluisctl({"reference-reload"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  h = g->post_xml("provider", "/v1/messages", etmaal_declaration("D2", "8640", "69120"));
  auto found = degressive_findings(json(h.body));
  BOOST_REQUIRE_MESSAGE(found.size() == 1u, h.body);
  BOOST_TEST(str(found[0].at("retourcode")) == "0611");
  BOOST_TEST(str(found[0].at("en")).find("the degressive tariff €43.20 (50 % of the contract tariff "
                                         "€86.40) applies") != std::string::npos,
             found[0]);
  BOOST_TEST(str(found[0].at("nl")).find("de drempel van 0 etmalen staat in degressief.csv:2") !=
                 std::string::npos,
             found[0]);
  h = g->post_xml("provider", "/v1/messages", etmaal_declaration("D3", "4320", "34560"));
  BOOST_TEST(degressive_findings(json(h.body)).empty(), h.body);
  // A broken file keeps the loaded rows.
  data->write("degressief.csv", kDegressief + "parkstad;75302186;twintig;0;50;\n");
  r = g->sluisctl({"reference-reload"});
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(r.output.find("degressief.csv:2: jaar \"twintig\" is not a year") != std::string::npos,
             r.output);
  h = g->post_xml("provider", "/v1/messages", etmaal_declaration("D4", "8640", "69120"));
  BOOST_TEST(degressive_findings(json(h.body)).size() == 1u, h.body);
  // The file as loaded again, for what follows.
  data->write("degressief.csv", kDegressief + "parkstad;75302186;2026;0;50;\n");
}

BOOST_AUTO_TEST_CASE(a_provider_asks_where_it_stands) {
  auto h = g->curl("provider", "/v1/degressive?year=2026");
  BOOST_TEST(h.status == 200, h.body);
  auto v = json(h.body);
  BOOST_TEST(v.at("year").as_int64() == 2026);
  auto positions = v.at("positions").as_array();
  BOOST_REQUIRE(positions.size() == 1u);
  const auto& p = positions[0].as_object();
  BOOST_TEST(str(p.at("contract")) == "parkstad");
  BOOST_TEST(str(p.at("aanbieder")) == "75302186");
  BOOST_TEST(p.at("threshold_etmalen").as_int64() == 0);
  BOOST_TEST(str(p.at("threshold_source")) == "given");
  BOOST_TEST(p.at("remaining_full_tariff").as_int64() == 0);
  BOOST_TEST(p.at("reduced_percentage").as_int64() == 50);
  BOOST_TEST(str(p.at("scope")) == "all");
  // Another year: no row.
  h = g->curl("provider", "/v1/degressive?year=2031");
  BOOST_TEST(h.status == 200, h.body);
  BOOST_TEST(json(h.body).at("positions").as_array().empty());
  // The gemeente is not a provider; a bad year is named, cut short.
  h = g->curl("gemeente", "/v1/degressive");
  BOOST_TEST(h.status == 403, h.body);
  BOOST_TEST(str(json(h.body).at("code")) == "not_a_provider");
  h = g->curl("provider", "/v1/degressive?year=" + std::string(5000, '9'));
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(str(json(h.body).at("code")) == "bad_year");
  BOOST_TEST(h.body.size() < 1000u, h.body.size());

  auto r = g->sluisctl({"degressive-status", "--partner", "zorg", "--year", "2026"});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("parkstad") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("-- 1 degressive row for zorg in 2026") != std::string::npos, r.output);
  auto j = g->sluisctl({"--json", "degressive-status", "--partner", "zorg", "--year", "2026"});
  BOOST_TEST(j.exit_code == 0, j.output);
  BOOST_TEST(json(j.output).at("arguments").at("positions").as_array().size() == 1u, j.output);
  auto gem = g->sluisctl({"degressive-status", "--partner", "gem"});
  BOOST_TEST(gem.exit_code == 1, gem.output);
  BOOST_TEST(gem.output.find("is a gemeente") != std::string::npos, gem.output);
  auto bad = g->sluisctl({"degressive-status", "--partner", "zorg", "--year", "26"});
  BOOST_TEST(bad.exit_code == 1, bad.output);
}

BOOST_AUTO_TEST_CASE(a_preview_replays_the_ledger_under_proposed_files) {
  // The loaded threshold is 0 (every etmaal reduced); proposed: 1000 (none).
  ScratchDir proposed("contract-proposed");
  proposed.write("degressief.csv", kDegressief + "parkstad;75302186;2026;1000;50;\n");
  const std::string file = (proposed.path() / "degressief.csv").string();
  auto before = g->sluisctl({"--json", "degressive-status", "--partner", "zorg", "--year", "2026"});
  auto r = g->sluisctl({"--json", "contract-preview", file, "--from", "2026-01-01", "--to", "2026-12-31"});
  BOOST_TEST(r.exit_code == 0, r.output);
  auto args = json(r.output).at("arguments");
  BOOST_TEST(str(args.at("files").at(0)) == "degressief.csv");
  BOOST_TEST(args.at("replayed").as_int64() > 0, r.output);
  const auto& providers = args.at("providers").as_array();
  BOOST_REQUIRE_MESSAGE(providers.size() == 1u, r.output);
  const auto& p = providers[0].as_object();
  BOOST_TEST(str(p.at("aanbieder")) == "75302186");
  const auto& d = p.at("degressive").at(0).as_object();
  BOOST_TEST(d.at("current_threshold").as_int64() == 0);
  BOOST_TEST(d.at("proposed_threshold").as_int64() == 1000);
  BOOST_TEST(d.at("proposed_reduced_etmalen").as_int64() == 0);
  // The declarations above were all refused (0611, or allocations sluis does
  // not know): nothing counted, so no prestatie's verdict changes.
  BOOST_TEST(p.at("changed").as_int64() == 0, r.output);
  // The table and CSV.
  auto t = g->sluisctl({"contract-preview", file, "--from", "2026-01-01"});
  BOOST_TEST(t.exit_code == 0, t.output);
  BOOST_TEST(t.output.find("parkstad 2026: threshold 0 -> 1000") != std::string::npos, t.output);
  auto csv = g->sluisctl({"--format", "csv", "contract-preview", file});
  BOOST_TEST(csv.output.find("aanbieder,prestaties,changed,gets_0611") == 0u, csv.output);
  // Nothing changed: the loaded rows and the ledger's position are as before.
  auto after = g->sluisctl({"--json", "degressive-status", "--partner", "zorg", "--year", "2026"});
  BOOST_TEST(after.output == before.output);
  // A file named like none of the configured ones, a broken one, a bad period.
  proposed.write("tarieven-nieuw.csv", kTariffs);
  auto bad = g->sluisctl({"contract-preview", (proposed.path() / "tarieven-nieuw.csv").string()});
  BOOST_TEST(bad.exit_code == 1, bad.output);
  BOOST_TEST(bad.output.find("tarieven-nieuw.csv is none of the configured contract files") != std::string::npos,
             bad.output);
  proposed.write("degressief.csv", kDegressief + "parkstad;75302186;2026;veel;50;\n");
  bad = g->sluisctl({"contract-preview", file});
  BOOST_TEST(bad.exit_code == 1, bad.output);
  BOOST_TEST(bad.output.find("degressief.csv:2: drempel_etmalen \"veel\"") != std::string::npos, bad.output);
  bad = g->sluisctl({"contract-preview", file, "--from", "2020-01-01", "--to", "2026-01-01"});
  BOOST_TEST(bad.exit_code == 1, bad.output);
  BOOST_TEST(bad.output.find("longer than three years") != std::string::npos, bad.output);
}

namespace {

// One number from the store, read beside the daemon (WAL: a reader never waits).
std::int64_t scalar(const std::string& sql) {
  sqlite3* db = nullptr;
  const auto file = (g->dir.path() / "state" / "sluis.db").string();
  BOOST_TEST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  std::int64_t n = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

std::vector<boost::json::object> ceiling_findings(const boost::json::value& v) {
  std::vector<boost::json::object> out;
  for (const auto& f : v.at("findings").as_array())
    if (const auto* rule = f.as_object().if_contains("rule"); rule && str(*rule) == "SL004")
      out.push_back(f.as_object());
  return out;
}

const std::string kExceeded = "sluis_contract_warnings_total{kind=\"budget\",level=\"exceeded\"}";

}  // namespace

BOOST_AUTO_TEST_CASE(a_budget_ceiling_reached_is_advice_and_a_ledger_fact) {
  // Every series of the counter is there from start.
  BOOST_TEST(g->metric("sluis_contract_warnings_total{kind=\"contingent\",level=\"warning\"}") == 0);
  BOOST_TEST(g->metric(kExceeded) == 0);
  // The allocations the declaration names, from the start of 2026 (the
  // earlier tests' declarations had none: their prestaties were refused).
  auto allocation = std::regex_replace(corpus("ijw/301/valid-toewijzing.xml"),
                                       std::regex("<jw301:Ingangsdatum>2026-03-09"),
                                       "<jw301:Ingangsdatum>2026-01-01");
  auto a = g->post_xml("gemeente", "/v1/messages", allocation);
  BOOST_TEST_REQUIRE(a.status == 202, a.body);
  // A ceiling of 10 euros: whatever the declaration gets accepted crosses it.
  data->write("plafonds.csv", kCeilingHeader + "budget;parkstad;75302186;;;;1000;;2026-01-01;\n");
  auto r = g->sluisctl({"reference-reload"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  // New ReferentieNummers: the earlier tests used the corpus's.
  auto doc = std::regex_replace(declaration("4"), std::regex("J2602-778"), "J2602-84");
  auto h = g->post_xml("provider", "/v1/messages", doc);
  BOOST_TEST(h.status == 202, h.body);
  auto v = json(h.body);
  BOOST_TEST(str(v.at("status")) == "accepted");
  auto found = ceiling_findings(v);
  BOOST_TEST_REQUIRE(found.size() == 1u, h.body);
  BOOST_TEST(found[0].at("advisory").as_bool());
  BOOST_TEST(!found[0].contains("retourcode"));
  BOOST_TEST(str(found[0].at("nl")).find("het budgetplafond € 10,00 van aanbieder 75302186 in contract "
                                         "parkstad voor 2026") != std::string::npos,
             found[0]);
  BOOST_TEST(str(found[0].at("nl")).find("het maximum is overschreden (contract plafonds.csv:2)") !=
                 std::string::npos,
             found[0]);
  // The 325 sluis composes carries no code for it.
  auto retour = g->curl("provider", "/v1/mailbox/" + str(v.at("retour")));
  BOOST_TEST(retour.status == 200, retour.body);
  // The ledger fact, written with the message, and the counter.
  const std::string id = str(v.at("id"));
  BOOST_TEST(scalar("SELECT count(*) FROM ledger_contract_warning WHERE message_id = '" + id +
                    "' AND kind = 'budget' AND level = 'exceeded' AND year = 2026 AND contract = "
                    "'parkstad' AND aanbieder = '75302186' AND law = 'ijw' AND maximum = 1000 AND "
                    "amount > 1000 AND percent >= 100 AND contract_row = 'plafonds.csv:2'") == 1);
  const std::int64_t amount =
      scalar("SELECT amount FROM ledger_contract_warning WHERE message_id = '" + id + "'");
  BOOST_TEST(g->metric(kExceeded) == 1);
  BOOST_TEST(g->metric("sluis_contract_warnings_total{kind=\"budget\",level=\"warning\"}") == 0);
  // contract-show: where the provider stands, from the same ledger.
  auto show = g->sluisctl({"--json", "contract-show", "--partner", "zorg", "--as-of", "2026-02-01"});
  BOOST_TEST_REQUIRE(show.exit_code == 0, show.output);
  auto ceilings = json(show.output).at("arguments").at("ceilings").as_array();
  BOOST_TEST_REQUIRE(ceilings.size() == 1u, show.output);
  BOOST_TEST(str(ceilings[0].at("kind")) == "budget");
  BOOST_TEST(ceilings[0].at("year").as_int64() == 2026);
  BOOST_TEST(ceilings[0].at("amount").as_int64() == amount);
  BOOST_TEST(str(ceilings[0].at("level")) == "exceeded");
  show = g->sluisctl({"contract-show", "--partner", "zorg", "--as-of", "2026-02-01"});
  BOOST_TEST(show.exit_code == 0, show.output);
  BOOST_TEST(show.output.find("exceeded") != std::string::npos, show.output);
  BOOST_TEST(show.output.find("plafonds.csv:2") != std::string::npos, show.output);
  BOOST_TEST(show.output.find(", 1 ceiling") != std::string::npos, show.output);

  // A broken plafonds.csv is refused with its line; the loaded ceiling stays.
  data->write("plafonds.csv", kCeilingHeader + "budget;parkstad;75302186;;;;500;;2026-02-01;\n");
  r = g->sluisctl({"reference-reload"});
  BOOST_TEST(r.exit_code == 1, r.output);
  BOOST_TEST(r.output.find("plafonds.csv:2: ingangsdatum 2026-02-01 is not 1 January") != std::string::npos,
             r.output);
  show = g->sluisctl({"--json", "contract-show", "--partner", "zorg", "--as-of", "2026-02-01"});
  BOOST_TEST_REQUIRE(show.exit_code == 0, show.output);
  ceilings = json(show.output).at("arguments").at("ceilings").as_array();
  BOOST_TEST_REQUIRE(ceilings.size() == 1u, show.output);
  BOOST_TEST(ceilings[0].at("maximum").as_int64() == 1000);
  // config-test names the broken file and line too.
  auto check = g->sluisctl({"config-test"});
  BOOST_TEST(check.output.find("plafonds.csv:2: ingangsdatum 2026-02-01") != std::string::npos, check.output);
  data->write("plafonds.csv", kCeilings);
  BOOST_TEST(g->sluisctl({"reference-reload"}).exit_code == 0);
}

// The steering report of the running daemon over what this test sent: the
// provider's row counts what the store holds (checked by SQL beside it), its
// budget ceiling on the report's last day lights it, and the arguments are
// checked before anything is read.
BOOST_AUTO_TEST_CASE(the_report_counts_what_was_sent_and_lights_the_ceiling) {
  data->write("plafonds.csv", kCeilingHeader + "budget;parkstad;75302186;;;;1000;;2026-01-01;\n");
  BOOST_TEST_REQUIRE(g->sluisctl({"reference-reload"}).exit_code == 0);
  // The default period, the last 30 days: everything this test sent today.
  auto r = g->sluisctl({"--json", "report", "--partner", "zorg"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  auto rows = json(r.output).at("arguments").at("rows").as_array();
  BOOST_TEST_REQUIRE(rows.size() == 1u, r.output);
  const auto& row = rows[0].as_object();
  BOOST_TEST(str(row.at("code")) == "75302186");
  BOOST_TEST(str(row.at("partner")) == "zorg");
  const std::string sent = "FROM messages WHERE sender_code = '75302186' AND shadow = 0";
  BOOST_TEST(row.at("submitted").as_int64() == scalar("SELECT count(*) " + sent));
  BOOST_TEST(row.at("rejected").as_int64() == scalar("SELECT count(*) " + sent + " AND state = 'rejected'"));
  BOOST_TEST(row.at("submitted").as_int64() == row.at("accepted").as_int64() + row.at("rejected").as_int64());
  BOOST_TEST(row.at("submitted").as_int64() > 0);
  BOOST_TEST(json(r.output).at("arguments").at("watches").is_array(), r.output);
  // The year of the declared prestaties (February 2026): the ceiling of 10
  // euros is exceeded on its last day, red, with the row of plafonds.csv.
  r = g->sluisctl({"--json", "report", "--partner", "zorg", "--from", "2026-01-01", "--to", "2026-12-31"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.output);
  rows = json(r.output).at("arguments").at("rows").as_array();
  BOOST_TEST_REQUIRE(rows.size() == 1u, r.output);
  const auto& year = rows[0].as_object();
  BOOST_TEST_REQUIRE(year.at("ceilings").as_array().size() == 1u, r.output);
  BOOST_TEST(str(year.at("light")) == "red", r.output);
  bool named = false;
  for (const auto& x : year.at("reasons").as_array())
    named = named || (str(x.at("en")).find("ceiling exceeded: budget parkstad") != std::string::npos &&
                      str(x.at("nl")).find("(plafonds.csv:2)") != std::string::npos);
  BOOST_TEST(named, r.output);
  // The table and CSV forms answer too.
  auto t = g->sluisctl({"report", "--gemeente", "0917"});
  BOOST_TEST(t.exit_code == 0, t.output);
  BOOST_TEST(t.output.find("75302186") != std::string::npos, t.output);
  // Bad arguments: each refused with what is wrong, nothing read.
  for (auto [args, text] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"report", "--from", "2026-13-01"}, "--from must be a Dutch day YYYY-MM-DD, got '2026-13-01'"},
           {{"report", "--from", "2026-12-02", "--to", "2026-12-01"}, "--to 2026-12-01 is before --from 2026-12-02"},
           {{"report", "--from", "2025-01-01", "--to", "2026-12-31"}, "longer than 366 days"},
           {{"report", "--partner", "nobody"}, "no partner 'nobody' is configured"},
           {{"report", "--gemeente", "09x7"}, "--gemeente must be a CBS code of 4 digits"}}) {
    auto bad = g->sluisctl(args);
    BOOST_TEST(bad.exit_code == 1, bad.output);
    BOOST_TEST(bad.output.find(text) != std::string::npos, bad.output);
  }
  data->write("plafonds.csv", kCeilings);
  BOOST_TEST(g->sluisctl({"reference-reload"}).exit_code == 0);
}
