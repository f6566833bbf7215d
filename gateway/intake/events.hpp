// Log events of the intake (catalog: docs/events.md). Lines about a message
// carry msg=<id>; never a body, a BSN or a name.
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::intake::events {

using core::Event;
using core::Level;

inline constexpr Event kAccepted{"INTAKE_ACCEPTED", Level::info,
                                 "A message was committed and queued for its receiver."};
inline constexpr Event kRejected{"INTAKE_REJECTED", Level::info,
                                 "A message failed validation; it is stored as rejected with its "
                                 "findings for the sender to read."};
inline constexpr Event kRefused{"INTAKE_REFUSED", Level::info,
                                "A submission was refused without storing it (not XML, unknown "
                                "message, or a sender acting for a code it does not own)."};
inline constexpr Event kCommitFailed{
    "INTAKE_COMMIT_FAILED", Level::err,
    "A message could not be committed (disk full, store error); the sender got 503 and may retry. "
    "Check the store and the disk."};
inline constexpr Event kRetourComposed{
    "INTAKE_RETOUR_COMPOSED", Level::info,
    "sluis composed a retour or 325 for a message (level 2 with 0001, or as the answering gateway) and "
    "queued it in the sender's mailbox; heen=<id> names the message it answers."};
inline constexpr Event kOrphanHeld{
    "INTAKE_ORPHAN_HELD", Level::info,
    "A 305/307/323 names an allocation sluis does not know and its receiver has orphans = \"hold\": the "
    "message is held (not refused) until the 301 arrives. Expected during a migration window; many of them "
    "after it mean the allocations were not imported (sluisctl ledger-import)."};
inline constexpr Event kOrphanReleased{
    "INTAKE_ORPHAN_RELEASED", Level::info,
    "A held orphan was judged again because the allocation it waited for arrived; state=<new state>."};
inline constexpr Event kOrphanReleaseFailed{
    "INTAKE_ORPHAN_RELEASE_FAILED", Level::warning,
    "A held orphan could not be judged again (store error, or its body no longer validates after a schema "
    "change); it stays held. Inspect it with sluisctl message-show and release or reject it by hand."};
inline constexpr Event kLateMessage{"INTAKE_LATE_MESSAGE", Level::notice,
                                    "A message came later than the standard allows: a 305/307 more "
                                    "than 5 werkdagen after the start or stop "
                                    "(OP271/OP272), or a woonplaatsbeginsel refusal more than 2 "
                                    "weeks after the request (OP359). It is "
                                    "accepted, not refused; the sender's answer carries an "
                                    "advisory finding. late=<werkdagen or days> "
                                    "unit=werkdagen|dagen due=<last day on time>. Many of them "
                                    "from one partner: talk to that partner."};
inline constexpr Event kAfterCommitFailed{
    "INTAKE_AFTER_COMMIT_FAILED", Level::err,
    "Work after a message's commit failed (releasing the held orphans it brought allocations for, waking "
    "delivery, logging); the message stays as committed and its sender got the committed answer. error= says "
    "what failed. Orphans it did not release wait for the next allocation or sluisctl; report it."};

}  // namespace sluis::intake::events
