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
// Threading: a file is used by one connection at a time (SQLite's rule); the
// registration is thread-safe.
#pragma once

#include <string>

namespace sluis::store {

// Registers (once per base) and names the WAL-gathering VFS over the VFS
// named `base` (empty: SQLite's default).
std::string wal_gathering_vfs(const std::string& base);

}  // namespace sluis::store
