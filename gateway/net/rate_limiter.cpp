#include "gateway/net/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace sluis::net {

int RateLimiter::admit(const std::string& partner, double rate, int burst, Clock::time_point now) {
  if (rate <= 0) return 0;
  double cap = std::max(1.0, static_cast<double>(burst));
  auto [it, fresh] = buckets_.try_emplace(partner, Bucket{cap, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(cap, b.tokens + elapsed * rate);
  b.last = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / rate)));
}

}  // namespace sluis::net
