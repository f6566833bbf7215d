// The composition root of sluisd: owns the io_context, the configuration, the
// admin socket and its thread, the store, the pools, delivery and the
// listeners. Start-up is a list of numbered steps in App::run().
//
// Lifecycle:
//   SIGTERM/SIGINT or `shutdown` -> STOPPING=1, close acceptors, let in-flight
//     work finish within drain_timeout, then cancel what is left; run() returns 0.
//   SIGHUP or `config-reload` -> on the admin thread: RELOADING=1, check the
//     file again with check_config_file (the check of --check-config and
//     config-test) and build the new TLS context; when it passes swap the
//     running config on the io thread and apply what can change live, on any
//     error keep the old one and log every error; READY=1.
//   WATCHDOG_USEC set -> WATCHDOG=1 from a timer every quarter interval, sent
//     only while the io loop (the timer fires), the store's writer (a no-op
//     probe through it came back within half the interval) and the delivery
//     thread (likewise) make progress; else DAEMON_WATCHDOG_WITHHELD, and
//     systemd restarts sluisd after WatchdogSec without a ping.
//
// Threading: the io thread runs ioc_ (HTTPS and plain listeners, intake's
// answers, signals, the watchdog timer). The admin socket and every admin
// command run on a thread of their own ("admin", admin_ioc_), so a long
// command (backup, prune, a bulk queue action) never stalls partners. An
// admin command that needs state the io thread owns (status, configuration,
// reload, shutdown, reference lists) gets it through on_io(): posted to the
// io thread, the admin thread waits for the result; the io thread never
// waits on the admin thread (closing the admin socket is posted to it, its
// on_idle posted back). Further: the intake's validation pool, the
// store-read pool (reads_), the store's writer thread, the delivery thread.
// While it runs ioc_, the io thread is marked as one that must not block
// (core::NonBlockingThread): a store write that waits for the writer there
// fails SLUIS_ASSERT and aborts, so such a handler fails every HTTPS test.
// Failure: start-up errors are exceptions (config: ConfigError -> exit 78).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "gateway/app/notifier.hpp"
#include "gateway/app/store_gauges.hpp"
#include "gateway/core/coalesced.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/admin/daemon_commands.hpp"
#include "gateway/admin/registry.hpp"
#include "gateway/admin/report_commands.hpp"
#include "gateway/admin/server.hpp"
#include "gateway/app/config_check.hpp"
#include "gateway/config/config.hpp"
#include "gateway/intake/intake.hpp"
#include "gateway/net/http.hpp"
#include "gateway/net/partners.hpp"
#include "gateway/net/server.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/route/mailbox.hpp"
#include "gateway/route/table.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/store/store.hpp"
#include "gateway/watch/watches.hpp"
#include "gateway/xml/schema_set.hpp"

namespace sluis::app {

std::string_view version();

// File descriptors the configuration needs at most (https.max_connections,
// the plain and admin listeners, the store, push attempts, drop directories
// and a reserve): the start-up check compares RLIMIT_NOFILE with it, and
// systemd/sluisd.service's LimitNOFILE is sized for the defaults.
std::uint64_t descriptors_needed(const config::Config& cfg);

class App final : public admin::DaemonControl {
 public:
  explicit App(std::filesystem::path config_file);  // throws config::ConfigError
  ~App() override;
  int run();

  // admin::DaemonControl
  boost::json::object status() const override;
  std::shared_ptr<const config::Config> current_config() const override;
  admin::ConfigCheck check_config(const std::filesystem::path& file) const override;
  admin::ReloadOutcome reload_config() override;
  void request_shutdown() override;

 private:
  // Runs f on the io thread and returns its result (directly when called
  // there). For the admin thread; the io thread must stay running meanwhile,
  // which it does while any admin command runs (shutdown drains the admin
  // socket before the io loop ends).
  template <class F>
  auto on_io(F f) const -> decltype(f());
  admin::ReloadOutcome apply_reload(std::shared_ptr<const config::Config> next,
                                    std::shared_ptr<boost::asio::ssl::context> tls,
                                    std::shared_ptr<const xml::SchemaSet> schemas);
  boost::json::object status_now() const;
  void wait_signals();
  void start_integrity_check();
  void stop_integrity_check();
  void start_watchdog();
  void begin_shutdown(std::string_view why);
  void apply_live(const config::Config& next, std::vector<std::string>& notes);
  void add_routes();
  boost::asio::awaitable<net::Response> healthz(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> metrics(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> whoami(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> contract(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> degressive(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> status_page(net::Request req, net::RequestContext ctx);
  // What the steering report needs of the running configuration (io thread).
  admin::ReportContext report_context() const;

  // First member: constructed before and destroyed after everything that
  // notifies (STOPPING=1 is sent on the way out).
  Notifier notifier_;
  std::filesystem::path config_file_;
  std::shared_ptr<const config::Config> config_;
  boost::asio::io_context ioc_;
  boost::asio::io_context admin_ioc_;  // the admin thread's
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      admin_work_;
  std::thread admin_thread_;
  // The store's integrity check after READY=1, when the store trusted a clean
  // shutdown (store::SqliteOptions::trust_clean_shutdown); stopped and joined
  // before the store closes.
  std::thread integrity_thread_;
  std::atomic<bool> integrity_stop_{false};
  boost::asio::signal_set signals_;
  boost::asio::steady_timer watchdog_;
  boost::asio::steady_timer drain_timer_;
  std::chrono::steady_clock::time_point started_;
  admin::Registry registry_;
  admin::Server admin_;
  net::Router api_;    // routes of the HTTPS listener
  net::Router plain_;  // routes of the plain loopback listener
  std::shared_ptr<const net::PartnerRegistry> partners_;
  std::shared_ptr<const rules::ReferenceData> reference_;
  std::shared_ptr<const xml::SchemaSet> schemas_;
  std::unique_ptr<store::Store> store_;
  std::string bsn_key_fingerprint_;  // of secrets.bsn_hash_key, as the store holds it (status-get)
  // The store-read pool (core/async.hpp, async_run): reads that can be slow
  // (a message, a body, a mailbox page) run here, never on the io thread.
  // Two threads: the store reads on one connection, so a second thread only
  // lets the next read queue while one runs.
  core::NamedThreadPool reads_{2, "sluis-reads"};
  std::unique_ptr<intake::Intake> intake_;
  std::unique_ptr<route::Mailbox> mailbox_;
  std::unique_ptr<route::Delivery> delivery_;
  std::unique_ptr<watch::WatchService> watches_;  // the watches' thread (docs/watches.md)
  std::unique_ptr<net::HttpServer> https_;
  std::unique_ptr<net::HttpServer> http_;
  // The queue gauges, read from the store on reads_ (store_gauges.hpp).
  std::unique_ptr<StoreGauges> gauges_;
  // The calendar in force (werkdagen): intake, watches and reports share it.
  std::shared_ptr<const core::WerkdagCalendar> calendar_;
  // The operator's status page, computed at most once per kStatusPageFresh (status_page()).
  static constexpr std::chrono::seconds kStatusPageFresh{10};
  core::Coalesced<std::string> status_page_{ioc_.get_executor(), kStatusPageFresh};
  bool stopping_ = false;
  // The watchdog's view of the writer and delivery threads (start_watchdog):
  // when each last answered a probe (steady clock, ns), and whether a probe
  // is still out. Shared with the probes' callbacks, which run on those threads.
  struct Heartbeat {
    std::atomic<std::int64_t> writer_ns{0}, delivery_ns{0};
    std::atomic<bool> writer_waiting{false}, delivery_waiting{false};
    bool withheld = false;  // io thread only
  };
  std::shared_ptr<Heartbeat> beat_;
};

}  // namespace sluis::app
