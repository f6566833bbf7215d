// A finding: one thing wrong with a message, explained so that its sender can
// fix it without opening the standard. Produced by the XSD validator (origin
// "xsd"), the rules (origin: the rule id, e.g. "TR018") and the gateway itself
// (origin "sluis").
// The JSON keys of the HTTP API and `sluisctl validate --json` are the member
// names: origin, rule, retourcode, path, line, column, value, nl, en, detail, advisory
// (present only when true).
//
// Privacy: `value` and the texts never hold personal data in clear; the
// producer masks them (core/redact.hpp).
#pragma once

#include <string>
#include <vector>

namespace sluis::standard {

struct Finding {
  std::string origin;      // "xsd", the rule id ("TR056"), or "sluis" (the gateway's own checks)
  std::string rule;        // standard's rule id ("TR135", "CS002"); empty for xsd
  std::string retourcode;  // retourcode the finding yields ("8848"); empty when none
  std::string path;        // element path, local names: "/Bericht/Client/Bsn" ([n] when n > 1)
  int line = 0;
  int column = 0;
  std::string value;       // the offending value, masked when personal
  std::string nl;          // what is wrong and how to fix it, Dutch
  std::string en;          // the same in English
  std::string detail;      // the validator's own message (xsd), masked
  // Advice only: the finding refuses nothing and carries no retourcode (a
  // rule of sluis's own the region configured as advisory, e.g. SL001).
  bool advisory = false;
};

using Findings = std::vector<Finding>;

}  // namespace sluis::standard
