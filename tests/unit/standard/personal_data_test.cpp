// The one list of personal-data elements (standard/personal_data.hpp) against
// the standard's element facts as the packs in schemas/ declare them (they are
// generated from the 3.2 structure table), and its use by the log scrubber.
#define BOOST_TEST_MODULE personal_data
#include "gateway/standard/personal_data.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "gateway/core/log.hpp"
#include "tests/support/files.hpp"

namespace fs = std::filesystem;
using namespace sluis;

namespace {

// Every element declaration of every pack: name -> the types it is declared
// with (local type names), and the names inside each named complex type.
struct Declarations {
  std::map<std::string, std::set<std::string>> types_of;
  std::map<std::string, std::set<std::string>> inside;  // complex type -> element names
};

Declarations read_packs() {
  Declarations d;
  const std::regex complex_type(
      "<xs:complexType name=\"([A-Za-z_0-9]+)\">([\\s\\S]*?)</xs:complexType>");
  const std::regex element(
      "<xs:element name=\"([A-Za-z_0-9]+)\"(?: type=\"(?:[a-z0-9]+:)?([A-Za-z_0-9]+)\")?");
  for (const auto& law : {"iwmo", "ijw"})
    for (const auto& e : fs::directory_iterator(test::source() / "schemas" / law / "3.2")) {
      if (e.path().extension() != ".xsd") continue;
      const std::string xsd = test::slurp(e.path());
      for (std::sregex_iterator it(xsd.begin(), xsd.end(), element), end; it != end; ++it)
        d.types_of[(*it)[1]].insert((*it)[2].matched ? (*it)[2].str() : std::string("(anonymous)"));
      for (std::sregex_iterator it(xsd.begin(), xsd.end(), complex_type), end; it != end; ++it) {
        const std::string body = (*it)[2];
        for (std::sregex_iterator el(body.begin(), body.end(), element); el != end; ++el)
          d.inside[(*it)[1]].insert((*el)[1]);
      }
    }
  return d;
}

// The types that describe a person: those the list names, and the other two
// a listed element (Naam) is declared with.
std::set<std::string> personal_types() {
  std::set<std::string> t{"CDT_VerkorteNaam", "LDT_NaamVerwijzer"};
  for (const auto& e : standard::kPersonalElements) t.insert(std::string(e.type));
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_element_of_a_personal_type_is_listed) {
  const auto d = read_packs();
  BOOST_REQUIRE(d.types_of.size() > 100u);  // the packs were read
  const auto personal = personal_types();
  for (const auto& [name, types] : d.types_of)
    for (const auto& type : types)
      if (personal.count(type))
        BOOST_TEST(standard::is_personal(name), name << " is declared " << type);
}

BOOST_AUTO_TEST_CASE(every_listed_element_is_declared_with_its_type_or_inside_it) {
  const auto d = read_packs();
  std::set<std::string> names;
  for (const auto& e : standard::kPersonalElements) {
    BOOST_TEST(names.insert(std::string(e.name)).second, e.name << " is listed twice");
    BOOST_TEST_CONTEXT(e.name) {
      BOOST_TEST((e.mask != core::Mask::none));
      auto declared = d.types_of.find(std::string(e.name));
      BOOST_REQUIRE(declared != d.types_of.end());
      auto inside = d.inside.find(std::string(e.type));
      bool in_type = inside != d.inside.end() && inside->second.count(std::string(e.name));
      BOOST_TEST((declared->second.count(std::string(e.type)) || in_type), e.type);
    }
  }
  // Codes that identify nobody on their own stay readable.
  for (const char* code : {"Geslacht", "JuridischeStatus", "Soort", "ProductCode", "Categorie",
                           "Afzender", "Begindatum"})
    BOOST_TEST(!standard::is_personal(code), code);
}

// The log scrubber, told the list (as sluisd's App and sluisctl do at
// start): a logged value quoting XML (a receiver's error body) shows no
// personal element.
BOOST_AUTO_TEST_CASE(a_logged_value_quoting_xml_has_the_listed_elements_masked) {
  core::set_log_element_masks(&standard::personal_mask);
  const core::Event kEvent{"TEST_EVENT", core::Level::warning, "test"};
  std::string value = "<Bericht>";
  for (const auto& e : standard::kPersonalElements)
    value += "<" + std::string(e.name) + ">Geheim" + std::string(e.name) + "</" +
             std::string(e.name) + ">";
  value += "<ProductCode>45A09</ProductCode></Bericht>";
  const std::string line = core::format_log_line(kEvent, {{"error", value}});
  for (const auto& e : standard::kPersonalElements)
    BOOST_TEST(line.find("eheim" + std::string(e.name)) == std::string::npos,
               e.name << " in " << line);
  BOOST_TEST(line.find("<ProductCode>45A09</ProductCode>") != std::string::npos, line);
}
