// Log events of routing and delivery (catalog: docs/events.md). Lines about a
// message carry msg=<id> and dest=<destination id>; never a body, a BSN or a name.
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::route::events {

using core::Event;
using core::Level;

inline constexpr Event kDelivered{"DELIVERY_DONE", Level::info,
                                  "A message was delivered to its push or drop destination (attempt=<n>)."};
inline constexpr Event kDeferred{
    "DELIVERY_DEFERRED", Level::notice,
    "A delivery attempt failed; the message waits until next=<time> (exponential backoff). error= says why."};
inline constexpr Event kAttemptFailed{
    "DELIVERY_ATTEMPT_FAILED", Level::err,
    "A delivery attempt ended with an exception instead of a result (a fault in sluis or its environment, "
    "error= says which); the message is deferred and retried with backoff, the lane goes on. Report it."};
inline constexpr Event kScanFailed{
    "DELIVERY_SCAN_FAILED", Level::err,
    "A periodic piece of delivery work (what=scan, pickups, deadlines or prune) ended with an exception (a fault "
    "in sluis or its environment, error= says which); that turn is lost, the next runs as planned. Report it."};
inline constexpr Event kDead{
    "DELIVERY_DEAD", Level::warning,
    "A message was given up (refused permanently, or not delivered within delivery.max_lifetime); it is "
    "in state dead with the reason. Fix the destination and run sluisctl message-requeue."};
inline constexpr Event kPickedUp{"DELIVERY_PICKED_UP", Level::info,
                                 "A dropped file was taken from the drop directory: the message is acknowledged."};
inline constexpr Event kStoreError{
    "DELIVERY_STORE_ERROR", Level::err,
    "The scheduler could not read or update the store; it tries again at the next scan."};
inline constexpr Event kReleased{
    "DELIVERY_RELEASED", Level::info,
    "Messages held for a receiver that was not live were released to their destination (count=<n>)."};

// The standard's deadlines (deadline_watch.hpp).
inline constexpr Event kAnswerOverdue{
    "DEADLINE_ANSWER_OVERDUE", Level::notice,
    "An answer the standard requires is past its due date: partner=<who owes it> kind=<retour, "
    "declaratie_antwoord, verzoek_antwoord, definitief_antwoord> rule=<OP090 ...> msg=<the message that made "
    "it owed> due=<last day on time>. Logged once per obligation; sluisctl overdue lists all of them."};
inline constexpr Event kDeadlineStoreError{
    "DEADLINE_STORE_ERROR", Level::err,
    "The deadline watch could not read or update the obligations; it tries again at the next scan."};

// The retention pruner (store.retention, Delivery's prune timer).
inline constexpr Event kPruned{
    "STORE_PRUNED", Level::info,
    "The retention pruner removed the bodies of count=<n> acknowledged or rejected messages received before "
    "cutoff=<time> (bytes=<their size>); their metadata, findings, BSN hashes, ledger facts and audit stay. "
    "Logged once per run that removed something."};
inline constexpr Event kPruneFailed{
    "STORE_PRUNE_FAILED", Level::err,
    "The retention pruner could not remove bodies (count=<n> were removed before the error); it tries again "
    "after store.prune_interval. Nothing else is affected."};

// The partner mailbox (mailbox.hpp); the ids are those of the intake, where it was first.
inline constexpr Event kBodyRead{"INTAKE_BODY_READ", Level::info,
                                 "A partner fetched a message body from its mailbox (audited)."};
inline constexpr Event kAuditFailed{
    "INTAKE_AUDIT_FAILED", Level::err,
    "A partner's mailbox read could not be written to the audit log (store error, disk full); the "
    "body was not "
    "served (503, the partner may retry). Check the store and the disk."};

}  // namespace sluis::route::events
