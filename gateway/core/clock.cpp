#include "gateway/core/clock.hpp"

#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace sluis::core {

namespace {
constexpr const char* kZone = "Europe/Amsterdam";

bool zone_installed() {
  const char* dir = std::getenv("TZDIR");
  std::filesystem::path base = dir && *dir ? dir : "/usr/share/zoneinfo";
  std::error_code ec;
  return std::filesystem::is_regular_file(base / kZone, ec);
}
}  // namespace

void init_dutch_time() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (!zone_installed())
      throw std::runtime_error(
          "time zone Europe/Amsterdam not found (install the Debian package tzdata)");
    // ':' makes glibc read the zone file instead of parsing a POSIX TZ string.
    ::setenv("TZ", ":Europe/Amsterdam", 1);
    ::tzset();
  });
}

Date dutch_date(TimePoint t) {
  init_dutch_time();
  std::time_t secs = std::chrono::system_clock::to_time_t(
      std::chrono::floor<std::chrono::seconds>(t));
  std::tm tm{};
  if (::localtime_r(&secs, &tm) == nullptr) throw std::runtime_error("localtime_r failed");
  return Date{std::chrono::year{tm.tm_year + 1900},
              std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)},
              std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
}

std::string utc_text(TimePoint t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::optional<TimePoint> parse_utc_text(std::string_view s) {
  int y, mo, d, h, mi, sec, ms = 0, n = 0;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) return std::nullopt;
  std::string_view rest = s.substr(static_cast<std::size_t>(n));
  if (rest.starts_with('.')) {
    if (rest.size() < 5 || std::sscanf(text.c_str() + n + 1, "%3d", &ms) != 1) return std::nullopt;
    rest.remove_prefix(4);
  }
  if (rest != "Z") return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec) + std::chrono::milliseconds(ms);
}

TimePoint dutch_midnight(const Date& d) {
  init_dutch_time();
  std::tm tm{};
  tm.tm_year = static_cast<int>(d.year()) - 1900;
  tm.tm_mon = static_cast<int>(static_cast<unsigned>(d.month())) - 1;
  tm.tm_mday = static_cast<int>(static_cast<unsigned>(d.day()));
  tm.tm_isdst = -1;
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) throw std::runtime_error("mktime failed");
  return std::chrono::system_clock::from_time_t(t);
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  std::size_t at = 0;
  // `n` digits at the cursor as a number, or -1.
  auto digits = [&](std::size_t n) {
    if (at + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s[at + i];
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    at += n;
    return v;
  };
  auto expect = [&](std::string_view any) {
    if (at >= s.size() || any.find(s[at]) == std::string_view::npos) return false;
    ++at;
    return true;
  };
  const int y = digits(4);
  if (y < 0 || !expect("-")) return std::nullopt;
  const int mo = digits(2);
  if (mo < 0 || !expect("-")) return std::nullopt;
  const int d = digits(2);
  if (d < 0 || !expect("Tt")) return std::nullopt;
  const int h = digits(2);
  if (h < 0 || !expect(":")) return std::nullopt;
  const int mi = digits(2);
  if (mi < 0 || !expect(":")) return std::nullopt;
  const int sec = digits(2);
  if (sec < 0) return std::nullopt;
  int ms = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    std::size_t n = 0;
    for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n)
      if (n < 3) ms = ms * 10 + (s[at] - '0');
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) ms *= 10;
  }
  int offset = 0;  // minutes east of UTC
  if (!expect("Zz")) {
    if (at >= s.size() || (s[at] != '+' && s[at] != '-')) return std::nullopt;
    const int sign = s[at++] == '-' ? -1 : 1;
    const int oh = digits(2);
    if (oh < 0 || !expect(":")) return std::nullopt;
    const int om = digits(2);
    if (om < 0 || oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 60 + om);
  }
  if (at != s.size()) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                                  std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(sec) + std::chrono::milliseconds(ms) - std::chrono::minutes(offset);
}

}  // namespace sluis::core
