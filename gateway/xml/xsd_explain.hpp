// Plain Dutch and English for the schema errors Xerces-C reports.
//
// Xerces words an XSD failure for a schema author ("value '8' not in
// enumeration", "element 'Ontvanger' is not allowed for content model
// '(…)'"). A provider needs to know which element, which value, what the
// standard allows there and what to change. explain_xsd_error() recognises
// the messages Xerces gives for iWmo/iJw messages (enumerations, patterns,
// lengths, ranges, dates and times, content models, unknown elements and
// attributes, text where none belongs) and says that in both languages, with
// the element's code list or the meaning of its pattern where the schema has
// one. A message it does not know gets a general text with Xerces' own words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluis::xml {

// What the schema says of the element a finding is about (its declaration's
// simple type), for the explanation.
struct SchemaFacts {
  std::string type;                // the named simple type, e.g. "LDT_RedenVerzoek"; empty when none
  std::vector<std::string> codes;  // the type's enumeration, when it has one
  std::string release{};           // the release of the message's pack, e.g. "3.2"; empty when unknown
};

struct Explanation {
  std::string nl;  // what is wrong and how to fix it
  std::string en;
};

// `detail` is Xerces' message (personal values already masked), `element` the
// local name of the element the finding is about, `value` its value (masked
// when personal, empty when unknown or too long to quote).
Explanation explain_xsd_error(std::string_view detail, std::string_view element, std::string_view value,
                              const SchemaFacts& facts);

}  // namespace sluis::xml
