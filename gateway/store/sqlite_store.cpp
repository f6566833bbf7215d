// The embedded engine: SqliteStore, the Store over one SQLite file, ties the
// pieces together. Writes are jobs of the writer and its group commit
// (sqlite_writer.hpp, the durable commit point); a message's insert, decision
// and redecision are sqlite_messages.cpp; the schema and its migrations
// sqlite_schema.cpp; the ledger, the operator's queue, the obligations and
// retention their own sqlite_*.cpp. Reads run on a second connection under
// one lock. open_sqlite opens both connections, checks and migrates the file.

#include <sqlite3.h>

#include <filesystem>
#include <mutex>

#include "gateway/core/test_pause.hpp"
#include "gateway/store/clean_shutdown.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_messages.hpp"
#include "gateway/store/sqlite_obligations.hpp"
#include "gateway/store/sqlite_portal.hpp"
#include "gateway/store/sqlite_queue.hpp"
#include "gateway/store/sqlite_steering.hpp"
#include "gateway/store/sqlite_retention.hpp"
#include "gateway/store/sqlite_backup.hpp"
#include "gateway/store/sqlite_schema.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/sqlite_watches.hpp"
#include "gateway/store/sqlite_writer.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/wal_vfs.hpp"

namespace sluis::store {

using sqlite::all_rows;
using sqlite::audit_row;
using sqlite::db_error;
using sqlite::exec;
using sqlite::kBodyColumn;
using sqlite::one_row;
using sqlite::read_row;
using sqlite::Stmt;

namespace {

core::Result<sqlite3*> open_connection(const SqliteOptions& o) {
  // Before SQLite initialises (the first open of the process): no statistics
  // of its own memory, which sluis never reads and which cost a global mutex
  // around every allocation. Refused harmlessly when something in the process
  // initialised SQLite before.
  static const int kNoMemoryStatistics = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)kNoMemoryStatistics;
  sqlite3* db = nullptr;
  // The WAL-gathering shim (wal_vfs.hpp) over the chosen VFS; it relies on
  // synchronous = FULL, which open_sqlite sets on every connection.
  std::string vfs;
  try {
    vfs = wal_gathering_vfs(o.vfs);
  } catch (const std::exception& e) {
    return core::make_error(core::Errc::store_sqlite,
                            "cannot open the store " + o.path + ": " + e.what());
  }
  if (o.path != ":memory:" && !o.path.starts_with("file:")) {
    if (auto made = sqlite::create_private_file(o.path); !made) return made.error();
  }
  int rc = sqlite3_open_v2(o.path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           vfs.c_str());
  if (rc != SQLITE_OK) {
    auto e = db_error(db, "cannot open the store " + o.path);
    sqlite3_close_v2(db);
    return e;
  }
  sqlite3_busy_timeout(db, o.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  if (auto t = sqlite::tune_connection(db); !t) {
    sqlite3_close_v2(db);
    return t.error();
  }
  return db;
}

// ---- the engine ---------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  SqliteStore(sqlite3* writer, sqlite3* reader, SqliteOptions opts, bool checked)
      : checked_(checked),
        w_(writer),
        r_(reader),
        wcache_(std::make_unique<sqlite::StatementCache>(writer)),
        rcache_(std::make_unique<sqlite::StatementCache>(reader)),
        opts_(std::move(opts)),
        writer_(w_, opts_.path, opts_.max_batch) {}

  ~SqliteStore() override {
    close();
    wcache_.reset();
    rcache_.reset();
    const bool closed = sqlite3_close_v2(r_) == SQLITE_OK;
    if (sqlite3_close_v2(w_) == SQLITE_OK && closed && opts_.trust_clean_shutdown)
      leave_clean_marker(opts_.path);  // if it cannot, the next start checks
  }

  bool checked_at_open() const override { return checked_; }

  void commit(NewMessage msg, CommitDone done) override {
    enqueue_message(std::move(msg), &sqlite::insert_message, std::move(done));
  }

  void redecide(std::string id, State state, Decide decide, CommitDone done) override {
    NewMessage m;
    m.id = std::move(id);
    m.state = state;
    m.decide = std::move(decide);
    enqueue_message(std::move(m), &sqlite::redecide_message, std::move(done));
  }

  // A job on one message; `done` hears its outcome after the batch is durable.
  void enqueue_message(NewMessage msg,
                       core::Result<void> (*job)(sqlite3*, sqlite::Ledger&, NewMessage&,
                                                 CommitOutcome&),
                       CommitDone done) {
    auto outcome = std::make_shared<CommitOutcome>();
    auto m = std::make_shared<NewMessage>(std::move(msg));
    writer_.write<CommitOutcome>(outcome, std::move(done), [this, m, outcome, job](sqlite3* db) {
      return job(db, *ledger_, *m, *outcome);
    });
  }

  void ledger_batch(LedgerWork work, bool keep, std::string actor, long uid,
                    std::function<std::string()> detail, Done<void> done) override {
    static constexpr core::Errc kDryRun = core::Errc::store_dry_run;
    writer_.enqueue(
        [this, work = std::move(work), keep, actor = std::move(actor), uid,
         detail = std::move(detail)](sqlite3* db) -> core::Result<void> {
          ledger_->clear_failed();
          LedgerApply apply = [this](const standard::ledger::Changes& c) {
            return ledger_->apply(c);
          };
          ImportLog log;
          log.seen = [db](const std::string& digest, int type) -> core::Result<bool> {
            Stmt s(db, "SELECT 1 FROM ledger_import WHERE digest = ? AND type = ?");
            if (!s.ok()) return db_error(db, "ledger_import seen");
            s.bind(1, digest);
            s.bind(2, static_cast<std::int64_t>(type));
            const int rc = s.step();
            if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db, "ledger_import seen");
            return rc == SQLITE_ROW;
          };
          log.record = [db](const std::string& digest, int type) -> core::Result<void> {
            Stmt s(db,
                   "INSERT OR IGNORE INTO ledger_import (digest, type, imported_at) "
                   "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            if (!s.ok()) return db_error(db, "ledger_import record");
            s.bind(1, digest);
            s.bind(2, static_cast<std::int64_t>(type));
            if (s.step() != SQLITE_DONE) return db_error(db, "ledger_import record");
            return {};
          };
          if (auto w = work(*ledger_, apply, log); !w) return w;
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
    Stmt s(r_,
           "SELECT message_id, law, gemeente, toewijzing_nummer FROM ledger_orphan ORDER BY "
           "message_id, "
           "toewijzing_nummer LIMIT ?");
    if (!s.ok()) return db_error(r_, "orphans");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<Orphan> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto law = s.law(1);
      if (!law) return bad_law("orphans");
      out.push_back({s.text(0), {*law, s.text(2), s.i64(3)}});
    }
    if (rc != SQLITE_DONE) return db_error(r_, "orphans");
    return out;
  }

  core::Result<void> read_ledger(
      const std::function<void(const standard::ledger::LedgerView&)>& read) override {
    std::lock_guard lock(rmu_);
    if (auto r = sqlite::exec(r_, "BEGIN"); !r) return r;
    sqlite::Ledger ledger(r_);
    read(ledger);
    sqlite::exec(r_, "COMMIT");
    if (ledger.failed()) return db_error(r_, "ledger read");
    return {};
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
    Stmt s(r_,
           "SELECT seq, pruned_at, EXISTS (SELECT 1 FROM message_body WHERE message_body.seq = "
           "messages.seq) "
           "FROM messages WHERE id = ?");
    s.bind(1, id);
    int rc = s.step();
    if (rc == SQLITE_ROW && !s.null(1))
      return core::make_error(
          kPrunedError, "message " + id + ": its body was removed by the retention pruner at " +
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
    return sqlite::mailbox(r_, q);
  }

  void ack(std::string partner, std::string id, Done<bool> done) override {
    auto found = std::make_shared<bool>(false);
    writer_.write<bool>(
        found, std::move(done),
        [partner = std::move(partner), id = std::move(id),
         found](sqlite3* db) -> core::Result<void> {
          const std::string sql = std::string("SELECT state FROM messages WHERE id = ? AND receiver_partner = ? AND ") +
                                  kInMailbox + " AND state IN (" + kUnacknowledgedStates +
                                  ",'acknowledged')";
          Stmt s(db, sql.c_str());
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
    writer_.enqueue(
        [id = std::move(id), to, actor = std::move(actor),
         reason = std::move(reason)](sqlite3* db) -> core::Result<void> {
          Stmt s(db, "SELECT state FROM messages WHERE id = ?");
          s.bind(1, id);
          if (s.step() != SQLITE_ROW)
            return core::make_error(core::Errc::store_not_found, "no message " + id);
          auto from = parse_state(s.text(0)).value_or(State::received);
          if (!transition_allowed(from, to))
            return core::make_error(core::Errc::store_illegal_transition,
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
                      " FROM messages WHERE id IN (SELECT message_id FROM message_bsn WHERE "
                      "bsn_hash = ?) ORDER BY seq";
    Stmt s(r_, sql.c_str());
    s.bind(1, hash);
    return all_rows(s, r_, "by_bsn_hash");
  }

  core::Result<std::optional<StoredMessage>> find(standard::Law law, int type,
                                                  const std::string& sender_code,
                                                  const std::string& identificatie,
                                                  const std::string& receiver_partner,
                                                  const std::string& receiver_code) override {
    std::lock_guard lock(rmu_);
    static const std::string kFind =
        std::string("SELECT ") + kColumns +
        " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
        "identificatie = ? AND state != 'rejected' AND receiver_partner = ? AND "
        "receiver_code = ? ORDER BY seq DESC LIMIT 1";
    Stmt s(r_, kFind.c_str());
    s.bind(1, sender_code)
        .bind(2, law)
        .bind(3, static_cast<std::int64_t>(type))
        .bind(4, identificatie);
    s.bind(5, receiver_partner).bind(6, receiver_code);
    return one_row(s, r_, "find");
  }

  // ---- a partner's own messages: SQL in sqlite_portal.cpp ----
  core::Result<std::vector<PartnerMessage>> partner_messages(const PartnerQuery& q) override {
    std::lock_guard lock(rmu_);
    // One snapshot for the page and the retours read for it.
    if (auto r = sqlite::exec(r_, "BEGIN"); !r) return r.error();
    auto out = sqlite::partner_messages(r_, q);
    sqlite::exec(r_, "COMMIT");
    return out;
  }

  core::Result<PartnerStatus> partner_status(const PartnerStatusQuery& q) override {
    std::lock_guard lock(rmu_);
    // One snapshot for the page: its lists, counts and the ledger's view.
    if (auto r = sqlite::exec(r_, "BEGIN"); !r) return r.error();
    auto out = sqlite::partner_status(r_, q);
    if (out && q.ledger) {
      sqlite::Ledger ledger(r_);
      q.ledger(ledger);
      if (ledger.failed()) out = db_error(r_, "partner_status ledger");
    }
    sqlite::exec(r_, "COMMIT");
    return out;
  }

  core::Result<std::vector<StoredMessage>> answers(const std::string& id) override {
    std::lock_guard lock(rmu_);
    return sqlite::answers(r_, id);
  }

  void audit(std::string actor, long uid, std::string action, std::string message_id,
             std::string detail, Done<void> done) override {
    writer_.enqueue(
        [actor = std::move(actor), uid, action = std::move(action),
         message_id = std::move(message_id), detail = std::move(detail)](sqlite3* db) {
          return audit_row(db, actor, uid, action, message_id, detail);
        },
        std::move(done));
  }

  core::Result<std::vector<AuditEntry>> audit_log(std::int64_t after, int limit) override {
    std::lock_guard lock(rmu_);
    Stmt s(r_,
           "SELECT seq, at, actor, uid, action, message_id, detail FROM audit WHERE seq > ? ORDER "
           "BY seq LIMIT ?");
    s.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
    std::vector<AuditEntry> out;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
      out.push_back({s.i64(0), s.text(1), s.text(2), s.text(4), s.text(5), s.text(6),
                     static_cast<long>(s.i64(3))});
    if (rc != SQLITE_DONE) return db_error(r_, "audit_log");
    return out;
  }

  // ---- the standard's deadlines: SQL in sqlite_obligations.cpp ----
  core::Result<std::vector<OverdueAnswer>> overdue(const std::string& as_of,
                                                   const std::string& partner) override {
    std::lock_guard lock(rmu_);
    return sqlite::overdue(r_, as_of, partner);
  }

  core::Result<SteeringFacts> steering_facts(const SteeringQuery& q) override {
    std::lock_guard lock(rmu_);
    if (auto r = sqlite::exec(r_, "BEGIN"); !r) return r.error();
    auto facts = sqlite::steering_facts(r_, q);
    sqlite::exec(r_, "COMMIT");
    return facts;
  }

  void probe(Done<void> done) override {
    writer_.enqueue(
        [](sqlite3*) -> core::Result<void> {
          core::pause_point("writer.probe");
          return {};
        },
        std::move(done));
  }

  void mark_overdue_logged(std::vector<std::int64_t> ids, Done<void> done) override {
    writer_.enqueue([ids = std::move(ids)](
                        sqlite3* db) { return sqlite::mark_overdue_logged(db, ids, now_utc()); },
                    std::move(done));
  }

  // ---- the watches: SQL in sqlite_watches.cpp ----
  core::Result<std::vector<UnreadMessage>> unread_mailbox(int limit) override {
    std::lock_guard lock(rmu_);
    return sqlite::unread_mailbox(r_, limit);
  }
  core::Result<std::vector<DestinationBacklog>> backlog() override {
    std::lock_guard lock(rmu_);
    return sqlite::backlog(r_);
  }
  core::Result<std::vector<SubmissionDay>> submissions(const std::string& from_day) override {
    std::lock_guard lock(rmu_);
    return sqlite::submissions(r_, from_day);
  }
  core::Result<std::vector<YouthAllocation>> youth_turning_18(const std::string& until) override {
    std::lock_guard lock(rmu_);
    return sqlite::youth_turning_18(r_, until);
  }

  core::Result<std::vector<CareCandidate>> care_candidates(const CareQuery& q) override {
    std::lock_guard lock(rmu_);
    if (auto r = sqlite::exec(r_, "BEGIN"); !r) return r.error();
    auto out = sqlite::care_candidates(r_, q);
    sqlite::exec(r_, "COMMIT");
    return out;
  }
  core::Result<std::vector<WatchCase>> watch_cases(const WatchFilter& f) override {
    std::lock_guard lock(rmu_);
    return sqlite::watch_cases(r_, f);
  }
  void watch_sync(std::string kind, std::vector<WatchFinding> found, bool complete, std::string now,
                  std::string forget_before, Done<WatchSync> done) override {
    auto out = std::make_shared<WatchSync>();
    writer_.write<WatchSync>(out, std::move(done),
                             [out, kind = std::move(kind), found = std::move(found), complete, now = std::move(now),
                              forget_before = std::move(forget_before)](sqlite3* db) {
                               return sqlite::watch_sync(db, kind, found, complete, now, forget_before, *out);
                             });
  }
  void watch_mark_logged(std::vector<std::int64_t> ids, std::string now, Done<void> done) override {
    writer_.enqueue([ids = std::move(ids), now = std::move(now)](
                        sqlite3* db) { return sqlite::watch_mark_logged(db, ids, now); },
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
    writer_.write<QueueActionResult>(
        out, std::move(done), [req = std::move(req), out](sqlite3* db) -> core::Result<void> {
          auto acted = sqlite::queue_action(db, req);
          if (!acted) return acted.error();
          *out = std::move(*acted);
          return {};
        });
  }

  void claim(std::string destination, std::string now, int limit,
             Done<std::vector<Claimed>> done) override {
    auto out = std::make_shared<std::vector<Claimed>>();
    writer_.write<std::vector<Claimed>>(
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
          while ((rc = q.step()) == SQLITE_ROW) {
            auto m = read_row(q);
            if (!m) return m.error();
            out->push_back({std::move(*m), q.blob(kColumnCount)});
          }
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
    writer_.enqueue(
        [id = std::move(id), to, next_attempt_at = std::move(next_attempt_at),
         error = std::move(error)](sqlite3* db) -> core::Result<void> {
          Stmt s(db, "SELECT state, attempts FROM messages WHERE id = ?");
          s.bind(1, id);
          if (s.step() != SQLITE_ROW)
            return core::make_error(core::Errc::store_not_found, "no message " + id);
          auto from = parse_state(s.text(0)).value_or(State::received);
          auto attempt = s.i64(1);
          if (!transition_allowed(from, to))
            return core::make_error(core::Errc::store_illegal_transition,
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
                " FROM messages WHERE destination = ? AND state = ? ORDER BY seq LIMIT ?")
                   .c_str());
    s.bind(1, destination).bind(2, to_string(state)).bind(3, static_cast<std::int64_t>(limit));
    return all_rows(s, r_, "in_state");
  }

  void release_held(std::string receiver_partner, HoldReason hold, std::string actor,
                    Done<std::int64_t> done) override {
    std::string reason(to_string(hold));
    auto n = std::make_shared<std::int64_t>(0);
    writer_.write<std::int64_t>(
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

  // ---- retention: SQL in sqlite_retention.cpp, the batches prune_batches.hpp ----
  struct PruneOps {
    static auto preview(sqlite3* db, const PruneRequest& r) { return sqlite::prune_preview(db, r); }
    static auto left(sqlite3* db, const std::string& cutoff) { return sqlite::prunable_left(db, cutoff); }
    static auto batch(sqlite3* db, const PruneRequest& r, std::int64_t n, const std::string& now) {
      return sqlite::prune_batch(db, r, n, now);
    }
  };
  void prune_bodies(PruneRequest req, Done<PruneResult> done) override {
    prune_bodies_on<PruneOps>(writer_, std::move(req), std::move(done));
  }

  // One way to copy the store (sqlite_backup.hpp): its own connection, one
  // read snapshot, the copy checked; never under the reader lock.
  core::Result<void> backup(const std::string& path) override {
    BackupRequest r;
    r.source = opts_.path;
    r.target = path;
    auto out = backup_sqlite(r);
    // Audited by the caller, who knows who asked (admin: the peer's uid).
    if (!out) return out.error();
    return {};
  }

  std::size_t pending() const override { return writer_.pending(); }

  core::Result<QueueGauges> queue_gauges() override {
    std::lock_guard lock(rmu_);
    return sqlite::queue_gauges(r_);
  }

  void close() override { writer_.close(); }

 private:
  bool checked_;
  sqlite3* w_;
  sqlite3* r_;
  std::unique_ptr<sqlite::StatementCache> wcache_;
  std::unique_ptr<sqlite::StatementCache> rcache_;
  SqliteOptions opts_;
  std::unique_ptr<sqlite::Ledger> ledger_ =
      std::make_unique<sqlite::Ledger>(w_);  // writer thread only
  std::mutex rmu_;
  sqlite::Writer writer_;  // last: its thread runs jobs that use the members above
};

}  // namespace

core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path) {
  SqliteOptions opts;
  opts.path = path;
  return open_sqlite(opts);
}

core::Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& opts) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(opts.path).parent_path(), ec);
  // Taken (and removed) before the file is opened: whatever happens from
  // here on, the next start without a new marker checks the file.
  const bool check = !(opts.trust_clean_shutdown && take_clean_marker(opts.path));
  auto w = open_connection(opts);
  if (!w) return w.error();
  sqlite3* writer = *w;
  auto fail = [&](core::Error e) -> core::Result<std::unique_ptr<Store>> {
    sqlite3_close_v2(writer);
    return e;
  };
  // The integrity check comes first: a damaged file is refused, never written to.
  if (check) {
    Stmt qc(writer, "PRAGMA quick_check");
    if (!qc.ok() || qc.step() != SQLITE_ROW)
      return fail(core::make_error(
          core::Errc::store_not_a_database,
          opts.path + " is not a sluis store (or is corrupt): " + sqlite3_errmsg(writer)));
    if (qc.text(0) != "ok")
      return fail(core::make_error(core::Errc::store_corrupt,
                                   opts.path + " failed the integrity check (" + qc.text(0) +
                                       "); restore a backup (sluisctl backup) or move it away"));
  }
  // temp_store = MEMORY: each job's savepoint keeps the pages it changes that
  // the batch had changed before (its sub-journal) in memory, not in a
  // temporary file written page by page (a third of the writer's time before).
  // cache_size = 8 MiB (SQLite's default is 2): the inner pages of the
  // indexes a commit inserts into stay in the writer's cache as the store
  // grows, instead of being read again from the file for every message
  // (docs/performance.md, "Cost growth"). Pages are taken as they are read.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                             "PRAGMA foreign_keys = ON", "PRAGMA temp_store = MEMORY",
                             "PRAGMA cache_size = -8192"})
    if (auto r = exec(writer, pragma); !r) return fail(r.error());
  if (auto r = sqlite::migrate(writer, opts.path); !r) return fail(r.error());
  if (auto r = sqlite::check_bsn_key(writer, opts.path, opts.bsn_key_fingerprint); !r) return fail(r.error());
  // Startup recovery: an attempt that was running when we stopped did not finish.
  if (opts.recover)
    if (auto r = exec(writer, "UPDATE messages SET state = 'queued' WHERE state = 'delivering'");
        !r)
      return fail(r.error());
  auto rd = open_connection(opts);
  if (!rd) return fail(rd.error());
  exec(*rd, "PRAGMA foreign_keys = ON");
  exec(*rd, "PRAGMA synchronous = FULL");  // the WAL shim's condition, should it ever write
  return std::unique_ptr<Store>(new SqliteStore(writer, *rd, opts, check));
}

}  // namespace sluis::store
