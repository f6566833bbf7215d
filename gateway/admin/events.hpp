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
inline constexpr Event kRefused{
    "ADMIN_COMMAND_REFUSED", Level::notice,
    "An admin command was refused: the caller (uid=) is not root, sluisd's own user or a member of "
    "admin.group, and the command reads message data or files or changes state. Nothing ran."};
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
inline constexpr Event kConnectionFailed{
    "ADMIN_CONNECTION_FAILED", Level::err,
    "Serving an admin connection (conn=<n>, uid=<peer>) threw; that connection is closed, the socket keeps "
    "serving. Report it."};
inline constexpr Event kBackup{"ADMIN_BACKUP", Level::notice,
                               "sluisctl backup wrote an online copy of the store (file=<path>, uid=<caller>)."};
inline constexpr Event kCancelled{
    "ADMIN_COMMAND_CANCELLED", Level::notice,
    "A long admin command (backup, prune, a bulk queue action, ledger-import) stopped at a step "
    "boundary: its caller closed the connection or the daemon stopped (command=, uid=, done= of "
    "total=). What it finished stays (a bulk action or an import: its committed batches); a backup "
    "leaves no file."};

}  // namespace sluis::admin::events
