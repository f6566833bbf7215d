#include "gateway/app/store_gauges.hpp"

#include <boost/asio/bind_executor.hpp>
#include <map>

#include "gateway/app/events.hpp"
#include "gateway/core/async.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/metrics.hpp"

namespace sluis::app {

namespace {

namespace asio = boost::asio;

// The states sluis_queue_messages counts: every one but the end states
// acknowledged and rejected (their totals are history, not a queue).
constexpr store::State kCounted[] = {store::State::received,  store::State::queued,   store::State::delivering,
                                     store::State::delivered, store::State::deferred, store::State::held,
                                     store::State::dead};

std::string queue_labels(const std::string& destination, store::State state) {
  return "destination=\"" + core::label_value(destination.empty() ? "none" : destination) + "\",state=\"" +
         std::string(store::to_string(state)) + "\"";
}

std::string partner_labels(const std::string& partner) {
  return "partner=\"" + core::label_value(partner) + "\"";
}

core::Metric& queue_gauge(const std::string& labels) {
  return core::gauge("sluis_queue_messages",
                     "Messages not at an end state (every state but acknowledged and rejected), by destination "
                     "and state; refreshed every 15 s.",
                     labels);
}

core::Metric& oldest_gauge(const std::string& labels) {
  return core::gauge("sluis_mailbox_oldest_unacknowledged_age_seconds",
                     "Age of the first message in the partner's mailbox (mailbox order) it has not acknowledged "
                     "(seconds; 0: none); refreshed every 15 s.",
                     labels);
}

}  // namespace

StoreGauges::StoreGauges(asio::io_context& ioc, asio::any_io_executor reads, store::Housekeeping& store)
    : ioc_(ioc), reads_(std::move(reads)), store_(store), timer_(ioc) {}

void StoreGauges::configure(const config::Config& cfg) {
  std::vector<std::string> destinations;
  for (const auto& d : cfg.destinations) destinations.push_back(d.id);
  std::lock_guard lock(known_->mutex);
  for (const auto& p : cfg.partners) {
    if (p.role == config::PartnerRole::monitoring) continue;  // no mailbox
    destinations.push_back("mailbox:" + p.id);
    auto labels = partner_labels(p.id);
    oldest_gauge(labels);
    known_->oldest.insert(labels);
  }
  for (const auto& d : destinations)
    for (auto s : kCounted) {
      auto labels = queue_labels(d, s);
      queue_gauge(labels);
      known_->queue.insert(labels);
    }
}

void StoreGauges::start() {
  stopped_ = false;
  refresh();
}

void StoreGauges::stop() {
  stopped_ = true;
  timer_.cancel();
}

void StoreGauges::apply(Known& known, const store::QueueGauges& g) {
  std::map<std::string, std::int64_t> queue;
  for (const auto& c : g.backlog) queue[queue_labels(c.destination, c.state)] += c.count;
  std::map<std::string, std::int64_t> oldest;
  const auto now = std::chrono::system_clock::now();
  for (const auto& o : g.oldest_unacknowledged)
    if (auto t = core::parse_utc_text(o.received_at))
      oldest[partner_labels(o.partner)] =
          std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(now - *t).count());
  std::lock_guard lock(known.mutex);
  for (const auto& labels : known.queue)
    if (!queue.count(labels)) queue_gauge(labels).set(0);
  for (const auto& [labels, n] : queue) {
    queue_gauge(labels).set(n);
    known.queue.insert(labels);
  }
  for (const auto& labels : known.oldest)
    if (!oldest.count(labels)) oldest_gauge(labels).set(0);
  for (const auto& [labels, age] : oldest) {
    oldest_gauge(labels).set(age);
    known.oldest.insert(labels);
  }
}

void StoreGauges::refresh() {
  if (stopped_) return;
  auto read = [&store = store_, known = known_]() -> core::Result<bool> {
    auto g = store.queue_gauges();
    if (!g) return g.error();
    apply(*known, *g);
    return true;
  };
  core::async_run(reads_, std::move(read),
                  asio::bind_executor(ioc_, [this](core::Result<bool> r) {
                    if (!r) core::log(events::kGaugesReadFailed, {{"error", r.error().text}});
                    if (stopped_) return;
                    timer_.expires_after(kRefresh);
                    timer_.async_wait([this](boost::system::error_code ec) {
                      if (!ec) refresh();
                    });
                  }));
}

}  // namespace sluis::app
