#include "gateway/store/sqlite_util.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>

namespace sluis::store::sqlite {

namespace {

// Which connections have a cache. Looked up once per statement; a short lock.
std::mutex registry_mu;
std::unordered_map<sqlite3*, StatementCache*>& registry() {
  static std::unordered_map<sqlite3*, StatementCache*> r;
  return r;
}

// Enough for every fixed statement of the store; SQL built per call (filters)
// beyond it is finalized instead of kept.
constexpr std::size_t kMaxIdle = 256;

}  // namespace

StatementCache::StatementCache(sqlite3* db) : db_(db) {
  std::lock_guard lock(registry_mu);
  registry()[db] = this;
}

StatementCache::~StatementCache() {
  {
    std::lock_guard lock(registry_mu);
    registry().erase(db_);
  }
  for (auto& [sql, st] : idle_) sqlite3_finalize(st);
}

StatementCache* StatementCache::of(sqlite3* db) {
  std::lock_guard lock(registry_mu);
  auto it = registry().find(db);
  return it == registry().end() ? nullptr : it->second;
}

sqlite3_stmt* StatementCache::take(const char* sql) {
  {
    std::lock_guard lock(mu_);
    auto it = idle_.find(std::string_view(sql));
    if (it != idle_.end()) {
      sqlite3_stmt* st = it->second;
      idle_.erase(it);
      return st;
    }
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) return nullptr;
  return st;
}

void StatementCache::give(sqlite3_stmt* st) {
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.emplace(sqlite3_sql(st), st);
      return;
    }
  }
  sqlite3_finalize(st);
}

core::Result<void> audit_row(sqlite3* db, const std::string& actor, long uid, const std::string& action,
                             const std::string& message_id, const std::string& detail) {
  Stmt s(db, "INSERT INTO audit (at, actor, uid, action, message_id, detail) VALUES (?, ?, ?, ?, ?, ?)");
  s.bind(1, now_utc()).bind(2, actor).bind(3, static_cast<std::int64_t>(uid)).bind(4, action);
  s.bind_null_if_empty(5, message_id).bind_null_if_empty(6, detail);
  if (s.step() != SQLITE_DONE) return db_error(db, "audit");
  return {};
}

core::Result<void> tune_connection(sqlite3* db) {
  int on = 0;
  if (sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, &on) != SQLITE_OK || on != 1)
    return db_error(db, "query planner stability guarantee");
  return {};
}

core::Result<bool> create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return core::make_error(core::Errc::store_sqlite, "cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return true;
}

}  // namespace sluis::store::sqlite
