#include "gateway/intake/judge.hpp"

#include <algorithm>

#include "gateway/rules/engine.hpp"

namespace sluis::intake {

xml::Outcome judge(xml::Validator& validator, std::string_view document, const core::Date& today,
                   const rules::ReferenceData* reference) {
  xml::Outcome out = validator.validate(document, xml::ReadModel::yes);
  if (out.verdict != xml::Verdict::valid || !out.message) return out;
  auto found = rules::check(rules::Context{*out.message, today, reference, nullptr, {}});
  if (found.empty()) return out;
  // Advice (a finding that refuses nothing, e.g. SL001 when the region set no
  // retourcode) leaves the message valid.
  if (!std::all_of(found.begin(), found.end(), [](const standard::Finding& f) { return f.advisory; }))
    out.verdict = xml::Verdict::invalid;
  for (auto& f : found) out.findings.push_back(std::move(f));
  return out;
}

}  // namespace sluis::intake
