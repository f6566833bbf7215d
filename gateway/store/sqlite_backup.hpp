// An online copy of the SQLite store, made from a connection of its own:
// never on the writer thread and never under the store's reader lock, so
// commits, mailbox reads and acks go on while it runs.
//
// The copy uses SQLite's online backup API in steps of `pages_per_step`
// pages inside one read transaction on the source (WAL: a consistent
// snapshot that writers do not disturb, so the copy never restarts). After
// each step `step(done, total)` is asked whether to go on (progress, cancel,
// a test pause); false stops it. Then the copy is checked (check_copy): it
// opens, PRAGMA quick_check says ok, and its schema version is this build's.
//
// Failure: an error, a cancel or a failed check removes the target file (and
// any journal next to it); nothing partial is left at `target`. Durability:
// the copy is fsynced (synchronous=FULL on the target) before it is checked.
// Threading: blocking; call it from a thread that may wait (the admin
// thread). Reentrant: each call has its own connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "gateway/core/result.hpp"

namespace sluis::store {

struct BackupRequest {
  std::string source;        // the store's database file
  std::string target;        // a new file (must not exist)
  int pages_per_step = 256;  // pages copied between two calls of `step`
  // After each step: pages done of total; false stops (the error kBackupCancelled).
  std::function<bool(std::int64_t done, std::int64_t total)> step;
};

struct BackupResult {
  std::int64_t pages = 0;  // pages copied
  std::int64_t bytes = 0;  // the copy's size
};

// The error code of a backup stopped by `step`.
inline constexpr core::Errc kBackupCancelled = core::Errc::store_backup_cancelled;

core::Result<BackupResult> backup_sqlite(const BackupRequest& r);

// Opens the file read-only and checks it: PRAGMA quick_check, and
// PRAGMA user_version == kSchemaVersion.
core::Result<void> check_copy(const std::string& path);

// PRAGMA quick_check of the store at `path` on a read-only connection of its
// own, next to a running daemon (its snapshot: the writer goes on). Stops,
// with Errc::store_backup_cancelled, soon after `stop` turns true. Damage is
// Errc::store_corrupt with quick_check's first words.
core::Result<void> check_store(const std::string& path, const std::atomic<bool>& stop);

}  // namespace sluis::store
