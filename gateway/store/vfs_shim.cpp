#include "gateway/store/vfs_shim.hpp"

namespace sluis::store::shim {

namespace {

// ---- io methods: forward to the wrapped file --------------------------------

int x_close(sqlite3_file* f) {
  int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
// Shared memory (the WAL index) and memory-mapped reads exist from versions 2
// and 3 of the wrapped file's methods; without them SQLite is told "cannot".
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

// ---- VFS methods: forward to the wrapped VFS --------------------------------

// The wrapped VFS's method M with the same arguments.
template <auto M>
struct ForwardVfs;
template <class R, class... A, R (*sqlite3_vfs::*M)(sqlite3_vfs*, A...)>
struct ForwardVfs<M> {
  static R call(sqlite3_vfs* v, A... a) { return (root(v)->*M)(root(v), a...); }
};

int v_get_last_error(sqlite3_vfs* v, int n, char* out) {
  return root(v)->xGetLastError ? root(v)->xGetLastError(root(v), n, out) : 0;
}
int v_current_time_int64(sqlite3_vfs* v, sqlite3_int64* out) {
  sqlite3_vfs* r = root(v);
  if (r->iVersion >= 2 && r->xCurrentTimeInt64) return r->xCurrentTimeInt64(r, out);
  double d = 0;
  int rc = r->xCurrentTime(r, &d);
  *out = static_cast<sqlite3_int64>(d * 86400000.0);
  return rc;
}

}  // namespace

using F = sqlite3_io_methods;
const sqlite3_io_methods kForward = {3,
                                     x_close,
                                     Forward<&F::xRead>::call,
                                     Forward<&F::xWrite>::call,
                                     Forward<&F::xTruncate>::call,
                                     Forward<&F::xSync>::call,
                                     Forward<&F::xFileSize>::call,
                                     Forward<&F::xLock>::call,
                                     Forward<&F::xUnlock>::call,
                                     Forward<&F::xCheckReservedLock>::call,
                                     Forward<&F::xFileControl>::call,
                                     Forward<&F::xSectorSize>::call,
                                     Forward<&F::xDeviceCharacteristics>::call,
                                     x_shm_map,
                                     x_shm_lock,
                                     x_shm_barrier,
                                     x_shm_unmap,
                                     x_fetch,
                                     x_unfetch};

void init_vfs(sqlite3_vfs& vfs, const char* name, sqlite3_vfs* root, std::size_t state_size,
              int (*open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*)) {
  vfs = {};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(state_size) + root->szOsFile;
  vfs.mxPathname = root->mxPathname;
  vfs.zName = name;
  vfs.pAppData = root;
  vfs.xOpen = open;
  vfs.xDelete = ForwardVfs<&sqlite3_vfs::xDelete>::call;
  vfs.xAccess = ForwardVfs<&sqlite3_vfs::xAccess>::call;
  vfs.xFullPathname = ForwardVfs<&sqlite3_vfs::xFullPathname>::call;
  vfs.xDlOpen = ForwardVfs<&sqlite3_vfs::xDlOpen>::call;
  vfs.xDlError = ForwardVfs<&sqlite3_vfs::xDlError>::call;
  vfs.xDlSym = ForwardVfs<&sqlite3_vfs::xDlSym>::call;
  vfs.xDlClose = ForwardVfs<&sqlite3_vfs::xDlClose>::call;
  vfs.xRandomness = ForwardVfs<&sqlite3_vfs::xRandomness>::call;
  vfs.xSleep = ForwardVfs<&sqlite3_vfs::xSleep>::call;
  vfs.xCurrentTime = ForwardVfs<&sqlite3_vfs::xCurrentTime>::call;
  vfs.xGetLastError = v_get_last_error;
  vfs.xCurrentTimeInt64 = v_current_time_int64;
}

int open_real(sqlite3_vfs* vfs, sqlite3_filename name, FileHead* head, std::size_t state_size,
              const sqlite3_io_methods* methods, int flags, int* out_flags) {
  head->base.pMethods = nullptr;
  head->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(head) + state_size);
  int rc = root(vfs)->xOpen(root(vfs), name, head->real, flags, out_flags);
  if (head->real->pMethods) head->base.pMethods = methods;
  return rc;
}

}  // namespace sluis::store::shim
