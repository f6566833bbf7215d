// The retention pruner in the store (Store::prune_bodies): only the bodies of
// acknowledged and rejected messages received before the cutoff go; every
// other state keeps its body; the row, sha256, size, findings, BSN hashes,
// ledger facts and audit stay; an identical resend is still a replay; batches
// and limits; a second run prunes nothing; a dry run changes nothing.
#define BOOST_TEST_MODULE store_retention
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/store/retention.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
using store::State;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFuture = "9999-12-31T00:00:00.000Z";  // everything is older
constexpr const char* kPast = "2000-01-01T00:00:00.000Z";    // nothing is older

struct Fixture : test::TempStore {
  Fixture() : TempStore("retention") {}

  store::NewMessage message(const std::string& ident, State state) {
    auto m = test::sample_message(ident, "<Bericht>" + ident + "</Bericht>");
    m.state = state;
    m.destination = "gemeente-m-mailbox";
    m.delivery = sluis::config::DestinationKind::mailbox;
    m.bsn_hashes = {"hash-" + ident};
    if (state == State::held) m.hold_reason = store::HoldReason::by_operator;
    if (state == State::rejected) {
      m.findings_json = R"([{"code":"0001"}])";
      m.http_status = 422;
    }
    return m;
  }
  std::string add(const std::string& ident, State state) {
    auto r = db->commit_sync(message(ident, state));
    BOOST_REQUIRE(r.has_value());
    return r->id;
  }
  // A message brought to `end` the way the daemon does it.
  std::string in(const std::string& ident, State end) {
    switch (end) {
      case State::acknowledged: {
        auto id = add(ident, State::queued);
        auto a = db->ack("gemeente-m", id);
        BOOST_REQUIRE(a.has_value() && *a);
        return id;
      }
      case State::delivered:
      case State::dead: {
        auto id = add(ident, State::queued);
        BOOST_REQUIRE(db->transition(id, end, "test", "").has_value());
        return id;
      }
      case State::delivering:
      case State::deferred: {
        auto m = message(ident, State::queued);
        m.destination = "push-" + ident;
        m.delivery = sluis::config::DestinationKind::push;
        auto r = db->commit_sync(std::move(m));
        BOOST_REQUIRE(r.has_value());
        auto c = db->claim("push-" + ident, kFuture, 10);
        BOOST_REQUIRE(c.has_value() && c->size() == 1);
        if (end == State::deferred)
          BOOST_REQUIRE(db->settle(r->id, State::deferred, "2999-01-01T00:00:00.000Z", "HTTP 500").has_value());
        return r->id;
      }
      default:
        return add(ident, end);
    }
  }

  store::PruneResult prune(const std::string& cutoff, std::int64_t limit = 0, int batch = 1000, bool dry = false) {
    store::PruneRequest q;
    q.cutoff = cutoff;
    q.limit = limit;
    q.batch = batch;
    q.dry_run = dry;
    q.reason = "retention test";
    auto r = db->prune_bodies(q);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
    return *r;
  }
  bool has_body(const std::string& id) {
    auto b = db->body(id);
    if (!b) {
      BOOST_TEST(b.error().code == store::kPrunedError);
      return false;
    }
    BOOST_REQUIRE(b->has_value());
    return !(*b)->empty();
  }
  // One number from the database file itself, bypassing the interface.
  std::int64_t scalar(const std::string& sql, const std::string& arg = "") {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open_v2((dir / "sluis.db").c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    if (!arg.empty()) sqlite3_bind_text(st, 1, arg.c_str(), -1, SQLITE_TRANSIENT);
    BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
  }

};

}  // namespace

BOOST_FIXTURE_TEST_CASE(only_acknowledged_and_rejected_lose_their_body, Fixture) {
  std::map<State, std::string> ids;
  for (State s : {State::queued, State::delivering, State::delivered, State::acknowledged, State::deferred,
                  State::held, State::dead, State::rejected, State::received})
    ids[s] = in("R-" + std::string(store::to_string(s)), s);
  auto r = prune(kFuture);
  BOOST_TEST(r.pruned == 2);
  BOOST_TEST(!r.more);
  BOOST_TEST(r.bytes == static_cast<std::int64_t>(std::string("<Bericht>R-acknowledged</Bericht>").size() +
                                                  std::string("<Bericht>R-rejected</Bericht>").size()));
  for (const auto& [state, id] : ids) {
    auto m = db->get(id);
    BOOST_REQUIRE(m.has_value() && m->has_value());
    BOOST_TEST(store::to_string((*m)->state) == store::to_string(state), "the pruner changed no state: " << id);
    const bool pruned = state == State::acknowledged || state == State::rejected;
    BOOST_TEST(has_body(id) == !pruned, store::to_string(state));
    BOOST_TEST((*m)->pruned_at.empty() == !pruned, store::to_string(state));
  }
}

BOOST_FIXTURE_TEST_CASE(only_messages_received_before_the_cutoff, Fixture) {
  auto old_ack = in("OLD-A", State::acknowledged);
  auto old_rej = in("OLD-R", State::rejected);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const std::string cutoff = core::utc_text(std::chrono::system_clock::now());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto new_ack = in("NEW-A", State::acknowledged);
  auto new_rej = in("NEW-R", State::rejected);
  BOOST_TEST(prune(kPast).pruned == 0);
  auto r = prune(cutoff);
  BOOST_TEST(r.pruned == 2);
  BOOST_TEST(!has_body(old_ack));
  BOOST_TEST(!has_body(old_rej));
  BOOST_TEST(has_body(new_ack));
  BOOST_TEST(has_body(new_rej));
}

BOOST_FIXTURE_TEST_CASE(the_row_and_what_refers_to_it_stay, Fixture) {
  // A 301-like message with a ledger fact (an allocation) and a BSN hash.
  auto m = message("KEEP-1", State::queued);
  const std::string body = m.body;
  m.decide = test::allocation_decider(4711, "hash-KEEP-1", "2025-12-20");
  auto c = db->commit_sync(std::move(m));
  BOOST_REQUIRE(c.has_value());
  const std::string id = c->id;
  BOOST_REQUIRE(*db->ack("gemeente-m", id));
  auto before = db->get(id);
  BOOST_REQUIRE(before.has_value() && before->has_value());
  const auto audit_before = scalar("SELECT count(*) FROM audit WHERE message_id = ?", id);

  BOOST_TEST(prune(kFuture).pruned == 1);

  auto after = db->get(id);
  BOOST_REQUIRE(after.has_value() && after->has_value());
  const auto& a = **after;
  const auto& b = **before;
  BOOST_TEST(a.sha256 == core::sha256_hex(body));
  BOOST_TEST(a.sha256 == b.sha256);
  BOOST_TEST(a.size == static_cast<std::int64_t>(body.size()));
  BOOST_TEST(a.identificatie == b.identificatie);
  BOOST_TEST(a.findings_json == b.findings_json);
  BOOST_TEST(a.response_json == b.response_json);
  BOOST_TEST(a.received_at == b.received_at);
  BOOST_TEST(a.acked_at == b.acked_at);
  BOOST_TEST(!a.pruned_at.empty());
  // The body is gone from the file, not only hidden.
  BOOST_TEST(scalar("SELECT length(body) FROM messages WHERE id = ?", id) == 0);
  auto read = db->body(id);
  BOOST_REQUIRE(!read.has_value());
  BOOST_TEST(read.error().code == store::kPrunedError);
  BOOST_TEST(read.error().text.find(a.pruned_at) != std::string::npos);
  // Search by BSN hash still finds it; the ledger fact stays; the prune is audited.
  auto found = db->by_bsn_hash("hash-KEEP-1");
  BOOST_REQUIRE(found.has_value());
  BOOST_REQUIRE(found->size() == 1u);
  BOOST_TEST(found->front().id == id);
  BOOST_TEST(scalar("SELECT count(*) FROM ledger_allocation WHERE message_id = ?", id) == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM message_bsn WHERE message_id = ?", id) == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM audit WHERE message_id = ?", id) == audit_before + 1);
  auto hist = db->history(id, 100);
  BOOST_REQUIRE(hist.has_value());
  BOOST_TEST(hist->back().action == "prune");
  BOOST_TEST(hist->back().detail == "retention test");
}

BOOST_FIXTURE_TEST_CASE(an_identical_resend_after_pruning_is_a_replay, Fixture) {
  auto id = in("REPLAY-1", State::acknowledged);
  auto rej = in("REPLAY-2", State::rejected);
  BOOST_TEST(prune(kFuture).pruned == 2);
  for (const auto& [ident, stored] : {std::pair{std::string("REPLAY-1"), id}, std::pair{std::string("REPLAY-2"), rej}}) {
    auto again = db->commit_sync(message(ident, ident == "REPLAY-1" ? State::queued : State::rejected));
    BOOST_REQUIRE(again.has_value());
    BOOST_TEST(again->replay, ident);
    BOOST_TEST(again->id == stored);
  }
  // Another body under the accepted identification is still TR056.
  auto other = message("REPLAY-1", State::queued);
  other.body = "<Bericht>anders</Bericht>";
  auto conflict = db->commit_sync(std::move(other));
  BOOST_REQUIRE(conflict.has_value());
  BOOST_TEST(!conflict->replay);
  BOOST_REQUIRE(conflict->conflict.has_value());
  BOOST_TEST(conflict->conflict->id == id);
  BOOST_TEST(scalar("SELECT count(*) FROM messages") == 2);
}

BOOST_FIXTURE_TEST_CASE(batches_limits_and_a_second_run, Fixture) {
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(in("B-" + std::to_string(i), i % 2 ? State::rejected : State::acknowledged));
  auto keep = in("B-queued", State::queued);
  // A dry run counts and changes nothing.
  auto dry = prune(kFuture, 10, 4, true);
  BOOST_TEST(dry.pruned == 10);
  BOOST_TEST(dry.more);
  BOOST_TEST(prune(kFuture, 0, 4, true).pruned == 25);
  BOOST_TEST(scalar("SELECT count(*) FROM messages WHERE pruned_at IS NOT NULL") == 0);
  // A limit of 10 in batches of 4 (4 + 4 + 2), oldest first.
  auto first = prune(kFuture, 10, 4);
  BOOST_TEST(first.pruned == 10);
  BOOST_TEST(first.more);
  for (int i = 0; i < 25; ++i) BOOST_TEST(has_body(ids[i]) == (i >= 10), i);
  // The rest without a limit; then nothing is left.
  auto rest = prune(kFuture, 0, 4);
  BOOST_TEST(rest.pruned == 15);
  BOOST_TEST(!rest.more);
  auto again = prune(kFuture, 0, 4);
  BOOST_TEST(again.pruned == 0);
  BOOST_TEST(again.bytes == 0);
  BOOST_TEST(!again.more);
  BOOST_TEST(prune(kFuture, 0, 4, true).pruned == 0);
  BOOST_TEST(has_body(keep));
  BOOST_TEST(scalar("SELECT count(*) FROM audit WHERE action = 'prune'") == 25);
}

BOOST_FIXTURE_TEST_CASE(pruned_state_survives_a_restart_and_uses_its_index, Fixture) {
  auto id = in("RESTART-1", State::acknowledged);
  BOOST_TEST(prune(kFuture).pruned == 1);
  db.reset();
  open();
  auto m = db->get(id);
  BOOST_REQUIRE(m.has_value() && m->has_value());
  BOOST_TEST(!(*m)->pruned_at.empty());
  BOOST_TEST(!has_body(id));
  BOOST_TEST(scalar("PRAGMA user_version") == store::kSchemaVersion);
  // The batch select reads the partial index, not the table.
  BOOST_TEST(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'messages_prunable'") == 1);
}

// The one pruner the prune timer and `sluisctl prune` share (store/retention.hpp):
// the cutoff from store.retention, one reason text per pruned message, one
// metric, which a dry run leaves alone.
BOOST_FIXTURE_TEST_CASE(the_shared_pruner_audits_one_reason_and_counts_one_metric, Fixture) {
  auto& pruned = core::counter("sluis_store_pruned_bodies_total", "Message bodies removed by the retention pruner.");
  const auto id = in("SHARED-1", State::acknowledged);
  const auto keep = in("SHARED-2", State::queued);
  const std::int64_t before = pruned.value();

  store::RetentionRun run;
  run.retention = std::chrono::hours(24 * 62);
  run.cutoff = kFuture;
  run.actor = "admin";
  run.uid = 4242;
  run.dry_run = true;
  auto dry = store::prune_retention(*db, run);
  BOOST_REQUIRE(dry.has_value());
  BOOST_TEST(dry->result.pruned == 1);
  BOOST_TEST(dry->cutoff == kFuture);
  BOOST_TEST(pruned.value() == before);
  BOOST_TEST(has_body(id));

  run.dry_run = false;
  auto done = store::prune_retention(*db, run);
  BOOST_REQUIRE(done.has_value());
  BOOST_TEST(done->result.pruned == 1);
  BOOST_TEST(pruned.value() == before + 1);
  BOOST_TEST(!has_body(id));
  BOOST_TEST(has_body(keep));
  auto hist = db->history(id, 100);
  BOOST_REQUIRE(hist.has_value());
  BOOST_TEST(hist->back().action == "prune");
  BOOST_TEST(hist->back().detail == "retention 62d");
  BOOST_TEST(hist->back().detail == store::retention_reason(run.retention));
  BOOST_TEST(hist->back().actor == "admin");
  BOOST_TEST(hist->back().uid == 4242);

  // Without a cutoff the run computes it from now: nothing received today is 62 days old.
  run.cutoff.clear();
  auto now = store::prune_retention(*db, run);
  BOOST_REQUIRE(now.has_value());
  BOOST_TEST(now->result.pruned == 0);
  BOOST_TEST(now->cutoff < core::utc_text(std::chrono::system_clock::now() - std::chrono::hours(24 * 61)));
}
