#include "gateway/route/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <exception>
#include <fmt/format.h>

#include "gateway/core/metrics.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/route/events.hpp"

namespace sluis::route {

namespace asio = boost::asio;

namespace {
core::Metric& attempts_metric(const std::string& result) {
  return core::counter("sluis_delivery_attempts_total", "Delivery attempts to push and drop destinations by result.",
                       "result=\"" + result + "\"");
}

// How long one attempt took (the transport's work, claim and settle not
// included), by destination kind and how it ended.
core::Histogram& attempt_seconds(std::string_view kind, std::string_view result) {
  return core::histogram("sluis_delivery_attempt_duration_seconds",
                         "Duration of delivery attempts to push and drop destinations, by destination kind and "
                         "result, seconds.",
                         fmt::format("kind=\"{}\",result=\"{}\"", kind, result));
}

void observe_attempt(const store::StoredMessage& m, std::string_view result, double seconds) {
  const auto kind = m.delivery ? config::to_string(*m.delivery) : std::string_view("push");
  attempt_seconds(kind, result).observe(seconds);
}

}  // namespace

void register_delivery_metrics() {
  for (const char* kind : {"push", "drop"})
    for (const char* result : {"delivered", "deferred", "dead"}) {
      attempt_seconds(kind, result);
      attempts_metric(result);
    }
}

void report_scan_failure(const char* what, std::exception_ptr e) {
  core::log(events::kScanFailed, {{"what", what}, {"error", core::describe(e)}});
}

Scheduler::Scheduler(asio::any_io_executor ex, store::DeliveryQueue& store,
                     const core::Clock& clock)
    : ex_(std::move(ex)), store_(store), clock_(clock), timer_(ex_) {
  register_delivery_metrics();
}

void Scheduler::configure(std::vector<Lane> lanes, Policy policy, config::Duration scan_interval,
                          config::Duration pickup_interval) {
  policy_ = policy;
  scan_interval_ = scan_interval;
  pickup_interval_ = pickup_interval;
  std::map<std::string, LaneState> next;
  for (auto& l : lanes) {
    LaneState s{std::move(l), 0};
    if (auto it = lanes_.find(s.lane.destination); it != lanes_.end()) s.in_flight = it->second.in_flight;
    next.emplace(s.lane.destination, std::move(s));
  }
  lanes_ = std::move(next);
}

void Scheduler::start() {
  running_ = true;
  arm();
}

void Scheduler::stop() {
  running_ = false;
  stopped_ = true;
  timer_.cancel();
}

void Scheduler::arm() {
  if (!running_) return;
  timer_.expires_after(scan_interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !running_) return;
    guarded("scan", [this] { scan(); });
    if (std::chrono::steady_clock::now() >= next_pickup_) {
      guarded("pickups", [this] { check_pickups(); });
      next_pickup_ = std::chrono::steady_clock::now() + pickup_interval_;
    }
    arm();
  });
}

void Scheduler::wake() {
  asio::post(ex_, [this] {
    if (!stopped_) guarded("scan", [this] { scan(); });
  });
}

int Scheduler::in_flight(const std::string& destination) const {
  auto it = lanes_.find(destination);
  return it == lanes_.end() ? 0 : it->second.in_flight;
}

void Scheduler::scan() {
  for (auto& [_, l] : lanes_) scan_lane(l);
}

void Scheduler::scan_lane(LaneState& l) {
  int free = l.lane.concurrency - l.in_flight;
  if (free <= 0 || !l.lane.transport) return;
  auto claimed = store_.claim(l.lane.destination, core::utc_text(clock_.now()), free);
  if (!claimed) {
    core::log(events::kStoreError, {{"dest", l.lane.destination}, {"error", claimed.error().text}});
    return;
  }
  for (auto& c : *claimed) {
    ++l.in_flight;
    // The completion handler is the attempt's root: whatever happened in the
    // transport, the message is settled and the lane's slot given back.
    store::StoredMessage m = c.message;
    asio::co_spawn(ex_, attempt(l.lane.transport, std::move(c)),
                   [this, destination = l.lane.destination, m = std::move(m),
                    began = std::chrono::steady_clock::now()](std::exception_ptr e, AttemptResult r) {
                     if (e) {
                       // Transports must not throw; one that does defers this
                       // message (it is retried with backoff) and nothing else.
                       r = AttemptResult{AttemptResult::retry, "delivery attempt failed: " + core::describe(e)};
                       core::log(events::kAttemptFailed,
                                 {{"msg", m.id}, {"dest", destination}, {"attempt", m.attempts}, {"error", r.error}});
                     }
                     finish(destination, m, r,
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
                   });
  }
}

asio::awaitable<AttemptResult> Scheduler::attempt(std::shared_ptr<Transport> t, store::Claimed c) {
  co_return co_await t->deliver(c.message, c.body);
}

void Scheduler::finish(const std::string& destination, const store::StoredMessage& m, const AttemptResult& r,
                       double seconds) {
  try {
    settle(m, r, seconds);
  } catch (...) {
    // The message stays delivering until the next start-up's recovery; the
    // lane goes on.
    core::log(events::kAttemptFailed,
              {{"msg", m.id}, {"dest", destination}, {"attempt", m.attempts}, {"error", core::describe(std::current_exception())}});
  }
  if (auto it = lanes_.find(destination); it != lanes_.end()) {
    --it->second.in_flight;
    // A slot is free: take the next due message of this lane.
    if (!stopped_) scan_lane(it->second);
  }
}

void Scheduler::settle(const store::StoredMessage& m, const AttemptResult& r, double seconds) {
  const std::string& dest = m.destination;
  core::Result<void> done;
  switch (r.kind) {
    case AttemptResult::acknowledged:
    case AttemptResult::delivered: {
      auto to = r.kind == AttemptResult::acknowledged ? store::State::acknowledged : store::State::delivered;
      done = store_.settle(m.id, to, "", "");
      attempts_metric("delivered").inc();
      observe_attempt(m, "delivered", seconds);
      core::log(events::kDelivered, {{"msg", m.id}, {"dest", dest}, {"attempt", m.attempts}});
      break;
    }
    case AttemptResult::retry:
    case AttemptResult::refused: {
      // The lifetime counts from receipt, or from the operator's requeue.
      const auto& from = m.lifetime_from.empty() ? m.received_at : m.lifetime_from;
      auto received = core::parse_utc_text(from).value_or(clock_.now());
      auto next = after_failure(policy_, received, clock_.now(), m.attempts, r.error,
                                r.kind == AttemptResult::refused);
      if (next.state == store::State::dead) {
        done = store_.settle(m.id, store::State::dead, "", next.reason);
        attempts_metric("dead").inc();
        observe_attempt(m, "dead", seconds);
        core::log(events::kDead, {{"msg", m.id}, {"dest", dest}, {"attempt", m.attempts}, {"reason", next.reason}});
      } else {
        auto at = core::utc_text(next.at);
        done = store_.settle(m.id, store::State::deferred, at, r.error);
        attempts_metric("deferred").inc();
        observe_attempt(m, "deferred", seconds);
        core::log(events::kDeferred,
                  {{"msg", m.id}, {"dest", dest}, {"attempt", m.attempts}, {"next", at}, {"error", r.error}});
      }
      break;
    }
  }
  if (!done) core::log(events::kStoreError, {{"msg", m.id}, {"dest", dest}, {"error", done.error().text}});
}

void Scheduler::check_pickups() {
  for (auto& [id, l] : lanes_) {
    if (!l.lane.transport) continue;
    auto rows = store_.in_state(id, store::State::delivered, 1000);
    if (!rows) {
      core::log(events::kStoreError, {{"dest", id}, {"error", rows.error().text}});
      continue;
    }
    for (const auto& m : *rows) {
      if (!l.lane.transport->picked_up(m)) continue;
      if (auto r = store_.settle(m.id, store::State::acknowledged, "", ""); !r)
        core::log(events::kStoreError, {{"msg", m.id}, {"dest", id}, {"error", r.error().text}});
      else
        core::log(events::kPickedUp, {{"msg", m.id}, {"dest", id}});
    }
  }
}

}  // namespace sluis::route
