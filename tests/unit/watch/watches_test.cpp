// The watches (gateway/watch, docs/watches.md): each detector against
// hand-made facts with hand-computed cases; the store's watch_case table
// (open, update, close, partial scans, forgetting); certificate files made
// with openssl and read back; and Watches over a real
// store: a message left unacknowledged in a mailbox raises unread_answer after
// N werkdagen, logged once (also by a restarted watch), counted in the gauge,
// and acknowledging it closes the case.
#define BOOST_TEST_MODULE watch
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/watch/detectors.hpp"
#include "gateway/watch/kinds.hpp"
#include "gateway/watch/watches.hpp"
#include "tests/support/files.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
using namespace std::chrono;
using store::State;

namespace {

core::Date d(int y, unsigned mo, unsigned dd) { return year{y} / month{mo} / day{dd}; }
// Noon in Amsterdam (11:00 or 10:00 UTC) is the same Dutch day: 10:00 UTC.
core::TimePoint at(const core::Date& day) { return sys_days{day} + hours{10}; }
core::TimePoint utc(const std::string& s) { return *core::parse_utc_text(s); }

std::vector<std::string> keys(const std::vector<store::WatchFinding>& f) {
  std::vector<std::string> out;
  for (const auto& x : f) out.push_back(x.case_key);
  return out;
}

// Log lines captured while it lives.
struct Captured {
  Captured() {
    core::set_log_sink([this](std::string_view l) {
      std::lock_guard g(mu);
      lines.emplace_back(l);
    });
  }
  ~Captured() { core::set_log_sink(nullptr); }
  std::size_t count(std::string_view what) {
    std::lock_guard g(mu);
    std::size_t n = 0;
    for (const auto& l : lines)
      if (l.find(what) != std::string::npos) ++n;
    return n;
  }
  std::mutex mu;
  std::vector<std::string> lines;
};

store::UnreadMessage unread(const std::string& id, const std::string& available_at, int type = 304) {
  store::UnreadMessage m;
  m.id = id;
  m.type = type;
  m.sender_partner = "";
  m.receiver_partner = "aanbieder-a";
  m.state = State::queued;
  m.available_at = available_at;
  return m;
}

}  // namespace

// ---- detectors ----

BOOST_AUTO_TEST_SUITE(detectors)

// Friday 24 April 2026, 12:00 in Amsterdam. Werkdagen after it: Tue 28 (Mon 27
// is Koningsdag) 1, Wed 29 2, Thu 30 3, Fri 1 May 4, Mon 4 May 5, Tue 5 May is
// Bevrijdingsdag, Wed 6 May 6. With N = 5 the case is there on 6 May, not on 5 May.
BOOST_AUTO_TEST_CASE(unread_counts_werkdagen_after_the_day_it_became_available) {
  const core::WerkdagCalendar cal;
  const std::vector<store::UnreadMessage> list{unread("m-304", "2026-04-24T10:00:00.000Z"),
                                               unread("m-325", "2026-04-29T10:00:00.000Z", 325)};
  BOOST_TEST(watch::find_unread(list, d(2026, 5, 5), cal, 5).empty());
  auto f = watch::find_unread(list, d(2026, 5, 6), cal, 5);
  BOOST_TEST((keys(f) == std::vector<std::string>{"m-304"}));
  BOOST_TEST(f[0].partner == "aanbieder-a");
  BOOST_TEST(f[0].subject == "m-304");
  BOOST_TEST(f[0].detail.find("werkdagen=6") != std::string::npos);
  BOOST_TEST(f[0].detail.find("since=2026-04-24") != std::string::npos);
  BOOST_TEST(f[0].detail.find("from=sluis") != std::string::npos);
  // 29 April: Thu 30 1, Fri 1 2, Mon 4 3, Wed 6 4, Thu 7 5, Fri 8 May 6.
  BOOST_TEST(watch::find_unread(list, d(2026, 5, 7), cal, 5).size() == 1u);
  BOOST_TEST(watch::find_unread(list, d(2026, 5, 8), cal, 5).size() == 2u);
  // 23:30 UTC on 24 April is already Saturday 25 April in Amsterdam: counted from then.
  BOOST_TEST(watch::find_unread({unread("late", "2026-04-24T23:30:00.000Z")}, d(2026, 5, 6), cal, 5).size() == 1u);
  BOOST_TEST(watch::find_unread({unread("late", "2026-04-24T23:30:00.000Z")}, d(2026, 5, 6), cal, 6).empty());
}

BOOST_AUTO_TEST_CASE(a_queue_grows_at_consecutive_scans_before_it_is_a_case) {
  watch::QueueTrend trend;
  auto backlog = [](std::int64_t deferred, const std::string& oldest) {
    store::DestinationBacklog b;
    b.destination = "push-x";
    b.partner = "gemeente-m";
    b.deferred = deferred;
    b.oldest_deferred_at = oldest;
    return std::vector<store::DestinationBacklog>{b};
  };
  const auto t0 = utc("2026-03-02T10:00:00.000Z");
  // The same oldest message stays deferred: its age grows at every scan.
  BOOST_TEST(trend.observe(backlog(1, "2026-03-02T09:00:00.000Z"), t0, 3).empty());  // first sight
  BOOST_TEST(trend.observe(backlog(1, "2026-03-02T09:00:00.000Z"), t0 + minutes(5), 3).empty());   // grew 1
  BOOST_TEST(trend.observe(backlog(2, "2026-03-02T09:00:00.000Z"), t0 + minutes(10), 3).empty());  // grew 2
  auto f = trend.observe(backlog(3, "2026-03-02T09:00:00.000Z"), t0 + minutes(15), 3);             // grew 3
  BOOST_TEST((keys(f) == std::vector<std::string>{"push-x"}));
  BOOST_TEST(f[0].partner == "gemeente-m");
  BOOST_TEST(f[0].detail.find("deferred=3") != std::string::npos);
  // The old message went through and the count fell: neither grew, the case is gone.
  BOOST_TEST(trend.observe(backlog(2, "2026-03-02T10:14:00.000Z"), t0 + minutes(20), 3).empty());
  // Nothing deferred forgets the trend.
  BOOST_TEST(trend.observe({}, t0 + minutes(25), 3).empty());
  BOOST_TEST(trend.observe(backlog(1, "2026-03-02T10:20:00.000Z"), t0 + minutes(30), 1).empty());
  BOOST_TEST(trend.observe(backlog(1, "2026-03-02T10:20:00.000Z"), t0 + minutes(35), 1).size() == 1u);
}

BOOST_AUTO_TEST_CASE(dead_messages_make_one_case_per_destination) {
  store::DestinationBacklog a, b;
  a.destination = "push-x";
  a.deferred = 4;
  b.destination = "drop-y";
  b.partner = "aanbieder-a";
  b.dead = 2;
  b.oldest_dead_id = "m-7";
  auto f = watch::find_dead({a, b});
  BOOST_TEST((keys(f) == std::vector<std::string>{"drop-y"}));
  BOOST_TEST(f[0].detail == "dead=2 oldest_dead=m-7");
}

BOOST_AUTO_TEST_CASE(certificates_open_a_case_per_stage) {
  config::WatchesConfig w;  // 30 / 14 / 7 days
  const auto now = utc("2026-03-01T12:00:00.000Z");
  watch::CertificateFile server{"https.tls.cert", "sluis", "/etc/sluis/server.pem",
                                {now + days(40)}, {}};
  watch::CertificateFile bundle{"partners.certificates.issuer_ca", "aanbieder-a", "/etc/sluis/ca-a.pem",
                                {now + days(20), now + days(10), now + days(3), now - hours(1)}, {}};
  auto f = watch::find_expiring({server, bundle}, now, w);
  BOOST_TEST((keys(f) == std::vector<std::string>{"/etc/sluis/ca-a.pem#1@notice", "/etc/sluis/ca-a.pem#2@warning",
                                                   "/etc/sluis/ca-a.pem#3@urgent", "/etc/sluis/ca-a.pem#4@expired"}));
  BOOST_TEST(f[0].partner == "aanbieder-a");
  BOOST_TEST(f[0].detail.find("days_left=20") != std::string::npos);
  BOOST_TEST(f[3].detail.find("days_left=-1") != std::string::npos);
  // Ten days later the server certificate has 30 days left: still not within 30 (< 30 whole days).
  BOOST_TEST(watch::find_expiring({server}, now + days(10), w).empty());
  BOOST_TEST((keys(watch::find_expiring({server}, now + days(10) + hours(1), w)) ==
              std::vector<std::string>{"/etc/sluis/server.pem@notice"}));
}

// The files the configuration names, read with OpenSSL: a bundle of two
// self-signed certificates made now (10 and 400 days) as https.tls.ca, a
// partner's issuer_ca that does not exist.
BOOST_AUTO_TEST_CASE(certificate_files_are_read_certificate_by_certificate) {
  const auto dir = std::filesystem::temp_directory_path() / ("sluis-watch-pem-" + core::random_hex(6));
  std::filesystem::create_directories(dir);
  auto make = [&](const std::string& name, int days) {
    const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '" +
                            (dir / (name + ".key")).string() + "' -out '" + (dir / (name + ".pem")).string() +
                            "' -subj '/CN=watch test " + name + "' -days " + std::to_string(days) + " 2>/dev/null";
    BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
    return test::slurp(dir / (name + ".pem"));
  };
  {
    std::ofstream bundle(dir / "bundle.pem");
    bundle << make("short", 10) << make("long", 400);
  }
  config::Config cfg;
  cfg.https.tls.ca = {dir / "bundle.pem"};
  config::Partner p;
  p.id = "aanbieder-a";
  config::CertIdentity id;
  id.subject = "CN=x";
  id.issuer_ca = dir / "missing.pem";
  p.certificates.push_back(id);
  cfg.partners.push_back(p);
  const auto now = std::chrono::system_clock::now();
  auto files = watch::read_certificates(cfg);
  BOOST_REQUIRE(files.size() == 2u);
  BOOST_TEST(files[0].source == "https.tls.ca");
  BOOST_TEST(files[0].partner == "sluis");
  BOOST_REQUIRE(files[0].not_after.size() == 2u);
  BOOST_TEST(files[1].partner == "aanbieder-a");
  BOOST_TEST(files[1].not_after.empty());
  BOOST_TEST(!files[1].error.empty());
  // 10 days: fewer than 14 whole days left, not fewer than 7: warning; the 400-day one is no case.
  auto f = watch::find_expiring(files, now, config::WatchesConfig{});
  BOOST_REQUIRE(f.size() == 1u);
  BOOST_TEST(f[0].case_key == (dir / "bundle.pem").string() + "#1@warning");
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(crls_due_within_the_urgent_days_or_past) {
  config::WatchesConfig w;
  const auto now = utc("2026-03-01T12:00:00.000Z");
  std::vector<watch::CrlFile> crls{{"/etc/sluis/a.crl", now + days(10), {}},
                                   {"/etc/sluis/b.crl", now + days(2), {}},
                                   {"/etc/sluis/c.crl", now - minutes(1), {}},
                                   {"/etc/sluis/d.crl", {}, "cannot read /etc/sluis/d.crl"}};
  BOOST_TEST((keys(watch::find_stale_crls(crls, now, w)) ==
              std::vector<std::string>{"/etc/sluis/b.crl@due", "/etc/sluis/c.crl@expired",
                                       "/etc/sluis/d.crl@unreadable"}));
}

// Window: 7 days up to 30 March (24 ... 30 March); normal: 4 windows before
// (24 February ... 23 March).
BOOST_AUTO_TEST_CASE(a_rejection_burst_is_a_share_far_above_the_partners_normal) {
  config::WatchesConfig w;  // 7 days, 4 windows, at least 10, 200 %
  const core::Date today = d(2026, 3, 30);
  BOOST_TEST(core::format_date(watch::rejection_from(today, w)) == "2026-02-24");
  std::vector<store::SubmissionDay> days{
      // a: normally 10 of 200 rejected (5 %); now 12 of 100 (12 % > 10 %): a burst.
      {"a", "2026-02-24", 100, 5}, {"a", "2026-03-10", 100, 5}, {"a", "2026-03-24", 50, 6}, {"a", "2026-03-30", 50, 6},
      // b: normally 40 of 200 (20 %); now 12 of 50 (24 % < 40 %): its normal.
      {"b", "2026-03-01", 200, 40}, {"b", "2026-03-25", 50, 12},
      // c: a new partner, 10 of 10 rejected, no normal: a burst.
      {"c", "2026-03-29", 10, 10},
      // e: 9 of 9 rejected: under rejection_min_count.
      {"e", "2026-03-29", 9, 9},
      // f: exactly twice its normal (10 % vs 5 %): not above it.
      {"f", "2026-03-01", 200, 10}, {"f", "2026-03-27", 100, 10},
      // g: the burst was before the window (23 March) and long ago (23 February): not counted.
      {"g", "2026-02-23", 100, 0}, {"g", "2026-03-23", 10, 10}, {"g", "2026-03-30", 100, 1}};
  auto f = watch::find_rejection_bursts(days, today, w);
  BOOST_TEST((keys(f) == std::vector<std::string>{"a", "c"}));
  BOOST_TEST(f[0].detail.find("rejected=12 of=100") != std::string::npos);
  BOOST_TEST(f[0].detail.find("normal_rejected=10 normal_of=200") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_allocation_past_18_is_a_case_of_the_gemeentes_partner_without_the_day) {
  config::WatchesConfig w;  // 13 weeks
  BOOST_TEST(core::format_date(watch::past_18_until(d(2026, 3, 2), w)) == "2026-06-01");
  std::vector<store::YouthAllocation> list{{"0935", "87654321", 4711, "", "2026-05-20"},
                                           {"0999", "87654321", 12, "2027-01-01", "2026-04-02"}};
  auto f = watch::find_past_18(list, {{"0935", "gemeente-m"}});
  BOOST_TEST((keys(f) == std::vector<std::string>{"ijw:0935:4711", "ijw:0999:12"}));
  BOOST_TEST(f[0].partner == "gemeente-m");
  BOOST_TEST(f[1].partner == "0999");  // no partner has the code: the code itself
  BOOST_TEST(f[0].detail == "gemeente=0935 aanbieder=87654321 toewijzing=4711 einddatum=none turns_18_in=2026-05");
  BOOST_TEST(f[1].detail.find("2026-04-02") == std::string::npos);
}

// The care-continuity detectors over hand-made candidates (Store::care_candidates
// picks them; its SQL is tested below): who gets each case, the werkdagen of
// allocation_uncorrected, the days of request_refused, and every kind present.
BOOST_AUTO_TEST_CASE(care_continuity_cases_and_whom_they_are_for) {
  using What = store::CareCandidate::What;
  using standard::Law;
  config::WatchesConfig w;  // 5 werkdagen, 6 weeks, 30 days; norm 28 days
  const core::WerkdagCalendar cal;
  const std::map<std::string, std::string> partners{{"0935", "gemeente-m"}, {"87654321", "aanbieder-a"}};
  const std::vector<store::CareCandidate> list{
      {What::unstarted, Law::iwmo, "0935", "87654321", "7", "2026-10-01"},
      {What::rejected, Law::ijw, "0935", "87654321", "8", "2026-11-06"},   // a Friday
      {What::ending, Law::iwmo, "0935", "12345678", "9", "2026-12-20"},
      {What::refused, Law::iwmo, "0935", "87654321", "REF-1", "2026-10-15"},
      {What::refused, Law::iwmo, "0935", "87654321", "REF-2", "2026-11-04"}};
  // Friday 13 November: the 302 came 5 werkdagen ago (9-13 November): not yet.
  auto f = watch::find_care(list, d(2026, 11, 13), cal, w, partners);
  BOOST_TEST(f.size() == 4u);
  BOOST_TEST((keys(f.at("allocation_unstarted")) == std::vector<std::string>{"iwmo:0935:7"}));
  BOOST_TEST(f.at("allocation_unstarted")[0].partner == "aanbieder-a");  // the provider starts the care
  BOOST_TEST(f.at("allocation_unstarted")[0].detail == "gemeente=0935 aanbieder=87654321 toewijzing=7 waiting_since=2026-10-01");
  BOOST_TEST(f.at("allocation_uncorrected").empty());
  BOOST_TEST((keys(f.at("allocation_ending")) == std::vector<std::string>{"iwmo:0935:9"}));
  BOOST_TEST(f.at("allocation_ending")[0].partner == "gemeente-m");
  // 29 and 9 days after the refusals: both within 30 days.
  BOOST_TEST((keys(f.at("request_refused")) == std::vector<std::string>{"iwmo:87654321:REF-1", "iwmo:87654321:REF-2"}));
  BOOST_TEST(f.at("request_refused")[0].partner == "gemeente-m");
  // Monday 16 November: 6 werkdagen, a case for the gemeente; REF-1 is 32 days old.
  f = watch::find_care(list, d(2026, 11, 16), cal, w, partners);
  BOOST_TEST((keys(f.at("allocation_uncorrected")) == std::vector<std::string>{"ijw:0935:8"}));
  BOOST_TEST(f.at("allocation_uncorrected")[0].partner == "gemeente-m");
  BOOST_TEST((keys(f.at("request_refused")) == std::vector<std::string>{"iwmo:87654321:REF-2"}));
  // Nothing found: every kind is still there, empty (so its open cases close).
  f = watch::find_care({}, d(2026, 11, 16), cal, w, partners);
  BOOST_TEST(f.size() == 4u);
  for (const auto& [kind, found] : f) BOOST_TEST(found.empty(), kind);
  // The days that bound the store's read on 4 December 2026.
  auto q = watch::care_query(d(2026, 12, 4), w);
  BOOST_TEST(q.today == "2026-12-04");
  BOOST_TEST(q.waiting_before == "2026-11-06");  // 28 days before
  BOOST_TEST(q.ending_until == "2027-01-15");    // 6 weeks after
  BOOST_TEST(q.since == "2025-11-05");           // 28 + 366 days before
}

BOOST_AUTO_TEST_CASE(every_kind_is_explained_in_both_languages) {
  for (const auto& k : watch::kinds()) {
    BOOST_TEST(watch::find_kind(k.name) == &k);
    BOOST_TEST(!k.meaning_nl.empty());
    BOOST_TEST(!k.meaning_en.empty());
    BOOST_TEST(!k.action_nl.empty());
    BOOST_TEST(!k.action_en.empty());
  }
  BOOST_TEST(watch::find_kind("no_such_kind") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the store's cases ----

struct StoreFixture : test::TempStore {
  StoreFixture() : TempStore("watch") {}
  store::WatchSync sync(const std::string& kind, std::vector<store::WatchFinding> f, bool complete,
                        const std::string& now, const std::string& forget = "") {
    auto r = db->watch_sync(kind, f, complete, now, forget);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
    return *r;
  }
  // A message routed to a push destination, taken through one failed attempt.
  std::string failed(const std::string& ident, State end) {
    auto m = test::sample_message(ident);
    m.destination = "push-x";
    m.delivery = config::DestinationKind::push;
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE(r.has_value());
    // Due now: the queued message, not the deferred ones (due in 2999).
    BOOST_REQUIRE(db->claim("push-x", "2500-01-01T00:00:00.000Z", 100).has_value());
    BOOST_REQUIRE(db->settle(r->id, end, end == State::deferred ? "2999-01-01T00:00:00.000Z" : "", "HTTP 500")
                      .has_value());
    return r->id;
  }
};

BOOST_FIXTURE_TEST_SUITE(cases, StoreFixture)

BOOST_AUTO_TEST_CASE(a_case_opens_once_follows_its_finding_and_closes_when_gone) {
  auto s1 = sync("unread_answer", {{"m-1", "aanbieder-a", "m-1", "werkdagen=6"}, {"m-2", "gemeente-m", "m-2", "w=7"}},
                 true, "2026-03-02T10:00:00.000Z");
  BOOST_TEST(s1.opened == 2);
  BOOST_TEST(s1.open.size() == 2u);
  BOOST_TEST(s1.open[0].logged_at.empty());
  BOOST_REQUIRE(db->watch_mark_logged({s1.open[0].id}, "2026-03-02T10:00:01.000Z").has_value());
  // Again, m-1 with new facts: nothing opened, m-1 keeps its id, its log mark and its opening time.
  auto s2 = sync("unread_answer", {{"m-1", "aanbieder-a", "m-1", "werkdagen=7"}, {"m-2", "gemeente-m", "m-2", "w=8"}},
                 true, "2026-03-03T10:00:00.000Z");
  BOOST_TEST(s2.opened == 0);
  BOOST_TEST(s2.open[0].id == s1.open[0].id);
  BOOST_TEST(s2.open[0].detail == "werkdagen=7");
  BOOST_TEST(s2.open[0].opened_at == "2026-03-02T10:00:00.000Z");
  BOOST_TEST(s2.open[0].logged_at == "2026-03-02T10:00:01.000Z");
  // A partial scan closes nothing.
  auto s3 = sync("unread_answer", {}, false, "2026-03-04T10:00:00.000Z");
  BOOST_TEST(s3.closed == 0);
  BOOST_TEST(s3.open.size() == 2u);
  // A complete scan without m-1 closes it; another kind is not touched.
  sync("queue_dead", {{"push-x", "gemeente-m", "push-x", "dead=1"}}, true, "2026-03-04T10:00:00.000Z");
  auto s4 = sync("unread_answer", {{"m-2", "gemeente-m", "m-2", "w=9"}}, true, "2026-03-05T10:00:00.000Z");
  BOOST_TEST(s4.closed == 1);
  BOOST_TEST(s4.open.size() == 1u);
  BOOST_TEST(s4.open[0].case_key == "m-2");
  // Found again later: a new case (logged again), the old one stays closed.
  auto s5 = sync("unread_answer", {{"m-1", "aanbieder-a", "m-1", "w=1"}, {"m-2", "gemeente-m", "m-2", "w=9"}}, true,
                 "2026-03-06T10:00:00.000Z");
  BOOST_TEST(s5.opened == 1);
  BOOST_TEST(s5.open.back().id != s1.open[0].id);
  BOOST_TEST(s5.open.back().logged_at.empty());

  store::WatchFilter f;
  BOOST_TEST(db->watch_cases(f)->size() == 3u);  // m-1 (new), m-2, push-x
  f.kind = "unread_answer";
  f.partner = "aanbieder-a";
  BOOST_TEST(db->watch_cases(f)->size() == 1u);
  f.include_closed = true;
  auto all = db->watch_cases(f);
  BOOST_REQUIRE(all->size() == 2u);
  BOOST_TEST(all->front().closed_at.empty());  // open first
  BOOST_TEST(all->back().closed_at == "2026-03-05T10:00:00.000Z");
  // Closed cases closed before the cut-off are forgotten.
  sync("unread_answer", {{"m-1", "aanbieder-a", "m-1", "w=1"}, {"m-2", "gemeente-m", "m-2", "w=9"}}, true,
       "2026-06-01T10:00:00.000Z", "2026-04-01T00:00:00.000Z");
  BOOST_TEST(db->watch_cases(f)->size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_facts_the_detectors_read) {
  auto in_mailbox = add("m-mail", State::queued);
  add("m-acked", State::acknowledged);
  add("m-held", State::held, "gemeente-m-mailbox", store::HoldReason::by_operator);
  auto deferred1 = failed("m-def-1", State::deferred);
  failed("m-def-2", State::deferred);
  auto dead = failed("m-dead", State::dead);
  auto u = db->unread_mailbox(100);
  BOOST_REQUIRE(u.has_value());
  BOOST_REQUIRE(u->size() == 1u);
  BOOST_TEST(u->front().id == in_mailbox);
  BOOST_TEST(u->front().receiver_partner == "gemeente-m");
  BOOST_TEST(u->front().type == 323);
  BOOST_TEST(u->front().available_at == (*db->get(in_mailbox))->received_at);
  auto b = db->backlog();
  BOOST_REQUIRE(b.has_value());
  BOOST_REQUIRE(b->size() == 1u);
  BOOST_TEST(b->front().destination == "push-x");
  BOOST_TEST(b->front().partner == "gemeente-m");
  BOOST_TEST(b->front().deferred == 2);
  BOOST_TEST(b->front().dead == 1);
  BOOST_TEST(b->front().oldest_dead_id == dead);
  auto first = db->get(deferred1);
  BOOST_TEST(b->front().oldest_deferred_at == (*first)->received_at);
  auto s = db->submissions("2000-01-01");
  BOOST_REQUIRE(s.has_value());
  BOOST_REQUIRE(s->size() == 1u);  // one sender, one day (unless the test straddles midnight UTC)
  BOOST_TEST(s->front().partner == "aanbieder-a");
  BOOST_TEST(s->front().total == 6);
  BOOST_TEST(s->front().rejected == 0);
}

// A message held until its receiver went live is available from its release,
// not from its receipt: unread werkdagen count from then.
BOOST_AUTO_TEST_CASE(a_released_message_is_available_from_its_release) {
  auto held = add("m-waits", State::held, "gemeente-m-mailbox", store::HoldReason::receiver_not_live);
  BOOST_REQUIRE(db->unread_mailbox(100)->empty());
  const std::string received = (*db->get(held))->received_at;
  // The release is audited at least a millisecond after the receipt.
  std::this_thread::sleep_until(*core::parse_utc_text(received) + std::chrono::milliseconds(2));
  auto released = db->release_held("gemeente-m", store::HoldReason::receiver_not_live, "test");
  BOOST_REQUIRE(released.has_value());
  BOOST_REQUIRE(*released == 1);
  auto u = db->unread_mailbox(100);
  BOOST_REQUIRE(u.has_value());
  BOOST_REQUIRE(u->size() == 1u);
  BOOST_TEST(u->front().id == held);
  BOOST_TEST(u->front().available_at > received, u->front().available_at << " " << received);
}

// The facts kept at intake (schema 13): the referrer type of a request and
// of the allocation honouring it, the day an iJw client turns 18; and the
// allocations care_past_18 reads: approved, iJw, turning 18 by the day asked,
// running past it and not stopped before it.
BOOST_AUTO_TEST_CASE(youth_allocations_running_past_18) {
  namespace L = standard::ledger;
  auto alloc = [](std::int64_t nr, const char* turns_18, std::optional<const char*> eind,
                  standard::Law law = standard::Law::ijw) {
    L::Allocation a;
    a.law = law;
    a.gemeente = "0935";
    a.aanbieder = "87654321";
    a.toewijzing_nummer = nr;
    a.bsn_hash = "hash-" + std::to_string(nr);
    a.categorie = "45";
    a.ingangsdatum = d(2026, 1, 1);
    if (eind) a.einddatum = core::parse_date(*eind);
    a.toewijzingsdatum = d(2026, 1, 1);
    a.client_turns_18_on = core::parse_date(turns_18);
    a.verwijzer_type = "02";
    return a;
  };
  auto commit = [&](const std::string& ident, L::Changes changes) {
    auto m = test::sample_message(ident);
    m.decide = [changes](const L::LedgerView&, store::NewMessage& msg) -> core::Result<store::Decision> {
      store::Decision dec;
      dec.changes = changes;
      for (auto& a : dec.changes.allocations) a.message_id = msg.id;
      for (auto& x : dec.changes.stops) x.message_id = msg.id;
      for (auto& r : dec.changes.requests) r.message_id = msg.id;
      return dec;
    };
    BOOST_REQUIRE(db->commit_sync(std::move(m)).has_value());
  };
  L::Changes c;
  c.allocations = {alloc(1, "2026-06-15", std::nullopt),          // runs on: a case from 2026-06-15 - lead
                   alloc(2, "2026-06-15", "2026-06-14"),          // ends the day before: none
                   alloc(3, "2026-06-15", "2026-06-15"),          // ends on the birthday: runs past it
                   alloc(4, "2026-06-15", "2027-01-01"),          // stopped before: none (the stop below)
                   alloc(5, "2026-06-15", std::nullopt, standard::Law::iwmo),  // iWmo: none
                   alloc(6, "2026-09-01", std::nullopt)};         // later
  c.requests.push_back({standard::Law::ijw, "87654321", "0935", "REF-1", 315, "hash-1", "", false, "", "04"});
  commit("alloc", c);
  L::Changes stop;
  L::CareKey k;
  k.law = standard::Law::ijw;
  k.gemeente = "0935";
  k.aanbieder = "87654321";
  k.bsn_hash = "hash-4";
  k.toewijzing_nummer = 4;
  k.categorie = "45";
  k.begindatum = d(2026, 1, 1);
  stop.stops.push_back({k, "01", d(2026, 5, 31), "1", ""});
  commit("stop", stop);

  auto nrs = [&](const char* until) {
    auto y = db->youth_turning_18(until);
    BOOST_REQUIRE(y.has_value());
    std::vector<std::int64_t> out;
    for (const auto& a : *y) out.push_back(a.toewijzing_nummer);
    return out;
  };
  BOOST_TEST(nrs("2026-06-14").empty());
  BOOST_TEST((nrs("2026-06-15") == std::vector<std::int64_t>{1, 3}));
  BOOST_TEST((nrs("2026-12-31") == std::vector<std::int64_t>{1, 3, 6}));
  auto y = db->youth_turning_18("2026-06-15");
  BOOST_TEST(y->front().einddatum.empty());
  BOOST_TEST(y->front().turns_18_on == "2026-06-15");
  // The facts read back through the ledger view.
  BOOST_REQUIRE(db->read_ledger([](const L::LedgerView& v) {
                    auto a = v.allocation(standard::Law::ijw, "0935", 1);
                    BOOST_REQUIRE(a.has_value());
                    BOOST_TEST(a->verwijzer_type == "02");
                    BOOST_TEST(core::format_date(*a->client_turns_18_on) == "2026-06-15");
                    auto r = v.request(standard::Law::ijw, "87654321", "REF-1");
                    BOOST_REQUIRE(r.has_value());
                    BOOST_TEST(r->verwijzer_type == "04");
                  }).has_value());
}

// The candidates the care-continuity watches read from a real store: a new
// allocation without a start (and one with), one its provider's 302 rejected
// (the day the 302 met the 301's retour obligation), one ending with no stop
// and no successor (and one with a successor), and a request refused in its
// 319 (and one honoured).
BOOST_AUTO_TEST_CASE(care_candidates_from_the_ledger) {
  namespace L = standard::ledger;
  namespace D = standard::deadlines;
  using What = store::CareCandidate::What;
  auto alloc = [](std::int64_t nr, const char* client, const char* from, std::optional<const char*> until,
                  const char* given, std::optional<std::string> reden = std::nullopt) {
    L::Allocation a;
    a.law = standard::Law::iwmo;
    a.gemeente = "0935";
    a.aanbieder = "87654321";
    a.toewijzing_nummer = nr;
    a.bsn_hash = client;
    a.categorie = "02";
    a.code = "02A01";
    a.ingangsdatum = *core::parse_date(from);
    if (until) a.einddatum = core::parse_date(*until);
    a.toewijzingsdatum = *core::parse_date(given);
    a.reden_wijziging = reden;
    return a;
  };
  auto commit = [&](const std::string& ident, L::Changes changes, store::Decision dec = {}) {
    auto m = test::sample_message(ident);
    m.law = standard::Law::iwmo;  // the obligations are kept under the message's law
    m.decide = [changes, dec](const L::LedgerView&, store::NewMessage& msg) -> core::Result<store::Decision> {
      store::Decision out = dec;
      out.changes = changes;
      for (auto& a : out.changes.allocations) a.message_id = msg.id;
      for (auto& x : out.changes.starts) x.message_id = msg.id;
      for (auto& r : out.changes.requests) r.message_id = msg.id;
      return out;
    };
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE(r.has_value());
    return r->id;
  };
  L::Changes c;
  c.allocations = {alloc(1, "h1", "2026-10-01", std::nullopt, "2026-09-28"),       // no start: unstarted
                   alloc(2, "h2", "2026-10-01", std::nullopt, "2026-09-28"),       // started below
                   alloc(4, "h4", "2026-01-01", "2026-12-20", "2026-01-01", "04"),  // ends, nothing after
                   alloc(5, "h5", "2026-01-01", "2026-12-20", "2026-01-01", "04"),  // ends, 6 follows
                   alloc(6, "h5", "2026-12-21", "2027-06-30", "2026-11-20", "04")};
  commit("alloc", c);
  L::Changes start;
  L::CareKey k;
  k.law = standard::Law::iwmo;
  k.gemeente = "0935";
  k.aanbieder = "87654321";
  k.bsn_hash = "h2";
  k.toewijzing_nummer = 2;
  k.categorie = "02";
  k.code = "02A01";
  k.begindatum = d(2026, 10, 12);
  start.starts.push_back({k, "1", ""});
  commit("start", start);
  // Allocation 3: given, then rejected by the provider's 302 on 6 November.
  L::Changes three;
  three.allocations = {alloc(3, "h3", "2026-11-01", std::nullopt, "2026-11-02", "04")};
  store::Decision owes;
  owes.obligations.push_back({D::Kind::retour, "OP090", "87654321", "0935", "301:0935:A3", d(2026, 11, 2),
                              d(2026, 11, 5)});
  commit("a3", three, owes);
  L::Changes rejected;
  rejected.rejected_allocations.push_back({standard::Law::iwmo, "0935", 3});
  store::Decision meets;
  meets.meets.push_back({D::Kind::retour, "301:0935:A3", d(2026, 11, 6)});
  commit("r3", rejected, meets);
  // Two requests answered by a 319 on 10 November: REF-1 refused, REF-2 honoured.
  L::Changes req;
  req.requests.push_back({standard::Law::iwmo, "87654321", "0935", "REF-1", 315, "h7", "", false, "", "02"});
  req.requests.push_back({standard::Law::iwmo, "87654321", "0935", "REF-2", 315, "h8", "", false, "", "02"});
  store::Decision asks;
  for (const char* ref : {"REF-1", "REF-2"})
    asks.obligations.push_back({D::Kind::verzoek_antwoord, "OP274", "0935", "87654321",
                                std::string("87654321:") + ref, d(2026, 11, 3), d(2026, 11, 10)});
  commit("req", req, asks);
  L::Changes answered;
  answered.requests.push_back({standard::Law::iwmo, "87654321", "0935", "REF-1", 315, "h7", "1", false, "", "02"});
  answered.requests.push_back({standard::Law::iwmo, "87654321", "0935", "REF-2", 315, "h8", "1", true, "", "02"});
  store::Decision given;
  for (const char* ref : {"REF-1", "REF-2"})
    given.meets.push_back({D::Kind::verzoek_antwoord, std::string("87654321:") + ref, d(2026, 11, 10)});
  commit("319", answered, given);

  auto q = watch::care_query(d(2026, 12, 4), config::WatchesConfig{});
  auto found = db->care_candidates(q);
  BOOST_REQUIRE(found.has_value());
  std::vector<std::string> got;
  for (const auto& x : *found)
    got.push_back(std::to_string(static_cast<int>(x.what)) + " " + x.key + " " + x.day);
  const std::vector<std::string> want{"0 1 2026-10-01",   // unstarted since its Ingangsdatum
                                      "1 3 2026-11-06",   // the 302's day
                                      "2 4 2026-12-20",   // ends within 6 weeks, nothing after
                                      "3 REF-1 2026-11-10"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
  BOOST_TEST(static_cast<int>(What::ending) == 2);
}

// The brief's test: a message left unacknowledged in a partner's mailbox
// raises unread_answer after N werkdagen, logged once across restarts;
// acknowledging it closes the case and the gauge goes back to 0.
BOOST_AUTO_TEST_CASE(an_unread_message_raises_a_case_after_n_werkdagen_and_its_ack_closes_it) {
  Captured log;
  const std::string id = add("m-unread", State::queued);
  config::Config cfg;
  cfg.watches.unread_werkdagen = 3;
  config::Partner p;
  p.id = "gemeente-m";
  cfg.partners.push_back(p);
  auto cal = std::make_shared<const core::WerkdagCalendar>();
  auto gauge = [] {
    return core::gauge("sluis_watch_open_cases", "", "watch=\"unread_answer\",partner=\"gemeente-m\"").value();
  };
  const auto received = *core::parse_utc_text((*db->get(id))->received_at);
  const core::Date day0 = core::dutch_date(received);

  watch::Watches w(*db);
  w.configure(cfg, cal);
  // N werkdagen after the day it arrived: not yet.
  auto s0 = w.scan(at(cal->add_werkdagen(day0, 3)));
  BOOST_TEST(s0.opened == 0u);
  BOOST_TEST(gauge() == 0);
  BOOST_TEST(log.count("WATCH_CASE_OPENED") == 0u);
  // N + 1: the case, logged with the message id, counted.
  auto s1 = w.scan(at(cal->add_werkdagen(day0, 4)));
  BOOST_TEST(s1.opened == 1u);
  BOOST_TEST(s1.logged == 1u);
  BOOST_TEST(gauge() == 1);
  BOOST_TEST(log.count("WATCH_CASE_OPENED") == 1u);
  BOOST_TEST(log.count("msg=" + id) == 1u);
  BOOST_TEST(log.count("watch=unread_answer") == 1u);
  // Scanned again, and by a new watch (a restart): logged once.
  w.scan(at(cal->add_werkdagen(day0, 5)));
  watch::Watches restarted(*db);
  restarted.configure(cfg, cal);
  auto s2 = restarted.scan(at(cal->add_werkdagen(day0, 6)));
  BOOST_TEST(s2.opened == 0u);
  BOOST_TEST(s2.logged == 0u);
  BOOST_TEST(log.count("WATCH_CASE_OPENED") == 1u);
  auto open = watch::open_cases(*db, {});
  BOOST_REQUIRE(open.has_value());
  BOOST_REQUIRE(open->size() == 1u);
  BOOST_TEST(open->front().stored.kind == "unread_answer");
  BOOST_TEST(open->front().stored.subject == id);
  BOOST_TEST(open->front().stored.partner == "gemeente-m");
  BOOST_REQUIRE(open->front().kind != nullptr);
  BOOST_TEST(open->front().kind->watch == "unread_answers");
  // The partner acknowledges: the next scan closes the case.
  BOOST_REQUIRE(db->ack("gemeente-m", id).value());
  auto s3 = restarted.scan(at(cal->add_werkdagen(day0, 7)));
  BOOST_TEST(s3.closed == 1u);
  BOOST_TEST(s3.open == 0u);
  BOOST_TEST(gauge() == 0);
  BOOST_TEST(watch::open_cases(*db, {})->empty());
  BOOST_TEST(log.count("WATCH_CASES_CLOSED") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
