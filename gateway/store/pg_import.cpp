// Moving a store from SQLite to PostgreSQL: pg_import.hpp says what and why.

#include "gateway/store/pg_import.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <optional>
#include <set>
#include <string_view>

#include "gateway/core/digest.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_schema.hpp"

namespace sluis::store {

namespace {

using pg::Connection;
using pg::Params;

// Every table, parents before children (the order pg_schema.cpp creates them).
constexpr const char* kTables[] = {"messages",          "message_bsn",       "audit",
                                   "meta",              "ledger_import",     "ledger_allocation",
                                   "ledger_care",       "ledger_request",    "ledger_declaration",
                                   "ledger_prestatie",  "ledger_orphan",     "ledger_contract_warning",
                                   "obligation",        "watch_case"};

// The identity columns, whose counters continue after the copied values.
constexpr std::pair<const char*, const char*> kIdentities[] = {
    {"messages", "seq"}, {"audit", "seq"}, {"obligation", "id"}, {"watch_case", "id"}};

core::Error failed(const std::string& what) {
  return core::make_error(core::Errc::store_postgresql, "store-import: " + what);
}

core::Error sqlite_failed(sqlite3* db, const std::string& what) {
  return core::make_error(core::Errc::store_sqlite, "store-import: " + what + ": " + sqlite3_errmsg(db));
}

// The order-independent checksum of a table's rows (pg_import.hpp).
struct Checksum {
  std::int64_t rows = 0;
  std::uint64_t sum = 0;
  // One row's values (nullopt: NULL), bytea columns already as their digest.
  void add(const std::vector<std::optional<std::string>>& values) {
    std::string rendered;
    for (const auto& v : values) {
      rendered += v ? *v : std::string("\x01N", 2);
      rendered += '\x1f';
    }
    sum += std::stoull(core::sha256_hex(rendered).substr(0, 16), nullptr, 16);
    ++rows;
  }
  std::string hex() const { return fmt::format("{:016x}", sum); }
};

struct Column {
  std::string name;
  bool bytes = false;  // bytea
};

// The PostgreSQL table's columns that the SQLite table also has, in the
// PostgreSQL order; an error when SQLite has one PostgreSQL lacks.
core::Result<std::vector<Column>> columns_of(Connection& c, sqlite3* db, const std::string& table) {
  auto rows = c.exec(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = $1 ORDER BY ordinal_position",
      Params().text(table), "columns of " + table);
  if (!rows) return rows.error();
  std::set<std::string> lite;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ("PRAGMA table_info(" + table + ")").c_str(), -1, &st, nullptr) != SQLITE_OK)
    return sqlite_failed(db, "columns of " + table);
  while (sqlite3_step(st) == SQLITE_ROW) lite.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
  sqlite3_finalize(st);
  if (lite.empty()) return failed("the SQLite store has no table " + table + " (not a sluis store, or too old)");
  std::vector<Column> out;
  for (int i = 0; i < rows->size(); ++i) {
    const std::string name = rows->text(i, 0);
    if (lite.erase(name)) out.push_back({name, rows->text(i, 1) == "bytea"});
  }
  if (!lite.empty())
    return failed("column " + table + "." + *lite.begin() + " of the SQLite store is not in the PostgreSQL schema");
  return out;
}

constexpr int kReadBackRows = 10000;

// One table: read from SQLite, inserted into PostgreSQL, both sides summed.
core::Result<TableCopy> copy_table(Connection& c, sqlite3* db, const std::string& table) {
  auto cols = columns_of(c, db, table);
  if (!cols) return cols.error();
  std::string select, insert_cols, values, read_back;
  for (std::size_t i = 0; i < cols->size(); ++i) {
    const auto& col = (*cols)[i];
    const std::string sep = i ? ", " : "";
    // SQLite keeps a large body in message_body (sqlite_schema.cpp).
    select += sep + (table == "messages" && col.name == "body"
                         ? "COALESCE((SELECT b.body FROM message_body b WHERE b.seq = messages.seq), messages.body)"
                         : col.name);
    insert_cols += sep + col.name;
    values += sep + "$" + std::to_string(i + 1);
    read_back += sep + (col.bytes ? "encode(sha256(" + col.name + "), 'hex')" : col.name);
  }
  const std::string insert = "INSERT INTO " + table + " (" + insert_cols + ") VALUES (" + values + ")";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, ("SELECT " + select + " FROM " + table).c_str(), -1, &st, nullptr) != SQLITE_OK)
    return sqlite_failed(db, "reading " + table);
  Checksum lite;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Params p;
    std::vector<std::optional<std::string>> rendered;
    for (std::size_t i = 0; i < cols->size(); ++i) {
      const int k = static_cast<int>(i);
      if (sqlite3_column_type(st, k) == SQLITE_NULL) {
        p.null();
        rendered.emplace_back();
      } else if ((*cols)[i].bytes) {
        const auto* b = static_cast<const char*>(sqlite3_column_blob(st, k));
        const std::string_view v(b ? b : "", static_cast<std::size_t>(sqlite3_column_bytes(st, k)));
        p.bytes(v);
        rendered.emplace_back(core::sha256_hex(v));
      } else {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, k));
        const std::string_view v(t, static_cast<std::size_t>(sqlite3_column_bytes(st, k)));
        p.text(v);
        rendered.emplace_back(std::string(v));
      }
    }
    if (auto r = c.exec(insert, p, "copying " + table); !r) {
      sqlite3_finalize(st);
      return r.error();
    }
    lite.add(rendered);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return sqlite_failed(db, "reading " + table);

  // Read back through a cursor, kReadBackRows at a time: a store of a
  // million messages is never one result in memory.
  if (auto d = c.run("DECLARE sluis_read_back NO SCROLL CURSOR FOR SELECT " + read_back + " FROM " + table); !d)
    return pg::named(d.error(), "reading back " + table);
  Checksum pg;
  for (;;) {
    auto back = c.exec("FETCH " + std::to_string(kReadBackRows) + " FROM sluis_read_back", {}, "reading back " + table);
    if (!back) return back.error();
    for (int r = 0; r < back->size(); ++r) {
      std::vector<std::optional<std::string>> rendered;
      for (int i = 0; i < static_cast<int>(cols->size()); ++i) rendered.push_back(back->text_or_null(r, i));
      pg.add(rendered);
    }
    if (back->size() < kReadBackRows) break;
  }
  if (auto d = c.run("CLOSE sluis_read_back"); !d) return pg::named(d.error(), "reading back " + table);
  if (pg.rows != lite.rows || pg.sum != lite.sum)
    return failed(fmt::format("{}: the copy differs from the store (SQLite {} rows, checksum {}; PostgreSQL {} rows, "
                              "checksum {}); nothing was copied",
                              table, lite.rows, lite.hex(), pg.rows, pg.hex()));
  return TableCopy{table, lite.rows, lite.hex()};
}

}  // namespace

core::Result<std::vector<TableCopy>> copy_sqlite_to_postgresql(
    const std::string& sqlite_path, const std::string& conninfo,
    const std::function<void(const std::string&, std::int64_t)>& progress) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(sqlite_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    auto e = sqlite_failed(db, "cannot open " + sqlite_path);
    sqlite3_close(db);
    return e;
  }
  struct Close {
    sqlite3* db;
    ~Close() {
      sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      sqlite3_close(db);
    }
  } close{db};
  // One snapshot of the whole store.
  if (sqlite3_exec(db, "BEGIN; SELECT count(*) FROM messages", nullptr, nullptr, nullptr) != SQLITE_OK)
    return sqlite_failed(db, sqlite_path + " is not a sluis store");
  auto c = Connection::open(conninfo);
  if (!c) return c.error();
  if (auto m = pg::migrate(*c); !m) return m.error();
  std::vector<TableCopy> out;
  auto done = pg::transaction(*c, pg::Isolation::serializable, [&](Connection& tx) -> core::Result<void> {
    out.clear();
    auto used = tx.exec(
        "SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM audit) + (SELECT count(*) FROM meta) + "
        "(SELECT count(*) FROM ledger_allocation)",
        {}, "checking the target is empty");
    if (!used) return used.error();
    if (used->i64(0, 0) != 0)
      return failed("the PostgreSQL database " + tx.description() +
                    " already holds a store (messages, audit, meta or ledger rows): the copy goes only into an "
                    "empty one");
    for (const char* table : kTables) {
      auto t = copy_table(tx, db, table);
      if (!t) return t.error();
      if (progress) progress(t->table, t->rows);
      out.push_back(std::move(*t));
    }
    for (const auto& [table, column] : kIdentities) {
      const std::string sql = fmt::format(
          "SELECT setval(pg_get_serial_sequence('{0}', '{1}'), max({1})) FROM {0} HAVING max({1}) IS NOT NULL", table,
          column);
      if (auto r = tx.exec(sql, {}, std::string("the counter of ") + table); !r) return r.error();
    }
    return {};
  });
  if (!done) return done.error();
  return out;
}

}  // namespace sluis::store
