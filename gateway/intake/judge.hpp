// The checks a message gets before anything is stored, in one place for
// sluisd's intake and `sluisctl validate`: identify and validate (XSD) while
// reading the typed model in the same pass, then the rules (in-message and
// external-list). A rule finding makes a schema-valid message `invalid`
// (advice alone, Finding::advisory, leaves it valid); its findings follow the
// XSD's in the outcome.
//
// Threading: call on the thread that owns the validator (one per thread).
#pragma once

#include <string_view>

#include "gateway/core/date.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::intake {

// `reference` may be null: the external-list rules that need it are skipped.
// The outcome keeps the typed model of a valid message.
xml::Outcome judge(xml::Validator& validator, std::string_view document, const core::Date& today,
                   const rules::ReferenceData* reference);

}  // namespace sluis::intake
