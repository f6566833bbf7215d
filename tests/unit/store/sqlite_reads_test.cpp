// The SQLite layer's reads: the statement cache (gateway/store/sqlite_util.hpp)
// and the ledger's query plans. A ledger read must cost the same with 20 000
// prestaties of the provider as with a handful: each visits only the rows of
// its key (counted in SQLite's own virtual-machine steps), never every row of
// the provider, which is what SQLite chose before the reads named their
// indexes (it preferred a two-column prefix of the primary key).
#define BOOST_TEST_MODULE store_sqlite_reads
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <map>
#include <memory>
#include <string>

#include "gateway/core/digest.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_messages.hpp"
#include "gateway/store/sqlite_schema.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/sqlite_watches.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
using namespace std::chrono;
namespace L = standard::ledger;
using store::sqlite::Stmt;

namespace {

int statements_on(sqlite3* db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) ++n;
  return n;
}

struct Db {
  explicit Db(const std::string& path = ":memory:") { BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~Db() { sqlite3_close(db); }
  sqlite3* db = nullptr;
};

// The virtual-machine steps of every statement that ran, by its SQL text
// (SQLite's profile trace, read and reset as each statement finishes).
struct Steps {
  explicit Steps(sqlite3* db) {
    sqlite3_trace_v2(
        db, SQLITE_TRACE_PROFILE,
        [](unsigned, void* self, void* p, void*) {
          auto* st = static_cast<sqlite3_stmt*>(p);
          int n = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
          auto& most = static_cast<Steps*>(self)->most[sqlite3_sql(st)];
          most = std::max(most, n);
          return 0;
        },
        this);
  }
  std::map<std::string, int> most;
};

// Commits every message at once (the group commit makes them a few
// transactions) and waits until all are durable.
void commit_all(store::Store& s, std::vector<store::NewMessage> ms) {
  std::mutex mu;
  std::condition_variable cv;
  int pending = 0, failed = 0;
  for (auto& m : ms) {
    {
      std::lock_guard l(mu);
      ++pending;
    }
    s.commit(std::move(m), [&](core::Result<store::CommitOutcome> r) {
      std::lock_guard l(mu);
      if (!r) ++failed;
      --pending;
      cv.notify_all();
    });
  }
  std::unique_lock l(mu);
  cv.wait(l, [&] { return pending == 0; });
  BOOST_REQUIRE(failed == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(statement_cache_prepares_once_and_finalizes_on_destruction) {
  Db d;
  BOOST_REQUIRE(store::sqlite::exec(d.db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
  // Asked before the cache exists, then after: each thread remembers its
  // last answer only until a cache is made or destroyed.
  BOOST_TEST(store::sqlite::StatementCache::of(d.db) == nullptr);
  {
    store::sqlite::StatementCache cache(d.db);
    BOOST_TEST(store::sqlite::StatementCache::of(d.db) == &cache);
    for (int i = 0; i < 100; ++i) {
      Stmt s(d.db, "INSERT INTO t (k, v) VALUES (?, ?)");
      s.bind(1, static_cast<std::int64_t>(i)).bind(2, std::string_view("x"));
      BOOST_TEST(s.step() == SQLITE_DONE);
    }
    BOOST_TEST(statements_on(d.db) == 1);  // one statement, used a hundred times
    {
      // The same text twice at once (a read inside another's loop): two statements.
      Stmt outer(d.db, "SELECT k FROM t WHERE k < ? ORDER BY k");
      outer.bind(1, std::int64_t{3});
      int rows = 0;
      while (outer.step() == SQLITE_ROW) {
        Stmt inner(d.db, "SELECT k FROM t WHERE k < ? ORDER BY k");
        inner.bind(1, outer.i64(0) + 1);
        int n = 0;
        while (inner.step() == SQLITE_ROW) ++n;
        BOOST_TEST(n == outer.i64(0) + 1);
        ++rows;
      }
      BOOST_TEST(rows == 3);
    }
    BOOST_TEST(statements_on(d.db) == 3);
    // A statement that does not prepare is reported, not cached.
    Stmt bad(d.db, "SELECT nothing FROM nowhere");
    BOOST_TEST(!bad.ok());
  }
  BOOST_TEST(store::sqlite::StatementCache::of(d.db) == nullptr);
  BOOST_TEST(statements_on(d.db) == 0);  // all finalized with the cache
  // Without a cache every Stmt prepares and finalizes its own.
  {
    Stmt s(d.db, "SELECT count(*) FROM t");
    BOOST_TEST(s.step() == SQLITE_ROW);
    BOOST_TEST(s.i64(0) == 100);
    BOOST_TEST(statements_on(d.db) == 1);
  }
  BOOST_TEST(statements_on(d.db) == 0);
}

BOOST_AUTO_TEST_CASE(cached_statements_see_every_write_and_survive_a_schema_change) {
  Db d;
  store::sqlite::StatementCache cache(d.db);
  BOOST_REQUIRE(store::sqlite::exec(d.db, "CREATE TABLE t (k INTEGER PRIMARY KEY)"));
  auto count = [&] {
    Stmt s(d.db, "SELECT count(*) FROM t");
    BOOST_REQUIRE(s.step() == SQLITE_ROW);
    return s.i64(0);
  };
  BOOST_TEST(count() == 0);
  BOOST_REQUIRE(store::sqlite::run(d.db, "INSERT INTO t DEFAULT VALUES"));
  BOOST_TEST(count() == 1);
  BOOST_REQUIRE(store::sqlite::exec(d.db, "ALTER TABLE t ADD COLUMN extra TEXT; CREATE INDEX t_extra ON t (extra)"));
  BOOST_REQUIRE(store::sqlite::run(d.db, "INSERT INTO t DEFAULT VALUES"));
  BOOST_TEST(count() == 2);  // re-prepared by SQLite after the schema changed
}

// A message's commit runs its statements as prepared: none is expired by
// its new bindings and prepared again (tune_connection: the planner's
// stability guarantee). A connection without it shows what this guards
// against: the intake's identification lookups, whose `shadow = ?` the
// planner compared with messages_unacked_mailbox's `shadow = 0`, were
// prepared again on every commit.
BOOST_AUTO_TEST_CASE(a_commit_prepares_nothing_again) {
  auto reprepared = [](bool tuned) {
    Db d;
    if (tuned) BOOST_REQUIRE(store::sqlite::tune_connection(d.db));
    store::sqlite::StatementCache cache(d.db);
    BOOST_REQUIRE(store::sqlite::migrate(d.db, ":memory:"));
    store::sqlite::Ledger ledger(d.db);
    for (int i = 0; i < 6; ++i) {
      auto m = test::sample_message("R-" + std::to_string(i));
      m.shadow = i % 2 == 1;
      m.retour = i % 3 == 0;
      store::CommitOutcome out;
      auto r = store::sqlite::insert_message(d.db, ledger, m, out);
      BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
      BOOST_REQUIRE(!out.id.empty());
    }
    int n = 0, statements = 0;
    for (sqlite3_stmt* st = sqlite3_next_stmt(d.db, nullptr); st; st = sqlite3_next_stmt(d.db, st)) {
      n += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_REPREPARE, 0);
      ++statements;
    }
    BOOST_TEST(statements >= 3);  // the lookups and the inserts, kept by the cache
    return n;
  };
  BOOST_TEST(reprepared(false) > 0);
  BOOST_TEST(reprepared(true) == 0);
}

// A judged body over 1 MiB (written before its judgement) runs with a page
// cache of 4 MiB instead of the connection's own, so that its overflow pages,
// the rules' reads and its ledger rows do not fill 8 MiB beside the model; the
// connection has its own cache back when the job ends, judged or failed.
BOOST_AUTO_TEST_CASE(a_large_judged_body_runs_with_a_smaller_page_cache) {
  // A file in WAL mode, as the store's: an in-memory database cannot spill a
  // page, so its cache holds every page whatever its size.
  const auto dir = std::filesystem::temp_directory_path() / ("sluis-reads-" + core::random_hex(6));
  std::filesystem::create_directories(dir);
  struct Gone {
    std::filesystem::path p;
    ~Gone() { std::filesystem::remove_all(p); }
  } gone{dir};
  const std::string path = (dir / "store.db").string();
  Db d(path);
  BOOST_REQUIRE(sqlite3_exec(d.db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr) == SQLITE_OK);
  BOOST_REQUIRE(store::sqlite::tune_connection(d.db));
  store::sqlite::StatementCache cache(d.db);
  BOOST_REQUIRE(store::sqlite::migrate(d.db, path));
  BOOST_REQUIRE(store::sqlite::run(d.db, "PRAGMA cache_size = -8192"));
  store::sqlite::Ledger ledger(d.db);
  auto cache_size = [&] {
    Stmt s(d.db, "PRAGMA cache_size");
    BOOST_REQUIRE(s.step() == SQLITE_ROW);
    return s.i64(0);
  };
  for (const bool fails : {false, true}) {
    for (const std::size_t size : {std::size_t(2000), std::size_t(3u << 20)}) {
      auto m = test::sample_message(std::string("C-") + (fails ? "F-" : "") + std::to_string(size),
                                    std::string(size, 'c'));
      std::int64_t while_judged = 0;
      int cache_used = 0;  // bytes of page cache when the judgement begins, the body written
      m.decide = [&](const L::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
        while_judged = cache_size();
        int highwater = 0;
        sqlite3_db_status(d.db, SQLITE_DBSTATUS_CACHE_USED, &cache_used, &highwater, 0);
        if (fails) return core::make_error(core::Errc::store_decide_failed, "no verdict");
        return store::Decision{};
      };
      BOOST_REQUIRE(store::sqlite::run(d.db, "BEGIN"));
      store::CommitOutcome out;
      auto r = store::sqlite::insert_message(d.db, ledger, m, out);
      BOOST_TEST(r.has_value() == !fails);
      BOOST_REQUIRE(store::sqlite::run(d.db, fails ? "ROLLBACK" : "COMMIT"));
      BOOST_TEST(while_judged == (size > (1u << 20) ? -4096 : -8192));
      BOOST_TEST(cache_size() == -8192);
      // The 3 MiB body was written through a 1 MiB cache: its pages did not
      // stay in memory beside the body itself (at 4 MiB they did: ~3.5 MB).
      if (size > (1u << 20)) BOOST_TEST(cache_used < (1280 << 10), "page cache " << cache_used << " bytes");
    }
  }
}

// The decider, and what it holds (the intake's verdict: a large
// declaration's model and BSN hashes), is given back once it has judged:
// before the message's row and the ledger rows its decision makes, not when
// the job ends.
BOOST_AUTO_TEST_CASE(the_decider_is_given_back_before_the_rows_it_decided) {
  Db d;
  BOOST_REQUIRE(store::sqlite::tune_connection(d.db));
  store::sqlite::StatementCache cache(d.db);
  BOOST_REQUIRE(store::sqlite::migrate(d.db, ":memory:"));
  store::sqlite::Ledger ledger(d.db);
  // Each INSERT statement run (SQLite's statement trace: the ledger's tables
  // are WITHOUT ROWID, which the update hook does not report), and whether
  // the decider's capture was alive when it began.
  struct Seen {
    std::weak_ptr<int> held;
    std::vector<std::pair<std::string, bool>> inserts;
  } seen;
  sqlite3_trace_v2(
      d.db, SQLITE_TRACE_STMT,
      [](unsigned, void* p, void* stmt, void*) {
        auto* s = static_cast<Seen*>(p);
        const std::string sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        if (sql.rfind("INSERT", 0) == 0) s->inserts.emplace_back(sql.substr(0, 60), !s->held.expired());
        return 0;
      },
      &seen);
  auto m = test::sample_message("D-1", "<body/>");
  auto held = std::make_shared<int>(7);  // stands for the verdict
  seen.held = held;
  m.decide = [held = std::move(held)](const L::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
    store::Decision d;
    L::Allocation a;
    a.law = standard::Law::ijw;
    a.gemeente = "0935";
    a.aanbieder = "87654321";
    a.toewijzing_nummer = 1 + *held;
    a.bsn_hash = "h1";
    a.categorie = "45";
    a.ingangsdatum = year{2026} / 1 / 1;
    a.message_id = "D-1";
    d.changes.allocations.push_back(a);
    return d;
  };
  BOOST_REQUIRE(store::sqlite::run(d.db, "BEGIN"));
  store::CommitOutcome out;
  BOOST_REQUIRE(store::sqlite::insert_message(d.db, ledger, m, out).has_value());
  BOOST_REQUIRE(store::sqlite::run(d.db, "COMMIT"));
  sqlite3_trace_v2(d.db, 0, nullptr, nullptr);
  bool message_row = false, ledger_row = false;
  for (const auto& [sql, alive] : seen.inserts) {
    BOOST_TEST_CONTEXT(sql) { BOOST_TEST(!alive); }
    message_row = message_row || sql.find("INTO messages ") != std::string::npos;
    ledger_row = ledger_row || sql.find("INTO ledger_allocation ") != std::string::npos;
  }
  BOOST_TEST(message_row);
  BOOST_TEST(ledger_row);
  BOOST_TEST(!m.decide);
}

BOOST_AUTO_TEST_CASE(ledger_reads_visit_their_key_not_the_providers_rows) {
  Db d;
  BOOST_REQUIRE(store::sqlite::exec(d.db, store::sqlite::kLedgerSchema));
  BOOST_REQUIRE(store::sqlite::exec(d.db, store::sqlite::kLedgerDebitSchema));
  BOOST_REQUIRE(store::sqlite::exec(d.db, store::sqlite::kLedgerTariffSchema));
  BOOST_REQUIRE(store::sqlite::exec(d.db, store::sqlite::kLedgerIntakeFactsSchema));
  BOOST_REQUIRE(store::sqlite::exec(d.db, store::sqlite::kLedgerCountedSchema));
  store::sqlite::Ledger ledger(d.db);
  const standard::Law law = standard::Law::ijw;
  const std::string gemeente = "0917", aanbieder = "75302186";
  const core::Date april = year{2026} / 4 / 1, april_end = year{2026} / 4 / 30;

  // One provider, one gemeente: 2 000 allocations for 2 000 clients, each
  // with a start, a request, and ten declared prestaties in 1 000 declarations.
  constexpr int kAllocations = 2000;
  L::Changes c;
  for (int a = 0; a < kAllocations; ++a) {
    std::string client = "hash-" + std::to_string(a);
    L::Allocation al;
    al.law = law, al.gemeente = gemeente, al.aanbieder = aanbieder, al.toewijzing_nummer = 100000 + a;
    al.bsn_hash = client, al.categorie = "45", al.code = "45A01", al.ingangsdatum = april;
    al.eenheid = "04", al.frequentie = "2", al.toewijzingsdatum = april, al.message_id = "m301";
    c.allocations.push_back(al);
    L::CareKey key{law, gemeente, aanbieder, client, 100000 + a, "45", "45A01", april, april};
    c.starts.push_back({key, "1", "m305"});
    L::Request r;
    r.law = law, r.aanbieder = aanbieder, r.gemeente = gemeente, r.referentie = "ref-" + std::to_string(a);
    r.bsn_hash = client, r.message_id = "m315";
    c.requests.push_back(r);
    for (int p = 0; p < 10; ++p) {
      L::Prestatie pr;
      pr.law = law, pr.aanbieder = aanbieder, pr.gemeente = gemeente;
      pr.referentie = "P" + std::to_string(a) + "-" + std::to_string(p);
      pr.toewijzing_nummer = 100000 + a, pr.bsn_hash = client, pr.categorie = "45", pr.code = "45A01";
      pr.begin = year{2025} / month{static_cast<unsigned>(p + 1)} / 1;
      pr.eind = year{2025} / month{static_cast<unsigned>(p + 1)} / 28;
      pr.volume = 8, pr.eenheid = "04", pr.cents = 69120, pr.verdict = L::Verdict::approved;
      pr.declaratie_nummer = "D" + std::to_string(a / 2), pr.message_id = "m323";
      c.prestaties.push_back(pr);
    }
    if (a % 2 == 0) {
      L::Declaration dc;
      dc.law = law, dc.aanbieder = aanbieder, dc.gemeente = gemeente, dc.nummer = "D" + std::to_string(a / 2);
      dc.identificatie = "ID" + std::to_string(a / 2), dc.dagtekening = april, dc.periode_begin = april;
      dc.periode_eind = april_end, dc.message_id = "m323";
      c.declarations.push_back(dc);
    }
  }
  // A prestatie declared and rejected 3 000 times on one allocation, product
  // and period: TR389's lookup reads the debits that count, not the copies.
  for (int r = 0; r < 3000; ++r) {
    L::Prestatie pr;
    pr.law = law, pr.aanbieder = aanbieder, pr.gemeente = gemeente, pr.referentie = "R" + std::to_string(r);
    pr.toewijzing_nummer = 100000 + 1234, pr.bsn_hash = "hash-1234", pr.categorie = "45", pr.code = "45A01";
    pr.begin = april, pr.eind = april_end, pr.volume = 8, pr.eenheid = "04", pr.cents = 69120;
    pr.verdict = L::Verdict::rejected, pr.declaratie_nummer = "DR" + std::to_string(r), pr.message_id = "m323r";
    c.prestaties.push_back(pr);
  }
  BOOST_REQUIRE(store::sqlite::exec(d.db, "BEGIN"));
  BOOST_REQUIRE(ledger.apply(c));
  BOOST_REQUIRE(store::sqlite::exec(d.db, "COMMIT"));

  Steps steps(d.db);
  const int a = 1234;
  const std::string client = "hash-" + std::to_string(a);
  const L::Integer nummer = 100000 + a;
  BOOST_TEST(ledger.allocation(law, gemeente, nummer).has_value());
  BOOST_TEST(ledger.allocations_of(law, gemeente, aanbieder, client).size() == 1u);
  L::CareKey key{law, gemeente, aanbieder, client, nummer, "45", "45A01", april, april};
  BOOST_TEST(ledger.start(key).has_value());
  BOOST_TEST(!ledger.stop(key).has_value());
  BOOST_TEST(ledger.open_starts_on(law, gemeente, aanbieder, nummer).size() == 1u);
  BOOST_TEST(ledger.request(law, aanbieder, "ref-" + std::to_string(a)).has_value());
  BOOST_TEST(ledger.open_requests(law, aanbieder, client).size() == 1u);
  BOOST_TEST(ledger.declaration(law, aanbieder, "D617").has_value());
  BOOST_TEST(ledger.declaration_by_id(law, aanbieder, "ID617").has_value());
  BOOST_TEST(ledger.prestatie(law, aanbieder, "P1234-3").has_value());
  BOOST_TEST(ledger.debit_volume(law, gemeente, nummer) == 80);
  BOOST_TEST(ledger.debit_cents(law, gemeente, nummer) == 691200);
  BOOST_TEST(ledger.debit_for(law, aanbieder, nummer, "45", "45A01", year{2025} / 4 / 1, year{2025} / 4 / 28)
                 .has_value());
  BOOST_TEST(!ledger.debit_for(law, aanbieder, nummer, "45", "45A01", april, april_end).has_value());
  BOOST_TEST(!ledger.credit_of(law, aanbieder, "P1234-3").has_value());
  BOOST_TEST(ledger.has_approved_uncredited(law, gemeente, nummer));
  BOOST_TEST(!ledger.failed());

  BOOST_TEST(steps.most.size() >= 12u);
  // A scan of the provider's rows takes at least one step per row: 20 000
  // prestaties, 2 000 of everything else. Reading one key is well under 1 000.
  for (const auto& [sql, n] : steps.most) BOOST_TEST(n < 1000, n << " steps: " << sql);
}

// Contingents (SL005): the allocations of a product to a provider that count
// on a day, by their own index; and the warnings a message reached, written
// with its other ledger changes.
BOOST_AUTO_TEST_CASE(allocations_of_a_product_and_contract_warnings) {
  Db d;
  for (const char* schema : {store::sqlite::kLedgerSchema, store::sqlite::kLedgerDebitSchema,
                             store::sqlite::kLedgerTariffSchema, store::sqlite::kLedgerCeilingSchema,
                             store::sqlite::kLedgerIntakeFactsSchema})
    BOOST_REQUIRE(store::sqlite::exec(d.db, schema));
  store::sqlite::Ledger ledger(d.db);
  const standard::Law law = standard::Law::iwmo;
  const std::string aanbieder = "99123456";
  const core::Date on = year{2026} / 3 / 9;
  L::Changes c;
  auto add = [&](const std::string& gemeente, L::Integer nummer, const std::string& code, core::Date from,
                 std::optional<core::Date> to = std::nullopt, std::string who = "99123456") {
    L::Allocation a;
    a.law = law, a.gemeente = gemeente, a.aanbieder = who, a.toewijzing_nummer = nummer;
    a.bsn_hash = "hash-" + std::to_string(nummer), a.categorie = code.substr(0, 2), a.code = code;
    a.ingangsdatum = from, a.einddatum = to, a.eenheid = "14", a.frequentie = "2";
    a.toewijzingsdatum = from, a.message_id = "m301";
    c.allocations.push_back(a);
    return &c.allocations.back();
  };
  // Another product of the same provider, many times: never read.
  for (int i = 0; i < 2000; ++i) add("0935", 500000 + i, "15A03", year{2025} / 1 / 1);
  add("0935", 1, "15A01", year{2026} / 1 / 1);                        // counts
  add("1903", 2, "15A01", year{2025} / 6 / 1, year{2026} / 3 / 9);    // counts: ends that day
  add("0935", 3, "15A01", year{2025} / 6 / 1, year{2026} / 3 / 8);    // ended the day before
  add("0935", 4, "15A01", year{2026} / 3 / 10);                       // not begun
  add("0935", 5, "15A01", year{2026} / 1 / 1)->verdict = L::Verdict::rejected;
  add("0935", 6, "15A01", year{2026} / 1 / 1)->reden_wijziging = "13";
  add("0935", 7, "15A01", year{2026} / 1 / 1, std::nullopt, "99654321");  // another provider
  L::ContractWarning w;
  w.law = law, w.aanbieder = aanbieder, w.contract = "heuvelland", w.kind = L::WarningKind::contingent;
  w.categorie = "15", w.code = "15A01", w.level = L::WarningLevel::exceeded, w.maximum = 2, w.amount = 3;
  w.percent = 150, w.row = "plafonds.csv:9", w.message_id = "m301";
  c.contract_warnings.push_back(w);
  w.kind = L::WarningKind::budget, w.categorie = w.code = "", w.year = 2026;
  w.level = L::WarningLevel::warning, w.maximum = 10000000, w.amount = 9100000, w.percent = 91;
  c.contract_warnings.push_back(w);
  BOOST_TEST(!c.empty());
  BOOST_REQUIRE(store::sqlite::exec(d.db, "BEGIN"));
  BOOST_REQUIRE(ledger.apply(c));
  BOOST_REQUIRE(store::sqlite::exec(d.db, "COMMIT"));

  Steps steps(d.db);
  auto counted = ledger.allocations_of_product(law, aanbieder, "15", "15A01", on);
  BOOST_REQUIRE(counted.size() == 2u);
  BOOST_TEST(counted[0].toewijzing_nummer == 1);
  BOOST_TEST(counted[1].toewijzing_nummer == 2);
  BOOST_TEST(ledger.allocations_of_product(standard::Law::ijw, aanbieder, "15", "15A01", on).empty());
  BOOST_TEST(!ledger.failed());
  for (const auto& [sql, n] : steps.most) BOOST_TEST(n < 1000, n << " steps: " << sql);

  Stmt s(d.db,
         "SELECT kind, contract, year, categorie, code, law, aanbieder, level, maximum, amount, percent, "
         "waarschuwing_procent, contract_row FROM ledger_contract_warning WHERE message_id = 'm301' ORDER BY kind");
  BOOST_REQUIRE(s.step() == SQLITE_ROW);
  BOOST_TEST(s.text(0) == "budget");
  BOOST_TEST(s.i64(2) == 2026);
  BOOST_TEST(s.text(3).empty());
  BOOST_TEST(s.text(7) == "warning");
  BOOST_TEST(s.i64(8) == 10000000);
  BOOST_TEST(s.i64(9) == 9100000);
  BOOST_TEST(s.i64(10) == 91);
  BOOST_TEST(s.i64(11) == 90);
  BOOST_REQUIRE(s.step() == SQLITE_ROW);
  BOOST_TEST(s.text(0) == "contingent");
  BOOST_TEST(s.text(1) == "heuvelland");
  BOOST_TEST(s.i64(2) == 0);
  BOOST_TEST(s.text(4) == "15A01");
  BOOST_TEST(s.text(5) == "iwmo");
  BOOST_TEST(s.text(6) == aanbieder);
  BOOST_TEST(s.text(7) == "exceeded");
  BOOST_TEST(s.text(12) == "plafonds.csv:9");
  BOOST_TEST(s.step() == SQLITE_DONE);
}

// The watches' scan of recent submissions (rejection bursts, every
// watches.scan_interval) reads the window's messages by the receipt time's
// index, not every message of the store: SQLite preferred walking
// messages_sender for the GROUP BY, a million rows for a million messages.
BOOST_AUTO_TEST_CASE(recent_submissions_read_the_window_not_the_store) {
  const auto dir = std::filesystem::temp_directory_path() / ("sluis-reads-" + core::random_hex(6));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "store.db").string();
  {
    auto s = store::open_sqlite(path);
    BOOST_REQUIRE(s.has_value());
    std::vector<store::NewMessage> ms;
    for (int i = 0; i < 3000; ++i) {
      auto m = test::sample_message("OLD-" + std::to_string(i));
      m.sender_partner = "aanbieder-" + std::to_string(i % 7);
      ms.push_back(std::move(m));
    }
    for (int i = 0; i < 12; ++i) {
      auto m = test::sample_message("NEW-" + std::to_string(i));
      if (i % 4 == 0) m.state = store::State::rejected;
      ms.push_back(std::move(m));
    }
    commit_all(**s, std::move(ms));
    (*s)->close();
  }
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  // The 3000 older messages were received on nine days of 2025; the 12 new ones now.
  BOOST_REQUIRE(store::sqlite::exec(db, "UPDATE messages SET received_at = '2025-01-0' || (seq % 9 + 1) || "
                                        "'T10:00:00.000Z' WHERE identificatie LIKE 'OLD-%'"));
  Steps steps(db);  // traces until the connection closes
  {
    auto days = store::sqlite::submissions(db, "2026-01-01");
    BOOST_REQUIRE(days.has_value());
    BOOST_REQUIRE(days->size() == 1u);  // one partner, one day: today
    BOOST_TEST(days->front().partner == "aanbieder-a");
    BOOST_TEST(days->front().total == 12);
    BOOST_TEST(days->front().rejected == 3);
    // The window's 12 rows and their index entries, not a walk over 3 012.
    BOOST_REQUIRE(steps.most.size() == 1u);
    BOOST_TEST(steps.most.begin()->second < 500, steps.most.begin()->second << " steps");
  }
  auto all = store::sqlite::submissions(db, "2025-01-01");
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->size() == 7u * 9u + 1u);  // seven partners on nine days, and today's
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}

// A partner that acknowledges what it fetched and lists its mailbox from the
// start (docs/api.yaml advises it) reads the messages that wait, by the
// partial index messages_unacked_mailbox, not every message it ever got: the
// soak (tests/bench/soak_bench.py) showed the latency of a polled mailbox
// growing with the partner's history.
BOOST_AUTO_TEST_CASE(an_acknowledged_history_is_not_read_again) {
  const auto dir = std::filesystem::temp_directory_path() / ("sluis-reads-" + core::random_hex(6));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "store.db").string();
  {
    auto s = store::open_sqlite(path);
    BOOST_REQUIRE(s.has_value());
    std::vector<store::NewMessage> ms;
    for (int i = 0; i < 3000; ++i) ms.push_back(test::sample_message("ACKED-" + std::to_string(i)));
    for (int i = 0; i < 5; ++i) ms.push_back(test::sample_message("WAITS-" + std::to_string(i)));
    commit_all(**s, std::move(ms));
    (*s)->close();
  }
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  BOOST_REQUIRE(store::sqlite::exec(db, "UPDATE messages SET state = 'acknowledged', acked_at = received_at "
                                        "WHERE identificatie LIKE 'ACKED-%'"));
  Steps steps(db);  // traces until the connection closes
  {
    auto page = store::sqlite::mailbox(db, {"gemeente-m", 0, 100, true});
    BOOST_REQUIRE(page.has_value());
    BOOST_REQUIRE(page->size() == 5u);
    BOOST_TEST(page->front().identificatie == "WAITS-0");
    BOOST_REQUIRE(steps.most.size() == 1u);
    BOOST_TEST(steps.most.begin()->second < 500, steps.most.begin()->second << " steps");
  }
  // With state=all the history is listed, a page at a time.
  auto all = store::sqlite::mailbox(db, {"gemeente-m", 0, 100, false});
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST(all->size() == 100u);
  BOOST_TEST(all->front().identificatie == "ACKED-0");
  BOOST_TEST(store::sqlite::mailbox(db, {"gemeente-m", all->back().seq, 5000, false})->size() == 2905u);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
}
