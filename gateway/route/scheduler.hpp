// The delivery scheduler: takes accepted messages to their push and drop
// destinations (mailbox messages wait for the receiver to pull them).
//
// Design (after Postfix's queue manager):
//   - The store is the queue. A message routed to a destination is `queued`;
//     the scheduler claims due messages per destination (queued, or deferred
//     whose next_attempt_at has come; earliest due first, so new and retried
//     messages both progress), which makes them `delivering` with
//     attempts + 1, and starts one attempt each.
//   - Each destination has its own lane with a concurrency limit
//     (destinations[].concurrency); attempts run concurrently as coroutines
//     with their own timeout, so a slow or failing destination only fills its
//     own lane and never delays another's. The standard attaches no meaning to
//     order (OP080): within a lane attempts run side by side too.
//   - An attempt ends in acknowledged (push: 2xx), delivered (drop: the file is
//     in place; acknowledged when the receiver takes it away), deferred with
//     exponential backoff between min_backoff and max_backoff (backoff.hpp),
//     or dead: refused permanently, or max_lifetime since receipt is over. The
//     reason is in last_error and every attempt is in the audit log.
//   - Crash: a message found `delivering` at start-up returns to `queued`
//     (store recovery) and is delivered again; the receiver de-duplicates by
//     the message id (push header Sluis-Message-Id, drop file name), so
//     delivery is at least once and, for a de-duplicating receiver, exactly once.
//   - An attempt that throws (a transport must not, but a fault may) is
//     caught at its root, logged as DELIVERY_ATTEMPT_FAILED with msg= and
//     dest=, and settled as a failed attempt (deferred with backoff): its
//     slot is given back, so the lane never stalls.
//   - Wake-ups: a scan every scan_interval, and at once when the intake
//     queues a message (wake()) or an attempt frees a slot.
//   - Partner modes: a shadow partner's messages are `held` at the intake and
//     never claimed; messages for a receiver that is not live yet are `held`
//     until it is (Store::release_held on start-up and reload).
//
// Threading: all methods except wake() run on the scheduler's executor (one
// thread in sluisd, "delivery"); store calls block that thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/route/backoff.hpp"
#include "gateway/route/transport.hpp"
#include "gateway/store/store.hpp"

namespace sluis::route {

// Logs DELIVERY_SCAN_FAILED for a piece of periodic work (guarded()).
void report_scan_failure(const char* what, std::exception_ptr e);

// Runs one piece of the delivery thread's periodic work (a scan, the pickup
// check, the deadline watch, a prune batch). An exception from it, std or
// not, is logged as DELIVERY_SCAN_FAILED with what= and ends only that piece:
// the caller re-arms its timer as usual, so the work goes on at its next turn
// instead of the delivery thread ending.
template <class F>
void guarded(const char* what, F&& f) {
  try {
    f();
  } catch (...) {
    report_scan_failure(what, std::current_exception());
  }
}

struct Lane {
  std::string destination;
  int concurrency = 4;
  std::shared_ptr<Transport> transport;
};

class Scheduler {
 public:
  Scheduler(boost::asio::any_io_executor ex, store::DeliveryQueue& store, const core::Clock& clock);

  // Replaces the lanes and policy (start-up, reload). Attempts in flight on a
  // lane that is gone finish on their old transport.
  void configure(std::vector<Lane> lanes, Policy policy, config::Duration scan_interval,
                 config::Duration pickup_interval);
  // Starts the periodic scans; stop() cancels them (attempts in flight finish).
  void start();
  void stop();
  // Thread-safe: there may be new work; scan soon.
  void wake();

  // One pass over every lane: claims what is due and free slots allow and
  // starts the attempts. Tests call it directly with a ManualClock.
  void scan();
  // Drop destinations: delivered messages whose file was taken become acknowledged.
  void check_pickups();

  int in_flight(const std::string& destination) const;

 private:
  struct LaneState {
    Lane lane;
    int in_flight = 0;
  };
  void scan_lane(LaneState& l);
  boost::asio::awaitable<AttemptResult> attempt(std::shared_ptr<Transport> t, store::Claimed c);
  // An attempt's end (its co_spawn completion): settle, free the slot, refill.
  // `seconds`: how long the attempt took (sluis_delivery_attempt_duration_seconds).
  void finish(const std::string& destination, const store::StoredMessage& m, const AttemptResult& r,
              double seconds);
  void settle(const store::StoredMessage& m, const AttemptResult& r, double seconds);
  void arm();

  boost::asio::any_io_executor ex_;
  store::DeliveryQueue& store_;
  const core::Clock& clock_;
  Policy policy_;
  config::Duration scan_interval_ = std::chrono::seconds(1);
  config::Duration pickup_interval_ = std::chrono::seconds(30);
  std::map<std::string, LaneState> lanes_;
  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::time_point next_pickup_{};
  bool running_ = false;  // periodic scans armed
  bool stopped_ = false;  // stop() called: no more attempts start
  bool wake_pending_ = false;
};

}  // namespace sluis::route
