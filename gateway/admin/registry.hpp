// The admin command registry: one table of every command sluisd answers, with
// its help text and who may run it (Access). The permission is declared here,
// per command, and checked once in dispatch(), before the handler runs:
//
//   Access::open    any peer that can connect to the socket: counts,
//                   descriptions and health, never message data or files
//                   (status-get, list-commands, queue-summary, reference-get);
//   Access::admin   admin peers only: reads message data or files
//                   (message-show, queue-list, orphan-list, overdue, config-get,
//                   config-test);
//   Access::change  admin peers only: changes state; logged (ADMIN_COMMAND)
//                   with the caller's uid.
//
// An admin peer is root, the user sluisd runs as, or a member of admin.group
// (server.hpp: from SO_PEERCRED, never from anything the client says). Any
// other peer asking for an admin command gets result 1 with arguments
// {"reason": "not_permitted"} (kNotPermitted) and the handler does not run;
// sluisctl exits 77 then. Adding a command is one add() call in its family's
// file (daemon_commands.cpp, queue_commands.cpp …), and its Access must be
// named there.
//
// Threading: add() during start-up only; dispatch() from the io_context
// thread. Handlers are synchronous and must not block for long; they never
// throw to the socket (dispatch turns an escaped exception into result 1).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "gateway/admin/command.hpp"

namespace sluis::admin {

using Handler = std::function<Answer(const Request&)>;

enum class Access {
  open,    // any peer that can connect
  admin,   // admin peers: reads message data or files
  change,  // admin peers: changes state (logged with the caller's uid)
};
std::string_view to_string(Access a);

// The machine-readable reason of a refusal: arguments {"reason": "not_permitted"}.
inline constexpr std::string_view kNotPermitted = "not_permitted";

struct CommandInfo {
  std::string name;
  std::string help;
  Access access = Access::admin;
  Handler handler;
};

class Registry {
 public:
  Registry();  // registers list-commands
  void add(std::string name, std::string help, Access access, Handler handler);
  // Parses and runs one request document (the bytes a client sent) for the
  // peer the server saw.
  Answer dispatch_text(std::string_view text, const Peer& peer) const;
  Answer dispatch_value(const boost::json::value& v, const Peer& peer) const;
  // Runs one request: refused unless the command's Access allows the peer.
  Answer dispatch(const Request& r) const;
  const std::map<std::string, CommandInfo, std::less<>>& commands() const { return commands_; }

 private:
  std::map<std::string, CommandInfo, std::less<>> commands_;
};

}  // namespace sluis::admin
