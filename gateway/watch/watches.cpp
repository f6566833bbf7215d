#include "gateway/watch/watches.hpp"

#include <boost/asio/post.hpp>

#include "gateway/core/metrics.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/net/tls.hpp"
#include "gateway/watch/events.hpp"

namespace sluis::watch {

namespace asio = boost::asio;

namespace {

constexpr const char* kGauge = "sluis_watch_open_cases";
constexpr const char* kHelp =
    "Open cases of each watch (docs/watches.md) by the partner concerned (sluis: sluis itself); sluisctl "
    "watches lists them.";
// At most this many unacknowledged mailbox messages are looked at per scan
// (oldest first): beyond it the scan is partial and closes nothing.
constexpr int kUnreadLimit = 100000;

std::string labels(std::string_view kind, const std::string& partner) {
  return "watch=\"" + std::string(kind) + "\",partner=\"" + (partner.empty() ? "sluis" : partner) + "\"";
}

}  // namespace

const Kind* find_kind(std::string_view name) {
  for (const Kind& k : kKinds)
    if (k.name == name) return &k;
  return nullptr;
}

core::Result<std::vector<Case>> open_cases(store::WatchStore& store, const store::WatchFilter& filter) {
  auto list = store.watch_cases(filter);
  if (!list) return list.error();
  std::vector<Case> out;
  out.reserve(list->size());
  for (auto& c : *list) {
    const Kind* k = find_kind(c.kind);
    out.push_back({std::move(c), k});
  }
  return out;
}

void Watches::configure(const config::Config& cfg, std::shared_ptr<const core::WerkdagCalendar> calendar) {
  cfg_ = cfg.watches;
  if (calendar) calendar_ = std::move(calendar);
  partners_.clear();
  partner_of_.clear();
  for (const auto& p : cfg.partners) {
    partners_.push_back(p.id);
    for (const auto& c : p.codes) partner_of_.emplace(c, p.id);
  }
  files_ = std::make_shared<const config::Config>(cfg);
  // Zeros from the start: a series that exists says "nothing open" rather
  // than "not watched".
  for (const Kind& k : kKinds) {
    for (const auto& p : partners_) series_.insert(labels(k.name, p));
    series_.insert(labels(k.name, "sluis"));
  }
  for (const auto& l : series_) core::gauge(kGauge, kHelp, l);
}

void Watches::failed(std::string_view kind, const std::string& error, Scan& out) {
  core::log(events::kScanFailed, {{"watch", std::string(kind)}, {"error", error}});
  ++out.failed;
}

void Watches::sync(std::string_view kind, std::vector<store::WatchFinding> found, bool complete, core::TimePoint now,
                   Scan& out, std::map<std::string, std::int64_t>& counts) {
  const std::string at = core::utc_text(now);
  const std::string forget = core::utc_text(now - cfg_.closed_retention);
  auto r = store_.watch_sync(std::string(kind), found, complete, at, forget);
  if (!r) return failed(kind, r.error().text, out);
  out.opened += static_cast<std::size_t>(r->opened);
  out.closed += static_cast<std::size_t>(r->closed);
  out.open += r->open.size();
  if (r->closed > 0) core::log(events::kCasesClosed, {{"watch", std::string(kind)}, {"count", r->closed}});
  std::vector<std::int64_t> logged;
  for (const auto& c : r->open) {
    ++counts[labels(kind, c.partner)];
    if (!c.logged_at.empty()) continue;
    const std::string partner = c.partner.empty() ? "sluis" : c.partner;
    if (kind == kUnreadAnswer)  // about one message: msg= as on every line about a message
      core::log(events::kCaseOpened,
                {{"msg", c.subject}, {"watch", c.kind}, {"partner", partner}, {"subject", c.subject}, {"detail", c.detail}});
    else
      core::log(events::kCaseOpened,
                {{"watch", c.kind}, {"partner", partner}, {"subject", c.subject}, {"detail", c.detail}});
    logged.push_back(c.id);
  }
  if (!logged.empty()) {
    // Logged again at the next scan should this fail: better twice than never.
    if (auto m = store_.watch_mark_logged(logged, at); !m) return failed(kind, m.error().text, out);
    out.logged += logged.size();
  }
}

Watches::Scan Watches::scan(core::TimePoint now) {
  Scan out;
  // Another node sharing the database keeps the cases (WatchStore::leads).
  if (!store_.leads()) return out;
  std::map<std::string, std::int64_t> counts;  // label set -> open cases
  const core::Date today = core::dutch_date(now);

  if (auto unread = store_.unread_mailbox(kUnreadLimit); !unread) {
    failed(kUnreadAnswer, unread.error().text, out);
  } else {
    const bool complete = unread->size() < static_cast<std::size_t>(kUnreadLimit);
    sync(kUnreadAnswer, find_unread(*unread, today, *calendar_, cfg_.unread_werkdagen), complete, now, out, counts);
  }

  if (auto backlog = store_.backlog(); !backlog) {
    failed(kQueueGrowing, backlog.error().text, out);
  } else {
    sync(kQueueGrowing, queues_.observe(*backlog, now, cfg_.queue_growth_scans), true, now, out, counts);
    sync(kQueueDead, find_dead(*backlog), true, now, out, counts);
  }

  if (files_) {
    sync(kCertificateExpiry, find_expiring(read_certificates(*files_), now, cfg_), true, now, out, counts);
    std::vector<CrlFile> crls;
    for (const auto& c : net::crl_info(files_->https.tls)) crls.push_back({c.file, c.next_update, c.error});
    sync(kCrlStale, find_stale_crls(crls, now, cfg_), true, now, out, counts);
  }

  if (auto days = store_.submissions(core::format_date(rejection_from(today, cfg_))); !days)
    failed(kRejectionBurst, days.error().text, out);
  else
    sync(kRejectionBurst, find_rejection_bursts(*days, today, cfg_), true, now, out, counts);

  if (auto youth = store_.youth_turning_18(core::format_date(past_18_until(today, cfg_))); !youth)
    failed(kCarePast18, youth.error().text, out);
  else
    sync(kCarePast18, find_past_18(*youth, partner_of_), youth->size() < 100000, now, out, counts);

  if (auto care = store_.care_candidates(care_query(today, cfg_)); !care) {
    for (auto k : {kAllocationUnstarted, kAllocationUncorrected, kAllocationEnding, kRequestRefused})
      failed(k, care.error().text, out);
  } else {
    // Each read stops at 100000 rows: then the scan is partial and closes nothing.
    const bool complete = care->size() < 100000;
    for (auto& [kind, found] : find_care(*care, today, *calendar_, cfg_, partner_of_))
      sync(kind, std::move(found), complete, now, out, counts);
  }

  for (const auto& l : series_)
    if (!counts.count(l)) core::gauge(kGauge, kHelp, l).set(0);
  for (const auto& [l, n] : counts) {
    core::gauge(kGauge, kHelp, l).set(n);
    series_.insert(l);
  }
  return out;
}

// ---- the service ----

WatchService::WatchService(store::WatchStore& store)
    : work_(asio::make_work_guard(ioc_)), watches_(store), timer_(ioc_), thread_([this] {
        core::name_this_thread("sluis-watches");
        ioc_.run();
      }) {}

WatchService::~WatchService() { stop(); }

// Returns at once (the caller may be the io thread, on a reload): the watch
// thread takes the new settings after the scan it may be running.
void WatchService::configure(const config::Config& cfg, std::shared_ptr<const core::WerkdagCalendar> calendar) {
  asio::post(ioc_, [this, next = std::make_shared<const config::Config>(cfg), calendar = std::move(calendar)] {
    watches_.configure(*next, calendar);
    interval_ = next->watches.scan_interval;
  });
}

void WatchService::start() {
  asio::post(ioc_, [this] { tick(); });
}

// On the watch thread: a scan now, the next after the interval. An exception
// is logged and the timer is armed as after any scan.
void WatchService::tick() {
  if (stopped_) return;
  try {
    watches_.scan(clock_.now());
  } catch (const std::exception& e) {
    core::log(events::kScanFailed, {{"watch", "all"}, {"error", e.what()}});
  } catch (...) {
    core::log(events::kScanFailed, {{"watch", "all"}, {"error", "unknown exception"}});
  }
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

void WatchService::stop() {
  if (!thread_.joinable()) return;
  asio::post(ioc_, [this] {
    stopped_ = true;
    timer_.cancel();
  });
  work_.reset();
  thread_.join();
}

}  // namespace sluis::watch
