// Loads the reference lists (reference.hpp) from the files [reference] names:
// the one loader of sluisd (start-up, reference-reload, check-config) and of
// `sluisctl validate`. The lists' parsers stay free of I/O; this function only
// reads the two files and hands their text to them.
//
// Threading: a plain function; the result is immutable and shared.
// Failure: std::runtime_error naming the file (and the line, for a bad row).
#pragma once

#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/rules/reference.hpp"

namespace sluis::rules {

std::shared_ptr<const ReferenceData> load_reference(const config::ReferenceConfig& cfg);

}  // namespace sluis::rules
