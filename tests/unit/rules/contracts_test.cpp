// The contract data (gateway/rules/contracts.hpp): the three files' rows, the
// tariff model (defaults, a provider's own tariff, contracted or not), and
// every refusal with its file:line.
#define BOOST_TEST_MODULE rules_contracts
#include "gateway/rules/contracts.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>

#include "gateway/config/config.hpp"
#include "gateway/rules/reference_loader.hpp"

using namespace sluis;
using namespace std::chrono;
using standard::Law;

namespace {

core::Date d(int y, unsigned m, unsigned dd) {
  return year{y} / month{m} / day{dd};
}
std::filesystem::path source() {
  return std::getenv("SLUIS_SOURCE_DIR");
}

const std::string kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "iwmo;02;02A01;begeleiding individueel;begeleiding "
    "individueel;;04;2|4;inspanningsgericht;2025-01-01;\n"
    "iwmo;07;07A01;dagbesteding;begeleiding groep;;16;2;inspanningsgericht;2025-01-01;\n"
    "ijw;45;45T01;traject licht kort;jeugdhulp traject;licht kort;82;6;outputgericht;2025-01-01;\n";
const std::string kCoverage =
    "contract;gemeente;ingangsdatum;einddatum\n"
    "heuvelland;0935;2025-01-01;\n"
    "parkstad;0917;2025-01-01;\n";
const std::string kTariffHeader =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n";

core::Result<rules::Contracts> parse(const std::string& tariffs,
                                     const std::string& catalogue = kCatalogue,
                                     const std::string& coverage = kCoverage,
                                     const rules::GemeenteList* gemeenten = nullptr) {
  return rules::Contracts::parse(catalogue, "catalogus.csv", coverage, "gemeenten.csv",
                                 kTariffHeader + tariffs, "tarieven.csv", gemeenten);
}

std::string error_of(const core::Result<rules::Contracts>& r) {
  return r.has_error() ? r.error().text : std::string("(parsed)");
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_default_and_a_providers_own_tariff) {
  auto c = parse(
      "heuvelland;iwmo;02;02A01;;10000;2025-01-01;2025-12-31;;\n"
      "heuvelland;iwmo;02;02A01;;10300;2026-01-01;;;\n"
      "heuvelland;iwmo;02;02A01;11111111;;2025-01-01;;;\n"
      "heuvelland;iwmo;02;02A01;22222222;9800;2025-01-01;;;\n");
  BOOST_REQUIRE_MESSAGE(c.has_value(), error_of(c));
  BOOST_TEST(c->tariffs_size() == 4u);
  // A provider without its own tariff takes the default of the day: it
  // changes on 1 January (the year boundary).
  auto dec = c->contracted(Law::iwmo, "0935", "11111111", "02", "02A01", d(2025, 12, 31));
  BOOST_REQUIRE(dec.has_value());
  BOOST_TEST(dec->eurocent == 10000);
  BOOST_TEST(dec->priced->where == "tarieven.csv:2");
  BOOST_TEST(dec->row->where == "tarieven.csv:4");
  auto jan = c->contracted(Law::iwmo, "0935", "11111111", "02", "02A01", d(2026, 1, 1));
  BOOST_REQUIRE(jan.has_value());
  BOOST_TEST(jan->eurocent == 10300);
  BOOST_TEST(jan->priced->where == "tarieven.csv:3");
  BOOST_TEST(jan->product->eenheid == "04");
  // Its own tariff wins over the default.
  auto own = c->contracted(Law::iwmo, "0935", "22222222", "02", "02A01", d(2026, 3, 1));
  BOOST_REQUIRE(own.has_value());
  BOOST_TEST(own->eurocent == 9800);
  BOOST_TEST(own->priced == own->row);
  // Not contracted: another provider, another gemeente (not covered by the
  // contract), another product, before the contract.
  BOOST_TEST(!c->contracted(Law::iwmo, "0935", "33333333", "02", "02A01", d(2026, 3, 1)));
  BOOST_TEST(!c->contracted(Law::iwmo, "0917", "11111111", "02", "02A01", d(2026, 3, 1)));
  BOOST_TEST(!c->contracted(Law::iwmo, "0935", "11111111", "07", "07A01", d(2026, 3, 1)));
  BOOST_TEST(!c->contracted(Law::iwmo, "0935", "11111111", "02", "02A01", d(2024, 12, 31)));
  // The contracts speak for 0935 in iwmo, not in ijw (no ijw tariffs there).
  BOOST_TEST(c->governs(Law::iwmo, "0935", d(2026, 3, 1)));
  BOOST_TEST(!c->governs(Law::ijw, "0935", d(2026, 3, 1)));
  BOOST_TEST(!c->governs(Law::iwmo, "0917", d(2026, 3, 1)));
  // What a provider is contracted for, with its gemeenten.
  auto all = c->contracted_on("11111111", d(2026, 3, 1));
  BOOST_REQUIRE(all.size() == 1u);
  BOOST_TEST(all[0].eurocent == 10300);
  BOOST_TEST(all[0].gemeenten == std::vector<std::string>{"0935"});
  BOOST_TEST(c->contracted_on("", d(2026, 3, 1)).empty());
}

BOOST_AUTO_TEST_CASE(a_change_during_the_year_needs_geforceerd_and_a_reden) {
  auto refused = parse(
      "heuvelland;iwmo;02;02A01;;10000;2025-01-01;2025-06-30;;\n"
      "heuvelland;iwmo;02;02A01;;10300;2025-07-01;;;\n");
  BOOST_TEST(error_of(refused) ==
             "tarieven.csv:3: ingangsdatum 2025-07-01 is not 1 January: a tariff changes only from "
             "the next year; "
             "set geforceerd = ja with a reden to change it during the year");
  BOOST_TEST((refused.error().code == core::Errc::contract_date));
  auto no_reason = parse("heuvelland;iwmo;02;02A01;;10300;2025-07-01;;ja;\n");
  BOOST_TEST(
      error_of(no_reason) ==
      "tarieven.csv:2: geforceerd without a reden (say why the tariff changes during the year)");
  auto forced = parse(
      "heuvelland;iwmo;02;02A01;;10000;2025-01-01;2025-06-30;;\n"
      "heuvelland;iwmo;02;02A01;;10300;2025-07-01;;ja;correctie na bezwaar\n"
      "heuvelland;iwmo;02;02A01;11111111;;2025-01-01;;;\n");
  BOOST_REQUIRE_MESSAGE(forced.has_value(), error_of(forced));
  BOOST_TEST(
      forced->contracted(Law::iwmo, "0935", "11111111", "02", "02A01", d(2025, 6, 30))->eurocent ==
      10000);
  BOOST_TEST(
      forced->contracted(Law::iwmo, "0935", "11111111", "02", "02A01", d(2025, 7, 1))->eurocent ==
      10300);
  auto bad_flag = parse("heuvelland;iwmo;02;02A01;;10300;2025-01-01;;yes;x\n");
  BOOST_TEST(error_of(bad_flag) == "tarieven.csv:2: geforceerd \"yes\" is not \"ja\" or empty");
}

BOOST_AUTO_TEST_CASE(every_refusal_names_file_and_line) {
  struct Case {
    std::string tariffs, catalogue, coverage, error;
  };
  const std::string cat_header =
      "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
      "einddatum\n";
  const Case cases[] = {
      {"heuvelland;iwmo;02;02A01;;10000;2025-01-01;;;\nheuvelland;iwmo;02;02A01;;10300;2026-01-01;;"
       ";\n",
       kCatalogue, kCoverage,
       "tarieven.csv:3: 02A01 (default) in contract heuvelland: 2026-01-01 t/m open overlaps "
       "tarieven.csv:2 "
       "(2025-01-01 t/m open)"},
      {"heuvelland;iwmo;02;02A99;;10000;2025-01-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: product 02/02A99 (iwmo) is not in the catalogue catalogus.csv"},
      {"elders;iwmo;02;02A01;;10000;2025-01-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: contract \"elders\" covers no gemeente in gemeenten.csv"},
      {"heuvelland;iwmo;02;02A01;;10000;2025-13-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: ingangsdatum \"2025-13-01\" is not a date (YYYY-MM-DD; every row has one)"},
      {"heuvelland;iwmo;02;02A01;;10000;2026-01-01;2025-12-31;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: einddatum 2025-12-31 is before ingangsdatum 2026-01-01"},
      {"heuvelland;iwmo;02;02A01;;€100;2025-01-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: tarief_eurocent \"€100\" is not a whole number of eurocent (0-99999999)"},
      {"heuvelland;iwmo;02;02A01;1234;10000;2025-01-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: aanbieder \"1234\" is not an AGB code (8 digits)"},
      {"heuvelland;iwmo;02;02A01;;;2025-01-01;;;\n", kCatalogue, kCoverage,
       "tarieven.csv:2: tarief_eurocent is empty in the contract's default row"},
      {"heuvelland;iwmo;02;02A01;;10000;2025-01-01;2025-12-31;;\nheuvelland;iwmo;02;02A01;11111111;"
       ";2025-01-01;;;\n",
       kCatalogue, kCoverage,
       "tarieven.csv:3: no tarief_eurocent, and contract heuvelland has no default tariff for "
       "02A01 on 2026-01-01"},
      {"heuvelland;iwmo;02;02A01;11111111;9000;2025-01-01;;;\nregio;iwmo;02;02A01;11111111;9100;"
       "2025-01-01;;;\n",
       kCatalogue, kCoverage + "regio;0935;2025-01-01;\n",
       "tarieven.csv:3: 11111111 is contracted for 02A01 in gemeente 0935 by both contract regio "
       "and contract "
       "heuvelland (tarieven.csv:2) at the same time"},
      {"", kCatalogue, kCoverage + "heuvelland;0935;2026-01-01;\n",
       "gemeenten.csv:4: contract heuvelland covers 0935 twice: 2026-01-01 t/m open overlaps "
       "gemeenten.csv:2 "
       "(2025-01-01 t/m open)"},
      {"", kCatalogue, kCoverage + "heuvelland;935;2026-01-01;\n",
       "gemeenten.csv:4: gemeente \"935\" is not a CBS code (4 digits)"},
      {"", kCatalogue + "iwmo;02;02A01;dubbel;;;04;2;inspanningsgericht;2025-06-01;\n", kCoverage,
       "catalogus.csv:5: 02A01 (iwmo) 2025-06-01 t/m open overlaps catalogus.csv:2 (2025-01-01 t/m "
       "open)"},
      {"", cat_header + "iwmo;02;02A01;x;;;05;2;inspanningsgericht;2025-01-01;\n", kCoverage,
       "catalogus.csv:2: eenheid \"05\" is not an Eenheid code of 3.2 (01, 04, 14, 16, 82, 83, "
       "84)"},
      {"", cat_header + "iwmo;02;02A01;x;;;04;2|3;inspanningsgericht;2025-01-01;\n", kCoverage,
       "catalogus.csv:2: frequenties \"2|3\" is not Frequentie codes (1, 2, 4, 6) separated by |"},
      {"", cat_header + "iwmo;02;02A01;x;;;04;2;resultaatgericht;2025-01-01;\n", kCoverage,
       "catalogus.csv:2: soort \"resultaatgericht\" is not inspanningsgericht, outputgericht or "
       "taakgericht"},
      {"", cat_header + "wlz;02;02A01;x;;;04;2;taakgericht;2025-01-01;\n", kCoverage,
       "catalogus.csv:2: wet \"wlz\" is not iwmo or ijw"},
      {"", cat_header + "iwmo;2;02A01;x;;;04;2;taakgericht;2025-01-01;\n", kCoverage,
       "catalogus.csv:2: categorie \"2\" is not 2 digits"},
      {"", "wet;categorie;productcode\n", kCoverage,
       "catalogus.csv:1: expected the header "
       "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
       "einddatum"},
      {"", cat_header + "iwmo;02;02A01;x\n", kCoverage,
       "catalogus.csv:2: expected 11 fields, found 4"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.error) {
      auto r = parse(c.tariffs, c.catalogue, c.coverage);
      BOOST_TEST(error_of(r) == c.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_gemeente_must_be_on_the_cbs_list) {
  auto cbs = rules::GemeenteList::parse(
      "gemeentecode;gemeentenaam;ingangsdatum;einddatum\n0935;Maastricht;;\n0888;Beek;;2025-12-"
      "31\n",
      "cbs.csv");
  BOOST_REQUIRE(cbs.has_value());
  auto ok = parse("", kCatalogue, "contract;gemeente;ingangsdatum;einddatum\nx;0935;2025-01-01;\n",
                  &*cbs);
  BOOST_TEST(ok.has_value(), error_of(ok));
  auto unknown = parse("", kCatalogue,
                       "contract;gemeente;ingangsdatum;einddatum\nx;0917;2025-01-01;\n", &*cbs);
  BOOST_TEST(error_of(unknown) ==
             "gemeenten.csv:2: gemeente 0917 is not on the CBS list on 2025-01-01");
  BOOST_TEST((unknown.error().code == core::Errc::contract_unknown));
  auto merged = parse("", kCatalogue,
                      "contract;gemeente;ingangsdatum;einddatum\nx;0888;2026-01-01;\n", &*cbs);
  BOOST_TEST(error_of(merged) ==
             "gemeenten.csv:2: gemeente 0888 is not on the CBS list on 2026-01-01");
}

// The repository's example region loads and holds the development partners
// with the tariffs the example and conformance declarations carry.
BOOST_AUTO_TEST_CASE(the_example_region_loads) {
  config::ReferenceConfig ref;
  ref.cbs_gemeenten = source() / "config/reference/cbs-gemeenten.csv";
  ref.productcodes = source() / "config/reference/productcodes.csv";
  config::ContractsConfig cc;
  cc.catalogue = source() / "config/contracts/catalogus.csv";
  cc.coverage = source() / "config/contracts/gemeenten.csv";
  cc.tariffs = source() / "config/contracts/tarieven.csv";
  auto data = rules::load_reference(ref, cc);
  BOOST_REQUIRE(data->contracts != nullptr);
  const auto& k = *data->contracts;
  struct Want {
    Law law;
    const char *gemeente, *aanbieder, *categorie, *code;
    std::int64_t cents;
  };
  const Want wants[] = {
      {Law::iwmo, "0935", "87654321", "02", "02A01", 6150},
      {Law::iwmo, "0935", "87654321", "07", "07A01", 5480},
      {Law::iwmo, "0935", "87654321", "07", "07A12", 4925},
      {Law::ijw, "0935", "87654321", "45", "45A01", 8640},
      {Law::ijw, "0935", "87654321", "45", "45A04", 142},
      {Law::ijw, "0917", "75302186", "45", "45A01", 8640},
      {Law::ijw, "0917", "75302186", "45", "45A04", 142},
      {Law::iwmo, "0917", "75302186", "02", "02A01", 6150},
      {Law::iwmo, "0935", "98104273", "02", "02A01", 6150},
      {Law::iwmo, "0935", "98104273", "07", "07A12", 4925},
  };
  for (const auto& w : wants)
    for (const auto& on : {d(2025, 1, 1), d(2026, 2, 1), d(2026, 9, 1)}) {
      BOOST_TEST_CONTEXT(w.aanbieder << " " << w.code << " " << core::format_date(on)) {
        auto cp = k.contracted(w.law, w.gemeente, w.aanbieder, w.categorie, w.code, on);
        BOOST_REQUIRE(cp.has_value());
        BOOST_TEST(cp->eurocent == w.cents);
      }
    }
  BOOST_TEST(k.coverage_size() == 12u);
  // A broken file: the loader says which, and where.
  config::ContractsConfig broken = cc;
  broken.tariffs = source() / "config/contracts/missing.csv";
  BOOST_CHECK_EXCEPTION(
      rules::load_reference(ref, broken), std::runtime_error, [](const std::runtime_error& e) {
        return std::string(e.what()).find("cannot read contract file") != std::string::npos;
      });
  config::ContractsConfig code = cc;
  code.uncontracted_retourcode = "0200";
  BOOST_CHECK_EXCEPTION(
      rules::load_reference(ref, code), std::runtime_error, [](const std::runtime_error& e) {
        return std::string(e.what()).find("uncontracted_retourcode \"0200\"") != std::string::npos;
      });
  code.uncontracted_retourcode = "0611";
  BOOST_TEST(rules::load_reference(ref, code)->contracts->uncontracted_retourcode == "0611");
  // Not configured: no contracts, the lists alone.
  BOOST_TEST(rules::load_reference(ref, config::ContractsConfig{})->contracts == nullptr);
}
