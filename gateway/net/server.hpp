// HTTP listeners on Boost.Beast: the HTTPS listener partners submit to (mutual
// TLS, identity from the client certificate) and the plain loopback listener
// for /healthz and /metrics. One coroutine per connection; HTTP/1.1 with
// keep-alive; requests on one connection are served one at a time.
// TLS connections are net::TlsStream (tls_stream.hpp): an idle one holds no
// buffer, only OpenSSL's connection state (docs/performance.md).
//
// Limits (config [https]): max_connections (one more is closed at once),
// handshake_timeout, header_timeout (the whole header, from its first byte:
// slowloris), body_timeout, idle_timeout (between requests), max_header
// (431), max_body (413, decided from Content-Length before the body is read,
// also for "Expect: 100-continue"; the connection is then closed gracefully:
// our side shut down for writing, the client's rest read and discarded for a
// moment, so the client sees the 413 instead of a reset).
//
// Backpressure: when the gate set with set_admission() says the pipeline
// behind it (the store's writer) is saturated, a request's body is not read
// (nor buffered) until it is not: the connection waits, the client's TCP
// window fills, it slows down. After the admission's max_wait (sluisd:
// https.body_timeout) the request gets 503 with Retry-After, its body unread,
// and the connection is closed gracefully.
//
// Memory: the bodies in flight at once are bounded (https.max_body_memory,
// BodyBudget): a request takes its Content-Length before its body is read and
// gives it back when its answer is made; one that does not fit waits, unread,
// in order of arrival, at most https.body_timeout (then 503 with Retry-After,
// closed gracefully). A handler reading a stored body for its answer takes
// its size through RequestContext (hold_for_answer), held until the answer is
// written. sluis_http_body_bytes_in_flight shows what is taken,
// sluis_http_body_memory_waits_total counts the waits.
//
// Who is calling: after the handshake the certificate is mapped to a partner
// (PartnerRegistry). Each request is authorized from the handshake and its
// header alone, before its body is read and before "100 Continue": no
// partner -> 403, mode not_enrolled -> 403, over its rate -> 429 with
// Retry-After; the body stays unread and the connection is closed gracefully
// (as for 413). Otherwise the body is read and the Router's handler answers.
//
// Reload (certificates, CAs, CRLs, partners, limits) swaps snapshots: new
// connections use the new ones; an open connection is checked again at its
// next request after a reload (and at least once a minute): its certificate is
// verified against the CAs and CRLs in force (revoked -> 403
// certificate_rejected, closed) and mapped to the registry in force (removed,
// not_enrolled, shadow take effect on that request). A connection is closed
// after https.max_connection_age (after the answer in flight).
//
// Connections: at most max_connections, and at most
// max_connections_per_address from one client address (one more is closed at
// once, before TLS). When accept fails for want of file descriptors
// (EMFILE/ENFILE), accepting pauses (10 ms doubling to 1 s) instead of
// spinning; the clients wait in the backlog (NET_ACCEPT_PAUSED).
//
// Role "monitoring" (a central Prometheus): such a partner may GET /metrics
// and nothing else (403 monitoring_only); any other partner gets 403
// not_monitoring on /metrics. Decided here, from the header, like the rest.
//
// Metrics per partner: sluis_partner_last_seen_seconds (its last
// authenticated request) and sluis_partner_certificate_expiry_seconds (the
// notAfter of the certificate it last used); sluis_tls_certificate_expiry_seconds
// per configured certificate file (docs/metrics.md).
//
// CRLs: sluis_tls_crl_next_update_seconds{file} per CRL; a day before a CRL's
// nextUpdate NET_TLS_CRL_EXPIRING, after it NET_TLS_CRL_EXPIRED (checked at
// open, reload and hourly); OpenSSL then refuses the CA's certificates.
//
// Threading: runs on one io_context thread (the App's); the Router's handlers
// may hand heavy work to pools and co_await it. close() stops accepting, lets
// requests in flight finish and closes idle connections; cancel() ends
// everything.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>

#include "gateway/config/config.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/net/body_budget.hpp"
#include "gateway/net/http.hpp"
#include "gateway/net/partners.hpp"
#include "gateway/net/rate_limiter.hpp"

namespace sluis::net {

// The plain listener's limits: fixed, loopback only, /healthz and /metrics.
inline constexpr int kPlainMaxConnections = 64;
inline constexpr std::size_t kPlainMaxBody = 64 << 10;

// How a listener reads one request, in the steps handle_request() takes
// (also driven by tests/fuzz/http_fuzz.cpp with bytes instead of a socket):
//   1. a parser with the listener's limits (request_parser);
//   2. the header read; refuse_from_header() says whether the request ends
//      there: 431 over max_header, 413 when the declared length is over
//      max_body (the body is never read);
//   3. who is calling (HttpServer::authorize: the TLS session's), then the
//      body read; a body over max_body while reading it: body_too_large();
//   4. the Router's answer.
using RequestParser = http::request_parser<http::string_body>;
void limit_parser(RequestParser& parser, const config::HttpsConfig& limits);
// The refusal of a request from its header read (`ec` the read's error), or
// nullopt when the request may go on (or the read simply failed: `ec` set,
// nothing to answer).
std::optional<Response> refuse_from_header(const boost::system::error_code& ec, const RequestParser& parser,
                                           const config::HttpsConfig& limits);
// 413 body_too_large, naming max_body; the connection closes after it.
Response body_too_large(unsigned version, std::uint64_t max_body);

class HttpServer {
 public:
  // TLS listener.
  HttpServer(boost::asio::io_context& ioc, const config::HttpsConfig& cfg,
             std::shared_ptr<boost::asio::ssl::context> tls,
             std::shared_ptr<const PartnerRegistry> partners, const Router& router);
  // Plain listener (loopback only).
  HttpServer(boost::asio::io_context& ioc, const config::PlainConfig& cfg, const Router& router);
  ~HttpServer();

  void open();  // binds; throws std::runtime_error
  void reload(const config::HttpsConfig& cfg, std::shared_ptr<boost::asio::ssl::context> tls,
              std::shared_ptr<const PartnerRegistry> partners);
  void close(std::function<void()> on_idle);
  void cancel();
  std::string url() const;  // "https://127.0.0.1:8443"
  // Backpressure: `saturated` is asked before a body is read; while it says
  // true the body waits (polled every 5 ms), at most `max_wait` (then 503).
  // Unset: never saturated.
  void set_admission(std::function<bool()> saturated, std::chrono::milliseconds max_wait) {
    saturated_ = std::move(saturated);
    max_wait_ = max_wait;
  }
  std::size_t active() const { return sessions_.size(); }
  // The bodies in flight at once (the TLS listener: https.max_body_memory,
  // also at reload; the plain one: its connections times its largest body).
  void set_body_memory(std::uint64_t bytes) { body_budget_.set_limit(bytes); }

 private:
  struct Session;
  void accept_loop();
  boost::asio::awaitable<void> run_plain(boost::asio::ip::tcp::socket s, std::shared_ptr<Session> st);
  boost::asio::awaitable<void> run_tls(boost::asio::ip::tcp::socket s, std::shared_ptr<Session> st);
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream, RequestContext ctx, std::shared_ptr<Session> st);
  template <class Stream>
  boost::asio::awaitable<bool> handle_request(Stream& stream, boost::beast::flat_buffer& buf,
                                              RequestContext& ctx, Session& st);
  // A refusal made before the body is read (403, 429, 503): counted, written,
  // and the connection closed gracefully with the body unread; false.
  template <class Stream>
  boost::asio::awaitable<bool> refuse_unread(Stream& stream, Response res);
  // The refusal of a request from its header, or nullopt when it may go on.
  std::optional<Response> authorize(RequestContext& ctx, Session& st, const Request& head);
  boost::asio::awaitable<Response> answer(Request req, const RequestContext& ctx);
  void finished(const std::shared_ptr<Session>& st);
  void pause_accepting(const boost::system::error_code& ec);
  // The metric and warnings of crls_; `announce`: say when none is configured.
  void watch_crls(bool announce);
  // The certificate expiry gauges of the configured files, and every
  // configured partner's series (open, reload).
  void watch_partners();
  enum PartnerGauge { kLastSeen, kCertificateExpiry };
  static core::Metric& partner_gauge(PartnerGauge which, const std::string& partner);
  std::vector<CrlInfo> crls_;  // of the TLS context in force (open, reload)

  boost::asio::io_context& ioc_;
  bool tls_mode_;
  config::HttpsConfig limits_;
  std::string address_;
  int port_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::shared_ptr<const PartnerRegistry> partners_;
  const Router& router_;
  RateLimiter rate_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::list<std::shared_ptr<Session>> sessions_;
  std::map<boost::asio::ip::address, int> per_address_;
  // Bumped by reload(): a session whose last check is older re-checks.
  std::uint64_t generation_ = 0;
  boost::asio::steady_timer accept_pause_;
  std::chrono::milliseconds pause_{0};
  long pauses_ = 0;  // in the current episode
  // A refused client may retry in a loop: one line a minute (per address, per
  // partner over its rate), the metrics count every one.
  core::LogThrottle refused_log_{std::chrono::minutes(1)};
  core::KeyedLogThrottle<boost::asio::ip::address> refused_per_address_log_{std::chrono::minutes(1), 1024};
  core::KeyedLogThrottle<std::string> rate_limited_log_{std::chrono::minutes(1), 1024};
  boost::asio::steady_timer crl_timer_;
  bool closing_ = false;
  std::function<void()> on_idle_;
  std::function<bool()> saturated_;
  std::chrono::milliseconds max_wait_{0};
  // Metrics of this listener (labels: listener="https" or "plain").
  struct Metrics {
    explicit Metrics(const std::string& label);
    core::Metric& open;
    core::Metric& refused;
    core::Metric& refused_per_address;
    core::Metric& rate_limited;
    core::Metric& accept_paused;
    core::Metric& handshake_failed;
    core::Metric& backpressure;
    core::Metric& body_memory_waits;
    core::Metric& body_bytes;
    core::Metric* responses[6];  // by status class 1xx..5xx (index 1..5)
  };
  Metrics metrics_;
  BodyBudget body_budget_{0};
};

}  // namespace sluis::net
