// The admin command registry: one table of every command sluisd answers, with
// its help text and whether it changes state (those are logged and audited
// with the peer's uid). Adding a command is one add() call in its family's
// file (daemon_commands.cpp, and later queue_commands.cpp …).
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

struct CommandInfo {
  std::string name;
  std::string help;
  bool changes_state = false;
  Handler handler;
};

class Registry {
 public:
  Registry();  // registers list-commands
  void add(std::string name, std::string help, bool changes_state, Handler handler);
  // Parses and runs one request document (the bytes a client sent).
  Answer dispatch_text(std::string_view text, uid_t peer_uid) const;
  Answer dispatch_value(const boost::json::value& v, uid_t peer_uid) const;
  // As above with everything the server knows of the peer.
  Answer dispatch_value(const boost::json::value& v, const Peer& peer) const;
  Answer dispatch(const Request& r) const;
  const std::map<std::string, CommandInfo, std::less<>>& commands() const { return commands_; }

 private:
  std::map<std::string, CommandInfo, std::less<>> commands_;
};

}  // namespace sluis::admin
