// A fault-injecting SQLite VFS for the store's tests and benchmarks: test
// infrastructure, never enabled by configuration (no config key names it; only
// code that calls FaultVfs::install() and sets SqliteOptions::vfs uses it).
//
// Purpose: SQLite's "I/O error loops" and "disk full" anomaly tests
// (sqlite.org/testing.html, section 3) against the store. "sluis-fault" wraps
// the default (unix) VFS and passes every call through; on the database, WAL
// and rollback-journal files it counts xWrite, xSync and xTruncate and, when
// armed, answers the Nth write (or sync) counted from arm() with an error:
//
//   write_error_once   the Nth xWrite fails with SQLITE_IOERR_WRITE, later ones succeed
//   write_error        the Nth xWrite and every later one fail (SQLITE_IOERR_WRITE)
//   disk_full          the Nth xWrite and every later one answer SQLITE_FULL,
//                      as the unix VFS does on ENOSPC, until disarm() ("space freed")
//   sync_error_once    the Nth xSync fails with SQLITE_IOERR_FSYNC
//
// A failed call does nothing to the file. Other files (temporary files,
// statement journals) pass through uncounted.
//
// Threading: the controls and counters are process-wide atomics; any thread
// may arm, disarm or read them while connections on any thread write.
// Ownership: the VFS is registered once for the life of the process and is
// never the default VFS.
#pragma once

#include <cstdint>

namespace sluis::store {

class FaultVfs {
 public:
  static constexpr const char* kName = "sluis-fault";

  enum class Fault { none, write_error_once, write_error, disk_full, sync_error_once };

  struct Counts {
    std::uint64_t writes = 0;
    std::uint64_t syncs = 0;
    std::uint64_t truncates = 0;
  };

  // Registers the VFS under kName (once per process; later calls do nothing).
  static void install();
  // Arms `fault` at the `nth` (1-based) write, or sync for sync_error_once,
  // counted from this call. Replaces an earlier arm and zeroes injected().
  static void arm(Fault fault, std::uint64_t nth = 1);
  // No more faults; the files are as the successful calls left them.
  static void disarm();
  // Calls on the database, WAL and journal files since the process started.
  static Counts counts();
  // Faults answered since the last arm().
  static std::uint64_t injected();
};

}  // namespace sluis::store
