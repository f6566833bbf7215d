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
