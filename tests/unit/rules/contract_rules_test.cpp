// The contract rules on a real 323 (the iWmo conformance declaration, provider
// 98104273 to gemeente 0935): TR418 (0611) with the numbers in its
// explanation, SL001 advisory or refusing with the configured code, nothing
// without contracts, and 0611 on the prestatie of the 325 sluis composes.
#define BOOST_TEST_MODULE rules_contract_rules
#include <boost/test/unit_test.hpp>

#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;

namespace {

const std::string kPrestatie = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie";

// Tariffs for 98104273 in 0935: 02A01 at its own 6150 (the declaration's);
// 07A01 and 07A12 at the contract's defaults, 07A12 with a mid-year change.
const std::string kTariffs =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n"
    "heuvelland;iwmo;02;02A01;;10000;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A01;;5480;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A12;;4925;2025-01-01;2026-01-31;;\n"
    "heuvelland;iwmo;07;07A12;;5000;2026-02-01;;ja;herberekening vervoer\n"
    "heuvelland;iwmo;02;02A01;98104273;6150;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A01;98104273;;2025-01-01;;;\n"
    "heuvelland;iwmo;07;07A12;98104273;;2025-01-01;;;\n";

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
  }
  standard::model::Message declaration(
      const std::vector<std::pair<std::string, std::string>>& edits = {}) {
    auto o = validator->validate(
        test::slurp(test::source() / "tests/conformance/xsd/iwmo/323/valid-declaratie.xml"),
        xml::ReadModel::yes);
    BOOST_REQUIRE(o.message.has_value());
    auto msg = *o.message;
    for (const auto& [path, value] : edits)
      BOOST_REQUIRE(xml::edit_model(msg, path, value).has_value());
    standard::model::locate(msg);
    return msg;
  }
  rules::ReferenceData with(const std::string& tariffs, const std::string& code = {}) {
    auto k = rules::Contracts::parse(
        "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
        "einddatum\n"
        "iwmo;02;02A01;begeleiding individueel;begeleiding "
        "individueel;;04;2|4;inspanningsgericht;2025-01-01;\n"
        "iwmo;07;07A01;dagbesteding;begeleiding groep;;16;2|4;inspanningsgericht;2025-01-01;\n"
        "iwmo;07;07A12;dagbesteding met vervoer;begeleiding "
        "groep;;16;2|4;inspanningsgericht;2025-01-01;\n",
        "catalogus.csv", "contract;gemeente;ingangsdatum;einddatum\nheuvelland;0935;2025-01-01;\n",
        "gemeenten.csv", tariffs, "tarieven.csv", &base.gemeenten);
    BOOST_REQUIRE_MESSAGE(k.has_value(), (k.has_error() ? k.error().text : ""));
    k->uncontracted_retourcode = code;
    rules::ReferenceData r = base;
    r.contracts = std::make_shared<const rules::Contracts>(std::move(*k));
    return r;
  }
  standard::Findings judge(const standard::model::Message& m, const rules::ReferenceData& ref) {
    standard::Findings out;
    for (auto& f :
         rules::check(rules::Context{m, *core::parse_date("2026-11-24"), &ref, nullptr, {}}))
      if (f.rule == "TR418" || f.rule == "SL001") out.push_back(std::move(f));
    return out;
  }
  xml::XercesRuntime runtime;
  std::unique_ptr<xml::Validator> validator;
  rules::ReferenceData base;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(contract_rules, Fixture)

BOOST_AUTO_TEST_CASE(the_contract_tariff_passes) {
  // 07A12 of February 2026 is now at 5000: the declaration's 4925 is off; the
  // rest is right (own tariff, defaults, a credit not judged).
  auto found = judge(declaration(), with(kTariffs));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].path ==
             "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductTarief");
}

BOOST_AUTO_TEST_CASE(a_wrong_tariff_gets_0611_with_the_numbers) {
  auto msg = declaration({{kPrestatie + "/ProductTarief", "6200"},
                          {kPrestatie + "/IngediendBedrag/Bedrag", "74400"},
                          {"/Bericht/Declaratie/TotaalIngediendBedrag/TotaalBedrag", "180670"}});
  const std::string tariffs =
      "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
      "geforceerd;reden\n"
      "heuvelland;iwmo;02;02A01;98104273;6150;2025-01-01;;;\n"
      "heuvelland;iwmo;07;07A01;98104273;5480;2025-01-01;;;\n"
      "heuvelland;iwmo;07;07A12;98104273;4925;2025-01-01;;;\n";
  auto found = judge(msg, with(tariffs));
  BOOST_REQUIRE(found.size() == 1u);
  const auto& f = found[0];
  BOOST_TEST(f.rule == "TR418");
  BOOST_TEST(f.retourcode == "0611");
  BOOST_TEST(f.path == kPrestatie + "/ProductTarief");
  BOOST_TEST(f.value == "6200");
  BOOST_TEST(f.nl ==
             "TR418: het gedeclareerde tarief € 62,00 (6200 eurocent per uur) wijkt af van het "
             "contracttarief € 61,50 "
             "(6150 eurocent per uur) voor aanbieder 98104273, product 02A01 in gemeente 0935 op "
             "2026-02-01 "
             "(contract heuvelland, tarieven.csv:2, ingangsdatum 2025-01-01). Declareer het "
             "contracttarief; is een ander "
             "tarief afgesproken, laat de regio dan het contract aanpassen.");
  BOOST_TEST(f.en.find("the declared tariff €62.00 (6200 eurocent per hour) differs from the "
                       "contract tariff €61.50 (6150 "
                       "eurocent per hour)") != std::string::npos,
             f.en);
  // sluis answering: 0611 on that prestatie of the 325, the others approved.
  standard::model::AntwoordHeader ah{
      {"S1", *core::parse_date("2026-03-05")}, msg.header().XsdVersie, std::nullopt};
  auto all =
      rules::check(rules::Context{msg, *core::parse_date("2026-11-24"), nullptr, nullptr, {}});
  BOOST_REQUIRE(all.empty());
  auto reply = rules::compose_325(msg, found, ah);
  const auto& answer = *std::get<standard::model::Bericht325>(reply.body).DeclaratieAntwoord;
  BOOST_REQUIRE(answer.Clienten.size() == 1u);
  BOOST_REQUIRE(answer.Clienten[0].Prestaties.size() == 1u);
  BOOST_TEST(answer.Clienten[0].Prestaties[0].RetourCodes == standard::model::Codes{"0611"});
  BOOST_TEST(answer.Clienten[0].Prestaties[0].ProductTarief.value_or(0) == 6200);
  BOOST_TEST(!rules::rejects_message(msg, found));
}

BOOST_AUTO_TEST_CASE(the_default_tariff_names_both_rows) {
  auto msg = declaration(
      {{"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductTarief", "4925"}});
  // February 2026: the forced mid-year row (5000) holds.
  auto found = judge(msg, with(kTariffs));
  BOOST_REQUIRE(found.size() == 1u);
  BOOST_TEST(found[0].nl.find(
                 "wijkt af van het contracttarief € 50,00 (5000 eurocent per dagdeel (4 uur))") !=
                 std::string::npos,
             found[0].nl);
  BOOST_TEST(
      found[0].nl.find(
          "contract heuvelland, tarieven.csv:5, ingangsdatum 2026-02-01, het standaardtarief "
          "van het contract; uw regel tarieven.csv:8") != std::string::npos,
      found[0].nl);
  // January 2026, before the change: 4925 is right.
  auto jan = declaration(
      {{"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductPeriode/Begindatum",
        "2026-01-01"},
       {"/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductPeriode/Einddatum",
        "2026-01-31"}});
  BOOST_TEST(judge(jan, with(kTariffs)).empty());
}

BOOST_AUTO_TEST_CASE(another_unit_than_the_contracts_is_0611) {
  auto msg = declaration({{kPrestatie + "/Eenheid", "01"}});
  auto found = judge(msg, with(kTariffs));
  BOOST_REQUIRE(!found.empty());
  BOOST_TEST(found[0].rule == "TR418");
  BOOST_TEST(found[0].path == kPrestatie + "/Eenheid");
  BOOST_TEST(
      found[0].en.find(
          "is per minute (Eenheid 01), the contract tariff is €61.50 per hour (Eenheid 04)") !=
          std::string::npos,
      found[0].en);
}

BOOST_AUTO_TEST_CASE(an_uncontracted_product_is_advice_or_refused_as_configured) {
  // 98104273 is not contracted for 07A12.
  std::string tariffs = kTariffs.substr(0, kTariffs.rfind("heuvelland;iwmo;07;07A12;98104273"));
  auto advice = judge(declaration(), with(tariffs));
  BOOST_REQUIRE(advice.size() == 1u);
  BOOST_TEST(advice[0].rule == "SL001");
  BOOST_TEST(advice[0].retourcode.empty());
  BOOST_TEST(advice[0].advisory);
  BOOST_TEST(advice[0].path ==
             "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductCode");
  BOOST_TEST(advice[0].nl ==
             "SL001: product 07A12 is op 2026-02-01 niet gecontracteerd met aanbieder 98104273 "
             "voor gemeente 0935. "
             "Declareer alleen gecontracteerde producten (sluisctl contract-show, GET "
             "/v1/contract), of vraag de "
             "regio het contract aan te vullen.");
  // Advice leaves the 325 without codes on it.
  auto msg = declaration();
  standard::model::AntwoordHeader ah{
      {"S1", *core::parse_date("2026-03-05")}, msg.header().XsdVersie, std::nullopt};
  auto reply = rules::compose_325(msg, advice, ah);
  BOOST_TEST(std::get<standard::model::Bericht325>(reply.body).DeclaratieAntwoord->RetourCodes ==
             standard::model::Codes{"8001"});
  // A region that refuses: its code on the prestatie.
  auto refused = judge(declaration(), with(tariffs, "0611"));
  BOOST_REQUIRE(refused.size() == 1u);
  BOOST_TEST(refused[0].retourcode == "0611");
  BOOST_TEST(!refused[0].advisory);
  reply = rules::compose_325(msg, refused, ah);
  const auto& answer = *std::get<standard::model::Bericht325>(reply.body).DeclaratieAntwoord;
  BOOST_REQUIRE(answer.Clienten.size() == 1u);
  BOOST_TEST(answer.Clienten[0].Prestaties[0].RetourCodes == standard::model::Codes{"0611"});
}

// The region's own iWmo codes are on its catalogue, not on the product code
// list: with catalogue_product_list = ["iwmo"] they pass TR381 in the
// municipalities the contracts cover, and only there.
BOOST_AUTO_TEST_CASE(the_catalogue_lists_the_regions_own_codes_for_tr381) {
  auto tr381 = [](const standard::model::Message& m, const rules::ReferenceData& ref) {
    std::vector<std::string> out;
    for (auto& f : rules::check(rules::Context{m, *core::parse_date("2026-11-24"), &ref, nullptr, {}}))
      if (f.rule == "TR381") out.push_back(f.path + " " + f.retourcode);
    return out;
  };
  auto own_code = [&](rules::ReferenceData r, std::vector<standard::Law> laws) {
    auto k = std::make_shared<rules::Contracts>(*r.contracts);
    k->product_list_laws = std::move(laws);
    r.contracts = k;
    return r;
  };
  // 02A99: in the catalogue and contracted, not on the product code list.
  std::string tariffs = kTariffs + "heuvelland;iwmo;02;02A99;98104273;6150;2025-01-01;;;\n";
  rules::ReferenceData ref = base;
  {
    auto k = rules::Contracts::parse(
        "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;einddatum\n"
        "iwmo;02;02A01;begeleiding individueel;begeleiding individueel;;04;2|4;inspanningsgericht;2025-01-01;\n"
        "iwmo;02;02A99;begeleiding regio;begeleiding individueel;;04;2|4;inspanningsgericht;2025-01-01;\n"
        "iwmo;07;07A01;dagbesteding;begeleiding groep;;16;2|4;inspanningsgericht;2025-01-01;\n"
        "iwmo;07;07A12;dagbesteding met vervoer;begeleiding groep;;16;2|4;inspanningsgericht;2025-01-01;\n",
        "catalogus.csv", "contract;gemeente;ingangsdatum;einddatum\nheuvelland;0935;2025-01-01;\n",
        "gemeenten.csv", tariffs, "tarieven.csv", &base.gemeenten);
    BOOST_REQUIRE_MESSAGE(k.has_value(), (k.has_error() ? k.error().text : ""));
    ref.contracts = std::make_shared<const rules::Contracts>(std::move(*k));
  }
  auto msg = declaration({{kPrestatie + "/ProductCode", "02A99"}});
  const std::string s329 = kPrestatie + "/ProductCode S329";
  // Off: the product code list alone decides.
  BOOST_TEST(tr381(msg, own_code(ref, {})) == std::vector<std::string>{s329}, boost::test_tools::per_element());
  // On for iWmo: listed for 0935, which the contracts cover ...
  auto fed = own_code(ref, {standard::Law::iwmo});
  BOOST_TEST(tr381(msg, fed).empty());
  // Contracted at its tariff: no TR418 or SL001 on it (the one finding is the
  // 07A12 of February, as in the_contract_tariff_passes).
  auto judged = judge(msg, fed);
  BOOST_REQUIRE(judged.size() == 1u);
  BOOST_TEST(judged[0].path == "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie/ProductTarief");
  // ... not for 0917, which they do not.
  auto elsewhere = declaration({{kPrestatie + "/ProductCode", "02A99"}, {"/Bericht/Header/Ontvanger", "0917"}});
  BOOST_TEST(tr381(elsewhere, fed) == std::vector<std::string>{s329}, boost::test_tools::per_element());
  // On for iJw only: an iWmo message is not fed.
  BOOST_TEST(tr381(msg, own_code(ref, {standard::Law::ijw})) == std::vector<std::string>{s329},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_contracts_no_findings) {
  auto msg = declaration({{kPrestatie + "/ProductTarief", "6200"},
                          {kPrestatie + "/IngediendBedrag/Bedrag", "74400"},
                          {"/Bericht/Declaratie/TotaalIngediendBedrag/TotaalBedrag", "180670"}});
  BOOST_TEST(judge(msg, base).empty());
  // A gemeente the contracts do not cover: silent too.
  auto elsewhere = declaration({{"/Bericht/Header/Ontvanger", "0917"}});
  BOOST_TEST(
      judge(elsewhere, with(kTariffs.substr(0, kTariffs.find("heuvelland;iwmo;07;07A12;;4925"))))
          .empty());
}

BOOST_AUTO_TEST_SUITE_END()
