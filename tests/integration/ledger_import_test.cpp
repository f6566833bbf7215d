// sluisctl ledger-import through a running sluisd's admin socket: a dry run
// (on a copy of the store) reports and writes nothing; --apply loads the
// allocations, starts and stops in batches so that a declaration on them is
// judged against them; refused documents (not importable, or inconsistent
// with the ledger) are named with their reasons, per document and in the
// per-provider summary; partners are served while an import is held between
// two batches; a cancelled import (the client hangs up) completes on a re-run,
// which reports the documents imported before as already imported.
//
// Run a second time as ledger_import_pg_test (SLUIS_TEST_ENGINE=postgresql,
// label `postgresql`, test_gateway.hpp): sluisd on a fresh PostgreSQL
// database of a server the test starts, where the dry run is one rolled-back transaction instead of a copy
// (MessageLog::ledger_rehearsal) and --apply goes through the PostgreSQL
// writer. The cases about the SQLite copy and the summaries' formatting run
// on SQLite only.
#define BOOST_TEST_MODULE ledger_import
#include <fcntl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <string_view>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

bool on_postgresql() {
  const char* e = std::getenv("SLUIS_TEST_ENGINE");
  return e && std::string_view(e) == "postgresql";
}

// A case about the SQLite engine's dry run or the report's formatting: run once, on SQLite.
boost::test_tools::assertion_result sqlite_only(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result r(!on_postgresql());
  r.message() << "runs on the SQLite engine only";
  return r;
}

std::string file(const std::string& rel) { return slurp(source_dir() / rel); }

std::string partners(TestGateway& g) {
  return g.corpus_partners("retour = \"gateway\"\n");
}

CommandResult import(TestGateway& g, std::vector<std::string> args) {
  std::vector<std::string> all{"ledger-import"};
  all.insert(all.end(), args.begin(), args.end());
  return g.sluisctl(all);
}

// One number from the store, read beside the daemon (WAL: a reader never
// waits for the writer).
std::int64_t scalar(TestGateway& g, const std::string& sql) {
  if (!g.postgresql.empty()) {
    PGconn* c = PQconnectdb(g.postgresql.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    std::int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? std::stoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    PQfinish(c);
    return n;
  }
  sqlite3* db = nullptr;
  const auto file = (g.dir.path() / "state" / "sluis.db").string();
  BOOST_TEST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  std::int64_t n = s && sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

// The documents ledger-import has recorded.
std::int64_t recorded(TestGateway& g) { return scalar(g, "SELECT count(*) FROM ledger_import"); }

// The history of a client: an allocation, its start, its stop (all importable).
std::filesystem::path history(TestGateway& g, const std::string& name, bool refusals) {
  auto dir = g.dir.path() / name;
  std::filesystem::create_directories(dir);
  auto put = [&](const std::string& file, const std::string& body) {
    std::ofstream(dir / file, std::ios::binary) << body;
  };
  put("a-toewijzing.xml", corpus("ijw/301/valid-toewijzing.xml"));
  put("b-start.xml", corpus("ijw/305/valid-start.xml"));
  put("c-stop.xml", corpus("ijw/307/valid-stop.xml"));
  if (refusals) {
    put("d-declaratie.xml", corpus("ijw/323/valid-declaratie.xml"));  // not importable
    // A start on an allocation nobody allocated (9019): refused, the rest goes in.
    put("e-start-unknown.xml",
        std::regex_replace(std::regex_replace(corpus("ijw/305/valid-start.xml"), std::regex("START-0312"),
                                              "START-0999"),
                           std::regex("261170033"), "261179999"));
  }
  return dir;
}

// The declaration of tests/conformance/rules/ledger/323-april.xml under a new
// identification, number and references (`n`: 0 ... 9), so it can be sent again.
std::string declaration(int n) {
  std::string d = file("tests/conformance/rules/ledger/323-april.xml");
  const std::string k = std::to_string(n);
  for (auto [from, to] : {std::pair{std::string("DECL-2604-01"), "DECL-2604-1" + k},
                          std::pair{std::string("JW2604HRL31"), "JW2604HRL4" + k},
                          std::pair{std::string("J2604-0001"), "J2604-01" + k + "1"},
                          std::pair{std::string("J2604-0002"), "J2604-01" + k + "2"}})
    d = std::regex_replace(d, std::regex(from), to);
  return d;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dry_run_then_apply) {
  TestGateway g("import", partners);
  auto dir = history(g, "history", true);

  auto dry = import(g, {dir.string()});
  BOOST_TEST(dry.exit_code == 1, dry.output);
  BOOST_TEST(count(dry.output, "would be imported") == 4, dry.output);  // 3 files + the summary line
  BOOST_TEST(count(dry.output, ": REFUSED") == 2, dry.output);
  BOOST_TEST(dry.output.find("TR019") != std::string::npos, dry.output);
  BOOST_TEST(dry.output.find("dry run") != std::string::npos);
  BOOST_TEST(recorded(g) == 0);  // the dry run ran on a copy (SQLite) or was rolled back (PostgreSQL)
  // One document a batch: the 305 and 307 of later batches are judged
  // against the 301 of the first, as --apply would judge them.
  auto dry1 = import(g, {"--batch", "1", dir.string()});
  BOOST_TEST(dry1.exit_code == 1, dry1.output);
  BOOST_TEST(count(dry1.output, "would be imported") == 4, dry1.output);
  BOOST_TEST(count(dry1.output, ": REFUSED") == 2, dry1.output);
  BOOST_TEST(recorded(g) == 0);
  BOOST_TEST(scalar(g, "SELECT count(*) FROM audit WHERE action = 'ledger-import'") == 0);
  for (const auto& e : std::filesystem::directory_iterator(g.dir.path() / "state"))
    BOOST_TEST(!e.path().filename().string().starts_with(".import-"), e.path());  // and the copy is gone

  // Nothing was written: the declaration finds no allocation (9338 on both prestaties).
  auto before = g.post_xml("provider", "/v1/messages", file("tests/conformance/rules/ledger/323-april.xml"));
  BOOST_TEST(before.status == 202, before.body);
  BOOST_TEST(count(before.body, "\"9338\"") == 2, before.body);

  // Two documents a transaction: the 305 of the second batch sees the 301 of the first.
  auto applied = import(g, {"--apply", "--batch", "2", dir.string()});
  BOOST_TEST(applied.exit_code == 1, applied.output);
  BOOST_TEST(count(applied.output, ": imported") == 3, applied.output);
  BOOST_TEST(count(applied.output, ": REFUSED") == 2, applied.output);
  BOOST_TEST(recorded(g) == 3);

  // Now the same declaration (new identification, number and references) is fully approved.
  auto after = g.post_xml("provider", "/v1/messages", declaration(0));
  BOOST_TEST(after.status == 202, after.body);
  auto v = boost::json::parse(after.body);
  BOOST_TEST(v.at("findings").as_array().empty(), after.body);
  auto answer = g.curl("provider", "/v1/mailbox/" + std::string(v.at("retour").as_string()));
  BOOST_TEST(answer.body.find("<jw325:RetourCode>8001</jw325:RetourCode>") != std::string::npos, answer.body);

  // Importing the same history again adds nothing: the documents imported are
  // recognised (also one on its own), the refused ones are refused again.
  auto twice = import(g, {"--apply", (dir / "b-start.xml").string()});
  BOOST_TEST(twice.exit_code == 0, twice.output);
  BOOST_TEST(twice.output.find("b-start.xml: already imported (305)") != std::string::npos, twice.output);
  auto all = import(g, {"--json", "--apply", dir.string()});
  BOOST_TEST(all.exit_code == 1, all.output);
  auto totals = boost::json::parse(all.output).at("arguments").at("totals");
  BOOST_TEST(totals.at("already_imported").as_int64() == 3, all.output);
  BOOST_TEST(totals.at("imported").as_int64() == 0, all.output);
  BOOST_TEST(totals.at("refused").as_int64() == 2, all.output);
  BOOST_TEST(recorded(g) == 3);
}

// The per-provider summary: counts and the reasons of the refusals, as a
// table, as CSV and as JSON.
BOOST_AUTO_TEST_CASE(refusals_are_summarised_per_provider, *boost::unit_test::precondition(sqlite_only)) {
  TestGateway g("import-sum", partners);
  auto dir = history(g, "history", true);
  auto j = import(g, {"--json", dir.string()});
  BOOST_TEST(j.exit_code == 1, j.output);
  auto a = boost::json::parse(j.output).at("arguments").as_object();
  const auto& providers = a.at("providers").as_array();
  BOOST_TEST_REQUIRE(providers.size() == 1u, j.output);
  const auto& p = providers.front().as_object();
  BOOST_TEST(p.at("aanbieder").as_string() == "75302186");
  BOOST_TEST(p.at("imported").as_int64() == 3);
  BOOST_TEST(p.at("refused").as_int64() == 2);
  BOOST_TEST(p.at("already_imported").as_int64() == 0);
  bool tr019 = false;
  for (const auto& r : p.at("reasons").as_array())
    if (r.at("rule").as_string() == "TR019") {
      tr019 = true;
      BOOST_TEST(r.at("count").as_int64() == 1);
      BOOST_TEST(!r.at("en").as_string().empty());
    }
  BOOST_TEST(tr019, j.output);
  BOOST_TEST(a.at("gemeenten").as_array().size() == 1u);
  BOOST_TEST(a.at("apply").as_bool() == false);

  auto t = import(g, {dir.string()});
  BOOST_TEST(std::regex_search(t.output, std::regex("AANBIEDER +WOULD IMPORT +ALREADY +REFUSED")), t.output);
  BOOST_TEST(std::regex_search(t.output, std::regex("75302186 +3 +0 +2 +0 +.*TR019")), t.output);
  BOOST_TEST(std::regex_search(t.output, std::regex("GEMEENTE +WOULD IMPORT")), t.output);

  auto csv = import(g, {"--format", "csv", dir.string()});
  BOOST_TEST(csv.exit_code == 1);
  BOOST_TEST(csv.output.find("name,type,outcome,aanbieder,gemeente,reasons") != std::string::npos, csv.output);
  BOOST_TEST(count(csv.output, ",would_be_imported,75302186,0917,") == 3, csv.output);
  BOOST_TEST(count(csv.output, ",refused,") == 2, csv.output);

  // Only valid documents: exit 0.
  auto clean = import(g, {(dir / "a-toewijzing.xml").string()});
  BOOST_TEST(clean.exit_code == 0, clean.output);
}

// The same history as a CSV export: rows checked field by field, then judged
// like the messages they stand for.
BOOST_AUTO_TEST_CASE(csv_export, *boost::unit_test::precondition(sqlite_only)) {
  TestGateway g("import-csv", partners);
  auto csv = g.dir.path() / "omklap.csv";
  std::ofstream(csv) << "soort;wet;gemeente;aanbieder;bsn;toewijzingnummer;categorie;productcode;ingangsdatum;"
                        "einddatum;volume;eenheid;frequentie;budget;begindatum;redenbeeindiging\n"
                     << "toewijzing;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;2026-12-31;2;04;2;;;\n"
                     << "toewijzing;ijw;0917;75302186;999978366;261170033;45;45A04;2026-03-09;2026-08-31;240;01;4;;;\n"
                     << "start;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;;;;;;2026-03-10;\n"
                     << "stop;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;2026-06-30;;;;;2026-03-10;31\n"
                     << "toewijzing;ijw;0917;75302186;123456789;261170040;45;45A01;2026-03-09;;2;04;2;;;\n"
                     << "start;ijw;0917;75302186;999978366;261170099;45;45A01;2026-03-09;;;;;;2026-03-10;\n";
  auto applied = import(g, {"--apply", csv.string()});
  BOOST_TEST(applied.exit_code == 1, applied.output);
  BOOST_TEST(count(applied.output, ": imported") == 4, applied.output);
  BOOST_TEST(count(applied.output, ": REFUSED") == 2, applied.output);
  BOOST_TEST(applied.output.find("omklap.csv:6: REFUSED") != std::string::npos, applied.output);  // the 11-check
  BOOST_TEST(applied.output.find("elfproef") != std::string::npos, applied.output);
  BOOST_TEST(applied.output.find("123456789") == std::string::npos, applied.output);  // no BSN in the report
  BOOST_TEST(applied.output.find("TR019") != std::string::npos, applied.output);

  auto after = g.post_xml("provider", "/v1/messages", file("tests/conformance/rules/ledger/323-april.xml"));
  BOOST_TEST(after.status == 202, after.body);
  BOOST_TEST(boost::json::parse(after.body).at("findings").as_array().empty(), after.body);
}

// One document a transaction, held between two batches (test pause point
// ledger_import.batch): partners are served and their messages committed
// meanwhile, and the store holds the first batch only. Then the same import
// cancelled by its client hanging up mid-way: a re-run completes it and
// counts the documents imported before as already imported.
BOOST_AUTO_TEST_CASE(batches_leave_partners_served_and_a_cancelled_import_resumes) {
  ScratchDir pauses("import-pause");
  TestGateway g("import-held", partners, {}, {}, {},
                {{"SLUIS_TEST_PAUSE", "ledger_import.batch"}, {"SLUIS_TEST_PAUSE_DIR", pauses.path().string()}});
  const auto fifo = pauses.path() / "ledger_import.batch";
  auto arm = [&] { BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0, std::strerror(errno)); };
  auto release = [&] {
    int fd = ::open(fifo.c_str(), O_WRONLY | O_CLOEXEC);  // the daemon waits in open(): no block
    BOOST_TEST_REQUIRE(fd >= 0, std::strerror(errno));
    ::unlink(fifo.c_str());
    ::close(fd);
  };

  // Held after its first batch (the 301).
  auto dir = history(g, "held", false);
  arm();
  auto run = std::async(std::launch::async,
                        [&] { return import(g, {"--progress", "--apply", "--batch", "1", dir.string()}); });
  BOOST_TEST_REQUIRE(g.daemon->wait_for("STATUS=paused:ledger_import.batch"));
  BOOST_TEST(recorded(g) == 1);
  auto who = g.curl("provider", "/v1/whoami");
  BOOST_TEST(who.status == 200, who.body);
  // A partner's message goes through the writer between two batches: 202, not 503.
  auto sent = g.post_xml("provider", "/v1/messages", declaration(1));
  BOOST_TEST(sent.status == 202, sent.body);
  release();
  auto done = run.get();
  BOOST_TEST(done.exit_code == 0, done.output);
  BOOST_TEST(count(done.output, ": imported") == 3, done.output);
  BOOST_TEST(std::regex_search(done.output, std::regex("ledger-import: 1 / 3 documents through the ledger")),
             done.output);
  BOOST_TEST(recorded(g) == 3);

  // A second history (other allocation numbers), cancelled after its first batch.
  auto other = g.dir.path() / "other";
  std::filesystem::create_directories(other);
  boost::json::array docs;
  for (const auto& [name, rel] : {std::pair{"a.xml", "ijw/301/valid-toewijzing.xml"},
                                  std::pair{"b.xml", "ijw/305/valid-start.xml"},
                                  std::pair{"c.xml", "ijw/307/valid-stop.xml"}}) {
    std::string body = corpus(rel);
    // Another (fictional) client with allocations of its own.
    for (auto [from, to] : {std::pair{"261170032", "261170052"}, std::pair{"261170033", "261170053"},
                            std::pair{"999978366", "999978317"}})
      body = std::regex_replace(body, std::regex(from), to);
    std::ofstream(other / name, std::ios::binary) << body;
    docs.push_back({{"name", (other / name).string()}, {"body", body}});
  }
  arm();
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string path = (g.dir.path() / "state/admin.sock").string();
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  BOOST_TEST_REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const std::string req = boost::json::serialize(boost::json::object{
      {"command", "ledger-import"}, {"progress", true}, {"arguments", {{"documents", docs}, {"apply", true}, {"batch", 1}}}});
  BOOST_TEST_REQUIRE(::write(s, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
  ::shutdown(s, SHUT_WR);
  BOOST_TEST_REQUIRE(g.daemon->wait_for("STATUS=paused:ledger_import.batch"));
  ::close(s);  // the client goes (Ctrl-C)
  release();
  // The admin thread runs one command at a time: this answers after the import has stopped.
  auto st = g.sluisctl({"status-get"});
  BOOST_TEST(st.exit_code == 0, st.output);
  BOOST_TEST(recorded(g) == 4);  // the first batch of the second history, no more
  BOOST_TEST(g.daemon->log().find("ADMIN_COMMAND_CANCELLED") != std::string::npos);
  BOOST_TEST(scalar(g, "SELECT count(*) FROM audit WHERE action = 'ledger-import' AND detail LIKE "
                       "'cancelled after 1 of 3 documents%'") == 1);

  auto again = import(g, {"--apply", "--batch", "1", other.string()});
  BOOST_TEST(again.exit_code == 0, again.output);
  BOOST_TEST(count(again.output, ": already imported") == 1, again.output);
  BOOST_TEST(count(again.output, ": imported") == 2, again.output);
  BOOST_TEST(again.output.find("-- 3 documents: 2 imported, 1 already imported, 0 refused") != std::string::npos,
             again.output);
  BOOST_TEST(recorded(g) == 6);
}

// A daemon killed during a dry run leaves its private copy of the store (the
// whole store, personal data included); the next start removes it.
BOOST_AUTO_TEST_CASE(a_dry_run_copy_left_by_a_kill_is_removed_at_start, *boost::unit_test::precondition(sqlite_only)) {
  ScratchDir pauses("import-kill");
  TestGateway g("import-kill", partners, {}, {}, {},
                {{"SLUIS_TEST_PAUSE", "ledger_import.batch"}, {"SLUIS_TEST_PAUSE_DIR", pauses.path().string()}});
  const auto fifo = pauses.path() / "ledger_import.batch";
  BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0, std::strerror(errno));
  auto leftovers = [&] {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(g.dir.path() / "state"))
      n += e.path().filename().string().starts_with(".import-") ? 1 : 0;
    return n;
  };
  auto dir = history(g, "killed", false);
  auto run = std::async(std::launch::async, [&] { return import(g, {"--batch", "1", dir.string()}); });
  BOOST_TEST_REQUIRE(g.daemon->wait_for("STATUS=paused:ledger_import.batch"));
  BOOST_TEST(leftovers() == 1);
  g.daemon->signal(SIGKILL);
  BOOST_TEST((g.daemon->wait_exit() == 128 + SIGKILL));
  BOOST_TEST(run.get().exit_code != 0);
  ::unlink(fifo.c_str());
  BOOST_TEST(leftovers() == 1);  // what the kill left

  g.daemon = std::make_unique<DaemonProcess>(g.dir.path(), std::vector<std::string>{"--config", "sluisd.toml"});
  BOOST_TEST_REQUIRE(g.daemon->wait_for("READY=1"));
  BOOST_TEST(leftovers() == 0);
  BOOST_TEST(g.daemon->log().find("DAEMON_IMPORT_LEFTOVERS_REMOVED") != std::string::npos, g.daemon->log());
  BOOST_TEST(g.daemon->log().find("count=1") != std::string::npos, g.daemon->log());
  BOOST_TEST(recorded(g) == 0);  // the dry run wrote nothing
  BOOST_TEST((g.stop() == 0));
}
