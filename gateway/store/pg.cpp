#include "gateway/store/pg.hpp"

#include <algorithm>
#include <charconv>
#include <type_traits>
#include <cstring>

namespace sluis::store::pg {

namespace {

// SQLSTATE classes and codes the store tells apart (PostgreSQL's appendix A).
bool retryable(std::string_view state) { return state == "40001" || state == "40P01"; }
bool unavailable(std::string_view state) {
  return state.starts_with("08") ||  // connection exception
         state == "57P01" ||         // admin_shutdown
         state == "57P02" ||         // crash_shutdown
         state == "57P03";           // cannot_connect_now (starting up, shutting down)
}

// The server's notices (NOTICE, WARNING: "relation ... already exists,
// skipping", "terminating connection due to administrator command") would go
// to stderr, past the daemon's log format and its masking. They are dropped:
// what matters reaches the store as an error of the statement or connection.
void quiet(PGconn* c) {
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
}

// libpq's messages end with a newline; a log line and an error text do not.
std::string trimmed(const char* s) {
  std::string t = s ? s : "";
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

}  // namespace

// ---- Params -------------------------------------------------------------------

Params& Params::text(std::string_view v) {
  // libpq reads text parameters up to their NUL: keep a terminated copy.
  storage_.emplace_back(v);
  values_.push_back(storage_.back().c_str());
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::i64(std::int64_t v) {
  storage_.push_back(std::to_string(v));
  values_.push_back(storage_.back().c_str());
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::null() {
  values_.push_back(nullptr);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::bytes(std::string_view v) {
  values_.push_back(v.data() ? v.data() : "");
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(1);
  return *this;
}

// ---- CopyRow --------------------------------------------------------------------

namespace {
// Network byte order, as COPY's binary format has every integer.
template <class T>
std::string big_endian(T v) {
  std::string out(sizeof(T), '\0');
  auto u = static_cast<std::make_unsigned_t<T>>(v);
  for (std::size_t i = 0; i < sizeof(T); ++i) out[sizeof(T) - 1 - i] = static_cast<char>((u >> (8 * i)) & 0xff);
  return out;
}
}  // namespace

CopyRow& CopyRow::text(std::string_view v) {
  storage_.emplace_back(v);
  fields_.push_back({false, storage_.back()});
  return *this;
}

CopyRow& CopyRow::i32(std::int32_t v) {
  storage_.push_back(big_endian(v));
  fields_.push_back({false, storage_.back()});
  return *this;
}

CopyRow& CopyRow::i64(std::int64_t v) {
  storage_.push_back(big_endian(v));
  fields_.push_back({false, storage_.back()});
  return *this;
}

CopyRow& CopyRow::bytes(std::string_view v) {
  fields_.push_back({false, v});
  return *this;
}

CopyRow& CopyRow::null() {
  fields_.push_back({true, {}});
  return *this;
}

// ---- Rows -----------------------------------------------------------------------

std::int64_t Rows::i64(int row, int col) const {
  if (null(row, col)) return 0;
  const std::string_view v = view(row, col);
  std::int64_t n = 0;
  std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

std::int64_t Rows::affected() const {
  if (!r_) return 0;
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::stoll(n) : 0;
}

// ---- describe -----------------------------------------------------------------

std::string describe(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    PQfreemem(err);
    return "postgresql (a connection string libpq cannot parse)";
  }
  std::string out = "postgresql (";
  bool first = true;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    const std::string_view k = o->keyword;
    if (!o->val || !*o->val) continue;
    if (k != "host" && k != "hostaddr" && k != "port" && k != "dbname" && k != "user") continue;
    if (!first) out += ' ';
    out += std::string(k) + "=" + o->val;
    first = false;
  }
  PQconninfoFree(opts);
  return out + (first ? "libpq's defaults)" : ")");
}

// ---- named ----------------------------------------------------------------------

core::Error named(core::Error e, std::string_view what) {
  e.text = std::string(what) + ": " + e.text;
  return e;
}

// ---- Connection -----------------------------------------------------------------

Connection::Connection(PGconn* c, std::string description)
    : conn_(c, &PQfinish), description_(std::move(description)) {}

core::Result<Connection> Connection::open(const std::string& conninfo) {
  std::string description = describe(conninfo);
  PGconn* c = PQconnectdb(conninfo.c_str());
  if (!c) return core::make_error(core::Errc::store_unavailable, description + ": out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    // libpq's reason names the socket or host, the user and what failed;
    // it never repeats a password.
    std::string reason = trimmed(PQerrorMessage(c));
    PQfinish(c);
    return core::make_error(core::Errc::store_unavailable, description + ": " + reason);
  }
  quiet(c);
  return Connection(c, std::move(description));
}

// libpq may still say CONNECTION_OK after a statement failed because the
// server went away (it notices at the next read); a statement that failed as
// unavailable marks the session broken until a reconnect succeeds.
bool Connection::lost() const { return broken_ || !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }

int Connection::backend_pid() const { return lost() ? 0 : PQbackendPID(conn_.get()); }

core::Error Connection::error_of(const PGresult* r, const std::string& what) const {
  const char* state_c = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_c ? state_c : "";
  // The primary message only: DETAIL may quote a row's values (a duplicate
  // key's), which may be personal data.
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string text = description_ + ": " + what + ": " +
                     (primary ? std::string(primary) : trimmed(PQerrorMessage(conn_.get())));
  if (!state.empty()) text += " (SQLSTATE " + state + ")";
  // No SQLSTATE: libpq's own failure, not the server's answer (it could not
  // send or read: the server closed the connection, or went away).
  if (lost() || state.empty() || unavailable(state)) {
    broken_ = true;
    return core::make_error(core::Errc::store_unavailable, text);
  }
  if (retryable(state)) return core::make_error(core::Errc::store_busy, text);
  if (state == "53100") return core::make_error(core::Errc::store_disk_full, text);
  return core::make_error(core::Errc::store_postgresql, text);
}

core::Result<Rows> Connection::exec(const std::string& sql, const Params& params, Format format) {
  if (lost()) return error_of(nullptr, "the connection is lost");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    Rows prepared(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) return error_of(prepared.get(), "prepare");
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  Rows rows(PQexecPrepared(conn_.get(), it->second.c_str(), params.size(), params.values(), params.lengths(),
                           params.formats(), static_cast<int>(format)));
  const PGresult* r = rows.get();
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error_of(r, "a statement failed");
  return rows;
}

core::Result<Rows> Connection::exec(const std::string& sql, const Params& params, std::string_view what,
                                    Format format) {
  auto rows = exec(sql, params, format);
  if (!rows) return named(rows.error(), what);
  return rows;
}

core::Result<void> Connection::run(const std::string& sql) {
  if (lost()) return error_of(nullptr, "the connection is lost");
  Rows rows(PQexec(conn_.get(), sql.c_str()));
  const PGresult* r = rows.get();
  const ExecStatusType status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return error_of(r, "a statement failed");
  return {};
}

core::Result<void> Connection::copy_row(const std::string& copy_sql, const CopyRow& row, std::string_view what) {
  constexpr std::size_t kPiece = 64 * 1024;
  if (lost()) return named(error_of(nullptr, "the connection is lost"), what);
  {
    Rows started(PQexec(conn_.get(), copy_sql.c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) return named(error_of(started.get(), "COPY"), what);
  }
  // The header (signature, flags, no extension), the field count, then each
  // field as its length (-1: NULL) and bytes; the trailer -1.
  std::string buffer("PGCOPY\n\377\r\n\0", 11);
  buffer += big_endian<std::int32_t>(0) + big_endian<std::int32_t>(0);
  buffer += big_endian(static_cast<std::int16_t>(row.fields().size()));
  bool sent = true;
  auto put = [&](std::string_view data) {
    while (sent && !data.empty()) {
      const std::size_t n = std::min(data.size(), kPiece);
      sent = PQputCopyData(conn_.get(), data.data(), static_cast<int>(n)) == 1;
      data.remove_prefix(n);
    }
  };
  for (const auto& f : row.fields()) {
    buffer += big_endian(f.null ? std::int32_t{-1} : static_cast<std::int32_t>(f.data.size()));
    if (f.null) continue;
    if (buffer.size() + f.data.size() <= kPiece) {
      buffer += f.data;
      continue;
    }
    put(buffer);
    buffer.clear();
    put(f.data);
  }
  buffer += big_endian(std::int16_t{-1});
  put(buffer);
  const bool ended = PQputCopyEnd(conn_.get(), sent ? nullptr : "sluis stopped sending the row") == 1;
  // Every result up to the end; the first failure is the answer.
  std::optional<core::Error> failed;
  while (PGresult* r = PQgetResult(conn_.get())) {
    Rows done(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed) failed = error_of(r, "COPY");
  }
  if (!failed && (!sent || !ended)) failed = error_of(nullptr, "COPY data could not be sent");
  if (failed) return named(*failed, what);
  return {};
}

core::Result<void> Connection::reconnect() {
  prepared_.clear();
  PQreset(conn_.get());
  quiet(conn_.get());
  broken_ = false;
  if (lost())
    return core::make_error(core::Errc::store_unavailable,
                            description_ + ": reconnecting failed: " + trimmed(PQerrorMessage(conn_.get())));
  return {};
}

// ---- transaction ----------------------------------------------------------------

core::Result<void> transaction(Connection& c, Isolation isolation,
                               const std::function<core::Result<void>(Connection&)>& work, int tries,
                               int* attempts) {
  static const char* const kBegin[] = {"BEGIN ISOLATION LEVEL READ COMMITTED",
                                       "BEGIN ISOLATION LEVEL REPEATABLE READ",
                                       "BEGIN ISOLATION LEVEL SERIALIZABLE"};
  for (int attempt = 1;; ++attempt) {
    if (attempts) *attempts = attempt;
    if (auto r = c.run(kBegin[static_cast<int>(isolation)]); !r) return r;
    auto done = work(c);
    if (done) done = c.run("COMMIT");
    if (done) return {};
    // A failed statement aborts the transaction; a failed COMMIT has already
    // ended it (ROLLBACK then only warns). On a lost connection there is
    // nothing to roll back.
    if (!c.lost()) (void)c.run("ROLLBACK");
    if (done.error().code != core::Errc::store_busy || attempt >= tries) return done;
    retries().inc();
  }
}

core::Metric& retries() {
  return core::counter("sluis_store_transaction_retries_total",
                       "PostgreSQL: transactions run again because the server could not serialise them with "
                       "concurrent ones (40001) or found a deadlock (40P01): what sharing the database costs.");
}

core::Result<void> serial_transaction(Connection& c, std::vector<std::string> keys,
                                      const std::function<core::Result<void>(Connection&)>& work, int tries,
                                      int* attempts) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  // Session locks, taken before the transaction begins: a SERIALIZABLE
  // transaction's snapshot is taken at its first statement, so a lock taken
  // inside it would be waited for on a snapshot from before the other
  // transaction's commit (and end in a serialization failure). One at a time
  // and in one order: two sessions locking common keys cannot each hold one
  // the other waits for. A lost session releases them with itself.
  std::size_t held = 0;
  auto release = [&] {
    for (std::size_t i = 0; i < held && !c.lost(); ++i)
      (void)c.exec("SELECT pg_advisory_unlock(hashtextextended($1, 0))", Params().text(keys[i]));
  };
  for (; held < keys.size(); ++held)
    if (auto r = c.exec("SELECT pg_advisory_lock(hashtextextended($1, 0))", Params().text(keys[held])); !r) {
      release();
      return r.error();
    }
  auto done = transaction(c, Isolation::serializable, work, tries, attempts);
  release();
  return done;
}

}  // namespace sluis::store::pg
