#include "gateway/net/tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <new>

namespace sluis::net {

namespace asio = boost::asio;

TlsStream::TlsStream(asio::ip::tcp::socket sock, SSL_CTX* ctx)
    : shared_(std::make_shared<Shared>(std::move(sock))),
      ssl_(SSL_new(ctx), SSL_free),
      timer_(shared_->sock.get_executor()) {
  if (!ssl_) throw std::bad_alloc();
  shared_->sock.non_blocking(true);
  SSL_set_fd(ssl_.get(),
             shared_->sock.native_handle());  // BIO_NOCLOSE: the socket closes the descriptor
  // RELEASE_BUFFERS: the record buffers are freed whenever they are empty
  // (the point of this class). The other two as asio::ssl::stream sets them:
  // a write may end after some records, and a retried write may come from a
  // copy of the same bytes.
  SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                               SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_set_accept_state(ssl_.get());
}

void TlsStream::expires_after(std::chrono::steady_clock::duration d) {
  shared_->timed_out = false;
  const auto generation = ++shared_->generation;
  timer_.expires_after(d);
  timer_.async_wait(
      [weak = std::weak_ptr<Shared>(shared_), generation](boost::system::error_code ec) {
        if (ec) return;
        auto s = weak.lock();
        if (!s || s->generation != generation) return;  // gone, or a newer deadline
        s->timed_out = true;
        boost::system::error_code ignore;
        s->sock.cancel(ignore);
      });
}

void TlsStream::expires_never() {
  shared_->timed_out = false;
  ++shared_->generation;
  timer_.cancel();
}

boost::system::error_code TlsStream::wait_error(const boost::system::error_code& ec) const {
  return shared_->timed_out ? boost::system::error_code(boost::beast::error::timeout) : ec;
}

TlsStream::Step TlsStream::attempt(Op op, const Io& io, boost::system::error_code& ec,
                                   std::size_t& n) {
  // A closed socket's descriptor number may already belong to another
  // connection: OpenSSL must not touch it again.
  if (!shared_->sock.is_open()) {
    ec = asio::error::bad_descriptor;
    return Step::done;
  }
  SSL* s = ssl_.get();
  ERR_clear_error();
  errno = 0;
  int r = 0;
  switch (op) {
    case Op::readable:
      if (SSL_has_pending(s)) return Step::done;
      return Step::want_read;
    case Op::handshake:
      r = SSL_do_handshake(s);
      if (r == 1) return Step::done;
      break;
    case Op::shutdown:
      r = SSL_shutdown(s);
      if (r == 0) r = SSL_shutdown(s);  // close_notify sent: now the client's
      if (r == 1) return Step::done;
      break;
    case Op::read:
    case Op::write:
      if (io.size == 0) return Step::done;
      r = op == Op::read ? SSL_read_ex(s, io.data, io.size, &n)
                         : SSL_write_ex(s, io.data, io.size, &n);
      if (r == 1) return Step::done;
      n = 0;
      break;
  }
  const int saved_errno = errno;
  switch (SSL_get_error(s, r)) {
    case SSL_ERROR_WANT_READ:
      return Step::want_read;
    case SSL_ERROR_WANT_WRITE:
      return Step::want_write;
    case SSL_ERROR_ZERO_RETURN:  // the client's close_notify
      ec = asio::error::eof;
      return Step::done;
    case SSL_ERROR_SYSCALL:
      ec = saved_errno ? boost::system::error_code(saved_errno, boost::system::system_category())
                       : boost::system::error_code(asio::ssl::error::stream_truncated);
      return Step::done;
    default: {
      const unsigned long e = ERR_get_error();
      if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        ec = asio::ssl::error::stream_truncated;  // closed without close_notify
      else
        ec = boost::system::error_code(static_cast<int>(e), asio::error::get_ssl_category());
      ERR_clear_error();
      return Step::done;
    }
  }
}

}  // namespace sluis::net
