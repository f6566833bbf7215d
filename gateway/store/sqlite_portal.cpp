#include "gateway/store/sqlite_portal.hpp"

#include "gateway/store/sqlite_obligations.hpp"

#include "gateway/store/sqlite_messages.hpp"
#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace {

// What a partner sees (store::visible_to): what it sent, and what was passed
// on to it. The received half excludes what the receiver never gets.
constexpr const char* kReceivedBy =
    "receiver_partner = ? AND sender_partner != ? AND shadow = 0 AND state NOT IN "
    "('received','held','rejected')";

// store::status_of in SQL ('sluis': what the gateway composed). A `+` on a
// column keeps SQLite off that column's index (messages_state_seq,
// messages_received): most messages share a state, and the partner's index
// bounds a page better than a time range across every partner.
const char* status_sql(Status s) {
  switch (s) {
    case Status::rejected:
      return "+state = 'rejected'";
    case Status::composed:
      return "+state != 'rejected' AND sender_partner = 'sluis'";
    case Status::held:
      return "+state = 'held' AND hold_reason = 'orphan' AND sender_partner != 'sluis'";
    case Status::accepted:
      return "+state != 'rejected' AND sender_partner != 'sluis' AND NOT (+state = 'held' AND "
             "COALESCE(hold_reason, '') = 'orphan')";
  }
  return "0";
}

// The filters of a query, each " AND ...", with their values.
std::string filters(const PartnerQuery& q, std::vector<Bind>& binds) {
  std::string sql;
  if (q.status) sql += std::string(" AND ") + status_sql(*q.status);
  if (q.state) {
    sql += " AND +state = ?";
    binds.emplace_back(std::string(to_string(*q.state)));
  }
  if (q.type != 0) {
    sql += " AND type = ?";
    binds.emplace_back(static_cast<std::int64_t>(q.type));
  }
  // received_at is UTC text that sorts in time order (core::utc_text).
  if (!q.since.empty()) {
    sql += " AND +received_at >= ?";
    binds.emplace_back(q.since);
  }
  if (!q.until.empty()) {
    sql += " AND +received_at < ?";
    binds.emplace_back(q.until);
  }
  if (q.before > 0) {
    sql += " AND seq < ?";
    binds.emplace_back(q.before);
  }
  return sql;
}

core::Result<std::optional<StoredMessage>> retour_of(sqlite3* db, const StoredMessage& m) {
  const auto* type = standard::find_message(m.law, m.type);
  if (!type || type->answered_by == 0) return std::optional<StoredMessage>();
  auto all = answers(db, m.id);
  if (!all) return all.error();
  for (auto it = all->rbegin(); it != all->rend(); ++it)
    if (it->type == type->answered_by && it->state != State::rejected)
      return std::optional<StoredMessage>(std::move(*it));
  return std::optional<StoredMessage>();
}

}  // namespace

core::Result<std::vector<PartnerMessage>> partner_messages(sqlite3* db, const PartnerQuery& q) {
  std::vector<Bind> fb;
  const std::string f = filters(q, fb);
  std::vector<Bind> binds;
  std::string sql;
  if (!q.identificatie.empty()) {
    // By the identification's indexes (each a handful of rows), then the
    // partner's and the filters' conditions on those rows.
    sql = std::string("SELECT ") + kColumns +
          " FROM messages WHERE id IN (SELECT id FROM messages WHERE identificatie = ? UNION "
          "SELECT id FROM messages WHERE identificatie_retour = ? UNION SELECT id FROM messages "
          "WHERE "
          "declaratie_nummer = ?) AND (sender_partner = ? OR (" +
          kReceivedBy + "))" + f + " ORDER BY seq DESC LIMIT ?";
    for (int i = 0; i < 3; ++i) binds.emplace_back(q.identificatie);
    for (int i = 0; i < 3; ++i) binds.emplace_back(q.partner);
    binds.insert(binds.end(), fb.begin(), fb.end());
  } else {
    // Two halves, each read newest first by its index (messages_sender,
    // messages_mailbox: partner, seq) and merged: a page reads its rows and
    // those the filters pass over, never the partner's whole history sorted.
    sql = std::string("SELECT ") + kColumns + " FROM messages WHERE sender_partner = ?" + f +
          " UNION ALL SELECT " + kColumns + " FROM messages WHERE " + kReceivedBy + f +
          " ORDER BY seq DESC LIMIT ?";
    binds.emplace_back(q.partner);
    binds.insert(binds.end(), fb.begin(), fb.end());
    binds.emplace_back(q.partner);
    binds.emplace_back(q.partner);
    binds.insert(binds.end(), fb.begin(), fb.end());
  }
  binds.emplace_back(static_cast<std::int64_t>(q.limit));
  std::vector<StoredMessage> rows;
  {
    Stmt s(db, sql.c_str());
    if (!s.ok()) return db_error(db, "partner_messages");
    bind_all(s, binds);
    auto all = all_rows(s, db, "partner_messages");
    if (!all) return all.error();
    rows = std::move(*all);
  }
  std::vector<PartnerMessage> out;
  out.reserve(rows.size());
  for (auto& m : rows) {
    auto r = retour_of(db, m);
    if (!r) return r.error();
    out.push_back({std::move(m), std::move(*r)});
  }
  return out;
}

core::Result<std::vector<StoredMessage>> answers(sqlite3* db, const std::string& id) {
  // Its retours and composed answers by messages_heen; the answers that met
  // its obligations by obligation_message.
  static const std::string kAnswers =
      std::string("SELECT ") + kColumns +
      " FROM messages WHERE heen_id = ?1 OR id IN (SELECT met_by FROM "
      "obligation WHERE message_id = ?1 AND met_by IS NOT NULL) ORDER BY seq";
  Stmt s(db, kAnswers.c_str());
  if (!s.ok()) return db_error(db, "answers");
  s.bind(1, id);
  return all_rows(s, db, "answers");
}

core::Result<PartnerStatus> partner_status(sqlite3* db, const PartnerStatusQuery& q) {
  PartnerStatus out;
  // Rejected: by the sender's index (partner, seq) from the first message
  // received since `since` (one look-up in messages_received; seq and
  // received_at grow together, both set by the one writer), so the work is
  // the partner's messages of the period, not its whole history. The `+`s
  // keep SQLite on that index (see status_sql).
  static const std::string kWhere =
      " FROM messages WHERE sender_partner = ?1 AND seq >= (SELECT seq FROM messages WHERE "
      "received_at >= ?2 ORDER BY received_at LIMIT 1) AND +state = 'rejected' AND +received_at >= ?2";
  {
    static const std::string kList = std::string("SELECT ") + kColumns + kWhere + " ORDER BY seq DESC LIMIT ?3";
    Stmt s(db, kList.c_str());
    if (!s.ok()) return db_error(db, "partner_status rejected");
    s.bind(1, q.partner).bind(2, q.since).bind(3, static_cast<std::int64_t>(q.max_rejected));
    auto rows = all_rows(s, db, "partner_status rejected");
    if (!rows) return rows.error();
    out.rejected = std::move(*rows);
  }
  {
    static const std::string kCount = std::string("SELECT COUNT(*)") + kWhere;
    Stmt s(db, kCount.c_str());
    if (!s.ok()) return db_error(db, "partner_status rejected count");
    s.bind(1, q.partner).bind(2, q.since);
    if (s.step() != SQLITE_ROW) return db_error(db, "partner_status rejected count");
    out.rejected_total = s.i64(0);
  }
  // Owed: the open obligations (obligation_open_due), earliest due first.
  {
    static const std::string sql = std::string("SELECT ") + kObligationColumns +
                                   " FROM obligation WHERE met_by IS NULL AND owed_by = ? ORDER BY due_on, id LIMIT ?";
    Stmt s(db, sql.c_str());
    if (!s.ok()) return db_error(db, "partner_status owed");
    s.bind(1, q.partner).bind(2, static_cast<std::int64_t>(q.max_owed));
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto o = read_obligation(s, "partner_status owed");
      if (!o) return o.error();
      out.owed.push_back(std::move(*o));
    }
    if (rc != SQLITE_DONE) return db_error(db, "partner_status owed");
  }
  {
    Stmt s(db,
           "SELECT COUNT(*), COALESCE(SUM(due_on < ?), 0) FROM obligation WHERE met_by IS NULL AND owed_by = ?");
    if (!s.ok()) return db_error(db, "partner_status owed count");
    s.bind(1, q.today).bind(2, q.partner);
    if (s.step() != SQLITE_ROW) return db_error(db, "partner_status owed count");
    out.owed_total = s.i64(0);
    out.overdue_total = s.i64(1);
  }
  // The mailbox as GET /v1/mailbox pages it (messages_unacked_mailbox).
  {
    static const std::string kMailbox = std::string("SELECT COUNT(*), MIN(received_at) FROM messages WHERE "
                                                    "receiver_partner = ? AND ") +
                                        kInMailbox + " AND state IN (" + kUnacknowledgedStates + ")";
    Stmt s(db, kMailbox.c_str());
    if (!s.ok()) return db_error(db, "partner_status mailbox");
    s.bind(1, q.partner);
    if (s.step() != SQLITE_ROW) return db_error(db, "partner_status mailbox");
    out.mailbox_waiting = s.i64(0);
    out.mailbox_oldest_at = s.text(1);
  }
  return out;
}

}  // namespace sluis::store::sqlite
