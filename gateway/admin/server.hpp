// The admin socket: a Unix stream socket that sluisctl talks to.
//
// One request per connection: the client writes one JSON object, the server
// answers one JSON object and closes. With "progress": true in the request a
// long command writes progress lines before the answer (command.hpp). The request is parsed
// incrementally and refused once it exceeds max_request bytes; a connection that has not sent a
// whole request within read_timeout is closed. At most max_connections are
// served at once; one more is answered with result 1 and closed.
//
// The socket file is created with mode 0660 and group admin.group. Each
// request carries its peer, read once when the connection is accepted
// (SO_PEERCRED, SO_PEERGROUPS): uid, gid, and whether it is an admin peer
// (root, sluisd's own user or a member of admin.group), which decides what
// it may run (registry.hpp, Access). An exception escaping a connection's
// coroutine is logged (ADMIN_CONNECTION_FAILED, with its number and uid) and
// closes that connection only. A file left at the path is replaced only when
// it is a socket nobody answers on; when another sluisd answers there,
// open() refuses (two daemons on one state).
//
// Threading: everything runs on the io_context given, which is the App's
// admin io_context on a thread of its own ("admin"), never the HTTPS io
// thread: one coroutine per connection, and the command's handler runs
// synchronously inside it (registry.hpp), so a long command blocks the admin
// thread only. open() before that thread runs; close(), cancel() and
// update_limits() may be called from any thread (they post to the admin
// io_context; close()'s on_idle runs on the admin thread). close() stops
// accepting and lets running requests finish; cancel() marks every running
// command cancelled at once and closes the connections.
//
// Cancel: a command's Job (command.hpp) is cancelled when the server cancels
// (drain timeout at shutdown) or when the client closed its connection (the
// socket reports POLLHUP; a client that only shut its sending side after the
// request, as admin::call does, is still there). A long command checks it at
// each step boundary and answers "cancelled after N of M"; the answer to a
// client that has gone is dropped, its audit rows and log line stay.
//
// Ownership: the App owns the Server; the Registry must outlive it.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/json/stream_parser.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"

namespace sluis::admin {

// One request document read from the bytes a client sends, in the pieces they
// arrive in: at most `max_request` bytes (admin.max_request), one JSON value.
// The server's read loop feeds it; the admin fuzz target feeds it the same way.
class RequestReader {
 public:
  explicit RequestReader(std::uint64_t max_request) : max_(max_request) {}
  // The next `n` bytes (n may be 0); true once the request is complete or
  // refused: read no further.
  bool feed(const char* data, std::size_t n);
  // The client shut its sending side (end of file) before feed() said done.
  void end();
  // After feed() said true or after end(): the request, or the answer that
  // refuses it (too large, not JSON, incomplete, empty).
  bool parsed() const { return parsed_; }
  boost::json::value release() { return parser_.release(); }
  const std::optional<Answer>& refusal() const { return refusal_; }

 private:
  std::uint64_t max_;
  std::uint64_t total_ = 0;
  boost::json::stream_parser parser_;
  bool parsed_ = false;
  std::optional<Answer> refusal_;
};

// The answer to a parsed request document, as the server gives it: the
// request's "progress" flag set on `job` (when a ConnJob-like job wants
// lines), then the registry's dispatch for `peer`.
Answer answer_request(const Registry& registry, const boost::json::value& request, const Peer& peer, Job* job,
                      bool* progress_lines);

class Server {
 public:
  Server(boost::asio::io_context& ioc, const Registry& registry);
  ~Server();

  // Binds the socket (throws std::runtime_error with a clear text on failure).
  void open(const config::AdminConfig& cfg);
  // Limits that may change on reload (socket path and group need a restart).
  void update_limits(const config::AdminConfig& cfg);
  // Stops accepting, removes the socket file; on_idle runs once no request is left.
  void close(std::function<void()> on_idle);
  // Ends every running connection now.
  void cancel();
  std::size_t active() const { return active_.load(std::memory_order_relaxed); }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Conn;
  void accept_loop();
  boost::asio::awaitable<void> serve_one(std::shared_ptr<Conn> conn);
  void finished();

  boost::asio::io_context& ioc_;
  const Registry& registry_;
  config::AdminConfig limits_;
  std::optional<gid_t> admin_gid_;  // admin.group, when it exists
  std::filesystem::path path_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> acceptor_;
  std::vector<std::weak_ptr<Conn>> conns_;
  std::atomic<std::size_t> active_ = 0;
  std::atomic<bool> stopping_ = false;  // cancel(): running commands stop
  std::uint64_t next_id_ = 0;           // connection numbers for the log
  bool closing_ = false;
  std::function<void()> on_idle_;
};

}  // namespace sluis::admin
