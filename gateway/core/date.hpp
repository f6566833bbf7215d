// Calendar dates of the standard. All dates in iWmo/iJw are Dutch local dates
// without a time zone (RS032), so a Date is a plain year-month-day.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluis::core {

using Date = std::chrono::year_month_day;

// Parses "YYYY-MM-DD" strictly (no time zone, no time, a real calendar day).
std::optional<Date> parse_date(std::string_view s);
// Formats as "YYYY-MM-DD".
std::string format_date(const Date& d);

inline std::chrono::sys_days to_days(const Date& d) { return std::chrono::sys_days{d}; }
inline Date add_days(const Date& d, int n) { return Date{to_days(d) + std::chrono::days{n}}; }
inline Date first_of_month(const Date& d) { return d.year() / d.month() / std::chrono::day{1}; }
inline Date last_of_month(const Date& d) {
  return Date{d.year() / d.month() / std::chrono::last};
}

}  // namespace sluis::core
