#include "gateway/route/delivery.hpp"

#include <boost/asio/post.hpp>

#include <future>

#include "gateway/core/thread_name.hpp"
#include "gateway/route/drop.hpp"
#include "gateway/route/events.hpp"
#include "gateway/route/push.hpp"
#include "gateway/store/retention.hpp"

namespace sluis::route {

namespace asio = boost::asio;

core::Result<std::vector<Lane>> build_lanes(const config::Config& cfg) {
  std::vector<Lane> lanes;
  for (const auto& d : cfg.destinations) {
    if (d.kind == config::DestinationKind::push) {
      auto t = PushTransport::make(d);
      if (!t) return t.error();
      lanes.push_back({d.id, d.concurrency, *t});
    } else if (d.kind == config::DestinationKind::drop) {
      std::error_code ec;
      std::filesystem::create_directories(d.directory, ec);
      if (ec || !std::filesystem::is_directory(d.directory, ec))
        return core::make_error(core::Errc::route_drop_dir,
                                "destination " + d.id + ": cannot use the drop directory " +
                                    d.directory.string() + (ec ? ": " + ec.message() : ""));
      lanes.push_back({d.id, d.concurrency, std::make_shared<DropTransport>(d.directory)});
    }
  }
  return lanes;
}

Delivery::Delivery(store::DeliveryQueue& store)
    : store_(store),
      work_(asio::make_work_guard(ioc_)),
      scheduler_(ioc_.get_executor(), store, clock_),
      deadlines_(store),
      deadline_timer_(ioc_),
      prune_timer_(ioc_),
      thread_([this] {
        core::name_this_thread("sluis-delivery");
        run();
      }) {}

// The delivery thread. Its handlers catch what they can (guarded(), the
// attempts' completion handlers); should an exception still reach run(), it
// is logged and the loop runs on: the thread must not end while sluisd lives.
void Delivery::run() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (...) {
      report_scan_failure("delivery thread", std::current_exception());
    }
  }
}

Delivery::~Delivery() { stop(); }

core::Result<void> Delivery::configure(const config::Config& cfg) {
  auto lanes = build_lanes(cfg);
  if (!lanes) return lanes.error();
  std::vector<std::string> owing;  // partners that can owe an answer (not monitoring)
  for (const auto& p : cfg.partners)
    if (p.role != config::PartnerRole::monitoring) owing.push_back(p.id);
  std::promise<void> done;
  asio::post(ioc_, [&] {
    deadlines_.register_partners(owing);
    scheduler_.configure(std::move(*lanes), policy_of(cfg.delivery), cfg.delivery.scan_interval,
                         cfg.delivery.pickup_interval);
    deadline_interval_ = cfg.deadlines.scan_interval;
    retention_ = cfg.store.retention;
    prune_interval_ = cfg.store.prune_interval;
    done.set_value();
  });
  done.get_future().wait();
  return {};
}

void Delivery::start() {
  asio::post(ioc_, [this] {
    scheduler_.start();
    scheduler_.scan();
    watch_deadlines();
    prune();
  });
}

// Runs on the delivery thread. A run prunes one batch per handler and posts
// itself again while more bodies qualify, so the scheduler's handlers run in
// between (each batch waits for its own commit); after the run it logs once
// and sleeps for the interval.
void Delivery::prune() {
  if (stopped_) return;
  // Another node sharing the database prunes (Retention::leads).
  if (prune_cutoff_.empty() && !store_.leads()) {
    prune_timer_.expires_after(prune_interval_);
    prune_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) prune();
    });
    return;
  }
  if (prune_cutoff_.empty()) {
    prune_cutoff_ = store::retention_cutoff(retention_, std::chrono::system_clock::now());
    pruned_ = {};
  }
  store::RetentionRun run;
  run.retention = retention_;
  run.cutoff = prune_cutoff_;
  run.limit = store::PruneRequest{}.batch;
  // An exception (not an error value) counts as a failed run: logged by
  // guarded(), and the timer below is armed as after any failure.
  core::Result<store::RetentionOutcome> r =
      core::make_error(core::Errc::route_prune, "the prune batch ended with an exception");
  guarded("prune", [&] { r = store::prune_retention(store_, run); });
  if (r) {
    pruned_.pruned += r->result.pruned;
    pruned_.bytes += r->result.bytes;
    if (r->result.more) {
      asio::post(ioc_, [this] { prune(); });
      return;
    }
    if (pruned_.pruned > 0)
      core::log(events::kPruned, {{"count", pruned_.pruned}, {"bytes", pruned_.bytes}, {"cutoff", prune_cutoff_}});
  } else {
    core::log(events::kPruneFailed, {{"count", pruned_.pruned}, {"error", r.error().text}});
  }
  prune_cutoff_.clear();
  prune_timer_.expires_after(prune_interval_);
  prune_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) prune();
  });
}

// Runs on the delivery thread: a scan now, the next after the interval.
void Delivery::watch_deadlines() {
  if (stopped_) return;
  guarded("deadlines", [this] {
    if (auto r = deadlines_.scan(clock_.today()); !r)
      core::log(events::kStoreError, {{"what", "deadlines"}, {"error", r.error().text}});
  });
  deadline_timer_.expires_after(deadline_interval_);
  deadline_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watch_deadlines();
  });
}

void Delivery::wake() { scheduler_.wake(); }

void Delivery::probe(std::function<void()> done) { asio::post(ioc_, std::move(done)); }

// Returns at once: the releases run on the delivery thread (the caller may
// be the io thread, on a reload), which then scans.
void Delivery::release_live(const config::Config& cfg) {
  std::vector<std::string> live;
  for (const auto& p : cfg.partners)
    if (p.mode == config::PartnerMode::live) live.push_back(p.id);
  asio::post(ioc_, [this, live = std::move(live)] {
    std::int64_t total = 0;
    guarded("release", [&] {
      for (const auto& id : live) {
        auto n = store_.release_held(id, store::HoldReason::receiver_not_live, "sluis");
        if (!n) {
          core::log(events::kStoreError, {{"partner", id}, {"error", n.error().text}});
          continue;
        }
        if (*n > 0) core::log(events::kReleased, {{"partner", id}, {"count", *n}});
        total += *n;
      }
    });
    if (total > 0) wake();
  });
}

void Delivery::stop() {
  if (!thread_.joinable()) return;
  asio::post(ioc_, [this] {
    stopped_ = true;
    deadline_timer_.cancel();
    prune_timer_.cancel();
    scheduler_.stop();
  });
  work_.reset();
  thread_.join();
}

}  // namespace sluis::route
