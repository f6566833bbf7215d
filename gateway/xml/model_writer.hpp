// Writes a typed message (standard/model.hpp) as XML: retours, 325s, and the
// heenberichten the load generator and tests send.
//
// Canonical output: UTF-8 without BOM, an XML declaration naming the encoding,
// two-space indentation (Layout::compact: none, no line breaks between
// elements, about a third smaller — for documents near the chain's 25 MB),
// the message namespace bound to its own prefix ("jw302", "wmo325") and the basisschema to "ijw" / "iwmo", declared once on
// the root; elements in the order the model's visit() lists them (schema
// order). Optional elements that are absent and empty lists are left out;
// RetourCodes are written where a class has codes.
//
// The writer serializes; it decides nothing. Which classes a retour carries
// and which codes is for the rules (standard/model.hpp: make_retour, make_325).
//
// Threading: pure function.
#pragma once

#include <string>

#include "gateway/standard/model.hpp"

namespace sluis::xml {

enum class Layout { indented, compact };

std::string write_message(const standard::model::Message& message, Layout layout = Layout::indented);

}  // namespace sluis::xml
