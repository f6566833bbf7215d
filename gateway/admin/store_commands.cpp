#include "gateway/admin/store_commands.hpp"

#include <boost/json/parse.hpp>

namespace sluis::admin {

namespace {
boost::json::object describe(const store::StoredMessage& m) {
  boost::system::error_code ec;
  auto findings = boost::json::parse(m.findings_json.empty() ? "[]" : m.findings_json, ec);
  return {{"id", m.id},
          {"law", m.law},
          {"type", m.type},
          {"release", m.release},
          {"from", m.sender_code},
          {"to", m.receiver_code},
          {"sender_partner", m.sender_partner},
          {"receiver_partner", m.receiver_partner},
          {"identificatie", m.identificatie},
          {"dagtekening", m.dagtekening},
          {"received_at", m.received_at},
          {"state", store::to_string(m.state)},
          {"attempts", m.attempts},
          {"last_error", m.last_error},
          {"size", m.size},
          {"sha256", m.sha256},
          {"http_status", m.http_status},
          {"shadow", m.shadow},
          {"findings", ec ? boost::json::value(boost::json::array{}) : findings}};
}
}  // namespace

void add_store_commands(Registry& registry, store::Store& db) {
  registry.add("backup",
               "Write an online copy of the store to a new file (argument: path; sluisctl backup PATH).",
               true, [&db](const Request& r) {
                 std::string path = string_arg(r, "path");
                 if (path.empty()) return error("backup needs a path: sluisctl backup /path/to/copy.db");
                 auto res = db.backup(path);
                 if (!res) return error("backup failed: " + res.error().text);
                 return ok("backup written to " + path, {{"path", path}});
               });
  registry.add("queue-summary", "Messages per state.", false, [&db](const Request&) {
    auto counts = db.count_by_state();
    if (!counts) return error(counts.error().text);
    boost::json::object states;
    std::int64_t total = 0;
    for (const auto& [s, n] : *counts) {
      states[store::to_string(s)] = n;
      total += n;
    }
    if (total == 0) return Answer{kEmpty, "no messages", {{"states", states}}};
    return ok(std::to_string(total) + " messages", {{"states", states}});
  });
  registry.add("message-show", "Metadata, state and findings of one message (argument: id).", false,
               [&db](const Request& r) {
                 std::string id = string_arg(r, "id");
                 if (id.empty()) return error("message-show needs an id: sluisctl message-show ID");
                 auto m = db.get(id);
                 if (!m) return error(m.error().text);
                 if (!m->has_value()) return Answer{kEmpty, "no message " + id, {}};
                 return ok("message " + id, {{"message", describe(**m)}});
               });
}

}  // namespace sluis::admin
