#include "gateway/store/sqlite_queue.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "gateway/core/clock.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/store/queue_judge.hpp"

namespace sluis::store {

std::string_view to_string(QueueAction a) {
  switch (a) {
    case QueueAction::hold:
      return "hold";
    case QueueAction::release:
      return "release";
    case QueueAction::retry:
      return "retry";
    case QueueAction::requeue:
      return "requeue";
    case QueueAction::remove:
      return "delete";
  }
  return "?";
}

namespace sqlite {

namespace {

// The WHERE clause of a filter (always starts with " WHERE 1 = 1").
// `by_day`: a `+` keeps SQLite off messages_state_seq, so a day range is read by
// messages_received (most messages share a state: acknowledged).
std::string where_of(const QueueFilter& f, std::vector<Bind>& binds, bool by_day = false) {
  std::string sql = " WHERE 1 = 1";
  if (f.state) {
    sql += by_day ? " AND +state = ?" : " AND state = ?";
    binds.emplace_back(std::string(to_string(*f.state)));
  }
  if (!f.partner.empty()) {
    sql += " AND (sender_partner = ? OR receiver_partner = ?)";
    binds.emplace_back(f.partner);
    binds.emplace_back(f.partner);
  }
  if (f.law) {
    sql += " AND law = ?";
    binds.emplace_back(std::string(standard::to_string(*f.law)));
  }
  if (f.type != 0) {
    sql += " AND type = ?";
    binds.emplace_back(static_cast<std::int64_t>(f.type));
  }
  // received_at is UTC ISO 8601 ("YYYY-MM-DDT..."), so the UTC days or
  // instants from and to (inclusive) are a range of it the index
  // messages_received serves.
  if (!f.from.empty()) {
    sql += " AND received_at >= ?";
    binds.emplace_back(f.from);
  }
  if (!f.to.empty()) {
    sql += f.to.size() == 10 ? " AND received_at < date(?, '+1 day')" : " AND received_at <= ?";
    binds.emplace_back(f.to);
  }
  if (!f.destination.empty()) {
    sql += " AND destination = ?";
    binds.emplace_back(f.destination);
  }
  return sql;
}

core::Result<void> audit(sqlite3* db, const QueueActionRequest& r, const std::string& action,
                         const std::string& id, const std::string& detail) {
  return audit_row(db, r.actor, r.uid, action, id, detail);
}

struct Row {
  std::int64_t seq = 0;
  std::string id;
  State state = State::received;
  HoldReason hold_reason = HoldReason::none;
};

std::string hold_text(HoldReason h) {
  return std::string(to_string(h));
}

std::string state_text(State s) {
  return std::string(to_string(s));
}

// Why `remove` must leave a message alone (`why`; empty when it need not).
core::Result<void> delete_blocker(sqlite3* db, const Row& m, std::string& why) {
  Stmt q(db, "SELECT id FROM messages WHERE heen_id = ? ORDER BY seq LIMIT 3");
  q.bind(1, m.id);
  std::string answers;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) answers += (answers.empty() ? "" : ", ") + q.text(0);
  if (rc != SQLITE_DONE) return db_error(db, "retour lookup");
  if (!answers.empty()) {
    why = "stored messages answer it (" + answers + "); they refer to it, delete them first";
    return {};
  }
  // Ledger facts are what later messages are judged against (allocations,
  // starts and stops, requests, declarations): deleting their message would
  // leave facts without their source.
  Stmt l(db,
         "SELECT EXISTS (SELECT 1 FROM ledger_allocation WHERE message_id = ?1) OR "
         "EXISTS (SELECT 1 FROM ledger_care WHERE message_id = ?1) OR "
         "EXISTS (SELECT 1 FROM ledger_request WHERE message_id = ?1) OR "
         "EXISTS (SELECT 1 FROM ledger_declaration WHERE message_id = ?1) OR "
         "EXISTS (SELECT 1 FROM ledger_prestatie WHERE message_id = ?1)");
  l.bind(1, m.id);
  if (l.step() != SQLITE_ROW) return db_error(db, "ledger lookup");
  if (l.i64(0) != 0)
    why =
        "it established ledger facts (allocations, starts/stops, requests or declarations) that "
        "later "
        "messages are judged against";
  return {};
}

// What the action makes of one message (queue_judge.hpp).
core::Result<QueueActionResult::Item> judge(sqlite3* db, const QueueActionRequest& r, const Row& m) {
  return judge_queue_action(r, {m.id, m.state, m.hold_reason}, [&]() -> core::Result<std::string> {
    std::string why;
    if (auto b = delete_blocker(db, m, why); !b) return b.error();
    return why;
  });
}

core::Result<void> apply(sqlite3* db, const QueueActionRequest& r, const Row& m,
                         const QueueActionResult::Item& it) {
  std::string reason = core::scrub(core::strip_controls(r.reason));
  if (r.action == QueueAction::remove) {
    for (const char* sql :
         {"DELETE FROM message_bsn WHERE message_id = ?",
          "DELETE FROM ledger_orphan WHERE message_id = ?",
          "DELETE FROM message_body WHERE seq = (SELECT seq FROM messages WHERE id = ?)",
          "DELETE FROM messages WHERE id = ?"}) {
      Stmt d(db, sql);
      d.bind(1, m.id);
      if (d.step() != SQLITE_DONE) return db_error(db, "delete");
    }
    std::string detail = "was " + state_text(m.state);
    if (m.hold_reason != HoldReason::none) detail += " (" + hold_text(m.hold_reason) + ")";
    return audit(db, r, "delete", m.id, detail + "; reason: " + reason);
  }
  const char* sql = nullptr;
  switch (r.action) {
    case QueueAction::hold:
      sql =
          "UPDATE messages SET state = 'held', hold_reason = 'operator', next_attempt_at = NULL "
          "WHERE id = ?";
      break;
    case QueueAction::release:
      sql = "UPDATE messages SET state = 'queued', hold_reason = NULL WHERE id = ?";
      break;
    case QueueAction::retry:
      sql = "UPDATE messages SET state = 'queued', next_attempt_at = NULL WHERE id = ?";
      break;
    case QueueAction::requeue:  // from dead: a new delivery lifetime starts now
      sql = "UPDATE messages SET state = 'queued', next_attempt_at = NULL, lifetime_from = "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?";
      break;
    case QueueAction::remove:
      break;
  }
  Stmt u(db, sql);
  u.bind(1, m.id);
  if (u.step() != SQLITE_DONE) return db_error(db, "queue action");
  std::string detail = "message-" + std::string(to_string(r.action));
  if (r.action == QueueAction::release) detail += " (held: " + hold_text(m.hold_reason) + ")";
  if (!reason.empty()) detail += "; reason: " + reason;
  return audit(db, r, "state " + state_text(it.from) + " -> " + state_text(it.to), m.id, detail);
}

}  // namespace

core::Result<std::vector<DestinationCount>> count_by_destination(sqlite3* db) {
  Stmt s(db,
         // By the columns, not COALESCE(...): messages_due (destination, state, ...)
         // then delivers the groups in order (no temporary b-tree over every
         // message); destination is NULL, never '', when a message has none.
         "SELECT COALESCE(destination, ''), state, count(*) FROM messages GROUP BY destination, state "
         "ORDER BY destination, state");
  std::vector<DestinationCount> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back({s.text(0), parse_state(s.text(1)).value_or(State::received), s.i64(2)});
  if (rc != SQLITE_DONE) return db_error(db, "count_by_destination");
  return out;
}

// Read in the two indexes alone, never a message's row, so that the refresh
// every 15 s costs a seek per destination and per partner and a walk over the
// open messages' index entries, however long the backlog's rows are (before,
// each open message's row was read twice: some 6 us a message, 110 ms for a
// backlog of 19 000 on the development VM, every refresh).
core::Result<QueueGauges> queue_gauges(sqlite3* db) {
  QueueGauges out;
  // The backlog: each destination present in messages_due (destination,
  // state, ...) found by one seek past the one before (a skip-scan): the
  // messages without one first (NULL sorts first), then '' should a row hold
  // it, then the others in order; each one's counted states counted in the index.
  {
    Stmt first(db,
               "SELECT destination FROM messages INDEXED BY messages_due WHERE destination IS NOT NULL "
               "ORDER BY destination LIMIT 1");
    Stmt next(db,
              "SELECT destination FROM messages INDEXED BY messages_due WHERE destination > ? "
              "ORDER BY destination LIMIT 1");
    Stmt count(db, (std::string("SELECT state, count(*) FROM messages INDEXED BY messages_due WHERE destination IS ? "
                                "AND state IN (") +
                    kBacklogStates + ") GROUP BY state ORDER BY state")
                       .c_str());
    if (!first.ok() || !next.ok() || !count.ok()) return db_error(db, "queue_gauges");
    std::optional<std::string> destination;  // none: the messages without a destination
    for (;;) {
      count.reset();
      count.bind_opt(1, destination);
      int rc;
      while ((rc = count.step()) == SQLITE_ROW)
        out.backlog.push_back(
            {destination.value_or(""), parse_state(count.text(0)).value_or(State::received), count.i64(1)});
      if (rc != SQLITE_DONE) return db_error(db, "queue_gauges");
      Stmt& seek = destination ? next : first;
      seek.reset();
      if (destination) seek.bind(1, *destination);
      rc = seek.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_error(db, "queue_gauges");
      destination = seek.text(0);
    }
  }
  // The first message in each partner's mailbox (mailbox order, seq) it has
  // not acknowledged: the first entry of messages_unacked_mailbox
  // (receiver_partner, seq) past the partner before is the next partner's.
  {
    const std::string head = std::string("SELECT receiver_partner, received_at FROM messages INDEXED BY "
                                         "messages_unacked_mailbox WHERE state IN (") +
                             kUnacknowledgedStates + ") AND " + kInMailbox + " AND receiver_partner ";
    const std::string tail = " ORDER BY receiver_partner, seq LIMIT 1";
    Stmt first(db, (head + "IS NOT NULL" + tail).c_str());
    Stmt next(db, (head + "> ?" + tail).c_str());
    if (!first.ok() || !next.ok()) return db_error(db, "queue_gauges");
    Stmt* seek = &first;
    for (;;) {
      const int rc = seek->step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db_error(db, "queue_gauges");
      out.oldest_unacknowledged.push_back({seek->text(0), seek->text(1)});
      seek->reset();
      seek = &next;
      next.bind(1, out.oldest_unacknowledged.back().partner);
    }
  }
  return out;
}

core::Result<std::vector<StoredMessage>> queue_list(sqlite3* db, const RowReader& rows,
                                                    const QueueQuery& q) {
  std::vector<Bind> binds;
  // A bounded day range reads its rows by messages_received and sorts them
  // (`+seq`: not by rowid; SQLite would otherwise walk seq from the cursor
  // through every older message, half the store for a week in the middle).
  const bool days = !q.filter.from.empty() && !q.filter.to.empty();
  std::string sql = std::string("SELECT ") + rows.columns + " FROM messages" +
                    where_of(q.filter, binds, days) + (days ? " AND +seq > ?" : " AND seq > ?") +
                    " ORDER BY seq LIMIT ?";
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "queue_list");
  bind_all(s, binds);
  const int n = static_cast<int>(binds.size());
  s.bind(n + 1, q.after).bind(n + 2, static_cast<std::int64_t>(q.limit));
  std::vector<StoredMessage> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto m = rows.read(s);
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  if (rc != SQLITE_DONE) return db_error(db, "queue_list");
  return out;
}

core::Result<std::vector<AuditEntry>> history(sqlite3* db, const std::string& message_id,
                                              int limit) {
  Stmt s(db,
         "SELECT seq, at, actor, uid, action, message_id, detail FROM audit WHERE message_id = ? "
         "ORDER BY seq LIMIT ?");
  s.bind(1, message_id).bind(2, static_cast<std::int64_t>(limit));
  std::vector<AuditEntry> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back({s.i64(0), s.text(1), s.text(2), s.text(4), s.text(5), s.text(6),
                   s.null(3) ? -1L : static_cast<long>(s.i64(3))});
  if (rc != SQLITE_DONE) return db_error(db, "history");
  return out;
}

core::Result<QueueActionResult> queue_action(sqlite3* db, const QueueActionRequest& r) {
  if (r.action == QueueAction::remove && r.reason.empty())
    return core::make_error(core::Errc::store_reason_required,
                            "a delete needs a reason (it is audited)");
  std::vector<Row> rows;
  QueueActionResult out;
  {
    std::vector<Bind> binds;
    std::string sql = "SELECT seq, id, state, COALESCE(hold_reason, '') FROM messages";
    if (r.filter) {
      sql += where_of(*r.filter, binds) + " AND seq > ? AND state IN (";
      binds.emplace_back(r.after);
      bool first = true;
      for (State s : queue_action_sources(r.action)) {
        sql += first ? "?" : ", ?";
        first = false;
        binds.emplace_back(state_text(s));
      }
      sql += ") ORDER BY seq LIMIT ?";
      binds.emplace_back(static_cast<std::int64_t>(r.limit) + 1);
    } else {
      sql += " WHERE id = ?";
      binds.emplace_back(r.id);
    }
    Stmt q(db, sql.c_str());
    if (!q.ok()) return db_error(db, "queue action select");
    bind_all(q, binds);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      rows.push_back({q.i64(0), q.text(1), parse_state(q.text(2)).value_or(State::received),
                      parse_hold_reason(q.text(3)).value_or(HoldReason::none)});
    if (rc != SQLITE_DONE) return db_error(db, "queue action select");
  }
  if (r.filter && static_cast<int>(rows.size()) > r.limit) {
    rows.resize(static_cast<std::size_t>(r.limit));
    out.more = true;
  }
  for (const auto& m : rows) {
    auto it = judge(db, r, m);
    if (!it) return it.error();
    if (it->changed && !r.dry_run)
      if (auto a = apply(db, r, m, *it); !a) return a.error();
    out.items.push_back(std::move(*it));
    out.last_seq = m.seq;
  }
  return out;
}

}  // namespace sqlite
}  // namespace sluis::store
