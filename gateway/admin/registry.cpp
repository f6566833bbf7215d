#include "gateway/admin/registry.hpp"

#include <boost/json/parse.hpp>
#include <exception>

#include "gateway/admin/events.hpp"

namespace sluis::admin {

Registry::Registry() {
  add("list-commands", "List every command this daemon answers, with its help text.", false,
      [this](const Request&) {
        boost::json::object cmds;
        for (const auto& [name, info] : commands_) cmds[name] = info.help;
        return ok(std::to_string(commands_.size()) + " commands", {{"commands", std::move(cmds)}});
      });
}

void Registry::add(std::string name, std::string help, bool changes_state, Handler handler) {
  std::string key = name;
  commands_[key] = CommandInfo{std::move(name), std::move(help), changes_state, std::move(handler)};
}

Answer Registry::dispatch_text(std::string_view text, uid_t peer_uid) const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return error("malformed request: not valid JSON (" + ec.message() + ")");
  return dispatch_value(v, peer_uid);
}

Answer Registry::dispatch_value(const boost::json::value& v, uid_t peer_uid) const {
  Peer peer;
  peer.uid = peer_uid;
  return dispatch_value(v, peer);
}

Answer Registry::dispatch_value(const boost::json::value& v, const Peer& peer) const {
  const auto* o = v.if_object();
  if (!o) return error("malformed request: expected a JSON object {\"command\": ..., \"arguments\": {...}}");
  Request r;
  r.peer_uid = peer.uid;
  r.peer_gid = peer.gid;
  r.peer_admin = peer.admin;
  const auto* c = o->if_contains("command");
  if (!c || !c->is_string()) return error("malformed request: \"command\" must be a string");
  r.command = c->as_string().c_str();
  if (const auto* a = o->if_contains("arguments")) {
    if (!a->is_object()) return error("malformed request: \"arguments\" must be an object");
    r.arguments = a->as_object();
  }
  for (const auto& [k, val] : *o)
    if (k != "command" && k != "arguments")
      return error("malformed request: unknown member \"" + std::string(k) + "\"");
  return dispatch(r);
}

Answer Registry::dispatch(const Request& r) const {
  auto it = commands_.find(r.command);
  if (it == commands_.end())
    return {kUnsupported, "unknown command '" + r.command + "'; try list-commands", {}};
  if (it->second.changes_state)
    core::log(events::kCommand, {{"command", r.command}, {"uid", static_cast<long>(r.peer_uid)}});
  try {
    return it->second.handler(r);
  } catch (const std::exception& e) {
    core::log(events::kCommandFailed, {{"command", r.command}, {"error", e.what()}});
    return error(r.command + " failed: " + e.what());
  }
}

}  // namespace sluis::admin
