#include "gateway/xml/finding_json.hpp"

#include <boost/json/serialize.hpp>

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
  if (f.advisory) o["advisory"] = true;
  return o;
}

boost::json::array to_json(const standard::Findings& fs, const standard::Findings& always) {
  // A last finding of sluis's own ends the list with a word about the whole
  // message (the validator's "reading stopped, there may be more"): when the
  // listing is cut, it is still listed, after the others.
  const bool closing = !fs.empty() && fs.back().origin == "sluis";
  boost::json::array a;
  std::size_t bytes = 0;
  for (const auto& f : fs) {
    if (a.size() == kListedFindings) break;
    auto o = to_json(f);
    // The first is always listed (the validator keeps each under a few KiB).
    bytes += boost::json::serialize(o).size() + 1;
    if (!a.empty() && bytes > kListedBytes) break;
    a.emplace_back(std::move(o));
  }
  const bool cut = a.size() < fs.size();
  const bool keep_last = cut && closing && a.size() + 1 < fs.size();
  if (keep_last) a.emplace_back(to_json(fs.back()));
  const std::size_t first_listed = keep_last ? a.size() - 1 : a.size();
  for (const auto& f : always) a.emplace_back(to_json(f));
  if (cut) {
    const std::size_t all = fs.size() + always.size(), listed = a.size(), omitted = all - listed;
    const std::string total = std::to_string(all), more = std::to_string(omitted);
    const std::string first = std::to_string(first_listed);
    standard::Finding f;
    f.origin = "sluis";
    f.path = "/";
    f.nl = "Er zijn " + total + " bevindingen; de eerste " + first + (keep_last ? " en de laatste" : "") +
           " staan hierboven, " + more + " zijn weggelaten om het antwoord klein te houden.";
    f.en = "There are " + total + " findings; the first " + first + (keep_last ? " and the last" : "") +
           " are listed above, " + more + " are left out to keep the answer small.";
    auto o = to_json(f);
    o["omitted"] = omitted;
    o["findings_total"] = all;
    a.emplace_back(std::move(o));
  }
  return a;
}

void put_findings(boost::json::object& o, const standard::Findings& fs) {
  o["findings"] = to_json(fs);
  o["findings_total"] = fs.size();
}

boost::json::object to_json(const Outcome& o) {
  boost::json::object j{{"verdict", to_string(o.verdict)}};
  if (o.identity) {
    j["law"] = standard::to_string(o.identity->type->law);
    j["type"] = o.identity->type->number;
    j["berichtcode"] = o.identity->type->berichtcode;
    j["release"] = o.identity->release;
  }
  put_findings(j, o.findings);
  return j;
}

}  // namespace sluis::xml
