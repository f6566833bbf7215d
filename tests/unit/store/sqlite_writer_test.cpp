// The store writer's checkpoints (gateway/store/sqlite_writer.cpp,
// "Checkpoints"): the WAL is copied into the database after the batch that
// filled it was answered, never inside its COMMIT, and only once the WAL
// holds 1 000 frames; a connection the writer leaves gets SQLite's own
// automatic checkpoint back.
#define BOOST_TEST_MODULE store_sqlite_writer
#include <sqlite3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/core/metrics.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/sqlite_writer.hpp"

using namespace sluis;
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMiB = 1024 * 1024;

std::int64_t checkpoints() {
  return core::histogram("sluis_store_checkpoint_duration_seconds", "").count();
}

struct Store {
  Store() {
    dir = fs::temp_directory_path() / ("sluis-writer-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = (dir / "w.db").string();
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    for (const char* sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
                            "CREATE TABLE t (x BLOB)"})
      BOOST_REQUIRE(store::sqlite::exec(db, sql));
  }
  ~Store() {
    sqlite3_close(db);
    fs::remove_all(dir);
  }
  std::uintmax_t db_size() const { return fs::file_size(path); }
  fs::path dir;
  std::string path;
  sqlite3* db = nullptr;
};

// Runs `sql` as one writer job and waits for its result; `at_done` runs
// where the job's caller hears it (on the writer thread).
void write(store::sqlite::Writer& w, const std::string& sql, const std::function<void()>& at_done = {}) {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<bool> ok;
  w.enqueue([sql](sqlite3* db) { return store::sqlite::exec(db, sql.c_str()); },
            [&](core::Result<void> r) {
              if (at_done) at_done();
              std::lock_guard lock(mu);
              ok = static_cast<bool>(r);
              cv.notify_one();
            });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return ok.has_value(); });
  BOOST_REQUIRE(*ok);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_checkpoint_runs_after_the_batch_was_answered) {
  Store s;
  store::sqlite::Writer w(s.db, s.path, 64);
  const auto before = checkpoints();
  const auto empty = s.db_size();
  // 6 MiB: about 1 500 WAL frames of 4 KiB, past the 1 000 that make a checkpoint due.
  std::uintmax_t size_at_done = 0;
  std::int64_t checkpoints_at_done = -1;
  write(w, "INSERT INTO t VALUES (randomblob(6291456))", [&] {
    size_at_done = s.db_size();
    checkpoints_at_done = checkpoints();
  });
  // Its caller heard it while the pages were in the WAL alone.
  BOOST_TEST(checkpoints_at_done == before);
  BOOST_TEST(size_at_done < kMiB);
  // The next batch runs after the checkpoint: by its answer the pages are in the database.
  write(w, "INSERT INTO t VALUES (1)");
  BOOST_TEST(checkpoints() == before + 1);
  BOOST_TEST(s.db_size() > 6 * kMiB);
  BOOST_TEST(empty < kMiB);
}

BOOST_AUTO_TEST_CASE(a_short_wal_is_left_alone) {
  Store s;
  store::sqlite::Writer w(s.db, s.path, 64);
  const auto before = checkpoints();
  const auto size = s.db_size();
  for (int i = 0; i < 20; ++i) write(w, "INSERT INTO t VALUES (randomblob(8000))");  // ~60 frames
  BOOST_TEST(checkpoints() == before);
  BOOST_TEST(s.db_size() == size);
}

BOOST_AUTO_TEST_CASE(a_connection_the_writer_leaves_checkpoints_by_itself_again) {
  Store s;
  { store::sqlite::Writer w(s.db, s.path, 64); }
  BOOST_REQUIRE(store::sqlite::exec(s.db, "INSERT INTO t VALUES (randomblob(6291456))"));
  BOOST_TEST(s.db_size() > 6 * kMiB);  // SQLite's automatic checkpoint, inside that commit
}
