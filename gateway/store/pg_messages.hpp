// Internal to the PostgreSQL engine: the messages table's rows and the writes
// of a message's judgement, as sqlite_messages.hpp is for SQLite (same rows,
// same checks, same outcome; see there). The body is messages.body (bytea):
// PostgreSQL has no message_body table.
// Transactions: the jobs run inside a transaction the caller opened on the
// connection, with a Ledger on that same connection. Any error means the
// caller rolls back (or back to a savepoint of its own): a failed statement
// has aborted the transaction, and a decider's error or a failed ledger read
// may come after the job wrote something.
// Not part of the store's interface.
#pragma once

#include <optional>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

// Every row of a SELECT of kColumns (sql_common.hpp), in the result's order.
// A law that does not parse is the error store.corrupt (bad_law).
core::Result<std::vector<StoredMessage>> all_rows(const Rows& rows);
// The first row of a SELECT of kColumns, if any.
core::Result<std::optional<StoredMessage>> one_row(const Rows& rows);
// The same over a query's result; its error is named `what`.
core::Result<std::vector<StoredMessage>> all_rows(const core::Result<Rows>& rows, const char* what);
core::Result<std::optional<StoredMessage>> one_row(const core::Result<Rows>& rows, const char* what);

// The body of the message numbered `seq`, byte for byte; nullopt: no such
// row. A body up to kBodyPiece comes in one statement; a larger one in
// pieces of kBodyPiece (substring of the uncompressed, EXTERNAL bytea, which
// the server reads slice by slice): a result holds a whole field, and libpq
// reads it whole into an input buffer that it grows by doubling and keeps for
// the connection's life, so a 25 MiB body read in one piece costs some 57
// MiB more at the peak than the body itself. Run inside a transaction (one
// snapshot): a body that changes between pieces (pruned) is store.busy.
inline constexpr std::int64_t kBodyPiece = 1 << 20;
core::Result<std::optional<std::string>> read_body(Connection& c, std::int64_t seq);

// A partner's mailbox page (Store::mailbox), as sqlite::mailbox. A negative
// limit is no limit, as SQLite's LIMIT takes it.
core::Result<std::vector<StoredMessage>> mailbox(Connection& c, const MailboxQuery& q);

// One received message, as sqlite::insert_message: idempotency and TR056
// checks, the judgement against `ledger` (m.decide), the row with its body,
// its BSN hashes, ledger changes, produced retours, orphans, obligations and
// audit entries.
core::Result<void> insert_message(Connection& c, Ledger& ledger, NewMessage& m, CommitOutcome& out);
// A held orphan judged again (Store::redecide), as sqlite::redecide_message.
core::Result<void> redecide_message(Connection& c, Ledger& ledger, NewMessage& m, CommitOutcome& out);

}  // namespace sluis::store::pg
