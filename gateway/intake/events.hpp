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
inline constexpr Event kBodyRead{"INTAKE_BODY_READ", Level::info,
                                 "A partner fetched a message body from its mailbox (audited)."};

}  // namespace sluis::intake::events
