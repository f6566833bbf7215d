// Internal to the PostgreSQL engine: a thin RAII layer over libpq, as
// sqlite_util.hpp is over SQLite's C API. Not part of the store's interface.
//
// - Statements are prepared once per connection (named "s1", "s2", ...) and
//   kept, keyed by their SQL text: PostgreSQL keeps them for the session, and
//   parsing and planning cost more than running most of ours. A reconnect
//   forgets them (they die with the session).
// - Parameters go as text, except bytes (bytea), which go as binary: no hex
//   encoding of a 25 MiB body on the way in. A query's results come as text,
//   or all binary when asked (Format::binary: a body's bytes as stored).
// - Errors become core::Error with the SQLSTATE in the text. A connection that
//   is lost, or a server that is shutting down or not accepting connections,
//   is Errc::store_unavailable; a serialization failure or a deadlock (the
//   transaction may be retried) is Errc::store_busy; a full disk
//   store_disk_full; the rest store_postgresql.
// - The connection string may hold a password: it never appears in an error
//   text or a log line. Errors name the server by host, port, database and
//   user (describe()).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/metrics.hpp"
#include "gateway/core/result.hpp"

namespace sluis::store::pg {

// A query's parameters ($1, $2, ... in the order added).
class Params {
 public:
  Params& text(std::string_view v);
  Params& i64(std::int64_t v);
  Params& i32(std::int32_t v) { return i64(v); }  // as text, like every number here
  Params& null();
  // bytea, sent as binary. The bytes are not copied: `v` must outlive the
  // query that takes these parameters.
  Params& bytes(std::string_view v);
  // Each optional: its value, or NULL.
  Params& text_or_null(const std::optional<std::string>& v) { return v ? text(*v) : null(); }
  Params& i64_or_null(const std::optional<std::int64_t>& v) { return v ? i64(*v) : null(); }
  // An empty text as NULL, as the SQLite engine's Stmt::bind_null_if_empty.
  Params& text_or_null_if_empty(std::string_view v) { return v.empty() ? null() : text(v); }

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::deque<std::string> storage_;  // text of numbers; a deque keeps addresses
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// One row for COPY ... FROM STDIN (FORMAT binary), field by field in the
// columns' binary forms: what Connection::copy_row sends in chunks, so that a
// large field (a 25 MiB body) never sits whole in libpq's output buffer, as
// it would in a statement's parameters. Bytes are not copied: `v` must
// outlive the copy_row that takes this row.
class CopyRow {
 public:
  CopyRow& text(std::string_view v);   // text
  CopyRow& i32(std::int32_t v);        // integer
  CopyRow& i64(std::int64_t v);        // bigint
  CopyRow& bytes(std::string_view v);  // bytea
  CopyRow& null();
  CopyRow& text_or_null_if_empty(std::string_view v) { return v.empty() ? null() : text(v); }

  struct Field {
    bool null = false;
    std::string_view data;
  };
  const std::vector<Field>& fields() const { return fields_; }

 private:
  std::deque<std::string> storage_;  // the numbers' bytes and the texts; a deque keeps addresses
  std::vector<Field> fields_;
};

// A statement built at run time (filters that come and go): its text and
// its parameters, numbered in the order they are added. Each adder returns
// the placeholder ("$n") to write into the text.
struct Query {
  std::string sql;
  Params params;
  int n = 0;
  std::string text(std::string_view v) {
    params.text(v);
    return "$" + std::to_string(++n);
  }
  std::string i64(std::int64_t v) {
    params.i64(v);
    return "$" + std::to_string(++n);
  }
  // A LIMIT's value: a negative one is no limit, as on SQLite (NULL here).
  std::string limit(std::int64_t v) {
    if (v < 0)
      params.null();
    else
      params.i64(v);
    return "$" + std::to_string(++n);
  }
};

enum class Format { text = 0, binary = 1 };

// A query's result: owns its PGresult. Rows and columns from 0.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool empty() const { return size() == 0; }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  // The value's bytes (text, or the binary representation under Format::binary).
  std::string_view view(int row, int col) const {
    return {PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
  }
  std::string text(int row, int col) const { return std::string(view(row, col)); }
  std::optional<std::string> text_or_null(int row, int col) const {
    if (null(row, col)) return std::nullopt;
    return text(row, col);
  }
  // An integer column in a text-format result (0 when NULL).
  std::int64_t i64(int row, int col) const;
  // How many rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;
  const PGresult* get() const { return r_.get(); }

 private:
  std::shared_ptr<PGresult> r_;
};

// One row of a Rows, read as sqlite::Stmt reads its current row (a NULL text
// is "", a NULL integer 0): the row type sql_common.hpp's and
// ledger_rows.hpp's readers take.
struct Row {
  const Rows& rows;
  int r;
  std::string text(int c) const { return rows.text(r, c); }
  std::optional<std::string> opt_text(int c) const { return rows.text_or_null(r, c); }
  std::int64_t i64(int c) const { return rows.i64(r, c); }
  std::optional<std::int64_t> opt_i64(int c) const {
    return rows.null(r, c) ? std::nullopt : std::optional<std::int64_t>(rows.i64(r, c));
  }
  bool null(int c) const { return rows.null(r, c); }
};

// Host, port, database and user of a connection string, never its password:
// "postgresql (host=/run/pg port=5432 dbname=sluis user=sluis)". A string
// libpq cannot parse is "postgresql (a connection string libpq cannot parse)".
std::string describe(const std::string& conninfo);

// `e` with `what` before its text ("insert message: postgresql (...): ..."),
// its code kept: the error says which of the store's statements failed, as
// the SQLite engine's db_error does.
core::Error named(core::Error e, std::string_view what);

// One connection (one session). Not thread-safe: one thread at a time.
class Connection {
 public:
  // Connects; the error names the server (describe()) and libpq's reason.
  static core::Result<Connection> open(const std::string& conninfo);
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  ~Connection() = default;

  // One statement with parameters, prepared on first use and kept.
  core::Result<Rows> exec(const std::string& sql, const Params& params = {}, Format format = Format::text);
  // The same, its error named by `what` (named()).
  core::Result<Rows> exec(const std::string& sql, const Params& params, std::string_view what,
                          Format format = Format::text);
  // One or more statements without parameters (schema scripts, BEGIN,
  // COMMIT, SET): the simple-query protocol.
  core::Result<void> run(const std::string& sql);
  // `copy_sql` ("COPY t (c1, ...) FROM STDIN (FORMAT binary)") with one row,
  // sent in pieces of at most 64 KiB; its error named by `what`.
  core::Result<void> copy_row(const std::string& copy_sql, const CopyRow& row, std::string_view what);
  // Connects again when the connection was lost (PQreset); prepared
  // statements are forgotten. An error when the server is still away.
  core::Result<void> reconnect();
  bool lost() const;
  // The server's process id for this session (pg_backend_pid), 0 if lost.
  int backend_pid() const;
  const std::string& description() const { return description_; }
  PGconn* get() const { return conn_.get(); }

 private:
  Connection(PGconn* c, std::string description);
  core::Error error_of(const PGresult* r, const std::string& what) const;
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_{nullptr, &PQfinish};
  std::string description_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL text -> statement name
  mutable bool broken_ = false;  // a statement failed as unavailable (lost())
};

enum class Isolation { read_committed, repeatable_read, serializable };

// Runs `work` in one transaction at `isolation` and commits it. When the
// transaction fails as PostgreSQL asks to retry it (a serialization failure or
// a deadlock, Errc::store_busy, at `work` or at COMMIT), it is rolled back and
// run again, at most `tries` times in all. Any other error rolls back and is
// returned. `work` must have no effect outside the database that a retry
// would repeat.
// `attempts`, when given, is set to how many times `work` ran.
// Each run again counts in sluis_store_transaction_retries_total (retries()).
core::Metric& retries();
core::Result<void> transaction(Connection& c, Isolation isolation,
                               const std::function<core::Result<void>(Connection&)>& work, int tries = 5,
                               int* attempts = nullptr);

// The writer model for several nodes (docs/store.md, "PostgreSQL"): `work`
// runs at SERIALIZABLE while the session holds an advisory lock on each of
// `keys` (sorted, each once; PostgreSQL's hashtextextended of the text), taken
// before the transaction begins and released after it ends. Transactions that name a common key (an allocation, a
// sender's Identificatie) wait for each other instead of failing; a conflict
// the keys do not name is still caught by SERIALIZABLE and the transaction
// retried, so the outcome always equals some serial order of the commits.
core::Result<void> serial_transaction(Connection& c, std::vector<std::string> keys,
                                      const std::function<core::Result<void>(Connection&)>& work, int tries = 10,
                                      int* attempts = nullptr);

}  // namespace sluis::store::pg
