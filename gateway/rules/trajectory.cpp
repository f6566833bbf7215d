#include "gateway/rules/trajectory.hpp"

#include <algorithm>

namespace sluis::rules {

namespace {

// A month as one number, January of year 0 = 0: month k of a trajectory is
// index(begin) + k, and belongs to year (index / 12).
int index(const core::Date& d) {
  return int(d.year()) * 12 + int(unsigned(d.month())) - 1;
}

// The trajectory's months beginning in `year`.
int months_in(int base, int total, int year) {
  const int lo = std::max(0, year * 12 - base);
  const int hi = std::min(total, (year + 1) * 12 - base);
  return std::max(0, hi - lo);
}

// floor(price × months / total) without overflow (price >= 0).
std::int64_t share(std::int64_t price, int months, int total) {
  return (price / total) * months + (price % total) * months / total;
}

}  // namespace

core::Date trajectory_month(core::Date begin, int k) {
  using namespace std::chrono;
  const year_month ym = year_month{begin.year(), begin.month()} + months{k};
  const day last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return core::Date{ym.year(), ym.month(), std::min(begin.day(), last)};
}

TrajectoryPart trajectory_part(std::int64_t price, core::Date begin, std::optional<core::Date> end,
                               int year) {
  TrajectoryPart p;
  p.year = year;
  p.eurocent = price;
  if (!end) return p;  // duration unknown: the whole price
  const int base = index(begin);
  int total = 0;
  if (const int n = index(*end) - base; n >= 0)
    total = trajectory_month(begin, n) <= *end ? n + 1 : n;
  if (total == 0) return p;  // an Einddatum before the Ingangsdatum: nothing to divide
  p.months_total = total;
  p.months_in_year = months_in(base, total, year);
  if (begin.year() == end->year()) return p;  // within one calendar year: not settled
  p.settled = true;
  const int first = base / 12, last = (base + total - 1) / 12;
  if (p.months_in_year == 0) {
    p.eurocent = 0;
  } else if (year != last) {
    p.eurocent = share(price, p.months_in_year, total);
  } else {
    // The last year takes the remainder, so the parts add up to the price.
    p.eurocent = price;
    for (int y = first; y < last; ++y) p.eurocent -= share(price, months_in(base, total, y), total);
  }
  return p;
}

}  // namespace sluis::rules
