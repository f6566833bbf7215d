#define BOOST_TEST_MODULE rules_reference
#include "gateway/rules/reference.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "gateway/rules/reference_loader.hpp"

using namespace sluis;
using namespace std::chrono;

namespace {
core::Date d(int y, unsigned m, unsigned dd) { return year{y} / month{m} / day{dd}; }
std::string slurp(const std::string& rel) {
  std::ifstream in(std::string(std::getenv("SLUIS_SOURCE_DIR")) + "/" + rel);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

// A spreadsheet export: byte-order mark, ';', CRLF, a quoted name with the
// separator and a newline in it, padded fields.
BOOST_AUTO_TEST_CASE(a_list_with_a_bom_semicolons_and_quotes_loads) {
  auto list = rules::GemeenteList::parse(
      "\xEF\xBB\xBFgemeentecode;gemeentenaam;ingangsdatum;einddatum\r\n"
      "0935;\"Maastricht; \"\"stad\"\"\r\nLimburg\";;\r\n"
      " 0888 ;Beek;;2025-12-31\r\n"
      "\r\n",
      "bom.csv");
  BOOST_REQUIRE_MESSAGE(list.has_value(), (list.has_error() ? list.error().text : std::string()));
  BOOST_TEST(list->size() == 2u);
  BOOST_TEST(list->valid_on("0935", d(2026, 1, 1)));
  BOOST_TEST(list->valid_on("0888", d(2025, 12, 31)));
  BOOST_TEST(!list->valid_on("0888", d(2026, 1, 1)));
  // Line numbers count the quoted newline: the third record starts on line 4.
  auto bad = rules::GemeenteList::parse(
      "\xEF\xBB\xBFgemeentecode;gemeentenaam;ingangsdatum;einddatum\r\n0935;\"a\r\nb\";;\r\n935;c;;\r\n", "bom.csv");
  BOOST_TEST(bad.error().text == "bom.csv:4: gemeentecode \"935\" is not 4 digits");
  // A CSV syntax error is named with its position.
  auto open = rules::GemeenteList::parse("gemeentecode;gemeentenaam;ingangsdatum;einddatum\n0935;\"x;;\n", "o.csv");
  BOOST_TEST(open.error().code == core::Errc::csv_unterminated);
  BOOST_TEST(open.error().text == "o.csv:2: a quoted field is not closed");
}

BOOST_AUTO_TEST_CASE(shipped_cbs_list_parses_and_answers) {
  auto list = rules::GemeenteList::parse(slurp("config/reference/cbs-gemeenten.csv"), "cbs-gemeenten.csv");
  BOOST_REQUIRE_MESSAGE(list.has_value(), (list.has_error() ? list.error().text : std::string()));
  BOOST_TEST(list->size() == 345u);  // the 342 of 2026 and 3 merged into Beekdaelen
  BOOST_TEST(list->valid_on("0935", d(2026, 11, 24)));  // Maastricht
  BOOST_TEST(list->valid_on("0935", d(2015, 1, 1)));    // 2026 codes count for earlier dates
  BOOST_TEST(!list->valid_on("9999", d(2026, 1, 1)));
}

BOOST_AUTO_TEST_CASE(ended_codes_stay_valid_before_their_end) {
  auto list = rules::GemeenteList::parse(
      "gemeentecode,gemeentenaam,ingangsdatum,einddatum\n0935,Maastricht,,\n0888,Beek (opgeheven),,2025-12-31\n",
      "t.csv");
  BOOST_REQUIRE(list.has_value());
  BOOST_TEST(list->valid_on("0888", d(2025, 12, 31)));
  BOOST_TEST(!list->valid_on("0888", d(2026, 1, 1)));
}

BOOST_AUTO_TEST_CASE(bad_files_are_refused_with_position) {
  auto a = rules::GemeenteList::parse("code,name\n", "a.csv");
  BOOST_TEST(a.error().text == "a.csv:1: expected the header gemeentecode,gemeentenaam,ingangsdatum,einddatum");
  auto b = rules::GemeenteList::parse("# c\ngemeentecode,gemeentenaam,ingangsdatum,einddatum\n935,X,,\n", "b.csv");
  BOOST_TEST(b.error().text == "b.csv:3: gemeentecode \"935\" is not 4 digits");
  auto c = rules::GemeenteList::parse("gemeentecode,gemeentenaam,ingangsdatum,einddatum\n0935,X,2026-02-30,\n", "c.csv");
  BOOST_TEST(c.error().text == "c.csv:2: ingangsdatum \"2026-02-30\" is not YYYY-MM-DD");
  auto e = rules::ProductCodeList::parse("wet,productcategorie,productcode,omschrijving,ingangsdatum,einddatum\nwmo,02,02A01,x,,\n", "p.csv");
  BOOST_TEST(e.error().text == "p.csv:2: wet \"wmo\" is not iwmo or ijw");
}

BOOST_AUTO_TEST_CASE(shipped_product_codes_fit_their_category_from_2025) {
  auto list = rules::ProductCodeList::parse(slurp("config/reference/productcodes.csv"), "productcodes.csv");
  BOOST_REQUIRE(list.has_value());
  BOOST_TEST(list->fits(standard::Law::iwmo, "02", "02A01", d(2025, 1, 1)));
  BOOST_TEST(list->fits(standard::Law::iwmo, "07", "07A12", d(2026, 6, 1)));
  BOOST_TEST(list->fits(standard::Law::ijw, "45", "45A04", d(2026, 6, 1)));
  BOOST_TEST(!list->fits(standard::Law::ijw, "45", "45A04", d(2024, 12, 31)));
  BOOST_TEST(!list->fits(standard::Law::iwmo, "07", "02A01", d(2026, 6, 1)));  // wrong category
  BOOST_TEST(!list->fits(standard::Law::ijw, "02", "02A01", d(2026, 6, 1)));   // wrong law
  BOOST_TEST(*list->categorie_of(standard::Law::iwmo, "07A01") == "07");
}

// The loader sluisd and `sluisctl validate` share: both lists from the files
// [reference] names; a file that cannot be read is named in the error.
BOOST_AUTO_TEST_CASE(the_loader_reads_the_files_config_names) {
  const std::filesystem::path src = std::getenv("SLUIS_SOURCE_DIR");
  config::ReferenceConfig cfg;
  cfg.cbs_gemeenten = src / "config/reference/cbs-gemeenten.csv";
  cfg.productcodes = src / "config/reference/productcodes.csv";
  auto data = rules::load_reference(cfg);
  BOOST_TEST_REQUIRE(data != nullptr);
  BOOST_TEST(data->gemeenten.size() ==
             rules::GemeenteList::parse(slurp("config/reference/cbs-gemeenten.csv"), "x")->size());
  BOOST_TEST(
      data->productcodes.size() ==
      rules::ProductCodeList::parse(slurp("config/reference/productcodes.csv"), "x")->size());
  BOOST_TEST(data->gemeenten.size() > 0u);
  // The shipped list knows the Beekdaelen merger of 2019-01-01 both ways.
  BOOST_TEST(data->gemeenten.valid_on("0951", d(2018, 12, 31)));  // Nuth
  BOOST_TEST(!data->gemeenten.valid_on("0951", d(2019, 1, 1)));
  BOOST_TEST(!data->gemeenten.valid_on("1954", d(2018, 12, 31)));  // Beekdaelen
  BOOST_TEST(data->gemeenten.valid_on("1954", d(2019, 1, 1)));
  // The shipped product list is the development one: said, not refused.
  auto warned = rules::reference_warnings(*data, cfg);
  BOOST_TEST_REQUIRE(warned.size() == 1u);
  BOOST_TEST(warned[0].find("productcodes.csv: holds only 5 product codes") != std::string::npos, warned[0]);
  cfg.productcodes = src / "config/reference/no-such-list.csv";
  try {
    rules::load_reference(cfg);
    BOOST_FAIL("a missing list was loaded");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("no-such-list.csv") != std::string::npos, e.what());
  }
}
