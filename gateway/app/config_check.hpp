// The one check of a configuration file. `sluisd --check-config`, the admin
// command `config-test` and a reload (SIGHUP, `config-reload`) all call
// check_config_file, so the three refuse the same files with the same errors.
//
// It parses the file (config::load_config: syntax, unknown keys, types,
// ranges, secrets read) and then checks everything start-up would load from
// it: the listener's certificate, key, CAs and CRLs (when https is enabled),
// the partners' certificate identities, the delivery lanes (push and drop
// destinations), the schema packs, the reference lists, the contracts, and that a BSN hash
// key is configured.
//
// Threading: a pure function of the file and the files it names; callable from
// any thread. It reads files and builds (and drops) a TLS context and the
// schema grammars, so it takes a while: a reload pays it before swapping, and
// uses the schema set loaded here (so a reload applies `[schemas]` and packs
// changed on disk, e.g. a new release's packs added to `packs`).
// Failure: every problem found is an error text, "file:line:col: text" from
// the reader or "file: text" from the later checks; a file that does not parse
// yields only the reader's errors. Nothing is thrown for a bad file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace sluis::xml {
class SchemaSet;
}

namespace sluis::app {

struct CheckedConfig {
  // The parsed configuration; null when the file does not parse.
  std::shared_ptr<const config::Config> config;
  // Every error found; empty when the configuration may be used.
  std::vector<std::string> errors;
  // What loads but looks wrong (rules::reference_warnings); never a refusal.
  std::vector<std::string> warnings;
  // The schema packs it names, loaded and locked; null when they do not load.
  std::shared_ptr<const xml::SchemaSet> schemas;
};

CheckedConfig check_config_file(const std::filesystem::path& file);

// The error for a configuration without a BSN hash key (start-up and the check).
std::string missing_bsn_hash_key(const config::Config& cfg);

}  // namespace sluis::app
