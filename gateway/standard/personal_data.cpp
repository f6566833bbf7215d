#include "gateway/standard/personal_data.hpp"

namespace sluis::standard {

core::Mask personal_mask(std::string_view local_name) {
  for (const auto& e : kPersonalElements)
    if (e.name == local_name) return e.mask;
  return core::Mask::none;
}

}  // namespace sluis::standard
