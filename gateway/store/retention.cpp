#include "gateway/store/retention.hpp"

#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/metrics.hpp"

namespace sluis::store {

std::string retention_cutoff(std::chrono::milliseconds retention, std::chrono::system_clock::time_point now) {
  return core::utc_text(now - retention);
}

std::string retention_reason(std::chrono::milliseconds retention) {
  return "retention " + config::format_duration(retention);
}

core::Result<RetentionOutcome> prune_retention(Store& store, const RetentionRun& run) {
  RetentionOutcome out;
  out.cutoff = run.cutoff.empty() ? retention_cutoff(run.retention, std::chrono::system_clock::now()) : run.cutoff;
  PruneRequest q;
  q.cutoff = out.cutoff;
  q.limit = run.limit;
  q.dry_run = run.dry_run;
  q.actor = run.actor;
  q.uid = run.uid;
  q.reason = retention_reason(run.retention);
  auto r = store.prune_bodies(q);
  if (!r) return r.error();
  out.result = *r;
  if (!run.dry_run && r->pruned > 0)
    core::counter("sluis_store_pruned_bodies_total", "Message bodies removed by the retention pruner.")
        .inc(r->pruned);
  return out;
}

}  // namespace sluis::store
