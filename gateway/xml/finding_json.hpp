// Findings and validation outcomes as JSON (the keys of the HTTP API and of
// `sluisctl validate --json`).
//
// A list of findings is bounded, whatever the message: at most kListedFindings
// findings and about kListedBytes of them are listed. When some are left out,
// the list ends with one finding of origin "sluis" saying how many of how many
// (nl/en), with "omitted" (how many are not listed) and "findings_total"; a
// last finding of origin "sluis" (a word about the whole message, such as the
// validator's "reading stopped") is listed before it even then.
// Only the listing is cut: the findings themselves (a retour or 325 composed
// from them, the ledger's changes) are all kept by their callers.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>

#include "gateway/standard/finding.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::xml {

inline constexpr std::size_t kListedFindings = 100;
inline constexpr std::size_t kListedBytes = 48 * 1024;  // so that an answer stays under 64 KiB

boost::json::object to_json(const standard::Finding& f);
// The findings, bounded as above; `always` (a few, e.g. advice on deadlines)
// are listed after them whatever the bounds, before the closing note, and
// counted in its total.
boost::json::array to_json(const standard::Findings& fs, const standard::Findings& always = {});
// {"verdict", "law", "type", "berichtcode", "release", "findings", "findings_total"}
boost::json::object to_json(const Outcome& o);
// Sets "findings" (bounded as above) and "findings_total" (all of them) in `o`.
void put_findings(boost::json::object& o, const standard::Findings& fs);

}  // namespace sluis::xml
