// A power-cut SQLite VFS for the store's crash tests: test infrastructure,
// never enabled by configuration (no config key names it; only code that
// calls PowerCutVfs::install() and sets SqliteOptions::vfs uses it).
//
// Purpose: a SIGKILL loses only what a process had not handed to the kernel;
// a power cut also loses what the kernel had not yet put on the disk. The
// store promises that whatever it acknowledged survives both. "sluis-powercut"
// wraps the default (unix) VFS and passes every call through, but it keeps,
// per file (database, WAL, rollback journal), a log of the writes and
// truncations made since that file's last xSync: what a disk could still
// lose. When armed, the Nth write, sync or truncation counted from arm() cuts
// the power instead of happening:
//   1. every logged change of every file is undone, newest first, so each file
//      is as its last sync left it;
//   2. then each logged change is done again or not, oldest first, 512-byte
//      sector by sector, each sector kept with probability `keep` (from a
//      generator seeded with `seed`): a disk that wrote some of its cache in
//      any order, tearing writes at sector boundaries (the model of SQLite's
//      own crash tests; a sector is never half written);
//   3. `on_cut` runs (to report, e.g. on a pipe), and the process ends at
//      once with _exit(kExitCode): no destructor, no close, no checkpoint.
// The WAL-gathering shim (wal_vfs.hpp) sits above this VFS, so what it holds
// back and passes down is exercised too. The shared-memory index (-shm) is
// not logged: SQLite rebuilds it from the WAL when the first connection
// opens the database. Directory entries are not modelled: a created or
// deleted file is taken as durable at once (SQLite syncs the directory when
// it creates a journal; the WAL file lives as long as the database is open).
//
// Threading: the writing calls of every connection are serialised by one
// process-wide mutex, so the cut happens between two of them and nothing
// lands after it. Ownership: the VFS is registered once for the life of the
// process and is never the default VFS.
#pragma once

#include <cstdint>

namespace sluis::store {

class PowerCutVfs {
 public:
  static constexpr const char* kName = "sluis-powercut";
  // The exit code of a process whose power was cut.
  static constexpr int kExitCode = 86;

  // What the cut did, for the report.
  struct Cut {
    std::uint64_t files = 0;         // files with changes since their last sync
    std::uint64_t changes = 0;       // writes and truncations undone
    std::uint64_t sectors = 0;       // 512-byte sectors they wrote
    std::uint64_t kept_sectors = 0;  // of those, written again
  };
  using OnCut = void (*)(const Cut&);

  // Registers the VFS under kName (once per process; later calls do nothing).
  static void install();
  // Cuts the power at the `nth` (1-based) write, sync or truncation counted
  // from this call; `keep` in [0, 1].
  static void arm(std::uint64_t nth, std::uint64_t seed, double keep, OnCut on_cut = nullptr);
  // Writes, syncs and truncations on the logged files since install().
  static std::uint64_t events();
};

}  // namespace sluis::store
