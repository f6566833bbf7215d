// The daemon's delivery service: the scheduler (scheduler.hpp) on its own
// thread ("delivery") with the lanes of the configured push and drop
// destinations, and the deadline watch (deadline_watch.hpp) on a timer of
// deadlines.scan_interval, and the retention pruner (store/retention.hpp) on
// a timer of store.prune_interval. sluisd builds it at start-up and
// reconfigures it on reload.
//
// Threading: the public methods are called from the daemon's main thread;
// they hand work to the delivery thread and wait where they must.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/result.hpp"
#include "gateway/route/deadline_watch.hpp"
#include "gateway/route/scheduler.hpp"
#include "gateway/store/store.hpp"

namespace sluis::route {

// The lanes of cfg's push and drop destinations (loads pinned CAs and client
// certificates, creates missing drop directories). An error names the
// destination and the file.
core::Result<std::vector<Lane>> build_lanes(const config::Config& cfg);

class Delivery {
 public:
  explicit Delivery(store::DeliveryQueue& store);
  ~Delivery();

  // Installs lanes and policy from cfg; on error nothing changes.
  core::Result<void> configure(const config::Config& cfg);
  void start();
  // Thread-safe: new work was queued.
  void wake();
  // Thread-safe: `done` runs on the delivery thread once it gets to it (the
  // daemon's watchdog: an idle delivery thread answers at once, a stuck one
  // not at all). Not after stop().
  void probe(std::function<void()> done);
  // Messages held for receivers that are live in cfg go to their destination:
  // done on the delivery thread, which then scans; returns at once.
  void release_live(const config::Config& cfg);
  // Stops scanning, lets attempts in flight end (each within its timeout),
  // joins the thread. Idempotent.
  void stop();

 private:
  store::DeliveryQueue& store_;
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  core::SystemClock clock_;
  void watch_deadlines();
  Scheduler scheduler_;
  DeadlineWatch deadlines_;
  boost::asio::steady_timer deadline_timer_;
  config::Duration deadline_interval_ = std::chrono::minutes(1);
  // The retention pruner: one batch per handler, so delivery work interleaves.
  void prune();
  void run();  // the delivery thread's loop
  boost::asio::steady_timer prune_timer_;
  config::Duration retention_ = std::chrono::hours(24 * 62);
  config::Duration prune_interval_ = std::chrono::hours(1);
  store::PruneResult pruned_;  // this run so far
  std::string prune_cutoff_;   // this run's cutoff; empty between runs
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace sluis::route
