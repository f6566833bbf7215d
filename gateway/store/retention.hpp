// The retention pruner, in one place: what the daemon's prune timer
// (route::Delivery, every store.prune_interval) and the admin command `prune`
// both run. Bodies of acknowledged and rejected messages received more than
// store.retention ago are removed through Store::prune_bodies; each pruned
// message is audited with one reason text ("retention 62d"), and the bodies
// removed are counted in one metric, sluis_store_pruned_bodies_total. Who ran
// it is the audit's actor and uid ("sluis" for the timer, "admin" with the
// caller's uid for the command).
//
// Threading: prune_retention() blocks until its call to prune_bodies is done:
// call it from the delivery or the admin thread, never from a thread marked
// non-blocking (the store's blocking wrappers assert that).
// Failure: the store's error, unchanged. Durability: the store's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

struct RetentionRun {
  std::chrono::milliseconds retention{0};  // store.retention
  std::string cutoff;                      // empty: now - retention
  std::int64_t limit = 1000;               // bodies in this call
  bool dry_run = false;
  std::string actor = "sluis";
  long uid = -1;
  // Optional (sluisctl prune): the run goes in calls of `batch` bodies, one
  // writer transaction each, and after each `step(done, total)` is asked
  // whether to go on (total: what qualified when the run began, at most
  // limit). Returning false stops the run there; what it removed stays
  // removed and counted. Without a step: one call of prune_bodies, which
  // commits in batches of PruneRequest::batch on its own.
  int batch = 1000;
  std::function<bool(std::int64_t done, std::int64_t total)> step;
};

// The cutoff of a run starting at `now`: received_at before it is pruned.
std::string retention_cutoff(std::chrono::milliseconds retention, std::chrono::system_clock::time_point now);
// The reason every pruned message is audited with: "retention 62d".
std::string retention_reason(std::chrono::milliseconds retention);
// One call of the pruner (at most run.limit bodies); counts what it removed.
// `cutoff` of the result's run is run.cutoff, or the one computed from now.
struct RetentionOutcome {
  std::string cutoff;
  PruneResult result;
  bool stopped = false;      // step() said stop; result.more then says what is left
  std::int64_t total = 0;    // with a step: what qualified at the start (<= limit)
};
core::Result<RetentionOutcome> prune_retention(Retention& store, const RetentionRun& run);

}  // namespace sluis::store
