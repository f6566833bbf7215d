// journald's native protocol, for the logger (log.hpp): one datagram per
// entry on a Unix socket, each field either `NAME=value\n` or, for a value
// holding a newline, `NAME\n`, the value's length as a 64-bit little-endian
// integer, the value and `\n` (systemd's "Native Journal Protocol").
//
// The socket's path is a setting, not a constant, so tests can read what
// sluisd sends: $SLUIS_JOURNAL_SOCKET, default /run/systemd/journal/socket
// (libsystemd's sd_journal_sendv always writes to the default).
//
// Threading: the free functions are pure. A JournalSocket is set up once
// and then only sends; send() is safe from any thread (one sendto(2) each).
// Failure: send() returns false (journald gone, entry too large for one
// datagram): the logger writes the line on stderr instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluis::core {

inline constexpr std::string_view kJournalSocketDefault = "/run/systemd/journal/socket";

// MESSAGE_ID of an event: the first 128 bits of
// SHA-256("sluis.journal.message-id:" + event id) as 32 lowercase hex
// characters. The same every run, build and host; scripts/gen-events-doc
// derives the same ids for the catalog (systemd/sluis.catalog).
std::string journal_message_id(std::string_view event_id);

// Whether $JOURNAL_STREAM's value (`DEVICE:INODE`, decimal) names the file
// with that device and inode: stderr is then journald's stream
// (systemd.exec(5)). False for an empty or malformed value.
bool journal_stream_names(std::string_view journal_stream, std::uint64_t device,
                          std::uint64_t inode);

// A journal field name: A-Z, 0-9 and '_', not starting with a digit or '_'
// (those are journald's own), at most 64 characters.
bool valid_journal_field_name(std::string_view name);

struct JournalField {
  std::string_view name;  // valid_journal_field_name
  std::string_view value;
};

// One entry in the native protocol; a value with a newline takes the
// length-prefixed form, so no value can start another field.
std::string encode_journal_entry(const std::vector<JournalField>& fields);

class JournalSocket {
 public:
  // Does not connect: each send names the path, so a restarted journald is
  // found again. open() is false when no socket could be made or the path
  // does not fit a sockaddr_un.
  bool open(std::string_view path);
  bool is_open() const { return fd_ >= 0; }
  bool send(std::string_view entry) const;
  void close();

  JournalSocket() = default;
  ~JournalSocket() { close(); }
  JournalSocket(const JournalSocket&) = delete;
  JournalSocket& operator=(const JournalSocket&) = delete;

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace sluis::core
