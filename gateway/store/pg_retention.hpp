// Internal to the PostgreSQL engine: the retention pruner (Store::prune_bodies)
// as functions over a connection, as sqlite_retention.hpp is for SQLite (the
// same messages qualify, in the same order). A pruned message keeps its row;
// its body, inline in messages.body here, becomes the empty bytea, and
// pruned_at says when. Not part of the store's interface.
#pragma once

#include <cstdint>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/prune_batches.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

using store::PruneBatch;  // prune_batches.hpp

// Inside the caller's transaction: removes up to `n` bodies the request
// selects, oldest received first, each audited ("prune", r.actor, r.uid,
// r.reason); `now` is the pruned_at (and the audit's at) written.
core::Result<PruneBatch> prune_batch(Connection& c, const PruneRequest& r, std::int64_t n,
                                     const std::string& now);
// A dry run (reads only): what a run of `r` would remove, and whether more qualify.
core::Result<PruneResult> prune_preview(Connection& c, const PruneRequest& r);
// Whether any body received before `cutoff` still qualifies.
core::Result<bool> prunable_left(Connection& c, const std::string& cutoff);

}  // namespace sluis::store::pg
