// Internal to the PostgreSQL engine: shared delivery and leadership
// (pg_delivery.hpp).
#include "gateway/store/pg_delivery.hpp"

#include <algorithm>
#include <utility>
#include <tuple>

#include "gateway/store/pg_messages.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

core::Result<std::vector<Claimed>> claim(Connection& c, const std::string& destination, const std::string& now,
                                         int limit, const std::string& node, const std::string& lease_until) {
  // Due first as the SQLite engine orders it; bytes, not the server's
  // collation (COLLATE "C"). The CTE keeps what the UPDATE overwrites.
  const std::string sql =
      std::string("WITH due AS (SELECT seq AS due_seq, next_attempt_at AS was_next, "
                  "COALESCE(next_attempt_at, received_at) AS due_at FROM messages "
                  "WHERE destination = $1 AND (state = 'queued' OR (state = 'deferred' AND next_attempt_at <= $2)) "
                  "ORDER BY COALESCE(next_attempt_at, received_at) COLLATE \"C\", seq LIMIT $3 "
                  "FOR UPDATE SKIP LOCKED) "
                  "UPDATE messages SET state = 'delivering', attempts = attempts + 1, next_attempt_at = NULL, "
                  "claimed_by = $4, lease_until = $5 FROM due WHERE messages.seq = due.due_seq RETURNING ") +
      kColumns + ", due.due_at, due.was_next";
  std::vector<Claimed> out;
  auto done = transaction(c, Isolation::read_committed, [&](Connection& tx) -> core::Result<void> {
    out.clear();
    auto rows = tx.exec(sql, Params().text(destination).text(now).i64(limit).text(node).text(lease_until));
    if (!rows) return rows.error();
    std::vector<std::tuple<std::string, std::int64_t, int>> order;  // due_at, seq, row
    for (int r = 0; r < rows->size(); ++r) order.emplace_back(rows->text(r, kColumnCount), rows->i64(r, 1), r);
    std::sort(order.begin(), order.end());
    for (const auto& [due_at, seq, r] : order) {
      auto m = read_message(Row{*rows, r});
      if (!m) return m.error();
      m->next_attempt_at = rows->text(r, kColumnCount + 1);
      out.push_back({std::move(*m), {}});
    }
    // The bodies as bytes, each on its own (read_body: a large one in pieces).
    for (auto& claimed : out) {
      auto body = read_body(tx, claimed.message.seq);
      if (!body) return named(body.error(), "claim");
      if (!*body) return core::make_error(core::Errc::store_corrupt, "claim: a claimed message's row is gone");
      claimed.body = std::move(**body);
    }
    return {};
  });
  if (!done) return done.error();
  return out;
}

core::Result<void> settle(Connection& c, const std::string& node, const std::string& id, State to,
                          const std::string& next_attempt_at, const std::string& error) {
  return transaction(c, Isolation::read_committed, [&](Connection& tx) -> core::Result<void> {
    auto row = tx.exec("SELECT state, attempts, COALESCE(claimed_by, '') FROM messages WHERE id = $1 FOR UPDATE",
                       Params().text(id));
    if (!row) return row.error();
    if (row->empty()) return core::make_error(core::Errc::store_not_found, "no message " + id);
    const State from = parse_state(row->text(0, 0)).value_or(State::received);
    const std::int64_t attempt = row->i64(0, 1);
    // A pickup (a drop directory's file was taken: delivered -> acknowledged)
    // ends no attempt and holds no lease; any node may record it.
    const bool pickup = from == State::delivered && to == State::acknowledged;
    if (!pickup && (from != State::delivering || row->text(0, 2) != node))
      return core::make_error(core::Errc::store_busy,
                              "message " + id + ": the claim was lost (its lease ran out and it was taken back)");
    if (!transition_allowed(from, to))
      return core::make_error(core::Errc::store_illegal_transition,
                              "message " + id + " cannot go from " + std::string(to_string(from)) + " to " +
                                  std::string(to_string(to)));
    Params p;
    p.text(to_string(to)).text_or_null_if_empty(to == State::deferred ? next_attempt_at : std::string());
    p.text_or_null_if_empty(error).text(now_utc()).text(id);
    auto u = tx.exec(
        "UPDATE messages SET state = $1, next_attempt_at = $2, last_error = COALESCE($3, last_error), "
        "acked_at = CASE WHEN $1 = 'acknowledged' THEN $4 ELSE acked_at END, claimed_by = NULL, "
        "lease_until = NULL WHERE id = $5",
        p);
    if (!u) return u.error();
    std::string detail = "attempt " + std::to_string(attempt);
    if (!error.empty()) detail += ": " + error;
    if (to == State::deferred) detail += "; next attempt " + next_attempt_at;
    return audit_row(tx, "sluis", -1, "state " + std::string(to_string(from)) + " -> " + std::string(to_string(to)),
                     id, detail);
  });
}

core::Result<std::int64_t> release_expired(Connection& c, const std::string& now) {
  std::int64_t n = 0;
  auto done = transaction(c, Isolation::read_committed, [&](Connection& tx) -> core::Result<void> {
    auto rows = tx.exec(
        "WITH expired AS (SELECT seq AS expired_seq, claimed_by AS held_by, lease_until AS held_until "
        "FROM messages WHERE state = 'delivering' AND lease_until < $1 FOR UPDATE SKIP LOCKED) "
        "UPDATE messages SET state = 'queued', claimed_by = NULL, lease_until = NULL FROM expired "
        "WHERE messages.seq = expired.expired_seq RETURNING id, expired.held_by, expired.held_until",
        Params().text(now));
    if (!rows) return rows.error();
    n = rows->size();
    for (int r = 0; r < rows->size(); ++r)
      if (auto a = audit_row(tx, "sluis", -1, "state delivering -> queued", rows->text(r, 0),
                             "lease expired: node " + rows->text(r, 1) + ", lease until " + rows->text(r, 2));
          !a)
        return a;
    return {};
  });
  if (!done) return done.error();
  return n;
}

bool Leadership::try_lead() {
  // Held by this very session (a reconnect is a new session, without it).
  if (leading_ && !c_->lost() && c_->backend_pid() == session_) return true;
  leading_ = false;
  // Seed 1: apart from serial_transaction's keys (seed 0).
  auto r = c_->exec("SELECT pg_try_advisory_lock(hashtextextended($1, 1))", Params().text(key_));
  if (!r || r->empty() || r->view(0, 0) != "t") return false;
  leading_ = true;
  session_ = c_->backend_pid();
  return true;
}

bool Leadership::leading() const { return leading_ && !c_->lost() && c_->backend_pid() == session_; }

void Leadership::resign() {
  if (leading()) (void)c_->exec("SELECT pg_advisory_unlock(hashtextextended($1, 1))", Params().text(key_));
  leading_ = false;
}

}  // namespace sluis::store::pg
