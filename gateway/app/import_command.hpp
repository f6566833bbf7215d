// The admin command `ledger-import` (sluisctl ledger-import): the go-live
// ledger bootstrap, run by the daemon with its own validator, reference lists,
// BSN key and store (intake/ledger_import.hpp judges and imports). It lives in
// app, not admin/, because it joins the admin socket's request to the
// intake's judge, two modules of one rank that do not include each other.
//
// Request arguments:
//   documents  [{name, body, format?}]: the operator's files, read by sluisctl;
//              format "xml" (a 301/305/307) or "csv" (an export whose rows
//              intake::csv_documents turns into documents); default by the
//              name's extension (.csv), else xml
//   apply      true: write; false or absent: a dry run
//   batch      documents per writer transaction (1 ... 10000, default 100)
//
// Apply: the documents go to the live store's writer in batches, each its own
// short transaction, so partners' commits interleave and are never kept
// waiting behind the import. Between batches: a progress line ("progress":
// true), the test pause point ledger_import.batch, and the cancel check (the
// caller hung up, or the daemon stops): a cancelled import answers result 1
// with cancelled = true and is audited; what the finished batches imported
// stays and is recorded, so running the same import again completes it
// ("already imported" for the rest).
//
// Dry run: an online backup of the live store (store/sqlite_backup.hpp, from a
// connection of its own, in small steps: the live writer never waits for it)
// into a fresh private directory under the state directory (0700), opened as
// a store of its own, the import applied there in the same batches, then the
// copy deleted. So a 305 is judged against the 301 of an earlier batch, and
// the live store is never written or locked; the copy costs the store's size
// in disk for the run's duration.
//
// Dry run on PostgreSQL (no file to copy): the same batches, all in one
// REPEATABLE READ transaction on a connection of its own, rolled back at the
// end (MessageLog::ledger_rehearsal). This node's writer and every other
// node go on; a ledger row a partner's commit holds makes it wait at most
// 10 s, then it fails (report.failure) and can be run again.
//
// The daemon never creates its store here (it has one open), and refuses the
// command when it has no BSN key: nothing unkeyed is written.
//
// Answer (result 0: nothing refused; 1: some refused, cancelled or failed):
//   {documents: [{name, type, outcome, aanbieder, gemeente, findings}],
//    providers: [{aanbieder, imported, already_imported, refused, not_reached,
//                 reasons: [{code, rule, count, nl, en}]}],
//    gemeenten: [{gemeente, ... the same counts and reasons}],
//    totals: {documents, imported, already_imported, refused, not_reached},
//    apply, batch, batches, cancelled}
// outcome: imported, would_be_imported (dry run), already_imported, refused,
// not_reached (cancelled or failed before its batch). Names are the files
// (and CSV rows) as sluisctl sent them; no BSN, no person's name.
//
// Threading: the admin thread (commands run one at a time); the store's
// writer runs each batch; the schema set and reference lists are taken from
// the io thread through `context`.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/schema_set.hpp"

namespace sluis::app {

struct ImportContext {
  std::shared_ptr<const xml::SchemaSet> schemas;
  config::SchemasConfig limits;
  std::shared_ptr<const rules::ReferenceData> reference;
};

struct ImportSetup {
  store::Store* store = nullptr;
  std::string database;             // the store's file (the dry run copies it); "" on PostgreSQL: the dry run is a rolled-back transaction
  std::filesystem::path state_dir;  // the dry run's copy goes in a fresh directory here
  std::string bsn_key;              // the daemon's; empty: the command refuses
  std::function<ImportContext()> context;
};

void add_import_command(admin::Registry& registry, ImportSetup setup);

// Removes the dry-run copies a killed daemon left in `state_dir`
// (".import-*": a whole store, personal data included) and says how many
// there were. Called at start, before the admin socket opens, so no import
// is running.
std::size_t remove_import_leftovers(const std::filesystem::path& state_dir);

}  // namespace sluis::app
