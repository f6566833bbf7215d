#include <boost/test/unit_test.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/log.hpp"

using namespace sluis::core;

namespace {
constexpr Event kTest{"TEST_EVENT", Level::warning, "for tests"};
constexpr Event kDebug{"TEST_DEBUG", Level::debug, "for tests"};
}  // namespace

BOOST_AUTO_TEST_CASE(lines_have_priority_id_and_fields) {
  BOOST_TEST(format_log_line(kTest, {{"msg", "m-1"}, {"n", 3}}) == "<4>TEST_EVENT msg=m-1 n=3");
  BOOST_TEST(format_log_line(kTest, {{"error", "bad value"}}) == "<4>TEST_EVENT error=\"bad value\"");
}

BOOST_AUTO_TEST_CASE(values_cannot_forge_lines_or_leak_bsns) {
  std::string line = format_log_line(kTest, {{"v", "x\n<0>EVIL 123456782"}});
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.find("123456782") == std::string::npos);
  BOOST_TEST(line == "<4>TEST_EVENT v=\"x <0>EVIL *********\"");
}

BOOST_AUTO_TEST_CASE(level_filter_and_sink) {
  std::vector<std::string> lines;
  set_log_sink([&](std::string_view l) { lines.emplace_back(l); });
  set_log_level(Level::info);
  log(kTest, {{"a", "1"}});
  log(kDebug, {{"a", "2"}});
  set_log_level(Level::debug);
  log(kDebug, {{"a", "3"}});
  set_log_sink(nullptr);
  set_log_level(Level::info);
  BOOST_TEST(lines.size() == 2u);
  BOOST_TEST(lines.at(0) == "<4>TEST_EVENT a=1");
  BOOST_TEST(lines.at(1) == "<7>TEST_DEBUG a=3");
  Level l{};
  BOOST_CHECK(parse_level("warning", l) && l == Level::warning);
  BOOST_CHECK(!parse_level("loud", l));
}

BOOST_AUTO_TEST_CASE(a_throttle_logs_once_per_interval_and_says_how_many_it_left_out) {
  using namespace std::chrono_literals;
  LogThrottle t(60s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  BOOST_TEST(t.admit(t0).value_or(-1) == 0);  // the first is logged
  for (int i = 1; i <= 5; ++i) BOOST_TEST(!t.admit(t0 + i * 1s).has_value());
  BOOST_TEST(!t.admit(t0 + 59s).has_value());
  BOOST_TEST(t.admit(t0 + 60s).value_or(-1) == 6);  // a minute on: logged, with the six left out
  BOOST_TEST(t.admit(t0 + 200s).value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(a_keyed_throttle_logs_each_key_on_its_own_and_holds_a_bounded_number_of_keys) {
  using namespace std::chrono_literals;
  KeyedLogThrottle<std::string> t(60s, 2);
  const auto t0 = std::chrono::steady_clock::time_point{} + 1h;
  BOOST_TEST(t.admit("a", t0).value_or(-1) == 0);
  BOOST_TEST(!t.admit("a", t0 + 1s).has_value());
  BOOST_TEST(t.admit("b", t0 + 2s).value_or(-1) == 0);  // another key: a line of its own
  BOOST_TEST(!t.admit("b", t0 + 3s).has_value());
  // Full, and neither key quiet (each has left one out): a third key shares
  // the others' throttle.
  BOOST_TEST(t.admit("c", t0 + 4s).value_or(-1) == 0);
  BOOST_TEST(!t.admit("d", t0 + 5s).has_value());
  BOOST_TEST(t.keys() == 2u);
  BOOST_TEST(t.admit("a", t0 + 61s).value_or(-1) == 1);  // a's left-out count was kept
  BOOST_TEST(t.admit("b", t0 + 62s).value_or(-1) == 1);
  // Still within a minute of a's and b's lines: e shares the others' throttle
  // and is told of d, left out there.
  BOOST_TEST(t.admit("e", t0 + 100s).value_or(-1) == 1);
  // A minute on, with nothing left out, a and b are quiet and are forgotten.
  BOOST_TEST(t.admit("f", t0 + 200s).value_or(-1) == 0);
  BOOST_TEST(t.keys() == 1u);
}
