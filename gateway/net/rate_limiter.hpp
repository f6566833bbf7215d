// Per-partner request rate: a token bucket per partner id (rate tokens per
// second, up to burst). Not thread-safe; used from the listener's strand.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace sluis::net {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // Returns 0 when the request may proceed, else the seconds to wait.
  int admit(const std::string& partner, double rate, int burst, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace sluis::net
