#include "gateway/admin/retention_commands.hpp"

#include <chrono>

#include "gateway/admin/events.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/store/retention.hpp"

namespace sluis::admin {

namespace {

constexpr std::int64_t kDefaultLimit = 10000;
constexpr std::int64_t kMaxLimit = 1000000;
// Bodies per writer transaction.
constexpr std::int64_t kPruneBatchDefault = 1000, kPruneBatchMax = 100000;

}  // namespace

void add_retention_commands(Registry& registry, store::OperatorQueue& db,
                            std::function<config::Duration()> retention) {
  registry.add(
      "prune",
      "Remove the bodies of acknowledged and rejected messages received more than store.retention ago, as the "
      "prune timer does (arguments: dry-run, limit (default 10000), batch (bodies per store transaction, default "
      "1000; progress and cancel between them); sluisctl prune [--dry-run] [--limit N] [--batch N]). "
      "Metadata, findings, BSN hashes, ledger facts and history stay. Answer: cutoff, pruned, bytes, more.",
      Access::change, [&db, retention](const Request& r) {
        for (const auto& kv : r.arguments)
          if (kv.key() != "dry-run" && kv.key() != "limit" && kv.key() != "batch")
            return error("prune: unknown argument '" + std::string(kv.key()) + "' (dry-run, limit, batch)");
        auto dry = flag_arg(r, "dry-run");
        if (!dry) return error("prune: --dry-run takes yes or no (or no value)");
        std::int64_t limit = 0, batch = 0;
        if (auto e = count_arg(r, "limit", kDefaultLimit, kMaxLimit, limit); !e.empty()) return error("prune: " + e);
        if (auto e = count_arg(r, "batch", kPruneBatchDefault, kPruneBatchMax, batch); !e.empty())
          return error("prune: " + e);
        const config::Duration keep = retention();
        const std::string days = config::format_duration(keep);
        store::RetentionRun run;
        run.retention = keep;
        run.limit = limit;
        run.dry_run = *dry;
        run.actor = "admin";
        run.uid = static_cast<long>(r.peer_uid);
        run.batch = static_cast<int>(batch);
        Job& j = job(r);
        run.step = [&j](std::int64_t done, std::int64_t total) {
          j.progress(done, total, "bodies removed");
          core::pause_point("prune.batch");
          return !j.cancelled();
        };
        auto res = store::prune_retention(db, run);
        if (!res) return error("prune: " + res.error().text);
        const std::string& cutoff = res->cutoff;
        const store::PruneResult& done = res->result;
        const std::string cancelled =
            res->stopped ? cancelled_after(done.pruned, res->total, "bodies removed") : std::string();
        if (!run.dry_run && done.pruned > 0) {
          // The run as a whole; each message has its own "prune" row.
          db.audit("admin", run.uid, "prune", "",
                   std::to_string(done.pruned) + " bodies received before " + cutoff + " (retention " + days +
                       ")" + (cancelled.empty() ? "" : "; " + cancelled));
        }
        boost::json::object args{{"cutoff", cutoff},       {"retention", days},    {"dry_run", run.dry_run},
                                 {"pruned", done.pruned}, {"bytes", done.bytes}, {"more", done.more}};
        if (res->stopped) {
          core::log(events::kCancelled,
                    {{"command", r.command}, {"uid", run.uid}, {"done", done.pruned}, {"total", res->total}});
          args["cancelled"] = true;
          return Answer{kError, "prune: " + cancelled + " (they stay removed; run again for the rest)",
                        std::move(args)};
        }
        const std::string scope = "acknowledged or rejected messages received before " + cutoff + " (retention " +
                                  days + ")";
        if (done.pruned == 0) return Answer{kEmpty, "nothing to prune: no bodies of " + scope, std::move(args)};
        std::string text = std::string(run.dry_run ? "dry run: would remove " : "removed ") +
                           std::to_string(done.pruned) + " bodies (" + std::to_string(done.bytes) + " bytes) of " +
                           scope;
        if (done.more) text += "; more remain beyond --limit " + std::to_string(limit) + ", run again";
        if (run.dry_run) text += "; nothing changed";
        return ok(std::move(text), std::move(args));
      });
}

}  // namespace sluis::admin
