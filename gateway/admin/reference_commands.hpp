// Admin commands for the reference lists of the external-list rules:
// `reference-get` (what is loaded, from where) and `reference-reload` (re-read
// the files; on any error the loaded lists stay).
#pragma once

#include <functional>

#include "gateway/admin/registry.hpp"

namespace sluis::admin {

struct ReferenceControl {
  std::function<boost::json::object()> describe;
  // Returns an empty string on success, else every error (the old lists stay).
  std::function<std::string()> reload;
};

void add_reference_commands(Registry& registry, ReferenceControl control);

}  // namespace sluis::admin
