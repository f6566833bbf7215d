#include "gateway/route/backoff.hpp"

#include <fmt/format.h>

namespace sluis::route {

Policy policy_of(const config::DeliveryConfig& c) { return {c.min_backoff, c.max_backoff, c.max_lifetime}; }

config::Duration backoff(const Policy& p, int failed) {
  auto d = p.min_backoff;
  for (int i = 1; i < failed && d < p.max_backoff; ++i) d *= 2;
  return std::min(d, p.max_backoff);
}

AfterFailure after_failure(const Policy& p, core::TimePoint received, core::TimePoint now, int attempts,
                           const std::string& error, bool permanent) {
  AfterFailure out;
  if (permanent) {
    out.state = store::State::dead;
    out.reason = fmt::format("refused by the receiver (attempt {}): {}", attempts, error);
    return out;
  }
  if (now - received >= p.max_lifetime) {
    out.state = store::State::dead;
    out.reason = fmt::format("not delivered within the lifetime of {} ({} attempts); last error: {}",
                             config::format_duration(p.max_lifetime), attempts, error);
    return out;
  }
  out.state = store::State::deferred;
  out.at = now + backoff(p, attempts);
  out.reason = error;
  return out;
}

}  // namespace sluis::route
