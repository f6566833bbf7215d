// explain_xsd_error for the Xerces messages the corpus does not provoke
// (they need an odd document), and its fallback.
#define BOOST_TEST_MODULE xsd_explain
#include <boost/test/unit_test.hpp>

#include "gateway/xml/xsd_explain.hpp"

using sluis::xml::explain_xsd_error;
using sluis::xml::SchemaFacts;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(text_where_only_elements_belong) {
  auto e = explain_xsd_error("no character data is allowed by content model", "Client", "", {});
  BOOST_TEST(has(e.nl, "Client bevat tekst, maar mag alleen elementen bevatten"), e.nl);
  BOOST_TEST(has(e.en, "Client holds text, but may only hold elements"), e.en);
}

BOOST_AUTO_TEST_CASE(elements_inside_a_simple_value) {
  auto e = explain_xsd_error("element 'Bsn' is of simple type and cannot have elements in its content", "Bsn", "", {});
  BOOST_TEST(has(e.nl, "Bsn is een enkelvoudig gegeven en kan geen elementen bevatten"), e.nl);
  BOOST_TEST(has(e.en, "Bsn is a simple value and cannot hold elements"), e.en);
}

BOOST_AUTO_TEST_CASE(an_attribute) {
  auto e = explain_xsd_error("attribute 'id' is not declared for element 'Client'", "Client", "", {});
  BOOST_TEST(has(e.nl, "het attribuut id is op Client niet toegestaan"), e.nl);
  BOOST_TEST(has(e.en, "attribute id is not allowed on Client"), e.en);
}

// At an unknown root the finding has no element of its own; Xerces names it.
BOOST_AUTO_TEST_CASE(an_attribute_names_the_element_xerces_names) {
  auto e = explain_xsd_error("attribute 'xmlns' is not declared for element 'Foo'", "Bericht", "", {});
  BOOST_TEST(has(e.nl, "het attribuut xmlns is op Foo niet toegestaan"), e.nl);
  BOOST_TEST(has(e.en, "attribute xmlns is not allowed on Foo"), e.en);
}

BOOST_AUTO_TEST_CASE(below_the_minimum_of_an_amount_and_of_a_number) {
  SchemaFacts bedrag{"LDT_Bedrag", {}};
  auto e = explain_xsd_error("value '-5' must be greater than or equal to minInclusive facet value '0'", "Bedrag",
                             "-5", bedrag);
  BOOST_TEST(has(e.nl, "Bedrag heeft de waarde '-5'; het kleinste toegestane getal is 0 (LDT_Bedrag)"), e.nl);
  BOOST_TEST(has(e.en, "by DebetCredit C, not by a minus sign"), e.en);
  auto n = explain_xsd_error("value '-1' must be greater than or equal to minInclusive facet value '0'", "Huisnummer",
                             "***", {"LDT_Huisnummer", {}});
  BOOST_TEST(!has(n.en, "DebetCredit"), n.en);
  BOOST_TEST(has(n.en, "Huisnummer has the value '***'"), n.en);
}

BOOST_AUTO_TEST_CASE(a_whole_number_and_an_unknown_pattern) {
  auto e = explain_xsd_error("value '12,50' does not match regular expression facet '[+\\-]?[0-9]+'", "Volume",
                             "12,50", {"LDT_Volume", {}});
  BOOST_TEST(has(e.nl, "een geheel getal: alleen cijfers, zonder punt, komma of spaties"), e.nl);
  BOOST_TEST(has(e.en, "a whole number: digits only"), e.en);
  auto p = explain_xsd_error("value 'x' does not match regular expression facet '[A-Z]{2}'", "Code", "x", {});
  BOOST_TEST(has(p.nl, "het patroon [A-Z]{2}"), p.nl);
}

BOOST_AUTO_TEST_CASE(an_impossible_time) {
  auto e = explain_xsd_error("hour value '25' must be between 0 and 23", "Toewijzingstijd", "25:00:00",
                             {"LDT_Tijd", {}});
  BOOST_TEST(has(e.nl, "geen geldige tijd. Schrijf de tijd als UU:MM:SS"), e.nl);
  BOOST_TEST(has(e.en, "which is not a valid time"), e.en);
}

BOOST_AUTO_TEST_CASE(the_value_from_the_message_when_none_is_given) {
  // Values of 64 characters or more are not quoted in the finding; the explanation takes Xerces' quote.
  auto e = explain_xsd_error("value 'ABC' not in enumeration", "Eenheid", "", {"LDT_Eenheid", {"01", "04"}});
  BOOST_TEST(has(e.en, "Eenheid has the value 'ABC', which is not in the code list (LDT_Eenheid). Allowed: 01, 04."),
             e.en);
}

BOOST_AUTO_TEST_CASE(a_long_code_list_is_cut_and_counted) {
  SchemaFacts facts{"LDT_LandCode", {}};
  for (int i = 0; i < 40; ++i) facts.codes.push_back("C" + std::to_string(i));
  auto e = explain_xsd_error("value 'UK' not in enumeration", "LandCode", "UK", facts);
  BOOST_TEST(has(e.nl, "C29 … (40 codes in totaal)"), e.nl);
  BOOST_TEST(has(e.en, "C29 … (40 codes in all)"), e.en);
  BOOST_TEST(!has(e.en, "C30"), e.en);
}

BOOST_AUTO_TEST_CASE(an_unknown_message_keeps_xerces_words) {
  auto e = explain_xsd_error("something new happened", "Client", "", {});
  BOOST_TEST(e.nl.starts_with("something new happened. Pas het element aan"), e.nl);
  BOOST_TEST(e.en.starts_with("something new happened. Change the element as the schema requires"), e.en);
}
