#include "gateway/net/https_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace sluis::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string_view step_text(HttpsAnswer::Step s) {
  switch (s) {
    case HttpsAnswer::Step::done:
      return "answered";
    case HttpsAnswer::Step::resolve:
      return "cannot resolve";
    case HttpsAnswer::Step::connect:
      return "cannot connect to";
    case HttpsAnswer::Step::handshake:
      return "TLS handshake with";
    case HttpsAnswer::Step::send:
      return "cannot send to";
    case HttpsAnswer::Step::receive:
      return "no answer from";
  }
  return "failed";
}

HttpsClient::HttpsClient(std::shared_ptr<asio::ssl::context> tls, HttpsEndpoint endpoint,
                         std::chrono::steady_clock::duration timeout, std::size_t body_limit)
    : tls_(std::move(tls)),
      endpoint_(std::move(endpoint)),
      timeout_(timeout),
      body_limit_(body_limit) {}

asio::awaitable<HttpsAnswer> HttpsClient::exchange(http::request<http::string_body> req) const {
  using namespace asio::experimental::awaitable_operators;
  using Step = HttpsAnswer::Step;
  auto ex = co_await asio::this_coro::executor;
  HttpsAnswer answer;
  auto fail = [&](Step step, boost::system::error_code ec) {
    answer.failed_at = step;
    answer.error = ec;
    return answer;
  };
  const auto deadline = std::chrono::steady_clock::now() + timeout_;

  asio::ip::tcp::resolver resolver(ex);
  asio::steady_timer timer(ex, deadline);
  auto resolved = co_await (
      resolver.async_resolve(endpoint_.host, endpoint_.port, asio::as_tuple(asio::use_awaitable)) ||
      timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (resolved.index() == 1) co_return fail(Step::resolve, asio::error::timed_out);
  auto [rec, endpoints] = std::get<0>(std::move(resolved));
  if (rec) co_return fail(Step::resolve, rec);

  beast::ssl_stream<beast::tcp_stream> stream(ex, *tls_);
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  beast::get_lowest_layer(stream).expires_at(deadline);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, token);
  if (ec) co_return fail(Step::connect, ec);
  if (!endpoint_.ip)  // SNI for names only (SSL_set_tlsext_host_name is a macro with a C cast)
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(endpoint_.host.c_str()));
  stream.set_verify_callback(asio::ssl::host_name_verification(endpoint_.host));
  co_await stream.async_handshake(asio::ssl::stream_base::client, token);
  if (ec) co_return fail(Step::handshake, ec);

  req.set(http::field::host, endpoint_.host);
  req.keep_alive(false);
  req.prepare_payload();
  co_await http::async_write(stream, req, token);
  if (ec) co_return fail(Step::send, ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(body_limit_);
  co_await http::async_read(stream, buf, parser, token);
  if (ec) co_return fail(Step::receive, ec);
  // Closing politely; the outcome is decided already.
  beast::get_lowest_layer(stream).expires_after(kCloseTimeout);
  co_await stream.async_shutdown(token);
  auto res = parser.release();
  answer.status = res.result_int();
  answer.body = std::move(res.body());
  co_return answer;
}

}  // namespace sluis::net
