// Internal to the PostgreSQL engine: shared delivery and one leader, what
// several nodes on one database need beyond the SQLite engine's single writer
// (docs/store.md, "PostgreSQL").
//
// Delivery. A claim takes due messages of a destination with FOR UPDATE SKIP
// LOCKED and writes a lease with the delivering state: the node that took it
// and until when (messages.claimed_by, lease_until). Two nodes claiming at
// once never take the same message; a message is in flight on one node at a
// time. The node ends its attempt with settle(), which only the lease's holder
// can do while the message is still delivering: a node that lost its lease
// (it stalled past the lease, and another node took the message over) cannot
// settle it any more. release_expired() returns messages whose lease ran out
// to queued, on any node: SQLite's "delivering back to queued at start-up",
// for a node that died. Delivery stays at least once; receivers de-duplicate
// by message id.
//
// Leadership. Periodic jobs (the deadline watch, retention, the watches) run
// on one node: the one whose session holds a session-level advisory lock.
// When that node dies its session ends, the lock is free, and the next node to
// try takes it.
//
// Times are core::utc_text, compared as text, as everywhere in the store.
// Not part of the store's interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

// Up to `limit` messages of `destination` due at `now` (queued, or deferred
// with next_attempt_at <= now; earliest due first, as the SQLite engine's
// claim), each to delivering with attempts + 1 and a lease for `node` until
// `lease_until`, in one transaction. Rows another node is claiming at this
// moment are skipped, not waited for. As in the SQLite engine, a Claimed
// message shows its next_attempt_at from before the claim.
core::Result<std::vector<Claimed>> claim(Connection& c, const std::string& destination, const std::string& now,
                                         int limit, const std::string& node, const std::string& lease_until);

// The end of `node`'s attempt on a delivering message (DeliveryQueue::settle:
// the state, next_attempt_at for deferred, last_error, acked_at; an audit row
// "state delivering -> X" with the attempt number). The error store.not_found
// when there is no such message, store.illegal_transition when it cannot go
// to `to`, and store.busy ("the claim was lost") when it is not delivering
// under `node`'s lease any more. A pickup (delivered -> acknowledged: a drop
// directory's file was taken) ends no attempt; any node may settle it.
core::Result<void> settle(Connection& c, const std::string& node, const std::string& id, State to,
                          const std::string& next_attempt_at, const std::string& error);

// Messages delivering under a lease that ran out before `now` go back to
// queued (their lease cleared, an audit row each: "lease expired", naming the
// node that held it). How many.
core::Result<std::int64_t> release_expired(Connection& c, const std::string& now);

// One node's bid to lead, on a session of its own (a lost session is a lost
// lead). Not thread-safe.
class Leadership {
 public:
  // `key`: one lock per kind of leadership ("periodic jobs").
  Leadership(Connection& c, std::string key) : c_(&c), key_(std::move(key)) {}
  // Takes the lead when it is free, keeps it when held; false when another
  // node leads, or this session was lost (then it may lead again after
  // Connection::reconnect and a new try).
  bool try_lead();
  bool leading() const;
  // Gives the lead up (a node stopping cleanly), so another takes it at once.
  void resign();

 private:
  Connection* c_;
  std::string key_;
  bool leading_ = false;
  int session_ = 0;  // the backend that took the lock
};

}  // namespace sluis::store::pg
