// Log events of the admin module (catalog: docs/events.md).
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::admin::events {

using core::Event;
using core::Level;

inline constexpr Event kListening{"ADMIN_LISTENING", Level::info,
                                  "The admin socket accepts sluisctl connections."};
inline constexpr Event kCommand{"ADMIN_COMMAND", Level::notice,
                                "A state-changing admin command ran; uid is the caller's."};
inline constexpr Event kCommandFailed{"ADMIN_COMMAND_FAILED", Level::err,
                                      "An admin command threw; the daemon carries on. Report it."};
inline constexpr Event kGroupMissing{
    "ADMIN_GROUP_MISSING", Level::warning,
    "The admin socket's group does not exist; only the daemon's own user can connect. Create the "
    "group (systemd-sysusers) or set admin.group."};
inline constexpr Event kStaleSocket{"ADMIN_STALE_SOCKET", Level::notice,
                                    "A socket file left by an earlier sluisd was replaced."};
inline constexpr Event kTooMany{"ADMIN_TOO_MANY_CONNECTIONS", Level::warning,
                                "An admin connection was refused: admin.max_connections reached."};
inline constexpr Event kConnectionError{"ADMIN_CONNECTION_ERROR", Level::info,
                                        "An admin connection ended with an error (timeout, reset)."};

}  // namespace sluis::admin::events
