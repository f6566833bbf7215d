// Internal to the PostgreSQL engine: the operator's queue, as sqlite_queue.cpp
// is for SQLite, statement for statement.
//
// Where the same SQL could answer differently on the two engines:
// - SQLite compares text bytewise; PostgreSQL by the database's collation. An
//   ORDER BY or min() on text says COLLATE "C". Range tests on received_at keep
//   the column's collation (and messages_received): utc_text and YYYY-MM-DD
//   texts order alike under any collation.
// - SQLite's GROUP BY answers in the order of its groups (NULL first); that
//   order is written out.
// - A negative LIMIT is none on SQLite and an error on PostgreSQL: none is
//   LIMIT NULL.
// - SQLite's date(to, '+1 day') is worked out here (day_after).
#include "gateway/store/pg_queue.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "gateway/core/date.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/store/pg_messages.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/queue_judge.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

namespace {

// SQLite's date(d, '+1 day') for a text of 10 characters: YYYY-MM-DD with a
// month of 1 to 12 and a day of 1 to 31, a day past the month's end counting on
// into the next (2026-02-30 is 2026-03-02), nothing past 9999-12-31 and nothing
// for any other text. (SQLite would also read a Julian day number such as
// "2460000.50"; the queue commands send a UTC day, core::parse_date's.)
std::optional<std::string> day_after(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (d[i] < '0' || d[i] > '9') return -1;
      v = v * 10 + (d[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), m = num(5, 2), day = num(8, 2);
  if (y < 0 || m < 1 || m > 12 || day < 1 || day > 31) return std::nullopt;
  using namespace std::chrono;
  const core::Date next{sys_days{year{y} / month{static_cast<unsigned>(m)} / 1} + days{day}};
  if (static_cast<int>(next.year()) > 9999) return std::nullopt;
  return core::format_date(next);
}

// The WHERE clause of a filter (always starts with " WHERE 1 = 1"), as
// sqlite_queue.cpp's where_of.
void where_of(const QueueFilter& f, Query& q) {
  q.sql += " WHERE 1 = 1";
  if (f.state) q.sql += " AND state = " + q.text(to_string(*f.state));
  if (!f.partner.empty()) {
    const std::string p = q.text(f.partner);
    q.sql += " AND (sender_partner = " + p + " OR receiver_partner = " + p + ")";
  }
  if (f.law) q.sql += " AND law = " + q.text(standard::to_string(*f.law));
  if (f.type != 0) q.sql += " AND type = " + q.i64(f.type);
  if (!f.from.empty()) q.sql += " AND received_at >= " + q.text(f.from);
  if (!f.to.empty()) {
    if (f.to.size() != 10) {
      q.sql += " AND received_at <= " + q.text(f.to);
    } else if (auto next = day_after(f.to)) {
      q.sql += " AND received_at < " + q.text(*next);
    } else {
      q.sql += " AND false";  // SQLite's date() is NULL: the comparison passes nothing
    }
  }
  if (!f.destination.empty()) q.sql += " AND destination = " + q.text(f.destination);
}

struct Candidate {
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

// Why `remove` must leave a message alone (`why`; empty when it need not), as
// sqlite_queue.cpp's delete_blocker.
core::Result<void> delete_blocker(Connection& c, const Candidate& m, std::string& why) {
  auto answers =
      c.exec("SELECT id FROM messages WHERE heen_id = $1 ORDER BY seq LIMIT 3", Params().text(m.id));
  if (!answers) return answers.error();
  std::string ids;
  for (int r = 0; r < answers->size(); ++r) ids += (ids.empty() ? "" : ", ") + answers->text(r, 0);
  if (!ids.empty()) {
    why = "stored messages answer it (" + ids + "); they refer to it, delete them first";
    return {};
  }
  auto facts = c.exec(
      "SELECT EXISTS (SELECT 1 FROM ledger_allocation WHERE message_id = $1) OR "
      "EXISTS (SELECT 1 FROM ledger_care WHERE message_id = $1) OR "
      "EXISTS (SELECT 1 FROM ledger_request WHERE message_id = $1) OR "
      "EXISTS (SELECT 1 FROM ledger_declaration WHERE message_id = $1) OR "
      "EXISTS (SELECT 1 FROM ledger_prestatie WHERE message_id = $1)",
      Params().text(m.id));
  if (!facts) return facts.error();
  if (facts->view(0, 0) == "t")
    why =
        "it established ledger facts (allocations, starts/stops, requests or declarations) that "
        "later "
        "messages are judged against";
  return {};
}

// What the action makes of one message (queue_judge.hpp).
core::Result<QueueActionResult::Item> judge(Connection& c, const QueueActionRequest& r, const Candidate& m) {
  return judge_queue_action(r, {m.id, m.state, m.hold_reason}, [&]() -> core::Result<std::string> {
    std::string why;
    if (auto b = delete_blocker(c, m, why); !b) return b.error();
    return why;
  });
}

core::Result<void> apply(Connection& c, const QueueActionRequest& r, const Candidate& m,
                         const QueueActionResult::Item& it) {
  std::string reason = core::scrub(core::strip_controls(r.reason));
  if (r.action == QueueAction::remove) {
    // No message_body on PostgreSQL: the body goes with its row.
    for (const char* sql :
         {"DELETE FROM message_bsn WHERE message_id = $1", "DELETE FROM ledger_orphan WHERE message_id = $1",
          "DELETE FROM messages WHERE id = $1"})
      if (auto d = c.exec(sql, Params().text(m.id)); !d) return d.error();
    std::string detail = "was " + state_text(m.state);
    if (m.hold_reason != HoldReason::none) detail += " (" + hold_text(m.hold_reason) + ")";
    return audit_row(c, r.actor, r.uid, "delete", m.id, detail + "; reason: " + reason);
  }
  Params p;
  p.text(m.id);
  const char* sql = nullptr;
  switch (r.action) {
    case QueueAction::hold:
      sql =
          "UPDATE messages SET state = 'held', hold_reason = 'operator', next_attempt_at = NULL "
          "WHERE id = $1";
      break;
    case QueueAction::release:
      sql = "UPDATE messages SET state = 'queued', hold_reason = NULL WHERE id = $1";
      break;
    case QueueAction::retry:
      sql = "UPDATE messages SET state = 'queued', next_attempt_at = NULL WHERE id = $1";
      break;
    case QueueAction::requeue:
      // From dead: a new delivery lifetime starts now (utc_text: SQLite's strftime gives the same form).
      sql = "UPDATE messages SET state = 'queued', next_attempt_at = NULL, lifetime_from = $2 WHERE id = $1";
      p.text(now_utc());
      break;
    case QueueAction::remove:
      break;
  }
  if (auto u = c.exec(sql, p); !u) return u.error();
  std::string detail = "message-" + std::string(to_string(r.action));
  if (r.action == QueueAction::release) detail += " (held: " + hold_text(m.hold_reason) + ")";
  if (!reason.empty()) detail += "; reason: " + reason;
  return audit_row(c, r.actor, r.uid, "state " + state_text(it.from) + " -> " + state_text(it.to), m.id,
                   detail);
}

}  // namespace

core::Result<std::vector<DestinationCount>> count_by_destination(Connection& c) {
  auto rows = c.exec(
      "SELECT COALESCE(destination, ''), state, count(*) FROM messages GROUP BY destination, state "
      "ORDER BY destination COLLATE \"C\" NULLS FIRST, state COLLATE \"C\"");
  if (!rows) return rows.error();
  std::vector<DestinationCount> out;
  for (int r = 0; r < rows->size(); ++r)
    out.push_back(
        {rows->text(r, 0), parse_state(rows->view(r, 1)).value_or(State::received), rows->i64(r, 2)});
  return out;
}

// As the SQLite engine reads them (sqlite_queue.cpp): the destinations and
// the partners found one index seek past the one before (a loose index scan,
// a recursive query), the open messages counted per destination in
// messages_due, each partner's first unacknowledged message taken from
// messages_unacked_mailbox; not a read of every open message's row.
core::Result<QueueGauges> queue_gauges(Connection& c) {
  QueueGauges out;
  {
    static const std::string counted = std::string("state IN (") + kBacklogStates + ")";
    static const std::string sql =
        "WITH RECURSIVE d(destination) AS ("
        " (SELECT destination FROM messages WHERE destination IS NOT NULL ORDER BY destination LIMIT 1)"
        " UNION ALL SELECT (SELECT m.destination FROM messages m WHERE m.destination > d.destination"
        " ORDER BY m.destination LIMIT 1) FROM d WHERE d.destination IS NOT NULL) "
        "SELECT destination, state, n FROM ("
        "SELECT '' AS destination, true AS nodest, state, count(*) AS n FROM messages WHERE destination IS NULL AND " +
        counted +
        " GROUP BY state "
        "UNION ALL SELECT d.destination, false, x.state, x.n FROM d CROSS JOIN LATERAL (SELECT state, count(*) AS n"
        " FROM messages WHERE destination = d.destination AND " +
        counted +
        " GROUP BY state) x WHERE d.destination IS NOT NULL) u "
        "ORDER BY nodest DESC, destination COLLATE \"C\", state COLLATE \"C\"";
    auto rows = c.exec(sql);
    if (!rows) return rows.error();
    for (int r = 0; r < rows->size(); ++r)
      out.backlog.push_back(
          {rows->text(r, 0), parse_state(rows->view(r, 1)).value_or(State::received), rows->i64(r, 2)});
  }
  {
    static const std::string open = std::string("state IN (") + kUnacknowledgedStates + ") AND " + kInMailbox;
    static const std::string sql =
        "WITH RECURSIVE p(receiver_partner, received_at) AS ("
        " (SELECT receiver_partner, received_at FROM messages WHERE " +
        open +
        " AND receiver_partner IS NOT NULL ORDER BY receiver_partner, seq LIMIT 1)"
        " UNION ALL SELECT n.receiver_partner, n.received_at FROM p CROSS JOIN LATERAL"
        " (SELECT receiver_partner, received_at FROM messages WHERE " +
        open +
        " AND receiver_partner > p.receiver_partner ORDER BY receiver_partner, seq LIMIT 1) n) "
        "SELECT receiver_partner, received_at FROM p ORDER BY receiver_partner COLLATE \"C\"";
    auto rows = c.exec(sql);
    if (!rows) return rows.error();
    for (int r = 0; r < rows->size(); ++r)
      out.oldest_unacknowledged.push_back({rows->text(r, 0), rows->text(r, 1)});
  }
  return out;
}

core::Result<std::vector<StoredMessage>> queue_list(Connection& c, const QueueQuery& q) {
  Query s;
  s.sql = std::string("SELECT ") + kColumns + " FROM messages";
  where_of(q.filter, s);
  s.sql += " AND seq > " + s.i64(q.after);
  s.sql += " ORDER BY seq LIMIT " + s.limit(q.limit);
  auto rows = c.exec(s.sql, s.params);
  if (!rows) return rows.error();
  return all_rows(*rows);
}

core::Result<std::vector<AuditEntry>> history(Connection& c, const std::string& message_id, int limit) {
  Query s;
  s.sql = "SELECT seq, at, actor, uid, action, message_id, detail FROM audit WHERE message_id = " +
          s.text(message_id) + " ORDER BY seq LIMIT ";
  s.sql += s.limit(limit);
  auto rows = c.exec(s.sql, s.params);
  if (!rows) return rows.error();
  std::vector<AuditEntry> out;
  for (int r = 0; r < rows->size(); ++r)
    out.push_back({rows->i64(r, 0), rows->text(r, 1), rows->text(r, 2), rows->text(r, 4), rows->text(r, 5),
                   rows->text(r, 6), rows->null(r, 3) ? -1L : static_cast<long>(rows->i64(r, 3))});
  return out;
}

core::Result<QueueActionResult> queue_action(Connection& c, const QueueActionRequest& r) {
  if (r.action == QueueAction::remove && r.reason.empty())
    return core::make_error(core::Errc::store_reason_required, "a delete needs a reason (it is audited)");
  std::vector<Candidate> rows;
  QueueActionResult out;
  {
    Query s;
    s.sql = "SELECT seq, id, state, COALESCE(hold_reason, '') FROM messages";
    if (r.filter) {
      where_of(*r.filter, s);
      s.sql += " AND seq > " + s.i64(r.after) + " AND state IN (";
      bool first = true;
      for (State st : queue_action_sources(r.action)) {
        s.sql += (first ? "" : ", ") + s.text(to_string(st));
        first = false;
      }
      s.sql += ") ORDER BY seq LIMIT " + s.limit(static_cast<std::int64_t>(r.limit) + 1);
    } else {
      s.sql += " WHERE id = " + s.text(r.id);
    }
    // Held to the end of the caller's transaction: a claim (FOR UPDATE SKIP
    // LOCKED) passes these rows by, so an action's check still holds when its
    // change is made. A dry run changes nothing and locks nothing.
    if (!r.dry_run) s.sql += " FOR UPDATE";
    auto got = c.exec(s.sql, s.params);
    if (!got) return got.error();
    for (int i = 0; i < got->size(); ++i)
      rows.push_back({got->i64(i, 0), got->text(i, 1), parse_state(got->view(i, 2)).value_or(State::received),
                      parse_hold_reason(got->view(i, 3)).value_or(HoldReason::none)});
  }
  if (r.filter && static_cast<int>(rows.size()) > r.limit) {
    rows.resize(static_cast<std::size_t>(r.limit));
    out.more = true;
  }
  for (const auto& m : rows) {
    auto it = judge(c, r, m);
    if (!it) return it.error();
    if (it->changed && !r.dry_run)
      if (auto a = apply(c, r, m, *it); !a) return a.error();
    out.items.push_back(std::move(*it));
    out.last_seq = m.seq;
  }
  return out;
}

}  // namespace sluis::store::pg
