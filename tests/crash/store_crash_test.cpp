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
#include "tests/crash/crash_support.hpp"

using namespace sluis;
using namespace sluis::test::crash;
namespace fs = std::filesystem;

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
      auto s = store::open_sqlite(path);
      if (!s) _exit(3);
      commit_forever(**s, p[1], next);
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
    next = take_acks(buf, acked, next) + 8;  // identifications never reused across runs

    // Reopen: every acknowledged commit is there, whole.
    StoreCheck c = check_store(path, acked);
    BOOST_REQUIRE_MESSAGE(c.opened, c.open_error);
    BOOST_TEST(c.integrity == "ok");
    BOOST_TEST(c.broken == 0);
    BOOST_TEST(c.missing == 0, "iteration " << it << ": " << c.missing << " acknowledged commits lost");
  }
  BOOST_TEST_MESSAGE(iterations << " kills, " << acked.size() << " acknowledged commits, none lost");
  fs::remove_all(dir);
}
