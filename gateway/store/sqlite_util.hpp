// Internal to the SQLite engine: a thin RAII layer over the C API shared by
// the message store and the ledger tables. Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/result.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::sqlite {

// The mailbox's WHERE (kInMailbox), bad_law and now_utc are the engines'
// common words: sql_common.hpp.

// ---- thin RAII over the SQLite C API ---------------------------------------

inline core::Error db_error(sqlite3* db, const std::string& what) {
  int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string text = what + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
  if ((code & 0xff) == SQLITE_FULL) return core::make_error(core::Errc::store_disk_full, text);
  if ((code & 0xff) == SQLITE_BUSY) return core::make_error(core::Errc::store_busy, text);
  return core::make_error(core::Errc::store_sqlite, text);
}

// Prepared statements kept per connection, since SQLite keeps none itself
// and preparing costs more than running most of ours. A Stmt on a connection
// that has a cache takes an idle statement prepared earlier for the same SQL
// text and gives it back reset when it goes; the first use, a nested use of
// the same text and a connection without a cache prepare anew. The owner of
// a connection creates its cache after opening it and destroys it before
// closing it (the cache finalizes what it kept). Thread-safe.
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  // The cache of `db`, or nullptr.
  static StatementCache* of(sqlite3* db);
  // Where the statements of one SQL text wait between uses; it lives as long
  // as the cache.
  struct Slot {
    std::vector<sqlite3_stmt*> idle;
  };
  // A statement for `sql` (nullptr when it does not prepare), and the slot it
  // goes back to (nullptr: finalize it instead).
  sqlite3_stmt* take(const char* sql, Slot*& slot);
  // Back into its slot for the next take (reset and unbound by the caller).
  void give(Slot* slot, sqlite3_stmt* st);

 private:
  // Looked up by the SQL text as given, without copying it into a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_;
  std::mutex mu_;
  // One slot per SQL text, made on its first use: a statement taken and given
  // back costs a lookup and no allocation (the store runs some 26 per message).
  std::unordered_map<std::string, Slot, Hash, std::equal_to<>> slots_;
};

class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : cache_(StatementCache::of(db)) {
    if (cache_) st_ = cache_->take(sql, slot_);
    else if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
  }
  ~Stmt() {
    if (!st_) return;
    if (cache_) {
      sqlite3_reset(st_);
      sqlite3_clear_bindings(st_);
      cache_->give(slot_, st_);
    } else {
      sqlite3_finalize(st_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return st_ != nullptr; }
  // The index of a named parameter (":name"), 0 when the statement has none such.
  int param(const char* name) const { return sqlite3_bind_parameter_index(st_, name); }
  // Ready to run again with new bindings.
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // The bytes are not copied (SQLITE_STATIC): `v` must stay unchanged until
  // the statement is reset (reset(), or this Stmt's end), as a large message
  // body does in the function that binds and steps it.
  Stmt& bind_blob_static(int i, std::string_view v) {
    sqlite3_bind_blob(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  // A law as the store writes it: "iwmo", "ijw".
  Stmt& bind(int i, standard::Law l) { return bind(i, standard::to_string(l)); }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind_opt(int i, const std::optional<std::int64_t>& v) {
    if (v) bind(i, *v);
    else sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& bind_opt(int i, const std::optional<std::string>& v) {
    if (v) bind(i, std::string_view(*v));
    else sqlite3_bind_null(st_, i);
    return *this;
  }
  Stmt& bind_null_if_empty(int i, std::string_view v) {
    if (v.empty()) sqlite3_bind_null(st_, i);
    else bind(i, v);
    return *this;
  }
  int step() { return sqlite3_step(st_); }
  std::string text(int c) const {
    auto p = sqlite3_column_text(st_, c);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(st_, c))) : std::string();
  }
  std::string blob(int c) const {
    auto p = static_cast<const char*>(sqlite3_column_blob(st_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, c))) : std::string();
  }
  std::int64_t i64(int c) const { return sqlite3_column_int64(st_, c); }
  bool null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  std::optional<std::string> opt_text(int c) const { return null(c) ? std::nullopt : std::optional(text(c)); }
  std::optional<std::int64_t> opt_i64(int c) const { return null(c) ? std::nullopt : std::optional(i64(c)); }
  // The law in column c; nullopt when the text is not one the store writes
  // (law_column: a damaged store).
  std::optional<standard::Law> law(int c) const { return standard::parse_law(text(c)); }

 private:
  StatementCache* cache_;
  StatementCache::Slot* slot_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
};

// What every connection of the store sets before its first statement: the
// query planner's stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG), so that
// no plan depends on a value bound to it. Without it SQLite compares a bound
// parameter with a partial index's constant (the intake's `shadow = ?` with
// messages_unacked_mailbox's `shadow = 0`), and then expires the statement on
// every new binding: it was prepared again on every run (a fifth of the
// writer's time per message; docs/performance.md). Every partial index the
// reads rely on is named by literal terms (kInMailbox, ...), not parameters.
core::Result<void> tune_connection(sqlite3* db);

// A value for a statement built at run time (a filter's WHERE clause), bound
// in order by bind_all from parameter `first` on.
using Bind = std::variant<std::string, std::int64_t>;
inline void bind_all(Stmt& s, const std::vector<Bind>& binds, int first = 1) {
  int i = first;
  for (const auto& b : binds) {
    if (const auto* t = std::get_if<std::string>(&b))
      s.bind(i++, std::string_view(*t));
    else
      s.bind(i++, std::get<std::int64_t>(b));
  }
}

// A law column that holds no law ("iwmo", "ijw"): the store is damaged. An
// error, never a default law.
// Creates `path` empty with mode 0600 (O_EXCL) before SQLite opens it, so a
// store or a backup holding personal data is private to sluisd's user whatever
// the umask; SQLite gives its -wal and -shm files the database file's mode.
// Answers false when the file already exists (nothing created), an error when
// it cannot be created.
core::Result<bool> create_private_file(const std::string& path);

// One row of the append-only audit log (the at column: now, UTC).
core::Result<void> audit_row(sqlite3* db, const std::string& actor, long uid, const std::string& action,
                             const std::string& message_id, const std::string& detail);

// A blob (or text) column of one row, its bytes read straight into the string
// returned.
inline core::Result<std::string> read_blob(sqlite3* db, const char* table, const char* column, sqlite3_int64 rowid) {
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db, "main", table, column, rowid, 0, &blob) != SQLITE_OK) {
    auto e = db_error(db, "open blob");
    sqlite3_blob_close(blob);
    return e;
  }
  std::string out(static_cast<std::size_t>(sqlite3_blob_bytes(blob)), '\0');
  int rc = out.empty() ? SQLITE_OK : sqlite3_blob_read(blob, out.data(), static_cast<int>(out.size()), 0);
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) return db_error(db, "read blob");
  // in_place: a string would also make an Error (aggregate, C++20 paren-init).
  return core::Result<std::string>(boost::system::in_place_value, std::move(out));
}

// One statement without results (BEGIN, SAVEPOINT, COMMIT ...), through the
// connection's statement cache.
inline core::Result<void> run(sqlite3* db, const char* sql) {
  Stmt s(db, sql);
  if (!s.ok() || s.step() != SQLITE_DONE) return db_error(db, sql);
  return {};
}

// A script of statements (migrations, pragmas); prepared every time.
inline core::Result<void> exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string text = err ? err : "unknown error";
    sqlite3_free(err);
    return core::Error{core::Errc::store_sqlite, std::string(sql).substr(0, 40) + ": " + text};
  }
  return {};
}

}  // namespace sluis::store::sqlite
