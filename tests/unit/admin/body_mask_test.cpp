// The body mask of `sluisctl message-show` masks every element of the one
// personal-data list (standard/personal_data.hpp), also those it once missed
// (Commentaar, Nummer, Organisatie, DatumGebruik), in a whole corpus message
// as well as one by one, and keeps the rest readable.
#define BOOST_TEST_MODULE body_mask
#include "gateway/admin/body_mask.hpp"

#include <boost/test/unit_test.hpp>
#include <regex>
#include <string>

#include "gateway/standard/personal_data.hpp"
#include "tests/support/files.hpp"

using namespace sluis;

BOOST_AUTO_TEST_CASE(every_listed_element_is_masked) {
  for (const auto& e : standard::kPersonalElements) {
    const std::string name(e.name);
    BOOST_TEST_CONTEXT(name) {
      const std::string secret = "Geheim" + name + "Waarde";
      for (const std::string& doc :
           {"<jw301:" + name + ">" + secret + "</jw301:" + name + ">",
            "<" + name + ">  " + secret + "\n</" + name + ">",
            "<a><" + name + " xmlns=\"urn:x\"><b>" + secret + "</b></" + name + "></a>"}) {
        auto m = admin::mask_body(doc);
        BOOST_TEST(m.find(secret) == std::string::npos, m);
        BOOST_TEST(m.find("eimWaarde") == std::string::npos,
                   m);  // a name mask keeps one letter only
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_whole_message_shows_no_personal_value) {
  std::string doc =
      test::slurp(test::source() / "tests/conformance/xsd/ijw/301/valid-toewijzing.xml");
  // Every personal element the 301 can carry, with marked values.
  doc = std::regex_replace(doc, std::regex("</ijw:Datum>"),
                           "</ijw:Datum><ijw:DatumGebruik>1</ijw:DatumGebruik>",
                           std::regex_constants::format_first_only);
  doc = std::regex_replace(doc, std::regex("(<jw301:Telefoon>)"),
                           "<jw301:Organisatie>Zorghuis Geheim</jw301:Organisatie>$1",
                           std::regex_constants::format_first_only);
  doc = std::regex_replace(doc, std::regex("(</jw301:JuridischeStatus>)"),
                           "$1<jw301:Commentaar>Moeder Geheim belt liever</jw301:Commentaar>");
  const std::string masked = admin::mask_body(doc);
  for (const char* secret : {"999978366", "2013-08-29", "Meulenberg", "Daan Lucas", ">DL<",
                             "0917-OUD-2231", "6431HT", "Akerstraat", "Hoensbroek", "0612558104",
                             "Zorghuis Geheim", "Moeder Geheim", "<ijw:DatumGebruik>1<", ">221<"})
    BOOST_TEST(masked.find(secret) == std::string::npos, secret);
  // What is not personal stays readable.
  for (const char* kept :
       {"<jw301:BerichtCode>436</jw301:BerichtCode>", "<jw301:Geslacht>1</jw301:Geslacht>",
        "<jw301:JuridischeStatus>04</jw301:JuridischeStatus>", "<jw301:Soort>10</jw301:Soort>"})
    BOOST_TEST(masked.find(kept) != std::string::npos, kept);
}
