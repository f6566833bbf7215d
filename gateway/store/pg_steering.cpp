// Internal to the PostgreSQL engine: a steering report's facts, as
// sqlite_steering.cpp reads them for SQLite, statement for statement.
//
// Where the same SQL could answer differently on the two engines:
// - SQLite's statements have no ORDER BY: their rows come in the order of what
//   they walk (messages: the receipt time's index, then seq; obligation: its
//   id; a WITHOUT ROWID ledger table: its primary key, bytewise). That order
//   is written out here, with COLLATE "C" on text (the server collates by its
//   locale), so the lists come in the same order on both.
// - The retourcodes of the findings: SQLite's json_each/json_extract become
//   jsonb_array_elements WITH ORDINALITY and ->>, kept in the array's order.
//   json_extract gives a JSON true or false as 1 or 0; so does the CASE here.
//   Findings that are not an array (sluis writes none) list no codes.
// - A comparison is a boolean, not 0/1: cast to integer.
#include "gateway/store/pg_steering.hpp"

#include <sstream>

#include "gateway/core/clock.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

namespace {

using Facts = SteeringFacts;

std::optional<core::Date> opt_date(const Row& r, int c) {
  if (r.null(c)) return std::nullopt;
  return core::parse_date(r.text(c));
}
core::Date date(const Row& r, int c) { return core::parse_date(r.text(c)).value_or(core::Date{}); }

// As sqlite_steering.cpp's messages(): a day more on each side, the Dutch day
// decided here.
core::Result<void> messages(Connection& c, const SteeringQuery& q, Facts& out) {
  static const std::string sql =
      "SELECT law, type, sender_code, receiver_code, received_at, (state = 'rejected')::integer, "
      "(SELECT string_agg(CASE jsonb_typeof(j.value -> 'retourcode') "
      "   WHEN 'boolean' THEN (j.value -> 'retourcode')::boolean::integer::text "
      "   ELSE j.value ->> 'retourcode' END, ' ' ORDER BY j.n) "
      " FROM jsonb_array_elements(CASE jsonb_typeof(m.findings::jsonb) WHEN 'array' THEN m.findings::jsonb "
      "   ELSE '[]'::jsonb END) WITH ORDINALITY AS j(value, n) "
      " WHERE j.value ->> 'retourcode' IS NOT NULL), "
      "(sender_partner = 'sluis')::integer FROM messages m WHERE received_at >= $1 AND received_at < $2 AND "
      "shadow = 0 ORDER BY received_at COLLATE \"C\", seq";
  Params p;
  p.text(core::format_date(core::add_days(q.from, -1))).text(core::format_date(core::add_days(q.to, 2)));
  auto rows = c.exec(sql, p, "steering messages");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto at = core::parse_utc_text(r.text(4));
    if (!at) continue;
    const core::Date day = core::dutch_date(*at);
    if (day < q.from || q.to < day) continue;
    auto law = standard::parse_law(r.text(0));
    if (!law) return bad_law("steering messages");
    Facts::Message m{
        *law, static_cast<int>(r.i64(1)), r.text(2), r.text(3), day, r.i64(5) != 0, r.i64(7) != 0, {}};
    std::istringstream codes(r.text(6));  // NULL: ""
    for (std::string code; codes >> code;) m.retourcodes.push_back(code);
    out.messages.push_back(std::move(m));
  }
  return {};
}

core::Result<void> answers(Connection& c, const SteeringQuery& q, Facts& out) {
  static const std::string sql =
      "SELECT kind, law, type, owed_by_code, owed_to_code, opened_on, due_on, met_on FROM obligation "
      "WHERE opened_on >= $1 AND opened_on <= $2 ORDER BY id";
  auto rows =
      c.exec(sql, Params().text(core::format_date(q.from)).text(core::format_date(q.to)), "steering answers");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto law = standard::parse_law(r.text(1));
    if (!law) return bad_law("steering answers");
    out.answers.push_back({r.text(0), *law, static_cast<int>(r.i64(2)), r.text(3), r.text(4), date(r, 5),
                           date(r, 6), opt_date(r, 7)});
  }
  return {};
}

core::Result<void> allocations(Connection& c, const SteeringQuery& q, Facts& out) {
  static const std::string sql =
      "SELECT law, gemeente, aanbieder, toewijzing_nummer, bsn_hash, categorie, code, ingangsdatum, "
      "einddatum, reden_wijziging, volume, eenheid, frequentie, budget, toewijzingsdatum, verwijzer_type "
      "FROM ledger_allocation "
      "WHERE verdict != 'rejected' AND COALESCE(reden_wijziging, '') != '13' AND ((ingangsdatum <= $2 AND "
      "(einddatum IS NULL OR einddatum >= $1)) OR (toewijzingsdatum >= $1 AND toewijzingsdatum <= $2)) "
      "ORDER BY law COLLATE \"C\", gemeente COLLATE \"C\", toewijzing_nummer";
  auto rows = c.exec(sql, Params().text(core::format_date(q.from)).text(core::format_date(q.to)),
                     "steering allocations");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto law = standard::parse_law(r.text(0));
    if (!law) return bad_law("steering allocations");
    Facts::Allocation a;
    a.law = *law;
    a.gemeente = r.text(1);
    a.aanbieder = r.text(2);
    a.toewijzing_nummer = r.i64(3);
    a.client = r.text(4);
    a.categorie = r.text(5);
    a.code = r.text(6);
    a.ingangsdatum = date(r, 7);
    a.einddatum = opt_date(r, 8);
    a.reden_wijziging = r.text(9);
    a.volume = r.opt_i64(10);
    a.eenheid = r.text(11);
    a.frequentie = r.text(12);
    a.budget = r.opt_i64(13);
    a.toewijzingsdatum = date(r, 14);
    a.verwijzer = r.text(15);
    out.allocations.push_back(std::move(a));
  }
  return {};
}

// As sqlite_steering.cpp's care(): starts from 31 days before the period on,
// stops ending in it; deleted deliveries (3) left out.
core::Result<void> care(Connection& c, const SteeringQuery& q, Facts& out) {
  static const std::string sql =
      "SELECT kind, law, gemeente, aanbieder, bsn_hash, toewijzing_nummer, categorie, code, begindatum, "
      "einddatum, reden FROM ledger_care WHERE status != '3' AND ((kind = 'start' AND begindatum >= $1) OR "
      "(kind = 'stop' AND einddatum >= $2 AND einddatum <= $3)) "
      "ORDER BY kind COLLATE \"C\", care_key COLLATE \"C\"";
  Params p;
  p.text(core::format_date(core::add_days(q.from, -31)));
  p.text(core::format_date(q.from)).text(core::format_date(q.to));
  auto rows = c.exec(sql, p, "steering care");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto law = standard::parse_law(r.text(1));
    if (!law) return bad_law("steering care");
    Facts::Care x{*law,      r.text(2), r.text(3),  r.text(4),      r.opt_i64(5),
                  r.text(6), r.text(7), date(r, 8), opt_date(r, 9), r.text(10)};
    (r.text(0) == "start" ? out.starts : out.stops).push_back(std::move(x));
  }
  return {};
}

core::Result<void> prestaties(Connection& c, const SteeringQuery& q, Facts& out) {
  static const std::string sql =
      "SELECT law, gemeente, aanbieder, toewijzing_nummer, categorie, code, begin, eind, volume, eenheid, "
      "cents, credit, verdict FROM ledger_prestatie WHERE begin >= $1 AND begin <= $2 "
      "ORDER BY law COLLATE \"C\", aanbieder COLLATE \"C\", referentie COLLATE \"C\"";
  auto rows = c.exec(sql, Params().text(core::format_date(q.from)).text(core::format_date(q.to)),
                     "steering prestaties");
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i) {
    const Row r{*rows, i};
    auto law = standard::parse_law(r.text(0));
    if (!law) return bad_law("steering prestaties");
    const bool credit = r.i64(11) != 0;
    out.prestaties.push_back({*law, r.text(1), r.text(2), r.i64(3), r.text(4), r.text(5), date(r, 6),
                              date(r, 7), credit ? -r.i64(8) : r.i64(8), r.text(9),
                              credit ? -r.i64(10) : r.i64(10), r.text(12)});
  }
  return {};
}

}  // namespace

core::Result<SteeringFacts> steering_facts(Connection& c, const SteeringQuery& q) {
  SteeringFacts out;
  auto done = transaction(c, Isolation::repeatable_read, [&](Connection& tx) -> core::Result<void> {
    out = SteeringFacts{};  // a retried transaction starts over
    if (auto r = tx.run("SET TRANSACTION READ ONLY"); !r) return r;
    for (auto* read : {&messages, &answers, &allocations, &care, &prestaties})
      if (auto r = read(tx, q, out); !r) return r;
    return {};
  });
  if (!done) return done.error();
  return out;
}

}  // namespace sluis::store::pg
