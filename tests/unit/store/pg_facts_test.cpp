// The PostgreSQL engine's deadlines, watches and steering facts
// (gateway/store/pg_obligations.cpp, pg_watches.cpp, pg_steering.cpp) against
// the SQLite engine's, on a real PostgreSQL 15 server whose text collates by
// ICU nl-NL (tests/support/two_engines.hpp): the same writes applied to both
// must leave the same rows, and every read must give the same answer, field
// by field and in the same order, over a grid of arguments that hits and
// misses. Partner names, codes and keys that sort one way bytewise and another
// way in Dutch ("Zeta" before "alpha" before "Éclair" bytewise), NULLs, empty
// results and limits. Label `postgresql`.
#define BOOST_TEST_MODULE store_pg_facts
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/pg_steering.hpp"
#include "gateway/store/pg_watches.hpp"
#include "gateway/store/sqlite_obligations.hpp"
#include "gateway/store/sqlite_steering.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/sqlite_watches.hpp"
#include "tests/support/two_engines.hpp"

using namespace sluis;
namespace D = standard::deadlines;
using standard::Law;
using store::pg::Params;

namespace {

core::Date day(const char* s) { return *core::parse_date(s); }

// ---- rendering every field ----------------------------------------------------

std::string show(const store::OverdueAnswer& o) {
  std::ostringstream s;
  s << "O{" << o.id << ' ' << o.kind << ' ' << o.rule << ' ' << standard::to_string(o.law) << ' ' << o.type << ' '
    << o.message_id << " by='" << o.owed_by << "' " << o.owed_by_code << " to='" << o.owed_to << "' "
    << o.owed_to_code << ' ' << o.opened_on << ' ' << o.due_on << ' ' << o.logged << '}';
  return s.str();
}
std::string show(const store::UnreadMessage& m) {
  return "U{" + m.id + ' ' + std::string(standard::to_string(m.law)) + ' ' + std::to_string(m.type) + " '" +
         m.sender_partner + "' '" + m.receiver_partner + "' " + std::string(store::to_string(m.state)) + ' ' +
         m.available_at + '}';
}
std::string show(const store::DestinationBacklog& b) {
  return "B{" + b.destination + " '" + b.partner + "' " + std::to_string(b.deferred) + " '" +
         b.oldest_deferred_at + "' " + std::to_string(b.dead) + " '" + b.oldest_dead_id + "'}";
}
std::string show(const store::SubmissionDay& d) {
  return "S{" + d.partner + ' ' + d.day + ' ' + std::to_string(d.total) + ' ' + std::to_string(d.rejected) + '}';
}
std::string show(const store::YouthAllocation& y) {
  return "Y{" + y.gemeente + ' ' + y.aanbieder + ' ' + std::to_string(y.toewijzing_nummer) + " '" + y.einddatum +
         "' " + y.turns_18_on + '}';
}
std::string show(const store::CareCandidate& c) {
  return "C{" + std::to_string(static_cast<int>(c.what)) + ' ' + std::string(standard::to_string(c.law)) + ' ' +
         c.gemeente + ' ' + c.aanbieder + ' ' + c.key + ' ' + c.day + '}';
}
std::string show(const store::WatchCase& c) {
  return "W{" + std::to_string(c.id) + ' ' + c.kind + ' ' + c.case_key + " '" + c.partner + "' " + c.subject +
         " '" + c.detail + "' " + c.opened_at + " '" + c.logged_at + "' '" + c.closed_at + "'}";
}
std::string opt(const std::optional<core::Date>& d) { return d ? core::format_date(*d) : "-"; }
std::string opt(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }
std::string show(const store::SteeringFacts::Message& m) {
  std::string codes;
  for (const auto& c : m.retourcodes) codes += c + ",";
  return "M{" + std::string(standard::to_string(m.law)) + ' ' + std::to_string(m.type) + ' ' + m.sender_code + ' ' +
         m.receiver_code + ' ' + core::format_date(m.received) + ' ' + std::to_string(m.rejected) + ' ' +
         std::to_string(m.composed) + " [" + codes + "]}";
}
std::string show(const store::SteeringFacts::Answer& a) {
  return "A{" + a.kind + ' ' + std::string(standard::to_string(a.law)) + ' ' + std::to_string(a.type) + ' ' +
         a.owed_by_code + ' ' + a.owed_to_code + ' ' + core::format_date(a.opened) + ' ' +
         core::format_date(a.due) + ' ' + opt(a.met) + '}';
}
std::string show(const store::SteeringFacts::Allocation& a) {
  return "L{" + std::string(standard::to_string(a.law)) + ' ' + a.gemeente + ' ' + a.aanbieder + ' ' +
         std::to_string(a.toewijzing_nummer) + ' ' + a.client + ' ' + a.categorie + " '" + a.code + "' " +
         core::format_date(a.ingangsdatum) + ' ' + opt(a.einddatum) + " '" + a.reden_wijziging + "' " +
         opt(a.volume) + ' ' + a.eenheid + ' ' + a.frequentie + ' ' + opt(a.budget) + ' ' +
         core::format_date(a.toewijzingsdatum) + " '" + a.verwijzer + "'}";
}
std::string show(const store::SteeringFacts::Care& c) {
  return "K{" + std::string(standard::to_string(c.law)) + ' ' + c.gemeente + ' ' + c.aanbieder + ' ' + c.client +
         ' ' + opt(c.toewijzing_nummer) + ' ' + c.categorie + ' ' + c.code + ' ' +
         core::format_date(c.begindatum) + ' ' + opt(c.einddatum) + " '" + c.reden + "'}";
}
std::string show(const store::SteeringFacts::Prestatie& p) {
  return "P{" + std::string(standard::to_string(p.law)) + ' ' + p.gemeente + ' ' + p.aanbieder + ' ' +
         std::to_string(p.toewijzing_nummer) + ' ' + p.categorie + ' ' + p.code + ' ' + core::format_date(p.begin) +
         ' ' + core::format_date(p.eind) + ' ' + std::to_string(p.volume) + ' ' + p.eenheid + ' ' +
         std::to_string(p.cents) + ' ' + p.verdict + '}';
}
template <class T>
std::string show(const std::vector<T>& v) {
  std::string s = "[" + std::to_string(v.size()) + ": ";
  for (const auto& x : v) s += show(x) + ", ";
  return s + "]";
}
std::string show(const store::WatchSync& w) {
  return "sync{opened=" + std::to_string(w.opened) + " closed=" + std::to_string(w.closed) + " " + show(w.open) +
         "}";
}
std::string show(const store::SteeringFacts& f) {
  return "messages " + show(f.messages) + "\nanswers " + show(f.answers) + "\nallocations " +
         show(f.allocations) + "\nstarts " + show(f.starts) + "\nstops " + show(f.stops) + "\nprestaties " +
         show(f.prestaties);
}
template <class T>
std::string shown(const core::Result<T>& r) {
  return r ? show(*r) : "error: " + r.error().text;
}

// SQL text: a quoted literal, or NULL for "-".
std::string q(const std::string& s) {
  if (s == "-") return "NULL";
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

struct Fixture : test::TwoEngines {
  // The same answer from both, or the test says where they differ.
  template <class T>
  void same(const std::string& what, const core::Result<T>& lite_answer, const core::Result<T>& pg_answer) {
    ++asked;
    BOOST_TEST_REQUIRE(lite_answer.has_value(), what << ": sqlite: " << shown(lite_answer));
    const std::string a = shown(lite_answer), b = shown(pg_answer);
    BOOST_TEST(a == b, what << "\n  sqlite:     " << a << "\n  postgresql: " << b);
  }

  // Every row of a SELECT (every column, in the statement's order) on each engine.
  std::vector<std::string> lite_rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(lite, sql.c_str(), -1, &st, nullptr) == SQLITE_OK, sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row += (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL") + "|";
      }
      out.push_back(row);
    }
    sqlite3_finalize(st);
    return out;
  }
  std::vector<std::string> pg_rows(const std::string& sql) {
    auto rows = pg->exec(sql);
    BOOST_REQUIRE_MESSAGE(rows.has_value(), (rows.has_error() ? rows.error().text : std::string()));
    std::vector<std::string> out;
    for (int r = 0; r < rows->size(); ++r) {
      std::string row;
      for (int i = 0; i < PQnfields(rows->get()); ++i) row += (rows->null(r, i) ? "NULL" : rows->text(r, i)) + "|";
      out.push_back(row);
    }
    return out;
  }
  void same_rows(const std::string& sql) {
    const auto a = lite_rows(sql), b = pg_rows(sql);
    BOOST_TEST_CONTEXT(sql) { BOOST_TEST(a == b, boost::test_tools::per_element()); }
  }

  // A message row, SQL both engines take. "-" is NULL.
  void message(const std::string& id, const std::string& sender_partner, const std::string& receiver_partner,
               const std::string& state, const std::string& received_at, int shadow = 0,
               const std::string& delivery = "-", const std::string& destination = "-",
               const std::string& findings = "[]", int type = 301, const std::string& law = "iwmo") {
    both("INSERT INTO messages (id, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, "
         "receiver_partner, identificatie, dagtekening, body, sha256, size, received_at, state, shadow, delivery, "
         "destination, findings) VALUES (" +
         q(id) + ", " + q(law) + ", " + std::to_string(type) + ", 0, '3.2', 'S" + id + "', 'R" + id + "', " +
         q(sender_partner) + ", " + q(receiver_partner) + ", " + q(id) + ", '2026-03-01', '', 's', 0, " +
         q(received_at) + ", " + q(state) + ", " + std::to_string(shadow) + ", " + q(delivery) + ", " +
         q(destination) + ", " + q(findings) + ")");
  }
  void audit(const std::string& at, const std::string& action, const std::string& message_id) {
    both("INSERT INTO audit (at, actor, uid, action, message_id, detail) VALUES (" + q(at) + ", 'op', 0, " +
         q(action) + ", " + q(message_id) + ", NULL)");
  }
  // A ledger allocation; "-" is NULL.
  void allocation(const std::string& law, const std::string& gemeente, int nummer, const std::string& aanbieder,
                  const std::string& bsn, const std::string& categorie, const std::string& code,
                  const std::string& ingang, const std::string& eind, const std::string& reden,
                  const std::string& toegewezen, const std::string& message_id, const std::string& verdict,
                  const std::string& turns_18 = "-", const std::string& verwijzer = "-",
                  const std::string& volume = "NULL", const std::string& budget = "NULL") {
    both("INSERT INTO ledger_allocation (law, gemeente, toewijzing_nummer, aanbieder, bsn_hash, categorie, code, "
         "ingangsdatum, einddatum, reden_wijziging, referentie_aanbieder, volume, eenheid, frequentie, budget, "
         "toewijzingsdatum, message_id, verdict, verwijzer_type, client_turns_18_on) VALUES (" +
         q(law) + ", " + q(gemeente) + ", " + std::to_string(nummer) + ", " + q(aanbieder) + ", " + q(bsn) + ", " +
         q(categorie) + ", " + q(code) + ", " + q(ingang) + ", " + q(eind) + ", " + q(reden) + ", NULL, " + volume +
         ", '04', '2', " + budget + ", " + q(toegewezen) + ", " + q(message_id) + ", " + q(verdict) + ", " +
         q(verwijzer) + ", " + q(turns_18) + ")");
  }
  void care(const std::string& kind, const std::string& key, const std::string& law, const std::string& gemeente,
            const std::string& aanbieder, const std::string& nummer, const std::string& begin,
            const std::string& eind, const std::string& status, const std::string& reden = "") {
    both("INSERT INTO ledger_care (kind, care_key, law, gemeente, aanbieder, bsn_hash, toewijzing_nummer, "
         "categorie, code, toewijzing_ingangsdatum, begindatum, reden, einddatum, status, message_id) VALUES (" +
         q(kind) + ", " + q(key) + ", " + q(law) + ", " + q(gemeente) + ", " + q(aanbieder) + ", 'h-" + key +
         "', " + nummer + ", '02', '02A01', NULL, " + q(begin) + ", " + q(reden) + ", " + q(eind) + ", " +
         q(status) + ", 'm-" + key + "')");
  }
  void request(const std::string& law, const std::string& aanbieder, const std::string& referentie,
               const std::string& antwoord, int honoured) {
    both("INSERT INTO ledger_request (law, aanbieder, referentie, gemeente, type, bsn_hash, antwoord, honoured, "
         "message_id, verwijzer_type) VALUES (" +
         q(law) + ", " + q(aanbieder) + ", " + q(referentie) + ", 'G" + referentie + "', 315, 'h', " +
         q(antwoord) + ", " + std::to_string(honoured) + ", 'm-" + referentie + "', NULL)");
  }
  // An obligation row as seeded (not through apply_obligations); "-" is NULL.
  void obligation(const std::string& kind, const std::string& law, int type, const std::string& key,
                  const std::string& message_id, const std::string& opened, const std::string& due,
                  const std::string& met_on) {
    both("INSERT INTO obligation (kind, rule, law, type, match_key, message_id, owed_by, owed_by_code, owed_to, "
         "owed_to_code, opened_on, due_on, met_by, met_on) VALUES (" +
         q(kind) + ", 'OP090', " + q(law) + ", " + std::to_string(type) + ", " + q(key) + ", " + q(message_id) +
         ", 'by', 'BY" + key + "', 'to', 'TO" + key + "', " + q(opened) + ", " + q(due) + ", " +
         (met_on == "-" ? "NULL" : "'answer'") + ", " + q(met_on) + ")");
  }

  int asked = 0;
};

// ---- the obligations' writes --------------------------------------------------------

store::NewMessage msg(const std::string& id, int type, const std::string& sender, const std::string& receiver,
                      Law law = Law::iwmo) {
  store::NewMessage m;
  m.id = id;
  m.law = law;
  m.type = type;
  m.sender_partner = sender;
  m.receiver_partner = receiver;
  m.state = store::State::queued;
  return m;
}
D::Obligation owe(D::Kind kind, const char* rule, const std::string& key, const char* opened, const char* due) {
  return {kind, rule, "BY-" + key, "TO-" + key, key, day(opened), day(due)};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pg_facts, Fixture)

BOOST_AUTO_TEST_CASE(obligations_open_close_and_fall_overdue_alike) {
  struct Step {
    store::NewMessage m;
    store::Decision d;
    std::string today;
  };
  std::vector<Step> steps;
  auto add = [&](store::NewMessage m, store::Decision d, const char* today) {
    steps.push_back({std::move(m), std::move(d), today});
  };
  {  // Requests owed by partners whose names sort differently bytewise and in Dutch, and by none known.
    store::Decision d;
    d.obligations = {owe(D::Kind::retour, "OP090", "315:A:1", "2026-03-05", "2026-03-10"),
                     owe(D::Kind::verzoek_antwoord, "OP274", "A:REF-1", "2026-03-05", "2026-03-12")};
    add(msg("m1", 315, "aanbieder-a", "Zeta-gemeente"), d, "2026-03-05");
    d.obligations = {owe(D::Kind::retour, "OP090", "315:A:2", "2026-03-05", "2026-03-10"),
                     owe(D::Kind::verzoek_antwoord, "OP274", "A:REF-2", "2026-03-05", "2026-03-12")};
    add(msg("m2", 315, "aanbieder-a", "alpha-gemeente"), d, "2026-03-05");
    d.obligations = {owe(D::Kind::retour, "OP090", "323:B:3", "2026-03-06", "2026-03-11"),
                     owe(D::Kind::declaratie_antwoord, "OP346", "323:B:3", "2026-03-06", "2026-03-20")};
    add(msg("m3", 323, "Zorg", "\xc3\x89" "clair"), d, "2026-03-06");
    d.obligations = {owe(D::Kind::retour, "OP090x4", "317:C:4", "2026-03-02", "2026-03-04")};
    add(msg("m4", 317, "aanbieder-c", "", Law::ijw), d, "2026-03-02");
    // The same key under the other law: a meet by key names the law.
    d.obligations = {owe(D::Kind::verzoek_antwoord, "OP274", "A:REF-1", "2026-03-05", "2026-03-09")};
    add(msg("m5", 315, "aanbieder-a", "alpha-gemeente", Law::ijw), d, "2026-03-05");
  }
  {  // The gemeente's 319 meets REF-1 by key (iwmo only), and a key nobody owes.
    store::Decision d;
    d.meets = {{D::Kind::verzoek_antwoord, "A:REF-1", day("2026-03-09")},
               {D::Kind::verzoek_antwoord, "A:NOPE", day("2026-03-09")}};
    add(msg("m6", 319, "Zeta-gemeente", "aanbieder-a"), d, "2026-03-09");
  }
  {  // A retour by heen_id closes m1's retour; a rejected and a shadow one close nothing.
    auto r = msg("m7", 316, "Zeta-gemeente", "aanbieder-a");
    r.heen_id = "m1";
    add(r, {}, "2026-03-07");
    auto rejected = msg("m8", 316, "alpha-gemeente", "aanbieder-a");
    rejected.heen_id = "m2";
    rejected.state = store::State::rejected;
    add(rejected, {}, "2026-03-07");
    auto shadow = msg("m9", 324, "\xc3\x89" "clair", "Zorg");
    shadow.heen_id = "m3";
    shadow.shadow = true;
    add(shadow, {}, "2026-03-07");
  }
  {  // Opens and meets one key at once: the meet comes first, so what it opens stays open.
    store::Decision d;
    d.meets = {{D::Kind::verzoek_antwoord, "A:REF-9", day("2026-03-08")}};
    d.obligations = {owe(D::Kind::verzoek_antwoord, "OP274", "A:REF-9", "2026-03-08", "2026-03-15")};
    add(msg("m10", 315, "aanbieder-a", "alpha-gemeente"), d, "2026-03-08");
  }
  {  // sluis answers at once: a composed retour closes what the message opened; a rejected
     // product closes nothing.
    store::Decision d;
    d.obligations = {owe(D::Kind::retour, "OP090", "323:B:11", "2026-03-08", "2026-03-13"),
                     owe(D::Kind::declaratie_antwoord, "OP346", "323:B:11", "2026-03-08", "2026-03-22")};
    d.produced.push_back(msg("m11-retour", 325, "sluis", "Zorg"));
    add(msg("m11", 323, "Zorg", "Zeta-gemeente"), d, "2026-03-08");
    store::Decision e;
    e.obligations = {owe(D::Kind::retour, "OP090", "323:B:12", "2026-03-08", "2026-03-13")};
    auto bad = msg("m12-retour", 325, "sluis", "Zorg");
    bad.state = store::State::rejected;
    e.produced.push_back(bad);
    auto other = msg("m12-other", 325, "sluis", "Zorg");
    other.heen_id = "m3";  // a product naming another heenbericht closes that one's
    e.produced.push_back(other);
    add(msg("m12", 323, "Zorg", "alpha-gemeente"), e, "2026-03-09");
  }
  {  // Left open, owed by partners that sort differently bytewise and in Dutch.
    store::Decision d;
    d.obligations = {owe(D::Kind::retour, "OP090", "315:A:13", "2026-03-09", "2026-03-12")};
    add(msg("m13", 315, "aanbieder-a", "Zeta-gemeente"), d, "2026-03-09");
    d.obligations = {owe(D::Kind::verzoek_antwoord, "OP274", "A:REF-14", "2026-03-09", "2026-03-11")};
    add(msg("m14", 315, "aanbieder-a", "\xc3\x89" "clair"), d, "2026-03-09");
  }

  const std::string table =
      "SELECT id, kind, rule, law, type, match_key, message_id, owed_by, owed_by_code, owed_to, owed_to_code, "
      "opened_on, due_on, met_by, met_on, logged_at FROM obligation ORDER BY id";
  const char* as_ofs[] = {"", "2026-03-01", "2026-03-05", "2026-03-10", "2026-03-11", "2026-03-13",
                          "2026-03-21", "2026-04-01"};
  const std::string partners[] = {"", "Zeta-gemeente", "alpha-gemeente", "\xc3\x89" "clair", "nobody"};
  auto grid = [&](const std::string& when) {
    for (const char* as_of : as_ofs)
      for (const auto& p : partners)
        same(when + " overdue " + as_of + " '" + p + "'", store::sqlite::overdue(lite, as_of, p),
             store::pg::overdue(*pg, as_of, p));
  };
  for (const auto& s : steps) {
    auto a = store::sqlite::apply_obligations(lite, s.m, s.d, s.today);
    BOOST_REQUIRE_MESSAGE(a.has_value(), (a.has_error() ? a.error().text : std::string()));
    auto b = store::pg::apply_obligations(*pg, s.m, s.d, s.today);
    BOOST_REQUIRE_MESSAGE(b.has_value(), (b.has_error() ? b.error().text : std::string()));
    BOOST_TEST_CONTEXT("after " << s.m.id) { same_rows(table); }
    grid("after " + s.m.id + ":");
  }
  BOOST_TEST(lite_rows(table).size() == 14u);
  BOOST_TEST(store::sqlite::overdue(lite, "2026-04-01", "")->size() == 8u);

  // Logged once: a second mark keeps the first time; an unknown id changes nothing.
  const std::vector<std::int64_t> ids = {1, 3, 99};
  BOOST_REQUIRE(store::sqlite::mark_overdue_logged(lite, ids, "2026-04-01T08:00:00.000Z"));
  BOOST_REQUIRE(store::pg::mark_overdue_logged(*pg, ids, "2026-04-01T08:00:00.000Z"));
  BOOST_REQUIRE(store::sqlite::mark_overdue_logged(lite, {3, 4}, "2026-04-02T08:00:00.000Z"));
  BOOST_REQUIRE(store::pg::mark_overdue_logged(*pg, {3, 4}, "2026-04-02T08:00:00.000Z"));
  BOOST_REQUIRE(store::sqlite::mark_overdue_logged(lite, {}, "2026-04-03T08:00:00.000Z"));
  BOOST_REQUIRE(store::pg::mark_overdue_logged(*pg, {}, "2026-04-03T08:00:00.000Z"));
  same_rows(table);
  grid("after logging:");

  // The obligation row reader both engines' partner pages use.
  const std::string open_sql = std::string("SELECT ") + store::pg::kObligationColumns +
                               " FROM obligation WHERE met_by IS NULL ORDER BY id";
  auto rows = pg->exec(open_sql);
  BOOST_REQUIRE(rows);
  std::vector<store::OverdueAnswer> read;
  for (int r = 0; r < rows->size(); ++r) read.push_back(*store::pg::read_obligation({*rows, r}, "test"));
  auto all = store::sqlite::overdue(lite, "9999", "");
  std::sort(all->begin(), all->end(), [](const auto& x, const auto& y) { return x.id < y.id; });
  BOOST_TEST(show(read) == show(*all));
  BOOST_TEST(asked == 600);
}

BOOST_AUTO_TEST_CASE(an_audit_row_as_the_sqlite_engine_writes_it) {
  for (auto* c : {"", "m-1"})
    for (auto* detail : {"", "released: operator"}) {
      BOOST_REQUIRE(store::sqlite::audit_row(lite, "operator:Zeta", 1001, "released", c, detail));
      BOOST_REQUIRE(store::pg::audit_row(*pg, "operator:Zeta", 1001, "released", c, detail));
    }
  BOOST_REQUIRE(store::sqlite::audit_row(lite, "sluis", -1, "held", "m-2", "waiting"));
  BOOST_REQUIRE(store::pg::audit_row(*pg, "sluis", -1, "held", "m-2", "waiting"));
  same_rows("SELECT seq, actor, uid, action, message_id, detail, length(at) FROM audit ORDER BY seq");
  for (const auto& row : pg_rows("SELECT at FROM audit"))
    BOOST_TEST(core::parse_utc_text(row.substr(0, row.size() - 1)).has_value(), row);
}

// ---- the watches ------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(watch_cases_open_follow_close_and_are_forgotten_alike) {
  const std::string A = "unread_answer", B = "queue_growing";
  const std::string E = "\xc3\x89" "clair";
  struct Scan {
    std::string kind;
    std::vector<store::WatchFinding> found;
    bool complete;
    std::string now, forget_before;
  };
  const std::vector<Scan> scans = {
      // Two new cases (one named twice), another kind's case.
      {A, {{"k1", "Zeta", "m-1", "d=1"}, {"k2", "alpha", "m-2", "d=2"}, {"k1", "Zeta", "m-1", "twice"}}, true,
       "2026-03-01T10:00:00.000Z", ""},
      {B, {{"x1", E, "dest-1", "n=3"}, {"x2", "", "dest-2", ""}}, true, "2026-03-01T10:05:00.000Z", ""},
      // A partial scan: what it does not find stays open; what it finds again is updated.
      {A, {{"k2", "alpha", "m-2", "d=3"}, {"k3", E, "m-3", "d=1"}}, false, "2026-03-02T10:00:00.000Z", ""},
      // A complete one closes k1 and k2.
      {A, {{"k3", E, "m-3", "d=2"}}, true, "2026-03-03T10:00:00.000Z", ""},
      // k1 found again: a new case; k3 closed.
      {A, {{"k1", "Zeta", "m-1", "again"}}, true, "2026-03-05T10:00:00.000Z", ""},
      // Nothing found; the cases closed before the 4th are forgotten.
      {A, {}, true, "2026-03-06T10:00:00.000Z", "2026-03-04T00:00:00.000Z"},
      {B, {{"x2", "Zeta", "dest-2", "n=9"}}, false, "2026-03-06T11:00:00.000Z", "2026-03-05T12:00:00.000Z"},
      {B, {}, true, "2026-03-07T10:00:00.000Z", ""},
      {A, {{"k4", "alpha", "m-4", ""}}, true, "2026-03-08T10:00:00.000Z", "2026-03-01T00:00:00.000Z"},
  };
  const std::string table = "SELECT id, kind, case_key, partner, subject, detail, opened_at, logged_at, closed_at "
                            "FROM watch_case ORDER BY id";
  auto filters = [&](const std::string& when) {
    for (const std::string kind : {"", "unread_answer", "queue_growing", "none"})
      for (const std::string partner : {"", "Zeta", "alpha", "\xc3\x89" "clair", "nobody"})
        for (bool closed : {false, true})
          for (int limit : {1000, 2, 0, -1}) {
            const store::WatchFilter f{kind, partner, closed, limit};
            same(when + " cases kind='" + kind + "' partner='" + partner + "' closed=" + std::to_string(closed) +
                     " limit=" + std::to_string(limit),
                 store::sqlite::watch_cases(lite, f), store::pg::watch_cases(*pg, f));
          }
  };
  filters("empty:");
  int n = 0;
  for (const auto& s : scans) {
    const std::string when = "scan " + std::to_string(++n) + ":";
    store::WatchSync a, b;
    auto ra = store::sqlite::watch_sync(lite, s.kind, s.found, s.complete, s.now, s.forget_before, a);
    BOOST_REQUIRE_MESSAGE(ra.has_value(), (ra.has_error() ? ra.error().text : std::string()));
    auto rb = store::pg::watch_sync(*pg, s.kind, s.found, s.complete, s.now, s.forget_before, b);
    BOOST_REQUIRE_MESSAGE(rb.has_value(), (rb.has_error() ? rb.error().text : std::string()));
    BOOST_TEST(show(a) == show(b), when << "\n  sqlite:     " << show(a) << "\n  postgresql: " << show(b));
    if (n == 3) {  // logged once; an unknown id changes nothing
      BOOST_REQUIRE(store::sqlite::watch_mark_logged(lite, {1, 3, 42}, "2026-03-02T10:00:01.000Z"));
      BOOST_REQUIRE(store::pg::watch_mark_logged(*pg, {1, 3, 42}, "2026-03-02T10:00:01.000Z"));
      BOOST_REQUIRE(store::sqlite::watch_mark_logged(lite, {1, 2}, "2026-03-02T10:00:02.000Z"));
      BOOST_REQUIRE(store::pg::watch_mark_logged(*pg, {1, 2}, "2026-03-02T10:00:02.000Z"));
    }
    BOOST_TEST_CONTEXT(when) { same_rows(table); }
    filters(when);
  }
  // The scans above did what they say: k1 reopened, forgotten cases gone.
  BOOST_TEST(lite_rows(table).size() == 4u);
  BOOST_TEST(asked > 500);
}

BOOST_AUTO_TEST_CASE(the_facts_the_detectors_read_alike) {
  // Nothing stored: every read empty on both.
  same("unread empty", store::sqlite::unread_mailbox(lite, 100), store::pg::unread_mailbox(*pg, 100));
  same("backlog empty", store::sqlite::backlog(lite), store::pg::backlog(*pg));
  same("submissions empty", store::sqlite::submissions(lite, ""), store::pg::submissions(*pg, ""));
  same("youth empty", store::sqlite::youth_turning_18(lite, "2030-01-01"),
       store::pg::youth_turning_18(*pg, "2030-01-01"));
  const store::CareQuery wide{"2026-03-10", "2026-03-01", "2026-12-31", "2000-01-01"};
  same("care empty", store::sqlite::care_candidates(lite, wide), store::pg::care_candidates(*pg, wide));

  // Messages: the mailbox's states, delivery kinds, shadow, receivers and senders of every sort,
  // receipt times out of seq order. "-" is NULL.
  const std::string E = "\xc3\x89" "clair";
  message("u1", "Zeta", "alpha", "queued", "2026-03-05T09:00:00.000Z");
  message("u2", "alpha", "Zeta", "delivered", "2026-03-04T23:30:00.000Z", 0, "mailbox");
  message("u3", "sluis", E, "deferred", "2026-03-06T08:00:00.000Z", 0, "-", "Zeta-dest");
  message("u4", "Zeta", "alpha", "acknowledged", "2026-03-05T10:00:00.000Z");
  message("u5", "Zeta", "alpha", "queued", "2026-03-05T11:00:00.000Z", 1);  // shadow
  message("u6", "Zeta", "alpha", "queued", "2026-03-05T12:00:00.000Z", 0, "push", "alpha-dest");
  message("u7", "Zeta", "-", "queued", "2026-03-05T13:00:00.000Z");  // no receiver
  message("u8", "Zeta", "", "delivering", "2026-03-05T14:00:00.000Z");
  message("u9", "alpha", "Zeta", "held", "2026-03-03T10:00:00.000Z");
  message("u10", "alpha", "Zeta", "rejected", "2026-03-05T08:00:00.000Z");
  message("u11", "", "Zeta", "rejected", "2026-03-05T08:00:00.000Z");
  message("u12", "Zeta", "alpha", "dead", "2026-03-01T10:00:00.000Z", 0, "push", "alpha-dest");
  message("u13", "Zeta", "Zeta", "dead", "2026-02-27T10:00:00.000Z", 0, "push", "Zeta-dest");
  message("u14", "Zeta", "alpha", "deferred", "2026-02-28T10:00:00.000Z", 0, "push", "Zeta-dest");
  message("u15", "Zeta", E, "deferred", "2026-02-26T10:00:00.000Z", 0, "push", "Zeta-dest");
  message("u16", "Zeta", "alpha", "dead", "2026-03-02T10:00:00.000Z", 0, "drop", E + "-dest");
  message("u17", "alpha", "Zeta", "queued", "2026-03-04T10:00:00.000Z", 0, "mailbox");
  message("u18", "alpha", "Zeta", "rejected", "2026-03-06T10:00:00.000Z", 1);
  message("u19", "alpha", "Zeta", "deferred", "2026-03-06T09:00:00.000Z", 0, "mailbox", "-");
  // Releases from held: the latest (bytewise) counts; other actions do not.
  audit("2026-03-05T15:00:00.000Z", "state held -> queued", "u1");
  audit("2026-03-06T09:00:00.000Z", "released", "u1");
  audit("2026-03-07T09:00:00.000Z", "ack", "u1");
  audit("2026-03-05T16:00:00.000Z", "released", "u17");
  audit("2026-03-08T16:00:00.000Z", "released", "u4");

  for (int limit : {1000, 3, 1, 0, -1})
    same("unread limit " + std::to_string(limit), store::sqlite::unread_mailbox(lite, limit),
         store::pg::unread_mailbox(*pg, limit));
  same("backlog", store::sqlite::backlog(lite), store::pg::backlog(*pg));
  for (const char* from : {"", "2026-03-01", "2026-03-05", "2026-03-06", "2026-03-07", "2030-01-01"})
    same(std::string("submissions from ") + from, store::sqlite::submissions(lite, from),
         store::pg::submissions(*pg, from));
  BOOST_TEST(store::sqlite::unread_mailbox(lite, 1000)->size() == 5u);
  BOOST_TEST(store::sqlite::backlog(lite)->size() == 3u);

  // The ledger: gemeente codes and keys that sort differently bytewise ("0363" < "Z099" < "a100")
  // and in Dutch ("0363" < "a100" < "Z099"); numbers out of aanbieder order.
  // Arguments as allocation() names them: law, gemeente, nummer, aanbieder, bsn, categorie, code,
  // ingang, eind, reden, toegewezen, message, verdict (then turns 18, verwijzer, volume, budget).
  allocation("iwmo", "a100", 1, "P9", "h1", "02", "02A01", "2026-01-10", "-", "-", "2026-01-05", "ma1", "approved",
             "-", "01", "4", "12000");
  allocation("iwmo", "Z099", 2, "P1", "h2", "02", "-", "2026-01-10", "-", "-", "2026-01-20", "ma2", "approved");
  allocation("iwmo", "Z099", 3, "P0", "h3", "02", "02A01", "2026-02-01", "2026-12-31", "-", "2026-01-25", "ma3",
             "pending");
  allocation("iwmo", "0363", 4, "P5", "h4", "02", "02A01", "2026-01-01", "-", "-", "2026-01-01", "ma4",
             "approved");
  allocation("iwmo", "0363", 5, "P2", "h1", "02", "02A01", "2026-01-01", "-", "13", "2026-01-01", "ma5",
             "approved");  // withdrawn
  // Refused by their providers' 302s.
  allocation("iwmo", "0363", 6, "P3", "h6", "02", "02A01", "2026-01-01", "-", "-", "2026-01-01", "ma6", "rejected");
  allocation("iwmo", "Z099", 7, "P3", "h7", "02", "02A01", "2026-01-01", "-", "-", "2026-01-01", "ma7", "rejected");
  allocation("ijw", "a100", 8, "P3", "h8", "02", "02A01", "2026-01-01", "-", "-", "2026-01-01", "ma8", "rejected");
  // Ending: one with a successor, one with a stop, one with a deleted stop, one withdrawn.
  allocation("iwmo", "a100", 9, "P4", "h9", "03", "03A01", "2025-06-01", "2026-03-20", "01", "2025-05-20", "ma9",
             "approved");
  allocation("iwmo", "Z099", 10, "P4", "h9", "03", "03A01", "2025-06-01", "2026-03-25", "-", "2025-05-20", "ma10",
             "approved");
  allocation("iwmo", "Z099", 11, "P4", "h10", "03", "03A01", "2025-06-01", "2026-03-25", "-", "2025-05-20", "ma11",
             "approved");
  allocation("iwmo", "Z099", 12, "P4", "h10", "03", "03A01", "2025-06-01", "-", "-", "2025-05-20", "ma12",
             "approved");  // 11's successor
  allocation("iwmo", "0363", 13, "P8", "h13", "03", "03A01", "2025-06-01", "2026-04-01", "-", "2025-05-20", "ma13",
             "approved");
  allocation("iwmo", "0363", 14, "P8", "h14", "03", "03A01", "2025-06-01", "2026-04-02", "-", "2025-05-20", "ma14",
             "approved");
  // Youth care turning 18.
  allocation("ijw", "a100", 20, "P7", "h20", "45", "45A01", "2025-01-01", "2026-12-31", "-", "2025-01-01", "ma20",
             "approved", "2026-06-01", "02");
  allocation("ijw", "Z099", 21, "P6", "h21", "45", "45A01", "2025-01-01", "-", "-", "2025-01-01", "ma21",
             "approved", "2026-05-01");
  allocation("ijw", "0363", 22, "P6", "h22", "45", "45A01", "2025-01-01", "2026-04-01", "-", "2025-01-01", "ma22",
             "approved", "2026-05-01");  // ends before
  allocation("ijw", "Z099", 23, "P6", "h23", "45", "45A01", "2025-01-01", "-", "-", "2025-01-01", "ma23",
             "approved", "2026-04-01");  // stopped before
  allocation("ijw", "a100", 24, "P6", "h24", "45", "45A01", "2025-01-01", "-", "-", "2025-01-01", "ma24",
             "rejected", "2026-04-01");
  allocation("ijw", "0363", 25, "P6", "h25", "45", "45A01", "2025-01-01", "-", "-", "2025-01-01", "ma25",
             "approved", "2026-02-01");
  care("start", "s2", "iwmo", "Z099", "P1", "2", "2026-01-12", "-", "1");
  care("start", "s3", "iwmo", "Z099", "P0", "3", "2026-02-03", "-", "3");  // deleted: still unstarted
  care("start", "S4", "iwmo", "0363", "P5", "4", "2026-02-05", "-", "2");
  care("stop", "e13", "iwmo", "0363", "P8", "13", "2025-06-01", "2026-04-01", "1", "21");
  care("stop", "E14", "iwmo", "0363", "P8", "14", "2025-06-01", "2026-04-02", "3", "21");  // deleted
  care("stop", "e23", "ijw", "Z099", "P6", "23", "2025-01-01", "2026-03-01", "1", "02");
  care("stop", "e24", "iwmo", "a100", "P9", "NULL", "2026-01-10", "2026-03-15", "R", "21");
  care("start", "s25", "ijw", "0363", "P6", "25", "2025-12-20", "-", "1");
  // The 302s that met the refused allocations' retours (the latest counts), one met too long ago.
  obligation("retour", "iwmo", 301, "301:6", "ma6", "2026-01-01", "2026-01-06", "2026-01-03");
  obligation("retour", "iwmo", 301, "301:6b", "ma6", "2026-01-01", "2026-01-06", "2026-01-05");
  obligation("retour", "iwmo", 301, "301:7", "ma7", "2026-01-01", "2026-01-06", "2026-01-04");
  obligation("retour", "ijw", 301, "301:8", "ma8", "2025-01-01", "2025-01-06", "2025-01-04");
  obligation("retour", "iwmo", 301, "301:1", "ma1", "2026-01-05", "2026-01-10", "-");
  // Requests refused by their 319s (antwoord 1), one honoured since, one still open.
  request("iwmo", "P1", "Zref", "1", 0);
  request("iwmo", "P1", "aref", "1", 0);
  request("iwmo", "P0", "mref", "1", 0);
  request("iwmo", "P1", "href", "1", 1);
  request("ijw", "P1", "Zref", "2", 0);
  obligation("verzoek_antwoord", "iwmo", 315, "P1:Zref", "mr1", "2026-02-01", "2026-02-10", "2026-02-08");
  obligation("definitief_antwoord", "iwmo", 315, "P1:Zref", "mr1", "2026-02-01", "2026-02-20", "2026-02-12");
  obligation("verzoek_antwoord", "iwmo", 315, "P1:aref", "mr2", "2026-02-01", "2026-02-10", "2026-02-09");
  obligation("verzoek_antwoord", "iwmo", 315, "P0:mref", "mr3", "2026-02-01", "2026-02-10", "2026-02-02");
  obligation("verzoek_antwoord", "iwmo", 315, "P1:href", "mr4", "2026-02-01", "2026-02-10", "2026-02-09");
  obligation("verzoek_antwoord", "ijw", 315, "P1:Zref", "mr5", "2026-02-01", "2026-02-10", "2026-02-09");

  for (const char* until : {"2025-01-01", "2026-02-01", "2026-05-01", "2026-06-01", "2030-01-01"})
    same(std::string("youth until ") + until, store::sqlite::youth_turning_18(lite, until),
         store::pg::youth_turning_18(*pg, until));
  const store::CareQuery queries[] = {
      wide,
      {"2026-03-10", "2026-02-01", "2026-04-01", "2026-01-04"},
      {"2026-03-21", "2026-01-15", "2026-03-25", "2026-02-09"},
      {"2026-03-10", "2026-01-01", "2026-03-10", "2030-01-01"},  // misses everything
  };
  for (const auto& cq : queries)
    same("care " + cq.today + " " + cq.waiting_before + " " + cq.ending_until + " " + cq.since,
         store::sqlite::care_candidates(lite, cq), store::pg::care_candidates(*pg, cq));
  // Each of the four reads had something to order.
  auto all = store::sqlite::care_candidates(lite, wide);
  int per[4] = {0, 0, 0, 0};
  for (const auto& c : *all) ++per[static_cast<int>(c.what)];
  BOOST_TEST(per[0] >= 3);
  BOOST_TEST(per[1] == 3);
  BOOST_TEST(per[2] >= 2);
  BOOST_TEST(per[3] == 3);
}

// ---- the steering facts ---------------------------------------------------------------

BOOST_AUTO_TEST_CASE(steering_facts_alike_from_one_snapshot) {
  const store::SteeringQuery periods[] = {
      {day("2026-03-05"), day("2026-03-05")}, {day("2026-03-01"), day("2026-03-31")},
      {day("2025-01-01"), day("2027-12-31")}, {day("2030-01-01"), day("2030-12-31")}};
  auto ask = [&](const std::string& when) {
    for (const auto& p : periods) {
      const std::string what = when + " " + core::format_date(p.from) + ".." + core::format_date(p.to);
      BOOST_REQUIRE(sqlite3_exec(lite, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
      auto a = store::sqlite::steering_facts(lite, p);
      sqlite3_exec(lite, "COMMIT", nullptr, nullptr, nullptr);
      same(what, a, store::pg::steering_facts(*pg, p));
    }
  };
  ask("empty:");

  // Messages received around the Dutch day's edges, out of seq order, with findings:
  // codes in the array's order, none, a number, a boolean, elements without a code.
  message("f1", "Zeta", "alpha", "rejected", "2026-03-04T23:30:00.000Z", 0, "-", "-",
          R"([{"rule":"TR1","retourcode":"9338"},{"rule":"xsd"},{"retourcode":"8848"},{"retourcode":"0001"}])",
          323);
  message("f2", "sluis", "alpha", "queued", "2026-03-04T22:30:00.000Z", 0, "-", "-", "[]", 325);
  message("f3", "alpha", "Zeta", "queued", "2026-03-05T22:59:59.999Z", 0, "-", "-",
          R"([{"retourcode":8001},{"retourcode":null},{"retourcode":true},5])", 315, "ijw");
  message("f4", "alpha", "Zeta", "queued", "2026-03-05T23:00:00.000Z");  // the 6th in Amsterdam
  message("f5", "alpha", "Zeta", "rejected", "2026-03-05T12:00:00.000Z", 1);  // shadow
  message("f6", "Zeta", "alpha", "delivered", "2026-03-05T12:00:00.000Z", 0, "-", "-",
          R"([{"retourcode":"0200"}])", 301);
  message("f7", "Zeta", "alpha", "queued", "2026-02-28T23:30:00.000Z");
  message("f8", "Zeta", "alpha", "queued", "not a time");
  message("f9", "Zeta", "alpha", "queued", "2026-03-05T12:00:00.000Z", 0, "-", "-", "{}", 301);

  // Owed answers opened in and out of the period.
  obligation("retour", "iwmo", 301, "k-1", "f6", "2026-03-05", "2026-03-10", "2026-03-06");
  obligation("verzoek_antwoord", "ijw", 315, "k-2", "f3", "2026-03-05", "2026-03-12", "-");
  obligation("retour", "iwmo", 323, "k-3", "f1", "2026-02-28", "2026-03-05", "-");
  obligation("declaratie_antwoord", "iwmo", 323, "k-4", "f1", "2026-03-31", "2026-04-14", "-");

  // Arguments as allocation() and care() name them.
  allocation("iwmo", "a100", 1, "P9", "h1", "02", "02A01", "2026-01-10", "-", "-", "2026-01-05", "ma1", "approved",
             "-", "01", "4", "12000");
  allocation("iwmo", "Z099", 2, "P1", "h2", "02", "-", "2026-03-10", "-", "-", "2026-03-02", "ma2", "pending");
  allocation("ijw", "0363", 3, "P0", "h3", "45", "45A01", "2026-01-01", "2026-02-27", "01", "2025-12-01", "ma3",
             "approved", "2026-06-01", "02", "10", "NULL");
  allocation("iwmo", "0363", 4, "P5", "h4", "02", "02A01", "2026-01-01", "-", "13", "2026-01-01", "ma4",
             "approved");  // withdrawn
  allocation("iwmo", "0363", 5, "P2", "h5", "02", "02A01", "2026-01-01", "-", "-", "2026-01-01", "ma5", "rejected");
  allocation("iwmo", "Z099", 6, "P1", "h6", "03", "03A01", "2025-01-01", "2025-12-31", "-", "2025-01-01", "ma6",
             "approved");
  care("start", "s1", "iwmo", "a100", "P9", "1", "2026-02-10", "-", "1");
  care("start", "S2", "iwmo", "Z099", "P1", "NULL", "2026-03-11", "-", "2");
  care("start", "s3", "iwmo", "0363", "P2", "5", "2026-03-11", "-", "3");  // deleted
  care("start", "s0", "iwmo", "0363", "P2", "5", "2025-11-11", "-", "1");  // too early
  care("stop", "e1", "iwmo", "a100", "P9", "1", "2026-01-10", "2026-03-15", "1", "21");
  care("stop", "E2", "ijw", "0363", "P0", "3", "2026-01-01", "2026-03-01", "R", "02");
  care("stop", "e3", "iwmo", "Z099", "P1", "6", "2025-01-01", "2025-12-31", "1", "21");
  auto prestatie = [&](const std::string& law, const std::string& aanbieder, const std::string& ref,
                       const std::string& begin, int credit, const std::string& verdict) {
    both("INSERT INTO ledger_prestatie (law, aanbieder, referentie, vorig_referentie, gemeente, toewijzing_nummer, "
         "bsn_hash, categorie, code, begin, eind, volume, eenheid, cents, credit, verdict, declaratie_nummer, "
         "message_id, tarief) VALUES (" +
         q(law) + ", " + q(aanbieder) + ", " + q(ref) + ", '', 'G', 7, 'h', '02', '02A01', " + q(begin) + ", " +
         q(begin) + ", 3, '04', 30000, " + std::to_string(credit) + ", " + q(verdict) + ", 'D-1', 'mp', NULL)");
  };
  prestatie("iwmo", "alpha", "R1", "2026-03-01", 0, "approved");
  prestatie("iwmo", "Zeta", "R2", "2026-03-05", 1, "pending");
  prestatie("ijw", "Zeta", "R1", "2026-03-31", 0, "rejected");
  prestatie("iwmo", "Zeta", "r0", "2026-03-02", 0, "approved");
  prestatie("iwmo", "alpha", "R3", "2026-04-01", 0, "approved");

  ask("seeded:");
  // The wide period reads every list, several rows each.
  BOOST_REQUIRE(sqlite3_exec(lite, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto f = store::sqlite::steering_facts(lite, periods[2]);
  sqlite3_exec(lite, "COMMIT", nullptr, nullptr, nullptr);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->messages.size() == 7u);
  BOOST_TEST(f->answers.size() == 4u);
  BOOST_TEST(f->allocations.size() == 4u);
  BOOST_TEST(f->starts.size() == 3u);
  BOOST_TEST(f->stops.size() == 3u);
  BOOST_TEST(f->prestaties.size() == 5u);
  // The transaction is over: the session takes the next statement (and may write).
  BOOST_TEST(pg->run("CREATE TABLE after_steering (x integer)").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
