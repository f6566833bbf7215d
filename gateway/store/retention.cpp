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

namespace {

void count(std::int64_t pruned) {
  if (pruned > 0)
    core::counter("sluis_store_pruned_bodies_total", "Message bodies removed by the retention pruner.")
        .inc(pruned);
}

}  // namespace

core::Result<RetentionOutcome> prune_retention(Retention& store, const RetentionRun& run) {
  RetentionOutcome out;
  out.cutoff = run.cutoff.empty() ? retention_cutoff(run.retention, std::chrono::system_clock::now()) : run.cutoff;
  PruneRequest q;
  q.cutoff = out.cutoff;
  q.limit = run.limit;
  q.dry_run = run.dry_run;
  q.actor = run.actor;
  q.uid = run.uid;
  q.reason = retention_reason(run.retention);
  if (run.dry_run || !run.step) {
    auto r = store.prune_bodies(q);
    if (!r) return r.error();
    out.result = *r;
    if (!run.dry_run) count(r->pruned);
    return out;
  }
  // Stepwise: what qualifies now (at most limit) is the total shown.
  PruneRequest preview = q;
  preview.dry_run = true;
  auto p = store.prune_bodies(preview);
  if (!p) return p.error();
  out.total = p->pruned;
  const std::int64_t limit = run.limit > 0 ? run.limit : p->pruned;
  while (out.result.pruned < limit) {
    q.limit = std::min<std::int64_t>(std::max(1, run.batch), limit - out.result.pruned);
    q.batch = static_cast<int>(q.limit);
    auto r = store.prune_bodies(q);
    if (!r) {
      if (out.result.pruned == 0) return r.error();
      return core::make_error(r.error().code, r.error().text + " (after " + std::to_string(out.result.pruned) +
                                                  " bodies removed; they stay removed)");
    }
    count(r->pruned);
    out.result.pruned += r->pruned;
    out.result.bytes += r->bytes;
    out.result.more = r->more;
    if (!r->more || r->pruned == 0) break;
    if (!run.step(out.result.pruned, out.total)) {
      out.stopped = true;
      break;
    }
  }
  return out;
}

}  // namespace sluis::store
