#include "gateway/store/sqlite_portal.hpp"

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

}  // namespace sluis::store::sqlite
