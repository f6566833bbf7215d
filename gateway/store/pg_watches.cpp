// Internal to the PostgreSQL engine: the watches' cases and reads, as
// sqlite_watches.cpp is for SQLite, statement for statement.
//
// Where the same SQL could answer differently on the two engines:
// - SQLite compares text bytewise; PostgreSQL by the server's collation. Text
//   ORDER BYs and min()/max() of text say COLLATE "C". Range tests on dates
//   and times keep the column's collation (and its index): their texts are of
//   one shape (core::format_date, core::utc_text) and order alike under any.
// - Where SQLite's statement has no ORDER BY, its rows come in the order of
//   the table or index it walks (a WITHOUT ROWID ledger table: its primary
//   key; GROUP BY: its terms). That order is written out here: the care
//   candidates become cases in it (their ids), and it decides which rows a
//   LIMIT keeps.
// - A comparison is a boolean, not 0/1: SUM(state = 'rejected') is a count
//   with a FILTER. A negative LIMIT is no limit on SQLite and an error on
//   PostgreSQL: it goes as NULL (no limit).
#include "gateway/store/pg_watches.hpp"

#include <map>
#include <optional>

#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

namespace {

constexpr const char* kCaseColumns =
    "id, kind, case_key, partner, subject, detail, opened_at, logged_at, closed_at";

WatchCase case_row(const Row& r) {
  WatchCase c;
  c.id = r.i64(0);
  c.kind = r.text(1);
  c.case_key = r.text(2);
  c.partner = r.text(3);
  c.subject = r.text(4);
  c.detail = r.text(5);
  c.opened_at = r.text(6);
  c.logged_at = r.text(7);
  c.closed_at = r.text(8);
  return c;
}

// SQLite's LIMIT -1 (or any negative): no limit.
std::optional<std::int64_t> limit_of(int limit) {
  return limit < 0 ? std::nullopt : std::optional<std::int64_t>(limit);
}

}  // namespace

core::Result<std::vector<UnreadMessage>> unread_mailbox(Connection& c, int limit) {
  // As sqlite::unread_mailbox: the mailbox's selection, every partner;
  // available since its receipt or its last release from held.
  static const std::string sql =
      std::string("SELECT id, law, type, sender_partner, COALESCE(receiver_partner, ''), state, "
                  "COALESCE((SELECT max(a.at COLLATE \"C\") FROM audit a WHERE a.message_id = messages.id AND "
                  "a.action IN ('state held -> queued', 'released')), received_at) FROM messages "
                  "WHERE receiver_partner IS NOT NULL AND receiver_partner <> '' AND ") +
      kInMailbox + " AND state IN (" + kUnacknowledgedStates + ") ORDER BY seq LIMIT $1";
  auto rows = c.exec(sql, Params().i64_or_null(limit_of(limit)), "unread_mailbox");
  if (!rows) return rows.error();
  std::vector<UnreadMessage> out;
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    UnreadMessage m;
    m.id = r.text(0);
    auto law = standard::parse_law(r.text(1));
    if (!law) return bad_law("unread_mailbox");
    m.law = *law;
    m.type = static_cast<int>(r.i64(2));
    m.sender_partner = r.text(3);
    m.receiver_partner = r.text(4);
    m.state = parse_state(r.text(5)).value_or(State::queued);
    m.available_at = r.text(6);
    out.push_back(std::move(m));
  }
  return out;
}

core::Result<std::vector<DestinationBacklog>> backlog(Connection& c) {
  // Within a destination, dead before deferred (SQLite groups in that order):
  // the partner is the first non-empty one met.
  static const std::string sql =
      "SELECT destination, state, COUNT(*), MIN(received_at COLLATE \"C\"), "
      "(SELECT m2.id FROM messages m2 WHERE m2.destination = m.destination AND m2.state = m.state "
      " ORDER BY m2.seq LIMIT 1), "
      "(SELECT COALESCE(m3.receiver_partner, '') FROM messages m3 WHERE m3.destination = m.destination "
      " AND m3.state = m.state ORDER BY m3.seq LIMIT 1) "
      "FROM messages m WHERE state IN ('deferred','dead') AND destination IS NOT NULL "
      "GROUP BY destination, state ORDER BY destination COLLATE \"C\", state COLLATE \"C\"";
  auto rows = c.exec(sql, {}, "backlog");
  if (!rows) return rows.error();
  std::map<std::string, DestinationBacklog> by;
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto& b = by[r.text(0)];
    b.destination = r.text(0);
    if (b.partner.empty()) b.partner = r.text(5);
    if (r.text(1) == "deferred") {
      b.deferred = r.i64(2);
      b.oldest_deferred_at = r.text(3);
    } else {
      b.dead = r.i64(2);
      b.oldest_dead_id = r.text(4);
    }
  }
  std::vector<DestinationBacklog> out;
  for (auto& [_, b] : by) out.push_back(std::move(b));
  return out;
}

core::Result<std::vector<SubmissionDay>> submissions(Connection& c, const std::string& from_day) {
  // SQLite is told to read by messages_received (INDEXED BY); PostgreSQL chooses by its statistics.
  static const std::string sql =
      "SELECT sender_partner, substr(received_at, 1, 10), COUNT(*), "
      "COUNT(*) FILTER (WHERE state = 'rejected') FROM messages "
      "WHERE received_at >= $1 AND shadow = 0 AND sender_partner <> '' "
      "GROUP BY sender_partner, substr(received_at, 1, 10) "
      "ORDER BY sender_partner COLLATE \"C\", substr(received_at, 1, 10) COLLATE \"C\"";
  auto rows = c.exec(sql, Params().text(from_day), "submissions");
  if (!rows) return rows.error();
  std::vector<SubmissionDay> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->text(i, 0), rows->text(i, 1), rows->i64(i, 2), rows->i64(i, 3)});
  return out;
}

core::Result<std::vector<YouthAllocation>> youth_turning_18(Connection& c, const std::string& until) {
  static const std::string sql =
      "SELECT a.gemeente, a.aanbieder, a.toewijzing_nummer, COALESCE(a.einddatum, ''), a.client_turns_18_on "
      "FROM ledger_allocation a WHERE a.law = 'ijw' AND a.verdict <> 'rejected' AND "
      "a.client_turns_18_on IS NOT NULL AND a.client_turns_18_on <= $1 AND "
      "(a.einddatum IS NULL OR a.einddatum >= a.client_turns_18_on) AND NOT EXISTS ("
      " SELECT 1 FROM ledger_care c WHERE c.kind = 'stop' AND c.law = a.law AND c.gemeente = a.gemeente AND "
      " c.toewijzing_nummer = a.toewijzing_nummer AND c.einddatum IS NOT NULL AND "
      " c.einddatum < a.client_turns_18_on) "
      "ORDER BY a.gemeente COLLATE \"C\", a.toewijzing_nummer LIMIT 100000";
  auto rows = c.exec(sql, Params().text(until), "youth_turning_18");
  if (!rows) return rows.error();
  std::vector<YouthAllocation> out;
  for (int i = 0; i < rows->size(); ++i)
    out.push_back({rows->text(i, 0), rows->text(i, 1), rows->i64(i, 2), rows->text(i, 3), rows->text(i, 4)});
  return out;
}

// The four reads of sqlite::care_candidates, in SQLite's order (the ledger
// table's primary key, or the GROUP BY's terms, bytewise). SQLite's named
// parameters are numbered per statement, in `params`' order.
core::Result<std::vector<CareCandidate>> care_candidates(Connection& c, const CareQuery& q) {
  using W = CareCandidate::What;
  enum P { today, waiting, ending, since };
  struct Read {
    W what;
    const char* sql;
    std::vector<P> params;
  };
  static const Read kReads[] = {
      {W::unstarted,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, "
       "GREATEST(a.toewijzingsdatum COLLATE \"C\", a.ingangsdatum) "
       "FROM ledger_allocation a WHERE a.verdict <> 'rejected' AND a.reden_wijziging IS NULL "
       "AND GREATEST(a.toewijzingsdatum COLLATE \"C\", a.ingangsdatum) < $1 AND a.toewijzingsdatum >= $2 "
       "AND (a.einddatum IS NULL OR a.einddatum >= $3) AND NOT EXISTS (SELECT 1 FROM ledger_care c "
       "WHERE c.kind = 'start' AND c.law = a.law AND c.gemeente = a.gemeente AND "
       "c.toewijzing_nummer = a.toewijzing_nummer AND c.status <> '3') "
       "ORDER BY a.law COLLATE \"C\", a.gemeente COLLATE \"C\", a.toewijzing_nummer LIMIT 100000",
       {waiting, since, today}},
      {W::rejected,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, max(o.met_on COLLATE \"C\") "
       "FROM ledger_allocation a "
       "JOIN obligation o ON o.message_id = a.message_id AND o.kind = 'retour' AND o.met_on IS NOT NULL "
       "WHERE a.verdict = 'rejected' AND o.met_on >= $1 GROUP BY a.law, a.gemeente, a.toewijzing_nummer "
       "ORDER BY a.law COLLATE \"C\", a.gemeente COLLATE \"C\", a.toewijzing_nummer LIMIT 100000",
       {since}},
      {W::ending,
       "SELECT a.law, a.gemeente, a.aanbieder, a.toewijzing_nummer, a.einddatum FROM ledger_allocation a "
       "WHERE a.verdict <> 'rejected' AND COALESCE(a.reden_wijziging, '') <> '13' AND a.einddatum >= $1 "
       "AND a.einddatum <= $2 AND NOT EXISTS (SELECT 1 FROM ledger_care c WHERE c.kind = 'stop' AND "
       "c.law = a.law AND c.gemeente = a.gemeente AND c.toewijzing_nummer = a.toewijzing_nummer AND "
       "c.status <> '3') AND NOT EXISTS (SELECT 1 FROM ledger_allocation n WHERE n.law = a.law AND "
       "n.gemeente = a.gemeente AND n.bsn_hash = a.bsn_hash AND n.categorie = a.categorie AND "
       "n.toewijzing_nummer <> a.toewijzing_nummer AND n.verdict <> 'rejected' AND "
       "COALESCE(n.reden_wijziging, '') <> '13' AND (n.einddatum IS NULL OR n.einddatum > a.einddatum)) "
       "ORDER BY a.law COLLATE \"C\", a.gemeente COLLATE \"C\", a.toewijzing_nummer LIMIT 100000",
       {today, ending}},
      {W::refused,
       "SELECT r.law, r.gemeente, r.aanbieder, r.referentie, max(o.met_on COLLATE \"C\") "
       "FROM ledger_request r "
       "JOIN obligation o ON o.law = r.law AND o.match_key = r.aanbieder || ':' || r.referentie AND "
       "o.kind IN ('verzoek_antwoord', 'definitief_antwoord') AND o.met_on IS NOT NULL "
       "WHERE r.antwoord = '1' AND r.honoured = 0 AND o.met_on >= $1 "
       "GROUP BY r.law, r.aanbieder, r.referentie "
       "ORDER BY r.law COLLATE \"C\", r.aanbieder COLLATE \"C\", r.referentie COLLATE \"C\" LIMIT 100000",
       {since}},
  };
  const std::string* values[] = {&q.today, &q.waiting_before, &q.ending_until, &q.since};
  std::vector<CareCandidate> out;
  for (const auto& read : kReads) {
    Params p;
    for (P i : read.params) p.text(*values[i]);
    auto rows = c.exec(read.sql, p, "care_candidates");
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size(); ++i) {
      auto law = standard::parse_law(rows->text(i, 0));
      if (!law) return bad_law("care_candidates");
      out.push_back(
          {read.what, *law, rows->text(i, 1), rows->text(i, 2), rows->text(i, 3), rows->text(i, 4)});
    }
  }
  return out;
}

core::Result<std::vector<WatchCase>> watch_cases(Connection& c, const WatchFilter& f) {
  // false sorts before true, as SQLite's 0 before 1: open cases first.
  const std::string sql =
      std::string("SELECT ") + kCaseColumns +
      " FROM watch_case WHERE ($1::text = '' OR kind = $1) AND ($2::text = '' OR partner = $2)" +
      (f.include_closed ? "" : " AND closed_at IS NULL") + " ORDER BY closed_at IS NOT NULL, id LIMIT $3";
  Params p;
  p.text(f.kind).text(f.partner).i64_or_null(limit_of(f.limit));
  auto rows = c.exec(sql, p, "watch_cases");
  if (!rows) return rows.error();
  std::vector<WatchCase> out;
  for (int i = 0; i < rows->size(); ++i) out.push_back(case_row(Row{*rows, i}));
  return out;
}

core::Result<void> watch_sync(Connection& c, const std::string& kind, const std::vector<WatchFinding>& found,
                              bool complete, const std::string& now, const std::string& forget_before,
                              WatchSync& out) {
  // As sqlite::watch_sync: open what is new, update what is seen again, close
  // (on a complete scan) what is no longer found, forget old closed cases.
  std::map<std::string, std::int64_t> open;  // case_key -> id; -1 opened now, -2 seen now
  {
    auto rows = c.exec("SELECT case_key, id FROM watch_case WHERE kind = $1 AND closed_at IS NULL",
                       Params().text(kind), "watch_sync");
    if (!rows) return rows.error();
    for (int i = 0; i < rows->size(); ++i) open[rows->text(i, 0)] = rows->i64(i, 1);
  }
  for (const auto& f : found) {
    auto it = open.find(f.case_key);
    if (it == open.end()) {
      Params p;
      p.text(kind).text(f.case_key).text(f.partner).text(f.subject).text(f.detail).text(now);
      if (auto r = c.exec("INSERT INTO watch_case (kind, case_key, partner, subject, detail, opened_at) "
                          "VALUES ($1, $2, $3, $4, $5, $6)",
                          p, "watch_sync open");
          !r)
        return r.error();
      open.emplace(f.case_key, -1);
      ++out.opened;
    } else if (it->second >= 0) {
      Params p;
      p.text(f.partner).text(f.subject).text(f.detail).i64(it->second);
      if (auto r = c.exec("UPDATE watch_case SET partner = $1, subject = $2, detail = $3 WHERE id = $4", p,
                          "watch_sync update");
          !r)
        return r.error();
      it->second = -2;
    }
  }
  if (complete) {
    for (const auto& [key, id] : open) {
      if (id < 0) continue;
      if (auto r = c.exec("UPDATE watch_case SET closed_at = $1 WHERE id = $2", Params().text(now).i64(id),
                          "watch_sync close");
          !r)
        return r.error();
      ++out.closed;
    }
  }
  if (!forget_before.empty())
    if (auto r = c.exec("DELETE FROM watch_case WHERE closed_at IS NOT NULL AND closed_at < $1",
                        Params().text(forget_before), "watch_sync forget");
        !r)
      return r.error();
  static const std::string sql = std::string("SELECT ") + kCaseColumns +
                                 " FROM watch_case WHERE kind = $1 AND closed_at IS NULL ORDER BY id";
  auto rows = c.exec(sql, Params().text(kind), "watch_sync");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) out.open.push_back(case_row(Row{*rows, i}));
  return {};
}

core::Result<void> watch_mark_logged(Connection& c, const std::vector<std::int64_t>& ids,
                                     const std::string& now) {
  for (auto id : ids)
    if (auto r = c.exec("UPDATE watch_case SET logged_at = $1 WHERE id = $2 AND logged_at IS NULL",
                        Params().text(now).i64(id), "watch logged");
        !r)
      return r.error();
  return {};
}

}  // namespace sluis::store::pg
