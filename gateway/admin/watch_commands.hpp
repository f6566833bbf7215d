// Admin command on the watches (docs/watches.md): `watches` lists the open
// cases (or, with closed, the closed ones too) with what each means and what
// to do about it, in Dutch and English. Read-only; no BSNs or names: cases
// name message ids, destinations, files and partner ids.
#pragma once

#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// Arguments of `watches`: partner (a partner id, or "sluis"), kind (a watch
// kind), closed (yes: closed cases too), limit (1 ... 10000, default 1000).
void add_watch_commands(Registry& registry, store::WatchStore& store);

}  // namespace sluis::admin
