#include "gateway/core/log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/core/journal.hpp"
#include "gateway/core/redact.hpp"

namespace sluis::core {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_sink_mutex;
LogSink g_sink;
// Open when init_log_output() found stderr to be journald's stream.
JournalSocket g_journal;

constexpr std::string_view kNames[] = {"emerg",   "alert",  "crit", "err",
                                       "warning", "notice", "info", "debug"};

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || c == '\\') return true;
  return false;
}

std::string clean(std::string_view raw) { return scrub(strip_controls(raw)); }

void append_value(std::string& out, std::string_view raw) {
  std::string v = clean(raw);
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

namespace {
constexpr std::size_t kPrefix = 3;  // "<N>"

// MESSAGE_ID per event id, computed (SHA-256) once per event, not per line.
// Called under g_sink_mutex.
const std::string& cached_message_id(std::string_view event_id) {
  static std::unordered_map<std::string, std::string> ids;
  auto it = ids.find(std::string(event_id));
  if (it == ids.end()) it = ids.emplace(std::string(event_id), journal_message_id(event_id)).first;
  return it->second;
}

// The entry for the line format_log_line made. Lines about a message carry
// msg=<id> (style.md), lines about a partner partner=<code>: those two become
// fields of their own, SLUIS_MSG and SLUIS_PARTNER, so that journalctl finds
// every entry about one message or one partner. Called under g_sink_mutex.
std::string journal_entry(const Event& e, std::initializer_list<Field> fields,
                          std::string_view line) {
  std::string msg, partner;
  for (const Field& f : fields) {
    if (f.key == "msg" && msg.empty()) msg = clean(f.value);
    if (f.key == "partner" && partner.empty()) partner = clean(f.value);
  }
  const std::string& id = cached_message_id(e.id);
  const char priority[] = {static_cast<char>('0' + static_cast<int>(e.level)), '\0'};
  std::vector<JournalField> entry{{"MESSAGE", line.substr(kPrefix)},
                                  {"PRIORITY", priority},
                                  {"MESSAGE_ID", id},
                                  {"SYSLOG_IDENTIFIER", "sluisd"},
                                  {"SLUIS_EVENT", e.id}};
  if (!msg.empty()) entry.push_back({"SLUIS_MSG", msg});
  if (!partner.empty()) entry.push_back({"SLUIS_PARTNER", partner});
  return encode_journal_entry(entry);
}
}  // namespace

void log(const Event& e, std::initializer_list<Field> fields) {
  if (static_cast<int>(e.level) > g_level.load(std::memory_order_relaxed)) return;
  std::string line = format_log_line(e, fields);
  std::lock_guard lock(g_sink_mutex);
  if (g_sink) {
    g_sink(line);
    return;
  }
  if (g_journal.is_open() && g_journal.send(journal_entry(e, fields, line))) return;
  line.push_back('\n');
  write_all(STDERR_FILENO, line);
}

void init_log_output() {
  std::lock_guard lock(g_sink_mutex);
  g_journal.close();
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (stream == nullptr || ::fstat(STDERR_FILENO, &st) != 0) return;
  if (!journal_stream_names(stream, static_cast<std::uint64_t>(st.st_dev),
                            static_cast<std::uint64_t>(st.st_ino)))
    return;
  const char* path = std::getenv("SLUIS_JOURNAL_SOCKET");
  g_journal.open(path != nullptr && *path != '\0' ? std::string_view(path) : kJournalSocketDefault);
}

void set_log_level(Level l) { g_level.store(static_cast<int>(l)); }

void set_log_sink(LogSink sink) {
  std::lock_guard lock(g_sink_mutex);
  g_sink = std::move(sink);
}

}  // namespace sluis::core
