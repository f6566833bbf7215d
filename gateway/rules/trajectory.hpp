// Trajectory prices settled at a year end: the part of a trajectory's price
// that falls in one calendar year (seeds §2.3, "Jaareinde verrekening naar
// rato van het aantal maanden"). Rule SL003 (trajectory_rules.cpp) checks a
// declared ProductTarief of an outputgericht product against it; a preview
// can call it with any price and period.
//
// Months: month k (k = 0, 1, ...) of a trajectory begins on Ingangsdatum + k
// months, on the same day of the month, clamped to the month's last day (and
// always counted from the Ingangsdatum: a trajectory from 31 January has
// months beginning 31 January, 28 February, 31 March). A month belongs to the
// year in which it begins. The trajectory's months in total are the months
// that begin on or before its Einddatum (inclusive).
//
// The part for a year is price × months in that year ÷ months in total,
// rounded down, except for the last year that has a month, which gets what
// the earlier years leave: the parts add up to the price exactly.
//
// Not settled (the part is the whole price, whatever the year): a trajectory
// without Einddatum (its duration is unknown; months_total 0) and one whose
// Ingangsdatum and Einddatum lie in the same calendar year. A year in which no
// month of a settled trajectory begins has a part of 0 (a trajectory from
// 15 September to 10 January has all four months in the first year).
//
// Pure: no I/O, no state; `price` is eurocent and not negative.
#pragma once

#include <cstdint>
#include <optional>

#include "gateway/core/date.hpp"

namespace sluis::rules {

struct TrajectoryPart {
  std::int64_t eurocent = 0;  // the part of the price for `year`
  int months_in_year = 0;     // months of the trajectory beginning in `year`
  int months_total = 0;       // months in total; 0: no Einddatum, duration unknown
  int year = 0;
  bool settled = false;  // it crosses a year end: the part is pro rata
};

// The part of `price` (eurocent) for `year` of the trajectory from `begin`
// to `end` (inclusive; nullopt: open).
TrajectoryPart trajectory_part(std::int64_t price, core::Date begin, std::optional<core::Date> end,
                               int year);

// The day month `k` of a trajectory from `begin` begins (k = 0 is `begin`).
core::Date trajectory_month(core::Date begin, int k);

}  // namespace sluis::rules
