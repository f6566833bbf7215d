// The PostgreSQL engine's operator queue, partner reads and retention
// (pg_queue.hpp, pg_portal.hpp, pg_retention.hpp) against the SQLite engine's,
// on a real PostgreSQL 15 server (tests/support/two_engines.hpp): the same
// rows seeded in both, every read asked over a grid of arguments that hits and
// misses must answer alike, field by field; then the same queue actions and
// prune batches applied to both must answer alike and leave the same rows.
// Label `postgresql`.
#define BOOST_TEST_MODULE store_pg_queue
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "gateway/store/pg.hpp"
#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/pg_portal.hpp"
#include "gateway/store/pg_queue.hpp"
#include "gateway/store/pg_retention.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_messages.hpp"
#include "gateway/store/sqlite_portal.hpp"
#include "gateway/store/sqlite_queue.hpp"
#include "gateway/store/sqlite_retention.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/two_engines.hpp"

using namespace sluis;
using store::HoldReason;
using store::QueueAction;
using store::State;
using store::Status;
using Text = std::optional<std::string>;

namespace {

// ---- rendering every field ----------------------------------------------------------

// What each engine sets to its own "now" is shown as "(now)": lifetime_from
// written by message-requeue (the seeded ones are from February), and an
// audit row's `at` written by a queue action (the seeded rows and prune's
// rows carry the time the caller gave).
std::string lifetime(const std::string& t) {
  return t.empty() || t.starts_with("2026-02-") ? t : "(now)";
}

std::string show(const store::StoredMessage& m) {
  std::ostringstream o;
  o << "M{" << m.id << ' ' << m.seq << ' ' << standard::to_string(m.law) << ' ' << m.type << ' '
    << m.berichtcode << ' ' << m.release << ' ' << m.sender_code << ' ' << m.receiver_code << ' '
    << m.sender_partner << ' ' << m.receiver_partner << ' ' << m.identificatie << ' ' << m.dagtekening << ' '
    << m.identificatie_retour << ' ' << m.heen_id << ' ' << m.sha256 << ' ' << m.size << ' ' << m.received_at
    << ' ' << store::to_string(m.state) << ' ' << m.attempts << ' ' << m.next_attempt_at << ' '
    << m.last_error << ' ' << m.acked_at << ' ' << m.findings_json << ' ' << m.response_json << ' '
    << m.http_status << ' ' << m.shadow << ' ' << m.destination << ' '
    << (m.delivery ? std::to_string(static_cast<int>(*m.delivery)) : std::string("-")) << ' '
    << store::to_string(m.hold_reason) << ' ' << lifetime(m.lifetime_from) << ' ' << m.pruned_at << ' '
    << m.declaratie_nummer << ' ' << m.retourcodes << '}';
  return o.str();
}
std::string show(const store::PartnerMessage& p) {
  return "P{" + show(p.message) + " retour " + (p.retour ? show(*p.retour) : std::string("none")) + '}';
}
std::string show(const store::DestinationCount& d) {
  return "D{'" + d.destination + "' " + std::string(store::to_string(d.state)) + ' ' +
         std::to_string(d.count) + '}';
}
std::string show(const store::QueueGauges::Oldest& o) {
  return "O{" + o.partner + ' ' + o.received_at + '}';
}
std::string show(const store::AuditEntry& a) {
  std::ostringstream o;
  o << "A{" << a.seq << ' ' << (a.actor == "seed" || a.action == "prune" ? a.at : "(now)") << ' ' << a.actor
    << ' ' << a.uid << ' ' << a.action << ' ' << a.message_id << ' ' << a.detail << '}';
  return o.str();
}
std::string show(const store::QueueActionResult::Item& i) {
  return "I{" + i.id + ' ' + std::string(store::to_string(i.from)) + "->" +
         std::string(store::to_string(i.to)) + ' ' + (i.changed ? "changed" : "unchanged") + " '" +
         i.refused + "'}";
}
std::string show(const store::OverdueAnswer& a) {
  std::ostringstream o;
  o << "W{" << a.id << ' ' << a.kind << ' ' << a.rule << ' ' << standard::to_string(a.law) << ' ' << a.type
    << ' ' << a.message_id << ' ' << a.owed_by << ' ' << a.owed_by_code << ' ' << a.owed_to << ' '
    << a.owed_to_code << ' ' << a.opened_on << ' ' << a.due_on << ' ' << a.logged << '}';
  return o.str();
}
template <class T>
std::string show(const std::vector<T>& v) {
  std::string s = "[";
  for (const auto& x : v) s += show(x) + ", ";
  return s + "]";
}
std::string show(const store::QueueGauges& g) {
  return "G{" + show(g.backlog) + ' ' + show(g.oldest_unacknowledged) + '}';
}
std::string show(const store::QueueActionResult& r) {
  return "R{" + show(r.items) + ' ' + (r.more ? "more" : "no-more") + ' ' + std::to_string(r.last_seq) + '}';
}
std::string show(const store::PartnerStatus& s) {
  std::ostringstream o;
  o << "S{" << show(s.rejected) << ' ' << s.rejected_total << ' ' << show(s.owed) << ' ' << s.owed_total
    << ' ' << s.overdue_total << ' ' << s.mailbox_waiting << " '" << s.mailbox_oldest_at << "'}";
  return o.str();
}
std::string show(const store::PruneResult& r) {
  return "PR{" + std::to_string(r.pruned) + ' ' + std::to_string(r.bytes) + ' ' +
         (r.more ? "more" : "no-more") + '}';
}
std::string show(bool b) {
  return b ? "true" : "false";
}
// An error by its code: the texts name the engine.
template <class T>
std::string show(const core::Result<T>& r) {
  if (!r) return "error " + std::to_string(static_cast<int>(r.error().code));
  if constexpr (std::is_void_v<T>)
    return "ok";
  else
    return show(*r);
}

// ---- the seeded rows ---------------------------------------------------------------

std::string lit(const Text& v) {
  if (!v) return "NULL";
  std::string s = "'";
  for (char c : *v) s += c == '\'' ? std::string("''") : std::string(1, c);
  return s + "'";
}

struct Msg {
  std::string id;
  std::string law = "iwmo";
  int type = 323;
  std::string sender = "aanbieder-a";
  Text receiver = "gemeente-m";
  std::string ident;
  Text ident_retour, heen;
  std::string received_at;
  std::string state = "queued";
  int shadow = 0;
  Text destination, delivery, hold_reason, next_attempt_at, last_error, acked_at, response, lifetime_from,
      pruned_at, declaratie, retourcodes;
  int attempts = 0;
  int http_status = 0;
  std::string findings = "[]";
  std::int64_t size = 100;

  std::string insert() const {
    std::ostringstream o;
    o << "INSERT INTO messages (id, law, type, berichtcode, release, sender_code, receiver_code, "
         "sender_partner, "
         "receiver_partner, identificatie, dagtekening, identificatie_retour, heen_id, body, sha256, size, "
         "received_at, state, attempts, next_attempt_at, last_error, acked_at, findings, http_status, "
         "response, "
         "shadow, destination, delivery, hold_reason, lifetime_from, pruned_at, declaratie_nummer, "
         "retourcodes) "
         "VALUES ("
      << lit(id) << ", " << lit(law) << ", " << type << ", " << (type + 111) << ", '3.2', "
      << lit("S-" + sender) << ", " << lit("R-" + receiver.value_or("none")) << ", " << lit(sender) << ", "
      << lit(receiver) << ", " << lit(ident) << ", '2026-02-27', " << lit(ident_retour) << ", " << lit(heen)
      << ", " << lit(pruned_at ? "" : "body of " + id) << ", " << lit("sha-" + id) << ", " << size << ", "
      << lit(received_at) << ", " << lit(state) << ", " << attempts << ", " << lit(next_attempt_at) << ", "
      << lit(last_error) << ", " << lit(acked_at) << ", " << lit(findings) << ", " << http_status << ", "
      << lit(response) << ", " << shadow << ", " << lit(destination) << ", " << lit(delivery) << ", "
      << lit(hold_reason) << ", " << lit(lifetime_from) << ", " << lit(pruned_at) << ", " << lit(declaratie)
      << ", " << lit(retourcodes) << ")";
    return o.str();
  }
};

std::string two(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}
std::string at(int day, int hour, int minute, int ms = 0) {
  std::string f = std::to_string(1000 + ms).substr(1);
  return "2026-03-" + two(day) + "T" + two(hour) + ":" + two(minute) + ":00." + f + "Z";
}

// Partners whose names sort one way byte by byte and another in a Dutch
// collation (upper and lower case, an accent).
const char* const kPartners[] = {"aanbieder-a", "Zeta-zorg",  "alpha-zorg",
                                 "émile-zorg",  "gemeente-m", "Gemeente-Z"};
const Text kReceivers[] = {"gemeente-m", "aanbieder-a", "Zeta-zorg", std::nullopt,
                           "alpha-zorg", "Gemeente-Z",  "émile-zorg"};
const Text kDestinations[] = {
    std::nullopt, "", "Zeta-push", "alpha-mailbox", "beta-push", "éclair-push", "gemeente-m-mailbox"};
const Text kDeliveries[] = {"mailbox", "push", "drop", std::nullopt, "mailbox"};
const char* const kStates[] = {"received", "queued", "delivering", "delivered", "acknowledged",
                               "deferred", "held",   "dead",       "rejected"};
const Text kHoldReasons[] = {"operator",   "orphan", "sender_shadow", "receiver_shadow", "receiver_not_live",
                             std::nullopt, ""};
const int kHeenTypes[] = {301, 305, 307, 315, 317, 323};

// The generated messages: every state, partner, destination and delivery in
// varied combinations, received over twelve days out of seq order, some at the
// same instant.
std::vector<Msg> generated() {
  std::vector<Msg> out;
  int held = 0;
  for (int i = 0; i < 63; ++i) {
    Msg m;
    m.id = "g" + two(i);
    m.law = i % 3 == 0 ? "ijw" : "iwmo";
    m.type = kHeenTypes[(i / 2) % 6];
    m.sender = kPartners[i % 6];
    m.receiver = kReceivers[i % 7];
    if (m.receiver == m.sender) m.receiver = kReceivers[(i + 1) % 7];
    m.ident = i % 8 == 0 ? "SHARED" : "ID-" + std::to_string(i);
    m.received_at = at(1 + (i * 7) % 12, (i * 5) % 24, (i * 13) % 60, i % 4 == 0 ? 0 : i * 3);
    if (i % 10 == 9) m.received_at = out[static_cast<std::size_t>(i - 3)].received_at;  // a tie
    m.state = kStates[(i * 4) % 9];
    m.shadow = i % 5 == 0 || i % 11 == 0 ? 1 : 0;
    m.destination = kDestinations[(i * 3) % 7];
    m.delivery = kDeliveries[i % 5];
    m.size = 100 + i * 37;
    if (m.type == 323) m.declaratie = "D-" + std::to_string(i % 3);
    if (i % 6 == 1) m.retourcodes = "0200";
    if (i % 9 == 4) m.lifetime_from = "2026-02-28T10:00:00.000Z";
    if (m.state == "held") m.hold_reason = kHoldReasons[held++ % 7];
    if (m.state == "deferred") {
      m.next_attempt_at = at(12, 0, i);
      m.attempts = 2;
      m.last_error = "HTTP 500";
    }
    if (m.state == "dead") {
      m.attempts = 5;
      m.last_error = "HTTP 503";
    }
    if (m.state == "acknowledged") {
      m.acked_at = at(12, 1, i);
      if (i % 4 == 0) m.pruned_at = at(12, 2, i);
    }
    if (m.state == "rejected") {
      m.findings = R"([{"code":"0001"}])";
      m.http_status = 422;
      m.response = R"({"status":"rejected"})";
    }
    out.push_back(std::move(m));
  }
  return out;
}

// Hand-made messages: heenberichten with their retours (accepted, rejected,
// composed by sluis), answers found only by an obligation, and the messages
// the queue actions are refused or allowed on.
std::vector<Msg> made() {
  std::vector<Msg> out;
  auto add = [&](Msg m) { out.push_back(std::move(m)); };
  Msg h301;  // gemeente -> aanbieder, answered by 302s
  h301.id = "h301";
  h301.type = 301;
  h301.sender = "gemeente-m";
  h301.receiver = "aanbieder-a";
  h301.ident = "TW-1";
  h301.received_at = at(2, 8, 0);
  h301.state = "acknowledged";
  h301.acked_at = at(2, 9, 0);
  h301.destination = "alpha-mailbox";
  h301.delivery = "mailbox";
  add(h301);
  for (auto [id, state, minute] : {std::tuple{"r302a", "acknowledged", 1},
                                   {"r302b", "rejected", 2},
                                   {"r302c", "queued", 3},
                                   {"r302d", "rejected", 4}}) {
    Msg r;
    r.id = id;
    r.type = 302;
    r.sender = "aanbieder-a";
    r.receiver = "gemeente-m";
    r.ident = std::string("RET-") + id;
    r.ident_retour = "TW-1";
    r.heen = "h301";
    r.received_at = at(3, 10, minute);
    r.state = state;
    r.destination = "gemeente-m-mailbox";
    r.delivery = "mailbox";
    add(r);
  }
  Msg h323;  // a declaration held by the operator: its 325 blocks a delete
  h323.id = "h323";
  h323.type = 323;
  h323.sender = "Zeta-zorg";
  h323.receiver = "gemeente-m";
  h323.ident = "DECL-7";
  h323.declaratie = "D-7";
  h323.received_at = at(4, 12, 0);
  h323.state = "held";
  h323.hold_reason = "operator";
  h323.destination = "gemeente-m-mailbox";
  h323.delivery = "mailbox";
  add(h323);
  Msg c325;  // composed by sluis
  c325.id = "c325";
  c325.type = 325;
  c325.sender = "sluis";
  c325.receiver = "Zeta-zorg";
  c325.ident = "DECL-7";
  c325.ident_retour = "DECL-7";
  c325.declaratie = "D-7";
  c325.heen = "h323";
  c325.received_at = at(4, 12, 0, 5);
  c325.state = "delivered";
  c325.destination = "Zeta-push";
  c325.delivery = "push";
  add(c325);
  Msg h315;  // answered by a 316 only through its obligation
  h315.id = "h315";
  h315.type = 315;
  h315.sender = "alpha-zorg";
  h315.receiver = "gemeente-m";
  h315.ident = "REQ-1";
  h315.received_at = at(5, 7, 30);
  h315.state = "delivered";
  h315.destination = "gemeente-m-mailbox";
  h315.delivery = "mailbox";
  add(h315);
  Msg a316 = h315;
  a316.id = "a316";
  a316.type = 316;
  a316.sender = "gemeente-m";
  a316.receiver = "alpha-zorg";
  a316.ident = "ANS-1";
  a316.received_at = at(6, 7, 30);
  a316.state = "queued";
  a316.destination = "alpha-mailbox";
  add(a316);
  // Two received at one instant, the first a rejected one: the status page's
  // period starts at the first of them (its seq), not the second.
  Msg tie1;
  tie1.id = "tie-1";
  tie1.sender = "Zeta-zorg";
  tie1.ident = "TIE-1";
  tie1.received_at = at(6, 20, 0);
  tie1.state = "rejected";
  tie1.findings = R"([{"code":"0002"}])";
  tie1.http_status = 422;
  add(tie1);
  Msg tie2 = tie1;
  tie2.id = "tie-2";
  tie2.sender = "gemeente-m";
  tie2.receiver = "Zeta-zorg";
  tie2.ident = "TIE-2";
  tie2.state = "queued";
  tie2.findings = "[]";
  tie2.http_status = 0;
  add(tie2);
  // For the actions: each kind of message an action is allowed or refused on.
  auto one = [&](const char* id, const char* state, Text hold, Text destination, int day) {
    Msg m;
    m.id = id;
    m.ident = std::string("Q-") + id;
    m.state = state;
    m.hold_reason = std::move(hold);
    m.destination = std::move(destination);
    m.delivery = "push";
    m.received_at = at(day, 6, 0);
    if (std::string(state) == "deferred") m.next_attempt_at = at(12, 3, 0);
    add(m);
  };
  one("qa-queued", "queued", std::nullopt, "beta-push", 7);
  one("qa-deferred", "deferred", std::nullopt, "beta-push", 7);
  one("qa-dead", "dead", std::nullopt, "beta-push", 8);
  one("qa-dead-facts", "dead", std::nullopt, "beta-push", 8);  // a ledger request refers to it
  one("qa-rejected", "rejected", std::nullopt, std::nullopt, 9);
  one("qa-orphan", "held", "orphan", "beta-push", 9);
  one("qa-notlive", "held", "receiver_not_live", "beta-push", 10);
  one("qa-delivering", "delivering", std::nullopt, "beta-push", 10);
  one("qa-held-none", "held", std::nullopt, "beta-push", 11);
  return out;
}

struct Fixture {
  test::TwoEngines e;
  std::vector<std::string> ids;  // every message id seeded, and one never stored

  Fixture() {
    // As the SQLite store's connections.
    BOOST_REQUIRE(sqlite3_exec(e.lite, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr) == SQLITE_OK);
    for (const auto& list : {generated(), made()})
      for (const auto& m : list) {
        e.both(m.insert());
        ids.push_back(m.id);
      }
    ids.push_back("never-stored");
    e.both(
        "INSERT INTO message_bsn (bsn_hash, message_id) VALUES ('hash-1', 'qa-dead'), ('hash-2', "
        "'qa-rejected'), "
        "('hash-3', 'g01')");
    e.both(
        "INSERT INTO ledger_orphan (law, gemeente, toewijzing_nummer, message_id) VALUES ('iwmo', '0363', "
        "1001, "
        "'qa-orphan')");
    e.both(
        "INSERT INTO ledger_request (law, aanbieder, referentie, gemeente, type, bsn_hash, antwoord, "
        "honoured, "
        "message_id) VALUES ('iwmo', 'alpha-zorg', 'REF-1', '0363', 315, 'hash-1', '', 0, 'qa-dead-facts')");
    // Obligations: open ones owed by a few partners (due dates tied, some
    // overdue, some logged), met ones (one met by a316, answering h315).
    struct Owed {
      const char* message;  // that made it owed
      const char* owed_by;
      const char* due_on;
      Text met_by, logged_at;
    };
    const Owed owed[] = {{"g00", "gemeente-m", "2026-03-10", {}, {}},
                         {"g01", "gemeente-m", "2026-03-05", {}, "2026-03-06T00:00:00.000Z"},
                         {"g02", "gemeente-m", "2026-03-05", {}, {}},
                         {"g03", "gemeente-m", "2026-02-28", {}, {}},
                         {"g04", "Zeta-zorg", "2026-03-20", {}, {}},
                         {"h301", "aanbieder-a", "2026-03-01", "r302a", {}},
                         {"h315", "gemeente-m", "2026-03-08", "a316", {}},
                         {"g07", "émile-zorg", "2026-03-09", {}, {}}};
    int n = 0;
    for (const auto& o : owed) {
      const Text met_on = o.met_by ? Text("2026-03-07") : std::nullopt;
      e.both(
          "INSERT INTO obligation (kind, rule, law, type, match_key, message_id, owed_by, owed_by_code, "
          "owed_to, "
          "owed_to_code, opened_on, due_on, met_by, met_on, logged_at) VALUES ('retour', 'OP090', 'iwmo', "
          "315, " +
          lit("key-" + std::to_string(n++)) + ", " + lit(o.message) + ", " + lit(o.owed_by) + ", " +
          lit(std::string("C-") + o.owed_by) + ", 'alpha-zorg', 'C-a', '2026-02-20', " + lit(o.due_on) +
          ", " + lit(o.met_by) + ", " + lit(met_on) + ", " + lit(o.logged_at) + ")");
    }
    // Audit rows before any action (their `at` compared too).
    e.both(
        "INSERT INTO audit (at, actor, uid, action, message_id, detail) VALUES "
        "('2026-03-01T00:00:00.000Z', 'seed', NULL, 'queued', 'g01', NULL), "
        "('2026-03-01T00:00:01.000Z', 'seed', 1000, 'state queued -> held', 'g01', 'message-hold'), "
        "('2026-03-01T00:00:02.000Z', 'seed', -1, 'held', 'qa-orphan', 'waiting for an allocation'), "
        "('2026-03-01T00:00:03.000Z', 'seed', 7, 'queued', 'g02', ''), "
        "('2026-03-01T00:00:04.000Z', 'seed', NULL, 'backup', NULL, 'to /var/backups')");
  }

  template <class A, class B>
  void same(const std::string& what, A&& lite, B&& pg) {
    const std::string a = show(lite());
    const std::string b = show(pg());
    BOOST_TEST(a == b, what << "\n  sqlite:     " << a << "\n  postgresql: " << b);
  }

  // ---- the reads -------------------------------------------------------------------

  void queue_reads() {
    same(
        "count_by_destination", [&] { return store::sqlite::count_by_destination(e.lite); },
        [&] { return store::pg::count_by_destination(*e.pg); });
    same(
        "queue_gauges", [&] { return store::sqlite::queue_gauges(e.lite); },
        [&] { return store::pg::queue_gauges(*e.pg); });
    std::vector<std::pair<std::string, store::QueueFilter>> filters;
    filters.emplace_back("none", store::QueueFilter{});
    for (const char* s : kStates) {
      store::QueueFilter f;
      f.state = store::parse_state(s);
      filters.emplace_back(std::string("state ") + s, f);
    }
    for (const char* p : {"aanbieder-a", "Zeta-zorg", "émile-zorg", "gemeente-m", "sluis", "nobody"}) {
      store::QueueFilter f;
      f.partner = p;
      filters.emplace_back(std::string("partner ") + p, f);
      f.state = State::queued;
      filters.emplace_back(std::string("partner queued ") + p, f);
    }
    for (auto law : {standard::Law::iwmo, standard::Law::ijw}) {
      store::QueueFilter f;
      f.law = law;
      filters.emplace_back(std::string("law ") + std::string(standard::to_string(law)), f);
      f.type = 323;
      filters.emplace_back(std::string("law 323 ") + std::string(standard::to_string(law)), f);
    }
    for (int t : {301, 302, 325, 999}) {
      store::QueueFilter f;
      f.type = t;
      filters.emplace_back("type " + std::to_string(t), f);
    }
    const std::pair<std::string, std::string> ranges[] = {
        {"2026-03-03", "2026-03-05"}, {"2026-03-05", "2026-03-05"},
        {"", "2026-03-02"},           {"2026-03-10", ""},
        {at(3, 5, 0), at(7, 12, 30)}, {"", at(4, 12, 0)},
        {at(4, 12, 0), ""},           {"", "2026-02-30"},  // SQLite's date() makes it 2026-03-02
        {"", "2026-02-31"},           {"", "2026-13-01"},
        {"", "9999-12-31"},           {"", "2026-3-1x"},
        {"2000-01-01", "2000-12-31"}, {"2999-01-01", ""}};
    for (const auto& [from, to] : ranges) {
      store::QueueFilter f;
      f.from = from;
      f.to = to;
      filters.emplace_back(std::string("range ") + from + " .. " + to, f);
    }
    for (const Text& d : kDestinations) {
      if (!d) continue;
      store::QueueFilter f;
      f.destination = *d;
      filters.emplace_back("destination " + *d, f);
      f.state = State::held;
      filters.emplace_back("destination held " + *d, f);
    }
    {
      store::QueueFilter f;
      f.destination = "nowhere";
      filters.emplace_back("destination nowhere", f);
      f = {};
      f.partner = "gemeente-m";
      f.law = standard::Law::iwmo;
      f.type = 323;
      f.from = "2026-03-02";
      f.to = "2026-03-11";
      f.destination = "gemeente-m-mailbox";
      f.state = State::queued;
      filters.emplace_back("everything", f);
    }
    for (const auto& [name, f] : filters) {
      for (int limit : {100, 0, -1}) {
        store::QueueQuery q;
        q.filter = f;
        q.limit = limit;
        same(
            "queue_list " + name + " limit " + std::to_string(limit),
            [&] {
              return store::sqlite::queue_list(e.lite, {store::kColumns, &store::sqlite::read_row}, q);
            },
            [&] { return store::pg::queue_list(*e.pg, q); });
      }
      // Pages of 4 by the seq cursor, to the end.
      store::QueueQuery q;
      q.filter = f;
      q.limit = 4;
      for (int page = 0; page < 40; ++page) {
        auto a = store::sqlite::queue_list(e.lite, {store::kColumns, &store::sqlite::read_row}, q);
        auto b = store::pg::queue_list(*e.pg, q);
        BOOST_TEST(show(a) == show(b), "queue_list page " << page << ' ' << name);
        if (!a || a->empty()) break;
        q.after = a->back().seq;
      }
    }
    for (const auto& id : ids)
      for (int limit : {1, 2, 100, -1})
        same(
            "history " + id + ' ' + std::to_string(limit),
            [&] { return store::sqlite::history(e.lite, id, limit); },
            [&] { return store::pg::history(*e.pg, id, limit); });
  }

  void portal_reads() {
    const char* partners[] = {"aanbieder-a", "Zeta-zorg",  "alpha-zorg", "émile-zorg",
                              "gemeente-m",  "Gemeente-Z", "sluis",      "nobody"};
    auto page = [&](const std::string& what, store::PartnerQuery q) {
      same(
          "partner_messages " + what, [&] { return store::sqlite::partner_messages(e.lite, q); },
          [&] { return store::pg::partner_messages(*e.pg, q); });
    };
    for (const char* p : partners) {
      store::PartnerQuery q;
      q.partner = p;
      page(std::string(p), q);
      for (auto st : {Status::accepted, Status::rejected, Status::held, Status::composed}) {
        q.status = st;
        page(std::string(p) + " status " + std::string(store::to_string(st)), q);
      }
      q.status.reset();
      for (const char* s : {"queued", "rejected", "held", "acknowledged", "received"}) {
        q.state = store::parse_state(s);
        page(std::string(p) + " state " + s, q);
      }
      q.state.reset();
      for (int t : {301, 302, 323, 325}) {
        q.type = t;
        page(std::string(p) + " type " + std::to_string(t), q);
      }
      q.type = 0;
      for (const auto& [since, until] :
           std::vector<std::pair<std::string, std::string>>{{at(3, 0, 0), ""},
                                                            {"", at(6, 0, 0)},
                                                            {at(2, 0, 0), at(9, 12, 0)},
                                                            {"2026-03-04", "2026-03-05"}}) {
        q.since = since;
        q.until = until;
        page(std::string(p) + " time " + since + " .. " + until, q);
      }
      q.since = q.until = "";
      for (const char* ident : {"SHARED", "ID-3", "TW-1", "DECL-7", "D-1", "D-7", "RET-r302b", "nope"}) {
        q.identificatie = ident;
        page(std::string(p) + " identificatie " + ident, q);
        q.status = Status::accepted;
        page(std::string(p) + " accepted identificatie " + ident, q);
        q.status.reset();
      }
      q.identificatie = "";
      // Keyset pages of 3, newest first, with and without a filter.
      for (bool filtered : {false, true}) {
        store::PartnerQuery k;
        k.partner = p;
        k.limit = 3;
        if (filtered) k.status = Status::accepted;
        for (int n = 0; n < 40; ++n) {
          auto a = store::sqlite::partner_messages(e.lite, k);
          auto b = store::pg::partner_messages(*e.pg, k);
          BOOST_TEST(show(a) == show(b), "partner_messages page " << n << ' ' << p << ' ' << filtered);
          if (!a || a->empty()) break;
          k.before = a->back().message.seq;
        }
      }
      for (int limit : {0, 1, -1}) {
        store::PartnerQuery l;
        l.partner = p;
        l.limit = limit;
        page(std::string(p) + " limit " + std::to_string(limit), l);
      }
    }
    for (const auto& id : ids)
      same(
          "answers " + id, [&] { return store::sqlite::answers(e.lite, id); },
          [&] { return store::pg::answers(*e.pg, id); });
    // The status page, with a view of the ledger inside its snapshot.
    for (const char* p : partners)
      for (const std::string& since :
           {std::string(""), at(1, 0, 0), at(4, 12, 0), at(6, 20, 0), at(9, 0, 0), at(13, 0, 0)})
        for (const char* today : {"2026-03-01", "2026-03-05", "2026-03-06", "2026-04-01", ""})
          for (int max : {200, 1, 0}) {
            store::PartnerStatusQuery q;
            q.partner = p;
            q.since = since;
            q.today = today;
            q.max_rejected = q.max_owed = max;
            std::string seen_lite, seen_pg;
            std::string* seen = nullptr;
            q.ledger = [&](const standard::ledger::LedgerView& v) {
              auto r = v.request(standard::Law::iwmo, "alpha-zorg", "REF-1");
              *seen = r ? r->message_id : "none";
            };
            const std::string what =
                std::string("partner_status ") + p + ' ' + since + ' ' + today + ' ' + std::to_string(max);
            same(
                what,
                [&] {
                  seen = &seen_lite;
                  auto out = store::sqlite::partner_status(e.lite, q);
                  store::sqlite::Ledger ledger(e.lite);
                  q.ledger(ledger);
                  return out;
                },
                [&] {
                  seen = &seen_pg;
                  return store::pg::partner_status(*e.pg, q);
                });
            BOOST_TEST(seen_lite == seen_pg, what);
          }
  }

  void retention_reads() {
    for (const std::string& cutoff :
         {std::string("2000-01-01T00:00:00.000Z"), at(1, 0, 0), at(3, 10, 2), at(5, 0, 0), at(8, 0, 0),
          std::string("9999-12-31T00:00:00.000Z"), std::string("")}) {
      same(
          "prunable_left " + cutoff, [&] { return store::sqlite::prunable_left(e.lite, cutoff); },
          [&] { return store::pg::prunable_left(*e.pg, cutoff); });
      for (std::int64_t limit : {1000, 1, 2, 3, 0, -5}) {
        store::PruneRequest r;
        r.cutoff = cutoff;
        r.limit = limit;
        r.dry_run = true;
        same(
            "prune_preview " + cutoff + ' ' + std::to_string(limit),
            [&] { return store::sqlite::prune_preview(e.lite, r); },
            [&] { return store::pg::prune_preview(*e.pg, r); });
      }
    }
  }

  void all_reads() {
    queue_reads();
    portal_reads();
    retention_reads();
  }

  // ---- the rows ------------------------------------------------------------------------

  std::vector<std::string> lite_rows(const std::string& sql, int cols) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(e.lite, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < cols; ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row += (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL") + "|";
      }
      out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
  }
  std::vector<std::string> pg_rows(const std::string& sql, int cols) {
    std::vector<std::string> out;
    auto rows = e.pg->exec(sql);
    BOOST_REQUIRE_MESSAGE(rows.has_value(), (rows.has_error() ? rows.error().text : std::string()));
    for (int r = 0; r < rows->size(); ++r) {
      std::string row;
      for (int i = 0; i < cols; ++i) row += (rows->null(r, i) ? "NULL" : rows->text(r, i)) + "|";
      out.push_back(row);
    }
    return out;
  }

  // The rows of messages, audit, message_bsn and ledger_orphan, every column in
  // SQLite's list but what is "now" on each engine: lifetime_from (set by
  // requeue) is compared as set or not, and an audit row's `at` only where the
  // caller gave it (the seeded rows, prune's `now`), not where the engine
  // wrote the time of the action. A body is compared by its length.
  void same_tables() {
    std::string cols;
    int n = 0;
    for (const auto& c : lite_rows("SELECT name FROM pragma_table_info('messages') ORDER BY cid", 1)) {
      const std::string name = c.substr(0, c.size() - 1);
      if (name == "body")
        cols += ", length(body)";
      else if (name == "lifetime_from")
        cols += ", CASE WHEN lifetime_from IS NULL THEN 'unset' ELSE 'set' END";
      else
        cols += ", " + name;
      ++n;
    }
    BOOST_TEST(n >= 34);
    const std::pair<std::string, int> tables[] = {
        {"SELECT " + cols.substr(2) + " FROM messages ORDER BY seq", n},
        {"SELECT seq, CASE WHEN actor = 'seed' OR action = 'prune' THEN at ELSE '(now)' END, actor, uid, "
         "action, "
         "message_id, detail FROM audit ORDER BY seq",
         7},
        {"SELECT bsn_hash, message_id FROM message_bsn ORDER BY message_id, bsn_hash", 2},
        {"SELECT law, gemeente, toewijzing_nummer, message_id FROM ledger_orphan ORDER BY message_id", 4}};
    for (const auto& [sql, count] : tables) {
      auto a = lite_rows(sql, count);
      auto b = pg_rows(sql, count);
      BOOST_TEST(a.size() == b.size(), sql);
      BOOST_TEST(a == b, boost::test_tools::per_element());
    }
  }

  // ---- the writes ------------------------------------------------------------------------

  void act(const std::string& what, const store::QueueActionRequest& r) {
    same(
        what, [&] { return store::sqlite::queue_action(e.lite, r); },
        [&] {
          core::Result<store::QueueActionResult> out = store::QueueActionResult{};
          auto done = store::pg::transaction(*e.pg, store::pg::Isolation::read_committed,
                                             [&](store::pg::Connection& c) -> core::Result<void> {
                                               out = store::pg::queue_action(c, r);
                                               if (!out) return out.error();
                                               return {};
                                             });
          if (!done) out = done.error();
          return out;
        });
  }

  std::int64_t prune(const store::PruneRequest& r, std::int64_t n, const std::string& now) {
    auto a = store::sqlite::prune_batch(e.lite, r, n, now);
    store::pg::PruneBatch b;
    auto done = store::pg::transaction(*e.pg, store::pg::Isolation::read_committed,
                                       [&](store::pg::Connection& c) -> core::Result<void> {
                                         auto got = store::pg::prune_batch(c, r, n, now);
                                         if (!got) return got.error();
                                         b = *got;
                                         return {};
                                       });
    BOOST_REQUIRE_MESSAGE(a.has_value(), (a.has_error() ? a.error().text : std::string()));
    BOOST_REQUIRE_MESSAGE(done.has_value(), (done.has_error() ? done.error().text : std::string()));
    BOOST_TEST(a->pruned == b.pruned, "prune_batch " << n << ' ' << r.cutoff);
    BOOST_TEST(a->bytes == b.bytes, "prune_batch " << n << ' ' << r.cutoff);
    return b.pruned;
  }
};

store::QueueActionRequest request(QueueAction a, const std::string& id, const std::string& reason = "") {
  store::QueueActionRequest r;
  r.action = a;
  r.id = id;
  r.actor = "admin";
  r.uid = 4242;
  r.reason = reason;
  return r;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(the_same_rows_read_alike, Fixture) {
  same_tables();
  all_reads();
}

BOOST_FIXTURE_TEST_CASE(the_same_actions_answer_alike_and_leave_the_same_rows, Fixture) {
  const QueueAction actions[] = {QueueAction::hold, QueueAction::release, QueueAction::retry,
                                 QueueAction::requeue, QueueAction::remove};
  // Dry runs of every action on every message: verdicts only, nothing changes.
  for (const auto& id : ids)
    for (auto a : actions) {
      auto r = request(a, id, "dry");
      r.dry_run = true;
      act("dry " + std::string(store::to_string(a)) + ' ' + id, r);
    }
  same_tables();

  // One message at a time: allowed, refused, unchanged, and a delete without a reason.
  const std::pair<QueueAction, const char*> steps[] = {{QueueAction::hold, "qa-queued"},
                                                       {QueueAction::hold, "qa-queued"},
                                                       {QueueAction::release, "qa-queued"},
                                                       {QueueAction::release, "qa-orphan"},
                                                       {QueueAction::release, "qa-notlive"},
                                                       {QueueAction::release, "qa-held-none"},
                                                       {QueueAction::retry, "qa-deferred"},
                                                       {QueueAction::retry, "qa-deferred"},
                                                       {QueueAction::retry, "qa-dead"},
                                                       {QueueAction::remove, "qa-dead-facts"},
                                                       {QueueAction::requeue, "qa-dead-facts"},
                                                       {QueueAction::hold, "qa-delivering"},
                                                       {QueueAction::remove, "qa-delivering"},
                                                       {QueueAction::remove, "qa-deferred"},
                                                       {QueueAction::remove, "h323"},
                                                       {QueueAction::remove, "qa-rejected"},
                                                       {QueueAction::remove, "qa-orphan"},
                                                       {QueueAction::remove, "qa-dead"},
                                                       {QueueAction::remove, "never-stored"},
                                                       {QueueAction::requeue, "never-stored"},
                                                       {QueueAction::requeue, "qa-dead-facts"},
                                                       {QueueAction::remove, "qa-dead-facts"},
                                                       {QueueAction::remove, "h301"}};
  int step = 0;
  for (const auto& [a, id] : steps) {
    act("step " + std::to_string(step++) + ' ' + std::string(store::to_string(a)) + ' ' + id,
        request(a, id, a == QueueAction::remove ? "wrong 'queue'\x01 123456782" : "operator's call"));
    same_tables();
  }
  // The steps did what they say: the deletes allowed went through, the refused left their messages.
  auto stored = [&](const std::string& id) {
    auto r = e.pg->exec("SELECT count(*) FROM messages WHERE id = $1", store::pg::Params().text(id));
    BOOST_REQUIRE(r.has_value());
    return r->i64(0, 0) == 1;
  };
  for (const char* gone : {"qa-rejected", "qa-orphan", "qa-dead"}) BOOST_TEST(!stored(gone), gone);
  for (const char* kept : {"h323", "qa-dead-facts", "qa-delivering", "qa-deferred", "h301"})
    BOOST_TEST(stored(kept), kept);
  act("delete without a reason", request(QueueAction::remove, "qa-held-none"));
  {
    auto r = request(QueueAction::release, "qa-held-none");
    r.reason = "";  // no reason: none in the detail
    act("release without a reason", r);
  }
  same_tables();

  // In bulk: a filter, pages by the cursor (the SQLite side's), each as a dry run first.
  struct Bulk {
    std::string what;
    QueueAction action;
    store::QueueFilter filter;
    int limit;
  };
  std::vector<Bulk> bulks;
  {
    store::QueueFilter f;
    f.destination = "beta-push";
    bulks.push_back({"hold beta-push", QueueAction::hold, f, 2});
    bulks.push_back({"release beta-push", QueueAction::release, f, 3});
    f = {};
    f.partner = "Zeta-zorg";
    bulks.push_back({"hold Zeta-zorg", QueueAction::hold, f, 1});
    f = {};
    f.state = State::deferred;
    bulks.push_back({"retry deferred", QueueAction::retry, f, 2});
    f = {};
    f.law = standard::Law::ijw;
    bulks.push_back({"requeue ijw", QueueAction::requeue, f, 2});
    f = {};
    f.to = "2026-03-06";
    bulks.push_back({"remove to 03-06", QueueAction::remove, f, 2});
    f = {};
    bulks.push_back({"hold all", QueueAction::hold, f, 5});
    bulks.push_back({"release all", QueueAction::release, f, 1000});
    f.state = State::queued;  // a filter's state outside the action's sources: nothing selected
    bulks.push_back({"requeue queued", QueueAction::requeue, f, 10});
  }
  for (const auto& b : bulks) {
    for (bool dry : {true, false}) {
      auto r = request(b.action, "", "bulk " + b.what);
      r.filter = b.filter;
      r.limit = b.limit;
      r.dry_run = dry;
      for (int page = 0; page < 40; ++page) {
        auto a = store::sqlite::queue_action(e.lite, r);
        core::Result<store::QueueActionResult> p = store::QueueActionResult{};
        auto done = store::pg::transaction(*e.pg, store::pg::Isolation::read_committed,
                                           [&](store::pg::Connection& c) -> core::Result<void> {
                                             p = store::pg::queue_action(c, r);
                                             if (!p) return p.error();
                                             return {};
                                           });
        if (!done) p = done.error();
        BOOST_TEST(show(a) == show(p), b.what << (dry ? " dry" : "") << " page " << page << "\n  sqlite:     "
                                              << show(a) << "\n  postgresql: " << show(p));
        same_tables();
        if (!a || !a->more) break;
        r.after = a->last_seq;
      }
    }
  }
  all_reads();

  // Retention: the same batches, the same `now`, then nothing left to prune.
  store::PruneRequest pr;
  pr.cutoff = at(6, 0, 0);
  pr.actor = "sluis";
  pr.reason = "retention 62d";
  BOOST_TEST(prune(pr, 2, "2026-04-01T00:00:00.000Z") == 2);
  same_tables();
  retention_reads();
  pr.cutoff = at(11, 0, 0);
  pr.reason = "";  // audited with a NULL detail
  prune(pr, 1, "2026-04-01T00:00:01.000Z");
  BOOST_TEST(prune(pr, 100, "2026-04-01T00:00:02.000Z") > 0);
  BOOST_TEST(prune(pr, 100, "2026-04-01T00:00:03.000Z") == 0);  // none left
  same_tables();
  all_reads();
  pr.cutoff = "9999-12-31T00:00:00.000Z";
  BOOST_TEST(prune(pr, -1, "2026-04-02T00:00:00.000Z") > 0);  // no limit, as SQLite's LIMIT -1
  same_tables();
  retention_reads();
}
