// The watches: cases an operator should act on before a partner notices
// (docs/watches.md): unread answers in mailboxes, growing and dead queues,
// expiring certificates and stale CRLs, rejection bursts. Each scan runs the
// detectors (detectors.hpp) on facts read from the store and from the
// configured files, and syncs each kind's findings with the store's
// watch_case table (store::WatchStore::watch_sync): a new finding opens a
// case, a finding no longer found closes it. Each case is logged once
// (WATCH_CASE_OPENED; logged_at in the store, so a restart does not log it
// again) and counted in the gauge sluis_watch_open_cases{watch,partner}
// (zero from the start for every configured partner and sluis itself).
//
// Threading: Watches is used by one thread at a time (WatchService's own
// thread; tests call scan() directly with the time they choose). open_cases()
// may be called from any thread (it only reads the store).
// Ownership: borrows the store. Failure: a detector that cannot read or
// write logs WATCH_SCAN_FAILED and is tried again at the next scan; the
// others run. Durability: cases are in the store; the queue trend (how many
// scans a queue grew at) is in memory and starts again after a restart.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"
#include "gateway/watch/detectors.hpp"
#include "gateway/watch/kinds.hpp"

namespace sluis::watch {

// An open (or closed) case with its kind's explanation: what the report,
// the status page and `sluisctl watches` show.
struct Case {
  store::WatchCase stored;
  const Kind* kind = nullptr;  // nullptr: a kind this build does not know (an older or newer sluis wrote it)
};
// The cases the filter selects (open ones unless include_closed), open first.
core::Result<std::vector<Case>> open_cases(store::WatchStore& store, const store::WatchFilter& filter);

class Watches {
 public:
  explicit Watches(store::WatchStore& store) : store_(store) {}

  // Thresholds, calendar, partners and the files to check, from cfg.
  void configure(const config::Config& cfg, std::shared_ptr<const core::WerkdagCalendar> calendar);

  struct Scan {
    std::size_t open = 0;    // open cases after the scan, every kind
    std::size_t opened = 0;  // cases opened by this scan
    std::size_t closed = 0;
    std::size_t logged = 0;  // WATCH_CASE_OPENED lines written
    std::size_t failed = 0;  // kinds that could not be scanned
  };
  // Every detector as of `now` (Dutch date: core::dutch_date(now)).
  Scan scan(core::TimePoint now);

 private:
  void sync(std::string_view kind, std::vector<store::WatchFinding> found, bool complete, core::TimePoint now,
            Scan& out, std::map<std::string, std::int64_t>& counts);
  void failed(std::string_view kind, const std::string& error, Scan& out);
  store::WatchStore& store_;
  config::WatchesConfig cfg_;
  std::shared_ptr<const core::WerkdagCalendar> calendar_ = std::make_shared<const core::WerkdagCalendar>();
  std::vector<std::string> partners_;
  std::map<std::string, std::string> partner_of_;  // code -> partner id
  std::shared_ptr<const config::Config> files_;  // the configuration whose certificate and CRL files are read
  QueueTrend queues_;
  std::set<std::string> series_;  // gauge label sets set before
};

// The watches on their own thread ("watches"), scanning every
// watches.scan_interval with the system clock; sluisd builds it at start-up
// and reconfigures it on reload. The public methods are called from the
// daemon's main thread and return at once (configure and start post to the
// watch thread), except stop.
class WatchService {
 public:
  explicit WatchService(store::WatchStore& store);
  ~WatchService();
  void configure(const config::Config& cfg, std::shared_ptr<const core::WerkdagCalendar> calendar);
  void start();
  void stop();  // idempotent; joins the thread

 private:
  void tick();
  boost::asio::io_context ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  Watches watches_;
  boost::asio::steady_timer timer_;
  config::Duration interval_ = std::chrono::minutes(5);
  core::SystemClock clock_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace sluis::watch
