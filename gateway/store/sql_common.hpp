// Internal to the store's engines: what the SQLite engine (sqlite_*.cpp) and
// the PostgreSQL engine (pg_*.cpp) say alike, since their tables have the same
// columns (pg_schema.cpp; tests/unit/store/pg_test.cpp compares them): the
// schema step they take alike, the mailbox's WHERE, the columns of a message
// row and how a row becomes a StoredMessage, and the few helpers around them.
// A row reader takes a row type with text(c) and i64(c) (a NULL text is "", a
// NULL integer 0): sqlite::Stmt, or pg::Row.
#pragma once

#include <chrono>
#include <string>

#include "gateway/config/destination_kind.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/result.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/store/state.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

// ---- schema ------------------------------------------------------------------
// SQLite's schema 16 and PostgreSQL's 2 (sqlite_schema.cpp, pg_schema.cpp):
// fewer index entries per message, each one a page an intake's transaction
// writes and syncs (docs/performance.md, "Fewer pages per message"). No read
// lost its index (tests/unit/store/portal_test.cpp and sqlite_reads_test.cpp
// check the plans and the steps):
// - messages_state (state, next_attempt_at): every read by state takes
//   messages_state_seq, and every read by due time names its destination
//   (messages_due);
// - messages_mailbox_open: messages_unacked_mailbox has its columns and every
//   term of its WHERE;
// - messages_identificatie folded into messages_identification, now led by
//   the identificatie: the portal's lookup by it and the intake's lookups by
//   (sender, law, type, identificatie) read the one index;
// - messages_heen holds only retours and answers: every read names a heen_id
//   (`heen_id = ?`, which implies IS NOT NULL), and a 301 or 323 has none.
inline constexpr const char* kLeanMessageIndexes = R"sql(
DROP INDEX messages_state;
DROP INDEX messages_mailbox_open;
DROP INDEX messages_identificatie;
DROP INDEX messages_identification;
CREATE INDEX messages_identification ON messages (identificatie, sender_code, law, type);
DROP INDEX messages_heen;
CREATE INDEX messages_heen ON messages (heen_id) WHERE heen_id IS NOT NULL;
)sql";

// ---- the partner mailbox in SQL ---------------------------------------------
// One definition for the mailbox (GET /v1/mailbox), its acknowledgement, the
// queue gauges and the unread-answers watch: a message is in its receiver's
// mailbox when it is not shadow traffic and is delivered by mailbox, and it
// is unacknowledged in these states (`state IN (...)`).
inline constexpr const char* kInMailbox = "shadow = 0 AND COALESCE(delivery, 'mailbox') = 'mailbox'";
inline constexpr const char* kUnacknowledgedStates = "'queued','delivering','delivered','deferred'";
// The states the queue gauges count: every state but the end states
// (acknowledged, rejected).
inline constexpr const char* kBacklogStates = "'received','queued','delivering','delivered','deferred','held','dead'";

inline core::Error bad_law(const char* what) {
  return core::make_error(core::Errc::store_corrupt, std::string(what) + ": a stored law is neither iwmo nor ijw");
}

// Now, as the store writes times (UTC text).
inline std::string now_utc() { return core::utc_text(std::chrono::system_clock::now()); }

// ---- a message row ------------------------------------------------------------

// The columns of a StoredMessage, in read_message's order.
inline constexpr const char* kColumns =
    "id, seq, law, type, berichtcode, release, sender_code, receiver_code, sender_partner, "
    "receiver_partner, identificatie, dagtekening, identificatie_retour, heen_id, sha256, size, "
    "received_at, state, attempts, next_attempt_at, last_error, acked_at, findings, response, "
    "http_status, shadow, destination, delivery, hold_reason, lifetime_from, pruned_at, declaratie_nummer, "
    "retourcodes";
inline constexpr int kColumnCount = 33;  // a column selected after kColumns has this index

// A row of a SELECT of kColumns. A law that does not parse is the error
// store.corrupt (bad_law).
template <class Row>
core::Result<StoredMessage> read_message(const Row& s) {
  StoredMessage m;
  m.id = s.text(0);
  m.seq = s.i64(1);
  auto law = standard::parse_law(s.text(2));
  if (!law) return bad_law("message row");
  m.law = *law;
  m.type = static_cast<int>(s.i64(3));
  m.berichtcode = static_cast<int>(s.i64(4));
  m.release = s.text(5);
  m.sender_code = s.text(6);
  m.receiver_code = s.text(7);
  m.sender_partner = s.text(8);
  m.receiver_partner = s.text(9);
  m.identificatie = s.text(10);
  m.dagtekening = s.text(11);
  m.identificatie_retour = s.text(12);
  m.heen_id = s.text(13);
  m.sha256 = s.text(14);
  m.size = s.i64(15);
  m.received_at = s.text(16);
  m.state = parse_state(s.text(17)).value_or(State::received);
  m.attempts = static_cast<int>(s.i64(18));
  m.next_attempt_at = s.text(19);
  m.last_error = s.text(20);
  m.acked_at = s.text(21);
  m.findings_json = s.text(22);
  m.response_json = s.text(23);
  m.http_status = static_cast<int>(s.i64(24));
  m.shadow = s.i64(25) != 0;
  m.destination = s.text(26);
  m.delivery = config::parse_destination_kind(s.text(27));
  m.hold_reason = parse_hold_reason(s.text(28)).value_or(HoldReason::none);
  m.lifetime_from = s.text(29);
  m.pruned_at = s.text(30);
  m.declaratie_nummer = s.text(31);
  m.retourcodes = s.text(32);
  return core::Result<StoredMessage>(boost::system::in_place_value, std::move(m));
}

// A held orphan judged again (redecide): the message as it was stored, into
// the NewMessage its judgement takes (the body and BSN hashes are read apart).
inline void take_stored(NewMessage& m, const StoredMessage& row) {
  m.law = row.law;
  m.type = row.type;
  m.berichtcode = row.berichtcode;
  m.release = row.release;
  m.sender_code = row.sender_code;
  m.receiver_code = row.receiver_code;
  m.sender_partner = row.sender_partner;
  m.receiver_partner = row.receiver_partner;
  m.identificatie = row.identificatie;
  m.dagtekening = row.dagtekening;
  m.shadow = row.shadow;
  m.destination = row.destination;
  m.delivery = row.delivery;
}

}  // namespace sluis::store
