// The ledger bootstrap (`sluisctl ledger-import`, run by sluisd for its admin
// command): a region going live with years of history loads its current
// allocations, starts and stops from a set of 301/305/307 messages, so that
// nothing is refused for lack of history.
//
// Every document is validated and judged as sluis judges a message (XSD,
// in-message and external-list rules, then the cross-message rules against
// the ledger as it stands, including the documents imported before it in the
// same set: 301s first, then 305s, then 307s over the whole set; TR379
// excepted, since the requests behind old allocations are not imported). A
// document that passes establishes its ledger facts (approved); one that does
// not is refused with its findings and establishes nothing.
//
// The XSD and in-message judging runs first, outside any transaction. Then
// the documents go to the store's writer in batches of `batch` documents,
// each batch one short transaction of its own (the writer commits partners'
// messages between two batches). Each imported document is recorded by its
// digest (HMAC-SHA-256 of its canonical content, and its type; store.hpp,
// ImportLog) in the batch that imports it: a re-run skips it as "already
// imported". Between batches the caller may cancel (ImportOptions::cancelled);
// what the finished batches imported stays.
//
// apply = false rolls each batch back, so a 305 would not see the 301 of an
// earlier batch: sluisd's dry run instead applies to a private copy of its
// store and discards the copy (app/import_command.hpp).
//
// Threading: blocking; the caller's thread waits for each batch on the writer.
#pragma once

#include <cstdint>
#include <functional>
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
  // The canonical content a re-run recognises the document by: a CSV row's
  // fields in the column order of csv_documents (so the separator and the
  // column order do not count); empty for a message, whose bytes count (line
  // ends as LF, surrounding blanks trimmed). The store keeps only its keyed
  // digest (HMAC-SHA-256 with the BSN key: the content holds a BSN).
  std::string canonical;
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

enum class ImportOutcome {
  imported,  // passed (in a dry run: would be imported)
  already,   // imported by an earlier run (the same digest and type)
  refused,   // findings say why
  skipped,   // not reached: the import was cancelled before its batch
};
std::string_view to_string(ImportOutcome o);

struct ImportResult {
  std::string name;
  int type = 0;              // 301, 305, 307; 0 when not identified
  ImportOutcome outcome = ImportOutcome::refused;
  std::string aanbieder;     // AGB code from the header; empty when unreadable
  std::string gemeente;      // CBS code from the header; empty when unreadable
  standard::Findings findings;  // why it was refused
};

struct ImportOptions {
  bool apply = false;        // false: each batch rolled back
  // With apply = false: every batch in one transaction on a connection of
  // its own, rolled back at the end (MessageLog::ledger_rehearsal), so a
  // later batch is judged against what an earlier one would have written.
  // The dry run on PostgreSQL; on SQLite the caller judges a copy instead.
  bool rehearse = false;
  std::string bsn_key;       // the daemon's secrets.bsn_hash_key; never empty
  core::Date today{};
  std::string actor;         // for the audit entries
  long uid = -1;
  std::size_t batch = 0;     // documents per transaction; 0: all in one
  // Between two batches: progress (documents done of total) and whether to stop.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  std::function<bool()> cancelled;
};

struct ImportReport {
  std::vector<ImportResult> results;  // in the order given
  bool cancelled = false;             // stopped between batches
  std::int64_t done = 0, total = 0;   // documents through the writer, of those that passed on their own
  std::size_t batches = 0;            // batches committed (apply) or run
  std::string failure;                // a batch the store failed (it wrote nothing); empty: none
};

// The reason a refused document is counted under in a summary: its first
// finding's retourcode, else its rule id, else its origin ("xsd", "sluis").
std::string refusal_code(const standard::Finding& f);

// Fails only without a BSN key (nothing judged, nothing written). A batch
// the store fails ends the import (report.failure): it wrote nothing, the
// batches before it stay and are recorded.
core::Result<ImportReport> ledger_import(store::MessageLog& store,
                                                      xml::Validator& validator,
                                                      const rules::ReferenceData* reference,
                                                      std::vector<ImportDocument> documents,
                                                      const ImportOptions& options);

}  // namespace sluis::intake
