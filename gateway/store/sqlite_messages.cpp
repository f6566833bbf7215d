#include "gateway/store/sqlite_messages.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/sqlite_obligations.hpp"

namespace sluis::store::sqlite {

core::Result<std::vector<StoredMessage>> mailbox(sqlite3* db, const MailboxQuery& q) {
  // The unacknowledged states and kInMailbox stand exactly as in the partial
  // index's WHERE (sqlite_schema.cpp, kMailboxSchema): SQLite uses a partial
  // index only when the query names each of its terms.
  std::string sql = std::string("SELECT ") + kColumns + " FROM messages WHERE receiver_partner = ? AND seq > ? AND " +
                    kInMailbox + " AND state IN (" + kUnacknowledgedStates +
                    (q.unacked_only ? "" : ",'acknowledged'") + ") ORDER BY seq LIMIT ?";
  Stmt s(db, sql.c_str());
  s.bind(1, q.partner).bind(2, q.after).bind(3, static_cast<std::int64_t>(q.limit));
  return all_rows(s, db, "mailbox");
}

core::Result<std::vector<StoredMessage>> all_rows(Stmt& s, sqlite3* db, const char* what) {
  std::vector<StoredMessage> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    auto m = read_row(s);
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  if (rc != SQLITE_DONE) return db_error(db, what);
  return out;
}

core::Result<std::optional<StoredMessage>> one_row(Stmt& s, sqlite3* db, const char* what) {
  int rc = s.step();
  if (rc == SQLITE_ROW) {
    auto m = read_row(s);
    if (!m) return m.error();
    return std::optional<StoredMessage>(std::move(*m));
  }
  if (rc == SQLITE_DONE) return std::optional<StoredMessage>();
  return db_error(db, what);
}

namespace {

// Bodies up to this size are stored in messages.body, larger ones in
// message_body (kBodySchema, sqlite_schema.cpp); the piece incremental blob I/O writes at a time.
constexpr std::size_t kInlineBody = 1u << 20;
constexpr std::size_t kBodyPiece = 1u << 20;

// A body larger than kInlineBody: a row of zeros of its size (a trailing
// zeroblob is not built in memory), then the bytes written over it in
// pieces, so SQLite never holds a second whole copy (kBodySchema).
core::Result<void> insert_large_body(sqlite3* db, sqlite3_int64 seq, std::string_view body) {
  Stmt z(db, "INSERT INTO message_body (seq, body) VALUES (?, zeroblob(?))");
  z.bind(1, static_cast<std::int64_t>(seq)).bind(2, static_cast<std::int64_t>(body.size()));
  if (z.step() != SQLITE_DONE) return db_error(db, "insert body");
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db, "main", "message_body", "body", seq, 1, &blob) != SQLITE_OK) {
    auto e = db_error(db, "open body");
    sqlite3_blob_close(blob);
    return e;
  }
  int rc = SQLITE_OK;
  for (std::size_t at = 0; at < body.size() && rc == SQLITE_OK; at += kBodyPiece) {
    const std::size_t n = std::min(kBodyPiece, body.size() - at);
    rc = sqlite3_blob_write(blob, body.data() + at, static_cast<int>(n), static_cast<int>(at));
  }
  if (rc != SQLITE_OK) {
    auto e = db_error(db, "write body");
    sqlite3_blob_close(blob);
    return e;
  }
  if (sqlite3_blob_close(blob) != SQLITE_OK) return db_error(db, "close body");
  return {};
}

// A large body written to message_body before its message's row
// (write_body_first): the row takes the seq the body was written under.
struct BodyWritten {
  sqlite3_int64 seq = 0;
  std::size_t size = 0;
};

core::Result<void> insert_row(sqlite3* db, const NewMessage& m, const std::optional<BodyWritten>& written = {}) {
  Stmt s(db,
         "INSERT INTO messages (id, law, type, berichtcode, release, sender_code, receiver_code, "
         "sender_partner, receiver_partner, identificatie, dagtekening, identificatie_retour, "
         "heen_id, "
         "body, sha256, size, received_at, state, findings, http_status, response, shadow, "
         "destination, "
         "delivery, hold_reason, declaratie_nummer, retourcodes, seq) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, m.id).bind(2, m.law).bind(3, static_cast<std::int64_t>(m.type));
  s.bind(4, static_cast<std::int64_t>(m.berichtcode)).bind(5, m.release).bind(6, m.sender_code);
  s.bind(7, m.receiver_code).bind(8, m.sender_partner).bind_null_if_empty(9, m.receiver_partner);
  s.bind(10, m.identificatie)
      .bind(11, m.dagtekening)
      .bind_null_if_empty(12, m.identificatie_retour);
  // The body without a copy of ours (SQLITE_STATIC: `m` outlives the
  // statement's run). SQLite builds the row in one buffer, body included;
  // a large body goes to message_body instead (insert_large_body).
  const bool large = written || m.body.size() > kInlineBody;
  s.bind_null_if_empty(13, m.heen_id)
      .bind_blob_static(14, large ? std::string_view("")
                                  : std::string_view(m.body));  // "": an empty blob, not NULL
  s.bind(15, m.sha256.empty() ? core::sha256_hex(m.body) : m.sha256);
  s.bind(16, static_cast<std::int64_t>(written ? written->size : m.body.size()))
      .bind(17, now_utc())
      .bind(18, to_string(m.state));
  s.bind(19, m.findings_json).bind(20, static_cast<std::int64_t>(m.http_status));
  s.bind_null_if_empty(21, m.response_json).bind(22, static_cast<std::int64_t>(m.shadow ? 1 : 0));
  s.bind_null_if_empty(23, m.destination)
      .bind_null_if_empty(24, m.delivery ? std::string(config::to_string(*m.delivery)) : std::string());
  s.bind_null_if_empty(25, m.state == State::held ? std::string(to_string(m.hold_reason)) : std::string());
  s.bind_null_if_empty(26, m.declaratie_nummer).bind_null_if_empty(27, m.retourcodes);
  // NULL: the next seq (AUTOINCREMENT).
  s.bind_opt(28, written ? std::optional<std::int64_t>(written->seq) : std::nullopt);
  if (s.step() != SQLITE_DONE) return db_error(db, "insert message");
  if (large && !written)
    if (auto r = insert_large_body(db, sqlite3_last_insert_rowid(db), m.body); !r) return r;
  for (const auto& h : m.bsn_hashes) {
    Stmt b(db, "INSERT OR IGNORE INTO message_bsn (message_id, bsn_hash) VALUES (?, ?)");
    b.bind(1, m.id).bind(2, h);
    if (b.step() != SQLITE_DONE) return db_error(db, "insert bsn hash");
  }
  return audit_row(db, "partner:" + m.sender_partner, -1, std::string(to_string(m.state)), m.id,
                   "");
}

// The writer connection's page cache while a large body's job runs: while
// its body is written, and while it is judged and its rows are made.
constexpr int kLargeBodyCacheKiB = 1024;
constexpr int kLargeJobCacheKiB = 4096;

// What a job with a large body (write_body_first) changes on the connection
// while it runs, set back when the job ends, whatever its outcome:
// - PRAGMA defer_foreign_keys, so the next job of the batch has its keys
//   checked at once again;
// - the page cache, lowered: the body's overflow pages, the rules' reads of
//   every allocation the declaration names and its ledger rows would
//   otherwise fill the whole cache (8 MiB) beside the model and the rules'
//   working set, for pages that job reads once. Dirty pages beyond it go to
//   the WAL early, as SQLite spills them; they are written there anyway.
//   While the body is written (every page of it new, none read again) to
//   kLargeBodyCacheKiB: the body's memory is still held then, beside the
//   model; the rules' lookups then have kLargeJobCacheKiB.
struct LargeJob {
  explicit LargeJob(sqlite3* d) : db(d) {}
  LargeJob(const LargeJob&) = delete;
  sqlite3* db;
  bool keys_deferred = false;
  std::optional<std::int64_t> cache_was;  // PRAGMA cache_size before it was first lowered
  core::Result<void> lower_cache(int kib) {
    if (!cache_was) {
      Stmt cache(db, "PRAGMA cache_size");
      if (cache.step() != SQLITE_ROW) return db_error(db, "cache size");
      cache_was = cache.i64(0);
    }
    const std::string lower = "PRAGMA cache_size = -" + std::to_string(kib);
    return run(db, lower.c_str());
  }
  ~LargeJob() {
    if (keys_deferred) run(db, "PRAGMA defer_foreign_keys = OFF");
    if (cache_was) run(db, ("PRAGMA cache_size = " + std::to_string(*cache_was)).c_str());
  }
};

// A large body to be judged is written before the judgement, under the seq
// its row will take, and its memory given back: the cross-message rules of a
// 24 MiB declaration then run without the body (its bytes are in SQLite's
// pages and the WAL, as they would be a moment later). The row follows the
// body within the job's savepoint, so the foreign key from message_body is
// deferred until then (a rollback of the job takes the body row with it).
// Only here, not on PostgreSQL, whose writer may run a job again and so
// keeps the body until the commit.
core::Result<std::optional<BodyWritten>> write_body_first(sqlite3* db, NewMessage& m, LargeJob& job) {
  if (!m.decide || m.body.size() <= kInlineBody) return std::optional<BodyWritten>();
  // What AUTOINCREMENT would give the row: one past the largest seq ever.
  Stmt next(db,
            "SELECT max(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0), "
            "COALESCE((SELECT max(seq) FROM messages), 0)) + 1");
  if (next.step() != SQLITE_ROW) return db_error(db, "next seq");
  BodyWritten w{next.i64(0), m.body.size()};
  if (auto r = run(db, "PRAGMA defer_foreign_keys = ON"); !r) return r.error();
  job.keys_deferred = true;
  if (auto r = job.lower_cache(kLargeBodyCacheKiB); !r) return r.error();
  if (auto r = insert_large_body(db, w.seq, m.body); !r) return r.error();
  std::string().swap(m.body);
  if (auto r = job.lower_cache(kLargeJobCacheKiB); !r) return r.error();
  return std::optional<BodyWritten>(w);
}

// The message's judgement against the ledger (none without a decider). A
// failed ledger read fails the job: nothing is decided on half an answer.
core::Result<Decision> decide(sqlite3* db, Ledger& ledger, NewMessage& m) {
  if (!m.decide) return Decision{};
  ledger.clear_failed();
  // The decider is the caller's code running on the writer thread: what it
  // throws fails this job alone (rolled back, told to its caller) instead
  // of ending the writer and with it every commit.
  auto d = [&]() -> core::Result<Decision> {
    try {
      return m.decide(ledger, m);
    } catch (const std::exception& e) {
      return core::make_error(core::Errc::store_decide_failed,
                              std::string("the judgement failed: ") + e.what());
    } catch (...) {
      return core::make_error(core::Errc::store_decide_failed,
                              "the judgement failed (not a std::exception)");
    }
  }();
  if (!d) return d.error();
  if (ledger.failed()) return db_error(db, "ledger read");
  // Judged: the decider and what it holds (the caller's verdict: the typed
  // model, the BSN hashes) are not needed for the rows that follow, which a
  // large declaration makes by the ten thousand; given back here rather than
  // when the job ends. Only on this engine: PostgreSQL's writer may run a job
  // again, and this one never does (a failed job is told, not rerun).
  m.decide = nullptr;
  return std::move(*d);
}

// What a decision makes of a message already in its row: the orphan keys it
// waits for, or its ledger changes and the messages composed for it; and
// the held orphans the allocations it brought release.
core::Result<void> apply_decision(sqlite3* db, Ledger& ledger, const NewMessage& m,
                                  Decision& decision, CommitOutcome& out) {
  if (!decision.orphans.empty()) {
    out.orphan = true;
    for (const auto& k : decision.orphans) {
      Stmt s(db,
             "INSERT OR IGNORE INTO ledger_orphan (law, gemeente, toewijzing_nummer, message_id) "
             "VALUES (?,?,?,?)");
      s.bind(1, k.law).bind(2, k.gemeente).bind(3, k.toewijzing_nummer).bind(4, m.id);
      if (s.step() != SQLITE_DONE) return db_error(db, "orphan insert");
    }
    return audit_row(db, "sluis", -1, "held", m.id, "waiting for an allocation (orphans = hold)");
  }
  if (auto r = ledger.apply(decision.changes); !r) return r;
  for (auto& p : decision.produced) {
    if (p.id.empty()) p.id = new_message_id();
    if (p.heen_id.empty()) p.heen_id = m.id;
    if (auto r = insert_row(db, p); !r) return r;
    out.produced_ids.push_back(p.id);
  }
  // The standard's deadlines, with the message (sqlite_obligations.cpp).
  if (auto r = apply_obligations(
          db, m, decision, core::format_date(core::dutch_date(std::chrono::system_clock::now())));
      !r)
    return r;
  out.late = decision.late;
  out.contract_warnings = decision.changes.contract_warnings;
  if (decision.changes.allocations.empty()) return {};
  Stmt s(db,
         "SELECT DISTINCT message_id FROM ledger_orphan WHERE law = ? AND gemeente = ? AND "
         "toewijzing_nummer = ?");
  for (const auto& a : decision.changes.allocations) {
    s.reset();
    s.bind(1, a.law).bind(2, a.gemeente).bind(3, a.toewijzing_nummer);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      std::string id = s.text(0);
      if (std::find(out.released.begin(), out.released.end(), id) == out.released.end())
        out.released.push_back(id);
    }
    if (rc != SQLITE_DONE) return db_error(db, "orphan lookup");
  }
  return {};
}

}  // namespace

core::Result<void> insert_message(sqlite3* db, Ledger& ledger, NewMessage& m, CommitOutcome& out) {
  if (m.sha256.empty()) m.sha256 = core::sha256_hex(m.body);
  const std::string& sha = m.sha256;
  // Both lookups below compare with messages of the same kind (shadow or
  // live: Store::commit) and, for a partner's retour, of the same answerer
  // (NewMessage::retour): parameters 5 to 8 of each.
  auto same_kind = [&m](Stmt& s, int first) {
    s.bind(first, static_cast<std::int64_t>(m.shadow ? 1 : 0));
    s.bind(first + 1, static_cast<std::int64_t>(m.retour ? 1 : 0));
    s.bind(first + 2, m.receiver_code).bind(first + 3, m.sender_partner);
  };
  // Idempotency: this very message (same sender, law, type, identification
  // and bytes) before? Then its stored outcome is the answer.
  static const std::string kSame =
      std::string("SELECT ") + kColumns +
      " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
      "identificatie = ? AND shadow = ? AND (? = 0 OR (receiver_code = ? AND "
      "sender_partner = ?)) AND sha256 = ? AND sender_partner != 'sluis' "
      "ORDER BY seq DESC LIMIT 1";
  Stmt same(db, kSame.c_str());
  same.bind(1, m.sender_code).bind(2, m.law).bind(3, static_cast<std::int64_t>(m.type));
  same.bind(4, m.identificatie);
  same_kind(same, 5);
  same.bind(9, sha);
  int rc = same.step();
  if (rc == SQLITE_ROW) {
    auto existing = read_row(same);
    if (!existing) return existing.error();
    out.existing = std::move(*existing);
    out.id = out.existing->id;
    out.replay = true;
    out.state = out.existing->state;
    out.http_status = out.existing->http_status;
    out.response_json = out.existing->response_json;
    return {};
  }
  if (rc != SQLITE_DONE) return db_error(db, "idempotency lookup");
  // Another body under an identification already accepted: TR056. A
  // rejected earlier message does not block the corrected resubmission.
  if (m.state != State::rejected) {
    static const std::string kAccepted =
        std::string("SELECT ") + kColumns +
        " FROM messages WHERE sender_code = ? AND law = ? AND type = ? AND "
        "identificatie = ? AND shadow = ? AND (? = 0 OR (receiver_code = ? AND "
        "sender_partner = ?)) AND state != 'rejected' AND "
        "sender_partner != 'sluis' ORDER BY seq DESC LIMIT 1";
    Stmt q(db, kAccepted.c_str());
    q.bind(1, m.sender_code)
        .bind(2, m.law)
        .bind(3, static_cast<std::int64_t>(m.type))
        .bind(4, m.identificatie);
    same_kind(q, 5);
    rc = q.step();
    if (rc == SQLITE_ROW) {
      auto conflict = read_row(q);
      if (!conflict) return conflict.error();
      out.conflict = std::move(*conflict);
      out.unstored = std::move(m);  // nothing of it was stored: back to the caller, body and all
      return {};
    }
    if (rc != SQLITE_DONE) return db_error(db, "identification lookup");
  }
  if (m.id.empty()) m.id = new_message_id();
  out.id = m.id;
  LargeJob job{db};
  auto written = write_body_first(db, m, job);
  if (!written) return written.error();
  auto decided = decide(db, ledger, m);
  if (!decided) return decided.error();
  Decision decision = std::move(*decided);
  if (auto r = insert_row(db, m, *written); !r) return r;
  if (auto r = apply_decision(db, ledger, m, decision, out); !r) return r;
  out.state = m.state;
  out.http_status = m.http_status;
  out.response_json = m.response_json;
  out.findings_json = m.findings_json;
  return {};
}

core::Result<void> redecide_message(sqlite3* db, Ledger& ledger, NewMessage& m,
                                    CommitOutcome& out) {
  out.id = m.id;
  Stmt q(db, (std::string("SELECT ") + kColumns + ", " + kBodyColumn +
              " FROM messages WHERE id = ? AND state = 'held' AND "
              "EXISTS (SELECT 1 FROM ledger_orphan WHERE message_id = ?)")
                 .c_str());
  q.bind(1, m.id).bind(2, m.id);
  int rc = q.step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) return db_error(db, "orphan check");
    out.state = State::received;  // not (any longer) a held orphan: nothing done
    return {};
  }
  auto read = read_row(q);
  if (!read) return read.error();
  StoredMessage row = std::move(*read);
  take_stored(m, row);
  m.body = q.blob(kColumnCount);
  Stmt h(db, "SELECT bsn_hash FROM message_bsn WHERE message_id = ?");
  h.bind(1, m.id);
  while ((rc = h.step()) == SQLITE_ROW) m.bsn_hashes.push_back(h.text(0));
  if (rc != SQLITE_DONE) return db_error(db, "orphan hashes");
  Stmt forget(db, "DELETE FROM ledger_orphan WHERE message_id = ?");
  forget.bind(1, m.id);
  if (forget.step() != SQLITE_DONE) return db_error(db, "orphan delete");
  auto decided = decide(db, ledger, m);
  if (!decided) return decided.error();
  Decision decision = std::move(*decided);
  Stmt u(
      db,
      "UPDATE messages SET state = ?, findings = ?, http_status = ?, response = ?, hold_reason = ? "
      "WHERE id = ?");
  u.bind(1, to_string(m.state))
      .bind(2, m.findings_json)
      .bind(3, static_cast<std::int64_t>(m.http_status));
  u.bind(4, m.response_json)
      .bind_null_if_empty(5, m.state == State::held ? std::string(to_string(m.hold_reason)) : std::string());
  u.bind(6, m.id);
  if (u.step() != SQLITE_DONE) return db_error(db, "redecide update");
  if (auto r = apply_decision(db, ledger, m, decision, out); !r) return r;
  if (decision.orphans.empty())
    if (auto r = audit_row(db, "sluis", -1, "released", m.id, std::string(to_string(m.state))); !r)
      return r;
  out.state = m.state;
  out.http_status = m.http_status;
  out.response_json = m.response_json;
  out.findings_json = m.findings_json;
  return {};
}

}  // namespace sluis::store::sqlite
