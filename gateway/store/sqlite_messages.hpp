// Internal to the SQLite engine: the messages table's rows and the writes
// of a message's judgement. Purpose: how a row of `messages` is read
// (kColumns, read_row), where its body is (kBodyColumn), and the two jobs
// that write a message with its judgement against the ledger: a received
// message inserted and decided (Store::commit), a held orphan decided again
// (Store::redecide).
// Threading: the jobs run on the writer thread (sqlite_writer.hpp) inside the
// job's savepoint, with the writer's Ledger; the row readers on whichever
// connection the caller holds.
// Failure: a job's error rolls its savepoint back: all of a message or
// nothing of it. A decider that throws fails its job alone.
// Durability: that of the batch the job is in (Writer::run_batch).
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

// The body column of a SELECT FROM messages: wherever the row's body is.
inline constexpr const char* kBodyColumn =
    "COALESCE((SELECT message_body.body FROM message_body WHERE message_body.seq = messages.seq), "
    "messages.body)";

// The columns of a StoredMessage (kColumns) and how a row reads are the
// engines' common words (sql_common.hpp). A law that does not parse is the
// error store.corrupt (bad_law).
inline core::Result<StoredMessage> read_row(const Stmt& s) { return read_message(s); }
// Every row of a SELECT of kColumns.
core::Result<std::vector<StoredMessage>> all_rows(Stmt& s, sqlite3* db, const char* what);
// At most one row of a SELECT of kColumns.
core::Result<std::optional<StoredMessage>> one_row(Stmt& s, sqlite3* db, const char* what);

// A partner's mailbox page (Store::mailbox). The unacknowledged messages are
// read by the partial index messages_unacked_mailbox (schema v15), so a client
// that acknowledges what it fetched and lists from the start reads what waits,
// not its whole history.
core::Result<std::vector<StoredMessage>> mailbox(sqlite3* db, const MailboxQuery& q);

// One received message: idempotency and identification checks, the
// judgement against the ledger (m.decide), the row, its BSN hashes, its
// ledger changes and the retours it produced, and audit entries. Runs in the
// job's savepoint: all of it or nothing.
core::Result<void> insert_message(sqlite3* db, Ledger& ledger, NewMessage& m, CommitOutcome& out);
// A held orphan judged again (Store::redecide).
core::Result<void> redecide_message(sqlite3* db, Ledger& ledger, NewMessage& m, CommitOutcome& out);

}  // namespace sluis::store::sqlite
