// The blocking wrappers of the store's writes (store.hpp, "Threading"), each
// in the role of the write it wraps: each starts the asynchronous write and
// waits for its `done`, all through wait(). For tools and tests only.
#include "gateway/store/store.hpp"

#include <future>

#include "gateway/core/assert.hpp"

namespace sluis::store {

namespace {

// Starts a write with a `done` that fulfils a promise, and waits for it:
// never on a thread that must not block (the HTTPS io thread).
template <class T, class Start>
core::Result<T> wait(Start start) {
  SLUIS_ASSERT(!core::must_not_block(), "a blocking store write on a thread that must not block");
  std::promise<core::Result<T>> p;
  auto f = p.get_future();
  start([&p](core::Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

}  // namespace

core::Result<CommitOutcome> MessageLog::commit_sync(NewMessage msg) {
  return wait<CommitOutcome>([&](Done<CommitOutcome> d) { commit(std::move(msg), std::move(d)); });
}

core::Result<bool> MailboxStore::ack(const std::string& partner, const std::string& id) {
  return wait<bool>([&](Done<bool> d) { ack(partner, id, std::move(d)); });
}

core::Result<void> MailboxStore::transition(const std::string& id, State to,
                                            const std::string& actor, const std::string& reason) {
  return wait<void>([&](Done<void> d) { transition(id, to, actor, reason, std::move(d)); });
}

core::Result<void> OperatorQueue::audit(const std::string& actor, long uid,
                                        const std::string& action, const std::string& message_id,
                                        const std::string& detail) {
  return wait<void>(
      [&](Done<void> d) { audit(actor, uid, action, message_id, detail, std::move(d)); });
}

core::Result<QueueActionResult> OperatorQueue::queue_action(const QueueActionRequest& r) {
  return wait<QueueActionResult>([&](Done<QueueActionResult> d) { queue_action(r, std::move(d)); });
}

core::Result<std::vector<Claimed>> DeliveryQueue::claim(const std::string& destination,
                                                        const std::string& now, int limit) {
  return wait<std::vector<Claimed>>(
      [&](Done<std::vector<Claimed>> d) { claim(destination, now, limit, std::move(d)); });
}

core::Result<void> DeliveryQueue::settle(const std::string& id, State to,
                                         const std::string& next_attempt_at,
                                         const std::string& error) {
  return wait<void>([&](Done<void> d) { settle(id, to, next_attempt_at, error, std::move(d)); });
}

core::Result<std::int64_t> DeliveryQueue::release_held(const std::string& receiver_partner,
                                                       HoldReason reason,
                                                       const std::string& actor) {
  return wait<std::int64_t>(
      [&](Done<std::int64_t> d) { release_held(receiver_partner, reason, actor, std::move(d)); });
}

core::Result<void> DeliveryQueue::mark_overdue_logged(const std::vector<std::int64_t>& ids) {
  return wait<void>([&](Done<void> d) { mark_overdue_logged(ids, std::move(d)); });
}

core::Result<void> MessageLog::ledger_batch(LedgerWork work, bool keep, const std::string& actor,
                                            long uid, const std::function<std::string()>& detail) {
  return wait<void>(
      [&](Done<void> d) { ledger_batch(std::move(work), keep, actor, uid, detail, std::move(d)); });
}

core::Result<void> MessageLog::ledger_rehearsal(const LedgerWork&) {
  return core::make_error(core::Errc::store_sqlite,
                          "this engine's dry run judges a copy of the store file, not a rolled-back transaction");
}

core::Result<WatchSync> WatchStore::watch_sync(const std::string& kind, const std::vector<WatchFinding>& found,
                                               bool complete, const std::string& now,
                                               const std::string& forget_before) {
  return wait<WatchSync>(
      [&](Done<WatchSync> d) { watch_sync(kind, found, complete, now, forget_before, std::move(d)); });
}

core::Result<void> WatchStore::watch_mark_logged(const std::vector<std::int64_t>& ids, const std::string& now) {
  return wait<void>([&](Done<void> d) { watch_mark_logged(ids, now, std::move(d)); });
}

core::Result<PruneResult> Retention::prune_bodies(const PruneRequest& r) {
  return wait<PruneResult>([&](Done<PruneResult> d) { prune_bodies(r, std::move(d)); });
}

}  // namespace sluis::store
