#include "gateway/net/server.hpp"

#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <utility>

#include "gateway/core/redact.hpp"
#include "gateway/net/events.hpp"
#include "gateway/net/tls_stream.hpp"

namespace sluis::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// An open TLS connection's certificate and partner are checked again at least
// this often even without a reload (a CRL whose nextUpdate passed, a
// certificate that expired), besides at the first request after each reload.
constexpr auto kRecheckEvery = std::chrono::seconds(60);

struct HttpServer::Session {
  bool idle = false;
  std::function<void()> close_now;  // set while the session runs
  // Its place in sessions_: a closing session leaves in constant time (a
  // search of the list made closing N connections cost N²/2 steps).
  std::list<std::shared_ptr<Session>>::iterator self;
  asio::ip::address address;  // the client's, for max_connections_per_address
  Clock::time_point born = Clock::now();
  // TLS: the reload generation and the time of the last certificate and partner check.
  std::uint64_t checked = 0;
  Clock::time_point checked_at = born;
};

namespace {

std::string endpoint_text(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "?";
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

template <class Stream>
tcp::socket& raw_socket(Stream& s) {
  return beast::get_lowest_layer(s).socket();
}

// After refusing a request whose body we will not read: shut our side down for
// writing and read (and drop) what the client still sends for a moment, so
// that closing does not reset the connection before the client read our answer.
template <class Stream>
asio::awaitable<void> linger_close(Stream& s) {
  boost::system::error_code ec;
  raw_socket(s).shutdown(tcp::socket::shutdown_send, ec);
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink;
  std::size_t total = 0;
  while (total < (8u << 20)) {
    auto [e, n] = co_await raw_socket(s).async_read_some(asio::buffer(sink), kTuple);
    if (e) break;
    total += n;
  }
  raw_socket(s).close(ec);
}

core::Metric& listener_metric(const char* name, const char* help, const std::string& label,
                              bool gauge = false) {
  return gauge ? core::gauge(name, help, "listener=\"" + label + "\"")
               : core::counter(name, help, "listener=\"" + label + "\"");
}

}  // namespace

HttpServer::Metrics::Metrics(const std::string& label)
    : open(listener_metric("sluis_http_connections", "Open HTTP connections.", label, true)),
      refused(listener_metric("sluis_http_connections_refused_total",
                              "Connections closed at once because max_connections was reached.", label)),
      refused_per_address(listener_metric(
          "sluis_http_connections_refused_per_address_total",
          "Connections closed at once because their address held max_connections_per_address.", label)),
      rate_limited(listener_metric("sluis_http_rate_limited_total",
                                   "Requests answered 429 because their partner exceeded its rate.", label)),
      accept_paused(listener_metric("sluis_http_accept_paused_total",
                                    "Pauses of the accept loop for want of file descriptors (EMFILE/ENFILE).",
                                    label)),
      handshake_failed(listener_metric("sluis_tls_handshake_failures_total",
                                       "TLS handshakes that failed (certificate, version, timeout).", label)),
      backpressure(listener_metric("sluis_http_backpressure_waits_total",
                                   "Request bodies left unread for a while because the store was saturated.",
                                   label)),
      body_memory_waits(listener_metric("sluis_http_body_memory_waits_total",
                                        "Requests that waited because the bodies in flight (read, or read from "
                                        "the store for an answer) filled max_body_memory.",
                                        label)),
      body_bytes(listener_metric("sluis_http_body_bytes_in_flight",
                                 "Bytes of bodies in flight: requests' (by Content-Length) read or being answered, and stored "
                                 "ones read for an answer.",
                                 label, true)) {
  for (int c = 1; c <= 5; ++c)
    responses[c] = &core::counter("sluis_http_responses_total", "HTTP responses by status class.",
                                  "listener=\"" + label + "\",code=\"" + std::to_string(c) + "xx\"");
}

HttpServer::HttpServer(asio::io_context& ioc, const config::HttpsConfig& cfg,
                       std::shared_ptr<asio::ssl::context> tls,
                       std::shared_ptr<const PartnerRegistry> partners, const Router& router)
    : ioc_(ioc),
      tls_mode_(true),
      limits_(cfg),
      address_(cfg.address),
      port_(cfg.port),
      tls_(std::move(tls)),
      partners_(std::move(partners)),
      router_(router),
      accept_pause_(ioc),
      crl_timer_(ioc),
      metrics_("https") {
  body_budget_.set_limit(cfg.max_body_memory);
  body_budget_.report_to(&metrics_.body_bytes, &metrics_.body_memory_waits);
}

HttpServer::HttpServer(asio::io_context& ioc, const config::PlainConfig& cfg, const Router& router)
    : ioc_(ioc),
      tls_mode_(false),
      address_(cfg.address),
      port_(cfg.port),
      router_(router),
      accept_pause_(ioc),
      crl_timer_(ioc),
      metrics_("plain") {
  limits_.max_connections = kPlainMaxConnections;
  limits_.max_body = kPlainMaxBody;
  limits_.max_body_memory = kPlainMaxConnections * kPlainMaxBody;
  body_budget_.set_limit(limits_.max_body_memory);
  body_budget_.report_to(&metrics_.body_bytes, &metrics_.body_memory_waits);
}

HttpServer::~HttpServer() { cancel(); }

void HttpServer::open() {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(address_ == "localhost" ? "127.0.0.1" : address_, ec);
  if (ec) throw std::runtime_error("listener address " + address_ + " is not an IP address");
  tcp::endpoint ep(addr, static_cast<unsigned short>(port_));
  auto acc = std::make_unique<tcp::acceptor>(ioc_);
  acc->open(ep.protocol());
  acc->set_option(asio::socket_base::reuse_address(true));
  acc->bind(ep, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + address_ + ":" + std::to_string(port_) + ": " +
                             ec.message());
  acc->listen(asio::socket_base::max_listen_connections);
  port_ = acc->local_endpoint().port();
  acceptor_ = std::move(acc);
  core::log(events::kListening, {{"url", url()}});
  if (tls_mode_) crls_ = crl_info(limits_.tls);
  watch_crls(true);
  if (tls_mode_) watch_partners();
  accept_loop();
}

std::string HttpServer::url() const {
  std::string host = address_.find(':') != std::string::npos ? "[" + address_ + "]" : address_;
  return std::string(tls_mode_ ? "https://" : "http://") + host + ":" + std::to_string(port_);
}

void HttpServer::reload(const config::HttpsConfig& cfg, std::shared_ptr<asio::ssl::context> tls,
                        std::shared_ptr<const PartnerRegistry> partners) {
  int port = port_;
  std::string address = address_;
  limits_ = cfg;
  // Address and port need a new socket: they change on restart only.
  limits_.port = port;
  limits_.address = address;
  tls_ = std::move(tls);
  partners_ = std::move(partners);
  body_budget_.set_limit(limits_.max_body_memory);
  ++generation_;  // open connections check again at their next request
  core::log(events::kTlsReloaded, {{"url", url()}});
  crls_ = crl_info(limits_.tls);  // what the new context checks handshakes against
  watch_crls(true);
  watch_partners();
}

void HttpServer::watch_partners() {
  report_certificate_expiry(limits_.tls, partners_->all());
  // Every configured partner's series from start (0: not seen yet).
  for (const auto& p : partners_->all()) {
    partner_gauge(kLastSeen, p.id);
    partner_gauge(kCertificateExpiry, p.id);
  }
}

core::Metric& HttpServer::partner_gauge(PartnerGauge which, const std::string& partner) {
  const std::string labels = "partner=\"" + core::label_value(partner) + "\"";
  if (which == kLastSeen)
    return core::gauge("sluis_partner_last_seen_seconds",
                       "When the partner's last authenticated request came in (Unix seconds; 0: not since start).",
                       labels);
  return core::gauge("sluis_partner_certificate_expiry_seconds",
                     "notAfter of the certificate the partner last connected with (Unix seconds; 0: not seen "
                     "since start).",
                     labels);
}

void HttpServer::watch_crls(bool announce) {
  if (!tls_mode_ || closing_) return;
  // The CRLs read when the context in force was made, not the files as they
  // are now: a file replaced without a reload changes no handshake, so it
  // must not change the gauge or silence the warnings either.
  const auto& crls = crls_;
  if (crls.empty()) {
    crl_timer_.cancel();
    if (announce) core::log(events::kNoCrl, {{"url", url()}});
    return;
  }
  auto now = std::chrono::system_clock::now();
  auto next = check_crls(crls, now);
  // Hourly (an expired CRL is reported again), or when the next warning is due.
  std::chrono::milliseconds wait = std::chrono::hours(1);
  if (next != std::chrono::system_clock::time_point::max())
    wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(next - now) +
                              std::chrono::seconds(1));
  crl_timer_.expires_after(wait);
  crl_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) watch_crls(false);
  });
}

void HttpServer::pause_accepting(const boost::system::error_code& ec) {
  metrics_.accept_paused.inc();
  if (pauses_++ == 0)
    core::log(events::kAcceptPaused,
              {{"url", url()}, {"error", ec.message()}, {"connections", sessions_.size()}});
  // The waiting client stays in the backlog: accepting again at once would
  // fail again at once and spin a core until a descriptor is free.
  pause_ = std::clamp(pause_ * 2, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  accept_pause_.expires_after(pause_);
  accept_pause_.async_wait([this](boost::system::error_code e) {
    if (e || closing_ || !acceptor_) return;
    accept_loop();
  });
}

void HttpServer::accept_loop() {
  acceptor_->async_accept([this](boost::system::error_code ec, tcp::socket sock) {
    if (closing_ || !acceptor_) return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory ||
        ec == boost::system::error_code(ENFILE, boost::system::system_category())) {
      pause_accepting(ec);
      return;
    }
    if (pauses_ > 0) {
      core::log(events::kAcceptResumed, {{"url", url()}, {"paused", pauses_}});
      pauses_ = 0;
      pause_ = std::chrono::milliseconds(0);
    }
    if (!ec) {
      boost::system::error_code aec;
      auto address = sock.remote_endpoint(aec).address();
      auto from_address = per_address_.find(address);
      if (sessions_.size() >= static_cast<std::size_t>(limits_.max_connections)) {
        if (auto left_out = refused_log_.admit())
          core::log(events::kTooManyConnections,
                    {{"url", url()}, {"max", limits_.max_connections}, {"left_out", *left_out}});
        metrics_.refused.inc();
        boost::system::error_code ignore;
        sock.close(ignore);
      } else if (from_address != per_address_.end() &&
                 from_address->second >= limits_.max_connections_per_address) {
        if (auto left_out = refused_per_address_log_.admit(address))
          core::log(events::kTooManyFromAddress, {{"url", url()},
                                                  {"address", address.to_string()},
                                                  {"max", limits_.max_connections_per_address},
                                                  {"left_out", *left_out}});
        metrics_.refused_per_address.inc();
        boost::system::error_code ignore;
        sock.close(ignore);
      } else {
        // An answer goes out at once: with Nagle's algorithm a response
        // written in more than one segment (a TLS record per write) waited
        // for the client's delayed ACK, up to 40 ms on Linux, the long tail
        // of the latency (docs/performance.md).
        boost::system::error_code nec;
        sock.set_option(tcp::no_delay(true), nec);
        auto st = std::make_shared<Session>();
        st->self = sessions_.insert(sessions_.end(), st);
        st->address = address;
        ++per_address_[address];
        metrics_.open.inc();
        auto done = [this, st](std::exception_ptr e) {
          // Any exception, std or not: logged, never rethrown out of the io loop.
          if (e) core::log(events::kSessionError, {{"error", core::describe(e)}});
          finished(st);
        };
        if (tls_mode_)
          asio::co_spawn(ioc_, run_tls(std::move(sock), st), done);
        else
          asio::co_spawn(ioc_, run_plain(std::move(sock), st), done);
      }
    }
    accept_loop();
  });
}

void HttpServer::finished(const std::shared_ptr<Session>& st) {
  sessions_.erase(st->self);
  if (auto it = per_address_.find(st->address); it != per_address_.end() && --it->second <= 0)
    per_address_.erase(it);
  metrics_.open.dec();
  if (closing_ && sessions_.empty() && on_idle_) {
    auto f = std::move(on_idle_);
    on_idle_ = nullptr;
    f();
  }
}

void HttpServer::close(std::function<void()> on_idle) {
  closing_ = true;
  body_budget_.cancel_waits();  // their bodies are not read: 503
  accept_pause_.cancel();
  crl_timer_.cancel();
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
    acceptor_.reset();
  }
  // Idle keep-alive connections go now; busy ones after their response.
  for (auto& s : sessions_)
    if (s->idle && s->close_now) s->close_now();
  if (sessions_.empty()) {
    if (on_idle) on_idle();
  } else {
    on_idle_ = std::move(on_idle);
  }
}

void HttpServer::cancel() {
  body_budget_.cancel_waits();
  for (auto& s : sessions_)
    if (s->close_now) s->close_now();
}

asio::awaitable<void> HttpServer::run_plain(tcp::socket sock, std::shared_ptr<Session> st) {
  RequestContext ctx;
  ctx.remote = endpoint_text(sock);
  beast::tcp_stream stream(std::move(sock));
  st->close_now = [&stream] { stream.socket().close(); };
  co_await serve(stream, std::move(ctx), st);
  st->close_now = nullptr;
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

asio::awaitable<void> HttpServer::run_tls(tcp::socket sock, std::shared_ptr<Session> st) {
  // Snapshots: a reload during this connection does not change what it uses.
  auto tls = tls_;
  auto partners = partners_;
  st->checked = generation_;
  RequestContext ctx;
  ctx.remote = endpoint_text(sock);
  TlsStream stream(std::move(sock), tls->native_handle());
  st->close_now = [&stream] { stream.socket().close(); };
  stream.expires_after(limits_.handshake_timeout);
  auto [hec, hn] = co_await stream.async_handshake(kTuple);
  (void)hn;
  if (hec) {
    metrics_.handshake_failed.inc();
    long verify = SSL_get_verify_result(stream.native_handle());
    std::string reason = hec == beast::error::timeout ? "handshake timeout" : hec.message();
    core::log(events::kHandshakeFailed,
              {{"remote", ctx.remote},
               {"reason", reason},
               {"verify", verify == X509_V_OK ? "ok" : X509_verify_cert_error_string(verify)}});
    st->close_now = nullptr;
    co_return;
  }
  ctx.certificate = peer_certificate(stream.native_handle());
  ctx.partner = partners->match(ctx.certificate);
  ctx.partners = partners;
  co_await serve(stream, std::move(ctx), st);
  st->close_now = nullptr;
  if (stream.socket().is_open()) {
    stream.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(kTuple);
  }
}

void limit_parser(RequestParser& parser, const config::HttpsConfig& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header));
  parser.body_limit(limits.max_body);
}

Response body_too_large(unsigned version, std::uint64_t max_body) {
  Request r;
  r.version(version);
  auto res = error_response(http::status::payload_too_large, "body_too_large",
                            "Het bericht is groter dan " + config::format_size(max_body) +
                                " (de grens van de keten); het is niet gelezen.",
                            "The message is larger than " + config::format_size(max_body) +
                                " (the chain's limit); it was not read.",
                            r);
  res.keep_alive(false);
  return res;
}

std::optional<Response> refuse_from_header(const boost::system::error_code& ec, const RequestParser& parser,
                                           const config::HttpsConfig& limits) {
  if (ec == http::error::header_limit) {
    Request dummy;
    auto res = error_response(http::status::request_header_fields_too_large, "header_too_large",
                              "De HTTP-headers zijn groter dan toegestaan.",
                              "The HTTP headers are larger than allowed.", dummy);
    res.keep_alive(false);
    return res;
  }
  // Beast refuses a Content-Length above body_limit while reading the header:
  // answer 413 without reading the body.
  if (ec == http::error::body_limit) return body_too_large(parser.get().version(), limits.max_body);
  if (ec) return std::nullopt;
  if (parser.content_length() && *parser.content_length() > limits.max_body)
    return body_too_large(parser.get().version(), limits.max_body);
  return std::nullopt;
}

template <class Stream>
asio::awaitable<void> HttpServer::serve(Stream& stream, RequestContext ctx,
                                        std::shared_ptr<Session> st) {
  auto& lowest = beast::get_lowest_layer(stream);
  beast::flat_buffer buf;
  auto too_old = [&] { return Clock::now() >= st->born + limits_.max_connection_age; };
  for (;;) {
    if (closing_ || too_old()) co_return;
    if (buf.size() == 0) {
      // Between requests: wait for the first byte for at most idle_timeout,
      // and not past the connection's maximum age. Idle, the connection
      // holds no buffer of its own: the last request's is freed, and (TLS)
      // the wait for the client's next bytes needs none; the read buffer is
      // taken once they are there (docs/performance.md).
      st->idle = true;
      buf.shrink_to_fit();
      auto age_left = st->born + limits_.max_connection_age - Clock::now();
      lowest.expires_after(std::min<Clock::duration>(limits_.idle_timeout, age_left));
      if constexpr (requires { stream.async_wait_readable(kTuple); }) {
        auto [wec, wn] = co_await stream.async_wait_readable(kTuple);
        (void)wn;
        if (wec) co_return;  // closed, idle timeout or drain
      }
      auto [ec, n] = co_await stream.async_read_some(buf.prepare(4096), kTuple);
      st->idle = false;
      if (ec) co_return;  // closed, idle timeout or drain
      buf.commit(n);
    }
    if (!co_await handle_request(stream, buf, ctx, *st)) co_return;
  }
}

// One request and its answer, from the bytes already in `buf` on; false when
// the connection is to end. A coroutine of its own so that its locals (the
// parser, the answers) take room only while a request is under way, not in
// the frame of serve() that waits while the connection is idle.
// (stream, buf, ctx, st: serve()'s, alive while it awaits this.)
template <class Stream>
asio::awaitable<bool> HttpServer::handle_request(Stream& stream, beast::flat_buffer& buf,
                                                 RequestContext& ctx, Session& st) {
  auto& lowest = beast::get_lowest_layer(stream);
  auto too_old = [&] { return Clock::now() >= st.born + limits_.max_connection_age; };
  RequestParser parser;
  limit_parser(parser, limits_);
  lowest.expires_after(limits_.header_timeout);
  auto [hec, hn] = co_await http::async_read_header(stream, buf, parser, kTuple);
  (void)hn;
  if (auto refusal = refuse_from_header(hec, parser, limits_)) {
    co_await http::async_write(stream, *refusal, kTuple);
    co_await linger_close(stream);
    co_return false;
  }
  if (hec) {
    if (hec != http::error::end_of_stream && hec != asio::error::eof)
      core::log(events::kSessionError, {{"remote", ctx.remote}, {"error", hec == beast::error::timeout ? std::string("header timeout") : hec.message()}});
    co_return false;
  }
  const auto& head = parser.get();
  // Who is calling, from the handshake and the header alone: a refused
  // client gets no "100 Continue" and its body is never read.
  if (auto refusal = authorize(ctx, st, head)) co_return co_await refuse_unread(stream, std::move(*refusal));
  // Backpressure: while the pipeline behind us is saturated, leave the body
  // in the client's send buffer (and its TCP window) instead of ours.
  if (saturated_ && (parser.content_length().value_or(0) > 0 || parser.chunked()) && saturated_()) {
    metrics_.backpressure.inc();
    const auto give_up = std::chrono::steady_clock::now() + max_wait_;
    asio::steady_timer wait(stream.get_executor());
    while (saturated_() && std::chrono::steady_clock::now() < give_up && !closing_) {
      wait.expires_after(std::chrono::milliseconds(5));
      co_await wait.async_wait(kTuple);
    }
    if (saturated_() || closing_) {
      Request r;
      r.version(head.version());
      auto res = error_response(http::status::service_unavailable, "saturated",
                                "De gateway kan het bericht nu niet veilig opslaan; het is niet gelezen. "
                                "Probeer het later opnieuw.",
                                "The gateway cannot store the message safely now; it was not read. "
                                "Try again later.",
                                r);
      res.set(http::field::retry_after, "5");
      co_return co_await refuse_unread(stream, std::move(res));
    }
  }
  // Memory: the body's declared length is taken from the listener's budget
  // before it is read, and given back when the answer is made (`held`).
  BodyBudget::Hold held;
  if (parser.content_length().value_or(0) > 0 || parser.chunked()) {
    const std::uint64_t bytes = parser.content_length() ? *parser.content_length() : limits_.max_body;
    auto taken = co_await body_budget_.take(bytes, Clock::now() + limits_.body_timeout);
    if (!taken) {
      Request r;
      r.version(head.version());
      co_return co_await refuse_unread(stream, busy(r, "dit bericht is niet gelezen.", "this one was not read."));
    }
    held = std::move(*taken);
  }
  if (beast::iequals(head[http::field::expect], "100-continue")) {
    http::response<http::empty_body> cont{http::status::continue_, head.version()};
    co_await http::async_write(stream, cont, kTuple);
  }
  lowest.expires_after(limits_.body_timeout);
  auto [bec, bn] = co_await http::async_read(stream, buf, parser, kTuple);
  (void)bn;
  if (bec == http::error::body_limit) {
    auto res = body_too_large(head.version(), limits_.max_body);
    co_await http::async_write(stream, res, kTuple);
    co_await linger_close(stream);
    co_return false;
  }
  if (bec) {
    core::log(events::kSessionError, {{"remote", ctx.remote}, {"error", bec == beast::error::timeout ? std::string("body timeout") : bec.message()}});
    co_return false;
  }
  Request req = parser.release();
  bool keep = req.keep_alive();
  const auto received = std::chrono::steady_clock::now();
  ctx.on_written = std::make_shared<std::function<void(double)>>();
  ctx.bodies = &body_budget_;
  ctx.bodies_wait = limits_.body_timeout;
  ctx.answer_hold = std::make_shared<BodyBudget::Hold>();
  Response res = co_await answer(std::move(req), ctx);
  held.reset();  // the body and what was made of it are gone
  res.keep_alive(keep && !closing_ && !too_old());
  bool again = res.keep_alive();
  if (unsigned cls = res.result_int() / 100; cls >= 1 && cls <= 5) metrics_.responses[cls]->inc();
  lowest.expires_after(limits_.body_timeout);
  auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
  (void)wn;
  if (auto timed = std::exchange(ctx.on_written, nullptr); *timed)
    (*timed)(std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
  ctx.answer_hold = nullptr;  // the stored body it read is written and gone
  co_return !wec && again;
}

template <class Stream>
asio::awaitable<bool> HttpServer::refuse_unread(Stream& stream, Response res) {
  res.keep_alive(false);
  metrics_.responses[res.result_int() / 100]->inc();
  co_await http::async_write(stream, res, kTuple);
  co_await linger_close(stream);
  co_return false;
}

std::optional<Response> HttpServer::authorize(RequestContext& ctx, Session& st, const Request& req) {
  if (!tls_mode_) return std::nullopt;
  auto refuse = [](Response res) {
    res.keep_alive(false);
    return std::optional<Response>(std::move(res));
  };
  // After a reload (or kRecheckEvery): the certificate against the CAs and
  // CRLs in force, the partner from the registry in force.
  if (st.checked != generation_ || Clock::now() - st.checked_at >= kRecheckEvery) {
    long verify = verify_again(tls_->native_handle(), ctx.certificate);
    if (verify != X509_V_OK) {
      std::string why = X509_verify_cert_error_string(verify);
      core::log(events::kCertificateRejected,
                {{"remote", ctx.remote}, {"spki_sha256", ctx.certificate.spki_sha256}, {"verify", why}});
      return refuse(error_response(
          http::status::forbidden, "certificate_rejected",
          "Uw certificaat wordt niet meer aanvaard (" + why +
              "): het is ingetrokken of verlopen sinds deze verbinding begon. De verbinding wordt gesloten.",
          "Your certificate is no longer accepted (" + why +
              "): it was revoked or expired since this connection began. The connection is closed.",
          req));
    }
    st.checked = generation_;
    st.checked_at = Clock::now();
    ctx.partners = partners_;
    ctx.partner = partners_->match(ctx.certificate);
  }
  if (!ctx.partner) {
    core::log(events::kUnknownCertificate,
              {{"remote", ctx.remote}, {"spki_sha256", ctx.certificate.spki_sha256}});
    return refuse(error_response(
        http::status::forbidden, "unknown_certificate",
        "Uw certificaat is geldig maar hoort bij geen geregistreerde partner van deze gateway "
        "(SPKI SHA-256 " + ctx.certificate.spki_sha256 + "). Vraag de beheerder het te registreren.",
        "Your certificate is valid but belongs to no partner registered with this gateway "
        "(SPKI SHA-256 " + ctx.certificate.spki_sha256 + "). Ask the operator to register it.",
        req));
  }
  {
    const auto now = std::chrono::system_clock::now();
    partner_gauge(kLastSeen, ctx.partner->id)
        .set(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
    if (auto t = not_after(ctx.certificate.cert.get()))
      partner_gauge(kCertificateExpiry, ctx.partner->id)
          .set(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count());
  }
  // Role "monitoring" may GET /metrics and nothing else; no other role may.
  {
    const std::string_view target = req.target();
    const bool metrics = target.substr(0, target.find('?')) == "/metrics";
    const bool monitoring = ctx.partner->role == config::PartnerRole::monitoring;
    if (monitoring && !(metrics && req.method() == http::verb::get)) {
      core::log(events::kMonitoringOnly, {{"partner", ctx.partner->id}});
      return refuse(error_response(
          http::status::forbidden, "monitoring_only",
          "Partner " + ctx.partner->id + " heeft de rol monitoring: het mag alleen GET /metrics opvragen.",
          "Partner " + ctx.partner->id + " has the role monitoring: it may only GET /metrics.", req));
    }
    if (!monitoring && metrics) {
      core::log(events::kNotMonitoring, {{"partner", ctx.partner->id}});
      return refuse(error_response(
          http::status::forbidden, "not_monitoring",
          "/metrics is er alleen voor een partner met de rol monitoring; partner " + ctx.partner->id +
              " heeft de rol " + std::string(config::to_string(ctx.partner->role)) + ".",
          "/metrics is only for a partner with the role monitoring; partner " + ctx.partner->id +
              " has the role " + std::string(config::to_string(ctx.partner->role)) + ".",
          req));
    }
  }
  if (ctx.partner->mode == config::PartnerMode::not_enrolled) {
    core::log(events::kNotEnrolled, {{"partner", ctx.partner->id}});
    return refuse(error_response(http::status::forbidden, "not_enrolled",
                                 "Partner " + ctx.partner->id + " is nog niet aangesloten op deze gateway.",
                                 "Partner " + ctx.partner->id + " is not enrolled with this gateway yet.",
                                 req));
  }
  if (int wait = rate_.admit(ctx.partner->id, ctx.partner->rate, ctx.partner->burst)) {
    metrics_.rate_limited.inc();
    if (auto left_out = rate_limited_log_.admit(ctx.partner->id))
      core::log(events::kRateLimited, {{"partner", ctx.partner->id}, {"left_out", *left_out}});
    auto res = error_response(
        http::status::too_many_requests, "rate_limited",
        "Te veel verzoeken; probeer het over " + std::to_string(wait) + " seconde(n) opnieuw.",
        "Too many requests; retry in " + std::to_string(wait) + " second(s).", req);
    res.set(http::field::retry_after, std::to_string(wait));
    return refuse(std::move(res));
  }
  return std::nullopt;
}

asio::awaitable<Response> HttpServer::answer(Request req, const RequestContext& ctx) {
  try {
    co_return co_await router_.dispatch(std::move(req), ctx);
  } catch (...) {  // std or not: the client gets its 500
    core::log(events::kHandlerFailed, {{"remote", ctx.remote}, {"error", core::describe(std::current_exception())}});
  }
  Request empty;
  co_return error_response(http::status::internal_server_error, "internal_error",
                           "Interne fout; het bericht is niet verwerkt. Probeer het later opnieuw.",
                           "Internal error; the message was not processed. Try again later.", empty);
}

}  // namespace sluis::net
