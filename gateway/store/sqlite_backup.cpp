#include "gateway/store/sqlite_backup.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

namespace {

using sqlite::create_private_file;
using sqlite::db_error;

struct Conn {
  sqlite3* db = nullptr;
  ~Conn() { sqlite3_close_v2(db); }
};

// Removes the target and what SQLite may have left next to it.
void remove_copy(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"})
    std::filesystem::remove(path + suffix, ec);
}

// The first column of a pragma's first row, as text.
core::Result<std::string> pragma_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) return db_error(db, sql);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(s, sqlite3_finalize);
  if (sqlite3_step(s) != SQLITE_ROW) return db_error(db, sql);
  const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  return core::Result<std::string>(boost::system::in_place_value, t ? t : "");
}

core::Result<BackupResult> copy(const BackupRequest& r) {
  Conn src, dst;
  if (sqlite3_open_v2(r.source.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return db_error(src.db, "cannot open " + r.source + " for the backup");
  sqlite3_busy_timeout(src.db, 5000);
  // A fresh file only, created 0600 with O_EXCL before SQLite opens it.
  auto made = create_private_file(r.target);
  if (!made) return made.error();
  if (!*made) return core::make_error(core::Errc::store_backup_exists, r.target + " exists; name a new file");
  if (sqlite3_open_v2(r.target.c_str(), &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK)
    return db_error(dst.db, "cannot create " + r.target);
  if (sqlite3_exec(dst.db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK)
    return db_error(dst.db, "backup target");
  // One read transaction for the whole copy: a snapshot of the WAL database
  // that commits made meanwhile do not change (without it every commit
  // between two steps would restart the copy, and under steady traffic it
  // would never end).
  if (sqlite3_exec(src.db, "BEGIN; SELECT count(*) FROM sqlite_master", nullptr, nullptr,
                   nullptr) != SQLITE_OK)
    return db_error(src.db, "backup read transaction");
  sqlite3_backup* b = sqlite3_backup_init(dst.db, "main", src.db, "main");
  if (!b) return db_error(dst.db, "backup");
  const int per_step = r.pages_per_step > 0 ? r.pages_per_step : 256;
  int rc;
  bool stopped = false;
  for (;;) {
    rc = sqlite3_backup_step(b, per_step);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
      sqlite3_sleep(5);  // SQLite's own busy wait; the source is read-only here
      continue;
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) break;
    const std::int64_t total = sqlite3_backup_pagecount(b);
    const std::int64_t done = total - sqlite3_backup_remaining(b);
    if (r.step && !r.step(done, total)) {
      stopped = true;
      break;
    }
    if (rc == SQLITE_DONE) break;
  }
  const std::int64_t pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  sqlite3_exec(src.db, "COMMIT", nullptr, nullptr, nullptr);
  if (stopped) return core::make_error(kBackupCancelled, "backup cancelled");
  if (rc != SQLITE_DONE) return db_error(dst.db, "backup to " + r.target);
  // The copy is one self-contained file: opening it later must not need (or
  // leave) a -wal and -shm next to it.
  if (sqlite3_exec(dst.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return db_error(dst.db, "backup journal mode");
  BackupResult out;
  out.pages = pages;
  std::error_code ec;
  out.bytes = static_cast<std::int64_t>(std::filesystem::file_size(r.target, ec));
  return out;
}

}  // namespace

core::Result<void> check_copy(const std::string& path) {
  Conn c;
  if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return db_error(c.db, "the copy " + path + " does not open");
  auto check = pragma_text(c.db, "PRAGMA quick_check");
  if (!check) return check.error();
  if (*check != "ok")
    return core::make_error(core::Errc::store_backup_corrupt,
                            "the copy fails quick_check: " + *check);
  auto version = pragma_text(c.db, "PRAGMA user_version");
  if (!version) return version.error();
  if (*version != std::to_string(kSchemaVersion))
    return core::make_error(
        core::Errc::store_backup_corrupt,
        "the copy has schema version " + *version + ", expected " + std::to_string(kSchemaVersion));
  return {};
}

core::Result<void> check_store(const std::string& path, const std::atomic<bool>& stop) {
  Conn c;
  if (sqlite3_open_v2(path.c_str(), &c.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return db_error(c.db, "the store " + path + " does not open for its check");
  sqlite3_progress_handler(
      c.db, 1000, [](void* flag) { return static_cast<const std::atomic<bool>*>(flag)->load() ? 1 : 0; },
      const_cast<std::atomic<bool>*>(&stop));
  auto check = pragma_text(c.db, "PRAGMA quick_check");
  if (stop.load()) return core::make_error(kBackupCancelled, "the integrity check of " + path + " was stopped");
  if (!check) return check.error();
  if (*check != "ok")
    return core::make_error(core::Errc::store_corrupt, path + " fails quick_check: " + check->substr(0, 200));
  return {};
}

core::Result<BackupResult> backup_sqlite(const BackupRequest& r) {
  auto out = copy(r);
  if (out) {
    if (auto ok = check_copy(r.target); !ok) out = ok.error();
  }
  // Nothing partial stays at the target: not after an error, a cancel or a
  // failed check. (A target that existed before was refused untouched.)
  if (!out && out.error().code != core::Errc::store_backup_exists) remove_copy(r.target);
  return out;
}

}  // namespace sluis::store
