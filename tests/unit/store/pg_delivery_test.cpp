// Shared delivery and leadership on PostgreSQL (gateway/store/pg_delivery.hpp),
// on a real server (tests/support/postgres.hpp): a claim takes what the SQLite
// engine's claim takes, in its order; two nodes claiming at once never take
// the same message; only the lease's holder settles, an expired lease returns
// the message to the queue for another node; one node leads, and another
// takes over when its session ends; the same through two nodes' Stores
// (open_postgresql), and a node riding out a server crash. Label `postgresql`.
#define BOOST_TEST_MODULE store_pg_delivery
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/store/pg.hpp"
#include "gateway/store/pg_delivery.hpp"
#include "gateway/store/pg_schema.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/store_samples.hpp"
#include "tests/support/two_engines.hpp"

using namespace sluis;
using store::pg::Connection;
using store::pg::Params;
using store::State;

namespace {

Connection connect(const std::string& info) {
  auto c = Connection::open(info);
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c.has_error() ? c.error().text : std::string()));
  return std::move(*c);
}

// A message row for `destination` in `state`; SQL both engines take.
std::string message_sql(const std::string& id, const std::string& destination, const std::string& state,
                        const std::string& received_at, const std::string& next_attempt_at = "") {
  return "INSERT INTO messages (id, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, "
         "receiver_partner, identificatie, dagtekening, body, sha256, size, received_at, state, next_attempt_at, "
         "destination, delivery) VALUES ('" +
         id + "', 'iwmo', 301, 414, '3.2', '0363', '12345678', 'gemeente-a', 'zorg-b', '" + id +
         "', '2026-12-01', 'body of " + id + "', 's', 10, '" + received_at + "', '" + state + "', " +
         (next_attempt_at.empty() ? "NULL" : "'" + next_attempt_at + "'") + ", '" + destination + "', 'push')";
}

std::string show(const store::Claimed& c) {
  const auto& m = c.message;
  return m.id + " " + std::string(store::to_string(m.state)) + " attempts=" + std::to_string(m.attempts) +
         " next=" + m.next_attempt_at + " received=" + m.received_at + " body=" + c.body;
}

std::string state_of(Connection& c, const std::string& id) {
  auto r = c.exec("SELECT state || ' ' || COALESCE(claimed_by, '-') FROM messages WHERE id = $1", Params().text(id));
  BOOST_REQUIRE(r);
  return r->empty() ? "none" : r->text(0, 0);
}

constexpr const char* kNow = "2026-12-06T10:00:00.000Z";
constexpr const char* kLease = "2026-12-06T10:05:00.000Z";

}  // namespace

// What is due, and in which order: the SQLite engine's claim is the reference.
BOOST_AUTO_TEST_CASE(a_claim_takes_what_sqlite_takes_in_its_order) {
  test::TwoEngines two;
  two.both(message_sql("m-queued-late", "push-a", "queued", "2026-12-06T09:30:00.000Z"));
  two.both(message_sql("m-queued-early", "push-a", "queued", "2026-12-06T08:00:00.000Z"));
  two.both(message_sql("m-deferred-due", "push-a", "deferred", "2026-12-05T08:00:00.000Z", "2026-12-06T09:00:00.000Z"));
  two.both(message_sql("m-deferred-later", "push-a", "deferred", "2026-12-05T08:00:00.000Z", "2026-12-06T11:00:00.000Z"));
  two.both(message_sql("m-delivered", "push-a", "delivered", "2026-12-06T07:00:00.000Z"));
  two.both(message_sql("m-other", "push-b", "queued", "2026-12-06T07:00:00.000Z"));
  for (int i = 0; i < 3; ++i)  // the same due time: seq decides
    two.both(message_sql("m-same-" + std::to_string(i), "push-a", "queued", "2026-12-06T09:45:00.000Z"));
  store::SqliteOptions o;
  o.path = (two.dir / "sluis.db").string();
  auto lite = store::open_sqlite(o);
  BOOST_REQUIRE_MESSAGE(lite.has_value(), (lite.has_error() ? lite.error().text : std::string()));
  for (int limit : {2, 10}) {
    auto a = (*lite)->claim("push-a", kNow, limit);
    auto b = store::pg::claim(*two.pg, "push-a", kNow, limit, "node-1", kLease);
    BOOST_REQUIRE(a.has_value());
    BOOST_REQUIRE_MESSAGE(b.has_value(), (b.has_error() ? b.error().text : std::string()));
    std::vector<std::string> sa, sb;
    for (const auto& c : *a) sa.push_back(show(c));
    for (const auto& c : *b) sb.push_back(show(c));
    BOOST_TEST(sa == sb, boost::test_tools::per_element());
  }
  BOOST_TEST(state_of(*two.pg, "m-queued-early") == "delivering node-1");
  BOOST_TEST(state_of(*two.pg, "m-deferred-later") == "deferred -");
  BOOST_TEST(state_of(*two.pg, "m-other") == "queued -");
  auto none = store::pg::claim(*two.pg, "push-a", kNow, 10, "node-1", kLease);
  BOOST_REQUIRE(none);
  BOOST_TEST(none->empty());
}

// Two nodes drain one destination at once: every message claimed once.
BOOST_AUTO_TEST_CASE(two_nodes_claiming_at_once_never_take_the_same_message) {
  const std::string info = test::postgres().create_database();
  {
    Connection c = connect(info);
    BOOST_REQUIRE(store::pg::migrate(c));
    std::string sql;
    for (int i = 0; i < 300; ++i) sql += message_sql("m" + std::to_string(i), "push-a", "queued", kNow) + ";";
    BOOST_REQUIRE(c.run(sql));
  }
  std::atomic<int> ready{0};
  auto node = [&](const std::string& name) {
    Connection c = connect(info);
    std::vector<std::string> taken;
    ++ready;
    while (ready.load() < 2) std::this_thread::yield();
    for (;;) {
      auto batch = store::pg::claim(c, "push-a", kNow, 7, name, kLease);
      BOOST_REQUIRE_MESSAGE(batch.has_value(), (batch.has_error() ? batch.error().text : std::string()));
      if (batch->empty()) break;
      for (const auto& m : *batch) taken.push_back(m.message.id);
    }
    return taken;
  };
  auto f1 = std::async(std::launch::async, node, "node-1");
  auto f2 = std::async(std::launch::async, node, "node-2");
  const auto t1 = f1.get();
  const auto t2 = f2.get();
  std::set<std::string> all(t1.begin(), t1.end());
  for (const auto& id : t2) BOOST_TEST(all.insert(id).second, id << " claimed twice");
  BOOST_TEST(all.size() == 300u);
  BOOST_TEST(t1.size() + t2.size() == 300u);
  BOOST_TEST_MESSAGE("node-1 took " << t1.size() << ", node-2 " << t2.size());
}

// A node that stalls past its lease loses the message to another node, and
// cannot settle it afterwards.
BOOST_AUTO_TEST_CASE(only_the_leaseholder_settles_and_an_expired_lease_returns_the_message) {
  const std::string info = test::postgres().create_database();
  Connection n1 = connect(info);
  Connection n2 = connect(info);
  BOOST_REQUIRE(store::pg::migrate(n1));
  BOOST_REQUIRE(n1.run(message_sql("m1", "push-a", "queued", kNow) + ";" + message_sql("m2", "push-a", "queued", kNow)));
  auto c = store::pg::claim(n1, "push-a", kNow, 10, "node-1", kLease);
  BOOST_REQUIRE(c);
  BOOST_REQUIRE(c->size() == 2u);
  // Another node cannot settle node-1's attempt.
  auto foreign = store::pg::settle(n2, "node-2", "m1", State::delivered, "", "");
  BOOST_REQUIRE(foreign.has_error());
  BOOST_TEST(foreign.error().code == core::Errc::store_busy);
  BOOST_TEST(state_of(n1, "m1") == "delivering node-1");
  // The holder settles one: delivered, the lease cleared, audited.
  BOOST_REQUIRE(store::pg::settle(n1, "node-1", "m1", State::delivered, "", ""));
  BOOST_TEST(state_of(n1, "m1") == "delivered -");
  // A drop directory's file picked up (delivered -> acknowledged) ends no
  // attempt: any node records it.
  BOOST_REQUIRE(store::pg::settle(n2, "node-2", "m1", State::acknowledged, "", ""));
  BOOST_TEST(state_of(n1, "m1") == "acknowledged -");
  auto picked = n1.exec("SELECT action FROM audit WHERE message_id = 'm1' ORDER BY seq DESC LIMIT 1");
  BOOST_REQUIRE(picked);
  BOOST_TEST(picked->text(0, 0) == "state delivered -> acknowledged");
  auto missing = store::pg::settle(n1, "node-1", "nope", State::delivered, "", "");
  BOOST_REQUIRE(missing.has_error());
  BOOST_TEST(missing.error().code == core::Errc::store_not_found);
  // Before the lease ends nothing is released; after it, m2 goes back.
  auto early = store::pg::release_expired(n2, "2026-12-06T10:04:59.999Z");
  BOOST_REQUIRE(early);
  BOOST_TEST(*early == 0);
  auto late = store::pg::release_expired(n2, "2026-12-06T10:05:00.001Z");
  BOOST_REQUIRE(late);
  BOOST_TEST(*late == 1);
  BOOST_TEST(state_of(n1, "m2") == "queued -");
  auto audit = n1.exec("SELECT action, detail FROM audit WHERE message_id = 'm2' ORDER BY seq");
  BOOST_REQUIRE(audit);
  BOOST_REQUIRE(audit->size() == 1);
  BOOST_TEST(audit->text(0, 0) == "state delivering -> queued");
  BOOST_TEST(audit->text(0, 1).find("node-1") != std::string::npos, audit->text(0, 1));
  // node-1 comes back from its stall: its claim is lost.
  auto lost = store::pg::settle(n1, "node-1", "m2", State::delivered, "", "");
  BOOST_REQUIRE(lost.has_error());
  BOOST_TEST(lost.error().code == core::Errc::store_busy);
  BOOST_TEST(lost.error().text.find("claim was lost") != std::string::npos, lost.error().text);
  // node-2 takes it over and defers it.
  auto again = store::pg::claim(n2, "push-a", "2026-12-06T10:06:00.000Z", 10, "node-2", "2026-12-06T10:11:00.000Z");
  BOOST_REQUIRE(again);
  BOOST_REQUIRE(again->size() == 1u);
  BOOST_TEST(again->front().message.attempts == 2);
  BOOST_REQUIRE(store::pg::settle(n2, "node-2", "m2", State::deferred, "2026-12-06T10:30:00.000Z", "HTTP 503"));
  auto row = n2.exec("SELECT state, next_attempt_at, last_error FROM messages WHERE id = 'm2'");
  BOOST_REQUIRE(row);
  BOOST_TEST(row->text(0, 0) == "deferred");
  BOOST_TEST(row->text(0, 1) == "2026-12-06T10:30:00.000Z");
  BOOST_TEST(row->text(0, 2) == "HTTP 503");
}

BOOST_AUTO_TEST_CASE(one_node_leads_and_another_takes_over_when_its_session_ends) {
  const std::string info = test::postgres().create_database();
  Connection a = connect(info);
  Connection b = connect(info);
  Connection admin = connect(info);
  store::pg::Leadership la(a, "periodic jobs");
  store::pg::Leadership lb(b, "periodic jobs");
  store::pg::Leadership other_kind(b, "something else");
  BOOST_TEST(la.try_lead());
  BOOST_TEST(la.try_lead());  // kept
  BOOST_TEST(!lb.try_lead());
  BOOST_TEST(other_kind.try_lead());  // another lock
  // The leader's session ends (its node died): the other node takes over.
  BOOST_REQUIRE(admin.exec("SELECT pg_terminate_backend($1)", Params().i64(a.backend_pid())));
  (void)a.exec("SELECT 1");  // the node notices on its next statement
  BOOST_TEST(!la.leading());
  BOOST_TEST(lb.try_lead());
  // The old leader reconnects: a new session, without the lock.
  BOOST_REQUIRE(a.reconnect());
  BOOST_TEST(!la.try_lead());
  // A clean stop gives the lead up at once.
  lb.resign();
  BOOST_TEST(!lb.leading());
  BOOST_TEST(la.try_lead());
}

// ---- the same through the Store of two nodes (open_postgresql) ----------------------

namespace {

std::unique_ptr<store::Store> open_node(const std::string& info, const std::string& node) {
  store::PostgresOptions o;
  o.conninfo = info;
  o.node = node;
  o.readers = 1;
  auto s = store::open_postgresql(o);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
  return std::move(*s);
}

store::NewMessage pushed(const std::string& ident) {
  store::NewMessage m = test::sample_message(ident);
  m.id = store::new_message_id();
  m.destination = "push-a";
  m.delivery = config::DestinationKind::push;
  return m;
}

bool leads(store::Store& s) {
  return static_cast<store::Retention&>(static_cast<store::DeliveryQueue&>(s)).leads();
}

}  // namespace

// Two daemons' stores on one database: a message accepted on one is claimed
// on the other, which alone may settle it; one of them leads the periodic
// jobs and the other takes over when it stops; a node that restarts takes
// back its own claims and no other node's.
BOOST_AUTO_TEST_CASE(two_stores_share_claims_and_leadership) {
  const std::string info = test::postgres().create_database();
  auto a = open_node(info, "node-a");
  auto b = open_node(info, "node-b");
  auto committed = a->commit_sync(pushed("S-1"));
  BOOST_REQUIRE_MESSAGE(committed.has_value(), (committed ? "" : committed.error().text));
  BOOST_REQUIRE(a->commit_sync(pushed("S-2")).has_value());

  auto on_b = b->claim("push-a", "2999-01-01T00:00:00.000Z", 1);
  BOOST_REQUIRE_MESSAGE(on_b.has_value(), (on_b ? "" : on_b.error().text));
  BOOST_REQUIRE(on_b->size() == 1u);
  const std::string first = on_b->front().message.id;
  BOOST_TEST(on_b->front().body == "<Bericht>x</Bericht>");
  auto on_a = a->claim("push-a", "2999-01-01T00:00:00.000Z", 10);
  BOOST_REQUIRE(on_a.has_value());
  BOOST_REQUIRE(on_a->size() == 1u);  // the other one: never the same message twice
  const std::string second = on_a->front().message.id;
  BOOST_TEST(second != first);

  // Only the claim's holder settles.
  auto foreign = a->settle(first, State::delivered, "", "");
  BOOST_REQUIRE(foreign.has_error());
  BOOST_TEST(foreign.error().code == core::Errc::store_busy);
  BOOST_REQUIRE(b->settle(first, State::delivered, "", ""));
  BOOST_TEST(store::to_string((*a->get(first))->state) == "delivered");

  // One leads; when it stops, the other takes over.
  const bool a_leads = leads(*a), b_leads = leads(*b);
  BOOST_TEST(a_leads != b_leads);
  auto& leader = a_leads ? a : b;
  auto& follower = a_leads ? b : a;
  leader.reset();
  BOOST_TEST(leads(*follower));

  // node-a restarts: its own claim (the second message) goes back to queued.
  a.reset();
  if (!b) b = open_node(info, "node-b");
  BOOST_TEST(store::to_string((*b->get(second))->state) == "delivering");
  auto again = open_node(info, "node-a");
  BOOST_TEST(store::to_string((*again->get(second))->state) == "queued");
  BOOST_TEST(store::to_string((*again->get(first))->state) == "delivered");
}

// The server crashes and comes back under a running node: meanwhile what needs
// the store fails with store.unavailable (sluisd answers 503 and the sender
// resends) and the node does not lead; what was committed before is there
// after; the node's writer, readers and leadership connect again by
// themselves, with no restart of the node.
BOOST_AUTO_TEST_CASE(a_node_rides_out_a_server_crash) {
  const std::string info = test::postgres().create_database();
  auto a = open_node(info, "node-a");
  BOOST_TEST(leads(*a));
  auto before = a->commit_sync(pushed("F-1"));
  BOOST_REQUIRE_MESSAGE(before.has_value(), (before ? "" : before.error().text));
  test::postgres().stop(true);  // immediate: as a crash
  auto down = a->commit_sync(pushed("F-2"));
  BOOST_REQUIRE(down.has_error());
  BOOST_TEST(down.error().code == core::Errc::store_unavailable, down.error().text);
  auto unread = a->get(before->id);
  BOOST_REQUIRE(unread.has_error());
  BOOST_TEST(unread.error().code == core::Errc::store_unavailable, unread.error().text);
  BOOST_TEST(!leads(*a));
  test::postgres().start();
  auto after = a->commit_sync(pushed("F-3"));
  BOOST_REQUIRE_MESSAGE(after.has_value(), (after ? "" : after.error().text));
  auto kept = a->get(before->id);
  BOOST_REQUIRE_MESSAGE(kept.has_value(), (kept ? "" : kept.error().text));
  BOOST_REQUIRE(kept->has_value());
  BOOST_TEST(store::to_string((*kept)->state) == "queued");
  BOOST_TEST(a->get(after->id)->has_value());
  BOOST_TEST(leads(*a));
}
