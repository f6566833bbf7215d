#include "gateway/route/drop.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <cstring>

namespace sluis::route {

namespace asio = boost::asio;

namespace {
std::string sys_error(const std::string& what, const std::filesystem::path& p) {
  return what + " " + p.string() + ": " + std::strerror(errno);
}

// Ids are the store's ("m" + hex); anything else never becomes a path.
bool safe_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos;
}
}  // namespace

DropTransport::DropTransport(std::filesystem::path directory) : dir_(std::move(directory)) {}

DropTransport::~DropTransport() { pool_.join(); }

std::filesystem::path DropTransport::file_of(const std::string& id) const { return dir_ / (id + ".xml"); }

std::string DropTransport::write(const std::string& id, const std::string& body) const {
  if (!safe_id(id)) return "refusing to name a file after id \"" + id + "\"";
  const auto tmp = dir_ / ("." + id + ".xml.tmp");
  const auto final_path = file_of(id);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return sys_error("cannot create", tmp);
  const char* p = body.data();
  std::size_t left = body.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string e = sys_error("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string e = sys_error("cannot fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    std::string e = sys_error("cannot rename into", final_path);
    ::unlink(tmp.c_str());
    return e;
  }
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return sys_error("cannot open", dir_);
  int rc = ::fsync(dfd);
  std::string e = rc != 0 ? sys_error("cannot fsync", dir_) : std::string();
  ::close(dfd);
  return e;
}

asio::awaitable<AttemptResult> DropTransport::deliver(const store::StoredMessage& m, const std::string& body) {
  auto home = co_await asio::this_coro::executor;
  co_await asio::post(pool_, asio::use_awaitable);
  std::string error = write(m.id, body);
  co_await asio::post(home, asio::use_awaitable);
  if (!error.empty()) co_return AttemptResult{AttemptResult::retry, error};
  co_return AttemptResult{AttemptResult::delivered, {}};
}

bool DropTransport::picked_up(const store::StoredMessage& m) {
  std::error_code ec;
  return safe_id(m.id) && !std::filesystem::exists(file_of(m.id), ec) && !ec;
}

}  // namespace sluis::route
