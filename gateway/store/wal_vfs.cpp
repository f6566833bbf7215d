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
};

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
    if (int rc = pass_down(f); rc != SQLITE_OK) return rc;
    return shim::Forward<M>::call(f, a...);
  }
};

int x_close(sqlite3_file* f) {
  int rc = pass_down(f);
  auto* file = reinterpret_cast<File*>(f);
  delete file->gathered;
  file->gathered = nullptr;
  int closed = shim::kForward.xClose(f);
  return rc != SQLITE_OK ? rc : closed;
}

const sqlite3_io_methods kMethods = [] {
  sqlite3_io_methods m = shim::kForward;
  m.xClose = x_close;
  m.xWrite = x_write;
  m.xRead = AfterPassDown<&sqlite3_io_methods::xRead>::call;
  m.xTruncate = AfterPassDown<&sqlite3_io_methods::xTruncate>::call;
  m.xSync = AfterPassDown<&sqlite3_io_methods::xSync>::call;
  m.xFileSize = AfterPassDown<&sqlite3_io_methods::xFileSize>::call;
  m.xFileControl = AfterPassDown<&sqlite3_io_methods::xFileControl>::call;
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
