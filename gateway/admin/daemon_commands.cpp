#include "gateway/admin/daemon_commands.hpp"

#include "gateway/config/config_json.hpp"

namespace sluis::admin {

namespace {
boost::json::array to_array(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
}  // namespace

void add_daemon_commands(Registry& registry, DaemonControl& daemon) {
  registry.add("status-get",
               "Version, pid, uptime, config hash and every listener as a URL.", Access::open,
               [&daemon](const Request&) { return ok("sluisd is running", daemon.status()); });

  registry.add("config-test",
               "Check a configuration file without applying it (argument: file; default: the "
               "running file). Same checks as sluisd --check-config.",
               Access::admin, [&daemon](const Request& r) {
                 std::filesystem::path file = string_arg(r, "file");
                 if (file.empty()) file = daemon.current_config()->source;
                 auto checked = daemon.check_config(file);
                 const auto& errors = checked.errors;
                 const std::string warned =
                     checked.warnings.empty()
                         ? ""
                         : " (" + std::to_string(checked.warnings.size()) + " warning(s))";
                 Answer a = errors.empty() ? ok("configuration " + file.string() + " is valid" + warned)
                                           : error("configuration " + file.string() + " has " +
                                                   std::to_string(errors.size()) + " error(s)" + warned);
                 if (!errors.empty()) a.arguments["errors"] = to_array(errors);
                 if (!checked.warnings.empty()) a.arguments["warnings"] = to_array(checked.warnings);
                 return a;
               });

  registry.add("config-get", "The running configuration, secrets redacted.", Access::admin,
               [&daemon](const Request&) {
                 const auto snapshot = daemon.current_config();
                 const auto& cfg = *snapshot;
                 return ok("running configuration from " + cfg.source.string(),
                           {{"config", config::to_json(cfg)}, {"hash", cfg.hash}});
               });

  registry.add("config-reload",
               "Re-read the configuration file; on any error keep the running one.", Access::change,
               [&daemon](const Request&) {
                 ReloadOutcome out = daemon.reload_config();
                 Answer a = out.ok ? ok("configuration reloaded")
                                   : error("configuration not reloaded; the running one stays");
                 if (!out.errors.empty()) a.arguments["errors"] = to_array(out.errors);
                 if (!out.notes.empty()) a.arguments["notes"] = to_array(out.notes);
                 return a;
               });

  registry.add("shutdown", "Stop sluisd gracefully (finish in-flight work, then exit).", Access::change,
               [&daemon](const Request&) {
                 daemon.request_shutdown();
                 return ok("shutting down");
               });
}

}  // namespace sluis::admin
