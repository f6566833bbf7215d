// SL003 (0611) on a real 323 (the iJw conformance declaration, provider
// 75302186 to gemeente 0917) whose first prestatie is a trajectory (45T03,
// outputgericht, €6 000), against an allocation in a ledger: the part of the
// year accepted, the full price across a year end refused with the numbers in
// the explanation, a trajectory within one year at its price, and silence
// without contracts. TR418 leaves trajectories to SL003.
#define BOOST_TEST_MODULE rules_trajectory_rules
#include <boost/test/unit_test.hpp>

#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/empty_ledger.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;
namespace L = standard::ledger;

namespace {

const std::string kPrestatie = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie";

const std::string kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "ijw;45;45A01;jeugdhulp ambulant;jeugdhulp;;04;2|4;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45A04;jeugdhulp specialistisch;jeugdhulp;;01;4;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45T03;traject zwaar kort;jeugdhulp traject;zwaar kort;82;6;outputgericht;2025-01-01;\n";
// 45T03 at the contract's default (line 2), for 75302186 by its row (line 3).
const std::string kTariffs =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n"
    "parkstad;ijw;45;45T03;;600000;2025-01-01;;;\n"
    "parkstad;ijw;45;45T03;75302186;;2025-01-01;;;\n"
    "parkstad;ijw;45;45A01;75302186;8640;2025-01-01;;;\n"
    "parkstad;ijw;45;45A04;75302186;142;2025-01-01;;;\n";

// The ledger's answer to allocation(); the other questions SL003 never asks.
struct Ledger : test::EmptyLedger {
  std::optional<L::Allocation> alloc;
  std::optional<L::Allocation> allocation(standard::Law, const std::string&, I n) const override {
    if (alloc && alloc->toewijzing_nummer == n) return alloc;
    return std::nullopt;
  }
};

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
    auto k = rules::Contracts::parse(
        kCatalogue, "catalogus.csv",
        "contract;gemeente;ingangsdatum;einddatum\nparkstad;0917;2025-01-01;\n", "gemeenten.csv",
        kTariffs, "tarieven.csv", &base.gemeenten);
    BOOST_REQUIRE_MESSAGE(k.has_value(), (k.has_error() ? k.error().text : ""));
    contracted = base;
    contracted.contracts = std::make_shared<const rules::Contracts>(std::move(*k));
  }
  // The trajectory of 75302186, allocation 261170032, from `from` to `to`.
  void trajectory(const char* from, std::optional<const char*> to) {
    L::Allocation a;
    a.law = standard::Law::ijw;
    a.gemeente = "0917";
    a.aanbieder = "75302186";
    a.toewijzing_nummer = 261170032;
    a.categorie = "45";
    a.code = "45T03";
    a.ingangsdatum = *core::parse_date(from);
    if (to) a.einddatum = *core::parse_date(*to);
    a.eenheid = "82";
    a.frequentie = "6";
    ledger.alloc = a;
  }
  // The declaration with its first prestatie the trajectory: October 2026
  // (or the month from `begin`) at `tarief`.
  standard::model::Message declaration(std::int64_t tarief, const char* begin = "2026-10-01",
                                       const char* end = "2026-10-31",
                                       std::vector<std::pair<std::string, std::string>> more = {}) {
    auto o = validator->validate(
        test::slurp(test::source() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml"),
        xml::ReadModel::yes);
    BOOST_REQUIRE(o.message.has_value());
    auto msg = *o.message;
    std::vector<std::pair<std::string, std::string>> edits = {
        {kPrestatie + "/ProductCode", "45T03"},
        {kPrestatie + "/Eenheid", "82"},
        {kPrestatie + "/GeleverdVolume", "1"},
        {kPrestatie + "/ProductTarief", std::to_string(tarief)},
        {kPrestatie + "/IngediendBedrag/Bedrag", std::to_string(tarief)},
        {kPrestatie + "/ProductPeriode/Begindatum", begin},
        {kPrestatie + "/ProductPeriode/Einddatum", end},
    };
    edits.insert(edits.end(), more.begin(), more.end());
    for (const auto& [path, value] : edits)
      BOOST_REQUIRE(xml::edit_model(msg, path, value).has_value());
    standard::model::locate(msg);
    return msg;
  }
  standard::Findings judge(const standard::model::Message& m, const rules::ReferenceData& ref) {
    standard::Findings out;
    for (auto& f :
         rules::check_ledger(rules::Context{m, *core::parse_date("2027-11-24"), &ref, &ledger, {}}))
      if (f.rule == "SL003") out.push_back(std::move(f));
    return out;
  }
  standard::Findings judge(const standard::model::Message& m) { return judge(m, contracted); }
  xml::XercesRuntime runtime;
  std::unique_ptr<xml::Validator> validator;
  rules::ReferenceData base, contracted;
  Ledger ledger;
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(trajectory_rules, Fixture)

BOOST_AUTO_TEST_CASE(the_rule_is_registered) {
  const rules::Rule* r = rules::find_rule("SL003");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->retourcode == "0611");
  BOOST_TEST((r->level == rules::Level::cross_message));
  BOOST_TEST(rules::applies(*r, 323));
  BOOST_TEST(!rules::applies(*r, 301));
}

BOOST_AUTO_TEST_CASE(the_part_of_the_year_passes) {
  trajectory("2026-10-01", "2027-09-30");
  BOOST_TEST(judge(declaration(150000)).empty());
  // The second year's part: 9 of 12 months, the remainder.
  BOOST_TEST(judge(declaration(450000, "2027-01-01", "2027-01-31")).empty());
}

BOOST_AUTO_TEST_CASE(the_full_price_across_a_year_end_is_0611_with_the_numbers) {
  trajectory("2026-10-01", "2027-09-30");
  auto found = judge(declaration(600000));
  BOOST_REQUIRE(found.size() == 1u);
  const auto& f = found[0];
  BOOST_TEST(f.retourcode == "0611");
  BOOST_TEST(f.path == kPrestatie + "/ProductTarief");
  BOOST_TEST(f.value == "600000");
  BOOST_TEST(!f.advisory);
  BOOST_TEST(
      f.nl ==
      "SL003: het gedeclareerde tarief € 6000,00 (600000 eurocent) is niet het deel voor 2026 van "
      "de "
      "trajectprijs € 6000,00 (600000 eurocent per stuk (output)) voor aanbieder 75302186, product "
      "45T03 "
      "in gemeente 0917 op 2026-10-01 (contract parkstad, tarieven.csv:2, ingangsdatum 2025-01-01, "
      "het "
      "standaardtarief van het contract; uw regel tarieven.csv:3); het traject (toewijzing "
      "261170032, "
      "2026-10-01 - 2027-09-30) loopt over een jaargrens en wordt naar rato van het aantal maanden "
      "verrekend: 3 van zijn 12 maanden beginnen in 2026 (maand k begint op de ingangsdatum plus k "
      "maanden "
      "en telt in het jaar waarin hij begint), 600000 × 3 ÷ 12 = 150000 eurocent (naar beneden "
      "afgerond). "
      "Verwacht voor 2026: € 1500,00 (150000 eurocent). Declareer in ieder jaar het deel van dat "
      "jaar (met "
      "een ProductPeriode in dat jaar); klopt de periode van het traject niet, laat de gemeente "
      "dan de "
      "toewijzing aanpassen.");
  BOOST_TEST(has(f.en, "3 of its 12 months begin in 2026"), f.en);
  BOOST_TEST(
      has(f.en,
          "600000 × 3 ÷ 12 = 150000 eurocent (rounded down). Expected for 2026: €1500.00 (150000 "
          "eurocent)."),
      f.en);
  BOOST_TEST(has(f.en, "(contract parkstad, tarieven.csv:2, ingangsdatum 2025-01-01"), f.en);
}

BOOST_AUTO_TEST_CASE(the_second_years_part) {
  trajectory("2026-10-01", "2027-09-30");
  auto found = judge(declaration(150000, "2027-01-01", "2027-01-31"));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].nl, "9 van zijn 12 maanden beginnen in 2027"), found[0].nl);
  BOOST_TEST(
      has(found[0].nl,
          "het laatste jaar krijgt de prijs min de delen van de eerdere jaren: 450000 eurocent"),
      found[0].nl);
  BOOST_TEST(has(found[0].en, "Expected for 2027: €4500.00 (450000 eurocent)"), found[0].en);
}

BOOST_AUTO_TEST_CASE(within_one_year_the_full_price) {
  trajectory("2026-02-01", "2026-11-30");
  BOOST_TEST(judge(declaration(600000, "2026-02-01", "2026-02-28")).empty());
  auto found = judge(declaration(150000, "2026-02-01", "2026-02-28"));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].en, "lies within one calendar year: the whole trajectory price"),
             found[0].en);
  BOOST_TEST(has(found[0].en, "Expected for 2026: €6000.00 (600000 eurocent)"), found[0].en);
  // Without Einddatum the duration is unknown: the full price too.
  trajectory("2026-10-01", std::nullopt);
  BOOST_TEST(judge(declaration(600000)).empty());
  auto open = judge(declaration(150000));
  BOOST_REQUIRE(open.size() == 1u);
  BOOST_TEST(has(open[0].en, "has no Einddatum: its duration is unknown"), open[0].en);
}

// One trajectory, one price: the tariff on its Ingangsdatum, also for the
// part of a year whose tariff was indexed on 1 January.
BOOST_AUTO_TEST_CASE(the_price_of_the_trajectorys_ingangsdatum) {
  auto k = rules::Contracts::parse(
      kCatalogue, "catalogus.csv",
      "contract;gemeente;ingangsdatum;einddatum\nparkstad;0917;2025-01-01;\n", "gemeenten.csv",
      "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
      "geforceerd;reden\n"
      "parkstad;ijw;45;45T03;;600000;2025-01-01;2025-12-31;;\n"
      "parkstad;ijw;45;45T03;;624000;2026-01-01;;;\n"
      "parkstad;ijw;45;45T03;75302186;;2025-01-01;;;\n",
      "tarieven.csv", &base.gemeenten);
  BOOST_REQUIRE_MESSAGE(k.has_value(), (k.has_error() ? k.error().text : ""));
  rules::ReferenceData indexed = base;
  indexed.contracts = std::make_shared<const rules::Contracts>(std::move(*k));
  // From 1 October 2025: 9 of 12 months in 2026, of €6 000.
  trajectory("2025-10-01", "2026-09-30");
  BOOST_TEST(judge(declaration(450000, "2026-01-01", "2026-01-31"), indexed).empty());
  auto found = judge(declaration(468000, "2026-01-01", "2026-01-31"), indexed);
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(has(found[0].en,
                 "the trajectory price €6000.00 (600000 eurocent per piece (output)) for "
                 "provider 75302186, product 45T03 in gemeente 0917 on 2025-10-01 "
                 "(contract parkstad, tarieven.csv:2, ingangsdatum 2025-01-01"),
             found[0].en);
  // A trajectory beginning in 2026 has the indexed price.
  trajectory("2026-10-01", "2027-09-30");
  BOOST_TEST(judge(declaration(156000), indexed).empty());
}

BOOST_AUTO_TEST_CASE(another_unit_than_the_catalogues_is_0611) {
  trajectory("2026-10-01", "2027-09-30");
  auto found =
      judge(declaration(150000, "2026-10-01", "2026-10-31", {{kPrestatie + "/Eenheid", "84"}}));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].path == kPrestatie + "/Eenheid");
  BOOST_TEST(found[0].retourcode == "0611");
}

BOOST_AUTO_TEST_CASE(silent_where_it_is_not_sl003s) {
  trajectory("2026-10-01", "2027-09-30");
  // No contracts.
  BOOST_TEST(judge(declaration(600000), base).empty());
  // A credit repeats the debit it withdraws.
  BOOST_TEST(judge(declaration(600000, "2026-10-01", "2026-10-31",
                               {{kPrestatie + "/IngediendBedrag/DebetCredit", "C"}}))
                 .empty());
  // An allocation the ledger does not know (TR338's), or another provider's.
  BOOST_TEST(judge(declaration(600000, "2026-10-01", "2026-10-31",
                               {{kPrestatie + "/ToewijzingNummer", "261170099"}}))
                 .empty());
  ledger.alloc->aanbieder = "11223344";
  BOOST_TEST(judge(declaration(600000)).empty());
  // A gemeente the contracts do not govern.
  trajectory("2026-10-01", "2027-09-30");
  BOOST_TEST(judge(declaration(600000, "2026-10-01", "2026-10-31",
                               {{"/Bericht/Header/Ontvanger", "0935"}}))
                 .empty());
}

BOOST_AUTO_TEST_CASE(tr418_leaves_trajectories_to_sl003) {
  auto tr418 = [&](const standard::model::Message& m) {
    std::vector<std::string> out;
    for (auto& f :
         rules::check(rules::Context{m, *core::parse_date("2027-11-24"), &contracted, nullptr, {}}))
      if (f.rule == "TR418") out.push_back(f.path);
    return out;
  };
  BOOST_TEST(tr418(declaration(150000)).empty());
  // The other prestaties are still TR418's.
  auto other = declaration(
      150000, "2026-10-01", "2026-10-31",
      {{"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductTarief", "8700"}});
  BOOST_TEST(tr418(other) ==
                 std::vector<std::string>{
                     "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductTarief"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
