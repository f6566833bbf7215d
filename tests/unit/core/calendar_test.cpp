#include <boost/test/unit_test.hpp>

#include "gateway/core/calendar.hpp"

using namespace sluis::core;
using namespace std::chrono;

namespace {
Date d(int y, unsigned m, unsigned dd) { return year{y} / month{m} / day{dd}; }
std::string f(const Date& x) { return format_date(x); }
}  // namespace

BOOST_AUTO_TEST_CASE(easter_dates) {
  BOOST_TEST(f(easter_sunday(2024)) == "2024-03-31");
  BOOST_TEST(f(easter_sunday(2025)) == "2025-04-20");
  BOOST_TEST(f(easter_sunday(2026)) == "2026-04-05");
  BOOST_TEST(f(easter_sunday(2027)) == "2027-03-28");
  BOOST_TEST(f(easter_sunday(2038)) == "2038-04-25");
}

BOOST_AUTO_TEST_CASE(holidays_of_2026) {
  WerkdagCalendar c;
  BOOST_TEST(c.holiday(d(2026, 1, 1)) == "Nieuwjaarsdag");
  BOOST_TEST(c.holiday(d(2026, 4, 6)) == "Tweede Paasdag");
  BOOST_TEST(c.holiday(d(2026, 5, 14)) == "Hemelvaartsdag");
  BOOST_TEST(c.holiday(d(2026, 5, 25)) == "Tweede Pinksterdag");
  BOOST_TEST(c.holiday(d(2026, 4, 27)) == "Koningsdag");
  BOOST_TEST(c.holiday(d(2026, 5, 5)) == "Bevrijdingsdag");
  BOOST_TEST(c.holiday(d(2026, 12, 25)) == "Eerste Kerstdag");
  BOOST_TEST(c.holiday(d(2026, 12, 26)) == "Tweede Kerstdag");
  BOOST_TEST(c.holiday(d(2026, 4, 3)) == "");  // Goede Vrijdag: a werkdag unless configured
  BOOST_TEST(c.is_werkdag(d(2026, 4, 3)));
  BOOST_TEST(!c.is_werkdag(d(2026, 4, 4)));  // Saturday
}

BOOST_AUTO_TEST_CASE(koningsdag_moves_to_saturday_when_the_27th_is_a_sunday) {
  WerkdagCalendar c;
  // 27 April 2025 was a Sunday: Koningsdag on Saturday 26 April.
  BOOST_TEST(c.holiday(d(2025, 4, 26)) == "Koningsdag");
  BOOST_TEST(c.holiday(d(2025, 4, 27)) == "");
  // 2031: 27 April is a Sunday too.
  BOOST_TEST(c.holiday(d(2031, 4, 26)) == "Koningsdag");
}

BOOST_AUTO_TEST_CASE(deadlines_count_werkdagen_after_the_day_of_receipt) {
  WerkdagCalendar c;
  // Thursday 2026-04-02 + 3 werkdagen: Fri 3, (Sat, Sun, Easter Monday), Tue 7, Wed 8.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 4, 2), 3)) == "2026-04-08");
  // With Goede Vrijdag closed: Tue 7, Wed 8, Thu 9.
  WerkdagCalendar gv(true, {});
  BOOST_TEST(f(gv.add_werkdagen(d(2026, 4, 2), 3)) == "2026-04-09");
  // Ascension: Wed 2026-05-13 + 1 -> Fri 15.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 5, 13), 1)) == "2026-05-15");
  // Whitsun: Fri 2026-05-22 + 1 -> Tue 26.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 5, 22), 1)) == "2026-05-26");
  // King's Day on a Saturday 2025 and Liberation Day on Monday 2025-05-05.
  BOOST_TEST(f(c.add_werkdagen(d(2025, 5, 2), 1)) == "2025-05-06");
  // Christmas and the year end: Wed 2026-12-23 + 5 -> Thu 24, Mon 28, Tue 29, Wed 30, Thu 31.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 12, 23), 5)) == "2026-12-31");
  // ... + 6 -> skips New Year's Day (Fri 2027-01-01) to Mon 2027-01-04.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 12, 23), 6)) == "2027-01-04");
  // Received on a Saturday: the first werkdag after it is Monday.
  BOOST_TEST(f(c.add_werkdagen(d(2026, 11, 21), 1)) == "2026-11-23");
  BOOST_TEST(f(c.add_werkdagen(d(2026, 11, 21), 0)) == "2026-11-21");
}

BOOST_AUTO_TEST_CASE(extra_closing_days_and_counting) {
  WerkdagCalendar c(false, {d(2026, 12, 24)});
  BOOST_TEST(c.holiday(d(2026, 12, 24)) == "sluitingsdag");
  BOOST_TEST(f(c.add_werkdagen(d(2026, 12, 23), 1)) == "2026-12-28");
  BOOST_TEST(c.werkdagen_between(d(2026, 12, 23), d(2026, 12, 31)) == 4);
  BOOST_TEST(c.werkdagen_between(d(2026, 12, 31), d(2026, 12, 23)) == 0);
}
