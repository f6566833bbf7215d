#include "gateway/xml/finding_json.hpp"

namespace sluis::xml {

boost::json::object to_json(const standard::Finding& f) {
  boost::json::object o{{"origin", f.origin}, {"path", f.path}, {"nl", f.nl}, {"en", f.en}};
  if (!f.rule.empty()) o["rule"] = f.rule;
  if (!f.retourcode.empty()) o["retourcode"] = f.retourcode;
  if (f.line > 0) {
    o["line"] = f.line;
    o["column"] = f.column;
  }
  if (!f.value.empty()) o["value"] = f.value;
  if (!f.detail.empty()) o["detail"] = f.detail;
  return o;
}

boost::json::array to_json(const standard::Findings& fs) {
  boost::json::array a;
  for (const auto& f : fs) a.emplace_back(to_json(f));
  return a;
}

boost::json::object to_json(const Outcome& o) {
  boost::json::object j{{"verdict", to_string(o.verdict)}};
  if (o.identity) {
    j["law"] = standard::to_string(o.identity->type->law);
    j["type"] = o.identity->type->number;
    j["berichtcode"] = o.identity->type->berichtcode;
    j["release"] = o.identity->release;
  }
  j["findings"] = to_json(o.findings);
  return j;
}

}  // namespace sluis::xml
