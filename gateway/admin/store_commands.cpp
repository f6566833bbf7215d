#include "gateway/admin/store_commands.hpp"

#include "gateway/admin/queue_commands.hpp"

namespace sluis::admin {

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
  add_queue_commands(registry, db);
}

}  // namespace sluis::admin
