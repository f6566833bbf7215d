// Admin commands over the message store: `backup` (an online copy),
// `queue-summary` (counts per state) and `message-show` (metadata and findings
// of one message; never its body).
#pragma once

#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

void add_store_commands(Registry& registry, store::Store& store);

}  // namespace sluis::admin
