#include "gateway/config/config.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gateway/config/reader.hpp"
#include "gateway/core/digest.hpp"

namespace sluis::config {

using detail::TableReader;
using namespace std::chrono_literals;

namespace {

std::string join_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += e;
  }
  return out;
}

std::filesystem::path env_dir(const char* name) {
  // systemd may pass several directories separated by ':'; the first is ours.
  const char* v = std::getenv(name);
  if (!v || !*v) return {};
  std::string s(v);
  return std::filesystem::path(s.substr(0, s.find(':')));
}

// ---- sections: one reader function each, defaults in the structs ----------

void read_admin(TableReader r, const Config& cfg, AdminConfig& a) {
  std::filesystem::path runtime = env_dir("RUNTIME_DIRECTORY");
  a.socket = r.path("socket", (runtime.empty() ? cfg.state_dir : runtime) / "sluisd.sock");
  a.group = r.string("group", a.group);
  a.group_required = r.boolean("group_required", a.group_required);
  a.max_connections = static_cast<int>(r.integer("max_connections", a.max_connections, 1, 1024));
  a.read_timeout = r.duration("read_timeout", a.read_timeout, 100ms, 3600s);
  a.max_request = r.size("max_request", a.max_request, 1024, 64ULL << 20);
  if (a.socket.string().size() >= 108)
    r.error_at("socket", "path is longer than a Unix socket address allows (107 bytes)");
  r.finish();
}

void read_secrets(TableReader r, const Config& cfg, SecretsConfig& s) {
  // Default: the systemd credential when the unit loads one, else the key
  // scripts/run generates under the state dir (when present).
  std::string def;
  std::filesystem::path creds = env_dir("CREDENTIALS_DIRECTORY");
  std::filesystem::path local = cfg.state_dir / "secrets" / "bsn-hash.key";
  std::error_code ec;
  if (!creds.empty() && std::filesystem::exists(creds / "bsn-hash.key", ec))
    def = "credential:bsn-hash.key";
  else if (std::filesystem::exists(local, ec))
    def = "file:" + local.string();
  s.bsn_hash_key = r.secret("bsn_hash_key", def);
  r.finish();
}

void read_root(TableReader r, Config& cfg) {
  std::filesystem::path state = env_dir("STATE_DIRECTORY");
  cfg.state_dir = r.path("state_dir", state.empty() ? std::filesystem::path("var") : state);
  std::string level = r.one_of("log_level", "info", {"err", "warning", "notice", "info", "debug"});
  core::parse_level(level, cfg.log_level);
  cfg.drain_timeout = r.duration("drain_timeout", cfg.drain_timeout, 0ms, 600s);
  read_admin(r.table("admin"), cfg, cfg.admin);
  read_secrets(r.table("secrets"), cfg, cfg.secrets);
  r.finish();
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

Config parse_config(std::string_view text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ConfigError({fmt::format("{}:{}:{}: {}", name, b.line, b.column, e.description())});
  }
  Config cfg;
  cfg.hash = core::sha256_hex(text);
  std::vector<std::string> errors;
  read_root(TableReader(&root, name, "", errors), cfg);
  if (!errors.empty()) throw ConfigError(std::move(errors));
  return cfg;
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError({fmt::format("{}: cannot open the configuration file", file.string())});
  std::ostringstream ss;
  ss << in.rdbuf();
  Config cfg = parse_config(ss.str(), file.string());
  cfg.source = std::filesystem::absolute(file).lexically_normal();
  return cfg;
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms % 86'400'000 == 0 && ms != 0) return fmt::format("{}d", ms / 86'400'000);
  if (ms % 3'600'000 == 0 && ms != 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0 && ms != 0) return fmt::format("{}m", ms / 60'000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string format_size(std::uint64_t b) {
  if (b != 0 && b % (1ULL << 30) == 0) return fmt::format("{}GiB", b >> 30);
  if (b != 0 && b % (1ULL << 20) == 0) return fmt::format("{}MiB", b >> 20);
  if (b != 0 && b % (1ULL << 10) == 0) return fmt::format("{}KiB", b >> 10);
  return fmt::format("{}B", b);
}

}  // namespace sluis::config
