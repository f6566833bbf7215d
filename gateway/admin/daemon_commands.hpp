// The daemon's own admin commands: status-get, config-test, config-get,
// config-reload, shutdown. The App implements DaemonControl; the commands only
// translate between it and the protocol.
//
// Threading: the commands run on the admin thread (registry.hpp); every
// DaemonControl method may be called from it. The App answers status(),
// current_config() and reload_config() by posting to its io thread and
// waiting there; check_config() reads files on the caller's thread;
// request_shutdown() posts and returns.
#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <memory>
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

// A configuration file checked: errors refuse it, warnings do not.
struct ConfigCheck {
  std::vector<std::string> errors;    // each "file:line:col: text" or "file: text"
  std::vector<std::string> warnings;  // each "file: text"
};

class DaemonControl {
 public:
  virtual ~DaemonControl() = default;
  virtual boost::json::object status() const = 0;
  // The running configuration (a snapshot: a reload swaps in another).
  virtual std::shared_ptr<const config::Config> current_config() const = 0;
  // Same code path as `sluisd --check-config`.
  virtual ConfigCheck check_config(const std::filesystem::path& file) const = 0;
  virtual ReloadOutcome reload_config() = 0;
  virtual void request_shutdown() = 0;
};

void add_daemon_commands(Registry& registry, DaemonControl& daemon);

}  // namespace sluis::admin
