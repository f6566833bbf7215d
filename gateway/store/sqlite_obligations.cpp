#include "gateway/store/sqlite_obligations.hpp"

#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace D = standard::deadlines;

// Dates are Dutch dates as YYYY-MM-DD (they compare as text). No foreign key
// to messages: an obligation outlives nothing it refers to, and an operator's
// message-delete is not blocked by it. The partial indexes serve the two hot
// questions: which open obligation does this answer close, and which are
// overdue.
const char* const kObligationSchema = R"sql(
CREATE TABLE obligation (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('retour','declaratie_antwoord','verzoek_antwoord','definitief_antwoord')),
  rule TEXT NOT NULL,
  law TEXT NOT NULL,
  type INTEGER NOT NULL,
  match_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  owed_by TEXT NOT NULL,
  owed_by_code TEXT NOT NULL,
  owed_to TEXT NOT NULL,
  owed_to_code TEXT NOT NULL,
  opened_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  met_by TEXT,
  met_on TEXT,
  logged_at TEXT
);
CREATE INDEX obligation_open_key ON obligation (law, kind, match_key) WHERE met_by IS NULL;
CREATE INDEX obligation_open_due ON obligation (due_on, owed_by) WHERE met_by IS NULL;
CREATE INDEX obligation_message ON obligation (message_id);
)sql";

namespace {

// Closes the open obligations of `heen_id` that a retour or 325 answers.
core::Result<void> close_by_heen(sqlite3* db, const std::string& heen_id, const std::string& by,
                                 const std::string& on) {
  Stmt s(db, "UPDATE obligation SET met_by = ?, met_on = ? WHERE message_id = ? AND met_by IS NULL AND "
             "kind IN ('retour', 'declaratie_antwoord')");
  s.bind(1, by).bind(2, on).bind(3, heen_id);
  if (s.step() != SQLITE_DONE) return db_error(db, "obligation close");
  return {};
}

}  // namespace

core::Result<void> apply_obligations(sqlite3* db, const NewMessage& m, const Decision& d, const std::string& today) {
  // Meets first: a message never closes what it opens itself.
  if (!d.meets.empty()) {
    Stmt s(db, "UPDATE obligation SET met_by = ?, met_on = ? WHERE law = ? AND kind = ? AND match_key = ? AND "
               "met_by IS NULL");
    for (const auto& x : d.meets) {
      s.reset();
      s.bind(1, m.id).bind(2, core::format_date(x.on)).bind(3, m.law).bind(4, D::to_string(x.kind)).bind(5, x.key);
      if (s.step() != SQLITE_DONE) return db_error(db, "obligation meet");
    }
  }
  if (!m.heen_id.empty() && m.state != State::rejected && !m.shadow)
    if (auto r = close_by_heen(db, m.heen_id, m.id, today); !r) return r;
  if (!d.obligations.empty()) {
    Stmt s(db, "INSERT INTO obligation (kind, rule, law, type, match_key, message_id, owed_by, owed_by_code, "
               "owed_to, owed_to_code, opened_on, due_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    for (const auto& o : d.obligations) {
      s.reset();
      s.bind(1, D::to_string(o.kind)).bind(2, o.rule).bind(3, m.law).bind(4, static_cast<std::int64_t>(m.type));
      s.bind(5, o.key).bind(6, m.id).bind(7, m.receiver_partner).bind(8, o.owed_by).bind(9, m.sender_partner);
      s.bind(10, o.owed_to).bind(11, core::format_date(o.opened)).bind(12, core::format_date(o.due));
      if (s.step() != SQLITE_DONE) return db_error(db, "obligation insert");
    }
  }
  // sluis answering at once: the retour or 325 it composed closes the
  // obligation the heenbericht just opened.
  for (const auto& p : d.produced)
    if (p.state != State::rejected)
      if (auto r = close_by_heen(db, p.heen_id.empty() ? m.id : p.heen_id, p.id, today); !r) return r;
  return {};
}

const char* const kObligationColumns =
    "id, kind, rule, law, type, message_id, owed_by, owed_by_code, owed_to, owed_to_code, opened_on, due_on, "
    "logged_at IS NOT NULL";

core::Result<OverdueAnswer> read_obligation(Stmt& s, const char* what) {
  OverdueAnswer o;
  o.id = s.i64(0);
  o.kind = s.text(1);
  o.rule = s.text(2);
  auto law = s.law(3);
  if (!law) return bad_law(what);
  o.law = *law;
  o.type = static_cast<int>(s.i64(4));
  o.message_id = s.text(5);
  o.owed_by = s.text(6);
  o.owed_by_code = s.text(7);
  o.owed_to = s.text(8);
  o.owed_to_code = s.text(9);
  o.opened_on = s.text(10);
  o.due_on = s.text(11);
  o.logged = s.i64(12) != 0;
  return o;
}

core::Result<std::vector<OverdueAnswer>> overdue(sqlite3* db, const std::string& as_of, const std::string& partner) {
  static const std::string sql = std::string("SELECT ") + kObligationColumns +
                                 " FROM obligation WHERE met_by IS NULL AND due_on < ? AND "
                                 "(? = '' OR owed_by = ?) ORDER BY owed_by, due_on, id";
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "overdue");
  s.bind(1, as_of).bind(2, partner).bind(3, partner);
  std::vector<OverdueAnswer> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto o = read_obligation(s, "overdue");
    if (!o) return o.error();
    out.push_back(std::move(*o));
  }
  if (rc != SQLITE_DONE) return db_error(db, "overdue");
  return out;
}

core::Result<void> mark_overdue_logged(sqlite3* db, const std::vector<std::int64_t>& ids, const std::string& at) {
  Stmt s(db, "UPDATE obligation SET logged_at = ? WHERE id = ? AND logged_at IS NULL");
  for (auto id : ids) {
    s.reset();
    s.bind(1, at).bind(2, id);
    if (s.step() != SQLITE_DONE) return db_error(db, "overdue logged");
  }
  return {};
}

}  // namespace sluis::store::sqlite
