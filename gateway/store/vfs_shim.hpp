// Building blocks of the store's SQLite VFS shims (fault_vfs.cpp,
// wal_vfs.cpp). A shim's open file is the shim's own state, starting with a
// FileHead (its sqlite3_file, then a pointer to the wrapped VFS's file, which
// follows the state in the same allocation); the io methods a shim leaves
// alone forward to the wrapped file (kForward), and every VFS method but
// xOpen forwards to the wrapped VFS (kept in pAppData).
#pragma once

#include <sqlite3.h>

#include <cstddef>

namespace sluis::store::shim {

struct FileHead {
  sqlite3_file base;   // pMethods: the shim's methods (null when nothing is open)
  sqlite3_file* real;  // the wrapped VFS's file
};

inline sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<FileHead*>(f)->real;
}
inline sqlite3_vfs* root(sqlite3_vfs* vfs) {
  return static_cast<sqlite3_vfs*>(vfs->pAppData);
}

// The wrapped file's io method M with the same arguments:
// Forward<&sqlite3_io_methods::xSync>::call(f, flags).
template <auto M>
struct Forward;
template <class R, class... A, R (*sqlite3_io_methods::*M)(sqlite3_file*, A...)>
struct Forward<M> {
  static R call(sqlite3_file* f, A... a) { return (real(f)->pMethods->*M)(real(f), a...); }
};

// Every io method forwarding to the wrapped file (xClose closes it). A shim
// copies the table and replaces what it changes.
extern const sqlite3_io_methods kForward;

// kForward with the three methods that change a file replaced (the fault and
// power-cut shims).
inline sqlite3_io_methods with_changes(int (*write)(sqlite3_file*, const void*, int, sqlite3_int64),
                                       int (*truncate)(sqlite3_file*, sqlite3_int64),
                                       int (*sync)(sqlite3_file*, int)) {
  sqlite3_io_methods m = kForward;
  m.xWrite = write;
  m.xTruncate = truncate;
  m.xSync = sync;
  return m;
}

// The files whose changes must last: the database, its WAL and its rollback
// journal (not temporary files nor statement journals), by xOpen's flags.
inline bool lasting(int open_flags) {
  return (open_flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
}

// A VFS named `name` over `root` whose files are `state_size` bytes of shim
// state followed by root's file, opened by `open`.
void init_vfs(sqlite3_vfs& vfs, const char* name, sqlite3_vfs* root, std::size_t state_size,
              int (*open)(sqlite3_vfs*, sqlite3_filename, sqlite3_file*, int, int*));

// Opens the wrapped VFS's file behind `head` (whose state is `state_size`
// bytes) and, when it opened one, installs `methods`. SQLite calls xClose on
// a file whose pMethods is set, even after a failed open.
int open_real(sqlite3_vfs* vfs, sqlite3_filename name, FileHead* head, std::size_t state_size,
              const sqlite3_io_methods* methods, int flags, int* out_flags);

}  // namespace sluis::store::shim
