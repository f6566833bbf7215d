#include "gateway/store/sqlite_retention.hpp"

#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

// With it three indexes the store at 1 000 000 messages showed it needs
// (tests/bench/store_scale_bench.cpp): a partner's mailbox page of messages
// not yet acknowledged (most are: without it a page reads all of them first),
// queue-list --state in seq order (messages_state, dropped in v16, is ordered
// by next_attempt_at: a page sorted every message in that state), and
// queue-list --from/--to (received_at).
const char* const kRetentionSchema = R"sql(
ALTER TABLE messages ADD COLUMN pruned_at TEXT;
CREATE INDEX messages_prunable ON messages (received_at)
  WHERE pruned_at IS NULL AND state IN ('acknowledged','rejected');
CREATE INDEX messages_mailbox_open ON messages (receiver_partner, seq)
  WHERE state IN ('queued','delivering','delivered','deferred');
CREATE INDEX messages_state_seq ON messages (state, seq);
CREATE INDEX messages_received ON messages (received_at);
-- message-show's history and message-delete's check for retours answering a message.
CREATE INDEX audit_message ON audit (message_id, seq);
CREATE INDEX messages_heen ON messages (heen_id);
)sql";

namespace {

// The partial index's own terms, so it applies; named, because without
// statistics the planner prefers messages_state_seq, which also holds every
// message pruned before (a scan growing with the store). SQLite refuses the
// statement if the index could not be used.
constexpr const char* kPrunable =
    "INDEXED BY messages_prunable WHERE pruned_at IS NULL AND state IN ('acknowledged','rejected') AND "
    "received_at < ?1";

}  // namespace

core::Result<PruneBatch> prune_batch(sqlite3* db, const PruneRequest& r, std::int64_t n, const std::string& now) {
  PruneBatch out;
  Stmt q(db, (std::string("SELECT seq, id, size FROM messages ") + kPrunable +
              " ORDER BY received_at LIMIT ?2").c_str());
  if (!q.ok()) return db_error(db, "prune select");
  q.bind(1, r.cutoff).bind(2, n);
  Stmt u(db, "UPDATE messages SET body = X'', pruned_at = ? WHERE seq = ?");
  Stmt b(db, "DELETE FROM message_body WHERE seq = ?");  // a large body (sqlite_schema.cpp, kBodySchema)
  Stmt a(db, "INSERT INTO audit (at, actor, uid, action, message_id, detail) VALUES (?, ?, ?, 'prune', ?, ?)");
  if (!u.ok() || !b.ok() || !a.ok()) return db_error(db, "prune prepare");
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    u.reset();
    u.bind(1, now).bind(2, q.i64(0));
    if (u.step() != SQLITE_DONE) return db_error(db, "prune update");
    b.reset();
    b.bind(1, q.i64(0));
    if (b.step() != SQLITE_DONE) return db_error(db, "prune body");
    a.reset();
    a.bind(1, now).bind(2, r.actor).bind(3, static_cast<std::int64_t>(r.uid)).bind(4, q.text(1));
    a.bind_null_if_empty(5, r.reason);
    if (a.step() != SQLITE_DONE) return db_error(db, "prune audit");
    ++out.pruned;
    out.bytes += q.i64(2);
  }
  if (rc != SQLITE_DONE) return db_error(db, "prune select");
  return out;
}

core::Result<PruneResult> prune_preview(sqlite3* db, const PruneRequest& r) {
  PruneResult out;
  Stmt q(db, (std::string("SELECT count(*), total(size) FROM (SELECT size FROM messages ") + kPrunable +
              " ORDER BY received_at LIMIT ?2)").c_str());
  if (!q.ok()) return db_error(db, "prune preview");
  q.bind(1, r.cutoff).bind(2, r.limit > 0 ? r.limit : std::int64_t{-1});
  if (q.step() != SQLITE_ROW) return db_error(db, "prune preview");
  out.pruned = q.i64(0);
  out.bytes = q.i64(1);
  if (r.limit > 0 && out.pruned == r.limit) {
    Stmt m(db, (std::string("SELECT EXISTS (SELECT 1 FROM messages ") + kPrunable +
                " ORDER BY received_at LIMIT 1 OFFSET ?2)").c_str());
    if (!m.ok()) return db_error(db, "prune preview");
    m.bind(1, r.cutoff).bind(2, r.limit);
    if (m.step() != SQLITE_ROW) return db_error(db, "prune preview");
    out.more = m.i64(0) != 0;
  }
  return out;
}

core::Result<bool> prunable_left(sqlite3* db, const std::string& cutoff) {
  Stmt q(db, (std::string("SELECT EXISTS (SELECT 1 FROM messages ") + kPrunable + ")").c_str());
  if (!q.ok()) return db_error(db, "prune check");
  q.bind(1, cutoff);
  if (q.step() != SQLITE_ROW) return db_error(db, "prune check");
  return q.i64(0) != 0;
}

}  // namespace sluis::store::sqlite
