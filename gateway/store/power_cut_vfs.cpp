// The power-cut VFS (power_cut_vfs.hpp): a shim over the default VFS
// (vfs_shim.hpp) that logs every change a disk could still lose and, when
// armed, loses a random part of it and ends the process.
#include "gateway/store/power_cut_vfs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "gateway/store/vfs_shim.hpp"

namespace sluis::store {

namespace {

constexpr sqlite3_int64 kSector = 512;

// One change since the file's last sync: a write (the bytes it wrote over,
// as far as the file had them, and the bytes it wrote) or a truncation (the
// bytes it cut off).
struct Change {
  bool truncation = false;
  sqlite3_int64 at = 0;        // write: offset; truncation: the new size
  sqlite3_int64 old_size = 0;  // the file's size before the change
  std::string before;          // the bytes at `at` before (write: up to old_size; truncation: all cut off)
  std::string after;           // write: the bytes written
};

struct Log {
  std::vector<Change> changes;  // oldest first, since the last sync
};

std::mutex g_mu;                         // serialises every logged call and the cut
std::map<std::string, Log> g_logs;       // by path; nodes are stable, files point at them
std::atomic<std::uint64_t> g_events{0};  // since install()
std::uint64_t g_nth = 0;                 // 0: not armed (under g_mu)
std::uint64_t g_seen = 0;
std::uint64_t g_seed = 0;
double g_keep = 0;
PowerCutVfs::OnCut g_on_cut = nullptr;

struct File {
  shim::FileHead head;
  const std::string* path;  // null: not logged (temporary files, statement journals)
  Log* log;
};

File* file(sqlite3_file* f) {
  return reinterpret_cast<File*>(f);
}

using shim::real;

sqlite3_int64 size_of(sqlite3_file* f) {
  sqlite3_int64 n = 0;
  real(f)->pMethods->xFileSize(real(f), &n);
  return n;
}

// The bytes [at, at + n) of the file, as far as it has them.
std::string read_back(sqlite3_file* f, sqlite3_int64 at, sqlite3_int64 n, sqlite3_int64 size) {
  sqlite3_int64 have = std::max<sqlite3_int64>(0, std::min(n, size - at));
  std::string out(static_cast<std::size_t>(have), '\0');
  if (have > 0) real(f)->pMethods->xRead(real(f), out.data(), static_cast<int>(have), at);
  return out;
}

void pwrite_all(int fd, const char* p, std::size_t n, sqlite3_int64 at) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, at);
    if (w <= 0) return;
    p += w;
    n -= static_cast<std::size_t>(w);
    at += w;
  }
}

// The cut (under g_mu): every file back to its last sync, then a random part
// of what was lost done again, then the end of the process.
[[noreturn]] void cut() {
  PowerCutVfs::Cut report;
  std::mt19937_64 rng(g_seed);
  std::bernoulli_distribution keep(g_keep);
  for (auto& [path, log] : g_logs) {
    if (log.changes.empty()) continue;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) continue;  // deleted since: taken as durable
    ++report.files;
    for (auto c = log.changes.rbegin(); c != log.changes.rend(); ++c) {
      ++report.changes;
      if (c->truncation) {
        if (::ftruncate(fd, c->old_size) != 0) break;
        pwrite_all(fd, c->before.data(), c->before.size(), c->at);
      } else {
        pwrite_all(fd, c->before.data(), c->before.size(), c->at);
        if (::ftruncate(fd, c->old_size) != 0) break;
      }
    }
    for (const auto& c : log.changes) {
      if (c.truncation) {
        if (keep(rng) && ::ftruncate(fd, c.at) != 0) break;
        continue;
      }
      const auto end = c.at + static_cast<sqlite3_int64>(c.after.size());
      for (sqlite3_int64 s = c.at; s < end;) {
        const sqlite3_int64 e = std::min(end, (s / kSector + 1) * kSector);
        ++report.sectors;
        if (keep(rng)) {
          ++report.kept_sectors;
          pwrite_all(fd, c.after.data() + (s - c.at), static_cast<std::size_t>(e - s), s);
        }
        s = e;
      }
    }
    ::close(fd);
  }
  if (g_on_cut) g_on_cut(report);
  ::_exit(PowerCutVfs::kExitCode);
}

// Counts a logged call; cuts the power when it is the armed one (under g_mu).
void event() {
  g_events.fetch_add(1, std::memory_order_relaxed);
  if (g_nth != 0 && ++g_seen == g_nth) cut();
}

int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  File* fl = file(f);
  if (!fl->log) return real(f)->pMethods->xWrite(real(f), buf, n, off);
  std::lock_guard lock(g_mu);
  event();
  Change c;
  c.at = off;
  c.old_size = size_of(f);
  c.before = read_back(f, off, n, c.old_size);
  c.after.assign(static_cast<const char*>(buf), static_cast<std::size_t>(n));
  int rc = real(f)->pMethods->xWrite(real(f), buf, n, off);
  if (rc == SQLITE_OK) fl->log->changes.push_back(std::move(c));
  return rc;
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  File* fl = file(f);
  if (!fl->log) return real(f)->pMethods->xTruncate(real(f), size);
  std::lock_guard lock(g_mu);
  event();
  Change c;
  c.truncation = true;
  c.at = size;
  c.old_size = size_of(f);
  c.before = read_back(f, size, std::max<sqlite3_int64>(0, c.old_size - size), c.old_size);
  int rc = real(f)->pMethods->xTruncate(real(f), size);
  if (rc == SQLITE_OK && c.old_size > size) fl->log->changes.push_back(std::move(c));
  return rc;
}

int x_sync(sqlite3_file* f, int flags) {
  File* fl = file(f);
  if (!fl->log) return real(f)->pMethods->xSync(real(f), flags);
  std::lock_guard lock(g_mu);
  event();
  int rc = real(f)->pMethods->xSync(real(f), flags);
  if (rc == SQLITE_OK) fl->log->changes.clear();  // on the disk now
  return rc;
}

const sqlite3_io_methods kMethods = shim::with_changes(x_write, x_truncate, x_sync);

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* fl = file(f);
  fl->path = nullptr;
  fl->log = nullptr;
  if (name && shim::lasting(flags)) {
    std::lock_guard lock(g_mu);
    auto it = g_logs.try_emplace(name).first;  // a file reopened keeps what it has not synced
    fl->path = &it->first;
    fl->log = &it->second;
  }
  return shim::open_real(vfs, name, &fl->head, sizeof(File), &kMethods, flags, out_flags);
}

// A deleted file takes its unsynced changes with it (a file made again under
// its name starts a new log).
int v_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  {
    std::lock_guard lock(g_mu);
    if (auto it = g_logs.find(name); it != g_logs.end()) it->second.changes.clear();
  }
  return shim::root(vfs)->xDelete(shim::root(vfs), name, sync_dir);
}

sqlite3_vfs g_vfs;

}  // namespace

void PowerCutVfs::install() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    shim::init_vfs(g_vfs, kName, sqlite3_vfs_find(nullptr), sizeof(File), v_open);
    g_vfs.xDelete = v_delete;
    sqlite3_vfs_register(&g_vfs, 0);
  });
}

void PowerCutVfs::arm(std::uint64_t nth, std::uint64_t seed, double keep, OnCut on_cut) {
  std::lock_guard lock(g_mu);
  g_nth = nth;
  g_seen = 0;
  g_seed = seed;
  g_keep = std::clamp(keep, 0.0, 1.0);
  g_on_cut = on_cut;
}

std::uint64_t PowerCutVfs::events() {
  return g_events.load(std::memory_order_relaxed);
}

}  // namespace sluis::store
