// Internal to the PostgreSQL engine: a partner's own messages and status page,
// as sqlite_portal.cpp is for SQLite, statement for statement.
//
// Where the same SQL could answer differently on the two engines:
// - SQLite's `+column` (keeping its planner off an index) has no meaning here
//   and is dropped.
// - SQLite compares text bytewise; PostgreSQL by the database's collation. An
//   ORDER BY, a comparison with no index to keep or a min() on text says
//   COLLATE "C". Tests and orders on received_at keep the column's collation
//   (messages_received serves them): the store's utc_text texts, all of one
//   shape, order alike under any collation.
// - Where SQLite's index settles ties (the first message received since a
//   time: messages_received, then rowid), the order is written out.
// - A boolean is 't' or 'f' here: what SQLite reads as 0 or 1 is cast to integer.
#include "gateway/store/pg_portal.hpp"

#include <optional>
#include <string_view>
#include <utility>

#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/pg_messages.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

namespace {

// What `p` (a placeholder holding the partner) received: sqlite_portal.cpp's
// kReceivedBy (store::visible_to).
std::string received_by(const std::string& p) {
  return "receiver_partner = " + p + " AND sender_partner != " + p +
         " AND shadow = 0 AND state NOT IN ('received','held','rejected')";
}

// store::status_of in SQL, as sqlite_portal.cpp's status_sql.
const char* status_sql(Status s) {
  switch (s) {
    case Status::rejected:
      return "state = 'rejected'";
    case Status::composed:
      return "state != 'rejected' AND sender_partner = 'sluis'";
    case Status::held:
      return "state = 'held' AND hold_reason = 'orphan' AND sender_partner != 'sluis'";
    case Status::accepted:
      return "state != 'rejected' AND sender_partner != 'sluis' AND NOT (state = 'held' AND "
             "COALESCE(hold_reason, '') = 'orphan')";
  }
  return "false";
}

// The filters of a query, each " AND ...", their values added to `s`.
std::string filters(const PartnerQuery& q, Query& s) {
  std::string sql;
  if (q.status) sql += std::string(" AND ") + status_sql(*q.status);
  if (q.state) sql += " AND state = " + s.text(to_string(*q.state));
  if (q.type != 0) sql += " AND type = " + s.i64(q.type);
  if (!q.since.empty()) sql += " AND received_at >= " + s.text(q.since);
  if (!q.until.empty()) sql += " AND received_at < " + s.text(q.until);
  if (q.before > 0) sql += " AND seq < " + s.i64(q.before);
  return sql;
}

core::Result<std::optional<StoredMessage>> retour_of(Connection& c, const StoredMessage& m) {
  const auto* type = standard::find_message(m.law, m.type);
  if (!type || type->answered_by == 0) return std::optional<StoredMessage>();
  auto all = answers(c, m.id);
  if (!all) return all.error();
  for (auto it = all->rbegin(); it != all->rend(); ++it)
    if (it->type == type->answered_by && it->state != State::rejected)
      return std::optional<StoredMessage>(std::move(*it));
  return std::optional<StoredMessage>();
}

core::Result<PartnerStatus> status_reads(Connection& c, const PartnerStatusQuery& q) {
  PartnerStatus out;
  // Rejected: as sqlite::partner_status, from the first message received
  // since `since` (the lowest seq among those received at that instant, as
  // SQLite's walk of messages_received finds it).
  static const std::string kWhere =
      " FROM messages WHERE sender_partner = $1 AND seq >= (SELECT seq FROM messages WHERE "
      "received_at >= $2 ORDER BY received_at, seq LIMIT 1) AND state = 'rejected' AND received_at >= $2";
  {
    static const std::string kList =
        std::string("SELECT ") + kColumns + kWhere + " ORDER BY seq DESC LIMIT $3";
    Params p;
    p.text(q.partner).text(q.since);
    if (q.max_rejected < 0)
      p.null();
    else
      p.i64(q.max_rejected);
    auto rows = c.exec(kList, p);
    if (!rows) return rows.error();
    auto list = all_rows(*rows);
    if (!list) return list.error();
    out.rejected = std::move(*list);
  }
  {
    static const std::string kCount = std::string("SELECT count(*)") + kWhere;
    auto rows = c.exec(kCount, Params().text(q.partner).text(q.since));
    if (!rows) return rows.error();
    out.rejected_total = rows->i64(0, 0);
  }
  // Owed: the open obligations, earliest due first.
  {
    static const std::string sql = std::string("SELECT ") + kObligationColumns +
                                   " FROM obligation WHERE met_by IS NULL AND owed_by = $1 "
                                   "ORDER BY due_on COLLATE \"C\", id LIMIT $2";
    Params p;
    p.text(q.partner);
    if (q.max_owed < 0)
      p.null();
    else
      p.i64(q.max_owed);
    auto rows = c.exec(sql, p);
    if (!rows) return rows.error();
    for (int r = 0; r < rows->size(); ++r) {
      auto o = read_obligation(Row{*rows, r}, "partner_status owed");
      if (!o) return o.error();
      out.owed.push_back(std::move(*o));
    }
  }
  {
    auto rows = c.exec(
        "SELECT count(*), count(*) FILTER (WHERE due_on < $1::text COLLATE \"C\") FROM obligation "
        "WHERE met_by IS NULL AND owed_by = $2",
        Params().text(q.today).text(q.partner));
    if (!rows) return rows.error();
    out.owed_total = rows->i64(0, 0);
    out.overdue_total = rows->i64(0, 1);
  }
  // The mailbox as GET /v1/mailbox pages it (messages_unacked_mailbox).
  {
    static const std::string kMailbox = std::string(
                                            "SELECT count(*), min(received_at COLLATE \"C\") FROM messages "
                                            "WHERE receiver_partner = $1 AND ") +
                                        kInMailbox + " AND state IN (" + kUnacknowledgedStates + ")";
    auto rows = c.exec(kMailbox, Params().text(q.partner));
    if (!rows) return rows.error();
    out.mailbox_waiting = rows->i64(0, 0);
    out.mailbox_oldest_at = rows->text(0, 1);  // "" when none (NULL), as SQLite's
  }
  return out;
}

}  // namespace

core::Result<std::vector<PartnerMessage>> partner_messages(Connection& c, const PartnerQuery& q) {
  Query s;
  const std::string p = s.text(q.partner);
  if (!q.identificatie.empty()) {
    const std::string ident = s.text(q.identificatie);
    const std::string f = filters(q, s);
    s.sql = std::string("SELECT ") + kColumns +
            " FROM messages WHERE id IN (SELECT id FROM messages WHERE identificatie = " + ident +
            " UNION SELECT id FROM messages WHERE identificatie_retour = " + ident +
            " UNION SELECT id FROM messages WHERE declaratie_nummer = " + ident +
            ") AND (sender_partner = " + p + " OR (" + received_by(p) + "))" + f +
            " ORDER BY seq DESC LIMIT ";
  } else {
    // The two halves (sent, received) as on SQLite, the filters' values shared.
    const std::string f = filters(q, s);
    s.sql = std::string("SELECT ") + kColumns + " FROM messages WHERE sender_partner = " + p + f +
            " UNION ALL SELECT " + kColumns + " FROM messages WHERE " + received_by(p) + f +
            " ORDER BY seq DESC LIMIT ";
  }
  s.sql += s.limit(q.limit);
  std::vector<PartnerMessage> out;
  auto done = transaction(c, Isolation::repeatable_read, [&](Connection& tx) -> core::Result<void> {
    out.clear();
    auto rows = tx.exec(s.sql, s.params);
    if (!rows) return rows.error();
    auto page = all_rows(*rows);
    if (!page) return page.error();
    out.reserve(page->size());
    for (auto& m : *page) {
      auto r = retour_of(tx, m);
      if (!r) return r.error();
      out.push_back({std::move(m), std::move(*r)});
    }
    return {};
  });
  if (!done) return done.error();
  return out;
}

core::Result<std::vector<StoredMessage>> answers(Connection& c, const std::string& id) {
  static const std::string kAnswers = std::string("SELECT ") + kColumns +
                                      " FROM messages WHERE heen_id = $1 OR id IN (SELECT met_by FROM "
                                      "obligation WHERE message_id = $1 AND met_by IS NOT NULL) ORDER BY seq";
  auto rows = c.exec(kAnswers, Params().text(id));
  if (!rows) return rows.error();
  return all_rows(*rows);
}

core::Result<PartnerStatus> partner_status(Connection& c, const PartnerStatusQuery& q) {
  PartnerStatus out;
  auto done = transaction(c, Isolation::repeatable_read, [&](Connection& tx) -> core::Result<void> {
    auto reads = status_reads(tx, q);
    if (!reads) return reads.error();
    out = std::move(*reads);
    if (q.ledger) {
      Ledger ledger(tx);
      q.ledger(ledger);
      if (ledger.failed())
        return core::make_error(core::Errc::store_postgresql,
                                tx.description() + ": partner_status ledger: a ledger read failed");
    }
    return {};
  });
  if (!done) return done.error();
  return out;
}

}  // namespace sluis::store::pg
