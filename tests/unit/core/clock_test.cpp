// The Dutch date must not depend on the machine's TZ: this test sets the
// process TZ to a far-away zone before the clock initialises and checks the
// date around midnight and both DST changes of 2026 in Europe/Amsterdam.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "gateway/core/clock.hpp"

using namespace sluis::core;
using namespace std::chrono;

namespace {
TimePoint utc(int y, unsigned m, unsigned d, int h, int min) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}
Date ymd(int y, unsigned m, unsigned d) { return year{y} / month{m} / day{d}; }

struct ForeignTz {
  ForeignTz() { ::setenv("TZ", "Pacific/Auckland", 1); }
};
}  // namespace

BOOST_GLOBAL_FIXTURE(ForeignTz);

BOOST_AUTO_TEST_CASE(midnight_in_winter_is_utc_plus_one) {
  // 2026-01-14 22:59 UTC = 23:59 in Amsterdam; 23:00 UTC = 00:00 next day.
  BOOST_TEST(format_date(dutch_date(utc(2026, 1, 14, 22, 59))) == "2026-01-14");
  BOOST_TEST(format_date(dutch_date(utc(2026, 1, 14, 23, 0))) == "2026-01-15");
}

BOOST_AUTO_TEST_CASE(midnight_in_summer_is_utc_plus_two) {
  BOOST_TEST(format_date(dutch_date(utc(2026, 7, 1, 21, 59))) == "2026-07-01");
  BOOST_TEST(format_date(dutch_date(utc(2026, 7, 1, 22, 0))) == "2026-07-02");
}

BOOST_AUTO_TEST_CASE(dst_changes_of_2026) {
  // Summer time starts 2026-03-29 01:00 UTC; ends 2026-10-25 01:00 UTC.
  BOOST_TEST(format_date(dutch_date(utc(2026, 3, 28, 22, 30))) == "2026-03-28");
  BOOST_TEST(format_date(dutch_date(utc(2026, 3, 28, 23, 0))) == "2026-03-29");
  // The night after the change midnight is at 22:00 UTC.
  BOOST_TEST(format_date(dutch_date(utc(2026, 3, 29, 21, 59))) == "2026-03-29");
  BOOST_TEST(format_date(dutch_date(utc(2026, 3, 29, 22, 0))) == "2026-03-30");
  // Back to winter time: 2026-10-24 22:00 UTC is midnight (still summer time) ...
  BOOST_TEST(format_date(dutch_date(utc(2026, 10, 24, 21, 59))) == "2026-10-24");
  BOOST_TEST(format_date(dutch_date(utc(2026, 10, 24, 22, 0))) == "2026-10-25");
  // ... and the next midnight is at 23:00 UTC.
  BOOST_TEST(format_date(dutch_date(utc(2026, 10, 25, 22, 59))) == "2026-10-25");
  BOOST_TEST(format_date(dutch_date(utc(2026, 10, 25, 23, 0))) == "2026-10-26");
}

BOOST_AUTO_TEST_CASE(manual_clock_is_injectable) {
  ManualClock clock(utc(2026, 12, 31, 22, 59));
  BOOST_TEST(format_date(clock.today()) == "2026-12-31");
  clock.advance(minutes{1});
  BOOST_TEST(format_date(clock.today()) == "2027-01-01");
  BOOST_CHECK(clock.today() == ymd(2027, 1, 1));
}

BOOST_AUTO_TEST_CASE(dates_parse_strictly) {
  BOOST_CHECK(parse_date("2026-02-28").has_value());
  BOOST_CHECK(!parse_date("2026-02-29").has_value());
  BOOST_CHECK(parse_date("2028-02-29").has_value());
  BOOST_CHECK(!parse_date("2026-2-28").has_value());
  BOOST_CHECK(!parse_date("2026-02-28Z").has_value());
  BOOST_CHECK(!parse_date("2026-13-01").has_value());
  BOOST_TEST(format_date(last_of_month(ymd(2026, 2, 10))) == "2026-02-28");
  BOOST_TEST(format_date(add_days(ymd(2026, 12, 31), 1)) == "2027-01-01");
}

BOOST_AUTO_TEST_CASE(dutch_midnight_in_winter_and_summer) {
  BOOST_TEST(utc_text(dutch_midnight(Date{year{2026} / 12 / 5})) == "2026-12-04T23:00:00.000Z");
  BOOST_TEST(utc_text(dutch_midnight(Date{year{2026} / 7 / 1})) == "2026-06-30T22:00:00.000Z");
  // The day after the change to summer time (29 March 2026) starts at 22:00 UTC.
  BOOST_TEST(utc_text(dutch_midnight(Date{year{2026} / 3 / 30})) == "2026-03-29T22:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(rfc3339_instants) {
  auto at = [](const char* s) {
    auto t = parse_rfc3339(s);
    return t ? utc_text(*t) : std::string("none");
  };
  BOOST_TEST(at("2026-12-05T09:30:00Z") == "2026-12-05T09:30:00.000Z");
  BOOST_TEST(at("2026-12-05t09:30:00z") == "2026-12-05T09:30:00.000Z");
  BOOST_TEST(at("2026-12-05T10:30:00.25+01:00") == "2026-12-05T09:30:00.250Z");
  BOOST_TEST(at("2026-12-05T01:30:00.123456-02:30") == "2026-12-05T04:00:00.123Z");
  BOOST_TEST(at("2026-12-05T09:30:00.123Z") == "2026-12-05T09:30:00.123Z");  // the store's own form
  for (const char* bad : {"2026-12-05", "2026-12-05T09:30:00", "2026-12-05T09:30Z", "2026-13-05T09:30:00Z",
                          "2026-02-30T09:30:00Z", "2026-12-05T24:00:00Z", "2026-12-05T09:30:00.Z",
                          "2026-12-05T09:30:00+0100", "2026-12-05T09:30:00Z ", " 2026-12-05T09:30:00Z", ""})
    BOOST_TEST(at(bad) == "none", bad);
}
