// Internal to the PostgreSQL engine: the operator's queue (Store::queue_list,
// count_by_destination, queue_gauges, history, queue_action) as functions over
// a connection, as sqlite_queue.hpp is for SQLite; each answers what the
// SQLite engine's answers for the same rows. Not part of the store's interface.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

core::Result<std::vector<DestinationCount>> count_by_destination(Connection& c);
core::Result<QueueGauges> queue_gauges(Connection& c);
// Rows of sql_common.hpp's kColumns, read by read_message (the only reader the
// SQLite engine passes its queue_list).
core::Result<std::vector<StoredMessage>> queue_list(Connection& c, const QueueQuery& q);
core::Result<std::vector<AuditEntry>> history(Connection& c, const std::string& message_id, int limit);
// Inside the caller's transaction, which an error must roll back (as
// sqlite::queue_action inside the writer's savepoint). The messages acted on
// are locked (FOR UPDATE) from the check to the change, so no other node's
// claim() starts an attempt in between.
core::Result<QueueActionResult> queue_action(Connection& c, const QueueActionRequest& r);

}  // namespace sluis::store::pg
