#include "gateway/admin/body_mask.hpp"

#include "gateway/core/redact.hpp"
#include "gateway/standard/personal_data.hpp"

namespace sluis::admin {

std::string mask_body(std::string_view x) {
  return core::scrub_bsns(core::mask_elements(x, &standard::personal_mask));
}

}  // namespace sluis::admin
