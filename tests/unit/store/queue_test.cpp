// The operator's queue in the store: queue_list filters and paging, counts
// per destination, history by message id, and queue_action's legal and
// refused transitions, bulk form and dry run, each change audited.
#define BOOST_TEST_MODULE store_queue
#include <boost/test/unit_test.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/sqlite_queue.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
using store::QueueAction;
using store::State;
namespace fs = std::filesystem;

namespace {

struct Fixture : test::TempStore {
  Fixture() : TempStore("queue") {}
  // A message taken through a failed attempt: deferred or dead.
  std::string failed(const std::string& ident, State end,
                     const std::string& destination = "push-x") {
    auto id = add(ident, State::queued, destination);
    auto c = db->claim(destination, "9999-12-31T00:00:00.000Z", 100);
    BOOST_REQUIRE(c.has_value());
    BOOST_REQUIRE(
        db->settle(id, end, end == State::deferred ? "2999-01-01T00:00:00.000Z" : "", "HTTP 500")
            .has_value());
    return id;
  }
  State state_of(const std::string& id) {
    auto m = db->get(id);
    BOOST_REQUIRE(m.has_value() && m->has_value());
    return (*m)->state;
  }
  store::QueueActionResult act(QueueAction a, const std::string& id,
                               const std::string& reason = "") {
    store::QueueActionRequest q;
    q.action = a;
    q.id = id;
    q.actor = "admin";
    q.uid = 4242;
    q.reason = reason;
    auto r = db->queue_action(q);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
    return *r;
  }
  std::vector<std::string> actions_of(const std::string& id) {
    auto h = db->history(id, 100);
    BOOST_REQUIRE(h.has_value());
    std::vector<std::string> out;
    for (const auto& e : *h) out.push_back(e.action);
    return out;
  }
};

std::string today() {
  return core::utc_text(std::chrono::system_clock::now()).substr(0, 10);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(queue, Fixture)

BOOST_AUTO_TEST_CASE(list_filters_by_each_key) {
  auto a = add("L-1", State::queued, "dest-a");
  auto m2 = test::sample_message("L-2");
  m2.law = standard::Law::iwmo;
  m2.type = 301;
  m2.sender_partner = "gemeente-x";
  m2.receiver_partner = "aanbieder-b";
  m2.destination = "dest-b";
  auto b = db->commit_sync(std::move(m2))->id;
  auto c = add("L-3", State::held, "dest-a", store::HoldReason::by_operator);

  auto ids = [&](store::QueueFilter f) {
    store::QueueQuery q;
    q.filter = f;
    auto r = db->queue_list(q);
    BOOST_REQUIRE(r.has_value());
    std::vector<std::string> out;
    for (const auto& m : *r) out.push_back(m.id);
    return out;
  };
  using V = std::vector<std::string>;
  BOOST_TEST(ids({}) == (V{a, b, c}), boost::test_tools::per_element());
  store::QueueFilter f;
  f.state = State::held;
  BOOST_TEST(ids(f) == (V{c}), boost::test_tools::per_element());
  f = {};
  f.partner = "aanbieder-b";  // as receiver
  BOOST_TEST(ids(f) == (V{b}), boost::test_tools::per_element());
  f.partner = "aanbieder-a";  // as sender
  BOOST_TEST(ids(f) == (V{a, c}), boost::test_tools::per_element());
  f = {};
  f.law = standard::Law::iwmo;
  BOOST_TEST(ids(f) == (V{b}), boost::test_tools::per_element());
  f = {};
  f.type = 323;
  BOOST_TEST(ids(f) == (V{a, c}), boost::test_tools::per_element());
  f = {};
  f.destination = "dest-a";
  f.state = State::queued;
  BOOST_TEST(ids(f) == (V{a}), boost::test_tools::per_element());
  f = {};
  f.from = today();
  f.to = today();
  BOOST_TEST(ids(f).size() == 3u);
  f.from = "2000-01-01";
  f.to = "2000-12-31";
  BOOST_TEST(ids(f).empty());
  f.to = "";
  f.from = "2999-01-01";
  BOOST_TEST(ids(f).empty());
}

BOOST_AUTO_TEST_CASE(list_pages_by_seq_cursor) {
  std::vector<std::string> all;
  for (int i = 0; i < 5; ++i) all.push_back(add("P-" + std::to_string(i), State::queued));
  store::QueueQuery q;
  q.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 4; ++page) {
    auto r = db->queue_list(q);
    BOOST_REQUIRE(r.has_value());
    if (r->empty()) break;
    BOOST_TEST(r->size() <= 2u);
    for (const auto& m : *r) seen.push_back(m.id);
    q.after = r->back().seq;
  }
  BOOST_TEST(seen == all, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(counts_per_destination_and_state) {
  add("C-1", State::queued, "dest-a");
  add("C-2", State::queued, "dest-a");
  add("C-3", State::held, "dest-b", store::HoldReason::receiver_not_live);
  add("C-4", State::rejected, "");
  auto r = db->count_by_destination();
  BOOST_REQUIRE(r.has_value());
  std::map<std::pair<std::string, State>, std::int64_t> got;
  for (const auto& d : *r) got[{d.destination, d.state}] = d.count;
  BOOST_TEST(got.size() == 3u);
  BOOST_TEST((got[{"dest-a", State::queued}]) == 2);
  BOOST_TEST((got[{"dest-b", State::held}]) == 1);
  BOOST_TEST((got[{"", State::rejected}]) == 1);
}

BOOST_AUTO_TEST_CASE(queue_gauges_count_the_backlog_and_the_oldest_unacknowledged) {
  // Nothing stored: nothing counted, no partner waiting.
  auto none = db->queue_gauges();
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST(none->backlog.empty());
  BOOST_TEST(none->oldest_unacknowledged.empty());
  const auto before = core::utc_text(std::chrono::system_clock::now() - std::chrono::seconds(1));
  auto first = add("G-1", State::queued, "mailbox:gemeente-m");
  add("G-2", State::queued, "mailbox:gemeente-m");
  add("G-3", State::dead, "push-x");
  add("G-4", State::rejected, "");
  auto acked = add("G-5", State::queued, "mailbox:gemeente-m");
  auto a = db->ack("gemeente-m", acked);
  BOOST_REQUIRE(a.has_value() && *a);
  auto g = db->queue_gauges();
  BOOST_REQUIRE(g.has_value());
  std::map<std::pair<std::string, State>, std::int64_t> got;
  for (const auto& d : g->backlog) got[{d.destination, d.state}] = d.count;
  // The end states (acknowledged, rejected) are not the queue.
  BOOST_TEST(got.size() == 2u);
  BOOST_TEST((got[{"mailbox:gemeente-m", State::queued}]) == 2);
  BOOST_TEST((got[{"push-x", State::dead}]) == 1);
  // The oldest message gemeente-m has not acknowledged: G-1's receipt.
  BOOST_REQUIRE(g->oldest_unacknowledged.size() == 1u);
  BOOST_TEST(g->oldest_unacknowledged[0].partner == "gemeente-m");
  BOOST_TEST(g->oldest_unacknowledged[0].received_at == (*db->get(first))->received_at);
  BOOST_TEST(g->oldest_unacknowledged[0].received_at >= before);
  // Acknowledged, the first no longer counts.
  auto b = db->ack("gemeente-m", first);
  BOOST_REQUIRE(b.has_value() && *b);
  auto after = db->queue_gauges();
  BOOST_REQUIRE(after.has_value());
  BOOST_REQUIRE(after->oldest_unacknowledged.size() == 1u);
  BOOST_TEST(after->oldest_unacknowledged[0].received_at >= g->oldest_unacknowledged[0].received_at);
  std::int64_t queued = 0;
  for (const auto& d : after->backlog)
    if (d.state == State::queued) queued += d.count;
  BOOST_TEST(queued == 1);
}

// The refresh every 15 s reads index entries, not messages (docs/performance.md,
// "The queue gauges' refresh"): every statement queue_gauges runs is planned on
// messages_due (covering) or messages_unacked_mailbox, none scans messages or
// sorts in a temporary b-tree; and every destination (none among them) and
// every partner is counted, each partner's first unacknowledged message named.
BOOST_AUTO_TEST_CASE(queue_gauges_read_index_entries_and_miss_no_destination_or_partner) {
  add("I-1", State::received, "");  // not routed yet: destination NULL, counted as ""
  const auto i2 = add("I-2", State::queued, "dest-b");  // gemeente-m's first unacknowledged
  add("I-3", State::queued, "dest-b");
  add("I-4", State::deferred, "dest-a");
  add("I-5", State::rejected, "dest-a");  // an end state: not the queue
  add("I-6", State::dead, "dest-c");
  auto to = [&](const std::string& ident, const std::string& partner) {
    auto m = test::sample_message(ident);
    m.receiver_partner = partner;
    m.destination = "mailbox:" + partner;
    m.delivery = config::DestinationKind::mailbox;
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE(r.has_value());
    return r->id;
  };
  const auto zeta1 = to("P-1", "zeta-zorg");
  const auto alpha1 = to("P-2", "alpha-zorg");
  to("P-3", "zeta-zorg");
  const auto alpha2 = to("P-4", "alpha-zorg");
  const auto mid1 = to("P-5", "mid-zorg");
  auto acked = db->ack("alpha-zorg", alpha1);  // alpha's first unacknowledged is P-4 now
  BOOST_REQUIRE(acked.has_value() && *acked);

  sqlite3* raw = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2((dir / "sluis.db").c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::vector<std::string> ran;
  sqlite3_trace_v2(
      raw, SQLITE_TRACE_STMT,
      [](unsigned, void* ctx, void* st, void*) {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(st));
        auto& v = *static_cast<std::vector<std::string>*>(ctx);
        if (sql && std::find(v.begin(), v.end(), sql) == v.end()) v.emplace_back(sql);
        return 0;
      },
      &ran);
  auto g = store::sqlite::queue_gauges(raw);
  BOOST_REQUIRE_MESSAGE(g.has_value(), (g.has_error() ? g.error().text : std::string()));
  sqlite3_trace_v2(raw, 0, nullptr, nullptr);
  BOOST_TEST(ran.size() == 5u);  // per part: the first seek, the next seek (, the count)
  for (const auto& sql : ran) {
    std::string plan;
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(raw, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) == SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) plan += reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("; ");
    sqlite3_finalize(st);
    BOOST_TEST_CONTEXT(sql << "\n  plan: " << plan) {
      BOOST_TEST(plan.find("SCAN") == std::string::npos);
      BOOST_TEST(plan.find("TEMP B-TREE") == std::string::npos);
      BOOST_TEST((plan.find("USING COVERING INDEX messages_due") != std::string::npos ||
                  plan.find("USING INDEX messages_unacked_mailbox") != std::string::npos));
      if (sql.find("count(*)") != std::string::npos)
        BOOST_TEST(plan.find("COVERING INDEX messages_due") != std::string::npos);
    }
  }
  sqlite3_close(raw);

  std::map<std::pair<std::string, State>, std::int64_t> got;
  for (const auto& d : g->backlog) got[{d.destination, d.state}] = d.count;
  std::map<std::pair<std::string, State>, std::int64_t> want = {
      {{"", State::received}, 1},           {{"dest-a", State::deferred}, 1},
      {{"dest-b", State::queued}, 2},       {{"dest-c", State::dead}, 1},
      {{"mailbox:alpha-zorg", State::queued}, 1}, {{"mailbox:mid-zorg", State::queued}, 1},
      {{"mailbox:zeta-zorg", State::queued}, 2}};
  BOOST_TEST((got == want));
  // In the order the PostgreSQL engine gives: by destination, none first, then by state.
  std::vector<std::string> order;
  for (const auto& d : g->backlog) order.push_back(d.destination);
  BOOST_TEST(std::is_sorted(order.begin(), order.end()));
  // Every partner with an unacknowledged message, in order, each with its first one's receipt.
  std::vector<std::pair<std::string, std::string>> oldest;
  for (const auto& o : g->oldest_unacknowledged) oldest.emplace_back(o.partner, o.received_at);
  auto receipt = [&](const std::string& id) { return (*db->get(id))->received_at; };
  const std::vector<std::pair<std::string, std::string>> want_oldest = {{"alpha-zorg", receipt(alpha2)},
                                                                        {"gemeente-m", receipt(i2)},
                                                                        {"mid-zorg", receipt(mid1)},
                                                                        {"zeta-zorg", receipt(zeta1)}};
  BOOST_TEST((oldest == want_oldest));
}

BOOST_AUTO_TEST_CASE(hold_and_release_by_operator) {
  auto q = add("H-1", State::queued);
  auto d = failed("H-2", State::deferred);
  for (const auto& id : {q, d}) {
    auto r = act(QueueAction::hold, id);
    BOOST_REQUIRE(r.items.size() == 1u);
    BOOST_TEST(r.items[0].changed);
    BOOST_TEST(r.items[0].refused.empty());
    BOOST_TEST((state_of(id) == State::held));
    BOOST_TEST(((*db->get(id))->hold_reason == store::HoldReason::by_operator));
    BOOST_TEST((*db->get(id))->next_attempt_at.empty());
  }
  // Held already: refused, unchanged.
  auto again = act(QueueAction::hold, q);
  BOOST_TEST(!again.items[0].refused.empty());
  auto r = act(QueueAction::release, q);
  BOOST_TEST(r.items[0].changed);
  BOOST_TEST((state_of(q) == State::queued));
  BOOST_TEST(((*db->get(q))->hold_reason == store::HoldReason::none));
  // Released from a not-live hold too.
  auto nl = add("H-3", State::held, "d", store::HoldReason::receiver_not_live);
  BOOST_TEST(act(QueueAction::release, nl).items[0].changed);
  BOOST_TEST((state_of(nl) == State::queued));
}

BOOST_AUTO_TEST_CASE(hold_refuses_states_it_does_not_apply_to) {
  auto dead = failed("R-1", State::dead);
  auto rej = add("R-2", State::rejected, "");
  for (const auto& id : {dead, rej}) {
    auto r = act(QueueAction::hold, id);
    BOOST_REQUIRE(r.items.size() == 1u);
    BOOST_TEST(!r.items[0].changed);
    BOOST_TEST(r.items[0].refused.find("only queued or deferred") != std::string::npos);
  }
  BOOST_TEST((state_of(dead) == State::dead));
  // A running attempt is never touched by any action.
  auto busy = add("R-3", State::queued, "push-busy");
  BOOST_REQUIRE(db->claim("push-busy", "9999-12-31T00:00:00.000Z", 10).has_value());
  for (auto a :
       {QueueAction::hold, QueueAction::release, QueueAction::retry, QueueAction::requeue}) {
    auto r = act(a, busy);
    BOOST_TEST(r.items[0].refused.find("attempt is running") != std::string::npos);
  }
  BOOST_TEST((state_of(busy) == State::delivering));
}

BOOST_AUTO_TEST_CASE(release_refuses_shadow_and_orphan_holds_saying_why) {
  auto s = add("S-1", State::held, "d", store::HoldReason::sender_shadow);
  auto rs = add("S-2", State::held, "d", store::HoldReason::receiver_shadow);
  auto o = add("S-3", State::held, "d", store::HoldReason::orphan);
  auto r = act(QueueAction::release, s);
  BOOST_TEST(r.items[0].refused.find("sender partner is in shadow mode") != std::string::npos);
  r = act(QueueAction::release, rs);
  BOOST_TEST(r.items[0].refused.find("receiver partner is in shadow mode") != std::string::npos);
  r = act(QueueAction::release, o);
  BOOST_TEST(r.items[0].refused.find("orphan") != std::string::npos);
  for (const auto& id : {s, rs, o}) BOOST_TEST((state_of(id) == State::held));
  auto q = add("S-4", State::queued);
  BOOST_TEST(act(QueueAction::release, q).items[0].refused.find("not held") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(retry_and_requeue) {
  auto d = failed("T-1", State::deferred);
  BOOST_TEST(!(*db->get(d))->next_attempt_at.empty());
  auto r = act(QueueAction::retry, d);
  BOOST_TEST(r.items[0].changed);
  BOOST_TEST((state_of(d) == State::queued));
  BOOST_TEST((*db->get(d))->next_attempt_at.empty());
  // Queued: unchanged, not refused.
  r = act(QueueAction::retry, d);
  BOOST_TEST(!r.items[0].changed);
  BOOST_TEST(r.items[0].refused.empty());
  auto dead = failed("T-2", State::dead, "push-y");
  r = act(QueueAction::retry, dead);
  BOOST_TEST(r.items[0].refused.find("message-requeue") != std::string::npos);
  BOOST_TEST((*db->get(d))->lifetime_from.empty());  // a retry keeps the lifetime
  r = act(QueueAction::requeue, dead);
  BOOST_TEST(r.items[0].changed);
  BOOST_TEST((state_of(dead) == State::queued));
  // A requeued message gets a new delivery lifetime, counted from now.
  auto from = core::parse_utc_text((*db->get(dead))->lifetime_from);
  BOOST_REQUIRE(from.has_value());
  BOOST_TEST(std::chrono::abs(std::chrono::system_clock::now() - *from) < std::chrono::minutes(1));
  r = act(QueueAction::requeue, dead);
  BOOST_TEST(r.items[0].refused.find("not dead") != std::string::npos);
  // The claim picks the requeued message again.
  auto c = db->claim("push-y", core::utc_text(std::chrono::system_clock::now()), 10);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->size() == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_id_gives_no_item) {
  auto r = act(QueueAction::hold, "m-does-not-exist");
  BOOST_TEST(r.items.empty());
}

BOOST_AUTO_TEST_CASE(delete_needs_a_reason_and_a_safe_state) {
  auto h = add("X-1", State::held, "d", store::HoldReason::by_operator);
  store::QueueActionRequest q;
  q.action = QueueAction::remove;
  q.id = h;
  q.actor = "admin";
  BOOST_TEST(!db->queue_action(q).has_value());  // no reason
  BOOST_TEST(db->get(h)->has_value());

  auto queued = add("X-2", State::queued);
  auto r = act(QueueAction::remove, queued, "sent to the wrong municipality");
  BOOST_TEST(r.items[0].refused.find("hold it first") != std::string::npos);
  BOOST_TEST(db->get(queued)->has_value());

  auto m = test::sample_message("X-3");
  auto acked = db->commit_sync(std::move(m))->id;
  BOOST_REQUIRE(*db->ack("gemeente-m", acked));
  r = act(QueueAction::remove, acked, "x");
  BOOST_TEST(r.items[0].refused.find("receiver has it") != std::string::npos);

  r = act(QueueAction::remove, h, "sent to the wrong municipality, BSN 111222333");
  BOOST_TEST(r.items[0].changed);
  BOOST_TEST(!db->get(h)->has_value());
  BOOST_TEST(!db->body(h)->has_value());
  // The audit keeps the deletion, its reason (scrubbed of BSNs) and the uid.
  auto hist = db->history(h, 100);
  BOOST_REQUIRE(hist.has_value());
  BOOST_REQUIRE(!hist->empty());
  const auto& last = hist->back();
  BOOST_TEST(last.action == "delete");
  BOOST_TEST(last.uid == 4242);
  BOOST_TEST(last.actor == "admin");
  BOOST_TEST(last.detail.find("wrong municipality") != std::string::npos);
  BOOST_TEST(last.detail.find("111222333") == std::string::npos);
  BOOST_TEST(last.detail.find("was held") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(delete_refuses_a_message_others_refer_to) {
  auto heen = add("Y-1", State::held, "d", store::HoldReason::by_operator);
  auto retour = test::sample_message("Y-1R");
  retour.sender_partner = "sluis";
  retour.heen_id = heen;
  auto rid = db->commit_sync(std::move(retour))->id;
  auto r = act(QueueAction::remove, heen, "test");
  BOOST_TEST(r.items[0].refused.find(rid) != std::string::npos);
  BOOST_TEST(db->get(heen)->has_value());

  // Ledger facts: an allocation whose source is the message.
  auto m = test::sample_message("Y-2");
  m.state = State::held;
  m.hold_reason = store::HoldReason::by_operator;
  m.decide = test::allocation_decider(1234567, "h");
  auto c = db->commit_sync(std::move(m));
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c.has_error() ? c.error().text : std::string()));
  r = act(QueueAction::remove, c->id, "test");
  BOOST_TEST(r.items[0].refused.find("ledger facts") != std::string::npos);
  BOOST_TEST(db->get(c->id)->has_value());
}

BOOST_AUTO_TEST_CASE(bulk_with_dry_run_changes_nothing_then_applies) {
  auto d1 = failed("B-3", State::deferred, "dest-bulk");  // first: its claim takes every queued one
  auto q1 = add("B-1", State::queued, "dest-bulk");
  auto q2 = add("B-2", State::queued, "dest-bulk");
  auto h =
      add("B-4", State::held, "dest-bulk", store::HoldReason::by_operator);  // not selected: not holdable
  auto other = add("B-5", State::queued, "dest-other");

  store::QueueActionRequest q;
  q.action = QueueAction::hold;
  q.filter = store::QueueFilter{};
  q.filter->destination = "dest-bulk";
  q.dry_run = true;
  q.actor = "admin";
  q.uid = 77;
  auto r = db->queue_action(q);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->items.size() == 3u);
  for (const auto& it : r->items) BOOST_TEST(it.changed);
  BOOST_TEST((state_of(q1) == State::queued));
  BOOST_TEST((state_of(d1) == State::deferred));
  BOOST_TEST(actions_of(q1).size() == 1u);  // only its commit

  // The limit caps a bulk change and says more match.
  q.limit = 2;
  r = db->queue_action(q);
  BOOST_TEST(r->items.size() == 2u);
  BOOST_TEST(r->more);

  q.limit = 1000;
  q.dry_run = false;
  r = db->queue_action(q);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->items.size() == 3u);
  BOOST_TEST(!r->more);
  for (const auto& id : {q1, q2, d1}) BOOST_TEST((state_of(id) == State::held));
  BOOST_TEST((state_of(other) == State::queued));
  BOOST_TEST(((*db->get(h))->hold_reason == store::HoldReason::by_operator));

  // Bulk release with held messages of every kind: the shadow one is refused.
  auto sh = add("B-6", State::held, "dest-bulk", store::HoldReason::receiver_shadow);
  q.action = QueueAction::release;
  r = db->queue_action(q);
  BOOST_REQUIRE(r.has_value());
  int changed = 0, refused = 0;
  for (const auto& it : r->items) {
    changed += it.changed;
    if (!it.refused.empty()) {
      ++refused;
      BOOST_TEST(it.id == sh);
    }
  }
  BOOST_TEST(changed == 4);
  BOOST_TEST(refused == 1);
  BOOST_TEST((state_of(sh) == State::held));
}

BOOST_AUTO_TEST_CASE(history_reads_back_every_audit_row_of_the_message) {
  auto id = failed("A-1", State::deferred, "push-h");
  auto other = add("A-2", State::queued, "push-h2");
  act(QueueAction::hold, id);
  act(QueueAction::release, id, "receiver fixed its certificate");
  auto h = db->history(id, 100);
  BOOST_REQUIRE(h.has_value());
  std::vector<std::string> actions;
  for (const auto& e : *h) {
    BOOST_TEST(e.message_id == id);
    actions.push_back(e.action);
  }
  // commit, the failed attempt, hold, release (claim writes no audit row).
  std::vector<std::string> want = {"queued", "state delivering -> deferred",
                                   "state deferred -> held", "state held -> queued"};
  BOOST_TEST(actions == want, boost::test_tools::per_element());
  BOOST_TEST((*h)[1].detail.find("HTTP 500") != std::string::npos);
  BOOST_TEST((*h)[2].uid == 4242);
  BOOST_TEST((*h)[2].actor == "admin");
  BOOST_TEST((*h)[3].detail.find("receiver fixed its certificate") != std::string::npos);
  for (std::size_t i = 1; i < h->size(); ++i) BOOST_TEST((*h)[i].seq > (*h)[i - 1].seq);
  BOOST_TEST(actions_of(other).size() == 1u);
  // The limit is respected.
  BOOST_TEST(db->history(id, 2)->size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
