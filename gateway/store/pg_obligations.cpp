// Internal to the PostgreSQL engine: the obligation table's writes and reads
// and the audit row, as sqlite_obligations.cpp and sqlite::audit_row are for
// SQLite, statement for statement.
#include "gateway/store/pg_obligations.hpp"

#include "gateway/core/clock.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

namespace D = standard::deadlines;

namespace {

// As sqlite_obligations.cpp's close_by_heen.
core::Result<void> close_by_heen(Connection& c, const std::string& heen_id, const std::string& by,
                                 const std::string& on) {
  if (auto r = c.exec("UPDATE obligation SET met_by = $1, met_on = $2 WHERE message_id = $3 AND "
                      "met_by IS NULL AND kind IN ('retour', 'declaratie_antwoord')",
                      Params().text(by).text(on).text(heen_id), "obligation close");
      !r)
    return r.error();
  return {};
}

}  // namespace

core::Result<void> apply_obligations(Connection& c, const NewMessage& m, const Decision& d,
                                     const std::string& today) {
  const std::string law(standard::to_string(m.law));
  // Meets first: a message never closes what it opens itself.
  for (const auto& x : d.meets) {
    Params p;
    p.text(m.id).text(core::format_date(x.on)).text(law).text(D::to_string(x.kind)).text(x.key);
    if (auto r = c.exec("UPDATE obligation SET met_by = $1, met_on = $2 WHERE law = $3 AND kind = $4 AND "
                        "match_key = $5 AND met_by IS NULL",
                        p, "obligation meet");
        !r)
      return r.error();
  }
  if (!m.heen_id.empty() && m.state != State::rejected && !m.shadow)
    if (auto r = close_by_heen(c, m.heen_id, m.id, today); !r) return r;
  for (const auto& o : d.obligations) {
    Params p;
    p.text(D::to_string(o.kind)).text(o.rule).text(law).i64(m.type).text(o.key).text(m.id);
    p.text(m.receiver_partner).text(o.owed_by).text(m.sender_partner).text(o.owed_to);
    p.text(core::format_date(o.opened)).text(core::format_date(o.due));
    if (auto r = c.exec("INSERT INTO obligation (kind, rule, law, type, match_key, message_id, owed_by, "
                        "owed_by_code, owed_to, owed_to_code, opened_on, due_on) "
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                        p, "obligation insert");
        !r)
      return r.error();
  }
  // sluis answering at once, as the SQLite engine.
  for (const auto& p : d.produced)
    if (p.state != State::rejected)
      if (auto r = close_by_heen(c, p.heen_id.empty() ? m.id : p.heen_id, p.id, today); !r) return r;
  return {};
}

// The flag as 0/1: PostgreSQL's boolean reads as 't'/'f'.
const char* const kObligationColumns =
    "id, kind, rule, law, type, message_id, owed_by, owed_by_code, owed_to, owed_to_code, opened_on, due_on, "
    "(logged_at IS NOT NULL)::integer";

core::Result<OverdueAnswer> read_obligation(const Row& r, const char* what) {
  OverdueAnswer o;
  o.id = r.i64(0);
  o.kind = r.text(1);
  o.rule = r.text(2);
  auto law = standard::parse_law(r.text(3));
  if (!law) return bad_law(what);
  o.law = *law;
  o.type = static_cast<int>(r.i64(4));
  o.message_id = r.text(5);
  o.owed_by = r.text(6);
  o.owed_by_code = r.text(7);
  o.owed_to = r.text(8);
  o.owed_to_code = r.text(9);
  o.opened_on = r.text(10);
  o.due_on = r.text(11);
  o.logged = r.i64(12) != 0;
  return o;
}

core::Result<std::vector<OverdueAnswer>> overdue(Connection& c, const std::string& as_of,
                                                 const std::string& partner) {
  // Bytewise, as SQLite orders text (the server collates by its locale).
  static const std::string sql = std::string("SELECT ") + kObligationColumns +
                                 " FROM obligation WHERE met_by IS NULL AND due_on < $1 AND "
                                 "($2::text = '' OR owed_by = $2) "
                                 "ORDER BY owed_by COLLATE \"C\", due_on COLLATE \"C\", id";
  auto rows = c.exec(sql, Params().text(as_of).text(partner), "overdue");
  if (!rows) return rows.error();
  std::vector<OverdueAnswer> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto o = read_obligation(Row{*rows, i}, "overdue");
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
  return out;
}

core::Result<void> mark_overdue_logged(Connection& c, const std::vector<std::int64_t>& ids,
                                       const std::string& at) {
  for (auto id : ids)
    if (auto r = c.exec("UPDATE obligation SET logged_at = $1 WHERE id = $2 AND logged_at IS NULL",
                        Params().text(at).i64(id), "overdue logged");
        !r)
      return r.error();
  return {};
}

core::Result<void> audit_row(Connection& c, const std::string& actor, long uid, const std::string& action,
                             const std::string& message_id, const std::string& detail) {
  Params p;
  p.text(now_utc()).text(actor).i64(uid).text(action);
  p.text_or_null_if_empty(message_id).text_or_null_if_empty(detail);
  if (auto r = c.exec("INSERT INTO audit (at, actor, uid, action, message_id, detail) "
                      "VALUES ($1, $2, $3, $4, $5, $6)",
                      p, "audit");
      !r)
    return r.error();
  return {};
}

}  // namespace sluis::store::pg
