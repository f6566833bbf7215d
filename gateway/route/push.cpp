#include "gateway/route/push.hpp"

#include <fmt/format.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include "gateway/net/tls.hpp"
#include "gateway/route/push_url.hpp"
#include "gateway/route/receiver_text.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::route {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

bool temporary_status(unsigned s) {
  return s == 408 || s == 429 || s >= 500;
}

// A destination's TLS files, by role: net.ca -> route.ca, and so on (the
// file's role stays in the code). make_client_context fails with these only.
core::Errc destination_tls_code(core::Errc c) {
  switch (c) {
    case core::Errc::net_ca: return core::Errc::route_ca;
    case core::Errc::net_client_cert: return core::Errc::route_client_cert;
    case core::Errc::net_client_key: return core::Errc::route_client_key;
    default: return c;
  }
}

}  // namespace

core::Result<std::shared_ptr<PushTransport>> PushTransport::make(
    const config::DestinationConfig& d) {
  auto url = parse_push_url(d.url);
  if (!url)
    return core::make_error(url.error().code, "destination " + d.id + ": " + url.error().text);
  auto tls = net::make_client_context(d.ca, d.client_cert, d.client_key);
  if (!tls)
    return core::make_error(destination_tls_code(tls.error().code),
                            "destination " + d.id + ": " + tls.error().text);
  net::HttpsClient client(std::move(*tls), net::HttpsEndpoint{url->host, url->port, url->ip},
                          d.timeout, kMaxAnswer);
  return std::shared_ptr<PushTransport>(new PushTransport(std::move(client), url->target));
}

asio::awaitable<AttemptResult> PushTransport::deliver(const store::StoredMessage& m,
                                                      const std::string& body) {
  const auto& at = client_.endpoint();
  http::request<http::string_body> req{http::verb::post, target_, 11};
  req.set(http::field::content_type, "application/xml");
  req.set(http::field::user_agent, "sluis");
  req.set("Sluis-Message-Id", m.id);
  req.set("Sluis-Law", standard::to_string(m.law));
  req.set("Sluis-Message-Type", std::to_string(m.type));
  req.body() = body;
  auto res = co_await client_.exchange(std::move(req));
  if (!res.ok())
    co_return AttemptResult{AttemptResult::retry,
                            fmt::format("{} {}:{}: {}", net::step_text(res.failed_at), at.host,
                                        at.port, res.error.message())};
  if (res.status >= 200 && res.status < 300)
    co_return AttemptResult{AttemptResult::acknowledged, {}};
  // The receiver's words may echo the message: masked before they are kept
  // or logged (receiver_text.hpp).
  std::string error = fmt::format("{}:{} answered HTTP {}: {}", at.host, at.port, res.status,
                                  receiver_text(res.body, body));
  co_return AttemptResult{
      temporary_status(res.status) ? AttemptResult::retry : AttemptResult::refused, error};
}

}  // namespace sluis::route
