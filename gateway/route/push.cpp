#include "gateway/route/push.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <fmt/format.h>

#include "gateway/route/push_url.hpp"
#include "gateway/route/receiver_text.hpp"

namespace sluis::route {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

bool temporary_status(unsigned s) { return s == 408 || s == 429 || s >= 500; }

}  // namespace

core::Result<std::shared_ptr<PushTransport>> PushTransport::make(const config::DestinationConfig& d) {
  std::shared_ptr<PushTransport> t(new PushTransport());
  auto url = parse_push_url(d.url);
  if (!url) return core::make_error(url.error().code, "destination " + d.id + ": " + url.error().text);
  t->host_ = url->host;
  t->port_ = url->port;
  t->target_ = url->target;
  t->ip_ = url->ip;
  t->timeout_ = d.timeout;
  boost::system::error_code ec;
  auto& ctx = t->ctx_;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(asio::ssl::verify_peer, ec);
  if (!ec) ctx.load_verify_file(d.ca.string(), ec);
  if (ec) return core::make_error("route.ca", "destination " + d.id + ": cannot load the pinned CA " + d.ca.string() + ": " + ec.message());
  ctx.use_certificate_chain_file(d.client_cert.string(), ec);
  if (ec)
    return core::make_error("route.client_cert", "destination " + d.id + ": cannot load the client certificate " +
                                                     d.client_cert.string() + ": " + ec.message());
  ctx.use_private_key_file(d.client_key.string(), asio::ssl::context::pem, ec);
  if (ec)
    return core::make_error("route.client_key", "destination " + d.id + ": cannot load the client key " +
                                                    d.client_key.string() + ": " + ec.message());
  return t;
}

asio::awaitable<AttemptResult> PushTransport::deliver(const store::StoredMessage& m, const std::string& body) {
  auto ex = co_await asio::this_coro::executor;
  beast::ssl_stream<beast::tcp_stream> stream(ex, ctx_);
  auto fail = [&](std::string_view step, const boost::system::error_code& ec) {
    return AttemptResult{AttemptResult::retry, fmt::format("{} {}:{}: {}", step, host_, port_, ec.message())};
  };
  boost::system::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  asio::ip::tcp::resolver resolver(ex);
  auto endpoints = co_await resolver.async_resolve(host_, port_, token);
  if (ec) co_return fail("cannot resolve", ec);
  beast::get_lowest_layer(stream).expires_after(timeout_);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, token);
  if (ec) co_return fail("cannot connect to", ec);
  if (!ip_)  // SNI for names only (SSL_set_tlsext_host_name is a macro with a C cast)
    SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(host_.c_str()));
  stream.set_verify_callback(asio::ssl::host_name_verification(host_));
  co_await stream.async_handshake(asio::ssl::stream_base::client, token);
  if (ec) co_return fail("TLS handshake with", ec);

  http::request<http::string_body> req{http::verb::post, target_, 11};
  req.set(http::field::host, host_);
  req.set(http::field::content_type, "application/xml");
  req.set(http::field::user_agent, "sluis");
  req.set("Sluis-Message-Id", m.id);
  req.set("Sluis-Law", m.law);
  req.set("Sluis-Message-Type", std::to_string(m.type));
  req.keep_alive(false);
  req.body() = body;
  req.prepare_payload();
  co_await http::async_write(stream, req, token);
  if (ec) co_return fail("cannot send to", ec);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);
  co_await http::async_read(stream, buf, parser, token);
  if (ec) co_return fail("no answer from", ec);
  // Closing politely; the outcome is decided already.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(token);
  const auto& res = parser.get();
  unsigned status = res.result_int();
  if (status >= 200 && status < 300) co_return AttemptResult{AttemptResult::acknowledged, {}};
  // The receiver's words may echo the message: masked before they are kept
  // or logged (receiver_text.hpp).
  std::string error = fmt::format("{}:{} answered HTTP {}: {}", host_, port_, status, receiver_text(res.body(), body));
  co_return AttemptResult{temporary_status(status) ? AttemptResult::retry : AttemptResult::refused, error};
}

}  // namespace sluis::route
