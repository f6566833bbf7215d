#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "gateway/core/redact.hpp"

using namespace sluis::core;

BOOST_AUTO_TEST_CASE(masks_hide_personal_data) {
  BOOST_TEST(mask_bsn("123456782") == "*********");
  BOOST_TEST(mask_name("Vermeulen") == "V********");
  BOOST_TEST(mask_name("") == "");
  BOOST_TEST(mask_date("2012-03-04") == "****-**-**");
}

BOOST_AUTO_TEST_CASE(scrub_removes_numbers_that_pass_the_11_check) {
  BOOST_TEST(scrub("client 123456782 rejected") == "client ********* rejected");
  BOOST_TEST(scrub("bsn=999990019,") == "bsn=*********,");
  // Numbers that are not BSNs stay: AGB codes, message ids, amounts.
  BOOST_TEST(scrub("agb 98765432 id 123456789") == "agb 98765432 id 123456789");
  // Longer digit runs are not split into a BSN.
  BOOST_TEST(scrub("1234567820") == "1234567820");
  // Inside a word too, and more than one.
  BOOST_TEST(scrub_bsns("m1a123456782b999990019") == "m1a*********b*********");
}

BOOST_AUTO_TEST_CASE(has_bsn_run_says_whether_the_scrubber_would_change_a_text) {
  for (std::string_view t : {"m1a123456782b", "123456782", "x999990019"}) {
    BOOST_TEST(has_bsn_run(t));
    BOOST_TEST(scrub_bsns(t) != t);
  }
  for (std::string_view t : {"", "m1a123456789b", "1234567820", "12345678", "m19c4e5a3b2f1d0c9e8a7b6c5"}) {
    BOOST_TEST(!has_bsn_run(t));
    BOOST_TEST(scrub_bsns(t) == t);
  }
}

BOOST_AUTO_TEST_CASE(strip_controls_prevents_forged_lines) {
  BOOST_TEST(strip_controls("a\r\n<3>FAKE") == "a  <3>FAKE");
}

namespace {
// A stand-in for the standard's list (core knows none of its own).
Mask test_masks(std::string_view name) {
  if (name == "Bsn") return Mask::bsn;
  if (name == "Naam") return Mask::name;
  if (name == "Datum") return Mask::date;
  if (name == "Adres") return Mask::all;
  return Mask::none;
}
}  // namespace

BOOST_AUTO_TEST_CASE(mask_value_keeps_the_layout) {
  BOOST_TEST(mask_value("  Jansen\n", Mask::name) == "  J*****\n");
  BOOST_TEST(mask_value("Dorpsstraat 1", Mask::all) == "*************");
  BOOST_TEST(mask_value(" \n ", Mask::all) == " \n ");
  BOOST_TEST(mask_value("45A09", Mask::none) == "45A09");
}

BOOST_AUTO_TEST_CASE(mask_elements_masks_the_named_elements_and_what_is_inside) {
  auto m = mask_elements(
      "<a:Bericht><a:Naam>Jansen</a:Naam><Adres><Straat>Dorpsstraat</Straat><Nr>12</Nr></Adres>"
      "<Datum>2012-03-04</Datum><Code>45A09</Code><!-- Pieter --><Naam><![CDATA[Pieter]]></Naam></a:Bericht>",
      &test_masks);
  BOOST_TEST(m.find("<a:Naam>J*****</a:Naam>") != std::string::npos, m);
  BOOST_TEST(m.find("<Straat>***********</Straat><Nr>**</Nr>") != std::string::npos, m);
  BOOST_TEST(m.find("<Datum>****-**-**</Datum>") != std::string::npos, m);
  BOOST_TEST(m.find("<Code>45A09</Code>") != std::string::npos, m);
  BOOST_TEST(m.find("Pieter") == std::string::npos, m);
  // Fragments, unbalanced and not XML at all: never fails, masks what it finds.
  BOOST_TEST(mask_elements("error near <Naam>Jansen", &test_masks) == "error near <Naam>J*****");
  BOOST_TEST(mask_elements("a < b and c > d", &test_masks) == "a < b and c > d");
  BOOST_TEST(mask_elements("<Naam>Jansen</Naam>", nullptr) == "<Naam>Jansen</Naam>");
}

// The log scrubber masks the personal elements it was told of in any value
// that quotes XML (a receiver's error body, a parser's message).
BOOST_AUTO_TEST_CASE(scrub_masks_the_elements_it_was_told_of) {
  set_log_element_masks(&test_masks);
  BOOST_TEST(scrub("receiver said: <Naam>Jansen</Naam> <Bsn>987654321</Bsn> 123456782") ==
             "receiver said: <Naam>J*****</Naam> <Bsn>*********</Bsn> *********");
  BOOST_TEST(scrub("no markup 98765432") == "no markup 98765432");
  set_log_element_masks(nullptr);
  BOOST_TEST(scrub("<Naam>Jansen</Naam>") == "<Naam>Jansen</Naam>");
}

// The roots of coroutines and handlers log escaped exceptions through
// describe(): any exception, std or not, becomes one bounded line without a
// BSN or a forged line break.
BOOST_AUTO_TEST_CASE(describe_says_what_any_exception_said_safely) {
  auto of = [](auto thrown) {
    try {
      throw thrown;
    } catch (...) {
      return describe(std::current_exception());
    }
  };
  BOOST_TEST(of(std::runtime_error("disk gone")) == "disk gone");
  BOOST_TEST(of(42) == "an exception of unknown type");
  BOOST_TEST(of(std::runtime_error("client 999978366\nFORGED line")) == "client ********* FORGED line");
  BOOST_TEST(of(std::runtime_error(std::string(5000, 'x'))).size() == 200u);
}
