// The fault-injecting VFS (fault_vfs.hpp): a shim over the default VFS
// (vfs_shim.hpp); the three methods that change a file count and may fail
// first, the rest forward.
#include "gateway/store/fault_vfs.hpp"

#include "gateway/store/vfs_shim.hpp"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace sluis::store {

namespace {

std::atomic<int> g_fault{0};  // FaultVfs::Fault
std::atomic<std::uint64_t> g_nth{0};
std::atomic<std::uint64_t> g_seen{0};  // writes (or syncs) since arm()
std::atomic<std::uint64_t> g_injected{0};
std::atomic<std::uint64_t> g_writes{0}, g_syncs{0}, g_truncates{0};

// An open file: the shim's head, whether it is counted, then the wrapped file.
struct File {
  shim::FileHead head;
  bool watched;  // database, WAL or rollback journal: counted and faulted
};

bool watched(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->watched;
}

// The armed fault's answer to this call, or SQLITE_OK to pass it through.
int fault_for(bool is_sync) {
  auto fault = static_cast<FaultVfs::Fault>(g_fault.load(std::memory_order_acquire));
  if (fault == FaultVfs::Fault::none) return SQLITE_OK;
  if (is_sync != (fault == FaultVfs::Fault::sync_error_once)) return SQLITE_OK;
  std::uint64_t n = g_seen.fetch_add(1) + 1, nth = g_nth.load();
  bool once =
      fault == FaultVfs::Fault::write_error_once || fault == FaultVfs::Fault::sync_error_once;
  if (once ? n != nth : n < nth) return SQLITE_OK;
  g_injected.fetch_add(1);
  switch (fault) {
    case FaultVfs::Fault::disk_full:
      return SQLITE_FULL;
    case FaultVfs::Fault::sync_error_once:
      return SQLITE_IOERR_FSYNC;
    default:
      return SQLITE_IOERR_WRITE;
  }
}

// ---- io methods: the writing ones count and may fail; the rest forward -------

using shim::real;

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (watched(f)) {
    g_writes.fetch_add(1);
    if (int rc = fault_for(false); rc != SQLITE_OK) return rc;
  }
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (watched(f)) g_truncates.fetch_add(1);
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  if (watched(f)) {
    g_syncs.fetch_add(1);
    if (int rc = fault_for(true); rc != SQLITE_OK) return rc;
  }
  return real(f)->pMethods->xSync(real(f), flags);
}

const sqlite3_io_methods kMethods = shim::with_changes(x_write, x_truncate, x_sync);

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->watched = shim::lasting(flags);
  return shim::open_real(vfs, name, &file->head, sizeof(File), &kMethods, flags, out_flags);
}

sqlite3_vfs g_vfs;

}  // namespace

void FaultVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    shim::init_vfs(g_vfs, kName, sqlite3_vfs_find(nullptr), sizeof(File), v_open);
    sqlite3_vfs_register(&g_vfs, 0);
  });
}

void FaultVfs::arm(Fault fault, std::uint64_t nth) {
  g_fault.store(static_cast<int>(Fault::none), std::memory_order_release);
  g_nth.store(nth);
  g_seen.store(0);
  g_injected.store(0);
  g_fault.store(static_cast<int>(fault), std::memory_order_release);
}

void FaultVfs::disarm() {
  g_fault.store(static_cast<int>(Fault::none), std::memory_order_release);
}

FaultVfs::Counts FaultVfs::counts() {
  return {g_writes.load(), g_syncs.load(), g_truncates.load()};
}

std::uint64_t FaultVfs::injected() {
  return g_injected.load();
}

}  // namespace sluis::store
