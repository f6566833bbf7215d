#include "gateway/core/test_pause.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace sluis::core {

namespace {

struct PauseConfig {
  std::set<std::string, std::less<>> points;
  std::filesystem::path dir;
};

const PauseConfig& pause_config() {
  static const PauseConfig cfg = [] {
    PauseConfig c;
    const char* points = std::getenv("SLUIS_TEST_PAUSE");
    const char* dir = std::getenv("SLUIS_TEST_PAUSE_DIR");
    if (!points || !dir || !*dir) return c;
    c.dir = dir;
    std::string_view rest = points;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      auto one = rest.substr(0, comma);
      if (!one.empty()) c.points.emplace(one);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return c;
  }();
  return cfg;
}

std::function<void(const std::string&)>& announcer() {
  static std::function<void(const std::string&)> f;
  return f;
}

}  // namespace

void set_pause_announcer(std::function<void(const std::string&)> announce) {
  announcer() = std::move(announce);
}

void pause_point(std::string_view point) {
  const PauseConfig& cfg = pause_config();
  if (cfg.points.empty() || !cfg.points.contains(point)) return;
  const std::filesystem::path fifo = cfg.dir / std::string(point);
  struct stat st {};
  if (::lstat(fifo.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode)) return;
  if (announcer()) announcer()(std::string(point));
  // Blocks until the test opens its end for writing; then to its close.
  int fd;
  do fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return;
  char buf[64];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    break;  // the test closed its end (0), or an error
  }
  ::close(fd);
}

}  // namespace sluis::core
