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
// Threading: add() during start-up only; dispatch() from the admin thread
// (server.hpp: the App's own admin io_context, never the HTTPS io thread).
// Handlers are synchronous and run there one at a time: they may block (a
// backup runs for minutes) without stalling partners, but a long command
// delays the next admin command until it ends or is cancelled. A handler that
// reads or changes state owned by the io thread (status, configuration,
// reload, shutdown, the reference lists, anything of intake, net or delivery)
// goes through the App (admin::DaemonControl and the functions the App hands
// in), which posts the work to the io thread and waits for it there; the io
// thread never waits on the admin thread. The store may be called directly
// (store.hpp: any thread). Long commands (backup, prune, bulk queue actions)
// report progress and stop when cancelled through job(request) (command.hpp).
// Handlers never throw to the socket (dispatch turns an escaped exception
// into result 1).
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
  // `job`: the connection's (progress lines, cancel); null: inert.
  Answer dispatch_value(const boost::json::value& v, const Peer& peer, Job* job = nullptr) const;
  // Runs one request: refused unless the command's Access allows the peer.
  Answer dispatch(const Request& r) const;
  const std::map<std::string, CommandInfo, std::less<>>& commands() const { return commands_; }

 private:
  std::map<std::string, CommandInfo, std::less<>> commands_;
};

}  // namespace sluis::admin
