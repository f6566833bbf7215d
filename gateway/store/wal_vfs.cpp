#include "gateway/store/wal_vfs.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "gateway/store/vfs_shim.hpp"

namespace sluis::store {

namespace {

using shim::real;

// The most a WAL file holds back before passing it down (a commit is usually
// well under it: one declaration alone about 190 KiB, a batch of 16 some
// 600 KiB; a larger one goes down in pieces of this size). Passed down, it is
// written in kMaxWrite pieces whatever its size, so a larger buffer saves no
// write: it would only stay resident after a large commit (4 MiB did).
constexpr std::size_t kMaxGathered = 1u << 20;
// The most one write passes down: the unix VFS takes at most 128 KiB - 1 bytes
// per write (it masks the length) and would report the rest as a full disk.
constexpr std::size_t kMaxWrite = 31 * 4096;

struct Gathered {
  std::vector<char> bytes;
  sqlite3_int64 at = 0;  // file offset of bytes[0]
  // The WAL's header was written since the file's last sync: a sync now is
  // the header's own (SQLite's, before the first frame of a restarted log).
  bool header_unsynced = false;
  // Serialises every call on the file: the connection's thread and a thread
  // doing a sync it deferred (WalSyncDeferral) may call at the same time.
  std::mutex mu;
};

// The deferral on this thread, if any (WalSyncDeferral).
thread_local WalSyncDeferral::Owed* t_deferring = nullptr;

struct File {
  shim::FileHead head;
  Gathered* gathered;  // WAL files only (owned); null for every other file
};

Gathered* gathered(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->gathered;
}

// Passes the gathered bytes down; they are gone either way (a failed write is
// the commit's failure; SQLite writes its frames again for the next one).
int pass_down(sqlite3_file* f) {
  Gathered* g = gathered(f);
  if (!g || g->bytes.empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < g->bytes.size() && rc == SQLITE_OK; done += kMaxWrite) {
    std::size_t n = std::min(kMaxWrite, g->bytes.size() - done);
    rc = real(f)->pMethods->xWrite(real(f), g->bytes.data() + done, static_cast<int>(n),
                                   g->at + static_cast<sqlite3_int64>(done));
  }
  g->bytes.clear();
  return rc;
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  Gathered* g = gathered(f);
  if (!g) return real(f)->pMethods->xWrite(real(f), buf, n, off);
  std::lock_guard lock(g->mu);
  if (off == 0) g->header_unsynced = true;
  const auto size = static_cast<std::size_t>(n);
  const char* p = static_cast<const char*>(buf);
  if (!g->bytes.empty() && off == g->at + static_cast<sqlite3_int64>(g->bytes.size()) &&
      g->bytes.size() + size <= kMaxGathered) {
    g->bytes.insert(g->bytes.end(), p, p + size);
    return SQLITE_OK;
  }
  // Not contiguous (a frame rewritten in place) or too much: what was gathered
  // goes down first, in order, so a later write still lands last.
  if (int rc = pass_down(f); rc != SQLITE_OK) return rc;
  if (size > kMaxWrite) return real(f)->pMethods->xWrite(real(f), buf, n, off);
  // The buffer's room is taken once for the file's life: a large commit (a
  // 25 MiB body) does not regrow it, copying what it gathered, step by step.
  if (g->bytes.capacity() < kMaxGathered) g->bytes.reserve(kMaxGathered);
  g->bytes.assign(p, p + size);
  g->at = off;
  return SQLITE_OK;
}
// The wrapped file's method M, after the gathered bytes went down: what it
// reads, sizes, syncs, truncates or is told (file controls) includes them.
template <auto M>
struct AfterPassDown;
template <class... A, int (*sqlite3_io_methods::*M)(sqlite3_file*, A...)>
struct AfterPassDown<M> {
  static int call(sqlite3_file* f, A... a) {
    Gathered* g = gathered(f);
    if (!g) return shim::Forward<M>::call(f, a...);
    std::lock_guard lock(g->mu);
    if (int rc = pass_down(f); rc != SQLITE_OK) return rc;
    return shim::Forward<M>::call(f, a...);
  }
};

// The wrapped file's method M, serialised with the others on a WAL file.
template <auto M>
struct Serialised;
template <class R, class... A, R (*sqlite3_io_methods::*M)(sqlite3_file*, A...)>
struct Serialised<M> {
  static R call(sqlite3_file* f, A... a) {
    Gathered* g = gathered(f);
    if (!g) return shim::Forward<M>::call(f, a...);
    std::lock_guard lock(g->mu);
    return shim::Forward<M>::call(f, a...);
  }
};

// A sync: of a WAL file while this thread defers (a commit's), the gathered
// bytes go down and the sync is owed, done later by sync_owed; else at once.
// The WAL header's own sync is never deferred: SQLite syncs a restarted log's
// header before its first frame, so that a cut cannot leave the old header
// over new frames.
int x_sync(sqlite3_file* f, int flags) {
  Gathered* g = gathered(f);
  if (!g) return real(f)->pMethods->xSync(real(f), flags);
  std::lock_guard lock(g->mu);
  if (int rc = pass_down(f); rc != SQLITE_OK) return rc;
  if (t_deferring != nullptr && !g->header_unsynced) {
    *t_deferring = {f, flags};
    return SQLITE_OK;
  }
  int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK) g->header_unsynced = false;
  return rc;
}

int x_close(sqlite3_file* f) {
  Gathered* g = gathered(f);
  std::unique_lock<std::mutex> lock;
  if (g) lock = std::unique_lock(g->mu);
  int rc = pass_down(f);
  auto* file = reinterpret_cast<File*>(f);
  file->gathered = nullptr;
  int closed = shim::kForward.xClose(f);
  if (lock) lock.unlock();
  delete g;
  return rc != SQLITE_OK ? rc : closed;
}

const sqlite3_io_methods kMethods = [] {
  sqlite3_io_methods m = shim::kForward;
  m.xClose = x_close;
  m.xWrite = x_write;
  m.xRead = AfterPassDown<&sqlite3_io_methods::xRead>::call;
  m.xTruncate = AfterPassDown<&sqlite3_io_methods::xTruncate>::call;
  m.xSync = x_sync;
  m.xFileSize = AfterPassDown<&sqlite3_io_methods::xFileSize>::call;
  m.xFileControl = AfterPassDown<&sqlite3_io_methods::xFileControl>::call;
  m.xSectorSize = Serialised<&sqlite3_io_methods::xSectorSize>::call;
  m.xDeviceCharacteristics = Serialised<&sqlite3_io_methods::xDeviceCharacteristics>::call;
  return m;
}();

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* file = reinterpret_cast<File*>(f);
  file->gathered = nullptr;
  int rc = shim::open_real(vfs, name, &file->head, sizeof(File), &kMethods, flags, out_flags);
  if (file->head.base.pMethods && (flags & SQLITE_OPEN_WAL)) file->gathered = new Gathered;
  return rc;
}

struct Registered {
  std::string name;
  sqlite3_vfs vfs;
};

}  // namespace

WalSyncDeferral::WalSyncDeferral() : outer_(t_deferring) {
  t_deferring = &owed_;
}

WalSyncDeferral::~WalSyncDeferral() {
  t_deferring = outer_;
}

int sync_owed(const WalSyncDeferral::Owed& owed) {
  sqlite3_file* f = owed.file;
  if (f == nullptr) return SQLITE_OK;
  Gathered* g = gathered(f);
  if (!g) return f->pMethods->xSync(f, owed.flags);
  {
    std::lock_guard lock(g->mu);
    if (int rc = pass_down(f); rc != SQLITE_OK) return rc;
  }
  // The fsync itself is not under the file's mutex, or the writer's next
  // COMMIT would wait for it to pass its frames down, and the two would run
  // in turn again. The wrapped file (SQLite's unix file) may then write and
  // sync at once: the kernel orders them (an fsync covers every write that
  // returned before it), and the two calls share no state but the error
  // number each stores on failure.
  return real(f)->pMethods->xSync(real(f), owed.flags);
}

std::string wal_gathering_vfs(const std::string& base) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Registered>> registered;  // for the life of the process
  std::lock_guard lock(mu);
  auto& r = registered[base];
  if (!r) {
    sqlite3_initialize();
    sqlite3_vfs* root = sqlite3_vfs_find(base.empty() ? nullptr : base.c_str());
    if (!root) throw std::invalid_argument("no SQLite VFS named " + base);
    r = std::make_unique<Registered>();
    r->name = base.empty() ? "sluis-wal" : "sluis-wal+" + base;
    shim::init_vfs(r->vfs, r->name.c_str(), root, sizeof(File), v_open);
    sqlite3_vfs_register(&r->vfs, 0);
  }
  return r->name;
}

}  // namespace sluis::store
