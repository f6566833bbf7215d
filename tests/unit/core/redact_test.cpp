#include <boost/test/unit_test.hpp>

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
}

BOOST_AUTO_TEST_CASE(strip_controls_prevents_forged_lines) {
  BOOST_TEST(strip_controls("a\r\n<3>FAKE") == "a  <3>FAKE");
}
