// Hardened streaming validation of one iWmo/iJw message (Xerces SAX2) against
// the locked grammar pool of a SchemaSet, and identification of the message
// (root namespace -> law, release, message; Header/BerichtCode).
//
// Hardening: the size cap is checked before parsing, and so is the encoding
// (UTF-8 without BOM, OP192; xml/encoding.hpp); DOCTYPE is refused (no
// DTDs, so no entity declarations at all); external entities and schemas are
// never loaded (default entity resolution off; the instance's
// xsi:schemaLocation is not followed: only the pool's grammars count); a
// SecurityManager caps entity expansions; the handler counts depth and stops
// at max_depth. Nothing reaches the network or the file system. Work per
// document is bounded: at most kMaxXsdFindings findings, each quoting at most
// a few KiB of the document. Xerces' own exceptions (out of memory included)
// end in an outcome, never leave validate().
//
// Findings carry the element path as the XSD conformance corpus writes it
// (local names, [n] when n > 1; a missing or misplaced child is reported at
// its parent), line and column, Xerces' text (personal values masked), and a
// plain Dutch/English explanation.
//
// Threading: a Validator is not thread-safe; make one per thread. They share
// the SchemaSet (immutable).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/finding.hpp"
#include "gateway/standard/model.hpp"
#include "gateway/xml/schema_set.hpp"

namespace sluis::xml {

enum class Verdict {
  valid,            // schema-valid, identified
  invalid,          // identified, XSD findings (level 1)
  not_xml,          // not well-formed, DOCTYPE, too deep, too large, not a Bericht
  unknown_message,  // a namespace no active pack knows (unknown or retired release)
};
std::string_view to_string(Verdict v);

struct Identity {
  const standard::MessageType* type = nullptr;
  std::string release;        // "3.2"
  std::string namespace_uri;
  std::string berichtcode;    // as found in Header/BerichtCode
  // Header facts the intake needs before the typed model exists (as found;
  // trust them only when the verdict is valid).
  std::string afzender, ontvanger;
  std::string identificatie, dagtekening;              // Header/BerichtIdentificatie
  std::string identificatie_retour, dagtekening_retour;  // retour headers
  std::string declaratie_identificatie, declaratie_dagtekening;  // 325 header
  std::vector<std::string> bsns;                       // every Bsn value, for the keyed hash only
};

struct Outcome {
  Verdict verdict = Verdict::not_xml;
  std::optional<Identity> identity;
  standard::Findings findings;
  std::optional<standard::model::Message> message;  // the typed model: valid and asked for
};

// Parsing stops after this many XSD findings, with one more finding saying
// so ("and more"): reading on cannot make the message valid, and each finding
// costs memory and answer size (25 MiB of undeclared elements would be a
// million of them).
inline constexpr std::size_t kMaxXsdFindings = 100;

// Whether validate() also reads the typed model, in the same SAX pass.
enum class ReadModel { no, yes };

class Validator {
 public:
  Validator(std::shared_ptr<const SchemaSet> schemas, const config::SchemasConfig& limits);
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  Outcome validate(std::string_view document, ReadModel read = ReadModel::no);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluis::xml
