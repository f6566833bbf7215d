// A copy of the PostgreSQL store as a pg_dump archive (custom format): what
// `sluisctl backup NAME` writes when [store] engine = "postgresql", the twin
// of sqlite_backup.hpp. The server's own tool makes the copy: one consistent
// snapshot of the database (pg_dump's REPEATABLE READ transaction), while
// every node goes on committing.
//
// - The program is `pg_dump` found in PATH (Debian: postgresql-client, whose
//   wrapper picks the newest installed version; it must be at least the
//   server's), run as a child of the caller with stdin and stdout on
//   /dev/null, none of the caller's other descriptors (its sockets), no
//   prompt (--no-password), and --lock-wait-timeout so a table locked by
//   someone else ends the copy instead of hanging it.
// - The connection string may hold a password and never goes on a command
//   line (which every user of the machine can read): each of its keywords is
//   given to pg_dump in the environment variable libpq reads for it (PGHOST,
//   PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, ...). Keywords without
//   such a variable (keepalives*, tcp_user_timeout, replication) do not reach
//   pg_dump; they change nothing in what it copies.
// - `go_on` is asked about five times a second while pg_dump runs; false
//   stops it (SIGTERM, then the error kBackupCancelled).
// - The copy is checked before it counts: `pg_restore --list` must read the
//   whole archive's table of contents.
// - Failure (pg_dump's exit status, a cancel, a failed check): the target is
//   removed; nothing partial is left there. The error text carries the last
//   line pg_dump or pg_restore wrote on stderr (libpq's reason; never a
//   password) and names the server as pg::describe does.
//
// Threading: blocking; call it from a thread that may wait (the admin
// thread). Reentrant.
#pragma once

#include <functional>
#include <string>

#include "gateway/core/result.hpp"
#include "gateway/store/sqlite_backup.hpp"

namespace sluis::store {

struct DumpRequest {
  std::string conninfo;                 // the store's connection string
  std::string target;                   // a new file (must not exist)
  std::string pg_dump = "pg_dump";      // the programs, looked up in PATH
  std::string pg_restore = "pg_restore";
  std::function<bool()> go_on;          // false stops the copy (kBackupCancelled)
};

// result.pages stays 0; result.bytes is the archive's size.
core::Result<BackupResult> dump_postgresql(const DumpRequest& r);

}  // namespace sluis::store
