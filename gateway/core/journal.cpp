#include "gateway/core/journal.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "gateway/core/digest.hpp"

namespace sluis::core {

namespace {
bool parse_decimal(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}
}  // namespace

std::string journal_message_id(std::string_view event_id) {
  std::string seed = "sluis.journal.message-id:";
  seed += event_id;
  return sha256_hex(seed).substr(0, 32);
}

bool journal_stream_names(std::string_view journal_stream, std::uint64_t device,
                          std::uint64_t inode) {
  auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t dev = 0, ino = 0;
  return parse_decimal(journal_stream.substr(0, colon), dev) &&
         parse_decimal(journal_stream.substr(colon + 1), ino) && dev == device && ino == inode;
}

bool valid_journal_field_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (name[0] == '_' || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string encode_journal_entry(const std::vector<JournalField>& fields) {
  std::string out;
  out.reserve(256);
  for (const JournalField& f : fields) {
    out += f.name;
    if (f.value.find('\n') == std::string_view::npos) {
      out.push_back('=');
      out += f.value;
    } else {
      out.push_back('\n');
      std::uint64_t n = f.value.size();
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
      out += f.value;
    }
    out.push_back('\n');
  }
  return out;
}

bool JournalSocket::open(std::string_view path) {
  close();
  if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) return false;
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  path_ = std::string(path);
  return true;
}

bool JournalSocket::send(std::string_view entry) const {
  if (fd_ < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  for (;;) {
    // Blocking, like a write to stderr: a busy journald slows the logger
    // rather than losing its entries. MSG_NOSIGNAL: no SIGPIPE.
    ssize_t n = ::sendto(fd_, entry.data(), entry.size(), MSG_NOSIGNAL,
                         reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    if (n >= 0) return static_cast<std::size_t>(n) == entry.size();
    if (errno != EINTR) return false;
  }
}

void JournalSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  path_.clear();
}

}  // namespace sluis::core
