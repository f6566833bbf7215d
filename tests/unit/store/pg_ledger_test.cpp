// The PostgreSQL ledger (gateway/store/pg_ledger.hpp) against the SQLite one,
// on a real PostgreSQL 15 server (tests/support/postgres.hpp): the same
// changes applied to both, step by step, must leave the same rows in every
// ledger table, and every question the rules ask (LedgerView) must get the
// same answer from both, over a grid of arguments that hits and misses. Then
// what several nodes add: two nodes judging declarations against the last
// hours of one allocation at once end where some serial order of their commits
// would have ended. Label `postgresql`.
#define BOOST_TEST_MODULE store_pg_ledger
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/pg_schema.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/postgres.hpp"
#include "tests/support/store_samples.hpp"
#include "tests/support/two_engines.hpp"

using namespace sluis;
using namespace sluis::standard::ledger;
using standard::Law;
using store::pg::Connection;
using store::pg::Params;

namespace {

Date day(const char* s) { return *core::parse_date(s); }

// ---- rendering the records, every field -------------------------------------------

std::string opt(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "-"; }
std::string opt(const std::optional<Integer>& v) { return v ? std::to_string(*v) : "-"; }
std::string opt(const std::optional<Date>& v) { return v ? core::format_date(*v) : "-"; }

std::string show(const Allocation& a) {
  std::ostringstream o;
  o << "A{" << standard::to_string(a.law) << ' ' << a.gemeente << ' ' << a.aanbieder << ' ' << a.toewijzing_nummer
    << ' ' << a.bsn_hash << ' ' << a.categorie << ' ' << opt(a.code) << ' ' << core::format_date(a.ingangsdatum)
    << ' ' << opt(a.einddatum) << ' ' << opt(a.reden_wijziging) << ' ' << opt(a.referentie_aanbieder) << ' '
    << opt(a.volume) << ' ' << a.eenheid << ' ' << a.frequentie << ' ' << opt(a.budget) << ' '
    << core::format_date(a.toewijzingsdatum) << ' ' << a.message_id << ' ' << to_string(a.verdict) << ' '
    << a.verwijzer_type << ' ' << opt(a.client_turns_18_on) << '}';
  return o.str();
}
std::string show(const CareKey& k) {
  std::ostringstream o;
  o << "K{" << standard::to_string(k.law) << ' ' << k.gemeente << ' ' << k.aanbieder << ' ' << k.bsn_hash << ' '
    << opt(k.toewijzing_nummer) << ' ' << k.categorie << ' ' << k.code << ' ' << opt(k.toewijzing_ingangsdatum)
    << ' ' << core::format_date(k.begindatum) << '}';
  return o.str();
}
std::string show(const Start& s) { return "S{" + show(s.key) + ' ' + s.status + ' ' + s.message_id + '}'; }
std::string show(const Stop& s) {
  return "E{" + show(s.key) + ' ' + s.reden + ' ' + core::format_date(s.einddatum) + ' ' + s.status + ' ' +
         s.message_id + '}';
}
std::string show(const Request& r) {
  std::ostringstream o;
  o << "R{" << standard::to_string(r.law) << ' ' << r.aanbieder << ' ' << r.gemeente << ' ' << r.referentie << ' '
    << r.type << ' ' << r.bsn_hash << ' ' << r.antwoord << ' ' << r.honoured << ' ' << r.message_id << ' '
    << r.verwijzer_type << '}';
  return o.str();
}
std::string show(const Declaration& d) {
  std::ostringstream o;
  o << "D{" << standard::to_string(d.law) << ' ' << d.aanbieder << ' ' << d.gemeente << ' ' << d.nummer << ' '
    << d.identificatie << ' ' << core::format_date(d.dagtekening) << ' ' << core::format_date(d.periode_begin)
    << ' ' << core::format_date(d.periode_eind) << ' ' << d.totaal_cents << ' ' << d.bericht_xsd << ' '
    << d.basis_xsd << ' ' << d.answered << ' ' << d.message_id << '}';
  return o.str();
}
std::string show(const Prestatie& p) {
  std::ostringstream o;
  o << "P{" << standard::to_string(p.law) << ' ' << p.aanbieder << ' ' << p.gemeente << ' ' << p.referentie << ' '
    << p.vorig_referentie << ' ' << p.toewijzing_nummer << ' ' << p.bsn_hash << ' ' << p.categorie << ' '
    << p.code << ' ' << core::format_date(p.begin) << ' ' << core::format_date(p.eind) << ' ' << p.volume << ' '
    << p.eenheid << ' ' << p.cents << ' ' << opt(p.tarief) << ' ' << p.credit << ' ' << to_string(p.verdict)
    << ' ' << p.declaratie_nummer << ' ' << p.message_id << '}';
  return o.str();
}
std::string show(const LedgerView::RequestReceipt& r) {
  return "T{" + core::format_date(r.dagtekening) + ' ' + core::format_date(r.received) + '}';
}
std::string show(Integer n) { return std::to_string(n); }
std::string show(bool b) { return b ? "true" : "false"; }
template <class T>
std::string show(const std::optional<T>& v) {
  return v ? show(*v) : "none";
}
template <class T>
std::string show(const std::vector<T>& v) {
  std::string s = "[";
  for (const auto& x : v) s += show(x) + ", ";
  return s + "]";
}

// ---- the two ledgers ------------------------------------------------------------

// TwoEngines' two stores (a fresh SQLite store, a migrated PostgreSQL
// database), each with its ledger. The ledgers are members, so they are
// destroyed before TwoEngines closes the SQLite connection they read through.
struct Both : test::TwoEngines {
  Both() : lite_ledger(lite), pg_ledger(*pg) {}

  void apply(const Changes& ch) {
    BOOST_REQUIRE(sqlite3_exec(lite, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto a = lite_ledger.apply(ch);
    BOOST_REQUIRE_MESSAGE(a.has_value(), (a.has_error() ? a.error().text : std::string()));
    BOOST_REQUIRE(sqlite3_exec(lite, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto b = store::pg::transaction(*pg, store::pg::Isolation::read_committed,
                                    [&](Connection&) { return pg_ledger.apply(ch); });
    BOOST_REQUIRE_MESSAGE(b.has_value(), (b.has_error() ? b.error().text : std::string()));
  }

  // A message row both engines can join to (request_receipt reads its
  // Dagtekening and received_at).
  void message(const std::string& id, const std::string& dagtekening, const std::string& received_at) {
    const std::string cols =
        "(id, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, identificatie, "
        "dagtekening, body, sha256, size, received_at, state)";
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE(sqlite3_prepare_v2(lite,
                                     ("INSERT INTO messages " + cols +
                                      " VALUES (?1, 'iwmo', 315, 0, '3.2', 'a', 'b', 'p', ?1, ?2, x'00', 's', 1, ?3, "
                                      "'queued')")
                                         .c_str(),
                                     -1, &st, nullptr) == SQLITE_OK);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, dagtekening.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, received_at.c_str(), -1, SQLITE_TRANSIENT);
    BOOST_REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    BOOST_REQUIRE(pg->exec("INSERT INTO messages " + cols +
                               " VALUES ($1, 'iwmo', 315, 0, '3.2', 'a', 'b', 'p', $1, $2, '\\x00', 's', 1, $3, "
                               "'queued')",
                           Params().text(id).text(dagtekening).text(received_at)));
  }

  // Every row of every ledger table, every column, in one order: the same on both.
  void same_tables() {
    for (const char* table : {"ledger_allocation", "ledger_care", "ledger_request", "ledger_declaration",
                              "ledger_prestatie", "ledger_orphan", "ledger_contract_warning"}) {
      std::vector<std::string> cols;
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(lite, ("PRAGMA table_info(" + std::string(table) + ")").c_str(), -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW) cols.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
      sqlite3_finalize(st);
      std::string list;
      for (const auto& c : cols) list += (list.empty() ? "" : ", ") + c;
      const std::string sql = "SELECT " + list + " FROM " + table;
      std::vector<std::string> a, b;
      BOOST_REQUIRE(sqlite3_prepare_v2(lite, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
      while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int i = 0; i < static_cast<int>(cols.size()); ++i) {
          const auto* t = sqlite3_column_text(st, i);
          row += (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL") + "|";
        }
        a.push_back(row);
      }
      sqlite3_finalize(st);
      auto rows = pg->exec(sql);
      BOOST_REQUIRE_MESSAGE(rows.has_value(), (rows.has_error() ? rows.error().text : std::string()));
      for (int r = 0; r < rows->size(); ++r) {
        std::string row;
        for (int i = 0; i < static_cast<int>(cols.size()); ++i) row += (rows->null(r, i) ? "NULL" : rows->text(r, i)) + "|";
        b.push_back(row);
      }
      // Compared as sets of rows: the server's collation orders text its own way.
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      BOOST_TEST_CONTEXT("table " << table) { BOOST_TEST(a == b, boost::test_tools::per_element()); }
    }
  }

  // Every LedgerView question over the grid: the same answer from both.
  void same_answers() {
    int asked = 0;
    auto same = [&](const std::string& what, auto&& ask) {
      ++asked;
      const std::string a = show(ask(static_cast<const LedgerView&>(lite_ledger)));
      const std::string b = show(ask(static_cast<const LedgerView&>(pg_ledger)));
      BOOST_TEST(a == b, what << "\n  sqlite:     " << a << "\n  postgresql: " << b);
    };
    const Law laws[] = {Law::iwmo, Law::ijw};
    const std::string gemeenten[] = {"0363", "0599"};
    const std::string aanbieders[] = {"12345678", "87654321"};
    const std::string clients[] = {"h1", "h2"};
    const Integer numbers[] = {1001, 1002, 1003, 9999};
    const char* refs[] = {"REF1", "REF2", "aREF3", "ZREF4", "P1", "P2", "P3", "P4", "Zq", "aq", "nope"};
    const std::pair<const char*, const char*> periods[] = {
        {"2026-01-01", "2026-01-31"}, {"2026-02-01", "2026-02-28"}, {"2025-01-01", "2027-12-31"}};
    for (Law law : laws) {
      const std::string l = std::string(standard::to_string(law)) + " ";
      for (const auto& g : gemeenten) {
        for (Integer n : numbers) {
          same("allocation " + l + g + std::to_string(n), [&](const LedgerView& v) { return v.allocation(law, g, n); });
          same("debit_volume " + l + g + std::to_string(n), [&](const LedgerView& v) { return v.debit_volume(law, g, n); });
          same("debit_cents " + l + g + std::to_string(n), [&](const LedgerView& v) { return v.debit_cents(law, g, n); });
          same("has_approved_uncredited " + l + g + std::to_string(n),
               [&](const LedgerView& v) { return v.has_approved_uncredited(law, g, n); });
          for (const auto& a : aanbieders)
            same("open_starts_on " + l + g + a + std::to_string(n),
                 [&](const LedgerView& v) { return v.open_starts_on(law, g, a, n); });
        }
        for (const auto& a : aanbieders)
          for (const auto& c : clients)
            same("allocations_of " + l + g + a + c, [&](const LedgerView& v) { return v.allocations_of(law, g, a, c); });
      }
      for (const auto& a : aanbieders) {
        for (const char* r : refs) {
          same(std::string("request ") + l + a + r, [&](const LedgerView& v) { return v.request(law, a, r); });
          same(std::string("request_receipt ") + l + a + r, [&](const LedgerView& v) {
            auto req = v.request(law, a, r);
            return req ? v.request_receipt(*req) : std::nullopt;
          });
          same(std::string("prestatie ") + l + a + r, [&](const LedgerView& v) { return v.prestatie(law, a, r); });
          same(std::string("credit_of ") + l + a + r, [&](const LedgerView& v) { return v.credit_of(law, a, r); });
        }
        for (const char* d : {"D-1", "D-2", "nope"}) {
          same(std::string("declaration ") + l + a + d, [&](const LedgerView& v) { return v.declaration(law, a, d); });
          same(std::string("declaration_by_id ") + l + a + d,
               [&](const LedgerView& v) { return v.declaration_by_id(law, a, std::string("ID-") + d); });
        }
        for (const auto& c : clients)
          same("open_requests " + l + a + c, [&](const LedgerView& v) { return v.open_requests(law, a, c); });
        for (Integer n : numbers)
          for (const auto& [from, to] : periods)
            same("debit_for " + l + a + std::to_string(n) + from,
                 [&](const LedgerView& v) { return v.debit_for(law, a, n, "04", "04A01", day(from), day(to)); });
        for (const char* on : {"2025-12-31", "2026-01-15", "2026-06-30", "2027-01-01"})
          for (const char* code : {"04A01", "04A02"})
            same(std::string("allocations_of_product ") + l + a + code + on,
                 [&](const LedgerView& v) { return v.allocations_of_product(law, a, "04", code, day(on)); });
      }
    }
    for (const auto& a : aanbieders)
      for (const auto& [from, to] : periods) {
        same("prestaties_between " + a + from, [&](const LedgerView& v) { return v.prestaties_between(a, day(from), day(to)); });
        same("prestaties_judged " + a + from, [&](const LedgerView& v) { return v.prestaties_judged(a, day(from), day(to)); });
      }
    for (const auto& key : keys)
      for (int k = 0; k < 2; ++k) {
        same("start " + show(key), [&](const LedgerView& v) { return v.start(key); });
        same("stop " + show(key), [&](const LedgerView& v) { return v.stop(key); });
      }
    BOOST_TEST(!lite_ledger.failed());
    BOOST_TEST(!pg_ledger.failed());
    BOOST_TEST(asked > 300);
  }

  store::sqlite::Ledger lite_ledger;
  store::pg::Ledger pg_ledger;
  std::vector<CareKey> keys;  // the care keys the scenario used, and one never used
};

Allocation allocation(Law law, const std::string& gemeente, const std::string& aanbieder, Integer n,
                      const std::string& client, const std::string& code) {
  Allocation a;
  a.law = law;
  a.gemeente = gemeente;
  a.aanbieder = aanbieder;
  a.toewijzing_nummer = n;
  a.bsn_hash = client;
  a.categorie = "04";
  a.code = code;
  a.ingangsdatum = day("2026-01-01");
  a.einddatum = day("2026-06-30");
  a.volume = 40;
  a.eenheid = "04";
  a.frequentie = "6";
  a.toewijzingsdatum = day("2025-12-20");
  a.message_id = "m-301-" + std::to_string(n);
  return a;
}

Prestatie prestatie(const Allocation& a, const std::string& ref, const char* begin, const char* eind, Integer volume,
                    Verdict verdict) {
  Prestatie p;
  p.law = a.law;
  p.aanbieder = a.aanbieder;
  p.gemeente = a.gemeente;
  p.referentie = ref;
  p.toewijzing_nummer = a.toewijzing_nummer;
  p.bsn_hash = a.bsn_hash;
  p.categorie = a.categorie;
  p.code = a.code.value_or("");
  p.begin = day(begin);
  p.eind = day(eind);
  p.volume = volume;
  p.eenheid = a.eenheid;
  p.cents = volume * 6500;
  p.tarief = 6500;
  p.verdict = verdict;
  p.declaratie_nummer = "D-1";
  p.message_id = "m-323-" + ref;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_engines_keep_the_same_ledger_and_answer_alike) {
  Both both;
  both.same_tables();
  both.same_answers();  // empty: every answer none, zero or empty on both

  // Allocations: two products for one client, one for another client, one
  // iJw with the facts kept at intake, one honouring a request.
  Changes c1;
  auto a1 = allocation(Law::iwmo, "0363", "12345678", 1001, "h1", "04A01");
  auto a2 = allocation(Law::iwmo, "0363", "12345678", 1002, "h1", "04A02");
  a2.einddatum.reset();
  a2.budget = 250000;
  a2.referentie_aanbieder = "REF1";
  a2.verwijzer_type = "01";
  auto a3 = allocation(Law::iwmo, "0599", "87654321", 1003, "h2", "04A01");
  a3.volume.reset();
  auto a4 = allocation(Law::ijw, "0363", "12345678", 1001, "h1", "04A01");
  a4.client_turns_18_on = day("2026-03-01");
  c1.allocations = {a1, a2, a3, a4};
  Request r1{Law::iwmo, "12345678", "0363", "REF1", 315, "h1", "", false, "m-315-1", "01"};
  Request r2{Law::iwmo, "12345678", "0363", "REF2", 317, "h1", "", false, "m-317-1", ""};
  c1.requests = {r1, r2};
  both.message("m-315-1", "2025-12-01", "2025-12-02T09:00:00.000Z");
  both.apply(c1);
  both.same_tables();
  both.same_answers();

  // Care: a start per allocation (one without a ToewijzingNummer), a stop on
  // one; a 319 answers a request, a 301 honours the other.
  CareKey k1{Law::iwmo, "0363", "12345678", "h1", 1001, "04", "04A01", day("2026-01-01"), day("2026-01-05")};
  CareKey k2{Law::iwmo, "0363", "12345678", "h1", 1002, "04", "04A02", day("2026-01-01"), day("2026-01-06")};
  CareKey k3{Law::iwmo, "0363", "12345678", "h1", std::nullopt, "04", "04A01", std::nullopt, day("2026-01-07")};
  CareKey never{Law::ijw, "0599", "87654321", "h2", 1003, "04", "04A01", day("2026-01-01"), day("2026-01-01")};
  both.keys = {k1, k2, k3, never};
  Changes c2;
  c2.starts = {Start{k1, "1", "m-305-1"}, Start{k2, "1", "m-305-1"}, Start{k3, "2", "m-305-2"}};
  c2.stops = {Stop{k1, "20", day("2026-02-15"), "1", "m-307-1"}};
  r2.antwoord = "1";
  r2.message_id = "m-319-1";
  r1.honoured = true;
  // Two more open requests whose references sort one way byte by byte (as
  // SQLite does) and the other way in a Dutch collation: the order is SQLite's.
  Request r3{Law::iwmo, "12345678", "0363", "aREF3", 315, "h1", "", false, "m-315-3", "02"};
  Request r4{Law::iwmo, "12345678", "0363", "ZREF4", 315, "h1", "", false, "m-315-4", "02"};
  c2.requests = {r1, r2, r3, r4};
  both.apply(c2);
  both.same_tables();
  both.same_answers();

  // A declaration: debits (approved, rejected, pending) and a credit of one.
  Changes c3;
  Declaration d1{Law::iwmo, "12345678", "0363", "D-1", "ID-D-1", day("2026-03-02"), day("2026-01-01"),
                 day("2026-02-28"), 130000, "3.2.0", "3.2.0", false, "m-323-1"};
  c3.declarations = {d1};
  auto p1 = prestatie(a1, "P1", "2026-01-01", "2026-01-31", 10, Verdict::approved);
  auto p2 = prestatie(a1, "P2", "2026-02-01", "2026-02-28", 8, Verdict::rejected);
  auto p3 = prestatie(a2, "P3", "2026-01-01", "2026-01-31", 5, Verdict::pending);
  p3.tarief.reset();
  auto p4 = prestatie(a1, "P4", "2026-01-01", "2026-01-31", 10, Verdict::approved);
  p4.credit = true;
  p4.vorig_referentie = "P1";
  // Same period and message, references in byte order one way, Dutch order the other.
  auto pz = prestatie(a2, "Zq", "2026-02-01", "2026-02-28", 1, Verdict::approved);
  auto pa = prestatie(a2, "aq", "2026-02-01", "2026-02-28", 1, Verdict::approved);
  pz.message_id = pa.message_id = "m-323-1";
  c3.prestaties = {p1, p2, p3, p4, pz, pa};
  ContractWarning w{Law::iwmo, "12345678", "contract-a", WarningKind::budget, 2026, "", "", WarningLevel::warning,
                    1000000, 920000, 92, 90, "plafonds.csv:3", "m-323-1"};
  ContractWarning wc{Law::iwmo, "12345678", "contract-a", WarningKind::contingent, 0, "04", "04A01",
                     WarningLevel::exceeded, 2, 2, 100, 90, "plafonds.csv:4", "m-323-1"};
  c3.contract_warnings = {w, wc};
  both.apply(c3);
  both.same_tables();
  both.same_answers();

  // The partner's 325 and retours: the declaration approved but one line, an
  // allocation refused (302), a start withdrawn (306), a whole message rejected.
  Changes c4;
  c4.declaration_verdicts = {{Law::iwmo, "12345678", "D-1", Verdict::approved}};
  c4.prestatie_verdicts = {{Law::iwmo, "12345678", "P3", Verdict::rejected}};
  c4.rejected_allocations = {{Law::iwmo, "0599", 1003}};
  c4.rejected_starts = {k2};
  c4.rejected_stops = {k1};
  c4.rejected_messages = {"m-305-2"};
  both.apply(c4);
  both.same_tables();
  both.same_answers();

  // A later 301 replaces an allocation (volume changed, withdrawn with reden 13).
  Changes c5;
  a1.volume = 30;
  a1.reden_wijziging = "13";
  a1.message_id = "m-301-again";
  c5.allocations = {a1};
  both.apply(c5);
  both.same_tables();
  both.same_answers();
}

namespace {

struct RaceResult {
  Integer volume = 0;            // the allocation's
  Integer accepted = 0;          // summed volume of the accepted declarations
  std::vector<Integer> refused;  // the volumes refused
  Integer ledger_debit = 0;      // debit_volume afterwards
  int retries = 0;
};

// Two nodes, each with its own session, judge 40 declarations each against
// the same allocation of 60 hours at once: a declaration is accepted when the
// hours already declared and its own fit the allocation (TR322's question),
// and its prestatie is written approved or rejected with it, through
// serial_transaction with `keys`.
// The allocation the nodes race for: 60 hours, in the (migrated) database `info`.
void allocate(const std::string& info, RaceResult& out) {
  out.volume = 60;
  auto c = Connection::open(info);
  BOOST_REQUIRE(c.has_value());
  BOOST_REQUIRE(store::pg::migrate(*c));
  store::pg::Ledger ledger(*c);
  Changes setup;
  auto a = allocation(Law::iwmo, "0363", "12345678", 1001, "h1", "04A01");
  a.volume = out.volume;
  setup.allocations = {a};
  BOOST_REQUIRE(store::pg::transaction(*c, store::pg::Isolation::read_committed,
                                       [&](Connection&) { return ledger.apply(setup); }));
}

// Runs `node` 0 and 1 at once (each: the volumes it judged, accepted or not,
// and how many times it judged again), sums them into `out`, and reads the
// hours the ledger holds as declared at the end.
using NodeRun = std::pair<std::vector<std::pair<Integer, bool>>, int>;
void race_nodes(const std::string& info, const std::function<NodeRun(int)>& node, RaceResult& out) {
  auto f0 = std::async(std::launch::async, node, 0);
  auto f1 = std::async(std::launch::async, node, 1);
  for (auto* f : {&f0, &f1}) {
    auto [decided, retries] = f->get();
    out.retries += retries;
    for (auto [volume, accepted] : decided) {
      if (accepted) out.accepted += volume;
      else out.refused.push_back(volume);
    }
  }
  auto c = Connection::open(info);
  BOOST_REQUIRE(c.has_value());
  store::pg::Ledger ledger(*c);
  out.ledger_debit = ledger.debit_volume(Law::iwmo, "0363", 1001);
}

RaceResult race(const std::vector<std::string>& keys) {
  const std::string info = test::postgres().create_database();
  RaceResult out;
  allocate(info, out);
  std::atomic<int> ready{0};
  auto node = [&](int n) {
    auto c = Connection::open(info);
    BOOST_REQUIRE(c.has_value());
    store::pg::Ledger ledger(*c);
    std::vector<std::pair<Integer, bool>> decided;  // volume, accepted
    int retries = 0;
    ++ready;
    while (ready.load() < 2) std::this_thread::yield();
    for (int i = 0; i < 40; ++i) {
      const Integer volume = 1 + (i * 7 + n * 3) % 5;
      bool accepted = false;
      int attempts = 0;
      auto r = store::pg::serial_transaction(
          *c, keys,
          [&](Connection&) -> core::Result<void> {
            auto a = ledger.allocation(Law::iwmo, "0363", 1001);
            const Integer used = ledger.debit_volume(Law::iwmo, "0363", 1001);
            // A read at SERIALIZABLE may itself fail as a conflict: judged
            // again on the retry, never on what was not read.
            if (ledger.failed() || !a) {
              ledger.clear_failed();
              return core::make_error(core::Errc::store_busy, "a read failed");
            }
            accepted = a && used + volume <= a->volume.value_or(0);
            const std::string ref = "N" + std::to_string(n) + "-" + std::to_string(i);
            Changes ch;
            auto p = prestatie(*a, ref, "2026-01-01", "2026-01-31", volume,
                               accepted ? Verdict::approved : Verdict::rejected);
            p.declaratie_nummer = "D-" + ref;
            ch.prestaties = {p};
            return ledger.apply(ch);
          },
          100, &attempts);
      BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
      retries += attempts - 1;
      decided.emplace_back(volume, accepted);
    }
    return std::make_pair(decided, retries);
  };
  race_nodes(info, node, out);
  return out;
}

// The outcome equals some serial order of the commits exactly when: what was
// accepted fits, the ledger holds just that, and every refused declaration
// would not have fitted even after all the accepted ones (then "all accepted
// first, the refused after" is such an order; and in any serial order a
// refusal saw at most the accepted ones).
void serial(const RaceResult& r) {
  BOOST_TEST(r.accepted <= r.volume);
  BOOST_TEST(r.ledger_debit == r.accepted);
  BOOST_TEST(r.refused.size() > 0u);  // the race was for the last hours: some were refused
  for (Integer v : r.refused) BOOST_TEST(r.accepted + v > r.volume, "refused " << v << " with " << r.accepted);
}

}  // namespace

// The writer model for several nodes (docs/store.md, "PostgreSQL"): the
// allocation's key locked, the transaction SERIALIZABLE.
BOOST_AUTO_TEST_CASE(two_nodes_racing_for_an_allocations_last_hours_end_in_a_serial_order) {
  const auto r = race({"allocation:iwmo:0363:1001"});
  BOOST_TEST_MESSAGE("with the allocation's lock: accepted " << r.accepted << " of " << r.volume << ", "
                                                             << r.refused.size() << " refused, " << r.retries
                                                             << " retries");
  serial(r);
}

// Without the key, SERIALIZABLE alone still gives a serial outcome: the
// conflicts end in serialization failures, and the retries judge again.
BOOST_AUTO_TEST_CASE(a_key_the_locks_miss_is_still_caught_by_serializable) {
  const auto before = store::pg::retries().value();
  const auto r = race({});
  BOOST_TEST_MESSAGE("without a lock: accepted " << r.accepted << " of " << r.volume << ", " << r.refused.size()
                                                 << " refused, " << r.retries << " retries");
  serial(r);
  // Every transaction run again is counted (sluis_store_transaction_retries_total).
  BOOST_TEST(store::pg::retries().value() - before == r.retries);
}

// The same race through the Store, as two sluisd nodes run it: each node's
// writer commits 40 declarations of one client (their BSN hash the same, so
// PgStore takes the client's advisory lock, message_keys) whose decision
// reads the allocation's declared hours and approves or rejects the
// prestatie with the message. The ledger ends in a serial order.
BOOST_AUTO_TEST_CASE(two_nodes_stores_committing_on_one_allocation_end_in_a_serial_order) {
  const std::string info = test::postgres().create_database();
  RaceResult out;
  std::vector<std::unique_ptr<store::Store>> nodes;
  for (const char* name : {"node-a", "node-b"}) {
    store::PostgresOptions po;
    po.conninfo = info;
    po.node = name;
    auto s = store::open_postgresql(po);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().text));
    nodes.push_back(std::move(*s));
  }
  allocate(info, out);
  std::atomic<int> ready{0};
  auto node = [&](int n) {
    std::vector<std::pair<Integer, bool>> decided;  // volume, accepted
    int decisions = 0;
    ++ready;
    while (ready.load() < 2) std::this_thread::yield();
    for (int i = 0; i < 40; ++i) {
      const Integer volume = 1 + (i * 7 + n * 3) % 5;
      const std::string ref = "N" + std::to_string(n) + "-" + std::to_string(i);
      bool accepted = false;
      store::NewMessage m = test::sample_message("DECL-" + ref);
      m.law = Law::iwmo;
      m.sender_code = "12345678";
      m.receiver_code = "0363";
      m.declaratie_nummer = "D-" + ref;
      m.bsn_hashes = {"client-h1"};
      m.decide = [&](const standard::ledger::LedgerView& view, store::NewMessage&) -> core::Result<store::Decision> {
        ++decisions;  // again when the store retries the transaction
        auto a = view.allocation(Law::iwmo, "0363", 1001);
        const Integer used = view.debit_volume(Law::iwmo, "0363", 1001);
        accepted = a && used + volume <= a->volume.value_or(0);
        store::Decision d;
        if (!a) return d;
        auto p = prestatie(*a, ref, "2026-01-01", "2026-01-31", volume, accepted ? Verdict::approved : Verdict::rejected);
        p.declaratie_nummer = "D-" + ref;
        d.changes.prestaties = {p};
        return d;
      };
      auto r = nodes[n]->commit_sync(std::move(m));
      BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
      decided.emplace_back(volume, accepted);
    }
    return std::make_pair(decided, decisions - 40);
  };
  race_nodes(info, node, out);
  for (auto& s : nodes) s->close();
  BOOST_TEST_MESSAGE("two Stores: accepted " << out.accepted << " of " << out.volume << ", " << out.refused.size()
                                             << " refused, " << out.retries << " decisions made again");
  serial(out);
}
