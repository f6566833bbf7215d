// Crash test: a child process commits messages and reports each commit that
// returned success on a pipe; the parent SIGKILLs it at a random moment,
// reopens the store and checks that every reported commit is present and
// intact, nothing is half-written and the integrity check passes. Repeated
// SLUIS_CRASH_ITERATIONS times (default 50).
#define BOOST_TEST_MODULE store_crash
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <algorithm>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "gateway/core/digest.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
namespace fs = std::filesystem;

namespace {

std::string body_for(int i) { return "<Bericht n=\"" + std::to_string(i) + "\">" + std::string(3500, 'p') + "</Bericht>"; }

[[noreturn]] void child(const std::string& path, int fd, int start) {
  auto s = store::open_sqlite(path);
  if (!s) _exit(3);
  // Several threads, so commits are batched (group commit) when killed.
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int i = start + t;; i += 4) {
        store::NewMessage m = test::sample_message("C-" + std::to_string(i), body_for(i));
        auto r = (*s)->commit_sync(m);
        if (!r) _exit(4);
        std::string line = std::to_string(i) + "\n";
        if (::write(fd, line.data(), line.size()) < 0) _exit(5);
      }
    });
  for (auto& t : ts) t.join();
  _exit(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_acknowledged_commit_survives_sigkill) {
  int iterations = std::getenv("SLUIS_CRASH_ITERATIONS") ? std::atoi(std::getenv("SLUIS_CRASH_ITERATIONS")) : 50;
  fs::path dir = fs::temp_directory_path() / ("sluis-crash-" + core::random_hex(6));
  fs::create_directories(dir);
  std::string path = (dir / "sluis.db").string();
  std::mt19937 rng(std::random_device{}());
  std::set<int> acked;
  int next = 0;
  for (int it = 0; it < iterations; ++it) {
    int p[2];
    BOOST_REQUIRE(::pipe(p) == 0);
    pid_t pid = ::fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(p[0]);
      child(path, p[1], next);
    }
    ::close(p[1]);
    // Let it commit a random number of messages (read its acks), then kill it.
    int want = std::uniform_int_distribution<int>(1, 60)(rng);
    std::string buf;
    int got = 0;
    char chunk[256];
    while (got < want) {
      ssize_t n = ::read(p[0], chunk, sizeof chunk);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      got = static_cast<int>(std::count(buf.begin(), buf.end(), '\n'));
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    // Acks written before the kill are still in the pipe.
    ssize_t n;
    while ((n = ::read(p[0], chunk, sizeof chunk)) > 0) buf.append(chunk, static_cast<std::size_t>(n));
    ::close(p[0]);
    BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status), "the writer ended by itself: status " << status);
    std::size_t pos = 0;
    while ((pos = buf.find('\n')) != std::string::npos) {
      int i = std::stoi(buf.substr(0, pos));
      acked.insert(i);
      next = std::max(next, i + 1);
      buf.erase(0, pos + 1);
    }
    next += 8;  // identifications never reused across runs

    // Reopen: every acknowledged commit is there, whole.
    auto s = store::open_sqlite(path);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    sqlite3* h = nullptr;
    sqlite3_open(path.c_str(), &h);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr);
    BOOST_REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    BOOST_TEST(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) == "ok");
    sqlite3_finalize(st);
    std::set<int> present;
    sqlite3_prepare_v2(h, "SELECT identificatie, body, sha256 FROM messages", -1, &st, nullptr);
    int broken = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string ident(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
      int i = std::stoi(ident.substr(2));
      std::string b(static_cast<const char*>(sqlite3_column_blob(st, 1)), static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
      if (b != body_for(i) || core::sha256_hex(b) != reinterpret_cast<const char*>(sqlite3_column_text(st, 2))) ++broken;
      present.insert(i);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    BOOST_TEST(broken == 0);
    int missing = 0;
    for (int i : acked) missing += present.count(i) ? 0 : 1;
    BOOST_TEST(missing == 0, "iteration " << it << ": " << missing << " acknowledged commits lost");
  }
  BOOST_TEST_MESSAGE(iterations << " kills, " << acked.size() << " acknowledged commits, none lost");
  fs::remove_all(dir);
}
