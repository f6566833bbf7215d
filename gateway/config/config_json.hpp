// The configuration as JSON for `config-get`: every key with its effective
// value, secrets shown only as their reference ("file:…"), never their bytes.
#pragma once

#include <boost/json/object.hpp>

#include "gateway/config/config.hpp"

namespace sluis::config {

boost::json::object to_json(const Config& cfg);

}  // namespace sluis::config
