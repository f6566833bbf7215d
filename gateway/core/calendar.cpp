#include "gateway/core/calendar.hpp"

namespace sluis::core {

using namespace std::chrono;

Date easter_sunday(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31;
  int day = (h + l - 7 * m + 114) % 31 + 1;
  return year{y} / static_cast<unsigned>(month) / static_cast<unsigned>(day);
}

WerkdagCalendar::WerkdagCalendar(bool goede_vrijdag_closed, std::vector<Date> extra)
    : goede_vrijdag_(goede_vrijdag_closed) {
  for (const auto& d : extra) extra_.insert(to_days(d).time_since_epoch().count());
}

bool WerkdagCalendar::is_weekend(const Date& d) const {
  weekday w{to_days(d)};
  return w == Saturday || w == Sunday;
}

std::string WerkdagCalendar::holiday(const Date& d) const {
  int y = static_cast<int>(d.year());
  unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  if (m == 1 && day == 1) return "Nieuwjaarsdag";
  if (m == 12 && day == 25) return "Eerste Kerstdag";
  if (m == 12 && day == 26) return "Tweede Kerstdag";
  if (m == 5 && day == 5) return "Bevrijdingsdag";
  // Koningsdag: 27 April, moved to the 26th when the 27th is a Sunday.
  Date k27 = d.year() / April / 27;
  Date koningsdag = weekday{to_days(k27)} == Sunday ? Date{d.year() / April / 26} : k27;
  if (d == koningsdag) return "Koningsdag";
  sys_days easter{easter_sunday(y)};
  sys_days t = to_days(d);
  if (t == easter + days{1}) return "Tweede Paasdag";
  if (t == easter + days{39}) return "Hemelvaartsdag";
  if (t == easter + days{50}) return "Tweede Pinksterdag";
  if (goede_vrijdag_ && t == easter - days{2}) return "Goede Vrijdag";
  if (extra_.count(t.time_since_epoch().count())) return "sluitingsdag";
  return {};
}

bool WerkdagCalendar::is_werkdag(const Date& d) const { return !is_weekend(d) && holiday(d).empty(); }

Date WerkdagCalendar::add_werkdagen(const Date& from, int n) const {
  Date d = from;
  while (n > 0) {
    d = add_days(d, 1);
    if (is_werkdag(d)) --n;
  }
  return d;
}

int WerkdagCalendar::werkdagen_between(const Date& from, const Date& to) const {
  int n = 0;
  for (Date d = add_days(from, 1); to_days(d) <= to_days(to); d = add_days(d, 1))
    if (is_werkdag(d)) ++n;
  return n;
}

}  // namespace sluis::core
