#include "gateway/standard/personal_data.hpp"

namespace sluis::standard {

core::Mask personal_mask(std::string_view local_name) {
  for (const auto& e : kPersonalElements)
    if (e.name == local_name) return e.mask;
  return core::Mask::none;
}

namespace {
// The log scrubber masks these elements in any program that links the list
// (sluisd and sluisctl do, through the validator and the body mask): core
// cannot name them itself, it sits below the standard.
[[maybe_unused]] const bool kLogScrubberTold = (core::set_log_element_masks(&personal_mask), true);
}  // namespace

}  // namespace sluis::standard
