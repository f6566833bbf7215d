// The store's SQLite VFS: a shim (vfs_shim.hpp) that gathers a connection's
// writes to its WAL file in memory and passes them down when
// SQLite syncs, reads, sizes, truncates or closes the file, in writes of up
// to 124 KiB.
//
// Why: SQLite writes a WAL frame as two writes (header, page), so a commit of
// 150 pages is 300 system calls; on the machines sluis runs on, those calls
// were a fifth of the store writer's time. Gathered, a commit is a handful
// of writes and one fsync.
//
// Why it is safe (with synchronous = FULL, which the store always uses, see
// open_sqlite): a WAL commit writes its frames, then syncs the WAL, and only
// then publishes the new frames in the WAL index where other connections look;
// the sync passes every gathered byte down first, so no other connection can
// be told of a frame that is not in the file, and nothing is durable (or
// acknowledged) before it was before. A connection reading its own WAL (a
// checkpoint, a page spilled earlier in the transaction) gets the bytes passed
// down before the read. A failed pass-down is the write's error, answered by
// the call that made it (usually the sync): SQLite fails that commit as it
// would have failed the write. Only WAL files are gathered; the database,
// journals and temporary files pass straight through.
//
// A commit's sync may be deferred (WalSyncDeferral, the store's writer): the
// gathered bytes go down as above, so the WAL index publishes nothing that is
// not in the file, but the fsync is owed and done by sync_owed, on another
// thread, while the writer goes on with its next batch; nothing of that
// commit is acknowledged before it (sqlite_writer.cpp gives the crash
// argument). Only the commit's sync is deferred: the WAL header's own sync
// (before the first frame of a restarted log) is done at once, and the
// checkpoint's sync runs with no deferral in force.
//
// Threading: a file is used by one connection at a time (SQLite's rule), and a
// WAL file's calls are serialised by a mutex of its own, so sync_owed may run
// on any thread beside that connection (its fsync outside the mutex, beside
// the connection's writes: sync_owed's comment); the registration is
// thread-safe.
#pragma once

#include <sqlite3.h>

#include <string>

namespace sluis::store {

// While one lives, the syncs SQLite asks for of a WAL file on this thread
// (a commit's) are owed instead of done: owed() names the last one.
class WalSyncDeferral {
 public:
  struct Owed {
    sqlite3_file* file = nullptr;  // null: no sync was deferred
    int flags = 0;
  };
  WalSyncDeferral();
  ~WalSyncDeferral();
  WalSyncDeferral(const WalSyncDeferral&) = delete;
  WalSyncDeferral& operator=(const WalSyncDeferral&) = delete;
  const Owed& owed() const { return owed_; }

 private:
  Owed owed_;
  Owed* outer_;
};

// Does an owed sync (SQLITE_OK when none was owed), from any thread, while
// the connection that deferred it is open. Every byte the file was given
// before it is then on disk.
int sync_owed(const WalSyncDeferral::Owed& owed);

// Registers (once per base) and names the WAL-gathering VFS over the VFS
// named `base` (empty: SQLite's default).
std::string wal_gathering_vfs(const std::string& base);

}  // namespace sluis::store
