// Admin commands over the message store: `backup` (an online copy),
// `orphan-list`, and the queue commands (queue_commands.hpp: queue-summary,
// queue-list, message-show, message-hold ... message-delete).
#pragma once

#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

void add_store_commands(Registry& registry, store::Store& store);

}  // namespace sluis::admin
