// The bytes of request bodies a listener holds at once (https.max_body_memory).
//
// A request takes its declared length (Content-Length; max_body when chunked)
// before its body is read and gives it back when its answer has been made:
// the body, the message model the intake makes of it and the judgement all
// live in that time. A request that does not fit waits, unread (its bytes stay
// in the client's send buffer and TCP window), in the order of arrival: a
// large body is not passed over for ever by small ones. The listener answers
// one that waits past its deadline with 503 and Retry-After.
//
// Without it the bodies in flight are bounded only by the connections:
// 1 024 connections of 25 MiB each, and the intake's model beside each.
//
// Threading: one thread (the listener's io_context); not synchronised.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <optional>

#include "gateway/core/metrics.hpp"

namespace sluis::net {

class BodyBudget {
 public:
  explicit BodyBudget(std::uint64_t limit) : limit_(limit) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // Bytes taken back when destroyed (or moved from and reset).
  class Hold {
   public:
    Hold() = default;
    Hold(Hold&& o) noexcept : budget_(o.budget_), bytes_(o.bytes_) { o.budget_ = nullptr; }
    Hold& operator=(Hold&& o) noexcept {
      if (this != &o) {
        reset();
        budget_ = o.budget_;
        bytes_ = o.bytes_;
        o.budget_ = nullptr;
      }
      return *this;
    }
    ~Hold() { reset(); }
    void reset() {
      if (budget_) budget_->release(bytes_);
      budget_ = nullptr;
    }
    std::uint64_t bytes() const { return budget_ ? bytes_ : 0; }

   private:
    friend class BodyBudget;
    Hold(BodyBudget* b, std::uint64_t bytes) : budget_(b), bytes_(bytes) {}
    BodyBudget* budget_ = nullptr;
    std::uint64_t bytes_ = 0;
  };

  // `bytes` at once when they fit and nobody waits; else a wait in arrival
  // order until they fit, at most until `deadline`. nullopt: not granted
  // (the deadline passed, or cancel_waits()). A request larger than the
  // whole budget waits until it is alone.
  boost::asio::awaitable<std::optional<Hold>> take(std::uint64_t bytes,
                                                   std::chrono::steady_clock::time_point deadline);
  // Ends every wait ungranted (the listener closing).
  void cancel_waits();
  // A new limit (reload); waits that now fit are granted.
  void set_limit(std::uint64_t limit);

  // Whether take(bytes) would grant at once.
  bool available(std::uint64_t bytes) const { return waiters_.empty() && fits(bytes); }
  // `in_use` is set to in_use() at every change (a gauge), `waits` counts
  // the takes that could not be granted at once; either may be null.
  void report_to(core::Metric* in_use, core::Metric* waits) {
    gauge_ = in_use;
    waits_ = waits;
    report();
  }

  std::uint64_t limit() const { return limit_; }
  std::uint64_t in_use() const { return in_use_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Waiter {
    std::uint64_t bytes;
    boost::asio::steady_timer* timer;
    bool granted = false;
  };
  bool fits(std::uint64_t bytes) const { return in_use_ == 0 || in_use_ + bytes <= limit_; }
  void release(std::uint64_t bytes);
  void grant_waiting();
  void report() {
    if (gauge_) gauge_->set(static_cast<std::int64_t>(in_use_));
  }

  std::uint64_t limit_;
  std::uint64_t in_use_ = 0;
  std::list<Waiter*> waiters_;  // arrival order
  core::Metric* gauge_ = nullptr;
  core::Metric* waits_ = nullptr;
};

}  // namespace sluis::net
