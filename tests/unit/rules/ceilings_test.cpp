// Budget ceilings and contingents (gateway/rules/ceilings.hpp) and the rules
// SL004 (budget, on the iWmo conformance 323 of provider 98104273 to gemeente
// 0935) and SL005 (contingent, on the iWmo conformance 301 to the same
// provider): the file's refusals with file:line, a warning level reached
// exactly, a ceiling crossed, credits lowering the amount, a year boundary,
// prestaties of a gemeente the contract does not cover, a contingent reached
// by a 301, and the ledger facts (contract_warnings) the same computation
// gives.
#define BOOST_TEST_MODULE rules_ceilings
#include "gateway/rules/ceilings.hpp"

#include <boost/test/unit_test.hpp>

#include "gateway/rules/ceiling_rules.hpp"
#include "gateway/rules/checks.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/empty_ledger.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;
namespace L = standard::ledger;

namespace {

const std::string kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "iwmo;02;02A01;begeleiding individueel;begeleiding individueel;;04;2|4;inspanningsgericht;"
    "2025-01-01;\n"
    "iwmo;07;07A01;dagbesteding;begeleiding groep;;16;2|4;inspanningsgericht;2025-01-01;\n"
    "iwmo;07;07A12;dagbesteding met vervoer;begeleiding groep;;16;2|4;inspanningsgericht;"
    "2025-01-01;\n";
const std::string kCoverage =
    "contract;gemeente;ingangsdatum;einddatum\n"
    "heuvelland;0935;2025-01-01;\n"
    "heuvelland;1903;2025-01-01;\n"
    "parkstad;0917;2025-01-01;\n";
const std::string kTariffs =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n"
    "heuvelland;iwmo;02;02A01;98104273;6150;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A01;98104273;5480;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A12;98104273;5000;2025-01-01;;;\n"
    "parkstad;iwmo;02;02A01;98104273;6150;2025-01-01;;;\n";
const std::string kHeader =
    "soort;contract;aanbieder;wet;categorie;productcode;maximum;waarschuwing_procent;ingangsdatum;"
    "einddatum\n";

core::Date day(const char* s) {
  return *core::parse_date(s);
}

rules::Contracts contracts() {
  auto k = rules::Contracts::parse(kCatalogue, "catalogus.csv", kCoverage, "gemeenten.csv",
                                   kTariffs, "tarieven.csv", nullptr);
  BOOST_REQUIRE_MESSAGE(k.has_value(), (k.has_error() ? k.error().text : ""));
  return std::move(*k);
}

std::string parse_error(const std::string& rows) {
  auto k = contracts();
  auto c = rules::Ceilings::parse(kHeader + rows, "/etc/sluis/plafonds.csv", k);
  return c.has_error() ? c.error().text : std::string("(parsed)");
}

// The ledger questions the ceiling rules ask, over plain vectors.
struct Ledger final : test::EmptyLedger {
  std::vector<L::Prestatie> prestaties;
  std::vector<L::Allocation> allocations;
  std::optional<L::Allocation> allocation(standard::Law law, const std::string& g,
                                          I n) const override {
    for (const auto& a : allocations)
      if (a.law == law && a.gemeente == g && a.toewijzing_nummer == n) return a;
    return std::nullopt;
  }
  std::vector<L::Prestatie> prestaties_between(const std::string& aanbieder, const core::Date& from,
                                               const core::Date& to) const override {
    std::vector<L::Prestatie> out;
    for (const auto& p : prestaties)
      if (p.aanbieder == aanbieder && p.verdict != L::Verdict::rejected &&
          core::to_days(p.begin) >= core::to_days(from) &&
          core::to_days(p.begin) <= core::to_days(to))
        out.push_back(p);
    return out;
  }
  std::vector<L::Allocation> allocations_of_product(standard::Law law, const std::string& aanbieder,
                                                    const std::string& categorie,
                                                    const std::string& code,
                                                    const core::Date& on) const override {
    std::vector<L::Allocation> out;
    for (const auto& a : allocations)
      if (a.law == law && a.aanbieder == aanbieder && a.categorie == categorie && a.code == code &&
          a.verdict != L::Verdict::rejected && a.reden_wijziging != "13" &&
          core::to_days(a.ingangsdatum) <= core::to_days(on) &&
          (!a.einddatum || core::to_days(*a.einddatum) >= core::to_days(on)))
        out.push_back(a);
    return out;
  }

  void prestatie(const std::string& gemeente, const char* begin, I cents, bool credit = false) {
    L::Prestatie p;
    p.aanbieder = "98104273";
    p.gemeente = gemeente;
    p.referentie = "EARLIER-" + std::to_string(prestaties.size());
    p.begin = day(begin);
    p.eind = p.begin;
    p.cents = cents;
    p.credit = credit;
    prestaties.push_back(p);
  }
  void allocation(const std::string& gemeente, I nummer, const char* from,
                  const char* code = "02A01") {
    L::Allocation a;
    a.gemeente = gemeente;
    a.aanbieder = "98104273";
    a.toewijzing_nummer = nummer;
    a.categorie = std::string(code).substr(0, 2);
    a.code = code;
    a.ingangsdatum = day(from);
    allocations.push_back(a);
  }
};

struct Fixture {
  Fixture() {
    auto cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    validator = std::make_unique<xml::Validator>(*s, cfg);
  }
  standard::model::Message message(const char* rel) {
    auto o = validator->validate(test::slurp(test::source() / "tests/conformance/xsd" / rel),
                                 xml::ReadModel::yes);
    BOOST_REQUIRE(o.message.has_value());
    standard::model::locate(*o.message);
    return *o.message;
  }
  // The reference data with these ceiling rows.
  rules::ReferenceData with(const std::string& rows) {
    auto k = contracts();
    auto c = rules::Ceilings::parse(kHeader + rows, "plafonds.csv", k);
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c.has_error() ? c.error().text : ""));
    k.ceilings = std::make_shared<const rules::Ceilings>(std::move(*c));
    rules::ReferenceData r;
    r.contracts = std::make_shared<const rules::Contracts>(std::move(k));
    return r;
  }
  // SL004 and SL005 alone (the other cross-message rules would refuse every
  // line of these messages against this ledger, which holds no allocations
  // for them), after the findings in `earlier`.
  standard::Findings judge(const standard::model::Message& m, const rules::ReferenceData& ref) {
    standard::Findings out;
    rules::Context ctx{m, day("2026-11-24"), &ref, &ledger, {}, &earlier};
    for (const char* id : {"SL004", "SL005"}) {
      const rules::Rule* rule = rules::find_rule(id);
      BOOST_REQUIRE(rule);
      BOOST_TEST((rule->level == rules::Level::cross_message));
      if (!rules::applies(*rule, m.type->number)) continue;
      rules::Sink sink(*rule, out);
      rule->check(ctx, sink);
    }
    warnings = rules::contract_warnings(ctx, "m-test");
    return out;
  }
  xml::XercesRuntime runtime;
  std::unique_ptr<xml::Validator> validator;
  Ledger ledger;
  standard::Findings earlier;
  std::vector<L::ContractWarning> warnings;
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The conformance 323 declares 180070 eurocent net in 2026 (four debits, one credit).
constexpr L::Integer kDeclared = 180070;

}  // namespace

BOOST_AUTO_TEST_CASE(refusals_name_file_and_line) {
  BOOST_TEST(parse_error("budget;heuvelland;98104273;;;;5000000;;2026-01-01;2026-12-31\n") ==
             "(parsed)");
  BOOST_TEST(parse_error("plafond;heuvelland;98104273;;;;5000000;;2026-01-01;\n") ==
             "/etc/sluis/plafonds.csv:2: soort \"plafond\" is not budget or contingent");
  BOOST_TEST(
      parse_error("budget;westhoek;98104273;;;;5000000;;2026-01-01;\n") ==
      "/etc/sluis/plafonds.csv:2: contract \"westhoek\" covers no gemeente in the coverage file");
  BOOST_TEST(
      parse_error("budget;heuvelland;11111111;;;;5000000;;2026-01-01;\n") ==
      "/etc/sluis/plafonds.csv:2: aanbieder 11111111 has no tariff row in contract heuvelland");
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;;;;0;;2026-01-01;\n"),
                 "plafonds.csv:2: maximum \"0\" is not a whole number greater than 0"));
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;;;;12,50;;2026-01-01;\n"),
                 "plafonds.csv:2: maximum \"12,50\""));
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;;;;500;101;2026-01-01;\n"),
                 "plafonds.csv:2: waarschuwing_procent \"101\" is not a whole percentage 1-100"));
  BOOST_TEST(
      parse_error("budget;heuvelland;98104273;;;;500;;2026-03-01;\n") ==
      "/etc/sluis/plafonds.csv:2: ingangsdatum 2026-03-01 is not 1 January: a budget ceiling "
      "holds per calendar year");
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;;;;500;;2026-01-01;2026-06-30\n"),
                 "plafonds.csv:2: einddatum 2026-06-30 is not 31 December"));
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;iwmo;02;02A01;500;;2026-01-01;\n"),
                 "plafonds.csv:2: a budget is the provider's whole contract"));
  BOOST_TEST(
      parse_error("contingent;heuvelland;98104273;iwmo;02;02Z99;10;;2026-01-01;\n") ==
      "/etc/sluis/plafonds.csv:2: product 02/02Z99 (iwmo) is not in the catalogue on 2026-01-01");
  BOOST_TEST(has(parse_error("contingent;heuvelland;98104273;wlz;02;02A01;10;;2026-01-01;\n"),
                 "plafonds.csv:2: wet \"wlz\" is not iwmo or ijw"));
  // Overlapping periods of the same key; another contract or product is another key.
  BOOST_TEST(
      parse_error("budget;heuvelland;98104273;;;;500;;2025-01-01;\n"
                  "budget;parkstad;98104273;;;;500;;2025-01-01;\n"
                  "contingent;heuvelland;98104273;iwmo;02;02A01;10;;2025-01-01;\n"
                  "# a comment line counts as a line\n"
                  "budget;heuvelland;98104273;;;;900;;2026-01-01;2026-12-31\n") ==
      "/etc/sluis/plafonds.csv:6: budget for 98104273 in contract heuvelland: 2026-01-01 t/m "
      "2026-12-31 overlaps plafonds.csv:2 (2025-01-01 t/m open)");
  BOOST_TEST(
      has(parse_error("contingent;heuvelland;98104273;iwmo;02;02A01;10;;2025-01-01;2026-12-31\n"
                      "contingent;heuvelland;98104273;iwmo;02;02A01;12;;2026-06-01;\n"),
          "plafonds.csv:3: contingent 02A01 for 98104273 in contract heuvelland"));
  BOOST_TEST(has(parse_error("budget;heuvelland;98104273;;;;500;;2026-01-01\n"),
                 "plafonds.csv:2: expected 10 fields, found 9"));
  auto k = contracts();
  auto bad = rules::Ceilings::parse("soort;contract\n", "plafonds.csv", k);
  BOOST_REQUIRE(bad.has_error());
  BOOST_TEST(has(bad.error().text, "plafonds.csv:1: expected the header soort;contract;aanbieder"));
}

BOOST_AUTO_TEST_CASE(the_levels) {
  rules::CeilingRow r;
  r.maximum = 1000;
  r.waarschuwing_procent = 90;
  BOOST_TEST(!rules::ceiling_level(r, 899).has_value());
  BOOST_TEST((rules::ceiling_level(r, 900) == L::WarningLevel::warning));
  BOOST_TEST((rules::ceiling_level(r, 999) == L::WarningLevel::warning));
  BOOST_TEST((rules::ceiling_level(r, 1000) == L::WarningLevel::exceeded));
  BOOST_TEST((rules::ceiling_level(r, 1001) == L::WarningLevel::exceeded));
  BOOST_TEST(rules::ceiling_percent(r, 999) == 99);
  BOOST_TEST(rules::ceiling_percent(r, 2500) == 250);
}

BOOST_FIXTURE_TEST_SUITE(ceiling_rules, Fixture)

BOOST_AUTO_TEST_CASE(a_budget_warning_level_reached_exactly) {
  // 19930 earlier in 2026 + the message's 180070 = 200000: 80 % of 250000.
  ledger.prestatie("0935", "2026-01-01", 19930);
  auto found = judge(message("iwmo/323/valid-declaratie.xml"),
                     with("budget;heuvelland;98104273;;;;250000;80;2026-01-01;\n"));
  BOOST_REQUIRE(found.size() == 1u);
  const auto& f = found[0];
  BOOST_TEST(f.advisory);
  BOOST_TEST(f.retourcode.empty());
  BOOST_TEST(f.path ==
             "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie/IngediendBedrag/Bedrag");
  BOOST_TEST(
      f.nl ==
      "SL004: het budgetplafond € 2500,00 van aanbieder 98104273 in contract heuvelland voor "
      "2026: met deze declaratie is € 2000,00 gedeclareerd, 80% van het plafond; de "
      "waarschuwingsgrens van 80% is bereikt (contract plafonds.csv:2). Dit is een signaal voor "
      "het contractgesprek, geen afwijzing.");
  BOOST_TEST(has(
      f.en, "the budget ceiling €2500.00 of provider 98104273 in contract heuvelland for 2026"));
  BOOST_TEST(
      has(f.en, "€2000.00 is declared, 80% of the ceiling; the warning level of 80% is reached"));
  BOOST_REQUIRE(warnings.size() == 1u);
  const auto& w = warnings[0];
  BOOST_TEST((w.kind == L::WarningKind::budget));
  BOOST_TEST((w.level == L::WarningLevel::warning));
  BOOST_TEST(w.year == 2026);
  BOOST_TEST(w.amount == 200000);
  BOOST_TEST(w.maximum == 250000);
  BOOST_TEST(w.percent == 80);
  BOOST_TEST(w.contract == "heuvelland");
  BOOST_TEST(w.aanbieder == "98104273");
  BOOST_TEST(w.row == "plafonds.csv:2");
  BOOST_TEST(w.message_id == "m-test");
  // One eurocent more ceiling and it is below the level: nothing.
  BOOST_TEST(judge(message("iwmo/323/valid-declaratie.xml"),
                   with("budget;heuvelland;98104273;;;;250001;80;2026-01-01;\n"))
                 .empty());
  BOOST_TEST(warnings.empty());
}

BOOST_AUTO_TEST_CASE(a_budget_reached_and_crossed) {
  ledger.prestatie("0935", "2026-01-01", 19930);
  auto found = judge(message("iwmo/323/valid-declaratie.xml"),
                     with("budget;heuvelland;98104273;;;;200000;;2026-01-01;\n"));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].nl, "100% van het plafond; het maximum is bereikt"));
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST((warnings[0].level == L::WarningLevel::exceeded));
  found = judge(message("iwmo/323/valid-declaratie.xml"),
                with("budget;heuvelland;98104273;;;;150000;;2026-01-01;\n"));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].advisory);
  BOOST_TEST(has(found[0].nl, "€ 1500,00"));
  BOOST_TEST(has(found[0].nl, "133% van het plafond; het maximum is overschreden"));
  BOOST_TEST(has(found[0].en, "133% of the ceiling; the maximum is exceeded"));
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST((warnings[0].level == L::WarningLevel::exceeded));
  BOOST_TEST(warnings[0].percent == 133);
}

BOOST_AUTO_TEST_CASE(credits_lower_the_amount) {
  ledger.prestatie("0935", "2026-01-01", 19930);
  const std::string row = "budget;heuvelland;98104273;;;;250000;80;2026-01-01;\n";
  BOOST_TEST(judge(message("iwmo/323/valid-declaratie.xml"), with(row)).size() == 1u);
  // A credit of 100 eurocent earlier in the year: 199900, below 80 %.
  ledger.prestatie("0935", "2026-03-01", 100, true);
  BOOST_TEST(judge(message("iwmo/323/valid-declaratie.xml"), with(row)).empty());
  // A rejected debit does not count either (prestaties_between leaves it out).
  ledger.prestaties.back().credit = false;
  ledger.prestaties.back().verdict = L::Verdict::rejected;
  BOOST_TEST(judge(message("iwmo/323/valid-declaratie.xml"), with(row)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(what_the_message_itself_refuses_does_not_count) {
  ledger.prestatie("0935", "2026-01-01", 19930);
  const std::string row = "budget;heuvelland;98104273;;;;250000;80;2026-01-01;\n";
  auto msg = message("iwmo/323/valid-declaratie.xml");
  // The first prestatie (73800) refused by an earlier rule: 126200, 50 %.
  standard::Finding f;
  f.rule = "TR418";
  f.retourcode = "0611";
  f.path = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie/ProductTarief";
  earlier.push_back(f);
  BOOST_TEST(judge(msg, with(row)).empty());
  BOOST_TEST(warnings.empty());
  // Advice refuses nothing: counted again.
  earlier.back().retourcode.clear();
  earlier.back().advisory = true;
  BOOST_TEST(judge(msg, with(row)).size() == 1u);
  BOOST_TEST(warnings.size() == 1u);
}

BOOST_AUTO_TEST_CASE(last_year_and_other_gemeenten_do_not_count) {
  const std::string rows =
      "budget;heuvelland;98104273;;;;2000000;;2025-01-01;2025-12-31\n"
      "budget;heuvelland;98104273;;;;210000;;2026-01-01;\n";
  // 2025 is far over its own ceiling; 2026 stands at the message alone (86 %).
  ledger.prestatie("0935", "2025-12-31", 5000000);
  // Parkstad's gemeente is not heuvelland's; 1903 is.
  ledger.prestatie("0917", "2026-02-01", 100000);
  BOOST_TEST(judge(message("iwmo/323/valid-declaratie.xml"), with(rows)).empty());
  ledger.prestatie("1903", "2026-02-01", 19930);
  auto found = judge(message("iwmo/323/valid-declaratie.xml"), with(rows));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].nl, "voor 2026"));
  BOOST_TEST(has(found[0].nl, "plafonds.csv:3"));
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST(warnings[0].amount == 200000);
}

BOOST_AUTO_TEST_CASE(nothing_without_ceilings_or_contracts) {
  auto msg = message("iwmo/323/valid-declaratie.xml");
  BOOST_TEST(judge(msg, rules::ReferenceData{}).empty());
  auto k = contracts();
  rules::ReferenceData r;
  r.contracts = std::make_shared<const rules::Contracts>(std::move(k));
  BOOST_TEST(judge(msg, r).empty());
  BOOST_TEST(warnings.empty());
}

BOOST_AUTO_TEST_CASE(a_contingent_reached_by_a_301) {
  // The 301 allocates 02A01 (202600417) from 2026-03-09 in 0935.
  ledger.allocation("0935", 1001, "2026-01-01");
  ledger.allocation("1903", 1002, "2025-06-01");
  ledger.allocation("0917", 1003, "2026-01-01");           // parkstad: not counted
  ledger.allocation("0935", 1004, "2026-04-01");           // not yet running on 2026-03-09
  ledger.allocation("0935", 1005, "2026-01-01", "07A01");  // another product
  const std::string row = "contingent;heuvelland;98104273;iwmo;02;02A01;3;;2026-01-01;\n";
  auto found = judge(message("iwmo/301/valid-toewijzing.xml"), with(row));
  BOOST_REQUIRE(found.size() == 1u);
  const auto& f = found[0];
  BOOST_TEST(f.rule == "SL005");
  BOOST_TEST(f.advisory);
  BOOST_TEST(f.retourcode.empty());
  BOOST_TEST(f.value == "202600417");
  BOOST_TEST(
      f.nl ==
      "SL005: het contingent van 3 toewijzingen van product 02A01 voor aanbieder 98104273 in "
      "contract heuvelland: met deze toewijzing lopen er 3 tegelijk, 100% van het contingent; "
      "het maximum is bereikt (contract plafonds.csv:2). Dit is een signaal voor het "
      "contractgesprek, geen afwijzing.");
  BOOST_REQUIRE(warnings.size() == 1u);
  BOOST_TEST((warnings[0].kind == L::WarningKind::contingent));
  BOOST_TEST((warnings[0].level == L::WarningLevel::exceeded));
  BOOST_TEST(warnings[0].code == "02A01");
  BOOST_TEST(warnings[0].categorie == "02");
  BOOST_TEST(warnings[0].amount == 3);
  // A larger contingent with its warning level at 75 %: 3 of 4.
  found = judge(message("iwmo/301/valid-toewijzing.xml"),
                with("contingent;heuvelland;98104273;iwmo;02;02A01;4;75;2026-01-01;\n"));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].en,
                 "with this allocation 3 run at once, 75% of the contingent; the warning level "
                 "of 75% is reached"));
  BOOST_TEST((warnings[0].level == L::WarningLevel::warning));
  BOOST_TEST(judge(message("iwmo/301/valid-toewijzing.xml"),
                   with("contingent;heuvelland;98104273;iwmo;02;02A01;5;;2026-01-01;\n"))
                 .empty());
}

BOOST_AUTO_TEST_CASE(a_301_changing_a_counted_allocation_adds_nothing) {
  ledger.allocation("0935", 1001, "2026-01-01");
  ledger.allocation("0935", 1002, "2026-01-01");
  ledger.allocation("0935", 202600417, "2026-03-09");  // the 301's own, already counted
  const std::string row = "contingent;heuvelland;98104273;iwmo;02;02A01;3;;2026-01-01;\n";
  BOOST_TEST(judge(message("iwmo/301/valid-toewijzing.xml"), with(row)).empty());
  // Withdrawn before (RedenWijziging 13): allocating it again counts, once.
  ledger.allocations.back().reden_wijziging = "13";
  auto found = judge(message("iwmo/301/valid-toewijzing.xml"), with(row));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(warnings[0].amount == 3);
}

BOOST_AUTO_TEST_SUITE_END()

// The amounts in every contract rule's explanation (checks.hpp): a net credit
// over a year is negative and keeps its sign in front of the euro sign.
BOOST_AUTO_TEST_CASE(amounts_in_explanations_keep_their_sign) {
  BOOST_TEST(rules::checks::euro_nl(123456) == "€ 1234,56");
  BOOST_TEST(rules::checks::euro_en(123456) == "€1234.56");
  BOOST_TEST(rules::checks::euro_nl(7) == "€ 0,07");
  BOOST_TEST(rules::checks::euro_nl(-50) == "-€ 0,50");
  BOOST_TEST(rules::checks::euro_en(-150) == "-€1.50");
  BOOST_TEST(rules::checks::euro_nl(0) == "€ 0,00");
}
