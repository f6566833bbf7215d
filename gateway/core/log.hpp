// Logging facade: one line per event on stderr, with the systemd priority
// prefix journald understands, then the event id and key=value fields:
//
//   <4>CONFIG_RELOAD_FAILED file=/etc/sluis/sluisd.toml error="line 3: ..."
//
// Every event is declared once, with its level and operator text, in its
// module's events.hpp (the catalog, docs/events.md lists it). Values are
// stripped of control characters (no forged lines) and scrubbed of anything
// that passes the BSN 11-check, as a last line of defence behind the redaction
// helpers in redact.hpp. Never log a message body, a name or a BSN.
//
// Under systemd, when stderr is the journal's stream, each event is instead one
// entry of journald's native protocol with fields to search by (journal.hpp):
// MESSAGE (the line without its prefix), PRIORITY, MESSAGE_ID (one per event
// id; the catalog systemd/sluis.catalog explains it), SLUIS_EVENT, SLUIS_MSG
// and SLUIS_PARTNER. Values get the same stripping and scrubbing there.
//
// Threading: log() may be called from any thread; each line is one write(2),
// each journal entry one datagram.
#pragma once

#include <chrono>
#include <concepts>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sluis::core {

// syslog/systemd priorities.
enum class Level { emerg = 0, alert, crit, err, warning, notice, info, debug };

std::string_view level_name(Level l);
// Parses "err", "warning", "notice", "info", "debug" (config key log.level).
bool parse_level(std::string_view s, Level& out);

struct Event {
  std::string_view id;    // MODULE_EVENT
  Level level;
  std::string_view text;  // what it means and what the operator does about it
};

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <std::integral I>
  Field(std::string_view k, I v) : key(k), value(std::to_string(v)) {}
  std::string_view key;
  std::string value;
};

void log(const Event& e, std::initializer_list<Field> fields = {});

// At most one line per `every` for an event a client can repeat as fast as
// it likes (a refused connection retried in a loop): the count goes to a
// metric, the journal gets a line now and then with how many it left out.
// Threading: one thread (the caller's), not shared.
class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::steady_clock::duration every) : every_(every) {}
  // When this occurrence is to be logged: the number left out since the last
  // line (0 for the first). Otherwise nullopt, and it is counted.
  std::optional<long> admit(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    if (logged_ && now - last_ < every_) {
      ++left_out_;
      return std::nullopt;
    }
    logged_ = true;
    last_ = now;
    return std::exchange(left_out_, 0);
  }
  // Nothing to report and the next occurrence would be logged: forgetting
  // this throttle loses nothing.
  bool quiet(std::chrono::steady_clock::time_point now) const {
    return !logged_ || (left_out_ == 0 && now - last_ >= every_);
  }

 private:
  std::chrono::steady_clock::duration every_;
  std::chrono::steady_clock::time_point last_{};
  bool logged_ = false;
  long left_out_ = 0;
};

// A LogThrottle per key (a client's address, a partner): a second client's
// refusals get a line of their own instead of only a count under the first's.
// At most `max_keys` keys are held (a flood from many addresses cannot grow
// it): when full, quiet keys are forgotten, and a new key beyond that shares
// one throttle with the others it did not keep.
template <class Key>
class KeyedLogThrottle {
 public:
  KeyedLogThrottle(std::chrono::steady_clock::duration every, std::size_t max_keys)
      : every_(every), max_keys_(max_keys), others_(every) {}
  std::optional<long> admit(const Key& key,
                            std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      if (keys_.size() >= max_keys_) std::erase_if(keys_, [&](const auto& kv) { return kv.second.quiet(now); });
      if (keys_.size() >= max_keys_) return others_.admit(now);
      it = keys_.emplace(key, LogThrottle(every_)).first;
    }
    return it->second.admit(now);
  }
  std::size_t keys() const { return keys_.size(); }

 private:
  std::chrono::steady_clock::duration every_;
  std::size_t max_keys_;
  std::map<Key, LogThrottle> keys_;
  LogThrottle others_;
};

// Formats the line log() would write (without the trailing newline).
std::string format_log_line(const Event& e, std::initializer_list<Field> fields);

// Lines below this level are dropped. Default: info.
void set_log_level(Level l);

// Chooses where log() writes: journald's native protocol when $JOURNAL_STREAM
// names stderr's device and inode (systemd sets it for StandardError=journal),
// sent to $SLUIS_JOURNAL_SOCKET (default /run/systemd/journal/socket); the
// line on stderr otherwise (a terminal, a pipe, a file), and for every entry
// the journal refuses. main calls it once, before any other thread logs; tests
// call it again after changing the environment.
void init_log_output();

// Replaces the output (default: stderr). For tests; pass nullptr to restore.
using LogSink = std::function<void(std::string_view line)>;
void set_log_sink(LogSink sink);

}  // namespace sluis::core
