// The schema configuration tests and benchmarks validate with: the repo's
// packs for both laws.
#pragma once

#include "gateway/config/config.hpp"
#include "tests/support/files.hpp"

namespace sluis::test {

inline config::SchemasConfig schemas_config() {
  config::SchemasConfig cfg;
  cfg.dir = source() / "schemas";
  cfg.packs = {"iwmo/3.2", "ijw/3.2"};
  return cfg;
}

}  // namespace sluis::test
