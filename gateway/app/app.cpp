#include "gateway/app/app.hpp"

#include <boost/url/parse.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/post.hpp>
#include <ctime>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "gateway/admin/deadline_commands.hpp"
#include "gateway/admin/contract_commands.hpp"
#include "gateway/admin/reference_commands.hpp"
#include "gateway/admin/report_commands.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/steering/status_page.hpp"
#include "gateway/admin/retention_commands.hpp"
#include "gateway/admin/store_commands.hpp"
#include "gateway/admin/watch_commands.hpp"
#include "gateway/app/events.hpp"
#include "gateway/app/import_command.hpp"
#include "gateway/app/table_routing.hpp"
#include "gateway/core/assert.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/core/async.hpp"
#include "gateway/core/coalesced.hpp"
#include "gateway/store/sqlite_backup.hpp"
#include "gateway/portal/message_page.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/degressive.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/standard/personal_data.hpp"

#ifndef SLUIS_VERSION
#define SLUIS_VERSION "0.0.0"
#endif

namespace sluis::app {

namespace asio = boost::asio;

namespace {

std::uint64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

// Start-up check: the open-file limit against what the configuration needs.
// Below it sluisd still runs (accepting pauses when descriptors run out) but
// warns; below what it needs without a single partner connection it refuses
// to start (exit 78, as for a configuration error: a restart would not help).
void check_descriptor_limit(const config::Config& cfg) {
  constexpr std::uint64_t kFewestConnections = 16;
  const std::uint64_t need = descriptors_needed(cfg);
  const std::uint64_t base = need - (cfg.https.enabled ? cfg.https.max_connections : 0);
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < need) {
    // Raise the soft limit as far as the hard one allows. (The unit sets both
    // through LimitNOFILE; its system call filter refuses setrlimit.)
    rlimit want = lim;
    want.rlim_cur = lim.rlim_max == RLIM_INFINITY ? need : std::min<rlim_t>(need, lim.rlim_max);
    if (want.rlim_cur > lim.rlim_cur && ::setrlimit(RLIMIT_NOFILE, &want) == 0) lim = want;
  }
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= need) return;
  const std::uint64_t limit = lim.rlim_cur;
  if (limit < base + kFewestConnections)
    throw config::ConfigError({fmt::format(
        "{}: the open-file limit (RLIMIT_NOFILE, LimitNOFILE= in the unit) is {}; sluisd needs {} "
        "for this configuration ({} without partner connections): raise the limit",
        cfg.source.string(), limit, need, base)});
  core::log(events::kFdLimitLow,
            {{"limit", limit}, {"need", need}, {"max_connections", cfg.https.max_connections}});
}

core::Metric& status_page_reads() {
  return core::counter("sluis_status_page_reads_total",
                       "Status pages (GET / on the loopback listener) computed from the store.");
}

core::Metric& reload_counter(const char* result) {
  return core::counter("sluis_config_reloads_total", "Configuration reloads by result.",
                       std::string("result=\"") + result + "\"");
}

}  // namespace

std::string_view version() {
  return SLUIS_VERSION;
}

std::uint64_t descriptors_needed(const config::Config& cfg) {
  // stdio, the listeners, epoll, eventfds, timers, signals, the notify
  // socket, files read while loading, and some slack.
  std::uint64_t n = 64;
  n += 16;  // the store: database, WAL, shared memory, a backup or check in progress
  if (cfg.https.enabled) n += static_cast<std::uint64_t>(cfg.https.max_connections);
  if (cfg.plain.enabled) n += net::kPlainMaxConnections;
  n += static_cast<std::uint64_t>(cfg.admin.max_connections);
  for (const auto& d : cfg.destinations) {
    if (d.kind == config::DestinationKind::push)
      n += static_cast<std::uint64_t>(d.concurrency);  // a socket per attempt
    if (d.kind == config::DestinationKind::drop)
      n += 2;  // the directory and the file being written
  }
  return n;
}

namespace {

// The watches' open cases, counted per kind and partner, with what each kind
// means and what to do (the status page and the report list them).
core::Result<std::vector<steering::WatchCount>> watch_counts(store::WatchStore& store) {
  auto cases = watch::open_cases(store, {});
  if (!cases) return cases.error();
  std::map<std::pair<std::string, std::string>, steering::WatchCount> by;
  for (const auto& c : *cases) {
    auto& w = by[{c.stored.kind, c.stored.partner}];
    w.watch = c.stored.kind;
    w.partner = c.stored.partner.empty() ? "sluis" : c.stored.partner;
    ++w.open;
    if (c.kind) {
      w.what_nl = std::string(c.kind->meaning_nl) + " " + std::string(c.kind->action_nl);
      w.what_en = std::string(c.kind->meaning_en) + " " + std::string(c.kind->action_en);
    }
  }
  std::vector<steering::WatchCount> out;
  for (auto& [key, w] : by) out.push_back(std::move(w));
  return out;
}

// The certificate files the configuration names, each with its earliest
// notAfter (watch::read_certificates reads them).
std::vector<steering::CertificateExpiry> certificate_expiry(const config::Config& cfg,
                                                            std::chrono::system_clock::time_point now) {
  std::vector<steering::CertificateExpiry> out;
  for (const auto& f : watch::read_certificates(cfg)) {
    if (f.not_after.empty()) continue;
    const auto first = *std::min_element(f.not_after.begin(), f.not_after.end());
    out.push_back({f.partner + ": " + f.source + " (" + f.path.filename().string() + ")",
                   core::format_date(core::dutch_date(first)),
                   std::chrono::duration_cast<std::chrono::hours>(first - now).count() / 24});
  }
  return out;
}

}  // namespace

static std::shared_ptr<const core::WerkdagCalendar> make_calendar(const config::CalendarConfig& c) {
  std::vector<core::Date> closing;
  for (const auto& d : c.closing_days)
    if (auto date = core::parse_date(d))
      closing.push_back(*date);  // validated by the config reader
  return std::make_shared<const core::WerkdagCalendar>(c.goede_vrijdag_closed, std::move(closing));
}

App::App(std::filesystem::path config_file)
    : config_file_(std::move(config_file)),
      config_(std::make_shared<const config::Config>(config::load_config(config_file_))),
      signals_(ioc_),
      watchdog_(ioc_),
      drain_timer_(ioc_),
      started_(std::chrono::steady_clock::now()),
      admin_(admin_ioc_, registry_) {
  // The log scrubber masks the standard's personal elements (core sits
  // below the standard and cannot name them itself).
  core::set_log_element_masks(&standard::personal_mask);
  core::set_log_level(config_->log_level);
}

App::~App() {
  core::set_pause_announcer(nullptr);
  stop_integrity_check();
  // run() joins the admin thread on its way out; an exception during
  // start-up may leave it running.
  if (admin_thread_.joinable()) {
    admin_work_.reset();
    admin_ioc_.stop();
    admin_thread_.join();
  }
}

template <class F>
auto App::on_io(F f) const -> decltype(f()) {
  // ioc_ is only posted to here; const for status() and current_config().
  auto& io = const_cast<asio::io_context&>(ioc_);
  if (io.get_executor().running_in_this_thread()) return f();
  std::packaged_task<decltype(f())()> task(std::move(f));
  auto result = task.get_future();
  asio::post(io, [&task] { task(); });
  return result.get();
}

std::shared_ptr<const config::Config> App::current_config() const {
  return on_io([this] { return config_; });
}

int App::run() {
  // 0. Enough file descriptors for what the configuration asks.
  check_descriptor_limit(*config_);
  // 1. State directory and the message store.
  std::filesystem::create_directories(config_->state_dir);
  store::SqliteOptions so;
  so.path = config_->store.path.string();
  so.busy_timeout_ms = static_cast<int>(config_->store.busy_timeout.count());
  so.max_batch = config_->store.max_batch;
  // A store is bound to the key its BSN hashes were made with (store.hpp,
  // SqliteOptions); an empty key is refused in step 3.
  if (!config_->secrets.bsn_hash_key.empty())
    bsn_key_fingerprint_ = core::bsn_key_fingerprint(config_->secrets.bsn_hash_key.reveal());
  so.bsn_key_fingerprint = bsn_key_fingerprint_;
  // After a clean shutdown the integrity check runs after READY=1 (below).
  so.trust_clean_shutdown = true;
  core::Result<std::unique_ptr<store::Store>> db = nullptr;
  if (config_->store.engine == "postgresql") {
    store::PostgresOptions po;
    po.conninfo = config_->store.connection.reveal();
    po.node = config_->store.node;
    po.lease = std::chrono::duration_cast<std::chrono::seconds>(config_->store.lease);
    po.bsn_key_fingerprint = bsn_key_fingerprint_;
    db = store::open_postgresql(po);
  } else {
    db = store::open_sqlite(so);
  }
  if (!db && db.error().code == core::Errc::store_bsn_key) {
    // The store's text carries both fingerprints as store=... configured=...
    const auto& text = db.error().text;
    const auto at = text.find("store=");
    const std::string stored = at == std::string::npos ? std::string("?") : text.substr(at + 6, 32);
    core::log(events::kBsnKeyMismatch,
              {{"path", config_->store.engine == "postgresql"
                            ? store::describe_postgresql(config_->store.connection.reveal())
                            : so.path},
               {"store", stored},
               {"configured", bsn_key_fingerprint_}});
    throw config::ConfigError({config_->source.string() + ": secrets.bsn_hash_key: " + text});
  }
  if (!db) throw std::runtime_error(db.error().text);
  store_ = std::move(*db);
  // 2. Schema packs, reference lists; admin commands and socket.
  auto schemas = xml::SchemaSet::load(config_->schemas);
  if (!schemas)
    throw config::ConfigError({config_->source.string() + ": [schemas] " + schemas.error().text});
  schemas_ = *schemas;
  reference_ = rules::load_reference(config_->reference, config_->contracts);
  for (const auto& w : rules::reference_warnings(*reference_, config_->reference))
    core::log(events::kConfigWarning, {{"text", w}});
  core::set_pause_announcer([this](const std::string& point) {
    core::log(events::kTestPause, {{"point", point}});
    notifier_.send("STATUS=paused:" + point);
  });
  admin::add_daemon_commands(registry_, *this);
  // Released, retried and requeued messages go to delivery at once.
  admin::add_store_commands(
      registry_, *store_, config_->state_dir / "backups",
      config_->store.engine == "postgresql" ? admin::BackupSource{{}, config_->store.connection.reveal()}
                                            : admin::BackupSource{config_->store.path.string(), {}},
      [this] { delivery_->wake(); },
      [this](const store::StoredMessage& m, const std::string* body, bool unmask, bool english) {
        auto [set, limits] = on_io([this] { return std::pair{schemas_, config_->schemas}; });
        portal::MessagePageOptions o;
        o.lang = english ? portal::Lang::en : portal::Lang::nl;
        o.unmask = unmask;
        o.status = store::to_string(m.state);  // an operator reads the queue state
        o.link_base.clear();                   // no partner route to follow
        return portal::render_message(m, body, set, limits, o);
      });
  admin::add_deadline_commands(registry_, *store_);
  admin::add_watch_commands(registry_, *store_);
  admin::add_retention_commands(
      registry_, *store_, [this] { return on_io([this] { return config_->store.retention; }); });
  admin::add_reference_commands(
      registry_, {[this] {
                    return on_io([this] {
                      boost::json::object o{
                          {"cbs_gemeenten", config_->reference.cbs_gemeenten.string()},
                          {"gemeenten", reference_->gemeenten.size()},
                          {"productcodes_file", config_->reference.productcodes.string()},
                          {"productcodes", reference_->productcodes.size()}};
                      // The contracts loaded with them, when [contracts] names any.
                      boost::json::object k{{"configured", reference_->contracts != nullptr}};
                      if (reference_->contracts) {
                        const auto& c = *reference_->contracts;
                        k["catalogue_file"] = config_->contracts.catalogue.string();
                        k["catalogue"] = c.catalogue_size();
                        k["coverage_file"] = config_->contracts.coverage.string();
                        k["coverage"] = c.coverage_size();
                        k["tariffs_file"] = config_->contracts.tariffs.string();
                        k["tariffs"] = c.tariffs_size();
                        k["uncontracted_retourcode"] = c.uncontracted_retourcode;
                      }
                      o["contracts"] = std::move(k);
                      return o;
                    });
                  },
                  [this]() -> std::string {
                    // Read on the admin thread; swapped in on the io thread.
                    auto cfg = current_config();
                    try {
                      auto next = rules::load_reference(cfg->reference, cfg->contracts);
                      for (const auto& w : rules::reference_warnings(*next, cfg->reference))
                        core::log(events::kConfigWarning, {{"text", w}});
                      on_io([this, next] {
                        reference_ = next;
                        if (intake_) intake_->set_reference(reference_);
                        return 0;
                      });
                      return {};
                    } catch (const std::exception& e) {
                      return e.what();
                    }
                  }});
  admin::add_contract_commands(
      registry_, {[this](const std::string& id) {
        return on_io([this, id]() -> std::optional<admin::ContractPartner> {
          for (const auto& p : config_->partners)
            if (p.id == id) return admin::ContractPartner{p.codes, reference_};
          return std::nullopt;
        });
      },
      [this](const std::function<void(const standard::ledger::LedgerView&)>& read) {
        return store_->read_ledger(read);
      },
      [this] {
        return on_io([this] { return admin::PreviewContext{config_->contracts, reference_}; });
      }});
  // The steering report: the store's facts, judged with the running configuration.
  admin::add_report_commands(registry_, {store_.get(), [this] { return on_io([this] { return report_context(); }); },
                                         [this](const std::function<void(const standard::ledger::LedgerView&)>& read) {
                                           return store_->read_ledger(read);
                                         },
                                         [this] { return watch_counts(*store_); }});
  // The go-live ledger import: this daemon's judge, key and store (import_command.hpp).
  // (The dry run copies the SQLite file; "" on PostgreSQL, which refuses it.)
  add_import_command(registry_, {store_.get(),
                                 config_->store.engine == "sqlite" ? config_->store.path.string() : std::string(),
                                 config_->state_dir,
                                 config_->secrets.bsn_hash_key.reveal(), [this] {
                                   return on_io([this] {
                                     return ImportContext{schemas_, config_->schemas, reference_};
                                   });
                                 }});
  admin_.open(config_->admin);
  // The socket is ours (a second daemon on this state fails above) and no
  // command runs before the admin thread starts: a dry-run copy found now was
  // left by a killed daemon.
  if (auto n = remove_import_leftovers(config_->state_dir); n > 0)
    core::log(events::kImportLeftovers, {{"count", n}, {"state_dir", config_->state_dir.string()}});
  // 3. The intake pipeline; listeners: HTTPS for partners (mutual TLS), plain HTTP on loopback.
  if (config_->secrets.bsn_hash_key.empty())
    throw config::ConfigError({missing_bsn_hash_key(*config_)});
  int threads = config_->intake.validation_threads;
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  intake_ = std::make_unique<intake::Intake>(schemas_, config_->schemas, *store_,
                                             reads_.get_executor(),
                                             config_->secrets.bsn_hash_key.reveal(), threads);
  intake_->set_reference(reference_);
  intake_->set_routes(std::make_shared<const TableRouting>(*config_));
  calendar_ = make_calendar(config_->calendar);
  intake_->set_calendar(calendar_);
  // Delivery: the scheduler's own thread, woken by the intake when it queues
  // a message for a push or drop destination.
  delivery_ = std::make_unique<route::Delivery>(*store_);
  if (auto r = delivery_->configure(*config_); !r)
    throw config::ConfigError({config_->source.string() + ": " + r.error().text});
  intake_->set_on_queued([this] { delivery_->wake(); });
  delivery_->release_live(*config_);
  delivery_->start();
  // The watches (docs/watches.md): their own thread and timer.
  watches_ = std::make_unique<watch::WatchService>(*store_);
  watches_->configure(*config_, calendar_);
  watches_->start();
  intake_->add_routes(api_);
  // The partner mailbox: delivery by pull, on the same listener.
  mailbox_ = std::make_unique<route::Mailbox>(*store_, reads_.get_executor());
  mailbox_->set_pages([this](store::StoredMessage m, std::optional<std::string> body, bool english) {
    portal::MessagePageOptions o;
    o.lang = english ? portal::Lang::en : portal::Lang::nl;
    o.status = store::to_string(store::status_of(m));
    return intake_->page(std::move(m), std::move(body), std::move(o));
  });
  mailbox_->add_routes(api_);
  add_routes();
  partners_ = std::make_shared<const net::PartnerRegistry>(config_->partners);
  if (config_->https.enabled) {
    https_ = std::make_unique<net::HttpServer>(
        ioc_, config_->https, net::make_server_context(config_->https.tls), partners_, api_);
    // Backpressure: bodies wait unread while the store's writer is saturated.
    https_->set_admission(
        [this] { return store_->pending() >= static_cast<std::size_t>(config_->store.max_queue); },
        config_->https.body_timeout);
    https_->open();
  }
  if (config_->plain.enabled) {
    http_ = std::make_unique<net::HttpServer>(ioc_, config_->plain, plain_);
    http_->open();
  }
  // The queue gauges: every configured destination and partner from start,
  // refreshed from the store on the read pool.
  gauges_ = std::make_unique<StoreGauges>(ioc_, reads_.get_executor(), *store_);
  gauges_->configure(*config_);
  gauges_->start();
  net::report_destination_certificate_expiry(config_->destinations);
  // 4. Signals and watchdog.
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  wait_signals();
  start_watchdog();
  core::gauge("sluis_start_time_seconds", "Start time of the daemon, Unix seconds.")
      .set(std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count());
  core::gauge("sluis_build_info", "Always 1; the label version is the running sluisd's version.",
              "version=\"" + core::label_value(version()) + "\"")
      .set(1);
  for (const char* result : {"ok", "failed"}) reload_counter(result);
  status_page_reads();
  // The admin socket's own thread (app.hpp, Threading): commands run once
  // everything they reach exists; until then connections wait in the backlog.
  admin_work_.emplace(admin_ioc_.get_executor());
  admin_thread_ = std::thread([this] {
    core::name_this_thread("sluis-admin");
    admin_ioc_.run();
  });
  // 5. Ready.
  notifier_.send(fmt::format("READY=1\nSTATUS=serving, admin socket {}\nMAINPID={}", admin_.path().string(),
                     ::getpid()));
  core::log(events::kStarted, {{"version", version()},
                               {"pid", static_cast<long>(::getpid())},
                               {"config", config_->source.string()}});
  start_integrity_check();
  {
    // The io thread serves every partner: nothing on it may wait for the
    // store's writer or another thread (core/assert.hpp).
    core::NonBlockingThread io_thread;
    ioc_.run();
  }
  // The admin socket is closed and idle (begin_shutdown waited for it).
  admin_work_.reset();
  admin_ioc_.stop();
  admin_thread_.join();
  // Drained: validations end, attempts in flight end, the writer finishes
  // what was queued, the store closes.
  intake_->stop();
  delivery_->stop();
  if (watches_) watches_->stop();
  reads_.join();
  stop_integrity_check();
  store_->close();
  core::log(events::kStopped, {});
  return 0;
}

namespace {
core::Metric& integrity_checks(const char* when, const char* result) {
  return core::counter("sluis_store_integrity_checks_total",
                       "Integrity checks of the store (PRAGMA quick_check): at open (when=\"start\"; a damaged "
                       "store is refused, so only ok counts there) or after READY=1 following a clean shutdown "
                       "(when=\"background\").",
                       fmt::format("when=\"{}\",result=\"{}\"", when, result));
}
}  // namespace

// The integrity check off the start path (store/clean_shutdown.hpp): its own
// read-only connection on its own thread, stopped at shutdown.
void App::start_integrity_check() {
  for (const char* when : {"start", "background"})
    for (const char* result : {"ok", "failed"}) integrity_checks(when, result);
  if (store_->checked_at_open()) {
    integrity_checks("start", "ok").inc();
    return;
  }
  const std::string path = config_->store.path.string();
  core::log(events::kStoreCheckDeferred, {{"path", path}});
  integrity_thread_ = std::thread([this, path] {
    core::name_this_thread("sluis-integrity");
    const auto began = std::chrono::steady_clock::now();
    auto r = store::check_store(path, integrity_stop_);
    if (!r && r.error().code == store::kBackupCancelled) return;  // shutdown came first
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    // The result also goes to systemd's status line (systemctl status sluisd).
    if (r) {
      integrity_checks("background", "ok").inc();
      core::log(events::kStoreCheckPassed, {{"path", path}, {"seconds", fmt::format("{:.3f}", seconds)}});
      notifier_.send("STATUS=serving; store integrity check passed");
    } else {
      integrity_checks("background", "failed").inc();
      core::log(events::kStoreCheckFailed, {{"path", path}, {"error", r.error().text}});
      notifier_.send("STATUS=serving; STORE DAMAGED: the integrity check failed (see the log)");
    }
  });
}

void App::stop_integrity_check() {
  integrity_stop_ = true;
  if (integrity_thread_.joinable()) integrity_thread_.join();
}

void App::wait_signals() {
  signals_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;  // cancelled on shutdown
    if (sig == SIGHUP) {
      // The check reads files and builds grammars: on the admin thread, in
      // turn with admin commands (a config-reload among them).
      asio::post(admin_ioc_, [this] { reload_config(); });
      wait_signals();
      return;
    }
    begin_shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
  });
}

// The watchdog (app.hpp): WATCHDOG=1 only while the io loop, the store's
// writer and the delivery thread all make progress. Every quarter interval
// this timer (itself the io loop's proof) sends a no-op probe through the
// writer and one to the delivery thread, unless the last one is still
// waiting, and pings when both answered within the last half interval. An
// idle thread answers at once; a wedged one never, and after WatchdogSec
// without a ping systemd restarts sluisd.
void App::start_watchdog() {
  std::uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  const auto interval = std::chrono::microseconds(usec);
  auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  if (!beat_) {
    beat_ = std::make_shared<Heartbeat>();
    beat_->writer_ns = beat_->delivery_ns = now_ns();
  }
  auto beat = beat_;
  if (!beat->writer_waiting.exchange(true))
    store_->probe([beat, now_ns](core::Result<void>) {
      beat->writer_ns = now_ns();
      beat->writer_waiting = false;
    });
  if (!beat->delivery_waiting.exchange(true))
    delivery_->probe([beat, now_ns] {
      beat->delivery_ns = now_ns();
      beat->delivery_waiting = false;
    });
  const std::int64_t fresh = std::chrono::duration_cast<std::chrono::nanoseconds>(interval / 2).count();
  const std::int64_t now = now_ns();
  const bool writer = now - beat->writer_ns.load() <= fresh;
  const bool delivery = now - beat->delivery_ns.load() <= fresh;
  if (writer && delivery) {
    notifier_.send("WATCHDOG=1");
    beat->withheld = false;
  } else if (!beat->withheld) {
    beat->withheld = true;  // logged once per stall
    core::log(events::kWatchdogWithheld, {{"stalled", !writer ? "writer" : "delivery"}});
  }
  watchdog_.expires_after(interval / 4);
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    start_watchdog();
  });
}

void App::begin_shutdown(std::string_view why) {
  if (stopping_) return;
  stopping_ = true;
  notifier_.send("STOPPING=1");
  core::log(events::kStopping, {{"reason", why}});
  boost::system::error_code ec;
  signals_.cancel(ec);
  watchdog_.cancel();
  if (gauges_) gauges_->stop();
  // Close acceptors first; in-flight work gets drain_timeout, then is cancelled.
  drain_timer_.expires_after(config_->drain_timeout);
  drain_timer_.async_wait([this](boost::system::error_code e) {
    if (e) return;  // drained in time
    core::log(events::kDrainTimeout, {{"admin_connections", admin_.active()},
                                      {"http_connections", (https_ ? https_->active() : 0) +
                                                               (http_ ? http_->active() : 0)}});
    admin_.cancel();
    if (https_) https_->cancel();
    if (http_) http_->cancel();
  });
  // Every listener stops accepting; when the last one is idle the drain timer
  // is cancelled and the io_context runs out of work.
  auto pending = std::make_shared<int>(1 + (https_ ? 1 : 0) + (http_ ? 1 : 0));
  auto one_idle = [this, pending] {
    if (--*pending == 0) drain_timer_.cancel();
  };
  if (https_) https_->close(one_idle);
  if (http_) http_->close(one_idle);
  // The admin socket's on_idle runs on the admin thread: back to this one.
  admin_.close([this, one_idle] { asio::post(ioc_, one_idle); });
}

void App::request_shutdown() {
  // Posted so that the admin answer to `shutdown` is written before we drain.
  asio::post(ioc_, [this] { begin_shutdown("admin shutdown"); });
}

admin::ConfigCheck App::check_config(const std::filesystem::path& file) const {
  auto checked = check_config_file(file);
  return {std::move(checked.errors), std::move(checked.warnings)};
}

void App::apply_live(const config::Config& next, std::vector<std::string>& notes) {
  core::set_log_level(next.log_level);
  admin_.update_limits(next.admin);
  auto needs_restart = [&](bool changed, std::string_view key) {
    if (!changed) return;
    notes.push_back(fmt::format("{} changed; takes effect after a restart", key));
    core::log(events::kReloadNote, {{"key", key}});
  };
  needs_restart(next.state_dir != config_->state_dir, "state_dir");
  needs_restart(next.admin.socket != config_->admin.socket, "admin.socket");
  needs_restart(next.admin.group != config_->admin.group, "admin.group");
  needs_restart(next.store.path != config_->store.path || next.store.engine != config_->store.engine ||
                    next.store.connection.reference() != config_->store.connection.reference() ||
                    next.store.node != config_->store.node || next.store.lease != config_->store.lease,
                "store.engine/path/connection/node/lease");
  needs_restart(next.https.enabled != config_->https.enabled ||
                    next.https.address != config_->https.address ||
                    next.https.port != config_->https.port,
                "https.enabled/address/port");
  needs_restart(next.plain.enabled != config_->plain.enabled ||
                    next.plain.address != config_->plain.address ||
                    next.plain.port != config_->plain.port,
                "plain.enabled/address/port");
}

// Runs on the admin thread (SIGHUP is posted there): the check and the new
// TLS context are built here, off the io thread (the schema grammars alone
// take a few hundred milliseconds); only the swap runs on the io thread.
admin::ReloadOutcome App::reload_config() {
  SLUIS_ASSERT(!ioc_.get_executor().running_in_this_thread(),
               "a reload's check never runs on the io thread");
  notifier_.send(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec()));
  admin::ReloadOutcome out;
  std::shared_ptr<const config::Config> next;
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::shared_ptr<const xml::SchemaSet> schemas;
  try {
    // The one check of --check-config and config-test.
    CheckedConfig checked = check_config_file(config_file_);
    if (!checked.errors.empty()) throw config::ConfigError(std::move(checked.errors));
    next = std::move(checked.config);
    schemas = std::move(checked.schemas);
    if (next->https.enabled) tls = net::make_server_context(next->https.tls);
  } catch (const config::ConfigError& e) {
    out.errors = e.errors();
  } catch (const std::exception& e) {
    out.errors = {config_file_.string() + ": " + e.what()};
  }
  if (next && out.errors.empty())
    out = on_io([this, next, tls, schemas] { return apply_reload(next, tls, schemas); });
  for (const auto& err : out.errors) core::log(events::kReloadFailed, {{"error", err}});
  reload_counter(out.ok ? "ok" : "failed").inc();
  notifier_.send("READY=1");
  return out;
}

// On the io thread: what can still fail is built before anything is swapped.
admin::ReloadOutcome App::apply_reload(std::shared_ptr<const config::Config> next,
                                       std::shared_ptr<boost::asio::ssl::context> tls,
                                       std::shared_ptr<const xml::SchemaSet> schemas) {
  admin::ReloadOutcome out;
  try {
    auto partners = std::make_shared<const net::PartnerRegistry>(next->partners);
    auto lanes_ok = delivery_->configure(*next);
    if (!lanes_ok) throw std::runtime_error(lanes_ok.error().text);
    apply_live(*next, out.notes);
    partners_ = partners;
    intake_->set_routes(std::make_shared<const TableRouting>(*next));
    calendar_ = make_calendar(next->calendar);
    intake_->set_calendar(calendar_);
    // The packs as loaded by the check: a release added to (or removed from)
    // `packs`, or packs changed on disk, apply to the next message.
    if (schemas) {
      if (next->schemas.packs != config_->schemas.packs)
        out.notes.push_back(fmt::format("schemas.packs now {}", fmt::join(next->schemas.packs, ", ")));
      schemas_ = schemas;
      intake_->set_schemas(schemas_, next->schemas);
    }
    if (https_ && tls) https_->reload(next->https, tls, partners);
    config_ = std::move(next);
    if (gauges_) gauges_->configure(*config_);
    net::report_destination_certificate_expiry(config_->destinations);
    delivery_->release_live(*config_);
    if (watches_) watches_->configure(*config_, calendar_);
    out.ok = true;
    core::log(events::kReloaded, {{"config", config_->source.string()}, {"hash", config_->hash}});
  } catch (const std::exception& e) {
    out.errors = {config_file_.string() + ": " + e.what()};
  }
  return out;
}

boost::json::object App::status() const {
  return on_io([this] { return status_now(); });
}

boost::json::object App::status_now() const {
  auto uptime =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  boost::json::array listeners;
  if (https_) listeners.emplace_back(https_->url());
  if (http_) listeners.emplace_back(http_->url());
  listeners.emplace_back("unix://" + admin_.path().string());
  boost::json::array packs;
  for (const auto& p : schemas_->packs())
    packs.emplace_back(std::string(standard::to_string(p.law)) + "/" + p.release);
  return boost::json::object{
      {"version", version()},
      {"pid", ::getpid()},
      {"uptime_seconds", uptime.count()},
      {"config_file", config_->source.string()},
      {"config_hash", config_->hash},
      {"state_dir", config_->state_dir.string()},
      {"listeners", std::move(listeners)},
      {"schema_packs", std::move(packs)},
      {"bsn_key_fingerprint", bsn_key_fingerprint_},
  };
}

}  // namespace sluis::app

namespace sluis::app {

void App::add_routes() {
  // Route handlers are members; the lambdas only forward (no coroutine captures).
  plain_.add(net::http::verb::get, "/healthz", [this](net::Request r, net::RequestContext c) {
    return healthz(std::move(r), std::move(c));
  });
  plain_.add(net::http::verb::get, "/metrics", [this](net::Request r, net::RequestContext c) {
    return metrics(std::move(r), std::move(c));
  });
  plain_.add(net::http::verb::get, "/", [this](net::Request r, net::RequestContext c) {
    return status_page(std::move(r), std::move(c));
  });
  // For a partner with role monitoring only: the listener refuses everyone
  // else (net/server.hpp), and refuses that partner anything else.
  api_.add(net::http::verb::get, "/metrics", [this](net::Request r, net::RequestContext c) {
    return metrics(std::move(r), std::move(c));
  });
  api_.add(net::http::verb::get, "/v1/whoami", [this](net::Request r, net::RequestContext c) {
    return whoami(std::move(r), std::move(c));
  });
  api_.add(net::http::verb::get, "/v1/contract", [this](net::Request r, net::RequestContext c) {
    return contract(std::move(r), std::move(c));
  });
  api_.add(net::http::verb::get, "/v1/degressive", [this](net::Request r, net::RequestContext c) {
    return degressive(std::move(r), std::move(c));
  });
}

asio::awaitable<net::Response> App::healthz(net::Request req, net::RequestContext) {
  co_return net::json_response(
      net::http::status::ok,
      boost::json::object{{"status", stopping_ ? "stopping" : "ok"}, {"version", version()}}, req);
}

asio::awaitable<net::Response> App::metrics(net::Request req, net::RequestContext) {
  net::Response res{net::http::status::ok, req.version()};
  res.set(net::http::field::content_type, "text/plain; version=0.0.4");
  res.keep_alive(req.keep_alive());
  res.body() = core::Metrics::global().render();
  res.prepare_payload();
  co_return res;
}

admin::ReportContext App::report_context() const {
  admin::ReportContext c;
  for (const auto& p : config_->partners) {
    c.partner_codes[p.id] = p.codes;
    for (const auto& code : p.codes) c.parties[code] = {p.id};
  }
  c.thresholds = config_->steering;
  c.calendar = calendar_;
  c.data = reference_;
  return c;
}

// The operator's status page: the last 30 Dutch days, read on the store-read
// pool; aggregates only (steering/status_page.hpp). Computed at most once at a
// time and served from the last one for kStatusPageFresh: however often it is
// loaded, it costs the store one read of the period per that interval.
asio::awaitable<net::Response> App::status_page(net::Request req, net::RequestContext) {
  auto page = co_await status_page_.get([this]() -> asio::awaitable<std::optional<std::string>> {
    status_page_reads().inc();
    const auto now = std::chrono::system_clock::now();
    const core::Date today = core::dutch_date(now);
    const steering::Filter filter{core::add_days(today, -29), today, "", {}};
    auto read = [this, filter, today, now, ctx = report_context(), cfg = config_]() -> core::Result<steering::StatusData> {
      steering::StatusData d;
      auto watches = watch_counts(*store_);
      if (!watches) return watches.error();
      d.watches = std::move(*watches);
      d.certificates = certificate_expiry(*cfg, now);
      auto facts = store_->steering_facts({filter.from, filter.to});
      if (!facts) return facts.error();
      auto queues = store_->queue_gauges();  // the open messages' index entries only
      if (!queues) return queues.error();
      d.report = steering::build(*facts, filter, ctx.parties, ctx.thresholds, *ctx.calendar, today);
      d.facts = std::move(*facts);
      d.queues = std::move(queues->backlog);
      return d;
    };
    auto data = co_await core::async_run(reads_.get_executor(), std::move(read), asio::use_awaitable);
    if (!data) co_return std::nullopt;
    data->version = std::string(version());
    // The process runs in Europe/Amsterdam (core::init_dutch_time).
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local{};
    ::localtime_r(&t, &local);
    char at[32];
    std::strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S %Z", &local);
    data->generated = at;
    co_return steering::render_status_page(*data);
  });
  if (!page) co_return net::store_unavailable(req);
  net::Response res{net::http::status::ok, req.version()};
  res.set(net::http::field::content_type, "text/html; charset=utf-8");
  res.set(net::http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = *page;
  res.prepare_payload();
  co_return res;
}

asio::awaitable<net::Response> App::whoami(net::Request req, net::RequestContext ctx) {
  boost::json::array codes;
  for (const auto& c : ctx.partner->codes) codes.emplace_back(c);
  co_return net::json_response(
      net::http::status::ok,
      boost::json::object{
          {"partner", ctx.partner->id},
          {"role", config::to_string(ctx.partner->role)},
          {"mode", config::to_string(ctx.partner->mode)},
          {"codes", std::move(codes)},
          {"certificate", boost::json::object{{"subject", ctx.certificate.subject},
                                              {"issuer", ctx.certificate.issuer},
                                              {"spki_sha256", ctx.certificate.spki_sha256}}}},
      req);
}

using net::echoed;

// What the authenticated provider is contracted for on a day (default today),
// its own products only: {"products": [...]} (rules::to_json). Runs on the io
// thread, which owns reference_.
asio::awaitable<net::Response> App::contract(net::Request req, net::RequestContext ctx) {
  namespace http = net::http;
  if (ctx.partner->role == config::PartnerRole::gemeente)
    co_return net::error_response(
        http::status::forbidden, "not_a_provider",
        "GET /v1/contract toont een zorgaanbieder zijn eigen contract; een gemeente vraagt het de beheerder van "
        "sluis (sluisctl contract-show).",
        "GET /v1/contract shows a provider its own contract; a municipality asks sluis's operator (sluisctl "
        "contract-show).",
        req);
  if (!reference_ || !reference_->contracts)
    co_return net::error_response(http::status::not_found, "no_contracts",
                                  "Deze sluis heeft geen contractgegevens geladen.",
                                  "This sluis has no contract data loaded.", req);
  core::Date day = core::dutch_date(std::chrono::system_clock::now());
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target)
    co_return net::error_response(http::status::bad_request, "bad_target", "De URL is ongeldig.",
                                  "The URL is not valid.", req);
  if (auto it = target->params().find("date"); it != target->params().end()) {
    const std::string value = (*it).has_value ? std::string((*it).value) : std::string();
    auto d = core::parse_date(value);
    if (!d)
      co_return net::error_response(
          http::status::bad_request, "bad_date",
          "date \"" + echoed(value) + "\" is geen datum: geef een Nederlandse dag als JJJJ-MM-DD, bijvoorbeeld "
          "2026-01-01.",
          "date \"" + echoed(value) + "\" is not a date: give a Dutch day as YYYY-MM-DD, e.g. 2026-01-01.", req);
    day = *d;
  }
  boost::json::array products;
  for (const auto& code : ctx.partner->codes)
    if (code.size() == 8)
      for (const auto& p : reference_->contracts->contracted_on(code, day)) products.push_back(rules::to_json(p));
  co_return net::json_response(http::status::ok, boost::json::object{{"products", std::move(products)}}, req);
}

// Where the authenticated provider stands in a year's degressive tariff
// (default this Dutch year): {"year", "positions": [...]} (rules::to_json of
// a DegressivePosition), its own AGB codes only. The contracts are read on the
// io thread (which owns reference_), the ledger on the read pool.
asio::awaitable<net::Response> App::degressive(net::Request req, net::RequestContext ctx) {
  namespace http = net::http;
  if (ctx.partner->role == config::PartnerRole::gemeente)
    co_return net::error_response(
        http::status::forbidden, "not_a_provider",
        "GET /v1/degressive toont een zorgaanbieder zijn eigen positie in het degressieve tarief; een gemeente "
        "vraagt het de beheerder van sluis (sluisctl degressive-status).",
        "GET /v1/degressive shows a provider its own position in the degressive tariff; a municipality asks "
        "sluis's operator (sluisctl degressive-status).",
        req);
  if (!reference_ || !reference_->contracts)
    co_return net::error_response(http::status::not_found, "no_contracts",
                                  "Deze sluis heeft geen contractgegevens geladen.",
                                  "This sluis has no contract data loaded.", req);
  int year = static_cast<int>(core::dutch_date(std::chrono::system_clock::now()).year());
  auto target = boost::urls::parse_origin_form(req.target());
  if (!target)
    co_return net::error_response(http::status::bad_request, "bad_target", "De URL is ongeldig.",
                                  "The URL is not valid.", req);
  if (auto it = target->params().find("year"); it != target->params().end()) {
    const std::string value = (*it).has_value ? std::string((*it).value) : std::string();
    auto y = rules::parse_year(value);
    if (!y)
      co_return net::error_response(
          http::status::bad_request, "bad_year",
          "year \"" + echoed(value) + "\" is geen jaar: geef een kalenderjaar JJJJ (2000-2099), bijvoorbeeld 2026.",
          "year \"" + echoed(value) + "\" is not a year: give a calendar year YYYY (2000-2099), e.g. 2026.", req);
    year = *y;
  }
  std::vector<std::string> agb;
  for (const auto& code : ctx.partner->codes)
    if (code.size() == 8) agb.push_back(code);
  auto contracts = reference_->contracts;  // kept alive while the read runs
  auto read = [this, contracts, agb, year]() -> core::Result<boost::json::array> {
    boost::json::array rows;
    auto r = store_->read_ledger([&](const standard::ledger::LedgerView& ledger) {
      for (const auto& pos : rules::degressive_positions(*contracts, agb, year, ledger))
        rows.push_back(rules::to_json(pos, contracts->degressive_scope));
    });
    if (!r) return r.error();
    return rows;
  };
  auto rows = co_await core::async_run(reads_.get_executor(), std::move(read), asio::use_awaitable);
  if (!rows) co_return net::store_unavailable(req);
  co_return net::json_response(http::status::ok,
                               boost::json::object{{"year", year}, {"positions", std::move(*rows)}}, req);
}

}  // namespace sluis::app
