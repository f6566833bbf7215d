// Internal to the PostgreSQL engine: its schema and forward-only migrations,
// as sqlite_schema.hpp is for SQLite. Not part of the store's interface.
#pragma once

#include <string>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"

namespace sluis::store::pg {

// The schema version this build writes (table sluis_schema, one row).
//   1: the SQLite schema's tables as its 15 migrations leave them (messages
//      with bodies inline as bytea, message_bsn, audit (append-only), meta,
//      ledger_import, the ledger tables, obligation, watch_case).
//   2: the SQLite schema's version 16: messages_state, messages_mailbox_open
//      and messages_identificatie gone, messages_identification led by the
//      identificatie, messages_heen partial.
inline constexpr int kSchemaVersion = 2;

// The advisory lock (pg_advisory_xact_lock's key) a migration holds: several
// nodes starting at once against one database migrate one after the other,
// and each sees the version the one before it left.
inline constexpr long long kMigrationLock = 0x736c756973'0001;  // "sluis", 1

// Creates or migrates the schema in one transaction (PostgreSQL's DDL is
// transactional: a failed step leaves the version before it). Refuses a
// database of a newer schema version (Errc::store_newer_schema) with a clear
// text. Returns the version it found.
core::Result<int> migrate(Connection& c);

// The schema version in the database; 0 when there is none yet.
core::Result<int> schema_version(Connection& c);

// As sqlite::check_bsn_key: the first open with a fingerprint records it; an
// open with another one is refused (Errc::store_bsn_key, both fingerprints in
// the text). Empty: not checked. Safe when several nodes open at once.
core::Result<void> check_bsn_key(Connection& c, const std::string& fingerprint);

}  // namespace sluis::store::pg
