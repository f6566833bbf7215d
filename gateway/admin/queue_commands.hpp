// The operator's queue commands (docs/operations.md, "Queues"):
//
//   queue-summary                    counts per state and per destination
//   queue-list [filter] [--after SEQ] [--limit N]
//                                    metadata of the messages a filter selects, paged by seq
//   message-show ID [--body] [--unmask]
//                                    metadata, findings, attempts, hold reason, destination and
//                                    history; the body masked with --body, in clear with
//                                    --unmask (audited)
//   message-show ID --html [--unmask] [--lang nl|en]
//                                    the message as the page a partner gets for Accept:
//                                    text/html (portal/message_page.hpp), masked unless
//                                    --unmask (audited either way)
//   message-hold | message-release | message-retry | message-requeue | message-delete
//                                    ID, or a filter (bulk) with --dry-run; delete needs --reason
//
// Filter keys (queue-list and the bulk forms): state, partner, law, type,
// from, to (received_at, inclusive: UTC days YYYY-MM-DD or UTC instants;
// sluisctl sends the bounds of Dutch days), destination.
// Unknown argument names are refused, so a mistyped filter key never widens
// a bulk action. Never a BSN or a name in an answer unless --unmask.
// queue-summary is open to any peer; the others are for admin peers
// (registry.hpp, Access), so the body, masked or not, is shown only to them.
//
// After a release, retry or requeue that changed messages (not a dry run)
// `on_queued` runs (sluisd: Delivery::wake), so push and drop destinations
// deliver them at once instead of at the scheduler's next scan.
//
// Threading: handlers run on the admin thread (registry.hpp) and block on
// the store (reads on its reader connection, actions on its writer) like the
// other store commands; `on_queued` must be callable from that thread.
#pragma once

#include <functional>
#include <string>

#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// Draws a stored message as a page (sluisd: portal::render_message with the
// schema set in force); `body` null when pruned. Unset: --html is refused.
using MessagePage = std::function<std::string(const store::StoredMessage& m, const std::string* body, bool unmask,
                                              bool english)>;

void add_queue_commands(Registry& registry, store::OperatorQueue& store,
                        std::function<void()> on_queued = {}, MessagePage page = {});

}  // namespace sluis::admin
