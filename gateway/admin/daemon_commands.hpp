// The daemon's own admin commands: status-get, config-test, config-get,
// config-reload, shutdown. The App implements DaemonControl; the commands only
// translate between it and the protocol.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"

namespace sluis::admin {

struct ReloadOutcome {
  bool ok = false;
  std::vector<std::string> errors;  // each "file:line:col: text"
  std::vector<std::string> notes;   // e.g. keys that need a restart to take effect
};

class DaemonControl {
 public:
  virtual ~DaemonControl() = default;
  virtual boost::json::object status() const = 0;
  virtual const config::Config& current_config() const = 0;
  // Same code path as `sluisd --check-config`.
  virtual std::vector<std::string> check_config(const std::filesystem::path& file) const = 0;
  virtual ReloadOutcome reload_config() = 0;
  virtual void request_shutdown() = 0;
};

void add_daemon_commands(Registry& registry, DaemonControl& daemon);

}  // namespace sluis::admin
