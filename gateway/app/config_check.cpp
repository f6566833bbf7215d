#include "gateway/app/config_check.hpp"

#include "gateway/net/partners.hpp"
#include "gateway/net/tls.hpp"
#include "gateway/route/delivery.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/xml/schema_set.hpp"

namespace sluis::app {

std::string missing_bsn_hash_key(const config::Config& cfg) {
  return cfg.source.string() +
         ": secrets.bsn_hash_key: no key for hashing BSNs (the store indexes BSNs only as keyed "
         "hashes); see config/sluisd.toml";
}

CheckedConfig check_config_file(const std::filesystem::path& file) {
  CheckedConfig out;
  try {
    out.config = std::make_shared<const config::Config>(config::load_config(file));
  } catch (const config::ConfigError& e) {
    out.errors = e.errors();
    return out;
  }
  // Everything start-up would load from it.
  const config::Config& cfg = *out.config;
  auto add = [&](const std::string& text) { out.errors.push_back(file.string() + ": " + text); };
  if (cfg.https.enabled)
    for (auto& e : net::check_tls(cfg.https.tls)) add(e);
  for (auto& e : net::check_partners(cfg.partners)) add(e);
  if (auto lanes = route::build_lanes(cfg); !lanes) add(lanes.error().text);
  if (auto schemas = xml::SchemaSet::load(cfg.schemas); !schemas)
    add("[schemas] " + schemas.error().text);
  else
    out.schemas = *schemas;
  bool reference_ok = true;
  try {
    out.warnings = rules::reference_warnings(*rules::load_reference(cfg.reference), cfg.reference);
  } catch (const std::exception& e) {
    reference_ok = false;
    add(std::string("[reference] ") + e.what());
  }
  if (reference_ok && cfg.contracts.configured()) try {
      rules::load_reference(cfg.reference, cfg.contracts);
    } catch (const std::exception& e) {
      add(std::string("[contracts] ") + e.what());
    }
  if (cfg.secrets.bsn_hash_key.empty()) out.errors.push_back(missing_bsn_hash_key(cfg));
  return out;
}

}  // namespace sluis::app
