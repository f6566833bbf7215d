#include "gateway/admin/server.hpp"

#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include "gateway/admin/events.hpp"
#include "gateway/core/redact.hpp"

namespace sluis::admin {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A connection's Job (command.hpp): cancelled when the server cancels or the
// client hung up; progress lines written without blocking the admin thread
// (a line the socket cannot take now waits in `pending`; past kMaxPending
// further lines are dropped whole, never cut).
class ConnJob final : public Job {
 public:
  ConnJob(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  bool lines = false;  // the request asked for "progress": true
  std::string pending;

  bool cancelled() override {
    if (gone_ || stop_.load(std::memory_order_relaxed)) return true;
    // The client shut its sending side after the request (POLLRDHUP is
    // expected); POLLHUP means it closed the connection altogether.
    pollfd p{fd_, 0, 0};
    if (::poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR))) gone_ = true;
    return gone_;
  }

  void progress(std::int64_t done, std::int64_t total, std::string_view text) override {
    if (!lines || gone_) return;
    constexpr std::size_t kMaxPending = 64 * 1024;
    std::string line = boost::json::serialize(boost::json::object{
        {"progress", boost::json::object{{"done", done}, {"total", total}, {"text", text}}}});
    line.push_back('\n');
    if (pending.size() + line.size() <= kMaxPending) pending += line;
    while (!pending.empty()) {
      ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        pending.erase(0, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;      // later, or before the answer
      gone_ = true;  // EPIPE, ECONNRESET: the client is gone
      return;
    }
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
  bool gone_ = false;
};

struct Server::Conn {
  explicit Conn(Local::socket s) : sock(std::move(s)), timer(sock.get_executor()) {}
  Local::socket sock;
  asio::steady_timer timer;
  std::uint64_t id = 0;  // for the log
  Peer peer;             // SO_PEERCRED, read once at accept
};

namespace {

// The peer's credentials; admin when it is root, sluisd's own user, or in
// the admin group (its primary group, or a supplementary group of the
// connecting process, SO_PEERGROUPS; else the group database's list for the user).
Peer peer_of(Local::socket& s, std::optional<gid_t> admin_gid) {
  Peer p;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return p;
  p.uid = cred.uid;
  p.gid = cred.gid;
  if (cred.uid == 0 || cred.uid == ::geteuid()) {
    p.admin = true;
    return p;
  }
  if (!admin_gid) return p;
  if (cred.gid == *admin_gid) {
    p.admin = true;
    return p;
  }
  std::vector<gid_t> groups(64);
#ifdef SO_PEERGROUPS
  socklen_t glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
  int rc = ::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
  if (rc != 0 && errno == ERANGE) {
    groups.resize(glen / sizeof(gid_t) + 1);
    glen = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    rc = ::getsockopt(s.native_handle(), SOL_SOCKET, SO_PEERGROUPS, groups.data(), &glen);
  }
  if (rc == 0) {
    groups.resize(glen / sizeof(gid_t));
    p.admin = std::find(groups.begin(), groups.end(), *admin_gid) != groups.end();
    return p;
  }
#endif
  passwd pw{};
  passwd* found = nullptr;
  char buf[4096];
  if (::getpwuid_r(cred.uid, &pw, buf, sizeof buf, &found) != 0 || !found) return p;
  int n = static_cast<int>(groups.size());
  if (::getgrouplist(found->pw_name, found->pw_gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<std::size_t>(n));
    if (::getgrouplist(found->pw_name, found->pw_gid, groups.data(), &n) < 0) return p;
  }
  groups.resize(static_cast<std::size_t>(n));
  p.admin = std::find(groups.begin(), groups.end(), *admin_gid) != groups.end();
  return p;
}

// True when something answers on the socket file (another live sluisd).
bool someone_listens(const std::filesystem::path& p) {
  asio::io_context ioc;
  Local::socket s(ioc);
  boost::system::error_code ec;
  s.connect(Local::endpoint(p.string()), ec);
  return !ec;
}

asio::awaitable<void> send_answer(Local::socket& s, const Answer& a, std::string before = {}) {
  std::string out = std::move(before);
  out += boost::json::serialize(to_json(a));
  out.push_back('\n');
  co_await asio::async_write(s, asio::buffer(out), kTuple);
  boost::system::error_code ec;
  s.shutdown(Local::socket::shutdown_both, ec);
}

}  // namespace

bool RequestReader::feed(const char* data, std::size_t n) {
  total_ += n;
  if (total_ > max_) {
    refusal_ = error("request larger than admin.max_request (" + config::format_size(max_) + ")");
    return true;
  }
  boost::system::error_code perr;
  if (n > 0) parser_.write_some(data, n, perr);
  if (perr) {
    refusal_ = error("malformed request: not valid JSON (" + perr.message() + ")");
    return true;
  }
  parsed_ = parser_.done();
  return parsed_;
}

void RequestReader::end() {
  boost::system::error_code perr;
  parser_.finish(perr);
  if (perr || !parser_.done())
    refusal_ = error(total_ == 0 ? "empty request" : "malformed request: incomplete JSON");
  else
    parsed_ = true;
}

Answer answer_request(const Registry& registry, const boost::json::value& request, const Peer& peer, Job* job,
                      bool* progress_lines) {
  if (const auto* o = request.if_object())
    if (const auto* p = o->if_contains("progress"); p && p->is_bool() && progress_lines) *progress_lines = p->as_bool();
  return registry.dispatch_value(request, peer, job);
}

Server::Server(asio::io_context& ioc, const Registry& registry) : ioc_(ioc), registry_(registry) {}

Server::~Server() {
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    std::filesystem::remove(path_, ec);
  }
}

void Server::open(const config::AdminConfig& cfg) {
  limits_ = cfg;
  path_ = cfg.socket;
  std::error_code fec;
  std::filesystem::create_directories(path_.parent_path(), fec);
  auto st = std::filesystem::symlink_status(path_, fec);
  if (!fec && std::filesystem::exists(st)) {
    if (st.type() != std::filesystem::file_type::socket)
      throw std::runtime_error("admin socket path " + path_.string() +
                               " exists and is not a socket; refusing to replace it");
    if (someone_listens(path_))
      throw std::runtime_error("another sluisd is serving the admin socket " + path_.string() +
                               "; stop it first (two daemons must not share one state)");
    std::filesystem::remove(path_);
    core::log(events::kStaleSocket, {{"path", path_.string()}});
  }

  auto acc = std::make_unique<Local::acceptor>(ioc_);
  acc->open();
  // Bind with a restrictive umask so the file is never wider than 0660, even
  // for the instant before chmod.
  mode_t old = ::umask(0117);
  boost::system::error_code ec;
  acc->bind(Local::endpoint(path_.string()), ec);
  ::umask(old);
  if (ec)
    throw std::runtime_error("cannot bind the admin socket " + path_.string() + ": " +
                             ec.message());
  acc->listen(asio::socket_base::max_listen_connections);
  ::chmod(path_.c_str(), 0660);

  if (!cfg.group.empty()) {
    group g{};
    group* found = nullptr;
    char buf[4096];
    if (::getgrnam_r(cfg.group.c_str(), &g, buf, sizeof buf, &found) == 0 && found) {
      admin_gid_ = found->gr_gid;
      if (::chown(path_.c_str(), static_cast<uid_t>(-1), found->gr_gid) != 0) {
        std::string why = std::strerror(errno);
        if (cfg.group_required)
          throw std::runtime_error("cannot give the admin socket to group " + cfg.group + ": " +
                                   why);
        core::log(events::kGroupMissing, {{"group", cfg.group}, {"error", why}});
      }
    } else if (cfg.group_required) {
      throw std::runtime_error("admin.group " + cfg.group + " does not exist");
    } else {
      core::log(events::kGroupMissing, {{"group", cfg.group}});
    }
  }
  acceptor_ = std::move(acc);
  core::log(events::kListening, {{"path", path_.string()}});
  accept_loop();
}

void Server::update_limits(const config::AdminConfig& cfg) {
  asio::post(ioc_, [this, cfg] {
    limits_.max_connections = cfg.max_connections;
    limits_.read_timeout = cfg.read_timeout;
    limits_.max_request = cfg.max_request;
  });
}

void Server::accept_loop() {
  acceptor_->async_accept([this](boost::system::error_code ec, Local::socket sock) {
    if (closing_ || !acceptor_ || !acceptor_->is_open()) return;
    if (!ec) {
      auto conn = std::make_shared<Conn>(std::move(sock));
      conn->id = ++next_id_;
      conn->peer = peer_of(conn->sock, admin_gid_);
      conns_.push_back(conn);
      active_.fetch_add(1, std::memory_order_relaxed);
      // No exception ends the coroutine unseen: it is logged with the
      // connection's number and peer, the connection closes, the socket
      // keeps serving.
      asio::co_spawn(ioc_, serve_one(conn),
                     [this, weak = std::weak_ptr<Conn>(conn), id = conn->id,
                      uid = conn->peer.uid](std::exception_ptr e) {
                       if (e) {
                         core::log(events::kConnectionFailed, {{"conn", static_cast<long>(id)},
                                                               {"uid", static_cast<long>(uid)},
                                                               {"error", core::describe(e)}});
                         if (auto c = weak.lock()) {
                           boost::system::error_code ignored;
                           c->timer.cancel();
                           c->sock.close(ignored);
                         }
                       }
                       finished();
                     });
    }
    accept_loop();
  });
}

asio::awaitable<void> Server::serve_one(std::shared_ptr<Conn> c) {
  if (active_.load(std::memory_order_relaxed) > static_cast<std::size_t>(limits_.max_connections)) {
    core::log(events::kTooMany, {{"max", limits_.max_connections}});
    co_await send_answer(c->sock, error("too many admin connections (admin.max_connections = " +
                                        std::to_string(limits_.max_connections) + "); try again"));
    co_return;
  }
  // The whole request must arrive within read_timeout; the timer closes the
  // socket, which ends the pending read with an error.
  c->timer.expires_after(limits_.read_timeout);
  c->timer.async_wait([weak = std::weak_ptr<Conn>(c)](boost::system::error_code ec) {
    if (ec) return;
    if (auto conn = weak.lock()) conn->sock.close(ec);
  });
  const Peer& peer = c->peer;

  RequestReader reader(limits_.max_request);
  std::array<char, 4096> buf;
  for (;;) {
    auto [ec, n] = co_await c->sock.async_read_some(asio::buffer(buf), kTuple);
    if (reader.feed(buf.data(), n)) break;
    if (ec == asio::error::eof) {
      reader.end();
      break;
    }
    if (ec) {
      c->timer.cancel();
      if (ec != asio::error::operation_aborted && ec != asio::error::bad_descriptor)
        core::log(events::kConnectionError, {{"error", ec.message()}});
      else
        core::log(events::kConnectionError, {{"error", "read timeout"}});
      co_return;
    }
  }
  // The read deadline is over before the command runs (a backup may take
  // longer than admin.read_timeout).
  c->timer.cancel();
  if (!c->sock.is_open()) co_return;
  ConnJob job(c->sock.native_handle(), stopping_);
  // Runs here, on the admin thread: a long command blocks this thread only.
  Answer answer = reader.parsed() ? answer_request(registry_, reader.release(), peer, &job, &job.lines)
                                  : *reader.refusal();
  if (c->sock.is_open()) co_await send_answer(c->sock, answer, std::move(job.pending));
}

void Server::finished() {
  active_.fetch_sub(1, std::memory_order_relaxed);
  std::erase_if(conns_, [](const std::weak_ptr<Conn>& w) { return w.expired(); });
  if (closing_ && active_.load(std::memory_order_relaxed) == 0 && on_idle_) {
    auto f = std::move(on_idle_);
    on_idle_ = nullptr;
    f();
  }
}

void Server::close(std::function<void()> on_idle) {
  asio::post(ioc_, [this, on_idle = std::move(on_idle)]() mutable {
    closing_ = true;
    if (acceptor_) {
      boost::system::error_code ec;
      acceptor_->close(ec);
      std::filesystem::remove(path_, ec);
      acceptor_.reset();
    }
    if (active_.load(std::memory_order_relaxed) == 0) {
      if (on_idle) on_idle();
    } else {
      on_idle_ = std::move(on_idle);
    }
  });
}

void Server::cancel() {
  // Seen at once by a command running on the admin thread (Job::cancelled);
  // the sockets close when that thread is free.
  stopping_.store(true, std::memory_order_relaxed);
  asio::post(ioc_, [this] {
    for (auto& w : conns_)
      if (auto c = w.lock()) {
        boost::system::error_code ec;
        c->sock.close(ec);
        c->timer.cancel();
      }
  });
}

}  // namespace sluis::admin
