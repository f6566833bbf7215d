// Internal to the store's engines: the verdict of an operator's queue action
// (OperatorQueue::queue_action) on one message, the same on every engine: its
// target state, or why it is refused, in the words sluisctl shows; and the
// states a bulk action selects.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/state.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

// The message as the action sees it.
struct QueueCandidate {
  std::string id;
  State state = State::received;
  HoldReason hold_reason = HoldReason::none;
};

// Asked only for a delete: why the message must stay (messages answer it,
// ledger facts came from it), empty when it need not; a read's error.
using DeleteBlocker = std::function<core::Result<std::string>()>;

// The states an action applies to; a bulk action selects only these.
std::vector<State> queue_action_sources(QueueAction a);

core::Result<QueueActionResult::Item> judge_queue_action(const QueueActionRequest& r, const QueueCandidate& m,
                                                        const DeleteBlocker& delete_blocker);

}  // namespace sluis::store
