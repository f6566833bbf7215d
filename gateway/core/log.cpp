#include "gateway/core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "gateway/core/redact.hpp"

namespace sluis::core {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_sink_mutex;
LogSink g_sink;

constexpr std::string_view kNames[] = {"emerg",   "alert",  "crit", "err",
                                       "warning", "notice", "info", "debug"};

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\\') return true;
  return false;
}

void append_value(std::string& out, std::string_view raw) {
  std::string v = scrub(strip_controls(raw));
  if (!needs_quotes(v)) {
    out += v;
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) return;  // nowhere left to report a failing stderr
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}
}  // namespace

std::string_view level_name(Level l) { return kNames[static_cast<int>(l)]; }

bool parse_level(std::string_view s, Level& out) {
  for (int i = 0; i < 8; ++i)
    if (kNames[i] == s) {
      out = static_cast<Level>(i);
      return true;
    }
  return false;
}

std::string format_log_line(const Event& e, std::initializer_list<Field> fields) {
  std::string line;
  line.reserve(128);
  line.push_back('<');
  line.push_back(static_cast<char>('0' + static_cast<int>(e.level)));
  line.push_back('>');
  line += e.id;
  for (const Field& f : fields) {
    line.push_back(' ');
    line += f.key;
    line.push_back('=');
    append_value(line, f.value);
  }
  return line;
}

void log(const Event& e, std::initializer_list<Field> fields) {
  if (static_cast<int>(e.level) > g_level.load(std::memory_order_relaxed)) return;
  std::string line = format_log_line(e, fields);
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
    return;
  }
  line.push_back('\n');
  write_all(STDERR_FILENO, line);
}

void set_log_level(Level l) { g_level.store(static_cast<int>(l)); }

void set_log_sink(LogSink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

}  // namespace sluis::core
