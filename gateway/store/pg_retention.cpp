// Internal to the PostgreSQL engine: the retention pruner, as
// sqlite_retention.cpp is for SQLite.
//
// Where the same SQL could answer differently on the two engines:
// - SQLite names messages_prunable (INDEXED BY) and takes the messages in its
//   order: received_at, then rowid. Here the order is written out, and the
//   WHERE is the partial index's own terms, so the planner can use it. The
//   order keeps the column's collation (the index's): the store's utc_text
//   texts, all of one shape, order alike under any collation.
// - total() is a float on SQLite, sum() of bigint numeric here: cast to bigint.
// - A negative LIMIT is none on SQLite and an error on PostgreSQL: none is
//   LIMIT NULL.
// - A batch is one statement, not a statement per message: the messages are
//   picked (and locked), their bodies emptied and their audit rows written in
//   the order SQLite's loop writes them.
#include "gateway/store/pg_retention.hpp"

namespace sluis::store::pg {

namespace {

constexpr const char* kPrunable =
    " FROM messages WHERE pruned_at IS NULL AND state IN ('acknowledged','rejected') AND received_at < "
    "$1::text";
constexpr const char* kOldestFirst = " ORDER BY received_at, seq";

// A LIMIT's value: a negative one is no limit, as on SQLite.
Params& limit(Params& p, std::int64_t n) {
  return n < 0 ? p.null() : p.i64(n);
}

}  // namespace

core::Result<PruneBatch> prune_batch(Connection& c, const PruneRequest& r, std::int64_t n,
                                     const std::string& now) {
  static const std::string sql =
      std::string("WITH picked AS (SELECT seq, id, size, received_at") + kPrunable + kOldestFirst +
      " LIMIT $2 FOR UPDATE), "
      "pruned AS (UPDATE messages m SET body = ''::bytea, pruned_at = $3::text FROM picked "
      "WHERE m.seq = picked.seq RETURNING picked.seq, picked.id, picked.size, picked.received_at), "
      "audited AS (INSERT INTO audit (at, actor, uid, action, message_id, detail) "
      "SELECT $3::text, $4::text, $5::bigint, 'prune', id, $6::text FROM pruned" +
      kOldestFirst +
      ") "
      "SELECT count(*), COALESCE(sum(size), 0)::bigint FROM pruned";
  Params p;
  p.text(r.cutoff);
  limit(p, n).text(now).text(r.actor).i64(r.uid).text_or_null_if_empty(r.reason);
  auto rows = c.exec(sql, p);
  if (!rows) return rows.error();
  return PruneBatch{rows->i64(0, 0), rows->i64(0, 1)};
}

core::Result<PruneResult> prune_preview(Connection& c, const PruneRequest& r) {
  PruneResult out;
  static const std::string count =
      std::string("SELECT count(*), COALESCE(sum(size), 0)::bigint FROM (SELECT size") + kPrunable +
      kOldestFirst + " LIMIT $2) AS s";
  Params p;
  p.text(r.cutoff);
  limit(p, r.limit > 0 ? r.limit : -1);
  auto rows = c.exec(count, p);
  if (!rows) return rows.error();
  out.pruned = rows->i64(0, 0);
  out.bytes = rows->i64(0, 1);
  if (r.limit > 0 && out.pruned == r.limit) {
    static const std::string more =
        std::string("SELECT EXISTS (SELECT 1") + kPrunable + kOldestFirst + " LIMIT 1 OFFSET $2)";
    auto m = c.exec(more, Params().text(r.cutoff).i64(r.limit));
    if (!m) return m.error();
    out.more = m->view(0, 0) == "t";
  }
  return out;
}

core::Result<bool> prunable_left(Connection& c, const std::string& cutoff) {
  static const std::string sql = std::string("SELECT EXISTS (SELECT 1") + kPrunable + ")";
  auto rows = c.exec(sql, Params().text(cutoff));
  if (!rows) return rows.error();
  return rows->view(0, 0) == "t";
}

}  // namespace sluis::store::pg
