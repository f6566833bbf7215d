// The degressive tariff (gateway/rules/degressive.hpp, rule SL002): the
// degressief.csv rows and their refusals, the threshold given or derived from
// 18 months of the ledger, the running count in counting order (credits count
// back, later periods and other years do not count), the month in which the
// threshold is crossed, the reduced tariff after it, the intake-year scope, and
// a provider's position. The ledger is the store's SQLite ledger in memory,
// seeded with prestaties; the message is the iWmo conformance declaration with
// its first prestatie turned into beschermd wonen (15A01, etmalen).
#define BOOST_TEST_MODULE rules_degressive
#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include "gateway/rules/contract_preview.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/degressive.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;
namespace L = standard::ledger;

namespace {

core::Date day(const char* s) { return *core::parse_date(s); }

const std::string kPrestatie = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie";
const std::string kProvider = "98104273";
const std::string kHeader = "contract;aanbieder;jaar;drempel_etmalen;percentage;instroomjaar\n";

const std::string kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "iwmo;02;02A01;begeleiding individueel;begeleiding individueel;;04;2|4;inspanningsgericht;"
    "2025-01-01;\n"
    "iwmo;07;07A01;dagbesteding;begeleiding groep;;16;2|4;inspanningsgericht;2025-01-01;\n"
    "iwmo;15;15A01;beschermd wonen met verblijf basis;beschermd wonen;basis;14;2|4;"
    "inspanningsgericht;2024-01-01;\n"
    "iwmo;02;02T01;begeleiding traject;begeleiding traject;;82;6;outputgericht;2024-01-01;\n";
const std::string kCoverage =
    "contract;gemeente;ingangsdatum;einddatum\nheuvelland;0935;2024-01-01;\n"
    "parkstad;0917;2024-01-01;\n";
// 15A01 at 14500 eurocent per etmaal; the declaration's other products as it declares them.
const std::string kTariffs =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n"
    "heuvelland;iwmo;15;15A01;;14500;2024-01-01;;;\n"
    "heuvelland;iwmo;15;15A01;98104273;;2024-01-01;;;\n"
    "heuvelland;iwmo;02;02T01;;600000;2024-01-01;;;\n"
    "heuvelland;iwmo;02;02T01;98104273;;2024-01-01;;;\n"
    "heuvelland;iwmo;02;02A01;98104273;6150;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A01;98104273;5480;2025-01-01;;;\n";

core::Result<rules::Contracts> contracts(
    const std::string& degressief,
    rules::DegressiveScope scope = rules::DegressiveScope::all,
    const std::string& tariffs = kTariffs) {
  auto k = rules::Contracts::parse(kCatalogue, "catalogus.csv", kCoverage, "gemeenten.csv",
                                   tariffs, "tarieven.csv", nullptr);
  if (!k) return k.error();
  if (auto r = k->parse_degressive(kHeader + degressief, "degressief.csv", scope); !r)
    return r.error();
  return k;
}

std::string error_of(const core::Result<rules::Contracts>& r) {
  return r.has_error() ? r.error().text : std::string("(parsed)");
}

struct Fixture {
  Fixture() {
    auto cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    validator = std::make_unique<xml::Validator>(*s, cfg);
    config::ReferenceConfig ref;
    ref.cbs_gemeenten = test::source() / "config/reference/cbs-gemeenten.csv";
    ref.productcodes = test::source() / "config/reference/productcodes.csv";
    base = *rules::load_reference(ref);
    BOOST_REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    for (const char* schema : {store::sqlite::kLedgerSchema, store::sqlite::kLedgerDebitSchema,
                               store::sqlite::kLedgerTariffSchema, store::sqlite::kLedgerIntakeFactsSchema})
      BOOST_REQUIRE(sqlite3_exec(db, schema, nullptr, nullptr, nullptr) == SQLITE_OK);
    ledger = std::make_unique<store::sqlite::Ledger>(db);
  }
  ~Fixture() {
    ledger.reset();
    sqlite3_close(db);
  }
  // A prestatie of the provider in the ledger: `volume` etmalen from `begin`.
  void seed(const char* begin, std::int64_t volume, bool credit = false,
            L::Verdict verdict = L::Verdict::approved, const std::string& gemeente = "0935",
            const std::string& bsn_hash = "h-client", std::int64_t tarief = 14500) {
    L::Prestatie p;
    p.law = standard::Law::iwmo;
    p.aanbieder = kProvider;
    p.gemeente = gemeente;
    p.referentie = "SEED-" + std::to_string(++seeded);
    p.toewijzing_nummer = 1;
    p.bsn_hash = bsn_hash;
    p.categorie = "15";
    p.code = "15A01";
    p.begin = day(begin);
    p.eind = core::last_of_month(p.begin);
    p.volume = volume;
    p.eenheid = "14";
    p.cents = volume * tarief;
    p.tarief = tarief;
    p.credit = credit;
    p.verdict = verdict;
    p.declaratie_nummer = "D-SEED";
    p.message_id = "m-seed-" + std::to_string(seeded);
    L::Changes c;
    c.prestaties.push_back(p);
    BOOST_REQUIRE(ledger->apply(c).has_value());
  }
  // The declaration with its first prestatie 28 etmalen of 15A01 in
  // February 2026 at `tarief`.
  standard::model::Message declaration(std::int64_t tarief, const char* begin = "2026-02-01",
                                       const char* end = "2026-02-28") {
    auto o = validator->validate(
        test::slurp(test::source() / "tests/conformance/xsd/iwmo/323/valid-declaratie.xml"),
        xml::ReadModel::yes);
    BOOST_REQUIRE(o.message.has_value());
    auto msg = *o.message;
    for (const auto& [path, value] : std::vector<std::pair<std::string, std::string>>{
             {kPrestatie + "/ProductCategorie", "15"},
             {kPrestatie + "/ProductCode", "15A01"},
             {kPrestatie + "/Eenheid", "14"},
             {kPrestatie + "/GeleverdVolume", "28"},
             {kPrestatie + "/ProductPeriode/Begindatum", begin},
             {kPrestatie + "/ProductPeriode/Einddatum", end},
             {kPrestatie + "/ProductTarief", std::to_string(tarief)},
             {kPrestatie + "/IngediendBedrag/Bedrag", std::to_string(28 * tarief)}})
      BOOST_REQUIRE(xml::edit_model(msg, path, value).has_value());
    standard::model::locate(msg);
    return msg;
  }
  // The tariff findings (TR418 and SL002) on the message, inside a "commit".
  standard::Findings judge(const standard::model::Message& m, const rules::Contracts& k) {
    rules::ReferenceData ref = base;
    ref.contracts = std::make_shared<const rules::Contracts>(k);
    standard::Findings out;
    rules::Context c{m, day("2026-11-24"), &ref, nullptr, {}};
    for (auto& f : rules::check(c))
      if (f.rule == "TR418" || f.rule == "SL002") out.push_back(std::move(f));
    c.ledger = ledger.get();
    c.bsn_hash = [](const std::string&) { return std::string("h-client"); };
    for (auto& f : rules::check_ledger(c))
      if (f.rule == "TR418" || f.rule == "SL002") out.push_back(std::move(f));
    return out;
  }
  xml::XercesRuntime runtime;
  std::unique_ptr<xml::Validator> validator;
  rules::ReferenceData base;
  sqlite3* db = nullptr;
  std::unique_ptr<store::sqlite::Ledger> ledger;
  int seeded = 0;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rows_and_their_refusals) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\nheuvelland;98104273;2027;;40;\n");
  BOOST_REQUIRE_MESSAGE(k.has_value(), error_of(k));
  BOOST_TEST(k->degressive_size() == 2u);
  const auto* r = k->degressive_for(kProvider, "0935", day("2026-03-01"));
  BOOST_REQUIRE(r != nullptr);
  BOOST_TEST(*r->drempel == 8500);
  BOOST_TEST(r->percentage == 50);  // the default
  BOOST_TEST(r->where == "degressief.csv:2");
  BOOST_TEST(k->degressive_for(kProvider, "0917", day("2026-03-01")) == nullptr);  // other contract
  BOOST_TEST(k->degressive_for(kProvider, "0935", day("2025-12-31")) == nullptr);  // other year
  BOOST_TEST(!k->degressive_of(kProvider, 2027)[0]->drempel.has_value());

  BOOST_TEST(error_of(contracts("noord;98104273;2026;8500;;\n")) ==
             "degressief.csv:2: contract \"noord\" covers no gemeente (gemeenten file)");
  BOOST_TEST(error_of(contracts("heuvelland;9810427;2026;8500;;\n")) ==
             "degressief.csv:2: aanbieder \"9810427\" is not an AGB code (8 digits)");
  BOOST_TEST(error_of(contracts("heuvelland;98104273;26;8500;;\n")) ==
             "degressief.csv:2: jaar \"26\" is not a year (2000-2099)");
  BOOST_TEST(contains(error_of(contracts("heuvelland;98104273;2026;-5;;\n")),
                      "degressief.csv:2: drempel_etmalen \"-5\" is not a whole number"));
  BOOST_TEST(error_of(contracts("heuvelland;98104273;2026;8500;150;\n")) ==
             "degressief.csv:2: percentage \"150\" is not a whole percentage 0-100 (empty: 50)");
  BOOST_TEST(error_of(contracts("heuvelland;98104273;2026;8500;;\nheuvelland;98104273;2026;9000;;\n")) ==
             "degressief.csv:3: a second row for 98104273 in contract heuvelland for 2026 (first: "
             "degressief.csv:2)");
  BOOST_TEST(contains(error_of(contracts("heuvelland;98104273;2026;8500;;\n",
                                         rules::DegressiveScope::intake_year)),
                      "degressief.csv:2: instroomjaar is empty"));
  BOOST_TEST(contains(error_of(contracts("heuvelland;98104273;2026;8500;;2016\n")),
                      "degressief.csv:2: instroomjaar 2016 is given, but degressive_scope"));
  BOOST_TEST(contains(error_of(contracts("")), "(parsed)"));
}

BOOST_FIXTURE_TEST_SUITE(degressive, Fixture)

BOOST_AUTO_TEST_CASE(below_the_threshold_the_full_tariff) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2026-01-01", 8400);
  BOOST_TEST(judge(declaration(14500), *k).empty());
  // The reduced tariff before the threshold is 0611 as well.
  auto found = judge(declaration(7250), *k);
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].rule == "SL002");
  BOOST_TEST(found[0].retourcode == "0611");
  BOOST_TEST(found[0].path == kPrestatie + "/ProductTarief");
  BOOST_TEST(found[0].value == "7250");
  BOOST_TEST(contains(found[0].nl, "telt 98104273 in 2026 8400 etmalen"));
  BOOST_TEST(contains(found[0].nl, "de drempel van 8500 etmalen staat in degressief.csv:2"));
  BOOST_TEST(contains(found[0].en, "the full contract tariff €145.00 applies"));
}

BOOST_AUTO_TEST_CASE(the_month_that_crosses_the_threshold_is_paid_in_full) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2026-01-01", 8490);  // 8490 + 28 crosses 8500 inside February
  BOOST_TEST(judge(declaration(14500), *k).empty());
}

BOOST_AUTO_TEST_CASE(beyond_the_threshold_the_full_tariff_gets_0611) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2026-01-01", 8000);
  seed("2026-01-15", 500);
  BOOST_TEST(judge(declaration(7250), *k).empty());  // 50 % of 14500
  auto found = judge(declaration(14500), *k);
  BOOST_REQUIRE(found.size() == 1u);
  const auto& f = found[0];
  BOOST_TEST(f.rule == "SL002");
  BOOST_TEST(f.retourcode == "0611");
  BOOST_TEST(f.value == "14500");
  BOOST_TEST(f.nl ==
             "SL002: het gedeclareerde tarief € 145,00 (14500 eurocent per etmaal) is niet het "
             "tarief van deze prestatie: 7250 eurocent. Vóór deze prestatie telt 98104273 in 2026 "
             "8500 etmalen (contract heuvelland); de drempel van 8500 etmalen staat in "
             "degressief.csv:2, dus die is bereikt: het degressieve tarief € 72,50 (50 % van het "
             "contracttarief € 145,00) geldt. Telvolgorde: Begindatum van de ProductPeriode, dan "
             "ontvangst; creditregels tellen terug. Declareer € 72,50 (sluisctl degressive-status, "
             "GET /v1/degressive).");
  BOOST_TEST(contains(f.en, "Before this prestatie 98104273 counts 8500 etmalen in 2026"));
}

BOOST_AUTO_TEST_CASE(credits_lower_the_running_total) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2026-01-01", 8520);
  seed("2026-01-01", 31, true);  // a credit: 8489 counted
  BOOST_TEST(judge(declaration(14500), *k).empty());
  seed("2026-01-20", 20);  // 8509: reached
  BOOST_TEST(judge(declaration(14500), *k).size() == 1u);
}

BOOST_AUTO_TEST_CASE(rejected_later_and_other_years_do_not_count) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2025-12-01", 9000);                                 // last year
  seed("2026-01-01", 9000, false, L::Verdict::rejected);    // rejected
  seed("2026-03-01", 9000);                                 // after February in the order
  seed("2026-01-01", 9000, false, L::Verdict::approved, "0917");  // another contract's gemeente
  BOOST_TEST(judge(declaration(14500), *k).empty());
  // A pending prestatie (the gemeente has not answered) counts.
  seed("2026-01-01", 8600, false, L::Verdict::pending);
  BOOST_TEST(judge(declaration(14500), *k).size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_threshold_is_derived_from_18_months) {
  auto k = contracts("heuvelland;98104273;2026;;;\n");
  BOOST_REQUIRE(k.has_value());
  // Without 18 months in the ledger: no threshold, the full tariff throughout.
  seed("2025-01-01", 9000);
  BOOST_TEST(judge(declaration(14500), *k).empty());
  auto none = judge(declaration(7250), *k);
  BOOST_REQUIRE(none.size() == 1u);
  BOOST_TEST(contains(none[0].nl, "er is nog geen drempel"));
  // From July 2024: 15000 approved etmalen in the window -> 10000 a year -> 8500.
  seed("2024-07-01", 3000);
  seed("2024-06-30", 5000);  // before the window
  seed("2025-06-01", 3000);
  seed("2025-06-01", 100, false, L::Verdict::pending);  // not approved: not in the derivation
  auto pos = rules::degressive_position(*k, *k->degressive_of(kProvider, 2026)[0], *ledger);
  BOOST_TEST(to_string(pos.threshold.source) == "derived");
  BOOST_TEST(pos.threshold.window_etmalen == 15000);
  BOOST_TEST(*pos.threshold.etmalen == 8500);
  seed("2026-01-01", 8500);
  auto found = judge(declaration(14500), *k);
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(contains(found[0].nl, "de drempel van 8500 etmalen is 85 % van het jaargemiddelde "
                                   "van de 15000 goedgekeurde etmalen van 2024-07-01 t/m 2025-12-31"));
}

BOOST_AUTO_TEST_CASE(the_intake_year_scope_counts_only_earlier_clients) {
  auto k = contracts("heuvelland;98104273;2026;100;;2025\n", rules::DegressiveScope::intake_year);
  BOOST_REQUIRE_MESSAGE(k.has_value(), error_of(k));
  // The declaration's client has no allocation in the ledger: a new client
  // (intake 2026), outside the count: the full tariff although 8000 etmalen
  // of an earlier client were counted.
  L::Allocation a;
  a.law = standard::Law::iwmo;
  a.gemeente = "0935";
  a.aanbieder = kProvider;
  a.toewijzing_nummer = 7;
  a.bsn_hash = "h-earlier";
  a.categorie = "15";
  a.code = "15A01";
  a.ingangsdatum = day("2024-03-01");
  a.eenheid = "14";
  a.frequentie = "4";
  a.toewijzingsdatum = day("2024-02-20");
  a.message_id = "m-301";
  L::Changes c;
  c.allocations.push_back(a);
  BOOST_REQUIRE(ledger->apply(c).has_value());
  seed("2026-01-01", 8000, false, L::Verdict::approved, "0935", "h-earlier");
  BOOST_TEST(judge(declaration(14500), *k).empty());
  auto found = judge(declaration(7250), *k);
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(contains(found[0].nl, "na instroomjaar 2025 ingestroomd"));
  auto pos = rules::degressive_position(*k, *k->degressive_of(kProvider, 2026)[0], *ledger);
  BOOST_TEST(pos.etmalen == 8000);  // the earlier client's
}

BOOST_AUTO_TEST_CASE(the_position_of_a_provider) {
  auto k = contracts("heuvelland;98104273;2026;8500;;\n");
  BOOST_REQUIRE(k.has_value());
  seed("2026-01-01", 8000);
  seed("2026-02-01", 600, false, L::Verdict::pending);
  seed("2026-03-01", 100);  // after 8600: reduced
  seed("2026-03-01", 50, true);
  auto pos = rules::degressive_position(*k, *k->degressive_of(kProvider, 2026)[0], *ledger);
  BOOST_TEST(pos.etmalen == 8650);
  BOOST_TEST(pos.approved == 8050);
  BOOST_TEST(pos.pending == 600);
  BOOST_TEST(pos.reduced_etmalen == 100);
  BOOST_TEST(*pos.remaining() == 0);
  auto json = rules::to_json(pos, k->degressive_scope);
  BOOST_TEST(json.at("threshold_etmalen").as_int64() == 8500);
  BOOST_TEST(json.at("threshold_source").as_string() == "given");
  BOOST_TEST(json.at("remaining_full_tariff").as_int64() == 0);
  BOOST_TEST(json.at("row").as_string() == "degressief.csv:2");
  BOOST_TEST(json.at("instroomjaar").is_null());
  BOOST_TEST(!json.contains("derivation"));
}

// The preview of a change on a seeded ledger, against hand-computed numbers:
// the tariff of 15A01 from 145,00 to 150,00 and the threshold from 8500 to 8000.
BOOST_AUTO_TEST_CASE(a_preview_of_a_tariff_and_threshold_change) {
  auto now = contracts("heuvelland;98104273;2026;8500;;\n");
  std::string tariffs = kTariffs;
  tariffs.replace(tariffs.find(";14500;"), 7, ";15000;");
  auto next = contracts("heuvelland;98104273;2026;8000;;\n", rules::DegressiveScope::all, tariffs);
  BOOST_REQUIRE(now.has_value());
  BOOST_REQUIRE(next.has_value());
  seed("2026-01-01", 8000);
  seed("2026-02-01", 400);
  seed("2026-03-01", 200);
  seed("2026-03-15", 30, false, L::Verdict::rejected, "0935", "h-client", 15000);
  seed("2025-12-01", 50);  // before the period
  // A trajectory of 600000 from 1 October 2026 to 30 September 2027: its 2026
  // part, 3 of 12 months, 150000, declared right under both.
  {
    L::Allocation a;
    a.law = standard::Law::iwmo;
    a.gemeente = "0935";
    a.aanbieder = kProvider;
    a.toewijzing_nummer = 9;
    a.bsn_hash = "h-client";
    a.categorie = "02";
    a.code = "02T01";
    a.ingangsdatum = day("2026-10-01");
    a.einddatum = day("2027-09-30");
    a.eenheid = "82";
    a.frequentie = "6";
    a.toewijzingsdatum = day("2026-09-20");
    a.message_id = "m-301-t";
    L::Prestatie t;
    t.law = standard::Law::iwmo;
    t.aanbieder = kProvider;
    t.gemeente = "0935";
    t.referentie = "TRAJ-1";
    t.toewijzing_nummer = 9;
    t.bsn_hash = "h-client";
    t.categorie = "02";
    t.code = "02T01";
    t.begin = day("2026-10-01");
    t.eind = day("2026-10-31");
    t.volume = 1;
    t.eenheid = "82";
    t.cents = 150000;
    t.tarief = 150000;
    t.verdict = L::Verdict::approved;
    t.declaratie_nummer = "D-T";
    t.message_id = "m-t";
    L::Changes c;
    c.allocations.push_back(a);
    c.prestaties.push_back(t);
    BOOST_REQUIRE(ledger->apply(c).has_value());
  }
  auto out = rules::contract_preview(*now, *next, *ledger, {kProvider, "99999999"}, day("2026-01-01"),
                                     day("2026-12-31"));
  BOOST_REQUIRE(out.size() == 1u);  // 99999999 declared nothing
  const auto& p = out[0];
  BOOST_TEST(p.prestaties == 5);
  BOOST_TEST(p.changed == 4);  // not the trajectory
  // Now all three approved ones are right and the rejected one (15000) is 0611;
  // proposed: 8000 at 145,00 is off 150,00, the 400 and 200 after 8000 owe 75,00,
  // and the rejected one is right.
  BOOST_TEST(p.gets_0611 == 3);
  BOOST_TEST(p.loses_0611 == 1);
  BOOST_TEST(p.gets_uncontracted == 0);
  BOOST_TEST(p.declared_cents == 8600 * 14500 + 30 * 15000 + 150000);
  BOOST_TEST(p.current_cents == 8630 * 14500 + 150000);
  BOOST_TEST(p.proposed_cents == 8000 * 15000 + 600 * 7500 + 30 * 15000 + 150000);
  BOOST_REQUIRE(p.degressive.size() == 1u);
  BOOST_TEST(*p.degressive[0].current_threshold == 8500);
  BOOST_TEST(*p.degressive[0].proposed_threshold == 8000);
  BOOST_TEST(p.degressive[0].current_reduced == 0);
  BOOST_TEST(p.degressive[0].proposed_reduced == 600);
  BOOST_REQUIRE(p.changes.size() == 4u);
  BOOST_TEST(to_string(p.changes[1].current.kind) == "right");
  BOOST_TEST(to_string(p.changes[1].proposed.kind) == "0611");
  BOOST_TEST(p.changes[1].proposed.expected_eurocent == 7500);
  auto json = rules::to_json(p);
  BOOST_TEST(json.at("difference_cents").as_int64() == p.proposed_cents - p.current_cents);
  // The same data twice changes nothing.
  auto same = rules::contract_preview(*now, *now, *ledger, {kProvider}, day("2026-01-01"), day("2026-12-31"));
  BOOST_REQUIRE(same.size() == 1u);
  BOOST_TEST(!same[0].anything());
}

BOOST_AUTO_TEST_SUITE_END()
