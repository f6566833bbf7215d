// TlsStream: the server side of one TLS connection, OpenSSL reading and
// writing the TCP socket itself (a socket BIO on the non-blocking descriptor),
// for the HTTPS listener.
//
// Why not asio::ssl::stream: it puts a BIO pair (2 x 17 KiB) and two record
// buffers (2 x 17 KiB, zero-filled) between OpenSSL and the socket, for as
// long as the connection lives; with thousands of idle keep-alive
// connections that was most of sluisd's memory (docs/performance.md). Here
// the only buffers are OpenSSL's own record buffers, and SSL_MODE_RELEASE_BUFFERS
// frees those whenever they are empty, so an idle connection keeps its SSL
// object and socket, and nothing else.
//
// It is a Beast AsyncStream (async_read_some, async_write_some) and its own
// lowest layer, with the deadline interface of beast::tcp_stream that the
// server uses: expires_after(d) sets a deadline for what follows; a wait still
// pending at the deadline ends with beast::error::timeout (the socket's waits
// are cancelled), and so does every operation started after it until the next
// expires_after or expires_never. socket() is the TCP socket (closing it
// ends every pending operation: HttpServer's close_now).
//
// Threading: one connection's operations run on the socket's executor, one
// read and one write at a time at most (HTTP/1.1 one request at a time; the
// server never reads and writes at once). SIGPIPE: OpenSSL writes with
// write(2); Asio's io_context ignores SIGPIPE for the process.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace sluis::net {

class TlsStream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  // Takes the accepted socket; `ctx`: the server context (held by the caller
  // for the stream's lifetime: the SSL object refers to it).
  TlsStream(boost::asio::ip::tcp::socket sock, SSL_CTX* ctx);
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  executor_type get_executor() { return shared_->sock.get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return shared_->sock; }
  SSL* native_handle() { return ssl_.get(); }

  void expires_after(std::chrono::steady_clock::duration d);
  void expires_never();

  // The handshake as the server (TLS accept). Completes with error_code.
  template <class Token>
  auto async_handshake(Token&& token) {
    return run(Op::handshake, {}, std::forward<Token>(token));
  }
  // Sends close_notify and waits for the client's. Completes with error_code.
  template <class Token>
  auto async_shutdown(Token&& token) {
    return run(Op::shutdown, {}, std::forward<Token>(token));
  }
  // Until there is something to read (decrypted data held by OpenSSL, or
  // bytes on the socket), without a buffer: the idle wait between requests.
  template <class Token>
  auto async_wait_readable(Token&& token) {
    return run(Op::readable, {}, std::forward<Token>(token));
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    // OpenSSL reads into one buffer; the first non-empty one is enough for
    // "some" (as asio::ssl::stream does).
    boost::asio::mutable_buffer b;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it)
      if (boost::asio::mutable_buffer m(*it); m.size() > 0) {
        b = m;
        break;
      }
    return run(Op::read, Io{b.data(), b.size(), {}}, std::forward<Token>(token));
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    // Several buffers (an HTTP header and its body) go out as one TLS record
    // when they fit in one: copied together for the length of this write.
    Io io;
    std::size_t count = 0, total = 0;
    boost::asio::const_buffer first;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      boost::asio::const_buffer c(*it);
      if (c.size() == 0) continue;
      if (count++ == 0) first = c;
      total += c.size();
    }
    if (count <= 1) {
      io.data = const_cast<void*>(first.data());
      io.size = first.size();
    } else {
      io.copy = std::make_shared<std::vector<unsigned char>>(std::min<std::size_t>(total, kRecord));
      io.size = boost::asio::buffer_copy(boost::asio::buffer(*io.copy), buffers);
      io.data = io.copy->data();
    }
    return run(Op::write, std::move(io), std::forward<Token>(token));
  }

 private:
  enum class Op { handshake, shutdown, readable, read, write };
  struct Io {
    void* data = nullptr;
    std::size_t size = 0;
    std::shared_ptr<std::vector<unsigned char>> copy;  // several buffers joined
  };
  static constexpr std::size_t kRecord = 16384;  // a TLS record's plaintext

  enum class Step { done, want_read, want_write };
  enum class State { start, waited, posted };
  // One attempt without blocking: done (ec, n set) or what to wait for.
  Step attempt(Op op, const Io& io, boost::system::error_code& ec, std::size_t& n);
  boost::system::error_code wait_error(const boost::system::error_code& ec) const;

  template <class Token>
  auto run(Op op, Io io, Token&& token) {
    using Sig = void(boost::system::error_code, std::size_t);
    return boost::asio::async_compose<Token, Sig>(
        [this, op, io = std::move(io), state = State::start, ec = boost::system::error_code(),
         n = std::size_t(0)](auto& self, boost::system::error_code wec = {}) mutable {
          if (state == State::posted) return self.complete(ec, n);
          Step step = Step::done;
          if (wec)
            ec = wait_error(wec);
          else if (shared_->timed_out)
            ec = boost::beast::error::timeout;
          else if (op == Op::readable && state == State::waited)
            step = Step::done;  // the socket is readable
          else
            step = attempt(op, io, ec, n);
          if (step == Step::done) {
            if (state == State::waited) return self.complete(ec, n);
            // Never complete inside the initiating call (Asio's rule; Beast's
            // composed reads rely on it).
            state = State::posted;
            return boost::asio::post(socket().get_executor(), std::move(self));
          }
          state = State::waited;
          socket().async_wait(step == Step::want_read ? boost::asio::socket_base::wait_read
                                                      : boost::asio::socket_base::wait_write,
                              std::move(self));
        },
        token, socket());
  }

  // Shared with the deadline timer's handler, which may run after the stream
  // is gone (it then finds nothing to cancel).
  struct Shared {
    explicit Shared(boost::asio::ip::tcp::socket s) : sock(std::move(s)) {}
    boost::asio::ip::tcp::socket sock;
    std::uint64_t generation = 0;  // of the deadline in force
    bool timed_out = false;
  };
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl_;
  boost::asio::steady_timer timer_;
};

}  // namespace sluis::net
