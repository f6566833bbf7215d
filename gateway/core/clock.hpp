// Injectable clock. "Today" is always the date in Europe/Amsterdam, whatever
// the machine's TZ: the standard's dates are Dutch local dates (TR135 compares
// a Dagtekening with today's Dutch date).
//
// GCC 12 has no std::chrono time zones, so the Amsterdam date comes from the
// system tzdata through localtime_r. On first use the process time zone is set
// to Europe/Amsterdam (TZ environment variable + tzset); sluisd calls
// init_dutch_time() at start-up, before any thread exists, and refuses to start
// when tzdata is missing. Nothing else in sluis depends on the process TZ.
//
// Threading: SystemClock is stateless; ManualClock is for tests and is
// thread-safe (atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/date.hpp"

namespace sluis::core {

using TimePoint = std::chrono::system_clock::time_point;

// Sets the process time zone to Europe/Amsterdam. Throws std::runtime_error
// when the zone file is not installed (package tzdata). Idempotent.
void init_dutch_time();

// The calendar date in Europe/Amsterdam at instant t.
Date dutch_date(TimePoint t);

// An instant as the store writes it: UTC, ISO 8601 with milliseconds
// ("2026-12-01T08:30:00.000Z"); such texts sort in time order.
std::string utc_text(TimePoint t);
// The inverse of utc_text (also accepts no fraction); nullopt when malformed.
std::optional<TimePoint> parse_utc_text(std::string_view s);

// The instant of 00:00 Dutch local time on `d` (never in a DST gap: the
// Netherlands change at 02:00 and 03:00).
TimePoint dutch_midnight(const Date& d);

// An RFC 3339 timestamp ("2026-12-05T09:30:00Z", "2026-12-05T10:30:00.250+01:00";
// 'T' or 't', 'Z' or 'z', a fraction of any length read to the millisecond);
// nullopt when malformed or not a valid date and time.
std::optional<TimePoint> parse_rfc3339(std::string_view s);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  Date today() const { return dutch_date(now()); }
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint t) : t_(t.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(t_.load())); }
  void set(TimePoint t) { t_.store(t.time_since_epoch().count()); }
  void advance(std::chrono::system_clock::duration d) { t_.fetch_add(d.count()); }

 private:
  std::atomic<TimePoint::rep> t_;
};

}  // namespace sluis::core
