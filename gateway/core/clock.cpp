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

}  // namespace sluis::core
