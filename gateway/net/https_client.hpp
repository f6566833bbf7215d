// HTTPS client (Boost.Beast over OpenSSL) for one request per connection, as
// push sends (route/push.hpp): resolve, connect, a TLS handshake under the one
// TLS policy (tls.hpp) with the server's host name checked (and sent as SNI
// when it is a name), the request, the answer within a body limit, a polite
// close. Nothing is kept between requests: no connection, no session.
//
// Deadlines: resolving is raced with a timer; connect, handshake, write and
// read share one deadline (the timeout given), so a server that trickles its
// answer cannot hold the request longer than that; the closing handshake gets
// kCloseTimeout of its own (the answer is in by then).
//
// Threading: exchange() is a coroutine on the caller's executor; one client
// may run many exchanges at once (each has its own connection). Ownership: the
// client shares its TLS context read-only. Failure: never throws for network
// or TLS errors; the answer says at which step it failed and why.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sluis::net {

// Where the requests go.
struct HttpsEndpoint {
  std::string host;  // DNS name or IP address (IPv6 without brackets)
  std::string port;
  bool ip = false;  // host is an address: no SNI; the certificate must name the address
};

// The outcome of one exchange.
struct HttpsAnswer {
  enum class Step { done, resolve, connect, handshake, send, receive };
  Step failed_at = Step::done;  // done: the answer below is complete
  boost::system::error_code error;
  unsigned status = 0;
  std::string body;  // at most the client's body limit
  bool ok() const { return failed_at == Step::done; }
};

// What each failed step is called in operator texts ("cannot connect to").
std::string_view step_text(HttpsAnswer::Step s);

class HttpsClient {
 public:
  static constexpr std::chrono::seconds kCloseTimeout{2};

  // `tls`: a client context (make_client_context in tls.hpp).
  HttpsClient(std::shared_ptr<boost::asio::ssl::context> tls, HttpsEndpoint endpoint,
              std::chrono::steady_clock::duration timeout, std::size_t body_limit);

  const HttpsEndpoint& endpoint() const { return endpoint_; }

  // Sends `req` on a new connection (Host set to the endpoint's host, the
  // connection closed afterwards) and reads the answer.
  boost::asio::awaitable<HttpsAnswer> exchange(
      boost::beast::http::request<boost::beast::http::string_body> req) const;

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_;
  HttpsEndpoint endpoint_;
  std::chrono::steady_clock::duration timeout_;
  std::size_t body_limit_;
};

}  // namespace sluis::net
