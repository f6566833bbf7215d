// The fault-injecting VFS (fault_vfs.hpp): a shim over the default VFS. Each
// open file is our sqlite3_file header followed by the real VFS's file; every
// method forwards to the real one, the three that change a file count and may
// fail first.
#include "gateway/store/fault_vfs.hpp"

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

sqlite3_vfs* g_root = nullptr;  // the wrapped VFS, set once by install()

struct File {
  sqlite3_file base;   // pMethods = kMethods
  sqlite3_file* real;  // the wrapped VFS's file, in the same allocation
  bool watched;        // database, WAL or rollback journal: counted and faulted
};

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real;
}
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

// ---- io methods: forward, counting and faulting the writing ones ------------

int x_close(sqlite3_file* f) {
  int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
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
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int lock) {
  return real(f)->pMethods->xLock(real(f), lock);
}
int x_unlock(sqlite3_file* f, int lock) {
  return real(f)->pMethods->xUnlock(real(f), lock);
}
int x_check_reserved_lock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int x_device_characteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
// Shared memory (the WAL index) and memory-mapped reads exist from versions 2
// and 3 of the real file's methods; without them SQLite is told "cannot".
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  auto m = real(f)->pMethods;
  return m->iVersion >= 2 ? m->xShmMap(real(f), page, size, extend, out) : SQLITE_IOERR_SHMMAP;
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  auto m = real(f)->pMethods;
  return m->iVersion >= 2 ? m->xShmLock(real(f), offset, n, flags) : SQLITE_IOERR_SHMLOCK;
}
void x_shm_barrier(sqlite3_file* f) {
  if (auto m = real(f)->pMethods; m->iVersion >= 2) m->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int del) {
  auto m = real(f)->pMethods;
  return m->iVersion >= 2 ? m->xShmUnmap(real(f), del) : SQLITE_OK;
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  auto m = real(f)->pMethods;
  if (m->iVersion >= 3) return m->xFetch(real(f), off, n, out);
  *out = nullptr;
  return SQLITE_OK;
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  auto m = real(f)->pMethods;
  return m->iVersion >= 3 ? m->xUnfetch(real(f), off, p) : SQLITE_OK;
}

const sqlite3_io_methods kMethods = {3,
                                     x_close,
                                     x_read,
                                     x_write,
                                     x_truncate,
                                     x_sync,
                                     x_file_size,
                                     x_lock,
                                     x_unlock,
                                     x_check_reserved_lock,
                                     x_file_control,
                                     x_sector_size,
                                     x_device_characteristics,
                                     x_shm_map,
                                     x_shm_lock,
                                     x_shm_barrier,
                                     x_shm_unmap,
                                     x_fetch,
                                     x_unfetch};

// ---- the VFS: open wraps, everything else forwards to the real VFS ----------

int v_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->watched = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  int rc = g_root->xOpen(g_root, name, file->real, flags, out_flags);
  // SQLite calls xClose on a file whose pMethods is set, even after a failed
  // open; the real VFS decides whether there is something to close.
  if (file->real->pMethods) file->base.pMethods = &kMethods;
  return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_root->xDelete(g_root, name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_root->xAccess(g_root, name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_root->xFullPathname(g_root, name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) {
  return g_root->xDlOpen(g_root, name);
}
void v_dl_error(sqlite3_vfs*, int n, char* out) {
  g_root->xDlError(g_root, n, out);
}
void (*v_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_root->xDlSym(g_root, h, sym);
}
void v_dl_close(sqlite3_vfs*, void* h) {
  g_root->xDlClose(g_root, h);
}
int v_randomness(sqlite3_vfs*, int n, char* out) {
  return g_root->xRandomness(g_root, n, out);
}
int v_sleep(sqlite3_vfs*, int us) {
  return g_root->xSleep(g_root, us);
}
int v_current_time(sqlite3_vfs*, double* out) {
  return g_root->xCurrentTime(g_root, out);
}
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
  return g_root->xGetLastError ? g_root->xGetLastError(g_root, n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  if (g_root->iVersion >= 2 && g_root->xCurrentTimeInt64)
    return g_root->xCurrentTimeInt64(g_root, out);
  double d = 0;
  int rc = g_root->xCurrentTime(g_root, &d);
  *out = static_cast<sqlite3_int64>(d * 86400000.0);
  return rc;
}

sqlite3_vfs g_vfs;

}  // namespace

void FaultVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    g_root = sqlite3_vfs_find(nullptr);
    g_vfs = {};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_root->szOsFile;
    g_vfs.mxPathname = g_root->mxPathname;
    g_vfs.zName = kName;
    g_vfs.xOpen = v_open;
    g_vfs.xDelete = v_delete;
    g_vfs.xAccess = v_access;
    g_vfs.xFullPathname = v_full_pathname;
    g_vfs.xDlOpen = v_dl_open;
    g_vfs.xDlError = v_dl_error;
    g_vfs.xDlSym = v_dl_sym;
    g_vfs.xDlClose = v_dl_close;
    g_vfs.xRandomness = v_randomness;
    g_vfs.xSleep = v_sleep;
    g_vfs.xCurrentTime = v_current_time;
    g_vfs.xGetLastError = v_get_last_error;
    g_vfs.xCurrentTimeInt64 = v_current_time_int64;
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
