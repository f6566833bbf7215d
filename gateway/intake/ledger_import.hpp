// The ledger bootstrap (`sluisctl ledger-import`): a region going live with
// years of history loads its current allocations, starts and stops from a
// batch of 301/305/307 messages, so that nothing is refused for lack of
// history.
//
// Every document is validated and judged as sluis judges a message (XSD,
// in-message and external-list rules, then the cross-message rules against
// the ledger as it stands, including the documents imported before it in the
// same batch: 301s first, then 305s, then 307s; TR379 excepted, since the
// requests behind old allocations are not imported). A document that passes
// establishes its ledger facts (approved); one that does not is refused with
// its findings and establishes nothing. The whole batch is one transaction: a
// dry run (apply = false) rolls it back and only reports.
//
// Threading: blocking; runs the store's writer for the batch's duration.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/finding.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::intake {

struct ImportDocument {
  std::string name;  // the file (and row) it came from, for the report
  std::string body;  // a 301/305/307 message; empty for a CSV row
  // A CSV row as the message it stands for (only what the ledger needs), or
  // why the row is unusable.
  std::optional<standard::model::Message> model;
  standard::Findings row_errors;
};

// A CSV export of allocations, starts and stops, one row each, with a header
// naming the columns (any order; "," or ";" separated):
//   soort (toewijzing | start | stop), wet (ijw | iwmo), gemeente, aanbieder,
//   bsn, toewijzingnummer, categorie, productcode, ingangsdatum, einddatum,
//   volume, eenheid, frequentie, budget (eurocent), begindatum, redenbeeindiging
// A start or stop names its allocation's ToewijzingNummer, product and
// Ingangsdatum (the start's key), its own begindatum; a stop also einddatum
// and redenbeeindiging. Rows become documents judged like messages.
std::vector<ImportDocument> csv_documents(std::string_view text, const std::string& name, const core::Date& today);

struct ImportResult {
  std::string name;
  int type = 0;              // 301, 305, 307; 0 when not identified
  bool imported = false;     // passed (in a dry run: would be imported)
  standard::Findings findings;  // why it was refused
};

struct ImportOptions {
  bool apply = false;        // false: a dry run
  std::string bsn_key;       // the daemon's secrets.bsn_hash_key
  core::Date today{};
  std::string actor;         // for the audit entry
  long uid = -1;
};

core::Result<std::vector<ImportResult>> ledger_import(store::MessageLog& store,
                                                      xml::Validator& validator,
                                                      const rules::ReferenceData* reference,
                                                      std::vector<ImportDocument> documents,
                                                      const ImportOptions& options);

}  // namespace sluis::intake
