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
  registry.add("orphan-list",
               "Messages held as orphans (orphans = \"hold\") and the allocations they wait for (argument: "
               "limit, default 100).",
               false, [&db](const Request& r) {
                 std::string l = string_arg(r, "limit");
                 int limit = l.empty() ? 100 : std::atoi(l.c_str());
                 if (limit <= 0) return error("orphan-list: limit must be a positive number");
                 auto list = db.orphans(limit);
                 if (!list) return error(list.error().text);
                 if (list->empty()) return Answer{kEmpty, "no held orphans", {}};
                 boost::json::array rows;
                 for (const auto& o : *list)
                   rows.push_back(boost::json::object{{"message", o.message_id},
                                                      {"law", o.waits_for.law},
                                                      {"gemeente", o.waits_for.gemeente},
                                                      {"toewijzing_nummer", o.waits_for.toewijzing_nummer}});
                 return ok(std::to_string(list->size()) + " allocations awaited", {{"orphans", rows}});
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
