// The documented example configurations, printed from the key tables of
// keys.hpp: every key with its help, allowed range or values and default, and
// the values of the example on top.
//
//   development  config/sluisd.toml: what scripts/run uses from the repository
//                root (relative paths, the development partners of var/pki/)
//   production   config/sluisd.production.toml: absolute paths under /etc/sluis
//                and /var/lib/sluis, no partners; what an operator must fill in
//                is marked "FILL IN"
//
// `sluisd --print-config-example NAME` prints one; the committed files are its
// output, and tests/unit/config holds them equal. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/config/keys.hpp"

namespace sluis::config {

enum class ExampleKind { development, production };

// "development" / "production"; nullopt for any other name.
std::optional<ExampleKind> example_named(std::string_view name);
// The file it is committed as, relative to the repository root.
std::string_view example_file(ExampleKind kind);
// The whole file.
std::string render_example(ExampleKind kind);

// How the examples state a key's default: a TOML value ("30s" quoted, 16,
// ["iwmo/3.2", "ijw/3.2"]), the computed default in words, "none", or
// "required" for keys of array entries without one.
std::string default_text(const Key& key);
// The allowed range or values in words ("1..1024 connections"); empty when any.
std::string allowed_text(const Key& key);

}  // namespace sluis::config
