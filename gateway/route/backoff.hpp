// The retry policy of the delivery scheduler (scheduler.hpp): exponential
// backoff between min_backoff and max_backoff, and a lifetime after which a
// message that still could not be delivered is dead. Pure functions of the
// policy, the attempt count and the clock, so tests drive them with any time.
#pragma once

#include <chrono>
#include <string>

#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/store/store.hpp"

namespace sluis::route {

struct Policy {
  config::Duration min_backoff = std::chrono::minutes(1);
  config::Duration max_backoff = std::chrono::hours(1);
  config::Duration max_lifetime = std::chrono::hours(24 * 5);
};

Policy policy_of(const config::DeliveryConfig& c);

// The wait after the `failed`-th failed attempt (1, 2, ...): min_backoff,
// then doubling, never more than max_backoff.
config::Duration backoff(const Policy& p, int failed);

// What a failed attempt leads to: deferred until `at`, or dead with `reason`
// (refused permanently, or the lifetime since `received` is over).
struct AfterFailure {
  store::State state = store::State::deferred;
  core::TimePoint at{};
  std::string reason;
};
AfterFailure after_failure(const Policy& p, core::TimePoint received, core::TimePoint now, int attempts,
                           const std::string& error, bool permanent);

}  // namespace sluis::route
