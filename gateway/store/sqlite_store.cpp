#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_obligations.hpp"
#include "gateway/store/sqlite_queue.hpp"
#include "gateway/store/sqlite_retention.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/wal_vfs.hpp"

namespace sluis::store {

using sqlite::db_error;
using sqlite::audit_row;
using sqlite::exec;
using sqlite::Stmt;

namespace {

std::string now_utc() { return core::utc_text(std::chrono::system_clock::now()); }

// Schema version 1: messages, BSN hashes, audit. Version 2 adds the ledger
// tables (sqlite_ledger.cpp); see migrate().
// Version 8: bodies larger than kInlineBody in a table of their own, the body
// its last column. SQLite builds a row in one buffer before it inserts it; a
// trailing zeroblob is the one value it leaves out of that buffer, so a large
// body is inserted as zeroblob(size) and then written in pieces through
// incremental blob I/O: no second whole copy of a 25 MiB body in memory.
// Smaller bodies stay in messages.body (one row, one insert: the common case).
constexpr const char* kBodySchema = R"sql(
CREATE TABLE message_body (
  seq INTEGER PRIMARY KEY REFERENCES messages(seq),
  body BLOB NOT NULL
);
)sql";

// Bodies up to this size are stored in messages.body, larger ones in
// message_body (kBodySchema); the piece incremental blob I/O writes at a time.
constexpr std::size_t kInlineBody = 1u << 20;
constexpr std::size_t kBodyPiece = 1u << 20;

// The body column of a SELECT FROM messages: wherever the row's body is.
constexpr const char* kBodyColumn =
    "COALESCE((SELECT message_body.body FROM message_body WHERE message_body.seq = messages.seq), messages.body)";

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  law TEXT NOT NULL,
  type INTEGER NOT NULL,
  berichtcode INTEGER NOT NULL,
  release TEXT NOT NULL,
  sender_code TEXT NOT NULL,
  receiver_code TEXT NOT NULL,
  sender_partner TEXT NOT NULL,
  receiver_partner TEXT,
  identificatie TEXT NOT NULL,
  dagtekening TEXT NOT NULL,
  identificatie_retour TEXT,
  heen_id TEXT REFERENCES messages(id),
  body BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('received','queued','delivering','delivered','acknowledged',
                                       'deferred','held','dead','rejected')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  acked_at TEXT,
  findings TEXT NOT NULL DEFAULT '[]',
  http_status INTEGER NOT NULL DEFAULT 0,
  response TEXT,
  shadow INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_identification ON messages (sender_code, law, type, identificatie);
CREATE INDEX messages_mailbox ON messages (receiver_partner, seq);
CREATE INDEX messages_sender ON messages (sender_partner, seq);
CREATE INDEX messages_state ON messages (state, next_attempt_at);
-- Columns in primary-key order: SQLite 3.40's quick_check misreports NULLs in
-- a WITHOUT ROWID table whose key columns are declared in another order.
CREATE TABLE message_bsn (
  bsn_hash TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id),
  PRIMARY KEY (bsn_hash, message_id)
) WITHOUT ROWID;
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  uid INTEGER,
  action TEXT NOT NULL,
  message_id TEXT,
  detail TEXT
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// v4: routing (route/): where a message goes and why it is held.
constexpr const char* kRoutingSchema = R"sql(
ALTER TABLE messages ADD COLUMN destination TEXT;
ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IN ('mailbox','push','drop'));
ALTER TABLE messages ADD COLUMN hold_reason TEXT;
-- Set by message-requeue: the delivery lifetime starts again from here.
ALTER TABLE messages ADD COLUMN lifetime_from TEXT;
CREATE INDEX messages_due ON messages (destination, state, next_attempt_at);
)sql";

constexpr const char* kColumns =
    "id, seq, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, "
    "receiver_partner, identificatie, dagtekening, identificatie_retour, heen_id, sha256, size, "
    "received_at, state, attempts, next_attempt_at, last_error, acked_at, findings, response, "
    "http_status, shadow, destination, delivery, hold_reason, lifetime_from, pruned_at";
constexpr int kColumnCount = 31;  // a column selected after kColumns has this index

StoredMessage read_row(const Stmt& s) {
  StoredMessage m;
  m.id = s.text(0);
  m.seq = s.i64(1);
  m.law = s.text(2);
  m.type = static_cast<int>(s.i64(3));
  m.berichtcode = static_cast<int>(s.i64(4));
  m.release = s.text(5);
  m.sender_code = s.text(6);
  m.receiver_code = s.text(7);
  m.sender_partner = s.text(8);
  m.receiver_partner = s.text(9);
  m.identificatie = s.text(10);
  m.dagtekening = s.text(11);
  m.identificatie_retour = s.text(12);
  m.heen_id = s.text(13);
  m.sha256 = s.text(14);
  m.size = s.i64(15);
  m.received_at = s.text(16);
  m.state = parse_state(s.text(17)).value_or(State::received);
  m.attempts = static_cast<int>(s.i64(18));
  m.next_attempt_at = s.text(19);
  m.last_error = s.text(20);
  m.acked_at = s.text(21);
  m.findings_json = s.text(22);
  m.response_json = s.text(23);
  m.http_status = static_cast<int>(s.i64(24));
  m.shadow = s.i64(25) != 0;
  m.destination = s.text(26);
  m.delivery = s.text(27);
  m.hold_reason = s.text(28);
  m.lifetime_from = s.text(29);
  m.pruned_at = s.text(30);
  return m;
}

// Every row of a SELECT of kColumns.
core::Result<std::vector<StoredMessage>> all_rows(Stmt& s, sqlite3* db, const char* what) {
  std::vector<StoredMessage> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_row(s));
  if (rc != SQLITE_DONE) return db_error(db, what);
  return out;
}

// At most one row of a SELECT of kColumns.
core::Result<std::optional<StoredMessage>> one_row(Stmt& s, sqlite3* db, const char* what) {
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<StoredMessage>(read_row(s));
  if (rc == SQLITE_DONE) return std::optional<StoredMessage>();
  return db_error(db, what);
}

core::Result<sqlite3*> open_connection(const SqliteOptions& o) {
  sqlite3* db = nullptr;
  // The WAL-gathering shim (wal_vfs.hpp) over the chosen VFS; it relies on
  // synchronous = FULL, which open_sqlite sets on every connection.
  std::string vfs;
  try {
    vfs = wal_gathering_vfs(o.vfs);
  } catch (const std::exception& e) {
    return core::make_error("store.sqlite", "cannot open the store " + o.path + ": " + e.what());
  }
  int rc = sqlite3_open_v2(o.path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           vfs.c_str());
  if (rc != SQLITE_OK) {
    auto e = db_error(db, "cannot open the store " + o.path);
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_busy_timeout(db, o.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

// ---- the engine ---------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* writer, sqlite3* reader, SqliteOptions opts)
      : w_(writer),
        r_(reader),
        wcache_(std::make_unique<sqlite::StatementCache>(writer)),
        rcache_(std::make_unique<sqlite::StatementCache>(reader)),
        opts_(std::move(opts)),
        thread_([this] { writer_loop(); }) {}

  ~SqliteStore() override {
    close();
    wcache_.reset();
    rcache_.reset();
    sqlite3_close_v2(r_);
    sqlite3_close_v2(w_);
  }

  void commit(NewMessage msg, CommitDone done) override {
    enqueue_message(std::move(msg), &SqliteStore::insert_message, std::move(done));
  }

  void redecide(std::string id, State state, Decide decide, CommitDone done) override {
    NewMessage m;
    m.id = std::move(id);
    m.state = state;
    m.decide = std::move(decide);
    enqueue_message(std::move(m), &SqliteStore::redecide_message, std::move(done));
  }

  // A job on one message; `done` hears its outcome after the batch is durable.
  void enqueue_message(NewMessage msg, core::Result<void> (SqliteStore::*job)(sqlite3*, NewMessage&, CommitOutcome&),
                       CommitDone done) {
    auto outcome = std::make_shared<CommitOutcome>();
    auto m = std::make_shared<NewMessage>(std::move(msg));
    write<CommitOutcome>(outcome, std::move(done), [this, m, outcome, job](sqlite3* db) {
      return (this->*job)(db, *m, *outcome);
    });
  }

  void ledger_batch(LedgerWork work, bool keep, std::string actor, long uid,
                    std::function<std::string()> detail, Done<void> done) override {
    static constexpr const char* kDryRun = "store.dry_run";
    enqueue(
        [this, work = std::move(work), keep, actor = std::move(actor), uid,
         detail = std::move(detail)](sqlite3* db) -> core::Result<void> {
          ledger_->clear_failed();
          LedgerApply apply = [this](const standard::ledger::Changes& c) {
            return ledger_->apply(c);
          };
          if (auto w = work(*ledger_, apply); !w) return w;
          if (ledger_->failed()) return db_error(db, "ledger read");
          // A dry run ends in its savepoint's rollback: nothing it wrote stays.
          if (!keep) return core::make_error(kDryRun, "dry run: rolled back");
          return audit_row(db, actor, uid, "ledger-import", "", detail());
        },
        [done = std::move(done)](core::Result<void> r) {
          if (!r && r.error().code == kDryRun)
            done(core::Result<void>());
          else
            done(std::move(r));
        });
  }

  core::Result<std::vector<Orphan>> orphans(int limit) override {
    std::lock_guard lock(rmu_);
    Stmt s(r_, "SELECT message_id, law, gemeente, toewijzing_nummer FROM ledger_orphan ORDER BY message_id, "
               "toewijzing_nummer LIMIT ?");
    if (!s.ok()) return db_error(r_, "orphans");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<Orphan> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.text(0), {s.text(1), s.text(2), s.i64(3)}});
    if (rc != SQLITE_DONE) return db_error(r_, "orphans");
    return out;
  }

  core::Result<std::optional<StoredMessage>> get(const std::string& id) override {
    std::lock_guard lock(rmu_);
    Stmt s(r_, (std::string("SELECT ") + kColumns + " FROM messages WHERE id = ?").c_str());
    if (!s.ok()) return db_error(r_, "get");
    s.bind(1, id);
    return one_row(s, r_, "get");
  }

  core::Result<std::optional<std::string>> body(const std::string& id) override {
    std::lock_guard lock(rmu_);
    // The body is read straight into the string returned (incremental blob
    // I/O), not first into SQLite's own buffer for the column.
    Stmt s(r_, "SELECT seq, pruned_at, EXISTS (SELECT 1 FROM message_body WHERE message_body.seq = messages.seq) "
               "FROM messages WHERE id = ?");
    s.bind(1, id);
    int rc = s.step();
    if (rc == SQLITE_ROW && !s.null(1))
      return core::make_error(kPrunedError, "message " + id + ": its body was removed by the retention pruner at " +
                                                s.text(1) + "; its metadata, findings and history remain");
    if (rc == SQLITE_ROW) {
      const bool apart = s.i64(2) != 0;  // a large body (kBodySchema)
      auto read = sqlite::read_blob(r_, apart ? "message_body" : "messages", "body", s.i64(0));
      if (!read) return read.error();
      return std::optional<std::string>(std::move(*read));
    }
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    return db_error(r_, "body");
  }

  core::Result<std::vector<StoredMessage>> mailbox(const MailboxQuery& q) override {
    std::lock_guard lock(rmu_);
    std::string sql = std::string("SELECT ") + kColumns +
                      " FROM messages WHERE receiver_partner = ? AND seq > ? AND shadow = 0 AND "
                      "COALESCE(delivery, 'mailbox') = 'mailbox' AND state IN "
                      "('queued','delivering','delivered','deferred'" +
                      (q.unacked_only ? "" : ",'acknowledged'") + ") ORDER BY seq LIMIT ?";
    Stmt s(r_, sql.c_str());
    s.bind(1, q.partner).bind(2, q.after).bind(3, static_cast<std::int64_t>(q.limit));
    return all_rows(s, r_, "mailbox");
  }

  void ack(std::string partner, std::string id, Done<bool> done) override {
    auto found = std::make_shared<bool>(false);
    write<bool>(
        found, std::move(done),
        [partner = std::move(partner), id = std::move(id),
         found](sqlite3* db) -> core::Result<void> {
          Stmt s(
              db,
              "SELECT state FROM messages WHERE id = ? AND receiver_partner = ? AND shadow = 0 AND "
              "COALESCE(delivery, 'mailbox') = 'mailbox' AND state IN "
              "('queued','delivering','delivered',"
              "'deferred','acknowledged')");
          s.bind(1, id).bind(2, partner);
          if (s.step() != SQLITE_ROW) return {};
          *found = true;
          auto st = parse_state(s.text(0));
          if (st == State::acknowledged) return {};  // idempotent
          Stmt u(db, "UPDATE messages SET state = 'acknowledged', acked_at = ? WHERE id = ?");
          u.bind(1, now_utc()).bind(2, id);
          if (u.step() != SQLITE_DONE) return db_error(db, "ack");
          return audit_row(db, "partner:" + partner, -1, "ack", id, "");
        });
  }

  void transition(std::string id, State to, std::string actor, std::string reason,
                  Done<void> done) override {
    enqueue(
        [id = std::move(id), to, actor = std::move(actor),
         reason = std::move(reason)](sqlite3* db) -> core::Result<void> {
          Stmt s(db, "SELECT state FROM messages WHERE id = ?");
          s.bind(1, id);
          if (s.step() != SQLITE_ROW)
            return core::make_error("store.not_found", "no message " + id);
          auto from = parse_state(s.text(0)).value_or(State::received);
          if (!transition_allowed(from, to))
            return core::make_error("store.illegal_transition",
                                    "message " + id + " cannot go from " +
                                        std::string(to_string(from)) + " to " +
                                        std::string(to_string(to)));
          Stmt u(
              db,
              "UPDATE messages SET state = ?, last_error = COALESCE(?, last_error) WHERE id = ?");
          u.bind(1, to_string(to)).bind_null_if_empty(2, reason).bind(3, id);
          if (u.step() != SQLITE_DONE) return db_error(db, "transition");
          return audit_row(db, actor, -1,
                           std::string("state ") + std::string(to_string(from)) + " -> " +
                               std::string(to_string(to)),
                           id, reason);
        },
        std::move(done));
  }

  core::Result<std::vector<StoredMessage>> by_bsn_hash(const std::string& hash) override {
    std::lock_guard lock(rmu_);
    std::string sql = std::string("SELECT ") + kColumns +
                      " FROM messages WHERE id IN (SELECT message_id FROM message_bsn WHERE bsn_hash = ?) ORDER BY seq";
    Stmt s(r_, sql.c_str());
    s.bind(1, hash);
    return all_rows(s, r_, "by_bsn_hash");
  }

  core::Result<std::optional<StoredMessage>> find(const std::string& law, int type, const std::string& sender_code,
                                                  const std::string& identificatie, const std::string& receiver_partner,
                                                  const std::string& receiver_code) override {
    std::lock_guard lock(rmu_);
    static const std::string kFind = std::string("SELECT ") + kColumns +
                                     " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
                                     "identificatie = ? AND state != 'rejected' AND receiver_partner = ? AND "
                                     "receiver_code = ? ORDER BY seq DESC LIMIT 1";
    Stmt s(r_, kFind.c_str());
    s.bind(1, sender_code).bind(2, law).bind(3, static_cast<std::int64_t>(type)).bind(4, identificatie);
    s.bind(5, receiver_partner).bind(6, receiver_code);
    return one_row(s, r_, "find");
  }

  void audit(std::string actor, long uid, std::string action, std::string message_id,
             std::string detail, Done<void> done) override {
    enqueue([actor = std::move(actor), uid, action = std::move(action),
             message_id = std::move(message_id), detail = std::move(detail)](
                sqlite3* db) { return audit_row(db, actor, uid, action, message_id, detail); },
            std::move(done));
  }

  core::Result<std::vector<AuditEntry>> audit_log(std::int64_t after, int limit) override {
    std::lock_guard lock(rmu_);
    Stmt s(r_, "SELECT seq, at, actor, uid, action, message_id, detail FROM audit WHERE seq > ? ORDER BY seq LIMIT ?");
    s.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back({s.i64(0), s.text(1), s.text(2), s.text(4), s.text(5), s.text(6), static_cast<long>(s.i64(3))});
    if (rc != SQLITE_DONE) return db_error(r_, "audit_log");
    return out;
  }

  // ---- the standard's deadlines: SQL in sqlite_obligations.cpp ----
  core::Result<std::vector<OverdueAnswer>> overdue(const std::string& as_of, const std::string& partner) override {
    std::lock_guard lock(rmu_);
    return sqlite::overdue(r_, as_of, partner);
  }

  void probe(Done<void> done) override {
    enqueue(
        [](sqlite3*) -> core::Result<void> {
          core::pause_point("writer.probe");
          return {};
        },
        std::move(done));
  }

  void mark_overdue_logged(std::vector<std::int64_t> ids, Done<void> done) override {
    enqueue([ids = std::move(ids)](
                sqlite3* db) { return sqlite::mark_overdue_logged(db, ids, now_utc()); },
            std::move(done));
  }

  // ---- the operator's queue: SQL in sqlite_queue.cpp ----
  core::Result<std::vector<DestinationCount>> count_by_destination() override {
    std::lock_guard lock(rmu_);
    return sqlite::count_by_destination(r_);
  }

  core::Result<std::vector<StoredMessage>> queue_list(const QueueQuery& q) override {
    std::lock_guard lock(rmu_);
    return sqlite::queue_list(r_, {kColumns, &read_row}, q);
  }

  core::Result<std::vector<AuditEntry>> history(const std::string& message_id, int limit) override {
    std::lock_guard lock(rmu_);
    return sqlite::history(r_, message_id, limit);
  }

  void queue_action(QueueActionRequest req, Done<QueueActionResult> done) override {
    auto out = std::make_shared<QueueActionResult>();
    write<QueueActionResult>(out, std::move(done),
                             [req = std::move(req), out](sqlite3* db) -> core::Result<void> {
                               auto acted = sqlite::queue_action(db, req);
                               if (!acted) return acted.error();
                               *out = std::move(*acted);
                               return {};
                             });
  }

  void claim(std::string destination, std::string now, int limit,
             Done<std::vector<Claimed>> done) override {
    auto out = std::make_shared<std::vector<Claimed>>();
    write<std::vector<Claimed>>(
        out, std::move(done),
        [destination = std::move(destination), now = std::move(now), limit,
         out](sqlite3* db) -> core::Result<void> {
          Stmt q(db, (std::string("SELECT ") + kColumns + ", " + kBodyColumn +
                      " FROM messages WHERE destination = ? AND (state = 'queued' OR (state = "
                      "'deferred' AND "
                      "next_attempt_at <= ?)) ORDER BY COALESCE(next_attempt_at, received_at), seq "
                      "LIMIT ?")
                         .c_str());
          q.bind(1, destination).bind(2, now).bind(3, static_cast<std::int64_t>(limit));
          int rc;
          while ((rc = q.step()) == SQLITE_ROW) out->push_back({read_row(q), q.blob(kColumnCount)});
          if (rc != SQLITE_DONE) return db_error(db, "claim");
          Stmt u(db,
                 "UPDATE messages SET state = 'delivering', attempts = attempts + 1, "
                 "next_attempt_at = NULL "
                 "WHERE id = ?");
          for (auto& c : *out) {
            u.reset();
            u.bind(1, c.message.id);
            if (u.step() != SQLITE_DONE) return db_error(db, "claim update");
            c.message.state = State::delivering;
            c.message.attempts += 1;
          }
          return {};
        });
  }

  void settle(std::string id, State to, std::string next_attempt_at, std::string error,
              Done<void> done) override {
    enqueue(
        [id = std::move(id), to, next_attempt_at = std::move(next_attempt_at),
         error = std::move(error)](sqlite3* db) -> core::Result<void> {
          Stmt s(db, "SELECT state, attempts FROM messages WHERE id = ?");
          s.bind(1, id);
          if (s.step() != SQLITE_ROW)
            return core::make_error("store.not_found", "no message " + id);
          auto from = parse_state(s.text(0)).value_or(State::received);
          auto attempt = s.i64(1);
          if (!transition_allowed(from, to))
            return core::make_error("store.illegal_transition",
                                    "message " + id + " cannot go from " +
                                        std::string(to_string(from)) + " to " +
                                        std::string(to_string(to)));
          Stmt u(db,
                 "UPDATE messages SET state = ?, next_attempt_at = ?, last_error = COALESCE(?, "
                 "last_error), "
                 "acked_at = CASE WHEN ? = 'acknowledged' THEN ? ELSE acked_at END WHERE id = ?");
          u.bind(1, to_string(to))
              .bind_null_if_empty(2, to == State::deferred ? next_attempt_at : std::string());
          u.bind_null_if_empty(3, error).bind(4, to_string(to)).bind(5, now_utc()).bind(6, id);
          if (u.step() != SQLITE_DONE) return db_error(db, "settle");
          std::string detail = "attempt " + std::to_string(attempt);
          if (!error.empty()) detail += ": " + error;
          if (to == State::deferred) detail += "; next attempt " + next_attempt_at;
          return audit_row(
              db, "sluis", -1,
              "state " + std::string(to_string(from)) + " -> " + std::string(to_string(to)), id,
              detail);
        },
        std::move(done));
  }

  core::Result<std::vector<StoredMessage>> in_state(const std::string& destination, State state,
                                                    int limit) override {
    std::lock_guard lock(rmu_);
    Stmt s(r_, (std::string("SELECT ") + kColumns +
                " FROM messages WHERE destination = ? AND state = ? ORDER BY seq LIMIT ?").c_str());
    s.bind(1, destination).bind(2, to_string(state)).bind(3, static_cast<std::int64_t>(limit));
    return all_rows(s, r_, "in_state");
  }

  void release_held(std::string receiver_partner, std::string reason, std::string actor,
                    Done<std::int64_t> done) override {
    auto n = std::make_shared<std::int64_t>(0);
    write<std::int64_t>(
        n, std::move(done),
        [receiver_partner = std::move(receiver_partner), reason = std::move(reason),
         actor = std::move(actor), n](sqlite3* db) -> core::Result<void> {
          Stmt q(db,
                 "SELECT id FROM messages WHERE receiver_partner = ? AND state = 'held' AND "
                 "hold_reason = ?");
          q.bind(1, receiver_partner).bind(2, reason);
          std::vector<std::string> ids;
          int rc;
          while ((rc = q.step()) == SQLITE_ROW) ids.push_back(q.text(0));
          if (rc != SQLITE_DONE) return db_error(db, "release_held");
          Stmt u(db, "UPDATE messages SET state = 'queued', hold_reason = NULL WHERE id = ?");
          for (const auto& id : ids) {
            u.reset();
            u.bind(1, id);
            if (u.step() != SQLITE_DONE) return db_error(db, "release_held update");
            if (auto a =
                    audit_row(db, actor, -1, "state held -> queued", id, "released: " + reason);
                !a)
              return a;
          }
          *n = static_cast<std::int64_t>(ids.size());
          return {};
        });
  }

  // ---- retention: SQL in sqlite_retention.cpp ----
  // One writer job per batch, so commits queued meanwhile go in between: each
  // batch's `done` queues the next. A dry run is one job that only reads.
  void prune_bodies(PruneRequest req, Done<PruneResult> done) override {
    auto out = std::make_shared<PruneResult>();
    if (req.dry_run) {
      write<PruneResult>(out, std::move(done),
                         [req = std::move(req), out](sqlite3* db) -> core::Result<void> {
                           auto preview = sqlite::prune_preview(db, req);
                           if (!preview) return preview.error();
                           *out = *preview;
                           return {};
                         });
      return;
    }
    prune_next(std::make_shared<const PruneRequest>(std::move(req)), out, std::move(done));
  }

  void prune_next(std::shared_ptr<const PruneRequest> req, std::shared_ptr<PruneResult> out,
                  Done<PruneResult> done) {
    std::int64_t n = std::max(1, req->batch);
    if (req->limit > 0) n = std::min(n, req->limit - out->pruned);
    if (n <= 0) {  // the limit reached: do more qualify?
      write<PruneResult>(out, std::move(done), [req, out](sqlite3* db) -> core::Result<void> {
        auto left = sqlite::prunable_left(db, req->cutoff);
        if (!left) return left.error();
        out->more = *left;
        return {};
      });
      return;
    }
    auto got = std::make_shared<sqlite::PruneBatch>();
    enqueue(
        [req, n, got](sqlite3* db) -> core::Result<void> {
          auto b = sqlite::prune_batch(db, *req, n, now_utc());
          if (!b) return b.error();
          *got = *b;
          return {};
        },
        [this, req, out, got, n, done = std::move(done)](core::Result<void> r) mutable {
          if (!r) return done(r.error());
          out->pruned += got->pruned;
          out->bytes += got->bytes;
          if (got->pruned < n) return done(std::move(*out));  // nothing left
          prune_next(std::move(req), std::move(out), std::move(done));
        });
  }

  core::Result<void> backup(const std::string& path) override {
    std::error_code ec;
    if (std::filesystem::exists(path, ec))
      return core::make_error("store.backup_exists", path + " exists; name a new file");
    sqlite3* dst = nullptr;
    if (sqlite3_open_v2(path.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      auto e = db_error(dst, "cannot create " + path);
      sqlite3_close_v2(dst);
      return e;
    }
    std::lock_guard lock(rmu_);
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", r_, "main");
    if (!b) {
      auto e = db_error(dst, "backup");
      sqlite3_close_v2(dst);
      return e;
    }
    int rc;
    // Copy in steps so writers are not blocked for the whole copy.
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      if (rc != SQLITE_OK) sqlite3_sleep(5);
    sqlite3_backup_finish(b);
    core::Result<void> out;
    if (rc != SQLITE_DONE) out = db_error(dst, "backup to " + path);
    sqlite3_close_v2(dst);
    // Audited by the caller, who knows who asked (admin: the peer's uid).
    return out;
  }

  std::size_t pending() const override { return pending_.load(std::memory_order_relaxed); }

  void close() override {
    {
      std::lock_guard lock(qmu_);
      if (closing_) return;
      closing_ = true;
    }
    qcv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Job {
    std::function<core::Result<void>(sqlite3*)> run;
    std::function<void(core::Result<void>)> done;
  };

  void enqueue(std::function<core::Result<void>(sqlite3*)> run, std::function<void(core::Result<void>)> done) {
    {
      std::lock_guard lock(qmu_);
      if (!closing_) {
        pending_.fetch_add(1, std::memory_order_relaxed);
        queue_.push_back({std::move(run), [this, done = std::move(done)](core::Result<void> r) {
                            pending_.fetch_sub(1, std::memory_order_relaxed);
                            done(std::move(r));
                          }});
        qcv_.notify_one();
        return;
      }
    }
    done(core::make_error("store.closed", "the store is shutting down"));
  }

  // A job whose result the job itself leaves in `*out`: `done` hears it
  // after the batch is durable, or the job's or the batch's error.
  template <class T>
  void write(std::shared_ptr<T> out, Done<T> done,
             std::function<core::Result<void>(sqlite3*)> run) {
    enqueue(std::move(run), [out = std::move(out), done = std::move(done)](core::Result<void> r) {
      if (r)
        done(std::move(*out));
      else
        done(r.error());
    });
  }

  // The writer: takes every queued job (up to max_batch), runs each in its own
  // savepoint inside one transaction, commits once, then reports. A job's
  // `done` learns of success only after COMMIT returned, i.e. after the WAL
  // was fsynced (synchronous=FULL).
  void writer_loop() {
    for (;;) {
      std::vector<Job> batch;
      {
        std::unique_lock lock(qmu_);
        qcv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty() && closing_) return;
        while (!queue_.empty() && static_cast<int>(batch.size()) < opts_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      run_batch(batch);
    }
  }

  // The durable commit point. Crash argument: until COMMIT returns, nothing of
  // the batch is durable and no caller has been told anything, so a crash at
  // any line before loses only unacknowledged work (SQLite's WAL rolls the
  // partial transaction back on the next open). COMMIT with synchronous=FULL
  // returns after the WAL frames are fsynced; only then do callers hear
  // "success", so everything acknowledged is on disk. A job that fails inside
  // its savepoint is rolled back alone and told so; the others still commit.
  //
  // I/O errors and a full disk (docs/store.md, "Faults"): SQLite may answer
  // them by rolling the whole transaction back itself (SQLITE_IOERR,
  // SQLITE_FULL; sqlite3_get_autocommit() is then true again). Inside the batch
  // that loses every job so far, and a later "SAVEPOINT job" would open, and
  // its RELEASE commit, a transaction of its own: so the batch stops and every
  // job fails. A failed COMMIT fails every job; a transaction SQLite left open
  // is rolled back, here and again before the next BEGIN, so the next batch
  // starts clean. A job hears success only when COMMIT returned SQLITE_OK (the
  // converse need not hold: when the autocheckpoint after a durable COMMIT
  // fails, or an fsync fails after the WAL frames were written, a commit
  // reported failed may be found after a reopen; the sender's resend is then
  // an idempotent replay).
  void run_batch(std::vector<Job>& batch) {
    std::vector<core::Result<void>> results(batch.size());
    if (!sqlite3_get_autocommit(w_)) sqlite::run(w_, "ROLLBACK");
    auto begun = sqlite::run(w_, "BEGIN IMMEDIATE");
    if (!begun) {
      for (auto& j : batch) j.done(begun.error());
      return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      sqlite::run(w_, "SAVEPOINT job");
      results[i] = batch[i].run(w_);
      if (results[i]) sqlite::run(w_, "RELEASE job");
      else {
        sqlite::run(w_, "ROLLBACK TO job");
        sqlite::run(w_, "RELEASE job");
      }
      if (sqlite3_get_autocommit(w_)) {  // SQLite rolled the batch back
        core::Error cause = results[i] ? core::Error{"store.sqlite", "the transaction ended"} : results[i].error();
        core::Error e{cause.code == "store.disk_full" ? cause.code : "store.commit_failed",
                      "the batch of " + std::to_string(batch.size()) + " commits to " + opts_.path +
                          " was rolled back: " + cause.text};
        for (std::size_t j = 0; j < batch.size(); ++j) batch[j].done(j == i && !results[i] ? results[i].error() : e);
        return;
      }
    }
    auto committed = sqlite::run(w_, "COMMIT");
    if (!committed) {
      core::Error e = commit_error(committed.error());  // before ROLLBACK resets the error code
      if (!sqlite3_get_autocommit(w_)) sqlite::run(w_, "ROLLBACK");
      for (auto& j : batch) j.done(e);
      return;
    }
    // Group commit at work: jobs per durable transaction is the ratio.
    static auto& batches = core::counter("sluis_store_transactions_total",
                                         "Durable write transactions (one fsync each) of the store's writer.");
    static auto& jobs = core::counter("sluis_store_transaction_jobs_total",
                                      "Jobs (message commits and other writes) those transactions carried.");
    batches.inc();
    jobs.inc(static_cast<std::int64_t>(batch.size()));
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
  }

  // What a failed COMMIT tells its callers (and, through the intake's
  // INTAKE_COMMIT_FAILED event, the operator): a full disk by name, with the
  // directory, since freeing space there is the remedy; else what SQLite said.
  core::Error commit_error(const core::Error& failed) const {
    int code = sqlite3_extended_errcode(w_);
    std::string dir = std::filesystem::path(opts_.path).parent_path().string();
    if ((code & 0xff) == SQLITE_FULL)
      return {"store.disk_full", "the disk holding " + dir + " is full: could not commit to " + opts_.path + " (" +
                                     failed.text + ")"};
    return {"store.commit_failed", "commit to " + opts_.path + " failed: " + failed.text + " (SQLite error " +
                                       std::to_string(code) + ")"};
  }

  // One received message: idempotency and identification checks, the
  // judgement against the ledger (m.decide), the row, its BSN hashes, its
  // ledger changes and the retours it produced, and audit entries. Runs in the
  // job's savepoint: all of it or nothing.
  core::Result<void> insert_message(sqlite3* db, NewMessage& m, CommitOutcome& out) {
    if (m.sha256.empty()) m.sha256 = core::sha256_hex(m.body);
    const std::string& sha = m.sha256;
    // Both lookups below compare with messages of the same kind (shadow or
    // live: Store::commit) and, for a partner's retour, of the same answerer
    // (NewMessage::retour): parameters 5 to 8 of each.
    auto same_kind = [&m](Stmt& s, int first) {
      s.bind(first, static_cast<std::int64_t>(m.shadow ? 1 : 0));
      s.bind(first + 1, static_cast<std::int64_t>(m.retour ? 1 : 0));
      s.bind(first + 2, m.receiver_code).bind(first + 3, m.sender_partner);
    };
    // Idempotency: this very message (same sender, law, type, identification
    // and bytes) before? Then its stored outcome is the answer.
    static const std::string kSame = std::string("SELECT ") + kColumns +
                                     " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
                                     "identificatie = ? AND shadow = ? AND (? = 0 OR (receiver_code = ? AND "
                                     "sender_partner = ?)) AND sha256 = ? AND sender_partner != 'sluis' "
                                     "ORDER BY seq DESC LIMIT 1";
    Stmt same(db, kSame.c_str());
    same.bind(1, m.sender_code).bind(2, m.law).bind(3, static_cast<std::int64_t>(m.type));
    same.bind(4, m.identificatie);
    same_kind(same, 5);
    same.bind(9, sha);
    int rc = same.step();
    if (rc == SQLITE_ROW) {
      out.existing = read_row(same);
      out.id = out.existing->id;
      out.replay = true;
      out.state = out.existing->state;
      out.http_status = out.existing->http_status;
      out.response_json = out.existing->response_json;
      return {};
    }
    if (rc != SQLITE_DONE) return db_error(db, "idempotency lookup");
    // Another body under an identification already accepted: TR056. A
    // rejected earlier message does not block the corrected resubmission.
    if (m.state != State::rejected) {
      static const std::string kAccepted = std::string("SELECT ") + kColumns +
                                           " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
                                           "identificatie = ? AND shadow = ? AND (? = 0 OR (receiver_code = ? AND "
                                           "sender_partner = ?)) AND state != 'rejected' AND "
                                           "sender_partner != 'sluis' ORDER BY seq DESC LIMIT 1";
      Stmt q(db, kAccepted.c_str());
      q.bind(1, m.sender_code).bind(2, m.law).bind(3, static_cast<std::int64_t>(m.type)).bind(4, m.identificatie);
      same_kind(q, 5);
      rc = q.step();
      if (rc == SQLITE_ROW) {
        out.conflict = read_row(q);
        out.unstored = std::move(m);  // nothing of it was stored: back to the caller, body and all
        return {};
      }
      if (rc != SQLITE_DONE) return db_error(db, "identification lookup");
    }
    if (m.id.empty()) m.id = new_message_id();
    out.id = m.id;
    auto decided = decide(db, m);
    if (!decided) return decided.error();
    Decision decision = std::move(*decided);
    if (auto r = insert_row(db, m); !r) return r;
    if (auto r = apply_decision(db, m, decision, out); !r) return r;
    out.state = m.state;
    out.http_status = m.http_status;
    out.response_json = m.response_json;
    return {};
  }

  // The message's judgement against the ledger (none without a decider). A
  // failed ledger read fails the job: nothing is decided on half an answer.
  core::Result<Decision> decide(sqlite3* db, NewMessage& m) {
    if (!m.decide) return Decision{};
    ledger_->clear_failed();
    // The decider is the caller's code running on the writer thread: what it
    // throws fails this job alone (rolled back, told to its caller) instead
    // of ending the writer and with it every commit.
    auto d = [&]() -> core::Result<Decision> {
      try {
        return m.decide(*ledger_, m);
      } catch (const std::exception& e) {
        return core::make_error("store.decide_failed", std::string("the judgement failed: ") + e.what());
      } catch (...) {
        return core::make_error("store.decide_failed", "the judgement failed (not a std::exception)");
      }
    }();
    if (!d) return d.error();
    if (ledger_->failed()) return db_error(db, "ledger read");
    return std::move(*d);
  }

  // What a decision makes of a message already in its row: the orphan keys it
  // waits for, or its ledger changes and the messages composed for it; and
  // the held orphans the allocations it brought release.
  core::Result<void> apply_decision(sqlite3* db, const NewMessage& m, Decision& decision, CommitOutcome& out) {
    if (!decision.orphans.empty()) {
      out.orphan = true;
      for (const auto& k : decision.orphans) {
        Stmt s(db, "INSERT OR IGNORE INTO ledger_orphan (law, gemeente, toewijzing_nummer, message_id) VALUES (?,?,?,?)");
        s.bind(1, k.law).bind(2, k.gemeente).bind(3, k.toewijzing_nummer).bind(4, m.id);
        if (s.step() != SQLITE_DONE) return db_error(db, "orphan insert");
      }
      return audit_row(db, "sluis", -1, "held", m.id, "waiting for an allocation (orphans = hold)");
    }
    if (auto r = ledger_->apply(decision.changes); !r) return r;
    for (auto& p : decision.produced) {
      if (p.id.empty()) p.id = new_message_id();
      if (p.heen_id.empty()) p.heen_id = m.id;
      if (auto r = insert_row(db, p); !r) return r;
      out.produced_ids.push_back(p.id);
    }
    // The standard's deadlines, with the message (sqlite_obligations.cpp).
    if (auto r = sqlite::apply_obligations(db, m, decision, core::format_date(core::dutch_date(
                                                                  std::chrono::system_clock::now())));
        !r)
      return r;
    out.late = decision.late;
    if (decision.changes.allocations.empty()) return {};
    Stmt s(db, "SELECT DISTINCT message_id FROM ledger_orphan WHERE law = ? AND gemeente = ? AND toewijzing_nummer = ?");
    for (const auto& a : decision.changes.allocations) {
      s.reset();
      s.bind(1, a.law).bind(2, a.gemeente).bind(3, a.toewijzing_nummer);
      int rc;
      while ((rc = s.step()) == SQLITE_ROW) {
        std::string id = s.text(0);
        if (std::find(out.released.begin(), out.released.end(), id) == out.released.end()) out.released.push_back(id);
      }
      if (rc != SQLITE_DONE) return db_error(db, "orphan lookup");
    }
    return {};
  }

  // A held orphan judged again (Store::redecide).
  core::Result<void> redecide_message(sqlite3* db, NewMessage& m, CommitOutcome& out) {
    out.id = m.id;
    Stmt q(db, (std::string("SELECT ") + kColumns + ", " + kBodyColumn + " FROM messages WHERE id = ? AND state = 'held' AND "
                "EXISTS (SELECT 1 FROM ledger_orphan WHERE message_id = ?)").c_str());
    q.bind(1, m.id).bind(2, m.id);
    int rc = q.step();
    if (rc != SQLITE_ROW) {
      if (rc != SQLITE_DONE) return db_error(db, "orphan check");
      out.state = State::received;  // not (any longer) a held orphan: nothing done
      return {};
    }
    StoredMessage row = read_row(q);
    m.law = row.law;
    m.type = row.type;
    m.berichtcode = row.berichtcode;
    m.release = row.release;
    m.sender_code = row.sender_code;
    m.receiver_code = row.receiver_code;
    m.sender_partner = row.sender_partner;
    m.receiver_partner = row.receiver_partner;
    m.identificatie = row.identificatie;
    m.dagtekening = row.dagtekening;
    m.shadow = row.shadow;
    m.destination = row.destination;
    m.delivery = row.delivery;
    m.body = q.blob(kColumnCount);
    Stmt h(db, "SELECT bsn_hash FROM message_bsn WHERE message_id = ?");
    h.bind(1, m.id);
    while ((rc = h.step()) == SQLITE_ROW) m.bsn_hashes.push_back(h.text(0));
    if (rc != SQLITE_DONE) return db_error(db, "orphan hashes");
    Stmt forget(db, "DELETE FROM ledger_orphan WHERE message_id = ?");
    forget.bind(1, m.id);
    if (forget.step() != SQLITE_DONE) return db_error(db, "orphan delete");
    auto decided = decide(db, m);
    if (!decided) return decided.error();
    Decision decision = std::move(*decided);
    Stmt u(db, "UPDATE messages SET state = ?, findings = ?, http_status = ?, response = ?, hold_reason = ? "
               "WHERE id = ?");
    u.bind(1, to_string(m.state)).bind(2, m.findings_json).bind(3, static_cast<std::int64_t>(m.http_status));
    u.bind(4, m.response_json).bind_null_if_empty(5, m.state == State::held ? m.hold_reason : std::string());
    u.bind(6, m.id);
    if (u.step() != SQLITE_DONE) return db_error(db, "redecide update");
    if (auto r = apply_decision(db, m, decision, out); !r) return r;
    if (decision.orphans.empty())
      if (auto r = audit_row(db, "sluis", -1, "released", m.id, std::string(to_string(m.state))); !r) return r;
    out.state = m.state;
    out.http_status = m.http_status;
    out.response_json = m.response_json;
    return {};
  }

  // A body larger than kInlineBody: a row of zeros of its size (a trailing
  // zeroblob is not built in memory), then the bytes written over it in
  // pieces, so SQLite never holds a second whole copy (kBodySchema).
  static core::Result<void> insert_large_body(sqlite3* db, sqlite3_int64 seq, std::string_view body) {
    Stmt z(db, "INSERT INTO message_body (seq, body) VALUES (?, zeroblob(?))");
    z.bind(1, static_cast<std::int64_t>(seq)).bind(2, static_cast<std::int64_t>(body.size()));
    if (z.step() != SQLITE_DONE) return db_error(db, "insert body");
    sqlite3_blob* blob = nullptr;
    if (sqlite3_blob_open(db, "main", "message_body", "body", seq, 1, &blob) != SQLITE_OK) {
      auto e = db_error(db, "open body");
      sqlite3_blob_close(blob);
      return e;
    }
    int rc = SQLITE_OK;
    for (std::size_t at = 0; at < body.size() && rc == SQLITE_OK; at += kBodyPiece) {
      const std::size_t n = std::min(kBodyPiece, body.size() - at);
      rc = sqlite3_blob_write(blob, body.data() + at, static_cast<int>(n), static_cast<int>(at));
    }
    if (rc != SQLITE_OK) {
      auto e = db_error(db, "write body");
      sqlite3_blob_close(blob);
      return e;
    }
    if (sqlite3_blob_close(blob) != SQLITE_OK) return db_error(db, "close body");
    return {};
  }

  static core::Result<void> insert_row(sqlite3* db, const NewMessage& m) {
    Stmt s(db,
           "INSERT INTO messages (id, law, type, berichtcode, release, sender_code, receiver_code, "
           "sender_partner, receiver_partner, identificatie, dagtekening, identificatie_retour, heen_id, "
           "body, sha256, size, received_at, state, findings, http_status, response, shadow, destination, "
           "delivery, hold_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, m.id).bind(2, m.law).bind(3, static_cast<std::int64_t>(m.type));
    s.bind(4, static_cast<std::int64_t>(m.berichtcode)).bind(5, m.release).bind(6, m.sender_code);
    s.bind(7, m.receiver_code).bind(8, m.sender_partner).bind_null_if_empty(9, m.receiver_partner);
    s.bind(10, m.identificatie).bind(11, m.dagtekening).bind_null_if_empty(12, m.identificatie_retour);
    // The body without a copy of ours (SQLITE_STATIC: `m` outlives the
    // statement's run). SQLite builds the row in one buffer, body included;
    // a large body goes to message_body instead (insert_large_body).
    const bool large = m.body.size() > kInlineBody;
    s.bind_null_if_empty(13, m.heen_id).bind_blob_static(14, large ? std::string_view("") : std::string_view(m.body));  // "": an empty blob, not NULL
    s.bind(15, m.sha256.empty() ? core::sha256_hex(m.body) : m.sha256);
    s.bind(16, static_cast<std::int64_t>(m.body.size())).bind(17, now_utc()).bind(18, to_string(m.state));
    s.bind(19, m.findings_json).bind(20, static_cast<std::int64_t>(m.http_status));
    s.bind_null_if_empty(21, m.response_json).bind(22, static_cast<std::int64_t>(m.shadow ? 1 : 0));
    s.bind_null_if_empty(23, m.destination).bind_null_if_empty(24, m.delivery);
    s.bind_null_if_empty(25, m.state == State::held ? m.hold_reason : std::string());
    if (s.step() != SQLITE_DONE) return db_error(db, "insert message");
    if (large)
      if (auto r = insert_large_body(db, sqlite3_last_insert_rowid(db), m.body); !r) return r;
    for (const auto& h : m.bsn_hashes) {
      Stmt b(db, "INSERT OR IGNORE INTO message_bsn (message_id, bsn_hash) VALUES (?, ?)");
      b.bind(1, m.id).bind(2, h);
      if (b.step() != SQLITE_DONE) return db_error(db, "insert bsn hash");
    }
    return audit_row(db, "partner:" + m.sender_partner, -1, std::string(to_string(m.state)), m.id, "");
  }

  sqlite3* w_;
  sqlite3* r_;
  std::unique_ptr<sqlite::StatementCache> wcache_;
  std::unique_ptr<sqlite::StatementCache> rcache_;
  SqliteOptions opts_;
  std::unique_ptr<sqlite::Ledger> ledger_ = std::make_unique<sqlite::Ledger>(w_);  // writer thread only
  std::mutex rmu_;
  std::mutex qmu_;
  std::condition_variable qcv_;
  std::deque<Job> queue_;
  std::atomic<std::size_t> pending_{0};  // jobs queued or in the running batch
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace

core::Result<void> sqlite::audit_row(sqlite3* db, const std::string& actor, long uid, const std::string& action,
                                     const std::string& message_id, const std::string& detail) {
  Stmt s(db, "INSERT INTO audit (at, actor, uid, action, message_id, detail) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, now_utc()).bind(2, actor).bind(3, static_cast<std::int64_t>(uid)).bind(4, action);
  s.bind_null_if_empty(5, message_id).bind_null_if_empty(6, detail);
  if (s.step() != SQLITE_DONE) return db_error(db, "audit");
  return {};
}

namespace {

core::Result<void> migrate(sqlite3* db, const std::string& path) {
  Stmt v(db, "PRAGMA user_version");
  if (!v.ok() || v.step() != SQLITE_ROW)
    return core::make_error("store.not_a_database", path + " is not a sluis store (or is corrupt): " + sqlite3_errmsg(db));
  int version = static_cast<int>(v.i64(0));
  if (version > kSchemaVersion)
    return core::make_error("store.newer_schema",
                            path + " was written by a newer sluis (schema version " + std::to_string(version) +
                                ", this build knows up to " + std::to_string(kSchemaVersion) +
                                "); run that version or restore a backup");
  // Forward-only: kMigrations[n] takes the schema from version n to n + 1, each
  // step in its own transaction, so an interrupted upgrade resumes where it stopped.
  const char* const kMigrations[] = {kSchemaV1, sqlite::kLedgerSchema, sqlite::kOrphanSchema, kRoutingSchema,
                                     sqlite::kObligationSchema, sqlite::kRetentionSchema,
                                     sqlite::kLedgerDebitSchema, kBodySchema};
  static_assert(std::size(kMigrations) == kSchemaVersion);
  for (; version < kSchemaVersion; ++version) {
    if (auto r = exec(db, "BEGIN IMMEDIATE"); !r) return r;
    if (auto r = exec(db, kMigrations[version]); !r) {
      exec(db, "ROLLBACK");
      return r;
    }
    exec(db, ("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    if (auto r = exec(db, "COMMIT"); !r) return r;
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path) {
  SqliteOptions opts;
  opts.path = path;
  return open_sqlite(opts);
}

core::Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& opts) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(opts.path).parent_path(), ec);
  auto w = open_connection(opts);
  if (!w) return w.error();
  sqlite3* writer = *w;
  auto fail = [&](core::Error e) -> core::Result<std::unique_ptr<Store>> {
    sqlite3_close_v2(writer);
    return e;
  };
  // The integrity check comes first: a damaged file is refused, never written to.
  {
    Stmt qc(writer, "PRAGMA quick_check");
    if (!qc.ok() || qc.step() != SQLITE_ROW)
      return fail(core::make_error("store.not_a_database",
                                   opts.path + " is not a sluis store (or is corrupt): " + sqlite3_errmsg(writer)));
    if (qc.text(0) != "ok")
      return fail(core::make_error("store.corrupt", opts.path + " failed the integrity check (" + qc.text(0) +
                                                        "); restore a backup (sluisctl backup) or move it away"));
  }
  // temp_store = MEMORY: each job's savepoint keeps the pages it changes that
  // the batch had changed before (its sub-journal) in memory, not in a
  // temporary file written page by page (a third of the writer's time before).
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON",
                             "PRAGMA temp_store = MEMORY"})
    if (auto r = exec(writer, pragma); !r) return fail(r.error());
  if (auto r = migrate(writer, opts.path); !r) return fail(r.error());
  // Startup recovery: an attempt that was running when we stopped did not finish.
  if (opts.recover)
    if (auto r = exec(writer, "UPDATE messages SET state = 'queued' WHERE state = 'delivering'"); !r)
      return fail(r.error());
  auto rd = open_connection(opts);
  if (!rd) return fail(rd.error());
  exec(*rd, "PRAGMA foreign_keys = ON");
  exec(*rd, "PRAGMA synchronous = FULL");  // the WAL shim's condition, should it ever write
  return std::unique_ptr<Store>(new SqliteStore(writer, *rd, opts));
}

}  // namespace sluis::store
