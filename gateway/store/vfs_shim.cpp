#include "gateway/store/vfs_shim.hpp"

namespace sluis::store::shim {

namespace {

// ---- io methods: forward to the wrapped file --------------------------------

int x_close(sqlite3_file* f) {
  int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
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

int v_delete(sqlite3_vfs* v, const char* name, int sync_dir) {
  return root(v)->xDelete(root(v), name, sync_dir);
}
int v_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return root(v)->xAccess(root(v), name, flags, out);
}
int v_full_pathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return root(v)->xFullPathname(root(v), name, n, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* name) {
  return root(v)->xDlOpen(root(v), name);
}
void v_dl_error(sqlite3_vfs* v, int n, char* out) {
  root(v)->xDlError(root(v), n, out);
}
void (*v_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) {
  return root(v)->xDlSym(root(v), h, sym);
}
void v_dl_close(sqlite3_vfs* v, void* h) {
  root(v)->xDlClose(root(v), h);
}
int v_randomness(sqlite3_vfs* v, int n, char* out) {
  return root(v)->xRandomness(root(v), n, out);
}
int v_sleep(sqlite3_vfs* v, int us) {
  return root(v)->xSleep(root(v), us);
}
int v_current_time(sqlite3_vfs* v, double* out) {
  return root(v)->xCurrentTime(root(v), out);
}
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

const sqlite3_io_methods kForward = {3,
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

void init_vfs(sqlite3_vfs& vfs, const char* name, sqlite3_vfs* root, std::size_t state_size,
              int (*open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*)) {
  vfs = {};
  vfs.iVersion = 2;
  vfs.szOsFile = static_cast<int>(state_size) + root->szOsFile;
  vfs.mxPathname = root->mxPathname;
  vfs.zName = name;
  vfs.pAppData = root;
  vfs.xOpen = open;
  vfs.xDelete = v_delete;
  vfs.xAccess = v_access;
  vfs.xFullPathname = v_full_pathname;
  vfs.xDlOpen = v_dl_open;
  vfs.xDlError = v_dl_error;
  vfs.xDlSym = v_dl_sym;
  vfs.xDlClose = v_dl_close;
  vfs.xRandomness = v_randomness;
  vfs.xSleep = v_sleep;
  vfs.xCurrentTime = v_current_time;
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
