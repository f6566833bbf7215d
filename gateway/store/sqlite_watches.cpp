#include "gateway/store/sqlite_watches.hpp"

#include <map>

#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

// Times are UTC texts (core::utc_text). No foreign key to messages: a case
// outlives the message it names (an operator's message-delete, the pruner).
const char* const kWatchSchema = R"sql(
CREATE TABLE watch_case (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  case_key TEXT NOT NULL,
  partner TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  opened_at TEXT NOT NULL,
  logged_at TEXT,
  closed_at TEXT
);
CREATE UNIQUE INDEX watch_case_open ON watch_case (kind, case_key) WHERE closed_at IS NULL;
CREATE INDEX watch_case_closed ON watch_case (closed_at) WHERE closed_at IS NOT NULL;
)sql";

namespace {

constexpr const char* kCaseColumns = "id, kind, case_key, partner, subject, detail, opened_at, logged_at, closed_at";

WatchCase case_row(const Stmt& s) {
  WatchCase c;
  c.id = s.i64(0);
  c.kind = s.text(1);
  c.case_key = s.text(2);
  c.partner = s.text(3);
  c.subject = s.text(4);
  c.detail = s.text(5);
  c.opened_at = s.text(6);
  c.logged_at = s.text(7);
  c.closed_at = s.text(8);
  return c;
}

}  // namespace

core::Result<std::vector<UnreadMessage>> unread_mailbox(sqlite3* db, int limit) {
  // The mailbox's own selection (sqlite_store.cpp, mailbox()), every partner.
  // Available since its receipt, or since its last release from held (the
  // audit rows release_held, an operator's release and an orphan's release write).
  const std::string sql =
      std::string("SELECT id, law, type, sender_partner, COALESCE(receiver_partner, ''), state, "
                  "COALESCE((SELECT max(a.at) FROM audit a WHERE a.message_id = messages.id AND "
                  "a.action IN ('state held -> queued', 'released')), received_at) FROM messages "
                  "WHERE receiver_partner IS NOT NULL AND receiver_partner <> '' AND ") +
      kInMailbox + " AND state IN (" + kUnacknowledgedStates + ") ORDER BY seq LIMIT ?";
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "unread_mailbox");
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<UnreadMessage> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    UnreadMessage m;
    m.id = s.text(0);
    auto law = s.law(1);
    if (!law) return bad_law("unread_mailbox");
    m.law = *law;
    m.type = static_cast<int>(s.i64(2));
    m.sender_partner = s.text(3);
    m.receiver_partner = s.text(4);
    m.state = parse_state(s.text(5)).value_or(State::queued);
    m.available_at = s.text(6);
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return db_error(db, "unread_mailbox");
  return out;
}

core::Result<std::vector<DestinationBacklog>> backlog(sqlite3* db) {
  Stmt s(db, "SELECT destination, state, COUNT(*), MIN(received_at), "
             "(SELECT m2.id FROM messages m2 WHERE m2.destination = m.destination AND m2.state = m.state "
             " ORDER BY m2.seq LIMIT 1), "
             "(SELECT COALESCE(m3.receiver_partner, '') FROM messages m3 WHERE m3.destination = m.destination "
             " AND m3.state = m.state ORDER BY m3.seq LIMIT 1) "
             "FROM messages m WHERE state IN ('deferred','dead') AND destination IS NOT NULL "
             "GROUP BY destination, state ORDER BY destination");
  if (!s.ok()) return db_error(db, "backlog");
  std::map<std::string, DestinationBacklog> by;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto& b = by[s.text(0)];
    b.destination = s.text(0);
    if (b.partner.empty()) b.partner = s.text(5);
    if (s.text(1) == "deferred") {
      b.deferred = s.i64(2);
      b.oldest_deferred_at = s.text(3);
    } else {
      b.dead = s.i64(2);
      b.oldest_dead_id = s.text(4);
    }
  }
  if (rc != SQLITE_DONE) return db_error(db, "backlog");
  std::vector<DestinationBacklog> out;
  for (auto& [_, b] : by) out.push_back(std::move(b));
  return out;
}

core::Result<std::vector<SubmissionDay>> submissions(sqlite3* db, const std::string& from_day) {
  // Only the window's rows, by the receipt time's index. Left to itself SQLite
  // walked messages_sender for the GROUP BY, i.e. every message of the store
  // (3 s of CPU with a million; docs/performance.md, "Cost growth").
  Stmt s(db, "SELECT sender_partner, substr(received_at, 1, 10) AS day, COUNT(*), "
             "SUM(state = 'rejected') FROM messages INDEXED BY messages_received WHERE received_at >= ? AND "
             "shadow = 0 AND sender_partner <> '' GROUP BY sender_partner, day ORDER BY sender_partner, day");
  if (!s.ok()) return db_error(db, "submissions");
  s.bind(1, from_day);
  std::vector<SubmissionDay> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.text(0), s.text(1), s.i64(2), s.i64(3)});
  if (rc != SQLITE_DONE) return db_error(db, "submissions");
  return out;
}

core::Result<std::vector<YouthAllocation>> youth_turning_18(sqlite3* db, const std::string& until) {
  // Dates are YYYY-MM-DD: they compare as text.
  Stmt s(db, "SELECT a.gemeente, a.aanbieder, a.toewijzing_nummer, COALESCE(a.einddatum, ''), a.client_turns_18_on "
             "FROM ledger_allocation a WHERE a.law = 'ijw' AND a.verdict <> 'rejected' AND "
             "a.client_turns_18_on IS NOT NULL AND a.client_turns_18_on <= ? AND "
             "(a.einddatum IS NULL OR a.einddatum >= a.client_turns_18_on) AND NOT EXISTS ("
             " SELECT 1 FROM ledger_care c WHERE c.kind = 'stop' AND c.law = a.law AND c.gemeente = a.gemeente AND "
             " c.toewijzing_nummer = a.toewijzing_nummer AND c.einddatum IS NOT NULL AND "
             " c.einddatum < a.client_turns_18_on) "
             "ORDER BY a.gemeente, a.toewijzing_nummer LIMIT 100000");
  if (!s.ok()) return db_error(db, "youth_turning_18");
  s.bind(1, until);
  std::vector<YouthAllocation> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back({s.text(0), s.text(1), s.i64(2), s.text(3), s.text(4)});
  if (rc != SQLITE_DONE) return db_error(db, "youth_turning_18");
  return out;
}

// The four care-continuity reads, one statement each, dates compared as text
// (YYYY-MM-DD). Deleted deliveries (StatusAanlevering 3) and withdrawn
// allocations (RedenWijziging 13) count for nothing.
core::Result<std::vector<CareCandidate>> care_candidates(sqlite3* db, const CareQuery& q) {
  using W = CareCandidate::What;
  struct Read {
    W what;
    const char* sql;
  };
  static const Read kReads[] = {
      // A new allocation (no RedenWijziging), running, waiting since the later
      // of Toewijzingsdatum and Ingangsdatum, with no start.
      {W::unstarted,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, max(a.toewijzingsdatum, a.ingangsdatum) "
       "FROM ledger_allocation a WHERE a.verdict <> 'rejected' AND a.reden_wijziging IS NULL "
       "AND max(a.toewijzingsdatum, a.ingangsdatum) < :waiting AND a.toewijzingsdatum >= :since "
       "AND (a.einddatum IS NULL OR a.einddatum >= :today) AND NOT EXISTS (SELECT 1 FROM ledger_care c "
       "WHERE c.kind = 'start' AND c.law = a.law AND c.gemeente = a.gemeente AND "
       "c.toewijzing_nummer = a.toewijzing_nummer AND c.status <> '3') LIMIT 100000"},
      // Refused by its provider's 302 (the retour that met the 301's OP090):
      // a corrected 301 for the same ToewijzingNummer sets the verdict again.
      {W::rejected,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, max(o.met_on) FROM ledger_allocation a "
       "JOIN obligation o ON o.message_id = a.message_id AND o.kind = 'retour' AND o.met_on IS NOT NULL "
       "WHERE a.verdict = 'rejected' AND o.met_on >= :since GROUP BY a.law, a.gemeente, a.toewijzing_nummer "
       "LIMIT 100000"},
      // Ending from today to :ending, with no stop and no successor: another
      // allocation of the same client, gemeente and category running on after it.
      {W::ending,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, a.einddatum FROM ledger_allocation a "
       "WHERE a.verdict <> 'rejected' AND COALESCE(a.reden_wijziging, '') <> '13' AND a.einddatum >= :today "
       "AND a.einddatum <= :ending AND NOT EXISTS (SELECT 1 FROM ledger_care c WHERE c.kind = 'stop' AND "
       "c.law = a.law AND c.gemeente = a.gemeente AND c.toewijzing_nummer = a.toewijzing_nummer AND "
       "c.status <> '3') AND NOT EXISTS (SELECT 1 FROM ledger_allocation n WHERE n.law = a.law AND "
       "n.gemeente = a.gemeente AND n.bsn_hash = a.bsn_hash AND n.categorie = a.categorie AND "
       "n.toewijzing_nummer <> a.toewijzing_nummer AND n.verdict <> 'rejected' AND "
       "COALESCE(n.reden_wijziging, '') <> '13' AND (n.einddatum IS NULL OR n.einddatum > a.einddatum)) "
       "LIMIT 100000"},
      // Refused (VerzoekAntwoord 1) by the 319 that met the request's answer
      // obligation, and no 301 honoured it since.
      {W::refused,
       "SELECT r.law, r.gemeente, r.aanbieder, r.referentie, max(o.met_on) FROM ledger_request r "
       "JOIN obligation o ON o.law = r.law AND o.match_key = r.aanbieder || ':' || r.referentie AND "
       "o.kind IN ('verzoek_antwoord', 'definitief_antwoord') AND o.met_on IS NOT NULL "
       "WHERE r.antwoord = '1' AND r.honoured = 0 AND o.met_on >= :since "
       "GROUP BY r.law, r.aanbieder, r.referentie LIMIT 100000"},
  };
  std::vector<CareCandidate> out;
  for (const auto& read : kReads) {
    Stmt s(db, read.sql);
    if (!s.ok()) return db_error(db, "care_candidates");
    for (auto [name, value] : {std::pair{":today", &q.today}, std::pair{":waiting", &q.waiting_before},
                               std::pair{":ending", &q.ending_until}, std::pair{":since", &q.since}})
      if (int i = s.param(name); i > 0) s.bind(i, *value);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      auto law = s.law(0);
      if (!law) return bad_law("care_candidates");
      out.push_back({read.what, *law, s.text(1), s.text(2), s.text(3), s.text(4)});
    }
    if (rc != SQLITE_DONE) return db_error(db, "care_candidates");
  }
  return out;
}

core::Result<std::vector<WatchCase>> watch_cases(sqlite3* db, const WatchFilter& f) {
  std::string sql = std::string("SELECT ") + kCaseColumns +
                    " FROM watch_case WHERE (? = '' OR kind = ?) AND (? = '' OR partner = ?)" +
                    (f.include_closed ? "" : " AND closed_at IS NULL") +
                    " ORDER BY closed_at IS NOT NULL, id LIMIT ?";
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "watch_cases");
  s.bind(1, f.kind).bind(2, f.kind).bind(3, f.partner).bind(4, f.partner);
  s.bind(5, static_cast<std::int64_t>(f.limit));
  std::vector<WatchCase> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(case_row(s));
  if (rc != SQLITE_DONE) return db_error(db, "watch_cases");
  return out;
}

core::Result<void> watch_sync(sqlite3* db, const std::string& kind, const std::vector<WatchFinding>& found,
                              bool complete, const std::string& now, const std::string& forget_before,
                              WatchSync& out) {
  std::map<std::string, std::int64_t> open;  // case_key -> id
  {
    Stmt s(db, "SELECT case_key, id FROM watch_case WHERE kind = ? AND closed_at IS NULL");
    s.bind(1, kind);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) open[s.text(0)] = s.i64(1);
    if (rc != SQLITE_DONE) return db_error(db, "watch_sync");
  }
  Stmt ins(db, "INSERT INTO watch_case (kind, case_key, partner, subject, detail, opened_at) VALUES (?,?,?,?,?,?)");
  Stmt upd(db, "UPDATE watch_case SET partner = ?, subject = ?, detail = ? WHERE id = ?");
  for (const auto& f : found) {
    auto it = open.find(f.case_key);
    if (it == open.end()) {
      ins.reset();
      ins.bind(1, kind).bind(2, f.case_key).bind(3, f.partner).bind(4, f.subject).bind(5, f.detail).bind(6, now);
      if (ins.step() != SQLITE_DONE) return db_error(db, "watch_sync open");
      open.emplace(f.case_key, -1);  // a finding named twice opens one case
      ++out.opened;
    } else if (it->second >= 0) {
      upd.reset();
      upd.bind(1, f.partner).bind(2, f.subject).bind(3, f.detail).bind(4, it->second);
      if (upd.step() != SQLITE_DONE) return db_error(db, "watch_sync update");
      it->second = -2;  // seen
    }
  }
  if (complete) {
    Stmt close(db, "UPDATE watch_case SET closed_at = ? WHERE id = ?");
    for (const auto& [key, id] : open) {
      if (id < 0) continue;  // opened or seen now
      close.reset();
      close.bind(1, now).bind(2, id);
      if (close.step() != SQLITE_DONE) return db_error(db, "watch_sync close");
      ++out.closed;
    }
  }
  if (!forget_before.empty()) {
    Stmt del(db, "DELETE FROM watch_case WHERE closed_at IS NOT NULL AND closed_at < ?");
    del.bind(1, forget_before);
    if (del.step() != SQLITE_DONE) return db_error(db, "watch_sync forget");
  }
  const std::string sql =
      std::string("SELECT ") + kCaseColumns + " FROM watch_case WHERE kind = ? AND closed_at IS NULL ORDER BY id";
  Stmt s(db, sql.c_str());
  s.bind(1, kind);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.open.push_back(case_row(s));
  if (rc != SQLITE_DONE) return db_error(db, "watch_sync");
  return {};
}

core::Result<void> watch_mark_logged(sqlite3* db, const std::vector<std::int64_t>& ids, const std::string& now) {
  Stmt s(db, "UPDATE watch_case SET logged_at = ? WHERE id = ? AND logged_at IS NULL");
  for (auto id : ids) {
    s.reset();
    s.bind(1, now).bind(2, id);
    if (s.step() != SQLITE_DONE) return db_error(db, "watch logged");
  }
  return {};
}

}  // namespace sluis::store::sqlite
