// Internal to the PostgreSQL engine: the messages table's rows and the writes
// of a message's judgement, as sqlite_messages.cpp is for SQLite, statement
// for statement.
#include "gateway/store/pg_messages.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/sql_common.hpp"

namespace sluis::store::pg {

// Where the same SQL could answer differently on the two engines:
// - Two of SQLite's reads answer in the order of the primary key they scan
//   (both tables are WITHOUT ROWID): a message's BSN hashes by bsn_hash, the
//   orphans an allocation releases by message_id. Written out here, in byte
//   order (COLLATE "C").
// - The body: SQLite keeps a large one in message_body, written in pieces;
//   here every body is messages.body, sent as one binary parameter (no copy,
//   no hex) and read back in binary.
// - A failed statement aborts the caller's transaction where SQLite's job
//   rolls back its savepoint: the job fails either way, and the caller rolls
//   back.

core::Result<std::vector<StoredMessage>> all_rows(const Rows& rows) {
  std::vector<StoredMessage> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    auto m = read_message(Row{rows, r});
    if (!m) return m.error();
    out.push_back(std::move(*m));
  }
  return out;
}

core::Result<std::optional<StoredMessage>> one_row(const Rows& rows) {
  if (rows.empty()) return std::optional<StoredMessage>();
  auto m = read_message(Row{rows, 0});
  if (!m) return m.error();
  return std::optional<StoredMessage>(std::move(*m));
}

core::Result<std::vector<StoredMessage>> all_rows(const core::Result<Rows>& rows, const char* what) {
  if (!rows) return named(rows.error(), what);
  return all_rows(*rows);
}

core::Result<std::optional<StoredMessage>> one_row(const core::Result<Rows>& rows, const char* what) {
  if (!rows) return named(rows.error(), what);
  return one_row(*rows);
}

core::Result<std::vector<StoredMessage>> mailbox(Connection& c, const MailboxQuery& q) {
  // The terms of the partial index messages_unacked_mailbox, as sqlite::mailbox.
  const std::string sql = std::string("SELECT ") + kColumns +
                          " FROM messages WHERE receiver_partner = $1 AND seq > $2 AND " + kInMailbox +
                          " AND state IN (" + kUnacknowledgedStates +
                          (q.unacked_only ? "" : ",'acknowledged'") + ") ORDER BY seq LIMIT $3::bigint";
  Params p;
  p.text(q.partner).i64(q.after);
  // LIMIT NULL is PostgreSQL's "no limit"; a negative one is an error there.
  p.i64_or_null(q.limit < 0 ? std::nullopt : std::optional<std::int64_t>(q.limit));
  return all_rows(c.exec(sql, p), "mailbox");
}

core::Result<std::optional<std::string>> read_body(Connection& c, std::int64_t seq) {
  // Binary results: the bytes as stored (a number as its text, cast).
  auto first = c.exec(
      "SELECT octet_length(body)::text, CASE WHEN octet_length(body) <= $2 THEN body END FROM messages WHERE seq = $1",
      Params().i64(seq).i64(kBodyPiece), "read body", Format::binary);
  if (!first) return first.error();
  if (first->empty()) return std::optional<std::string>();
  const std::int64_t size = std::stoll(first->text(0, 0));
  if (!first->null(0, 1)) return std::optional<std::string>(first->text(0, 1));
  std::string body;
  body.reserve(static_cast<std::size_t>(size));
  for (std::int64_t from = 0; from < size; from += kBodyPiece) {
    const std::int64_t want = std::min(kBodyPiece, size - from);
    auto piece = c.exec("SELECT substring(body FROM $2 FOR $3) FROM messages WHERE seq = $1",
                        Params().i64(seq).i64(from + 1).i64(want), "read body", Format::binary);
    if (!piece) return piece.error();
    if (piece->empty() || piece->null(0, 0) || static_cast<std::int64_t>(piece->view(0, 0).size()) != want)
      return core::make_error(core::Errc::store_busy, "read body: the body changed while it was read");
    body += piece->view(0, 0);
  }
  return std::optional<std::string>(std::move(body));
}

namespace {

// A message row's columns, in the order message_fields gives their values.
constexpr const char* kMessageColumns =
    "id, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, receiver_partner, "
    "identificatie, dagtekening, identificatie_retour, heen_id, body, sha256, size, received_at, state, findings, "
    "http_status, response, shadow, destination, delivery, hold_reason, declaratie_nummer, retourcodes";

// The values of kMessageColumns into `p`: Params (an INSERT's parameters) or
// CopyRow (COPY's binary row; integer columns as i32). The body is not copied.
template <class P>
void message_fields(P& p, const NewMessage& m) {
  p.text(m.id).text(standard::to_string(m.law)).i32(m.type).i32(m.berichtcode).text(m.release);
  p.text(m.sender_code).text(m.receiver_code).text(m.sender_partner);
  p.text_or_null_if_empty(m.receiver_partner).text(m.identificatie).text(m.dagtekening);
  p.text_or_null_if_empty(m.identificatie_retour);
  p.text_or_null_if_empty(m.heen_id);
  p.bytes(m.body);  // `m` outlives the statement ("" is an empty bytea, not NULL)
  p.text(m.sha256.empty() ? core::sha256_hex(m.body) : m.sha256);
  p.i64(static_cast<std::int64_t>(m.body.size())).text(now_utc()).text(to_string(m.state));
  p.text(m.findings_json).i32(m.http_status);
  p.text_or_null_if_empty(m.response_json).i32(m.shadow ? 1 : 0);
  p.text_or_null_if_empty(m.destination);
  p.text_or_null_if_empty(m.delivery ? std::string(config::to_string(*m.delivery)) : std::string());
  p.text_or_null_if_empty(m.state == State::held ? std::string(to_string(m.hold_reason)) : std::string());
  p.text_or_null_if_empty(m.declaratie_nummer);
  p.text_or_null_if_empty(m.retourcodes);
}

// From this size a body goes by COPY in pieces, not as a parameter: libpq
// would hold a parameter whole in its output buffer (which it grows by
// doubling and keeps for the connection's life), some 32 MiB more at the
// peak for a 25 MiB body. Below it one prepared INSERT is one round trip.
constexpr std::size_t kStreamedBody = 1 << 20;

core::Result<void> insert_row(Connection& c, const NewMessage& m) {
  static const std::string kInsert = std::string("INSERT INTO messages (") + kMessageColumns +
                                     ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,"
                                     "$20,$21,$22,$23,$24,$25,$26,$27)";
  static const std::string kCopy = std::string("COPY messages (") + kMessageColumns + ") FROM STDIN (FORMAT binary)";
  // Message numbers commit in their order: several nodes take numbers from
  // one sequence, and a smaller number committed after a larger one would be
  // skipped by a reader paging `seq > cursor` (a mailbox, a partner's list)
  // that had already read the larger. So a transaction takes its numbers
  // under one lock held until it ends (docs/store.md, "PostgreSQL"): the write
  // tails of message jobs run one at a time; judging them does not.
  if (auto r = c.exec("SELECT pg_advisory_xact_lock(hashtextextended('sluis:messages.seq', 2))", {},
                      "the message number lock");
      !r)
    return r.error();
  if (m.body.size() >= kStreamedBody) {
    CopyRow row;
    message_fields(row, m);
    if (auto r = c.copy_row(kCopy, row, "insert message (body by COPY)"); !r) return r.error();
  } else {
    Params p;
    message_fields(p, m);
    if (auto r = c.exec(kInsert, p, "insert message"); !r) return r.error();
  }
  for (const auto& h : m.bsn_hashes) {
    auto r = c.exec("INSERT INTO message_bsn (message_id, bsn_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    Params().text(m.id).text(h), "insert bsn hash");
    if (!r) return r.error();
  }
  return audit_row(c, "partner:" + m.sender_partner, -1, std::string(to_string(m.state)), m.id, "");
}

// pg::Ledger remembers that a read failed, not why. A read the server refused
// has aborted the transaction: at SERIALIZABLE mostly a serialization failure,
// so it is reported as one (store.busy: serial_transaction runs the job
// again). libpq's message is not repeated: its DETAIL may quote a row's
// values. Otherwise the read failed here, on a row the store cannot read.
core::Error ledger_read_failed(Connection& c) {
  if (c.lost()) return core::make_error(core::Errc::store_unavailable, "ledger read: the connection is lost");
  if (PQtransactionStatus(c.get()) == PQTRANS_INERROR)
    return core::make_error(core::Errc::store_busy, "ledger read: the server refused a read of the ledger");
  return core::make_error(core::Errc::store_corrupt, "ledger read: a ledger row the store cannot read");
}

// The judgement against the ledger, as sqlite's decide(): none without a
// decider; what the decider throws fails this job alone; a failed ledger read
// fails the job.
core::Result<Decision> decide(Connection& c, Ledger& ledger, NewMessage& m) {
  if (!m.decide) return Decision{};
  ledger.clear_failed();
  auto d = [&]() -> core::Result<Decision> {
    try {
      return m.decide(ledger, m);
    } catch (const std::exception& e) {
      return core::make_error(core::Errc::store_decide_failed,
                              std::string("the judgement failed: ") + e.what());
    } catch (...) {
      return core::make_error(core::Errc::store_decide_failed, "the judgement failed (not a std::exception)");
    }
  }();
  if (!d) return d.error();
  if (ledger.failed()) return ledger_read_failed(c);
  return std::move(*d);
}

// What a decision makes of a message already in its row, as sqlite's
// apply_decision().
core::Result<void> apply_decision(Connection& c, Ledger& ledger, const NewMessage& m, Decision& decision,
                                  CommitOutcome& out) {
  if (!decision.orphans.empty()) {
    out.orphan = true;
    for (const auto& k : decision.orphans) {
      Params p;
      p.text(standard::to_string(k.law)).text(k.gemeente).i64(k.toewijzing_nummer).text(m.id);
      auto r = c.exec(
          "INSERT INTO ledger_orphan (law, gemeente, toewijzing_nummer, message_id) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT DO NOTHING",
          p, "orphan insert");
      if (!r) return r.error();
    }
    return audit_row(c, "sluis", -1, "held", m.id, "waiting for an allocation (orphans = hold)");
  }
  if (auto r = ledger.apply(decision.changes); !r) return r;
  for (auto& p : decision.produced) {
    if (p.id.empty()) p.id = new_message_id();
    if (p.heen_id.empty()) p.heen_id = m.id;
    if (auto r = insert_row(c, p); !r) return r;
    out.produced_ids.push_back(p.id);
  }
  if (auto r = apply_obligations(c, m, decision,
                                 core::format_date(core::dutch_date(std::chrono::system_clock::now())));
      !r)
    return r;
  out.late = decision.late;
  out.contract_warnings = decision.changes.contract_warnings;
  // SQLite reads these by the primary key (law, gemeente, toewijzing_nummer,
  // message_id): by message_id within an allocation, each once (so no DISTINCT,
  // which would not take the ORDER BY's collation).
  for (const auto& a : decision.changes.allocations) {
    Params p;
    p.text(standard::to_string(a.law)).text(a.gemeente).i64(a.toewijzing_nummer);
    auto rows = c.exec(
        "SELECT message_id FROM ledger_orphan WHERE law = $1 AND gemeente = $2 AND "
        "toewijzing_nummer = $3 ORDER BY message_id COLLATE \"C\"",
        p, "orphan lookup");
    if (!rows) return rows.error();
    for (int r = 0; r < rows->size(); ++r) {
      std::string id = rows->text(r, 0);
      if (std::find(out.released.begin(), out.released.end(), id) == out.released.end())
        out.released.push_back(std::move(id));
    }
  }
  return {};
}

}  // namespace

core::Result<void> insert_message(Connection& c, Ledger& ledger, NewMessage& m, CommitOutcome& out) {
  if (m.sha256.empty()) m.sha256 = core::sha256_hex(m.body);
  // Both lookups compare with messages of the same kind and, for a partner's
  // retour, of the same answerer: parameters 5 to 8 of each (as sqlite's).
  auto keyed = [&m](Params& p) -> Params& {
    p.text(m.sender_code).text(standard::to_string(m.law)).i64(m.type).text(m.identificatie);
    return p.i64(m.shadow ? 1 : 0).i64(m.retour ? 1 : 0).text(m.receiver_code).text(m.sender_partner);
  };
  // Idempotency: this very message before? Then its stored outcome is the answer.
  static const std::string kSame =
      std::string("SELECT ") + kColumns +
      " FROM messages WHERE sender_code = $1 AND law = $2 AND type = $3 AND identificatie = $4 AND "
      "shadow = $5 AND ($6 = 0 OR (receiver_code = $7 AND sender_partner = $8)) AND sha256 = $9 AND "
      "sender_partner != 'sluis' ORDER BY seq DESC LIMIT 1";
  Params same;
  keyed(same).text(m.sha256);
  auto existing = one_row(c.exec(kSame, same), "idempotency lookup");
  if (!existing) return existing.error();
  if (*existing) {
    out.existing = std::move(**existing);
    out.id = out.existing->id;
    out.replay = true;
    out.state = out.existing->state;
    out.http_status = out.existing->http_status;
    out.response_json = out.existing->response_json;
    return {};
  }
  // Another body under an identification already accepted: TR056. A rejected
  // earlier message does not block the corrected resubmission.
  if (m.state != State::rejected) {
    static const std::string kAccepted =
        std::string("SELECT ") + kColumns +
        " FROM messages WHERE sender_code = $1 AND law = $2 AND type = $3 AND identificatie = $4 AND "
        "shadow = $5 AND ($6 = 0 OR (receiver_code = $7 AND sender_partner = $8)) AND state != 'rejected' "
        "AND "
        "sender_partner != 'sluis' ORDER BY seq DESC LIMIT 1";
    Params accepted;
    auto conflict = one_row(c.exec(kAccepted, keyed(accepted)), "identification lookup");
    if (!conflict) return conflict.error();
    if (*conflict) {
      out.conflict = std::move(**conflict);
      out.unstored = std::move(m);  // nothing of it was stored: back to the caller, body and all
      return {};
    }
  }
  if (m.id.empty()) m.id = new_message_id();
  out.id = m.id;
  auto decided = decide(c, ledger, m);
  if (!decided) return decided.error();
  Decision decision = std::move(*decided);
  if (auto r = insert_row(c, m); !r) return r;
  if (auto r = apply_decision(c, ledger, m, decision, out); !r) return r;
  out.state = m.state;
  out.http_status = m.http_status;
  out.response_json = m.response_json;
  out.findings_json = m.findings_json;
  return {};
}

core::Result<void> redecide_message(Connection& c, Ledger& ledger, NewMessage& m, CommitOutcome& out) {
  out.id = m.id;
  // FOR UPDATE: the row this job updates is locked from here, so its body
  // (read next, on its own) and its state cannot change in between.
  static const std::string kHeld = std::string("SELECT ") + kColumns +
                                   " FROM messages WHERE id = $1 AND state = 'held' AND "
                                   "EXISTS (SELECT 1 FROM ledger_orphan WHERE message_id = $1) FOR UPDATE";
  auto held = one_row(c.exec(kHeld, Params().text(m.id)), "orphan check");
  if (!held) return held.error();
  if (!*held) {
    out.state = State::received;  // not (any longer) a held orphan: nothing done
    return {};
  }
  const StoredMessage& row = **held;
  take_stored(m, row);
  auto body = read_body(c, row.seq);
  if (!body) return named(body.error(), "orphan body");
  if (!*body) return core::make_error(core::Errc::store_corrupt, "orphan body: the row is gone");
  m.body = std::move(**body);
  // SQLite scans message_bsn's primary key (bsn_hash, message_id): by bsn_hash.
  auto hashes =
      c.exec("SELECT bsn_hash FROM message_bsn WHERE message_id = $1 ORDER BY bsn_hash COLLATE \"C\"",
             Params().text(m.id), "orphan hashes");
  if (!hashes) return hashes.error();
  for (int r = 0; r < hashes->size(); ++r) m.bsn_hashes.push_back(hashes->text(r, 0));
  if (auto r =
          c.exec("DELETE FROM ledger_orphan WHERE message_id = $1", Params().text(m.id), "orphan delete");
      !r)
    return r.error();
  auto decided = decide(c, ledger, m);
  if (!decided) return decided.error();
  Decision decision = std::move(*decided);
  Params u;
  u.text(to_string(m.state)).text(m.findings_json).i64(m.http_status).text(m.response_json);
  u.text_or_null_if_empty(m.state == State::held ? std::string(to_string(m.hold_reason)) : std::string());
  u.text(m.id);
  if (auto r = c.exec(
          "UPDATE messages SET state = $1, findings = $2, http_status = $3, response = $4, hold_reason = $5 "
          "WHERE id = $6",
          u, "redecide update");
      !r)
    return r.error();
  if (auto r = apply_decision(c, ledger, m, decision, out); !r) return r;
  if (decision.orphans.empty())
    if (auto r = audit_row(c, "sluis", -1, "released", m.id, std::string(to_string(m.state))); !r) return r;
  out.state = m.state;
  out.http_status = m.http_status;
  out.response_json = m.response_json;
  out.findings_json = m.findings_json;
  return {};
}

}  // namespace sluis::store::pg
