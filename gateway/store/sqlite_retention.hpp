// Internal to the SQLite engine: the retention pruner (Store::prune_bodies)
// as functions over a connection. A pruned message keeps its row (metadata,
// sha256, size, findings, answer), its BSN hashes, its ledger facts,
// obligations and audit; only the body goes (an empty blob: body is NOT NULL)
// and pruned_at says when. Only final states are pruned: acknowledged and
// rejected; nothing delivers, redecides or reads-and-acks those again.
//
// Schema version 6 adds pruned_at and the partial index messages_prunable
// (received_at of the unpruned acknowledged and rejected messages), so a batch
// reads `n` index entries, not the table, however many bodies were pruned
// before. Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/store/prune_batches.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

// Migration 5 -> 6.
extern const char* const kRetentionSchema;

using store::PruneBatch;  // prune_batches.hpp

// On the writer, inside a job's savepoint: removes up to `n` bodies the
// request selects, oldest received first, each audited ("prune", r.actor,
// r.uid, r.reason); `now` is the pruned_at written.
core::Result<PruneBatch> prune_batch(sqlite3* db, const PruneRequest& r, std::int64_t n, const std::string& now);
// A dry run (reads only): what a run of `r` would remove, and whether more qualify.
core::Result<PruneResult> prune_preview(sqlite3* db, const PruneRequest& r);
// Whether any body received before `cutoff` still qualifies.
core::Result<bool> prunable_left(sqlite3* db, const std::string& cutoff);

}  // namespace sluis::store::sqlite
