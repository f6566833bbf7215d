#include "gateway/admin/retention_commands.hpp"

#include <chrono>
#include <cstdlib>

#include "gateway/core/clock.hpp"
#include "gateway/core/metrics.hpp"

namespace sluis::admin {

namespace {

constexpr std::int64_t kDefaultLimit = 10000;
constexpr std::int64_t kMaxLimit = 1000000;

}  // namespace

void add_retention_commands(Registry& registry, store::Store& db, std::function<config::Duration()> retention) {
  registry.add(
      "prune",
      "Remove the bodies of acknowledged and rejected messages received more than store.retention ago, as the "
      "prune timer does (arguments: dry-run, limit (default 10000); sluisctl prune [--dry-run] [--limit N]). "
      "Metadata, findings, BSN hashes, ledger facts and history stay. Answer: cutoff, pruned, bytes, more.",
      Access::change, [&db, retention](const Request& r) {
        for (const auto& kv : r.arguments)
          if (kv.key() != "dry-run" && kv.key() != "limit")
            return error("prune: unknown argument '" + std::string(kv.key()) + "' (dry-run, limit)");
        auto dry = flag_arg(r, "dry-run");
        if (!dry) return error("prune: --dry-run takes yes or no (or no value)");
        std::int64_t limit = kDefaultLimit;
        if (std::string l = string_arg(r, "limit"); !l.empty()) {
          char* end = nullptr;
          limit = std::strtoll(l.c_str(), &end, 10);
          if (*end != '\0' || limit < 1 || limit > kMaxLimit)
            return error("prune: limit must be a number 1.." + std::to_string(kMaxLimit) + ", got '" + l + "'");
        }
        const config::Duration keep = retention();
        const std::string days = config::format_duration(keep);
        store::PruneRequest q;
        q.cutoff = core::utc_text(std::chrono::system_clock::now() - keep);
        q.limit = limit;
        q.dry_run = *dry;
        q.actor = "admin";
        q.uid = static_cast<long>(r.peer_uid);
        q.reason = "sluisctl prune (retention " + days + ")";
        auto res = db.prune_bodies(q);
        if (!res) return error("prune: " + res.error().text);
        if (!q.dry_run && res->pruned > 0) {
          core::counter("sluis_store_pruned_bodies_total", "Message bodies removed by the retention pruner.")
              .inc(res->pruned);
          // The run as a whole; each message has its own "prune" row.
          db.audit("admin", q.uid, "prune", "",
                   std::to_string(res->pruned) + " bodies received before " + q.cutoff + " (retention " + days + ")");
        }
        boost::json::object args{{"cutoff", q.cutoff}, {"retention", days},       {"dry_run", q.dry_run},
                                 {"pruned", res->pruned}, {"bytes", res->bytes}, {"more", res->more}};
        const std::string scope = "acknowledged or rejected messages received before " + q.cutoff + " (retention " +
                                  days + ")";
        if (res->pruned == 0) return Answer{kEmpty, "nothing to prune: no bodies of " + scope, std::move(args)};
        std::string text = std::string(q.dry_run ? "dry run: would remove " : "removed ") +
                           std::to_string(res->pruned) + " bodies (" + std::to_string(res->bytes) + " bytes) of " +
                           scope;
        if (res->more) text += "; more remain beyond --limit " + std::to_string(limit) + ", run again";
        if (q.dry_run) text += "; nothing changed";
        return ok(std::move(text), std::move(args));
      });
}

}  // namespace sluis::admin
