#include <boost/test/unit_test.hpp>

#include "gateway/core/html.hpp"

using sluis::core::html_escape;

BOOST_AUTO_TEST_CASE(markup_characters_are_escaped) {
  BOOST_TEST(html_escape("a&b\"c'd<e>") == "a&amp;b&quot;c&#39;d&lt;e&gt;");
  BOOST_TEST(html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
}

BOOST_AUTO_TEST_CASE(utf8_stays_and_what_xml_forbids_becomes_u_fffd) {
  BOOST_TEST(html_escape("Zoë € 𝄞") == "Zoë € 𝄞");
  BOOST_TEST(html_escape("a\tb\nc\rd") == "a\tb\nc\rd");
  BOOST_TEST(html_escape(std::string("a\x01" "b\x7f", 4)) == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  BOOST_TEST(html_escape(std::string("x\0y", 3)) == "x\xEF\xBF\xBDy");
  // Not UTF-8: a lone continuation byte, a Latin-1 byte, a cut sequence, an
  // overlong "/" and an encoded surrogate: each bad byte is one U+FFFD.
  BOOST_TEST(html_escape("\x80") == "\xEF\xBF\xBD");
  BOOST_TEST(html_escape("caf\xE9") == "caf\xEF\xBF\xBD");
  BOOST_TEST(html_escape("\xE2\x82") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(html_escape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  BOOST_TEST(html_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}
