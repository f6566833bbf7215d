// Power-cut test: a child process commits messages through the power-cut VFS
// (gateway/store/power_cut_vfs.hpp; the WAL-gathering shim above it, as in
// the daemon) and reports each commit that returned success on a pipe. At a
// random write, sync or truncation the VFS cuts the power: every change not
// yet synced is undone and a random part of it, sector by sector, done again;
// the child ends at once. The parent reopens the store and checks that every
// reported commit is present and intact and the integrity check passes.
// Repeated SLUIS_POWER_CUT_ITERATIONS times (default 24); the parent's seed is
// printed and can be fixed with SLUIS_POWER_CUT_SEED to replay a run.
//
// First, the model itself: a commit that was never synced is lost to a cut
// that keeps nothing, and one that was synced is not.
#define BOOST_TEST_MODULE store_power_cut
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "gateway/core/digest.hpp"
#include "gateway/store/power_cut_vfs.hpp"
#include "gateway/store/store.hpp"
#include "tests/crash/crash_support.hpp"

using namespace sluis;
using namespace sluis::test::crash;
using store::PowerCutVfs;
namespace fs = std::filesystem;

namespace {

int g_report_fd = -1;

// Writes "cut <files> <changes> <sectors> <kept>" on the report pipe.
void report_cut(const PowerCutVfs::Cut& c) {
  char line[128];
  int n = std::snprintf(line, sizeof line, "cut %llu %llu %llu %llu\n", static_cast<unsigned long long>(c.files),
                        static_cast<unsigned long long>(c.changes), static_cast<unsigned long long>(c.sectors),
                        static_cast<unsigned long long>(c.kept_sectors));
  if (g_report_fd >= 0 && n > 0) [[maybe_unused]] auto w = ::write(g_report_fd, line, static_cast<std::size_t>(n));
}

fs::path temp_dir(const std::string& what) {
  fs::path dir = fs::temp_directory_path() / ("sluis-" + what + "-" + core::random_hex(6));
  fs::create_directories(dir);
  return dir;
}

// Runs `child` in a forked process; returns its exit status and what it wrote to the pipe.
template <class F>
std::pair<int, std::string> in_child(F child) {
  int p[2];
  BOOST_REQUIRE(::pipe(p) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(p[0]);
    g_report_fd = p[1];
    child(p[1]);
    _exit(0);
  }
  ::close(p[1]);
  std::string out;
  char chunk[512];
  ssize_t n;
  while ((n = ::read(p[0], chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<std::size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {status, out};
}

bool cut_short(int status) {
  return WIFEXITED(status) && WEXITSTATUS(status) == PowerCutVfs::kExitCode;
}

// In a child: a WAL database through the power-cut VFS with `synchronous`,
// one committed row, then a cut that keeps nothing at the next change.
void commit_then_cut(const std::string& path, const char* synchronous) {
  PowerCutVfs::install();
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, PowerCutVfs::kName) != SQLITE_OK)
    _exit(3);
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + synchronous +
                      "; CREATE TABLE t(x); INSERT INTO t VALUES ('kept?');";
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) _exit(4);
  PowerCutVfs::arm(1, 1, 0.0, report_cut);
  sqlite3_exec(db, "INSERT INTO t VALUES ('after')", nullptr, nullptr, nullptr);
  _exit(5);  // the insert's write must have cut the power
}

int rows_after_cut(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  int rows = -1;  // no table
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    rows = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_unsynced_commit_is_lost_to_the_cut_a_synced_one_is_not) {
  fs::path dir = temp_dir("power-model");
  const std::string unsynced = (dir / "off.db").string(), synced = (dir / "full.db").string();
  auto [s1, out1] = in_child([&](int) { commit_then_cut(unsynced, "OFF"); });
  BOOST_REQUIRE_MESSAGE(cut_short(s1), "status " << s1);
  BOOST_TEST(out1.rfind("cut ", 0) == 0);
  // synchronous=OFF never syncs: the database file and the WAL are as empty as before.
  BOOST_TEST(rows_after_cut(unsynced) == -1);
  auto [s2, out2] = in_child([&](int) { commit_then_cut(synced, "FULL"); });
  BOOST_REQUIRE_MESSAGE(cut_short(s2), "status " << s2);
  BOOST_TEST(rows_after_cut(synced) == 1);  // the committed row, not the one cut short
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(every_acknowledged_commit_survives_a_power_cut) {
  const char* n_env = std::getenv("SLUIS_POWER_CUT_ITERATIONS");
  const int iterations = n_env ? std::atoi(n_env) : 24;
  const char* seed_env = std::getenv("SLUIS_POWER_CUT_SEED");
  const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : std::random_device{}();
  BOOST_TEST_MESSAGE("SLUIS_POWER_CUT_SEED=" << seed);
  std::mt19937_64 rng(seed);
  fs::path dir = temp_dir("power-cut");
  const std::string path = (dir / "sluis.db").string();
  std::set<int> acked;
  int next = 0;
  std::uint64_t lost_sectors = 0, kept_sectors = 0, cuts_in_flight = 0;
  for (int it = 0; it < iterations; ++it) {
    // Up to about 150 commits, so cuts land in commits, checkpoints and opens.
    const std::uint64_t nth = std::uniform_int_distribution<std::uint64_t>(1, 400)(rng);
    const double keep = std::array<double, 3>{0.0, 0.5, 1.0}[it % 3];
    const std::uint64_t cut_seed = rng();
    auto [status, out] = in_child([&](int fd) {
      PowerCutVfs::install();
      PowerCutVfs::arm(nth, cut_seed, keep, report_cut);
      store::SqliteOptions o;
      o.path = path;
      o.vfs = PowerCutVfs::kName;
      o.trust_clean_shutdown = true;  // the daemon's own open
      auto s = store::open_sqlite(o);
      if (!s) _exit(3);
      commit_forever(**s, fd, next);
    });
    BOOST_REQUIRE_MESSAGE(cut_short(status), "iteration " << it << ": the child ended with status " << status
                                                           << " before the cut (nth " << nth << ")");
    next = take_acks(out, acked, next) + 8;  // identifications never reused across runs
    unsigned long long files = 0, changes = 0, sectors = 0, kept = 0;
    BOOST_REQUIRE_MESSAGE(std::sscanf(out.c_str(), "cut %llu %llu %llu %llu", &files, &changes, &sectors, &kept) == 4,
                          "no cut report: " << out);
    lost_sectors += sectors - kept;
    kept_sectors += kept;
    cuts_in_flight += changes > 0 ? 1 : 0;

    StoreCheck c = check_store(path, acked);
    BOOST_REQUIRE_MESSAGE(c.opened, "iteration " << it << " (nth " << nth << ", keep " << keep << ", seed " << seed
                                                  << "): " << c.open_error);
    BOOST_TEST(c.integrity == "ok", "iteration " << it);
    BOOST_TEST(c.broken == 0, "iteration " << it);
    BOOST_TEST(c.missing == 0, "iteration " << it << " (nth " << nth << ", keep " << keep << ", seed " << seed
                                             << "): " << c.missing << " acknowledged commits lost");
  }
  // The cuts did lose unsynced writes (the test is not a SIGKILL in disguise).
  BOOST_TEST(lost_sectors > 0);
  BOOST_TEST_MESSAGE(iterations << " power cuts (" << cuts_in_flight << " with unsynced changes; " << lost_sectors
                                << " sectors lost, " << kept_sectors << " kept), " << acked.size()
                                << " acknowledged commits, none lost");
  fs::remove_all(dir);
}
