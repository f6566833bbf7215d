// Internal to the SQLite engine: the operator's queue (Store::queue_list,
// count_by_destination, history, queue_action) as functions over a
// connection. SqliteStore calls the reads on its reader connection (under its
// lock) and queue_action on the writer thread inside a job's savepoint, so an
// action sees and changes the states the delivery scheduler's claim() and
// settle() see: no attempt can start between the check and the change.
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

// How the engine reads a message row: its column list and its reader.
struct RowReader {
  const char* columns;
  core::Result<StoredMessage> (*read)(const Stmt&);
};

// Indexes the queue commands read by (history by message id; the retours
// that answer a message, checked before a delete). Created when missing at
// open; idempotent.

core::Result<std::vector<DestinationCount>> count_by_destination(sqlite3* db);
core::Result<QueueGauges> queue_gauges(sqlite3* db);
core::Result<std::vector<StoredMessage>> queue_list(sqlite3* db, const RowReader& rows,
                                                    const QueueQuery& q);
core::Result<std::vector<AuditEntry>> history(sqlite3* db, const std::string& message_id,
                                              int limit);
// Writer thread, inside a savepoint: the caller's job fails (and rolls back)
// on an error.
core::Result<QueueActionResult> queue_action(sqlite3* db, const QueueActionRequest& r);

}  // namespace sluis::store::sqlite
