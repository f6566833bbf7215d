// General explanations for `sluisctl explain CODE`, `sluisctl rules-list` and
// GET /v1/retourcodes/{code}: a retourcode (WJ001) with the standard's text
// and the registry rules that yield it, or a rule id with its statement.
//
// Threading: pure functions over static data.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/rules/engine.hpp"
#include "gateway/standard/retourcodes.hpp"

namespace sluis::rules {

struct Explanation {
  std::string code;  // the retourcode asked for (or of the rule asked for)
  const standard::Retourcode* retourcode = nullptr;
  std::vector<const Rule*> rules;  // registry rules giving it (or the rule asked for)
  std::vector<std::string>
      elsewhere;                 // rules of the 3.2 list giving it that live outside the registry
  std::string hint_nl, hint_en;  // how to fix, in general
};

// `code` is a retourcode ("9346", "0001") or a rule id ("CS340"); nullopt when neither.
std::optional<Explanation> explain(std::string_view code);

// The registry rules for a message number (0: all).
std::vector<const Rule*> rules_for(int message_number);

// JSON for the HTTP API and `sluisctl --json`: {code, text_nl, text_en,
// rules: [{id, level, retourcode, messages, nl, en}], other_rules, hint_nl, hint_en}.
boost::json::object to_json(const Explanation& e);
boost::json::object to_json(const Rule& r);

}  // namespace sluis::rules
