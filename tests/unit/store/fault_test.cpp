// The store under I/O faults (issue #5), after SQLite's "I/O error loops" and
// "disk full" tests (sqlite.org/testing.html, section 3): writes and syncs fail
// through the fault-injecting VFS (gateway/store/fault_vfs.hpp), and a real
// file system fills up (a 2 MiB tmpfs in a private mount namespace) when the
// test may mount one. Each test checks the same things: a commit hit by a
// fault is told so (never "success"); the store takes commits again once the
// fault is gone, without a restart; everything reported committed is there,
// byte for byte, after a reopen; no message row without its audit entry;
// PRAGMA integrity_check is ok.
#define BOOST_TEST_MODULE store_fault
#include <fcntl.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>

#include "gateway/core/digest.hpp"
#include "gateway/store/fault_vfs.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
namespace fs = std::filesystem;
using Fault = store::FaultVfs::Fault;

namespace {

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("sluis-fault-" + core::random_hex(6))) {
    fs::create_directories(path);
  }
  ~Dir() { fs::remove_all(path); }
  fs::path path;
};

// A body that names its message, so a swapped or torn body shows.
std::string body_for(const std::string& ident, std::size_t size = 600) {
  std::string b = "<Bericht id=\"" + ident + "\">";
  while (b.size() < size) b += ident + ";";
  return b + "</Bericht>";
}

// What the store told us: every id reported committed, with its body.
using Committed = std::map<std::string, std::string>;

std::unique_ptr<store::Store> open_store(const std::string& path, const std::string& vfs) {
  store::SqliteOptions o;
  o.path = path;
  o.vfs = vfs;
  auto s = store::open_sqlite(o);
  if (!s) BOOST_FAIL("open " << path << ": " << s.error().text);
  return std::move(*s);
}

// Commits one message; a success is recorded in `ok`.
core::Result<store::CommitOutcome> commit(store::Store& db, Committed& ok, const std::string& ident,
                                          std::size_t size = 600) {
  std::string body = body_for(ident, size);
  auto r = db.commit_sync(test::sample_message(ident, body));
  if (r) ok[r->id] = body;
  return r;
}

// Everything in `ok` is readable through `db`, byte for byte. Empty: fine;
// else the first problem (the forked child below reports it through a pipe).
std::string check_readable(store::Store& db, const Committed& ok) {
  for (const auto& [id, body] : ok) {
    auto b = db.body(id);
    if (!b) return "reading " + id + ": " + b.error().text;
    if (!b->has_value()) return "committed message " + id + " is missing";
    if (**b != body) return "committed message " + id + " has another body";
  }
  return "";
}

std::string scalar(sqlite3* h, const char* sql) {
  sqlite3_stmt* st = nullptr;
  std::string out = "(error)";
  if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

// After the fault: the store at `path` opens again (on the default VFS; the
// open runs quick_check), holds everything reported committed, has no message
// without its audit entry, and passes PRAGMA integrity_check.
std::string check_intact(const std::string& path, const Committed& ok) {
  {
    store::SqliteOptions o;
    o.path = path;
    auto s = store::open_sqlite(o);
    if (!s) return "reopen: " + s.error().text;
    if (auto p = check_readable(**s, ok); !p.empty()) return p;
  }
  sqlite3* h = nullptr;
  sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  std::string integrity = scalar(h, "PRAGMA integrity_check");
  std::string orphans = scalar(h,
                               "SELECT count(*) FROM messages m WHERE NOT EXISTS "
                               "(SELECT 1 FROM audit a WHERE a.message_id = m.id)");
  sqlite3_close(h);
  if (integrity != "ok") return "integrity_check: " + integrity;
  if (orphans != "0") return orphans + " message rows without their audit entry (half a commit)";
  return "";
}

struct Fixture {
  Fixture() { store::FaultVfs::install(); }
  ~Fixture() { store::FaultVfs::disarm(); }
  Dir dir;
  std::string path = (dir.path / "sluis.db").string();
  Committed ok;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(fault, Fixture)

// The store's WAL shim (wal_vfs.hpp) passes a commit's frames down in writes
// of up to 124 KiB: a commit of a message this large is several writes.
constexpr std::size_t kLarge = 400 << 10;

// The I/O error loop: for N = 1, 2, ... the Nth write of a commit fails once,
// until a commit needs fewer than N writes (every write of it has failed once).
BOOST_AUTO_TEST_CASE(a_write_failing_once_fails_its_commit_and_the_next_commit_succeeds) {
  auto db = open_store(path, store::FaultVfs::kName);
  for (int i = 0; i < 5; ++i)
    BOOST_REQUIRE(commit(*db, ok, "EARLY-" + std::to_string(i)).has_value());
  int failed = 0;
  std::uint64_t nth = 1;
  for (; nth < 500; ++nth) {
    store::FaultVfs::arm(Fault::write_error_once, nth);
    auto r = commit(*db, ok, "W-" + std::to_string(nth), kLarge);
    bool hit = store::FaultVfs::injected() > 0;
    store::FaultVfs::disarm();
    BOOST_TEST_CONTEXT("write " << nth << " of the commit failed: " << hit) {
      BOOST_TEST(!(hit && r.has_value()));  // never success when a write of it failed
      BOOST_TEST(r.has_value() != hit);
      if (!r) {
        ++failed;
        BOOST_TEST(r.error().code == core::Errc::store_commit_failed);
        BOOST_TEST(r.error().text.find("disk I/O error") != std::string::npos, r.error().text);
      }
      // The writer starts the next batch cleanly: no restart needed.
      auto next = commit(*db, ok, "AFTER-" + std::to_string(nth));
      BOOST_TEST(next.has_value(), (next ? std::string() : next.error().text));
      BOOST_TEST(check_readable(*db, ok) == "");
    }
    if (!hit) break;
  }
  BOOST_TEST_MESSAGE("a commit took " << nth - 1 << " writes; each failed once");
  BOOST_TEST(failed >= 3);
  BOOST_TEST(nth < 500u);
  db.reset();
  BOOST_TEST(check_intact(path, ok) == "");
}

BOOST_AUTO_TEST_CASE(a_failing_fsync_fails_its_commit) {
  auto db = open_store(path, store::FaultVfs::kName);
  BOOST_REQUIRE(commit(*db, ok, "EARLY").has_value());
  store::FaultVfs::arm(Fault::sync_error_once, 1);
  auto r = commit(*db, ok, "SYNC");
  BOOST_TEST(store::FaultVfs::injected() == 1u);
  BOOST_REQUIRE(
      r.has_error());  // its WAL frames were written but not synced: not reported committed
  BOOST_TEST(r.error().code == core::Errc::store_commit_failed);
  store::FaultVfs::disarm();
  BOOST_TEST(commit(*db, ok, "LATER").has_value());
  db.reset();
  // "SYNC" may or may not be there after the reopen (its frames reached the
  // WAL); a resend of it would be an idempotent replay. What was reported
  // committed is there.
  BOOST_TEST(check_intact(path, ok) == "");
}

BOOST_AUTO_TEST_CASE(persistently_failing_writes_fail_every_commit_with_a_clear_error) {
  auto db = open_store(path, store::FaultVfs::kName);
  for (int i = 0; i < 10; ++i)
    BOOST_REQUIRE(commit(*db, ok, "EARLY-" + std::to_string(i)).has_value());
  // From the start of a commit, and from its third write on.
  for (std::uint64_t from : {1u, 3u}) {
    store::FaultVfs::arm(Fault::write_error, from);
    for (int i = 0; i < 5; ++i) {
      auto r = commit(*db, ok, "P-" + std::to_string(from) + "-" + std::to_string(i), kLarge);
      BOOST_REQUIRE(r.has_error());
      BOOST_TEST(r.error().code == core::Errc::store_commit_failed);
      // Says what failed, where.
      BOOST_TEST(r.error().text.find("disk I/O error") != std::string::npos, r.error().text);
      BOOST_TEST(r.error().text.find(path) != std::string::npos, r.error().text);
    }
    BOOST_TEST(store::FaultVfs::injected() >= 5u);
    // Reads go on while the disk refuses writes.
    BOOST_TEST(check_readable(*db, ok) == "");
    store::FaultVfs::disarm();
    BOOST_TEST(commit(*db, ok, "RECOVERED-" + std::to_string(from)).has_value());
  }
  db.reset();
  BOOST_TEST(check_intact(path, ok) == "");
}

BOOST_AUTO_TEST_CASE(disk_full_fails_commits_cleanly_and_freed_space_needs_no_restart) {
  auto db = open_store(path, store::FaultVfs::kName);
  for (int i = 0; i < 10; ++i)
    BOOST_REQUIRE(commit(*db, ok, "EARLY-" + std::to_string(i)).has_value());
  // The disk fills up somewhere in the middle of the next commits.
  store::FaultVfs::arm(Fault::disk_full, 20);
  int failed = 0;
  for (int i = 0; i < 30; ++i) {
    auto r = commit(*db, ok, "FULL-" + std::to_string(i), kLarge);
    if (r) {
      BOOST_TEST(failed == 0);  // once full, full until space is freed
      continue;
    }
    ++failed;
    BOOST_TEST(r.error().code == core::Errc::store_disk_full);
    BOOST_TEST(r.error().text.find("the disk holding " + dir.path.string() + " is full") !=
                   std::string::npos,
               r.error().text);
  }
  BOOST_TEST(failed > 20);
  BOOST_TEST(check_readable(*db, ok) == "");
  store::FaultVfs::disarm();  // space freed
  for (int i = 0; i < 5; ++i) BOOST_TEST(commit(*db, ok, "FREED-" + std::to_string(i)).has_value());
  db.reset();
  BOOST_TEST(check_intact(path, ok) == "");
}

// A write that fails inside a job (a large message spills the page cache to
// the WAL mid-statement) makes SQLite roll back the whole transaction. The
// batch then fails as a whole: no job of it is reported committed, none is
// stored, and the next batch begins cleanly.
BOOST_AUTO_TEST_CASE(a_fault_inside_a_batch_fails_the_whole_batch) {
  auto db = open_store(path, store::FaultVfs::kName);
  BOOST_REQUIRE(commit(*db, ok, "EARLY").has_value());
  // The gate holds the writer, inside a batch of its own, until A, B and C are
  // queued, so they make the next batch together.
  std::promise<void> open_gate, gate_entered;
  auto gate = test::sample_message("GATE", body_for("GATE"));
  gate.decide = [f = open_gate.get_future().share(), &gate_entered](
                    const standard::ledger::LedgerView&,
                    store::NewMessage&) -> core::Result<store::Decision> {
    gate_entered.set_value();
    f.wait();
    return store::Decision{};
  };
  std::promise<core::Result<store::CommitOutcome>> gate_done, a_done, b_done, c_done;
  db->commit(std::move(gate),
             [&](core::Result<store::CommitOutcome> r) { gate_done.set_value(std::move(r)); });
  gate_entered.get_future().wait();
  auto a = test::sample_message("A", body_for("A"));
  // Arms the fault from inside the batch: the next write is B's spill.
  a.decide = [](const standard::ledger::LedgerView&,
                store::NewMessage&) -> core::Result<store::Decision> {
    store::FaultVfs::arm(Fault::write_error_once, 1);
    return store::Decision{};
  };
  db->commit(std::move(a),
             [&](core::Result<store::CommitOutcome> r) { a_done.set_value(std::move(r)); });
  db->commit(test::sample_message("B", body_for("B", 6 << 20)),
             [&](core::Result<store::CommitOutcome> r) { b_done.set_value(std::move(r)); });
  db->commit(test::sample_message("C", body_for("C")),
             [&](core::Result<store::CommitOutcome> r) { c_done.set_value(std::move(r)); });
  open_gate.set_value();
  auto g = gate_done.get_future().get();
  BOOST_REQUIRE(g.has_value());
  ok[g->id] = body_for("GATE");
  auto ra = a_done.get_future().get(), rb = b_done.get_future().get(),
       rc = c_done.get_future().get();
  BOOST_TEST(store::FaultVfs::injected() == 1u);
  store::FaultVfs::disarm();
  BOOST_TEST(ra.has_error());
  BOOST_TEST(rb.has_error());
  BOOST_TEST(rc.has_error());
  if (rc.has_error()) BOOST_TEST_MESSAGE("C: " << rc.error().code << ": " << rc.error().text);
  BOOST_TEST(commit(*db, ok, "NEXT").has_value());
  db.reset();
  BOOST_TEST(check_intact(path, ok) == "");
  sqlite3* h = nullptr;
  sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  BOOST_TEST(scalar(h, "SELECT count(*) FROM messages WHERE identificatie IN ('A','B','C')") ==
             "0");
  sqlite3_close(h);
}

// The WAL shim (wal_vfs.hpp) under the counting VFS: a small commit's frames
// go down as one write (SQLite writes two per frame), a large one in pieces;
// a transaction larger than the page cache (frames spilled, then rewritten in
// place) and a checkpoint reading the WAL back see every byte; another
// connection sees each commit at once; all of it intact after a reopen.
BOOST_AUTO_TEST_CASE(wal_writes_are_gathered_and_every_byte_arrives) {
  auto db = open_store(path, store::FaultVfs::kName);
  BOOST_REQUIRE(commit(*db, ok, "FIRST").has_value());
  auto writes = [] { return store::FaultVfs::counts().writes; };
  auto before = writes();
  BOOST_REQUIRE(commit(*db, ok, "SMALL").has_value());
  BOOST_TEST(writes() - before == 1u);  // ungathered: two per frame, a dozen frames or more
  before = writes();
  BOOST_REQUIRE(commit(*db, ok, "LARGE", 1 << 20).has_value());
  BOOST_TEST(writes() - before >= 9u);   // 1 MiB in pieces of at most 124 KiB
  BOOST_TEST(writes() - before <= 12u);  // ungathered: more than 500
  // A batch with a message larger than the page cache: SQLite spills pages to
  // the WAL mid-transaction and writes some of them again at the same place.
  std::promise<core::Result<store::CommitOutcome>> done[3];
  const std::string idents[3] = {"SPILL-A", "SPILL-B", "SPILL-C"};
  const std::size_t sizes[3] = {4000, 8 << 20, 4000};
  for (int i = 0; i < 3; ++i)
    db->commit(test::sample_message(idents[i], body_for(idents[i], sizes[i])),
               [&, i](core::Result<store::CommitOutcome> r) { done[i].set_value(std::move(r)); });
  for (int i = 0; i < 3; ++i) {
    auto r = done[i].get_future().get();
    BOOST_REQUIRE(r.has_value());
    ok[r->id] = body_for(idents[i], sizes[i]);
  }
  // Enough WAL for checkpoints (every 1000 pages) to read it back.
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(commit(*db, ok, "CK-" + std::to_string(i), 300 << 10).has_value());
  BOOST_TEST(check_readable(*db, ok) == "");
  // Another connection (the default VFS) reads every commit while the store is open.
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  BOOST_TEST(scalar(h, "SELECT count(*) FROM messages") == std::to_string(ok.size()));
  BOOST_TEST(scalar(h, "SELECT length(COALESCE((SELECT b.body FROM message_body b WHERE b.seq = m.seq), m.body)) "
                "FROM messages m WHERE identificatie = 'SPILL-B'") ==
             std::to_string(body_for("SPILL-B", 8 << 20).size()));
  sqlite3_close(h);
  db.reset();
  BOOST_TEST(check_intact(path, ok) == "");
}

BOOST_AUTO_TEST_SUITE_END()

// ---- a real full file system ----------------------------------------------------

namespace {

constexpr int kSkipped = 77;

bool write_file(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// A private mount namespace (as root; else as the root of a new user
// namespace), so the tmpfs is seen by this process only and vanishes with it.
std::string private_mount_namespace() {
  if (::unshare(CLONE_NEWNS) != 0) {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
      return std::string("cannot create a mount namespace: ") + std::strerror(errno);
    write_file("/proc/self/setgroups", "deny");
    if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n"))
      return "cannot map ids in the user namespace";
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("cannot make the mounts private: ") + std::strerror(errno);
  return "";
}

// Runs in a forked child: mounts a 2 MiB tmpfs on `mnt`, fills it through
// commits until the store answers an error, checks that error and the data,
// frees space and commits again. Returns "" or the problem; sets `skipped`
// when it may not mount.
std::string fill_a_tmpfs(const fs::path& mnt, bool& skipped, std::string& note) {
  if (auto why = private_mount_namespace(); !why.empty()) {
    skipped = true;
    return why;
  }
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=2m,mode=0700") != 0) {
    skipped = true;
    return std::string("cannot mount a tmpfs: ") + std::strerror(errno);
  }
  // Ballast, removed later to "free space".
  std::string ballast = (mnt / "ballast").string();
  std::ofstream(ballast, std::ios::binary) << std::string(256 << 10, 'b');
  std::string path = (mnt / "sluis.db").string();
  Committed ok;
  store::SqliteOptions o;
  o.path = path;
  auto s = store::open_sqlite(o);
  if (!s) return "open on the tmpfs: " + s.error().text;
  auto& db = **s;
  std::optional<core::Error> error;
  int n = 0;
  for (; n < 5000 && !error; ++n) {
    auto r = commit(db, ok, "T-" + std::to_string(n), 4000);
    if (!r) error = r.error();
  }
  if (!error) return "5000 commits of 4 KB fit on a 2 MiB tmpfs?";
  if (error->code != core::Errc::store_disk_full)
    return "a full disk answered " + std::string(core::to_string(error->code)) + ": " + error->text;
  if (error->text.find("the disk holding " + mnt.string() + " is full") == std::string::npos)
    return "the disk-full text does not say which disk: " + error->text;
  if (auto p = check_readable(db, ok); !p.empty()) return "while full: " + p;
  fs::remove(ballast);
  for (int i = 0; i < 3; ++i)
    if (auto r = commit(db, ok, "FREED-" + std::to_string(i), 4000); !r)
      return "after space was freed: " + r.error().text;
  s->reset();
  if (auto p = check_intact(path, ok); !p.empty()) return p;
  note = std::to_string(ok.size()) + " commits; full after " + std::to_string(n - 1) + ": " +
         error->text;
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_real_full_file_system_fails_commits_cleanly) {
  Dir dir;
  fs::path mnt = dir.path / "fs";
  fs::create_directories(mnt);
  int pipefd[2];
  BOOST_REQUIRE(::pipe(pipefd) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(pipefd[0]);
    bool skipped = false;
    std::string note;
    std::string problem = fill_a_tmpfs(mnt, skipped, note);
    std::string report = problem.empty() ? note : problem;
    (void)!::write(pipefd[1], report.data(), report.size());
    ::_exit(skipped ? kSkipped : problem.empty() ? 0 : 1);
  }
  ::close(pipefd[1]);
  std::string report;
  char buf[512];
  for (ssize_t got; (got = ::read(pipefd[0], buf, sizeof buf)) > 0;)
    report.append(buf, static_cast<std::size_t>(got));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_REQUIRE_MESSAGE(WIFEXITED(status), "the child died (status " << status << "): " << report);
  if (WEXITSTATUS(status) == kSkipped) {
    BOOST_TEST_MESSAGE("skipped the real tmpfs part (" << report
                                                       << "); the injected disk-full test ran");
    return;
  }
  BOOST_TEST(WEXITSTATUS(status) == 0, report);
  BOOST_TEST_MESSAGE("tmpfs: " << report);
}
