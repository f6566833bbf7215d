// The Dutch working-day calendar for the standard's deadlines ("binnen N
// werkdagen"): weekends and the public holidays are not werkdagen —
// Nieuwjaarsdag (1 Jan), Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag,
// Koningsdag (27 April; 26 April when the 27th is a Sunday), Bevrijdingsdag
// (5 May), Eerste and Tweede Kerstdag. Goede Vrijdag and extra closing days are
// configurable. Easter Sunday by the Gregorian computus (Meeus/Jones/Butcher).
//
// "Within N werkdagen" means by the end of the Nth working day after the day
// of receipt: deadline(receipt, N) is that day; an answer on that day is on time.
//
// Threading: immutable after construction; safe to share.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"

namespace sluis::core {

Date easter_sunday(int year);

class WerkdagCalendar {
 public:
  WerkdagCalendar() = default;
  WerkdagCalendar(bool goede_vrijdag_closed, std::vector<Date> extra_closing_days);

  bool is_weekend(const Date& d) const;
  // The holiday's Dutch name, or empty when d is not a public holiday here.
  std::string holiday(const Date& d) const;
  bool is_werkdag(const Date& d) const;
  // The Nth working day after `from` (n >= 0; n = 0 gives `from` itself).
  Date add_werkdagen(const Date& from, int n) const;
  // Working days strictly after `from` up to and including `to` (0 when to <= from).
  int werkdagen_between(const Date& from, const Date& to) const;

 private:
  bool goede_vrijdag_ = false;
  std::set<int> extra_;  // days since epoch
};

}  // namespace sluis::core
