// trajectory_part: the months of a trajectory, the year they belong to, and
// the rounding that makes the parts add up to the price.
#define BOOST_TEST_MODULE rules_trajectory
#include "gateway/rules/trajectory.hpp"

#include <boost/test/unit_test.hpp>

using namespace sluis;

namespace {

core::Date day(const char* s) {
  return *core::parse_date(s);
}
std::string month(const core::Date& begin, int k) {
  return core::format_date(rules::trajectory_month(begin, k));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(trajectory)

// The example: €6 000, 12 months from 1 October.
BOOST_AUTO_TEST_CASE(six_thousand_from_1_october) {
  auto first = rules::trajectory_part(600000, day("2026-10-01"), day("2027-09-30"), 2026);
  BOOST_TEST(first.eurocent == 150000);
  BOOST_TEST(first.months_in_year == 3);
  BOOST_TEST(first.months_total == 12);
  BOOST_TEST(first.year == 2026);
  BOOST_TEST(first.settled);
  auto second = rules::trajectory_part(600000, day("2026-10-01"), day("2027-09-30"), 2027);
  BOOST_TEST(second.eurocent == 450000);
  BOOST_TEST(second.months_in_year == 9);
  BOOST_TEST(second.months_total == 12);
  // A year without a month of it has no part.
  BOOST_TEST(rules::trajectory_part(600000, day("2026-10-01"), day("2027-09-30"), 2028).eurocent ==
             0);
  BOOST_TEST(rules::trajectory_part(600000, day("2026-10-01"), day("2027-09-30"), 2025).eurocent ==
             0);
}

BOOST_AUTO_TEST_CASE(within_one_year_the_whole_price) {
  auto t = rules::trajectory_part(300000, day("2026-02-01"), day("2026-07-31"), 2026);
  BOOST_TEST(t.eurocent == 300000);
  BOOST_TEST(t.months_in_year == 6);
  BOOST_TEST(t.months_total == 6);
  BOOST_TEST(!t.settled);
  // Not settled: the whole price whatever the year asked (a prestatie
  // outside the allocation is TR307's and TR308's).
  BOOST_TEST(rules::trajectory_part(300000, day("2026-02-01"), day("2026-07-31"), 2027).eurocent ==
             300000);
}

BOOST_AUTO_TEST_CASE(without_einddatum_the_whole_price) {
  auto t = rules::trajectory_part(700000, day("2026-10-01"), std::nullopt, 2027);
  BOOST_TEST(t.eurocent == 700000);
  BOOST_TEST(t.months_total == 0);
  BOOST_TEST(t.months_in_year == 0);
  BOOST_TEST(!t.settled);
}

// Months begin on the day of the Ingangsdatum, clamped to the month's end,
// always counted from the Ingangsdatum (31 January, 28 February, 31 March).
BOOST_AUTO_TEST_CASE(a_start_on_the_31st) {
  BOOST_TEST(month(day("2026-01-31"), 1) == std::string("2026-02-28"));
  BOOST_TEST(month(day("2026-01-31"), 2) == std::string("2026-03-31"));
  BOOST_TEST(month(day("2027-12-31"), 2) == std::string("2028-02-29"));
  // From 31 December 2025: 31 Dec, 31 Jan, 28 Feb begin on or before 30
  // March; 31 March does not (a month clamped once would begin on the 28th).
  auto t = rules::trajectory_part(100000, day("2025-12-31"), day("2026-03-30"), 2025);
  BOOST_TEST(t.months_total == 3);
  BOOST_TEST(t.months_in_year == 1);
  BOOST_TEST(t.eurocent == 33333);
  auto u = rules::trajectory_part(100000, day("2025-12-31"), day("2026-03-30"), 2026);
  BOOST_TEST(u.months_in_year == 2);
  BOOST_TEST(u.eurocent == 66667);
  // The Einddatum is inclusive: a month beginning on it counts.
  BOOST_TEST(
      rules::trajectory_part(100000, day("2025-12-31"), day("2026-03-31"), 2026).months_total == 4);
  // From 31 August: 30 September, 31 October, 30 November, 31 December, 31
  // January; 28 February begins after an Einddatum of 27 February.
  auto v = rules::trajectory_part(600000, day("2026-08-31"), day("2027-02-27"), 2026);
  BOOST_TEST(v.months_total == 6);
  BOOST_TEST(v.months_in_year == 5);
  BOOST_TEST(v.eurocent == 500000);
  BOOST_TEST(
      rules::trajectory_part(600000, day("2026-08-31"), day("2027-02-28"), 2026).months_total == 7);
}

BOOST_AUTO_TEST_CASE(three_calendar_years) {
  // 16 months: November and December 2025, all of 2026, January and February 2027.
  const core::Date from = day("2025-11-01"), to = day("2027-02-28");
  auto a = rules::trajectory_part(1000000, from, to, 2025);
  auto b = rules::trajectory_part(1000000, from, to, 2026);
  auto c = rules::trajectory_part(1000000, from, to, 2027);
  BOOST_TEST(a.months_total == 16);
  BOOST_TEST(a.months_in_year == 2);
  BOOST_TEST(b.months_in_year == 12);
  BOOST_TEST(c.months_in_year == 2);
  BOOST_TEST(a.eurocent == 125000);
  BOOST_TEST(b.eurocent == 750000);
  BOOST_TEST(c.eurocent == 125000);
}

// A trajectory whose last month begins before the year end it crosses: all of
// its months, and so all of its price, are in the first year.
BOOST_AUTO_TEST_CASE(days_across_the_year_end_no_month) {
  auto t = rules::trajectory_part(300000, day("2026-09-15"), day("2027-01-10"), 2026);
  BOOST_TEST(t.months_total == 4);
  BOOST_TEST(t.eurocent == 300000);
  BOOST_TEST(t.settled);
  BOOST_TEST(rules::trajectory_part(300000, day("2026-09-15"), day("2027-01-10"), 2027).eurocent ==
             0);
}

// Each year rounds down, the last takes the remainder: the parts are the price.
BOOST_AUTO_TEST_CASE(the_parts_add_up_to_the_price) {
  const std::int64_t prices[] = {1, 99, 100001, 299999, 600000, 700001, 1000000, 9999999};
  const char* begins[] = {"2025-01-31", "2025-06-15", "2025-10-01",
                          "2025-12-31", "2026-02-28", "2026-11-30"};
  int checked = 0;
  for (auto price : prices)
    for (auto b : begins)
      for (int days : {20, 45, 100, 200, 365, 400, 700, 1000}) {
        const core::Date from = day(b), to = core::add_days(from, days);
        std::int64_t sum = 0;
        int months = 0;
        for (int y = 2024; y <= 2030; ++y) {
          auto t = rules::trajectory_part(price, from, to, y);
          BOOST_TEST(t.eurocent >= 0);
          sum += t.eurocent;
          months += t.months_in_year;
          if (y == int(from.year()) && t.settled) ++checked;
        }
        const bool settled = from.year() != to.year();
        BOOST_TEST(sum == (settled ? price : price * 7), price << " " << b << " +" << days);
        BOOST_TEST(months == rules::trajectory_part(price, from, to, 2024).months_total);
      }
  BOOST_TEST(checked > 100);
}

BOOST_AUTO_TEST_SUITE_END()
