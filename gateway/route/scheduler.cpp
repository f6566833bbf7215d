#include "gateway/route/scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "gateway/core/metrics.hpp"
#include "gateway/route/events.hpp"

namespace sluis::route {

namespace asio = boost::asio;

namespace {
core::Metric& attempts_metric(const std::string& result) {
  return core::counter("sluis_delivery_attempts_total", "Delivery attempts to push and drop destinations by result.",
                       "result=\"" + result + "\"");
}
}  // namespace

Scheduler::Scheduler(asio::any_io_executor ex, store::Store& store, const core::Clock& clock)
    : ex_(std::move(ex)), store_(store), clock_(clock), timer_(ex_) {}

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
    scan();
    if (std::chrono::steady_clock::now() >= next_pickup_) {
      check_pickups();
      next_pickup_ = std::chrono::steady_clock::now() + pickup_interval_;
    }
    arm();
  });
}

void Scheduler::wake() {
  asio::post(ex_, [this] {
    if (!stopped_) scan();
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
    asio::co_spawn(ex_, attempt(l.lane.transport, l.lane.destination, std::move(c)), asio::detached);
  }
}

asio::awaitable<void> Scheduler::attempt(std::shared_ptr<Transport> t, std::string destination, store::Claimed c) {
  AttemptResult r = co_await t->deliver(c.message, c.body);
  settle(c.message, r);
  if (auto it = lanes_.find(destination); it != lanes_.end()) {
    --it->second.in_flight;
    // A slot is free: take the next due message of this lane.
    if (!stopped_) scan_lane(it->second);
  }
}

void Scheduler::settle(const store::StoredMessage& m, const AttemptResult& r) {
  const std::string& dest = m.destination;
  core::Result<void> done;
  switch (r.kind) {
    case AttemptResult::acknowledged:
    case AttemptResult::delivered: {
      auto to = r.kind == AttemptResult::acknowledged ? store::State::acknowledged : store::State::delivered;
      done = store_.settle(m.id, to, "", "");
      attempts_metric("delivered").inc();
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
        core::log(events::kDead, {{"msg", m.id}, {"dest", dest}, {"attempt", m.attempts}, {"reason", next.reason}});
      } else {
        auto at = core::utc_text(next.at);
        done = store_.settle(m.id, store::State::deferred, at, r.error);
        attempts_metric("deferred").inc();
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
