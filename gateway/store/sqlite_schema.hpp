// Internal to the SQLite engine: the schema and its forward-only migrations.
// The version lives in PRAGMA user_version (kSchemaVersion, store.hpp);
// kMigrations[n] takes it from n to n + 1. The tables of the ledger, the
// orphans, the obligations and retention are declared beside the code that
// uses them (sqlite_ledger.hpp, sqlite_obligations.hpp, sqlite_retention.hpp);
// the message tables are here.
// Threading: run once, on the writer connection, by open_sqlite before the
// writer thread starts.
// Failure: a newer or foreign file is refused with a clear text; a failed step
// is rolled back, so an interrupted upgrade resumes where it stopped.
// Durability: each step is its own transaction.
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <string>

#include "gateway/core/result.hpp"

namespace sluis::store::sqlite {

// Brings the store at `path` (open as `db`) up to kSchemaVersion.
core::Result<void> migrate(sqlite3* db, const std::string& path);

// Records `fingerprint` (SqliteOptions::bsn_key_fingerprint) in a store that
// has none; refuses one that holds another (core::Errc::store_bsn_key, both
// fingerprints in the text). An empty fingerprint checks nothing.
core::Result<void> check_bsn_key(sqlite3* db, const std::string& path,
                                 const std::string& fingerprint);

}  // namespace sluis::store::sqlite
