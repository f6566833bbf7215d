// Admin command on the retention pruner (store/retention.hpp, store.retention):
// `prune` removes now, up to --limit bodies, what the daemon's prune timer
// would remove at its next run: the bodies of acknowledged and rejected
// messages received more than store.retention ago. --dry-run counts them and
// changes nothing. Each pruned message is audited with the caller's uid, and
// the run as a whole once more. No BSNs or names: the answer has counts,
// sizes and times only.
#pragma once

#include <functional>

#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// `retention` returns the configured store.retention (it follows reloads).
// Arguments of `prune`: dry-run (flag), limit (1..1000000, default 10000).
void add_retention_commands(Registry& registry, store::OperatorQueue& store,
                            std::function<config::Duration()> retention);

}  // namespace sluis::admin
