// Test support: one client connection to a TestGateway's HTTPS listener, as a
// given certificate of its test PKI, for tests that need to see the socket
// (timeouts, closes, pipelining, a connection held across a reload). Every
// wait ends by a deadline, so a server that fails to answer or to close makes
// a test fail instead of hanging. Failures throw std::runtime_error.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>

#include "tests/support/test_gateway.hpp"

namespace sluis::test {

class TlsClient {
 public:
  using Clock = std::chrono::steady_clock;

  // Connects (TCP only); `who` names the PKI's <who>.pem/<who>.key. `from`:
  // the local address to connect from (any of 127.0.0.0/8), default any.
  TlsClient(const TestGateway& g, const std::string& who,
            std::chrono::milliseconds deadline = std::chrono::seconds(10), const std::string& from = "");

  void handshake();
  void write(const std::string& bytes);  // over TLS once handshaken, else raw TCP
  boost::beast::http::response<boost::beast::http::string_body> response();

  struct Closed {
    bool closed = false;  // by the server, before the deadline
    std::string data;     // what came before
    Clock::duration took{};
  };
  // Reads until the server closes the connection or the deadline passes.
  Closed until_closed();

 private:
  void run();

  std::chrono::milliseconds deadline_;
  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> s_;
  boost::beast::flat_buffer buf_;
  bool tls_ = false;
};

// A bare GET /v1/whoami, for tests that write requests themselves.
inline const std::string kWhoami = "GET /v1/whoami HTTP/1.1\r\nHost: sluis\r\n\r\n";

}  // namespace sluis::test
