// Moving a store from SQLite to PostgreSQL (docs/operations.md, "PostgreSQL
// and several nodes"): every row of every table, byte for byte, verified by
// counts and checksums on both sides before the copy commits.
//
// - The SQLite store is read in one read-only snapshot; the daemon that owns
//   it should be stopped first (what it commits after the snapshot is not in
//   the copy).
// - The PostgreSQL database is migrated to the current schema and must hold
//   no message and no audit row: the copy adds to nothing.
// - Everything goes in one transaction: the copy is there whole, verified, or
//   not at all. Identity counters (messages.seq, audit.seq, obligation.id,
//   watch_case.id) continue after the copied values.
// - Verification: per table, the number of rows and a checksum, computed on
//   the SQLite rows as read and on the PostgreSQL rows as read back in the
//   same transaction: each row rendered column by column (a bytea as the
//   SHA-256 of its bytes), hashed, and the first 8 bytes of the hashes summed
//   (mod 2^64: independent of the row order, which the engines' collations
//   may give differently).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"

namespace sluis::store {

struct TableCopy {
  std::string table;
  std::int64_t rows = 0;
  std::string checksum;  // 16 hex digits, the same on both sides
};

// Copies the SQLite store at `sqlite_path` into the PostgreSQL database of
// `conninfo`. `progress(table, rows)` after each table. The error says what
// failed (a table whose counts or checksums differ names both); nothing is
// left in the target then.
core::Result<std::vector<TableCopy>> copy_sqlite_to_postgresql(
    const std::string& sqlite_path, const std::string& conninfo,
    const std::function<void(const std::string&, std::int64_t)>& progress = {});

}  // namespace sluis::store
