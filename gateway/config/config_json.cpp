#include "gateway/config/config_json.hpp"

namespace sluis::config {

namespace {
boost::json::value secret_json(const Secret& s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s.reference() + " (redacted)");
}
}  // namespace

boost::json::object to_json(const Config& cfg) {
  boost::json::object admin{
      {"socket", cfg.admin.socket.string()},
      {"group", cfg.admin.group},
      {"group_required", cfg.admin.group_required},
      {"max_connections", cfg.admin.max_connections},
      {"read_timeout", format_duration(cfg.admin.read_timeout)},
      {"max_request", format_size(cfg.admin.max_request)},
  };
  boost::json::object secrets{{"bsn_hash_key", secret_json(cfg.secrets.bsn_hash_key)}};
  return boost::json::object{
      {"state_dir", cfg.state_dir.string()},
      {"log_level", std::string(core::level_name(cfg.log_level))},
      {"drain_timeout", format_duration(cfg.drain_timeout)},
      {"admin", std::move(admin)},
      {"secrets", std::move(secrets)},
  };
}

}  // namespace sluis::config
