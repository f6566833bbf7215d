// The region's contracts through the daemon: a 323 with a tariff off the
// contract gets 0611 on its prestaties in the answer and in the 325 sluis
// composes (gemeente 0917 lets sluis answer); reference-reload with a broken
// contracts file keeps the loaded contracts, a fixed one takes over;
// GET /v1/contract as the provider (its own products) and refused to the
// gemeente, with a bad date; sluisctl contract-show as table, CSV and JSON.
#define BOOST_TEST_MODULE contract
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

const char* kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "ijw;45;45A01;jeugdhulp ambulant;jeugdhulp ambulant;;04;2|4;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45A04;jeugdhulp ambulant specialistisch;jeugdhulp "
    "ambulant;;01;2|4;inspanningsgericht;2025-01-01;\n";
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

ScratchDir* data = nullptr;
TestGateway* g = nullptr;

std::string config() {
  data = new ScratchDir("contract-data");
  data->write("catalogus.csv", kCatalogue);
  data->write("gemeenten.csv", kCoverage);
  data->write("tarieven.csv", kTariffs);
  return "[contracts]\ncatalogue = \"" + (data->path() / "catalogus.csv").string() +
         "\"\ncoverage = \"" + (data->path() / "gemeenten.csv").string() + "\"\ntariffs = \"" +
         (data->path() / "tarieven.csv").string() + "\"\n";
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
  BOOST_TEST(contracts.at("catalogue").as_int64() == 2);
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
  BOOST_TEST(str(json(h.body).at("error").at("code")) == "not_a_provider");
  h = g->curl("provider", "/v1/contract?date=2026-02-30");
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(str(json(h.body).at("error").at("code")) == "bad_date");
  BOOST_TEST(str(json(h.body).at("error").at("en")).find("2026-02-30") != std::string::npos);
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
