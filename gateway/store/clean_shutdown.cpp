#include "gateway/store/clean_shutdown.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluis::store {

namespace {

constexpr const char* kHeader = "sluis-store-clean 1";

// "dev=.. ino=.. size=.. mtime_ns=..", or "" when the file cannot be stat'ed.
std::string identity(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  std::ostringstream o;
  o << "dev=" << st.st_dev << " ino=" << st.st_ino << " size=" << st.st_size
    << " mtime_ns=" << (static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec);
  return o.str();
}

bool sync_dir_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

bool wal_holds_pages(const std::string& db) {
  struct stat st {};
  return ::stat((db + "-wal").c_str(), &st) == 0 && st.st_size > 0;
}

}  // namespace

std::string clean_marker_path(const std::string& db) { return db + ".clean"; }

bool take_clean_marker(const std::string& db) {
  const std::string marker = clean_marker_path(db);
  std::string text;
  {
    std::ifstream in(marker);
    if (!in) return false;
    std::ostringstream all;
    all << in.rdbuf();
    text = all.str();
  }
  // Removed before anything else happens: from here on, a crash means a check.
  if (::unlink(marker.c_str()) != 0 || !sync_dir_of(marker)) return false;
  const std::string now = identity(db);
  return !now.empty() && text == std::string(kHeader) + "\n" + now + "\n" && !wal_holds_pages(db);
}

bool leave_clean_marker(const std::string& db) {
  const std::string now = identity(db);
  if (now.empty() || wal_holds_pages(db)) return false;
  const std::string marker = clean_marker_path(db), tmp = marker + ".tmp";
  const std::string text = std::string(kHeader) + "\n" + now + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written || ::rename(tmp.c_str(), marker.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  return sync_dir_of(marker);
}

}  // namespace sluis::store
