#include "gateway/admin/registry.hpp"

#include <boost/json/parse.hpp>
#include <exception>

#include "gateway/admin/events.hpp"

namespace sluis::admin {

namespace {

std::string uid_text(uid_t uid) {
  return uid == static_cast<uid_t>(-1) ? std::string("unknown")
                                       : std::to_string(static_cast<long>(uid));
}

// The refusal of an admin command to a peer that is not an admin peer.
Answer not_permitted(const Request& r) {
  const std::string who = uid_text(r.peer_uid);
  Answer a = error(
      "niet toegestaan / not permitted: " + r.command +
      " is alleen voor root, de gebruiker van sluisd of een lid van admin.group (u bent uid " +
      who + ") / is for root, sluisd's own user or a member of admin.group only (you are uid " +
      who + ")");
  a.arguments["reason"] = std::string(kNotPermitted);
  a.arguments["command"] = r.command;
  return a;
}

}  // namespace

std::string_view to_string(Access a) {
  switch (a) {
    case Access::open:
      return "open";
    case Access::admin:
      return "admin";
    case Access::change:
      return "change";
  }
  return "admin";
}

Registry::Registry() {
  add("list-commands",
      "List every command this daemon answers, with its help text and who may run it (access: open "
      "= any "
      "peer, admin = admin peers, change = admin peers, changes state).",
      Access::open, [this](const Request&) {
        boost::json::object cmds, access;
        for (const auto& [name, info] : commands_) {
          cmds[name] = info.help;
          access[name] = to_string(info.access);
        }
        return ok(std::to_string(commands_.size()) + " commands",
                  {{"commands", std::move(cmds)}, {"access", std::move(access)}});
      });
}

void Registry::add(std::string name, std::string help, Access access, Handler handler) {
  std::string key = name;
  commands_[key] = CommandInfo{std::move(name), std::move(help), access, std::move(handler)};
}

Answer Registry::dispatch_text(std::string_view text, const Peer& peer) const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return error("malformed request: not valid JSON (" + ec.message() + ")");
  return dispatch_value(v, peer);
}

Answer Registry::dispatch_value(const boost::json::value& v, const Peer& peer, Job* job) const {
  const auto* o = v.if_object();
  if (!o)
    return error(
        "malformed request: expected a JSON object {\"command\": ..., \"arguments\": {...}}");
  Request r;
  r.peer_uid = peer.uid;
  r.peer_gid = peer.gid;
  r.peer_admin = peer.admin;
  r.job = job;
  const auto* c = o->if_contains("command");
  if (!c || !c->is_string()) return error("malformed request: \"command\" must be a string");
  r.command = c->as_string().c_str();
  if (const auto* a = o->if_contains("arguments")) {
    if (!a->is_object()) return error("malformed request: \"arguments\" must be an object");
    r.arguments = a->as_object();
  }
  if (const auto* p = o->if_contains("progress"); p && !p->is_bool())
    return error("malformed request: \"progress\" must be true or false");
  for (const auto& [k, val] : *o)
    if (k != "command" && k != "arguments" && k != "progress")
      return error("malformed request: unknown member \"" + std::string(k) + "\"");
  return dispatch(r);
}

Answer Registry::dispatch(const Request& r) const {
  auto it = commands_.find(r.command);
  if (it == commands_.end())
    return {kUnsupported, "unknown command '" + r.command + "'; try list-commands", {}};
  const CommandInfo& info = it->second;
  // The one permission check: an admin peer is known only from SO_PEERCRED
  // (peer_admin is false, and the uid -1, when the server could not read it);
  // what an admin command does is audited with that uid, so an unknown one
  // never runs it.
  if (info.access != Access::open && (!r.peer_admin || r.peer_uid == static_cast<uid_t>(-1))) {
    core::log(events::kRefused, {{"command", r.command}, {"uid", uid_text(r.peer_uid)}});
    return not_permitted(r);
  }
  if (info.access == Access::change)
    core::log(events::kCommand, {{"command", r.command}, {"uid", static_cast<long>(r.peer_uid)}});
  try {
    return info.handler(r);
  } catch (const std::exception& e) {
    core::log(events::kCommandFailed, {{"command", r.command}, {"error", e.what()}});
    return error(r.command + " failed: " + e.what());
  } catch (...) {
    core::log(events::kCommandFailed,
              {{"command", r.command}, {"error", "an exception of unknown type"}});
    return error(r.command + " failed: an exception of unknown type");
  }
}

}  // namespace sluis::admin
