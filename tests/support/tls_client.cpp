#include "tests/support/tls_client.hpp"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <functional>
#include <stdexcept>

namespace sluis::test {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;

namespace {

// Made before the stream: the stream's SSL object takes the certificate then.
ssl::context client_context(const TestGateway& g, const std::string& who) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(g.pki("ca.pem"));
  ctx.use_certificate_chain_file(g.pki(who + ".pem"));
  ctx.use_private_key_file(g.pki(who + ".key"), ssl::context::pem);
  return ctx;
}

}  // namespace

TlsClient::TlsClient(const TestGateway& g, const std::string& who, std::chrono::milliseconds deadline,
                     const std::string& from)
    : deadline_(deadline), ctx_(client_context(g, who)), s_(io_, ctx_) {
  std::string hostport = g.https_url.substr(std::string_view("https://").size());
  auto colon = hostport.rfind(':');
  asio::ip::tcp::resolver res(io_);
  auto to = *res.resolve(hostport.substr(0, colon), hostport.substr(colon + 1)).begin();
  auto& sock = s_.next_layer();
  sock.open(to.endpoint().protocol());
  if (!from.empty()) sock.bind(asio::ip::tcp::endpoint(asio::ip::make_address(from), 0));
  sock.connect(to.endpoint());
}

void TlsClient::handshake() {
  boost::system::error_code result = asio::error::timed_out;
  s_.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) { result = ec; });
  run();
  if (result) throw std::runtime_error("TLS handshake: " + result.message());
  tls_ = true;
}

void TlsClient::write(const std::string& bytes) {
  if (tls_)
    asio::write(s_, asio::buffer(bytes));
  else
    asio::write(s_.next_layer(), asio::buffer(bytes));
}

http::response<http::string_body> TlsClient::response() {
  http::response<http::string_body> res;
  boost::system::error_code result = asio::error::timed_out;
  http::async_read(s_, buf_, res, [&](boost::system::error_code ec, std::size_t) { result = ec; });
  run();
  if (result) throw std::runtime_error("reading an HTTP response: " + result.message());
  return res;
}

TlsClient::Closed TlsClient::until_closed() {
  Closed c;
  auto start = Clock::now();
  std::array<char, 4096> chunk;
  bool ended = false;
  std::function<void()> next = [&] {
    auto on_read = [&](boost::system::error_code ec, std::size_t n) {
      c.data.append(chunk.data(), n);
      if (ec) {
        ended = ec != asio::error::operation_aborted;
        return;
      }
      next();
    };
    if (tls_)
      s_.async_read_some(asio::buffer(chunk), on_read);
    else
      s_.next_layer().async_read_some(asio::buffer(chunk), on_read);
  };
  c.data.assign(static_cast<const char*>(buf_.data().data()), buf_.size());
  buf_.clear();
  next();
  run();
  c.took = Clock::now() - start;
  c.closed = ended;
  return c;
}

// Runs what is pending until it is done or the deadline passed; then cancels
// what is left (its handler sees operation_aborted).
void TlsClient::run() {
  io_.restart();
  io_.run_for(deadline_);
  if (!io_.stopped()) {
    boost::system::error_code ignore;
    s_.next_layer().cancel(ignore);
    io_.restart();
    io_.run();
  }
}

}  // namespace sluis::test
