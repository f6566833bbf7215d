#include "gateway/admin/retention_commands.hpp"

#include <chrono>
#include <cstdlib>

#include "gateway/core/clock.hpp"
#include "gateway/store/retention.hpp"

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
        store::RetentionRun run;
        run.retention = keep;
        run.limit = limit;
        run.dry_run = *dry;
        run.actor = "admin";
        run.uid = static_cast<long>(r.peer_uid);
        auto res = store::prune_retention(db, run);
        if (!res) return error("prune: " + res.error().text);
        const std::string& cutoff = res->cutoff;
        if (!run.dry_run && res->result.pruned > 0) {
          // The run as a whole; each message has its own "prune" row.
          db.audit("admin", run.uid, "prune", "",
                   std::to_string(res->result.pruned) + " bodies received before " + cutoff + " (retention " + days +
                       ")");
        }
        const store::PruneResult& done = res->result;
        boost::json::object args{{"cutoff", cutoff},       {"retention", days},    {"dry_run", run.dry_run},
                                 {"pruned", done.pruned}, {"bytes", done.bytes}, {"more", done.more}};
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
