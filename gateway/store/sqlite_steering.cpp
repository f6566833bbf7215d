#include "gateway/store/sqlite_steering.hpp"

#include <sstream>

#include "gateway/core/clock.hpp"
#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace {

using Facts = SteeringFacts;

std::optional<core::Date> opt_date(const Stmt& s, int c) {
  if (s.null(c)) return std::nullopt;
  return core::parse_date(s.text(c));
}
core::Date date(const Stmt& s, int c) { return core::parse_date(s.text(c)).value_or(core::Date{}); }
std::optional<std::int64_t> opt_i64(const Stmt& s, int c) {
  if (s.null(c)) return std::nullopt;
  return s.i64(c);
}

// Messages received on the period's Dutch days. received_at is UTC text; the
// query takes a day more on each side and the Dutch day is decided here.
// What sluis composed itself has sender_partner "sluis", the partner id
// config reserves for it (config.cpp kReservedPartnerIds).
core::Result<void> messages(sqlite3* db, const SteeringQuery& q, Facts& out) {
  Stmt s(db,
         "SELECT law, type, sender_code, receiver_code, received_at, state = 'rejected', "
         "(SELECT group_concat(json_extract(j.value, '$.retourcode'), ' ') FROM json_each(m.findings) j "
         " WHERE json_extract(j.value, '$.retourcode') IS NOT NULL), "
         "sender_partner = 'sluis' FROM messages m WHERE received_at >= ? AND received_at < ? AND shadow = 0");
  if (!s.ok()) return db_error(db, "steering messages");
  s.bind(1, core::format_date(core::add_days(q.from, -1)));
  s.bind(2, core::format_date(core::add_days(q.to, 2)));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto at = core::parse_utc_text(s.text(4));
    if (!at) continue;
    const core::Date day = core::dutch_date(*at);
    if (day < q.from || q.to < day) continue;
    auto law = s.law(0);
    if (!law) return bad_law("steering messages");
    Facts::Message m{*law, static_cast<int>(s.i64(1)), s.text(2), s.text(3), day, s.i64(5) != 0, s.i64(7) != 0, {}};
    std::istringstream codes(s.null(6) ? std::string() : s.text(6));
    for (std::string c; codes >> c;) m.retourcodes.push_back(c);
    out.messages.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return db_error(db, "steering messages");
  return {};
}

core::Result<void> answers(sqlite3* db, const SteeringQuery& q, Facts& out) {
  Stmt s(db,
         "SELECT kind, law, type, owed_by_code, owed_to_code, opened_on, due_on, met_on FROM obligation "
         "WHERE opened_on >= ? AND opened_on <= ?");
  if (!s.ok()) return db_error(db, "steering answers");
  s.bind(1, core::format_date(q.from)).bind(2, core::format_date(q.to));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto law = s.law(1);
    if (!law) return bad_law("steering answers");
    out.answers.push_back({s.text(0), *law, static_cast<int>(s.i64(2)), s.text(3), s.text(4), date(s, 5),
                           date(s, 6), opt_date(s, 7)});
  }
  if (rc != SQLITE_DONE) return db_error(db, "steering answers");
  return {};
}

core::Result<void> allocations(sqlite3* db, const SteeringQuery& q, Facts& out) {
  Stmt s(db,
         "SELECT law, gemeente, aanbieder, toewijzing_nummer, bsn_hash, categorie, code, ingangsdatum, einddatum, "
         "reden_wijziging, volume, eenheid, frequentie, budget, toewijzingsdatum, verwijzer_type FROM ledger_allocation "
         "WHERE verdict != 'rejected' AND COALESCE(reden_wijziging, '') != '13' AND ((ingangsdatum <= ?2 AND (einddatum IS NULL OR einddatum >= ?1)) "
         "OR (toewijzingsdatum >= ?1 AND toewijzingsdatum <= ?2))");
  if (!s.ok()) return db_error(db, "steering allocations");
  s.bind(1, core::format_date(q.from)).bind(2, core::format_date(q.to));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto law = s.law(0);
    if (!law) return bad_law("steering allocations");
    Facts::Allocation a;
    a.law = *law;
    a.gemeente = s.text(1);
    a.aanbieder = s.text(2);
    a.toewijzing_nummer = s.i64(3);
    a.client = s.text(4);
    a.categorie = s.text(5);
    a.code = s.null(6) ? std::string() : s.text(6);
    a.ingangsdatum = date(s, 7);
    a.einddatum = opt_date(s, 8);
    a.reden_wijziging = s.null(9) ? std::string() : s.text(9);
    a.volume = opt_i64(s, 10);
    a.eenheid = s.text(11);
    a.frequentie = s.text(12);
    a.budget = opt_i64(s, 13);
    a.toewijzingsdatum = date(s, 14);
    a.verwijzer = s.null(15) ? std::string() : s.text(15);
    out.allocations.push_back(std::move(a));
  }
  if (rc != SQLITE_DONE) return db_error(db, "steering allocations");
  return {};
}

// Starts from 31 days before the period on (a product ending in the period
// and another starting up to 31 days later is a transition; a start answers
// an allocation given in the period), stops ending in the period. Deleted
// deliveries (StatusAanlevering 3) report no care.
core::Result<void> care(sqlite3* db, const SteeringQuery& q, Facts& out) {
  Stmt s(db,
         "SELECT kind, law, gemeente, aanbieder, bsn_hash, toewijzing_nummer, categorie, code, begindatum, einddatum, "
         "reden FROM ledger_care WHERE status != '3' AND ((kind = 'start' AND begindatum >= ?1) OR "
         "(kind = 'stop' AND einddatum >= ?2 AND einddatum <= ?3))");
  if (!s.ok()) return db_error(db, "steering care");
  s.bind(1, core::format_date(core::add_days(q.from, -31)));
  s.bind(2, core::format_date(q.from)).bind(3, core::format_date(q.to));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto law = s.law(1);
    if (!law) return bad_law("steering care");
    Facts::Care c{*law,        s.text(2),   s.text(3),   s.text(4), opt_i64(s, 5),
                  s.text(6),   s.text(7),   date(s, 8),  opt_date(s, 9), s.text(10)};
    (s.text(0) == "start" ? out.starts : out.stops).push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return db_error(db, "steering care");
  return {};
}

core::Result<void> prestaties(sqlite3* db, const SteeringQuery& q, Facts& out) {
  Stmt s(db,
         "SELECT law, gemeente, aanbieder, toewijzing_nummer, categorie, code, begin, eind, volume, eenheid, cents, "
         "credit, verdict FROM ledger_prestatie WHERE begin >= ? AND begin <= ?");
  if (!s.ok()) return db_error(db, "steering prestaties");
  s.bind(1, core::format_date(q.from)).bind(2, core::format_date(q.to));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto law = s.law(0);
    if (!law) return bad_law("steering prestaties");
    const bool credit = s.i64(11) != 0;
    out.prestaties.push_back({*law, s.text(1), s.text(2), s.i64(3), s.text(4), s.text(5), date(s, 6), date(s, 7),
                              credit ? -s.i64(8) : s.i64(8), s.text(9), credit ? -s.i64(10) : s.i64(10),
                              s.text(12)});
  }
  if (rc != SQLITE_DONE) return db_error(db, "steering prestaties");
  return {};
}

}  // namespace

core::Result<SteeringFacts> steering_facts(sqlite3* db, const SteeringQuery& q) {
  SteeringFacts out;
  for (auto* read : {&messages, &answers, &allocations, &care, &prestaties})
    if (auto r = read(db, q, out); !r) return r.error();
  return out;
}

}  // namespace sluis::store::sqlite
