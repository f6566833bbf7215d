#include "gateway/store/sqlite_util.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <unordered_map>

namespace sluis::store::sqlite {

namespace {

// Which connections have a cache, under a lock; every Stmt asks, so each
// thread remembers its last answer for as long as no cache was made or
// destroyed since (the generation).
std::mutex registry_mu;
std::unordered_map<sqlite3*, StatementCache*>& registry() {
  static std::unordered_map<sqlite3*, StatementCache*> r;
  return r;
}
std::atomic<std::uint64_t> registry_generation{1};
struct LastLookup {
  std::uint64_t generation = 0;
  sqlite3* db = nullptr;
  StatementCache* cache = nullptr;
};
thread_local LastLookup last_lookup;

// Enough for every fixed statement of the store; SQL built per call (filters)
// beyond it is finalized instead of kept.
constexpr std::size_t kMaxSlots = 256;
// Statements of one text kept idle: more are open at once only when a read
// runs inside another of the same text.
constexpr std::size_t kMaxIdlePerSlot = 4;

}  // namespace

StatementCache::StatementCache(sqlite3* db) : db_(db) {
  std::lock_guard lock(registry_mu);
  registry()[db] = this;
  registry_generation.fetch_add(1, std::memory_order_release);
}

StatementCache::~StatementCache() {
  {
    std::lock_guard lock(registry_mu);
    registry().erase(db_);
    registry_generation.fetch_add(1, std::memory_order_release);
  }
  for (auto& [sql, slot] : slots_)
    for (sqlite3_stmt* st : slot.idle) sqlite3_finalize(st);
}

StatementCache* StatementCache::of(sqlite3* db) {
  auto& last = last_lookup;
  const auto generation = registry_generation.load(std::memory_order_acquire);
  if (last.generation == generation && last.db == db) return last.cache;
  std::lock_guard lock(registry_mu);
  auto it = registry().find(db);
  StatementCache* cache = it == registry().end() ? nullptr : it->second;
  // Read again under the lock: a registration after the first read makes
  // this answer one to keep for no generation.
  last = {registry_generation.load(std::memory_order_relaxed), db, cache};
  return cache;
}

sqlite3_stmt* StatementCache::take(const char* sql, Slot*& slot) {
  slot = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(std::string_view(sql));
    if (it == slots_.end() && slots_.size() < kMaxSlots) it = slots_.emplace(sql, Slot{}).first;
    if (it != slots_.end()) {
      slot = &it->second;
      if (!slot->idle.empty()) {
        sqlite3_stmt* st = slot->idle.back();
        slot->idle.pop_back();
        return st;
      }
    }
  }
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) return nullptr;
  return st;
}

void StatementCache::give(Slot* slot, sqlite3_stmt* st) {
  if (slot) {
    std::lock_guard lock(mu_);
    if (slot->idle.size() < kMaxIdlePerSlot) {
      slot->idle.push_back(st);
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
