#include "gateway/config/config_json.hpp"

namespace sluis::config {

boost::json::object to_json(const Config& cfg) {
  // The reader recorded each key as it read it (reader.hpp): the keys and
  // their order come from keys.hpp's tables, not from a list kept here.
  return cfg.effective ? *cfg.effective : boost::json::object{};
}

}  // namespace sluis::config
