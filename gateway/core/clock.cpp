#include "gateway/core/clock.hpp"

#include <cstdlib>
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

}  // namespace sluis::core
