// The store's contract, written against the Store interface (every engine must
// pass it); run on the SQLite engine twice: on the default VFS
// (store_contract_test) and on the fault-injecting VFS with nothing armed
// (store_contract_fault_vfs_test, built with SLUIS_STORE_TEST_VFS="sluis-fault"),
// which must change nothing; and on the PostgreSQL engine
// (store_contract_pg_test, built with SLUIS_STORE_TEST_POSTGRESQL, label
// `postgresql`: a fresh database of a server the test starts). Cases about
// the SQLite file itself (its VFS, backup copies, file modes, migrations of
// old files, damaged files) are skipped there; the PostgreSQL engine's own
// (migrations, the BSN key, the append-only audit) are in pg_test.cpp.
#define BOOST_TEST_MODULE store_contract
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/core/assert.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/store/fault_vfs.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"
#ifdef SLUIS_STORE_TEST_POSTGRESQL
#include "gateway/store/pg.hpp"
#include "tests/support/postgres.hpp"
#endif

using namespace sluis;
namespace fs = std::filesystem;

namespace {

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("sluis-store-" + core::random_hex(6))) { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
  fs::path path;
};

#ifdef SLUIS_STORE_TEST_VFS
constexpr const char* kVfs = SLUIS_STORE_TEST_VFS;
#else
constexpr const char* kVfs = "";
#endif

// The store at `path` on this run's VFS.
store::SqliteOptions options(const fs::path& path) {
  store::SqliteOptions o;
  o.path = path.string();
  o.vfs = kVfs;
  if (!o.vfs.empty()) store::FaultVfs::install();
  return o;
}

store::NewMessage message(const std::string& ident, const std::string& body = "<Bericht>x</Bericht>") {
  return test::sample_message(ident, body);
}

#ifdef SLUIS_STORE_TEST_POSTGRESQL
constexpr bool kPostgres = true;
#else
constexpr bool kPostgres = false;
#endif

// A case about the SQLite file itself: skipped on PostgreSQL.
boost::test_tools::assertion_result sqlite_file(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(!kPostgres);
  r.message() << "a case about the SQLite file";
  return r;
}

struct Fixture {
  Fixture() : opts(options(dir.path / "sluis.db")) {
#ifdef SLUIS_STORE_TEST_POSTGRESQL
    pg_opts.conninfo = test::postgres().create_database();
    pg_opts.node = "node-1";
#endif
    db = open();
  }

  // The same store again (after db.reset(): a restart).
  std::unique_ptr<store::Store> open() {
    auto s = kPostgres ? store::open_postgresql(pg_opts) : store::open_sqlite(opts);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    return std::move(*s);
  }

  // One statement on the store's database, past the store: true when the
  // engine took it.
  bool exec(const std::string& sql) {
#ifdef SLUIS_STORE_TEST_POSTGRESQL
    auto c = store::pg::Connection::open(pg_opts.conninfo);
    BOOST_REQUIRE(c.has_value());
    return c->run(sql).has_value();
#else
    sqlite3* h = nullptr;
    sqlite3_open(opts.path.c_str(), &h);
    const bool ok = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(h);
    return ok;
#endif
  }

  // The number a query gives (-1 when it fails).
  long count(const std::string& sql);

  Dir dir;
  store::SqliteOptions opts;
  store::PostgresOptions pg_opts;
  std::unique_ptr<store::Store> db;
};

long count_rows(const std::string& path, const char* sql) {
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, sql, -1, &st, nullptr);
  long n = sqlite3_step(st) == SQLITE_ROW ? static_cast<long>(sqlite3_column_int64(st, 0)) : -1;
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

long Fixture::count(const std::string& sql) {
#ifdef SLUIS_STORE_TEST_POSTGRESQL
  auto c = store::pg::Connection::open(pg_opts.conninfo);
  BOOST_REQUIRE(c.has_value());
  auto r = c->exec(sql);
  return r && r->size() == 1 ? static_cast<long>(r->i64(0, 0)) : -1;
#else
  return count_rows(opts.path, sql.c_str());
#endif
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(contract, Fixture)

BOOST_AUTO_TEST_CASE(commit_then_read_back_byte_for_byte) {
  std::string body = "<?xml version=\"1.0\"?>\r\n<Bericht>\xC3\xA9\x00tail</Bericht>";
  body.push_back('\0');
  auto r = db->commit_sync(message("D-1", body));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(!r->replay);
  auto got = db->get(r->id);
  BOOST_REQUIRE(got.has_value() && got->has_value());
  const auto& m = **got;
  BOOST_TEST(m.identificatie == "D-1");
  BOOST_TEST(m.sha256 == core::sha256_hex(body));
  BOOST_TEST(m.size == static_cast<std::int64_t>(body.size()));
  BOOST_CHECK(m.state == store::State::queued);
  BOOST_TEST(m.received_at.size() == 24u);
  BOOST_TEST(**db->body(r->id) == body);
  BOOST_TEST(!db->get("m-nope")->has_value());
}

// A body larger than the store keeps in the message's row (1 MiB) is written
// in pieces into a table of its own: every way out gives it back byte for
// byte, and pruning or deleting the message removes it.
BOOST_AUTO_TEST_CASE(a_large_body_is_kept_apart_and_read_back_everywhere) {
  std::string big(3u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('A' + (i * 7 + i / 4096) % 26);
  big += "tail";  // not a multiple of the 1 MiB piece
  auto m = message("BIG-1", big);
  m.destination = "push-big";
  m.delivery = sluis::config::DestinationKind::push;
  auto r = db->commit_sync(std::move(m));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
  BOOST_TEST(**db->body(r->id) == big);
  BOOST_TEST((*db->get(r->id))->sha256 == core::sha256_hex(big));
  if (!kPostgres) BOOST_TEST(count("SELECT count(*) FROM message_body") == 1);
  if (!kPostgres) BOOST_TEST(count("SELECT max(length(body)) FROM messages") < 100);
  auto c = db->claim("push-big", "9999-12-31T00:00:00.000Z", 10);
  BOOST_REQUIRE(c.has_value());
  BOOST_REQUIRE(c->size() == 1u);
  BOOST_TEST((*c)[0].body == big);

  // Deleted (a rejected message may be): its body row goes with it.
  auto rej = message("BIG-2", big + "2");
  rej.state = store::State::rejected;
  auto r2 = db->commit_sync(std::move(rej));
  BOOST_REQUIRE(r2.has_value());
  if (!kPostgres) BOOST_TEST(count("SELECT count(*) FROM message_body") == 2);
  store::QueueActionRequest del;
  del.action = store::QueueAction::remove;
  del.id = r2->id;
  del.actor = "test";
  del.uid = 0;
  del.reason = "test";
  auto d = db->queue_action(del);
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(!db->get(r2->id)->has_value());
  if (!kPostgres) BOOST_TEST(count("SELECT count(*) FROM message_body") == 1);

  // Pruned after retention: gone from its table too.
  auto rej3 = message("BIG-3", big + "3");
  rej3.state = store::State::rejected;
  auto r3 = db->commit_sync(std::move(rej3));
  BOOST_REQUIRE(r3.has_value());
  auto small3 = message("SMALL-3", "<small/>");  // one read, not in pieces: the same answer
  small3.state = store::State::rejected;
  auto s3 = db->commit_sync(std::move(small3));
  BOOST_REQUIRE(s3.has_value());
  store::PruneRequest p;
  p.cutoff = "9999-12-31T00:00:00.000Z";
  auto pr = db->prune_bodies(p);
  BOOST_REQUIRE(pr.has_value());
  BOOST_TEST(pr->pruned >= 1);
  for (const auto& pruned_id : {r3->id, s3->id}) {
    auto b = db->body(pruned_id);
    BOOST_REQUIRE(b.has_error());
    BOOST_TEST((b.error().code == store::kPrunedError));
    BOOST_TEST(b.error().text.find("retention pruner") != std::string::npos);
  }
  BOOST_TEST(!db->body("m-no-such-message")->has_value());
  if (!kPostgres) BOOST_TEST(count("SELECT count(*) FROM message_body") == 1);  // BIG-1's, queued, stays
}

BOOST_AUTO_TEST_CASE(identical_message_is_a_replay_without_a_second_row) {
  auto a = db->commit_sync(message("D-2"));
  auto b = db->commit_sync(message("D-2"));
  BOOST_REQUIRE(a.has_value() && b.has_value());
  BOOST_TEST(b->replay);
  BOOST_TEST(b->id == a->id);
  BOOST_TEST(b->existing->response_json == R"({"status":"accepted"})");
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
}

BOOST_AUTO_TEST_CASE(same_identification_other_body_names_the_earlier_message) {
  auto a = db->commit_sync(message("D-3", "<a/>"));
  auto b = db->commit_sync(message("D-3", "<b/>"));
  BOOST_REQUIRE(b.has_value());
  BOOST_REQUIRE(b->conflict.has_value());
  BOOST_TEST(b->conflict->id == a->id);
  BOOST_TEST(b->id.empty());
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
}

BOOST_AUTO_TEST_CASE(a_rejected_message_does_not_block_its_corrected_resubmission) {
  auto bad = message("D-4", "<bad/>");
  bad.state = store::State::rejected;
  auto a = db->commit_sync(bad);
  auto b = db->commit_sync(message("D-4", "<good/>"));
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(!b->conflict.has_value());
  BOOST_TEST(b->id != a->id);
}

// What was sent in shadow stays as the record of the shadow period; once live,
// the same bytes are a new message and another body is no TR056 conflict.
BOOST_AUTO_TEST_CASE(shadow_rows_never_count_for_replay_or_tr056) {
  auto shadow = message("S-1", "<a/>");
  shadow.shadow = true;
  shadow.state = store::State::held;
  auto other = message("S-2", "<b/>");
  other.shadow = true;
  other.state = store::State::held;
  auto a = db->commit_sync(shadow);
  auto b = db->commit_sync(other);
  BOOST_REQUIRE(a.has_value() && b.has_value());
  // Still in shadow: the same message is a replay of the held one.
  auto again = db->commit_sync(shadow);
  BOOST_TEST(again->replay);
  BOOST_TEST(again->id == a->id);
  // Live: the same bytes are stored anew, another body is no conflict.
  auto live = db->commit_sync(message("S-1", "<a/>"));
  BOOST_REQUIRE(live.has_value());
  BOOST_TEST(!live->replay);
  BOOST_TEST(!live->conflict.has_value());
  BOOST_TEST(live->id != a->id);
  auto reused = db->commit_sync(message("S-2", "<c/>"));
  BOOST_REQUIRE(reused.has_value());
  BOOST_TEST(!reused->conflict.has_value());
  BOOST_CHECK((*db->get(a->id))->state == store::State::held);
  BOOST_TEST(count("SELECT count(*) FROM messages") == 4);
  // Among live messages TR056 holds as before.
  auto conflict = db->commit_sync(message("S-1", "<d/>"));
  BOOST_REQUIRE(conflict.has_value() && conflict->conflict.has_value());
  BOOST_TEST(conflict->conflict->id == live->id);
}

// A retour carries its heenbericht's identification: who answers is part of
// its key, so nobody else's retour can make the receiver's a replay or a 9056.
BOOST_AUTO_TEST_CASE(a_retour_is_keyed_on_who_answers) {
  auto retour = [](const std::string& partner, const std::string& code, const std::string& body) {
    auto m = message("H-1", body);
    m.type = 302;
    m.sender_code = "0935";
    m.receiver_code = code;
    m.sender_partner = partner;
    m.receiver_partner = "gemeente-m";
    m.retour = true;
    return m;
  };
  auto foreign = db->commit_sync(retour("aanbieder-x", "11223344", "<same/>"));
  BOOST_REQUIRE(foreign.has_value());
  auto own = db->commit_sync(retour("aanbieder-a", "87654321", "<same/>"));
  BOOST_REQUIRE(own.has_value());
  BOOST_TEST(!own->replay);
  BOOST_TEST(own->id != foreign->id);
  auto other_body = db->commit_sync(retour("aanbieder-b", "22334455", "<other/>"));
  BOOST_REQUIRE(other_body.has_value());
  BOOST_TEST(!other_body->conflict.has_value());
  // The same answerer: replay and TR056 as for any message.
  BOOST_TEST(db->commit_sync(retour("aanbieder-a", "87654321", "<same/>"))->replay);
  auto changed = db->commit_sync(retour("aanbieder-a", "87654321", "<changed/>"));
  BOOST_REQUIRE(changed.has_value() && changed->conflict.has_value());
  BOOST_TEST(changed->conflict->id == own->id);
}

BOOST_AUTO_TEST_CASE(a_conflict_hands_the_message_back_unstored) {
  db->commit_sync(message("U-1", "<a/>"));
  auto b = db->commit_sync(message("U-1", std::string(100000, 'b')));
  BOOST_REQUIRE(b.has_value() && b->conflict.has_value());
  BOOST_REQUIRE(b->unstored.has_value());
  BOOST_TEST(b->unstored->body == std::string(100000, 'b'));
  BOOST_TEST(b->unstored->identificatie == "U-1");
  // Committed again as rejected, it is stored.
  auto again = std::move(*b->unstored);
  again.state = store::State::rejected;
  auto c = db->commit_sync(std::move(again));
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(!c->conflict.has_value());
  BOOST_TEST(**db->body(c->id) == std::string(100000, 'b'));
}

// The heenbericht a retour answers is found only for the partner and code it
// was sent to.
BOOST_AUTO_TEST_CASE(find_names_only_a_heenbericht_sent_to_the_asker) {
  auto heen = message("F-1");
  heen.type = 301;
  heen.sender_code = "0935";
  heen.receiver_code = "87654321";
  heen.receiver_partner = "aanbieder-a";
  auto a = db->commit_sync(heen);
  BOOST_REQUIRE(a.has_value());
  auto found = db->find(standard::Law::ijw, 301, "0935", "F-1", "aanbieder-a", "87654321");
  BOOST_REQUIRE(found.has_value() && found->has_value());
  BOOST_TEST((*found)->id == a->id);
  BOOST_TEST(!db->find(standard::Law::ijw, 301, "0935", "F-1", "aanbieder-x", "87654321")->has_value());
  BOOST_TEST(!db->find(standard::Law::ijw, 301, "0935", "F-1", "aanbieder-a", "87654322")->has_value());
  BOOST_TEST(!db->find(standard::Law::ijw, 301, "0935", "F-2", "aanbieder-a", "87654321")->has_value());
}

// A large body that is judged: on SQLite it is written before the judgement
// and its memory given back while the rules run; the row that follows takes
// the seq it was written under. Every way out still gives it back whole, a
// failed judgement leaves no body behind, and the order of seqs holds.
BOOST_AUTO_TEST_CASE(a_judged_large_body_is_kept_whole_and_in_order) {
  std::string big(2u << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 13 + i / 777) % 26);
  auto before = db->commit_sync(message("J-0"));
  BOOST_REQUIRE(before.has_value());

  // A judgement that fails, by an error and by an exception: nothing stays.
  for (int throws = 0; throws < 2; ++throws) {
    auto bad = message("J-BAD-" + std::to_string(throws), big + "bad");
    bad.decide = [throws](const standard::ledger::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
      if (throws) throw std::runtime_error("judgement broke");
      return core::make_error(core::Errc::store_decide_failed, "no verdict");
    };
    auto r = db->commit_sync(std::move(bad));
    BOOST_REQUIRE(r.has_error());
    BOOST_TEST((r.error().code == core::Errc::store_decide_failed));
  }
  if (!kPostgres) BOOST_TEST(count("SELECT count(*) FROM message_body") == 0);

  std::size_t size_while_judged = 0;
  auto judged = message("J-1", big);
  judged.decide = [&size_while_judged](const standard::ledger::LedgerView&,
                                       store::NewMessage& m) -> core::Result<store::Decision> {
    size_while_judged = m.body.size();
    m.state = store::State::rejected;
    m.http_status = 422;
    m.findings_json = R"([{"rule":"TR999"}])";
    return store::Decision{};
  };
  auto r = db->commit_sync(std::move(judged));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
  BOOST_TEST(size_while_judged == (kPostgres ? big.size() : 0u));  // SQLite: given back before the rules
  auto after = db->commit_sync(message("J-2"));
  BOOST_REQUIRE(after.has_value());

  BOOST_TEST(**db->body(r->id) == big);
  auto row = db->get(r->id);
  BOOST_REQUIRE(row.has_value() && row->has_value());
  BOOST_TEST((*row)->size == static_cast<std::int64_t>(big.size()));
  BOOST_TEST((*row)->sha256 == core::sha256_hex(big));
  BOOST_TEST(((*row)->state == store::State::rejected));
  BOOST_TEST((*row)->findings_json == R"([{"rule":"TR999"}])");
  if (!kPostgres) {
    BOOST_TEST(count("SELECT count(*) FROM message_body") == 1);
    BOOST_TEST(count("SELECT count(*) FROM message_body b JOIN messages m USING (seq) WHERE m.id = '" + r->id + "'") == 1);
  }
  // Received in this order, stored in this order (the seq the body took).
  BOOST_TEST(count("SELECT count(*) FROM messages a, messages b, messages c WHERE a.id = '" + before->id +
                   "' AND b.id = '" + r->id + "' AND c.id = '" + after->id + "' AND a.seq < b.seq AND b.seq < c.seq") == 1);
}

// A decider that throws fails its own commit; the writer and later commits go on.
BOOST_AUTO_TEST_CASE(a_throwing_decider_fails_its_commit_only) {
  auto m = message("X-1");
  m.decide = [](const standard::ledger::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
    throw std::runtime_error("judgement broke");
  };
  auto r = db->commit_sync(std::move(m));
  BOOST_REQUIRE(r.has_error());
  BOOST_TEST(r.error().code == core::Errc::store_decide_failed);
  BOOST_TEST(r.error().text.find("judgement broke") != std::string::npos);
  BOOST_TEST(db->commit_sync(message("X-2")).has_value());
  BOOST_TEST(count("SELECT count(*) FROM messages") == 1);
}

BOOST_AUTO_TEST_CASE(mailbox_is_per_partner_in_order_with_idempotent_ack) {
  auto a = db->commit_sync(message("M-1"));
  auto b = db->commit_sync(message("M-2"));
  auto other = message("M-3");
  other.receiver_partner = "gemeente-x";
  db->commit_sync(other);
  auto shadow = message("M-4");
  shadow.shadow = true;
  db->commit_sync(shadow);
  auto box = db->mailbox({"gemeente-m", 0, 10, true});
  BOOST_REQUIRE(box.has_value());
  BOOST_TEST(box->size() == 2u);
  BOOST_TEST(box->at(0).id == a->id);
  BOOST_TEST(box->at(1).id == b->id);
  // Paging by cursor.
  auto page = db->mailbox({"gemeente-m", box->at(0).seq, 10, true});
  BOOST_TEST(page->size() == 1u);
  // Ack: idempotent; another partner cannot ack it.
  BOOST_TEST(*db->ack("gemeente-m", a->id));
  BOOST_TEST(*db->ack("gemeente-m", a->id));
  BOOST_TEST(!*db->ack("gemeente-x", b->id));
  BOOST_TEST(db->mailbox({"gemeente-m", 0, 10, true})->size() == 1u);
  BOOST_TEST(db->mailbox({"gemeente-m", 0, 10, false})->size() == 2u);
  BOOST_CHECK((*db->get(a->id))->state == store::State::acknowledged);
}

BOOST_AUTO_TEST_CASE(transitions_follow_the_state_machine) {
  auto a = db->commit_sync(message("T-1"));
  BOOST_TEST(db->transition(a->id, store::State::delivering, "test", "").has_value());
  BOOST_TEST(db->transition(a->id, store::State::deferred, "test", "receiver answered 503").has_value());
  auto bad = db->transition(a->id, store::State::acknowledged, "test", "");
  BOOST_REQUIRE(bad.has_error());
  BOOST_TEST(bad.error().code == core::Errc::store_illegal_transition);
  BOOST_TEST((*db->get(a->id))->last_error == "receiver answered 503");
  BOOST_TEST(db->transition("m-none", store::State::queued, "test", "").error().code == core::Errc::store_not_found);
  BOOST_CHECK(!store::transition_allowed(store::State::rejected, store::State::queued));
  BOOST_CHECK(store::transition_allowed(store::State::dead, store::State::queued));
}

// The law is a closed set inside the process; a stored value outside it is
// damage, reported as such by every read, never read as some default law.
BOOST_AUTO_TEST_CASE(a_stored_law_outside_the_set_is_corruption_not_a_default) {
  auto a = db->commit_sync(message("L-1"));
  BOOST_REQUIRE(a.has_value());
  BOOST_REQUIRE(exec("UPDATE messages SET law = 'wmo'"));
  auto got = db->get(a->id);
  BOOST_REQUIRE(got.has_error());
  BOOST_TEST(got.error().code == core::Errc::store_corrupt);
  BOOST_TEST(got.error().text.find("law") != std::string::npos, got.error().text);
  auto listed = db->queue_list(store::QueueQuery{});
  BOOST_REQUIRE(listed.has_error());
  BOOST_TEST(listed.error().code == core::Errc::store_corrupt);
}

BOOST_AUTO_TEST_CASE(bsn_is_searchable_only_by_its_keyed_hash) {
  auto m = message("B-1", "<Bsn>999990019</Bsn>");
  std::string h = core::hmac_sha256_hex("test-key-0123456789", "999990019");
  m.bsn_hashes = {h};
  auto a = db->commit_sync(m);
  auto found = db->by_bsn_hash(h);
  BOOST_TEST(found->size() == 1u);
  BOOST_TEST(found->at(0).id == a->id);
  // No clear BSN in any column but the body.
  BOOST_TEST(count("SELECT count(*) FROM message_bsn WHERE bsn_hash = '999990019'") == 0);
  // And the store still passes its own integrity check on the next start.
  db.reset();
  BOOST_TEST(open() != nullptr);
}

BOOST_AUTO_TEST_CASE(audit_log_is_append_only) {
  auto a = db->commit_sync(message("A-1"));
  BOOST_TEST(db->audit("admin", 1000, "message-hold", a->id, "test").has_value());
  auto log = db->audit_log(0, 100);
  BOOST_REQUIRE(log->size() >= 2u);
  BOOST_TEST(log->back().uid == 1000);
  BOOST_TEST(log->back().action == "message-hold");
  BOOST_TEST(!exec("DELETE FROM audit"));
  BOOST_TEST(!exec("UPDATE audit SET actor = 'x'"));
}

BOOST_AUTO_TEST_CASE(concurrent_commits_are_group_committed_and_all_land) {
  constexpr int kThreads = 8, kEach = 100;
  std::atomic<int> failed{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i)
        if (!db->commit_sync(message("G-" + std::to_string(t) + "-" + std::to_string(i)))) ++failed;
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(failed.load() == 0);
  BOOST_TEST(count("SELECT count(*) FROM messages") == kThreads * kEach);
}

BOOST_AUTO_TEST_CASE(message_ids_are_opaque_unique_and_unguessable) {
  std::set<std::string> ids;
  for (int i = 0; i < 20000; ++i) {
    std::string id = store::new_message_id();
    BOOST_REQUIRE_EQUAL(id.size(), 24u);
    BOOST_REQUIRE(id[0] == 'm');
    BOOST_REQUIRE(id.find_first_not_of("0123456789abcdef", 1) == std::string::npos);
    // The logger would mask it as a BSN (drawn at random, 1 id in about 300).
    BOOST_REQUIRE(!core::has_bsn_run(id));
    ids.insert(id);
  }
  BOOST_TEST(ids.size() == 20000u);
  // Made in the same millisecond, two ids still differ in their 48 random bits.
  std::string a = store::new_message_id(), b = store::new_message_id();
  BOOST_TEST(a.substr(12) != b.substr(12));
}

BOOST_AUTO_TEST_CASE(backup_is_a_consistent_copy, *boost::unit_test::precondition(sqlite_file)) {
  db->commit_sync(message("K-1"));
  db->commit_sync(message("K-2"));
  std::string copy = (dir.path / "backup.db").string();
  BOOST_TEST(db->backup(copy).has_value());
  BOOST_TEST(count_rows(copy, "SELECT count(*) FROM messages") == 2);
  BOOST_TEST(db->backup(copy).error().code == core::Errc::store_backup_exists);
}

// A store and its backups hold personal data: 0600 whatever the umask (the
// unit sets UMask=0077; a store made by hand or a test must not rely on it).
BOOST_AUTO_TEST_CASE(store_wal_and_backup_are_private_whatever_the_umask, *boost::unit_test::precondition(sqlite_file)) {
  const mode_t old = ::umask(022);
  auto opts2 = options(dir.path / "open.db");
  auto s = store::open_sqlite(opts2);
  ::umask(old);
  BOOST_REQUIRE(s.has_value());
  (*s)->commit_sync(message("P-1"));
  const auto private_file = fs::perms::owner_read | fs::perms::owner_write;
  for (const char* f : {"open.db", "open.db-wal", "open.db-shm"}) {
    BOOST_TEST_CONTEXT(f) {
      BOOST_REQUIRE(fs::exists(dir.path / f));
      BOOST_TEST((fs::status(dir.path / f).permissions() == private_file));
    }
  }
  ::umask(022);
  auto r = (*s)->backup((dir.path / "copy.db").string());
  ::umask(old);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((fs::status(dir.path / "copy.db").permissions() == private_file));
  (*s)->close();
}

BOOST_AUTO_TEST_CASE(restart_returns_delivering_to_queued) {
  auto a = db->commit_sync(message("R-1"));
  db->transition(a->id, store::State::delivering, "test", "");
  db.reset();
  auto again = open();
  BOOST_CHECK((*again->get(a->id))->state == store::State::queued);
}

// Every write returns at once and reports once, from the writer thread
// (store.hpp, "Threading"): here while the writer is held inside a commit's
// judgement, so a write that waited for the writer would never return.
BOOST_AUTO_TEST_CASE(every_write_returns_at_once_and_reports_from_the_writer) {
  auto queued = db->commit_sync(message("W-1"));
  BOOST_REQUIRE(queued.has_value());
  std::promise<std::thread::id> held;
  std::promise<void> gate;
  std::shared_future<void> open = gate.get_future().share();
  auto holder = message("W-2");
  holder.decide = [&held, open](const standard::ledger::LedgerView&, store::NewMessage&) {
    held.set_value(std::this_thread::get_id());
    open.wait();
    return core::Result<store::Decision>(store::Decision{});
  };
  db->commit(std::move(holder), [](core::Result<store::CommitOutcome>) {});
  const std::thread::id writer = held.get_future().get();

  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::pair<std::thread::id, bool>> heard;  // write -> (thread, ok)
  auto hear = [&](std::string what) {
    return [&, what](auto r) {
      std::lock_guard lock(mu);
      heard[what] = {std::this_thread::get_id(), r.has_value()};
      cv.notify_all();
    };
  };
  store::QueueActionRequest hold;
  hold.action = store::QueueAction::hold;
  hold.id = queued->id;
  hold.actor = "test";
  store::PruneRequest prune;
  prune.cutoff = "2000-01-01T00:00:00Z";
  store::PruneRequest preview = prune;
  preview.dry_run = true;
  auto started = std::async(std::launch::async, [&] {
    db->ack("gemeente-m", "m-none", hear("ack"));
    db->transition(queued->id, store::State::delivering, "test", "", hear("transition"));
    db->audit("test", 1000, "note", queued->id, "", hear("audit"));
    db->queue_action(hold, hear("queue_action"));
    db->claim("nowhere", "2026-11-02T00:00:00Z", 5, hear("claim"));
    db->settle(queued->id, store::State::deferred, "2026-11-02T00:05:00Z", "busy", hear("settle"));
    db->release_held("gemeente-m", store::HoldReason::receiver_not_live, "test", hear("release_held"));
    db->mark_overdue_logged({}, hear("mark_overdue_logged"));
    db->ledger_batch([](const standard::ledger::LedgerView&, const store::LedgerApply&,
                        const store::ImportLog&) { return core::Result<void>(); },
                     false, "test", 1000, [] { return std::string(); }, hear("ledger_batch"));
    db->prune_bodies(prune, hear("prune_bodies"));
    db->prune_bodies(preview, hear("prune_bodies dry run"));
    db->redecide(queued->id, store::State::queued, store::Decide(), hear("redecide"));
  });
  const bool returned = started.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  BOOST_CHECK_MESSAGE(returned, "a write waited for the held writer");
  {
    std::lock_guard lock(mu);
    BOOST_TEST(heard.empty());  // nothing reported while the writer was held
  }
  gate.set_value();
  started.wait();
  std::unique_lock lock(mu);
  BOOST_REQUIRE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return heard.size() == 12u; }));
  for (const auto& [what, h] : heard) {
    BOOST_TEST_INFO(what);
    BOOST_TEST((h.first == writer));
    BOOST_TEST(h.second);
  }
  BOOST_CHECK((*db->get(queued->id))->state == store::State::deferred);
}

// A blocking wrapper on a thread that must not block (the HTTPS io thread,
// core/assert.hpp) is a broken invariant: it logs CORE_ASSERT_FAILED and
// aborts instead of waiting. Run in a child process (fork), bounded by an alarm.
BOOST_AUTO_TEST_CASE(a_blocking_write_on_a_non_blocking_thread_aborts) {
  int out[2];
  BOOST_REQUIRE(::pipe(out) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 2);
    // Boost.Test's handler, inherited from the parent, would catch the abort
    // and carry on in the child: the child must die of it.
    ::signal(SIGABRT, SIG_DFL);
    ::alarm(20);  // should it wait after all: SIGALRM, not SIGABRT
    core::NonBlockingThread mark;
    (void)db->audit("test", 1000, "note", "", "");
    ::_exit(0);
  }
  ::close(out[1]);
  std::string said;
  char buf[512];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
    said.append(buf, static_cast<std::size_t>(n));
  ::close(out[0]);
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGABRT);
  BOOST_TEST(said.find("CORE_ASSERT_FAILED") != std::string::npos, said);
  // Unmarked, the same call waits for the writer and succeeds.
  BOOST_TEST(db->audit("test", 1000, "note", "", "").has_value());
}

// With SLUIS_STORE_TEST_VFS the suite really runs on the wrapper: it counts
// the store's writes and syncs (and is never installed otherwise).
BOOST_AUTO_TEST_CASE(commits_go_through_the_runs_vfs, *boost::unit_test::precondition(sqlite_file)) {
  bool wrapped = std::string(kVfs) == store::FaultVfs::kName;
  auto before = store::FaultVfs::counts();
  BOOST_REQUIRE(db->commit_sync(message("V-1")).has_value());
  auto after = store::FaultVfs::counts();
  BOOST_TEST((after.writes > before.writes) == wrapped);
  BOOST_TEST((after.syncs > before.syncs) == wrapped);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(newer_schema_is_refused, *boost::unit_test::precondition(sqlite_file)) {
  Dir dir;
  store::SqliteOptions o = options(dir.path / "new.db");
  { auto s = store::open_sqlite(o); BOOST_REQUIRE(s.has_value()); }
  sqlite3* h = nullptr;
  sqlite3_open(o.path.c_str(), &h);
  sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(h);
  auto s = store::open_sqlite(o);
  BOOST_REQUIRE(s.has_error());
  BOOST_TEST(s.error().code == core::Errc::store_newer_schema);
  BOOST_TEST(s.error().text.find("schema version 99") != std::string::npos);
}

namespace {
// One value from the store at `path`, read with a connection of its own.
std::string sql_text(const std::string& path, const char* sql) {
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  std::string out = "<none>";
  if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}
}  // namespace

// Version 9 adds the meta table to a store of version 8, keeping its messages.
BOOST_AUTO_TEST_CASE(a_version_8_store_gains_the_meta_table, *boost::unit_test::precondition(sqlite_file)) {
  Dir dir;
  store::SqliteOptions o = options(dir.path / "v8.db");
  std::string id;
  {
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s.has_value());
    auto r = (*s)->commit_sync(message("M-1"));
    BOOST_REQUIRE(r.has_value());
    id = r->id;
  }
  sqlite3* h = nullptr;
  sqlite3_open(o.path.c_str(), &h);
  const std::string older = std::string(test::kUndoSchema16) +
      "DROP INDEX messages_unacked_mailbox; DROP INDEX messages_identificatie; "
      "DROP INDEX messages_identificatie_retour; "
      "DROP INDEX messages_declaratie; ALTER TABLE messages DROP COLUMN declaratie_nummer; "
      "ALTER TABLE messages DROP COLUMN retourcodes; "
      "DROP TABLE watch_case; ALTER TABLE ledger_allocation DROP COLUMN verwijzer_type; "
      "ALTER TABLE ledger_allocation DROP COLUMN client_turns_18_on; "
      "ALTER TABLE ledger_request DROP COLUMN verwijzer_type; DROP TABLE ledger_contract_warning; DROP INDEX ledger_allocation_product; "
      "DROP INDEX ledger_prestatie_provider; ALTER TABLE ledger_prestatie DROP COLUMN tarief; "
      "DROP TABLE ledger_import; DROP TABLE meta; PRAGMA user_version = 8";
  char* err = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_exec(h, older.c_str(), nullptr, nullptr, &err) == SQLITE_OK, (err ? err : ""));
  sqlite3_close(h);
  BOOST_TEST(sql_text(o.path, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'") == "0");
  o.bsn_key_fingerprint = core::bsn_key_fingerprint("key-one");
  {
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    BOOST_TEST((*s)->get(id)->has_value());
  }
  BOOST_TEST(sql_text(o.path, "PRAGMA user_version") == std::to_string(store::kSchemaVersion));
  // Version 16's leaner indexes (sql_common.hpp, kLeanMessageIndexes).
  BOOST_TEST(sql_text(o.path, "SELECT count(*) FROM sqlite_master WHERE name IN ('messages_state', "
                              "'messages_mailbox_open', 'messages_identificatie')") == "0");
  BOOST_TEST(sql_text(o.path, "SELECT name FROM pragma_index_info('messages_identification') WHERE seqno = 0") ==
             "identificatie");
  BOOST_TEST(sql_text(o.path, "SELECT partial FROM pragma_index_list('messages') WHERE name = 'messages_heen'") ==
             "1");
  BOOST_TEST(sql_text(o.path, "SELECT value FROM meta WHERE name = 'bsn_key_fingerprint'") ==
             o.bsn_key_fingerprint);
}

// A store is bound to the BSN key it was written with: the first open records
// the key's fingerprint, the same key opens it again, another key is refused.
BOOST_AUTO_TEST_CASE(a_store_refuses_another_bsn_key, *boost::unit_test::precondition(sqlite_file)) {
  const std::string one = core::bsn_key_fingerprint("key-one");
  const std::string two = core::bsn_key_fingerprint("key-two");
  BOOST_TEST(one.size() == 32u);
  BOOST_TEST(one != two);
  BOOST_TEST(one == core::bsn_key_fingerprint("key-one"));
  // Not the key, nor a plain hash of it.
  BOOST_TEST(one != core::sha256_hex("key-one").substr(0, 32));

  Dir dir;
  store::SqliteOptions o = options(dir.path / "key.db");
  {  // without a fingerprint nothing is recorded
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s.has_value());
  }
  BOOST_TEST(sql_text(o.path, "SELECT value FROM meta WHERE name = 'bsn_key_fingerprint'") == "<none>");
  o.bsn_key_fingerprint = one;
  {  // none yet: written
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s.has_value());
  }
  BOOST_TEST(sql_text(o.path, "SELECT value FROM meta WHERE name = 'bsn_key_fingerprint'") == one);
  {  // the same: fine
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s.has_value());
  }
  o.bsn_key_fingerprint = two;
  auto refused = store::open_sqlite(o);  // another: refused, both named
  BOOST_REQUIRE(refused.has_error());
  BOOST_TEST(refused.error().code == core::Errc::store_bsn_key);
  BOOST_TEST(refused.error().text.find("store=" + one) != std::string::npos, refused.error().text);
  BOOST_TEST(refused.error().text.find("configured=" + two) != std::string::npos, refused.error().text);
  BOOST_TEST(refused.error().text.find("key-two") == std::string::npos);
  // The refusal changed nothing.
  BOOST_TEST(sql_text(o.path, "SELECT value FROM meta WHERE name = 'bsn_key_fingerprint'") == one);
}

BOOST_AUTO_TEST_CASE(garbage_and_damaged_files_are_refused, *boost::unit_test::precondition(sqlite_file)) {
  Dir dir;
  std::string junk = (dir.path / "junk.db").string();
  std::ofstream(junk) << std::string(8192, 'x');
  auto a = store::open_sqlite(options(junk));
  BOOST_REQUIRE(a.has_error());
  BOOST_TEST(a.error().code == core::Errc::store_not_a_database);

  // A real store with a page overwritten in the middle.
  std::string damaged = (dir.path / "damaged.db").string();
  {
    auto s = store::open_sqlite(options(damaged));
    for (int i = 0; i < 300; ++i) (*s)->commit_sync(message("X-" + std::to_string(i), std::string(2000, 'b')));
  }
  {
    std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3);
    std::string noise(4096, '\x5a');
    f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  auto b = store::open_sqlite(options(damaged));
  BOOST_REQUIRE(b.has_error());
  BOOST_TEST((b.error().code == core::Errc::store_corrupt || b.error().code == core::Errc::store_not_a_database), b.error().text);
}
