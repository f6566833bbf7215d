// Findings and validation outcomes as JSON (the keys of the HTTP API and of
// `sluisctl validate --json`).
#pragma once

#include <boost/json/object.hpp>

#include "gateway/standard/finding.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::xml {

boost::json::object to_json(const standard::Finding& f);
boost::json::array to_json(const standard::Findings& fs);
// {"verdict", "law", "type", "berichtcode", "release", "findings"}
boost::json::object to_json(const Outcome& o);

}  // namespace sluis::xml
