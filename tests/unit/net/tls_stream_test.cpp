// net::TlsStream (the listener's TLS connection): over a loopback pair with
// a client on asio::ssl::stream, the data arrives both ways (several buffers
// in one write), the idle wait needs no buffer and ends when the client's
// bytes come, every deadline (handshake, idle wait, read) ends the wait with
// beast::error::timeout, and after its socket is closed no operation reaches
// OpenSSL (a reused descriptor number is never read or written).
#define BOOST_TEST_MODULE net_tls_stream
#include "gateway/net/tls_stream.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "gateway/net/tls.hpp"
#include "tests/support/self_signed_pki.hpp"

using namespace sluis;
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
const boost::system::error_code kTimeout = boost::beast::error::timeout;
const boost::system::error_code kClosed = asio::error::bad_descriptor;

namespace {

// The certificate and contexts of a self-signed "localhost" (tests/support).
struct Pki : test::SelfSignedPki {
  Pki() : SelfSignedPki("tls-stream") {}
};

// A connected pair on 127.0.0.1: the server's side as a TlsStream, the
// client's as asio::ssl::stream (not yet handshaken).
struct Pair {
  Pki pki;
  asio::io_context ioc;
  std::shared_ptr<ssl::context> server_ctx = pki.server(), client_ctx = pki.client();
  std::unique_ptr<net::TlsStream> server;
  ssl::stream<tcp::socket> client{ioc, *client_ctx};
  Pair() {
    tcp::acceptor acc(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.next_layer().connect(acc.local_endpoint());
    server = std::make_unique<net::TlsStream>(acc.accept(), server_ctx->native_handle());
  }
  void handshake() {
    boost::system::error_code sec;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          auto [ec, n] = co_await server->async_handshake(kTuple);
          sec = ec;
        },
        asio::detached);
    boost::system::error_code cec;
    client.async_handshake(ssl::stream_base::client,
                           [&](boost::system::error_code ec) { cec = ec; });
    ioc.run_for(std::chrono::seconds(10));
    ioc.restart();
    BOOST_REQUIRE_MESSAGE(!sec, "server handshake: " << sec.message());
    BOOST_REQUIRE_MESSAGE(!cec, "client handshake: " << cec.message());
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(data_goes_both_ways_and_the_idle_wait_ends_when_the_client_writes) {
  Pair p;
  p.handshake();
  std::string got, client_got(5, '\0');
  bool readable = false;
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        auto [wec, wn] = co_await p.server->async_wait_readable(kTuple);
        BOOST_TEST(!wec);
        readable = true;
        std::array<char, 64> buf;
        auto [ec, n] = co_await p.server->async_read_some(asio::buffer(buf), kTuple);
        BOOST_TEST(!ec);
        got.assign(buf.data(), n);
        // Two buffers in one write_some: both go out (one TLS record).
        const std::string he = "he", llo = "llo";
        std::array<asio::const_buffer, 2> two{asio::buffer(he), asio::buffer(llo)};
        auto [xec, xn] = co_await p.server->async_write_some(two, kTuple);
        BOOST_TEST(!xec);
        BOOST_TEST(xn == 5u);
      },
      asio::detached);
  p.ioc.run_for(std::chrono::milliseconds(100));
  BOOST_TEST(!readable);  // nothing sent yet: still waiting
  asio::write(p.client, asio::buffer(std::string("ping")));
  asio::async_read(p.client, asio::buffer(client_got),
                   [](boost::system::error_code, std::size_t) {});
  p.ioc.restart();
  p.ioc.run_for(std::chrono::seconds(2));
  BOOST_TEST(readable);
  BOOST_TEST(got == "ping");
  BOOST_TEST(client_got == "hello");
}

BOOST_AUTO_TEST_CASE(a_handshake_past_its_deadline_ends_with_timeout) {
  Pair p;  // the client never sends its hello
  boost::system::error_code ec;
  auto t0 = Clock::now();
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        p.server->expires_after(std::chrono::milliseconds(200));
        auto [e, n] = co_await p.server->async_handshake(kTuple);
        ec = e;
      },
      asio::detached);
  p.ioc.run_for(std::chrono::seconds(5));
  BOOST_TEST(ec == kTimeout);
  BOOST_TEST((Clock::now() - t0 < std::chrono::seconds(2)));
}

BOOST_AUTO_TEST_CASE(an_idle_wait_and_a_read_past_the_deadline_end_with_timeout) {
  Pair p;
  p.handshake();
  boost::system::error_code wait_ec, read_ec, later_ec;
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        p.server->expires_after(std::chrono::milliseconds(100));
        auto [e1, n1] = co_await p.server->async_wait_readable(kTuple);
        wait_ec = e1;
        // The deadline passed: what starts now fails too, until a new deadline.
        std::array<char, 16> buf;
        auto [e2, n2] = co_await p.server->async_read_some(asio::buffer(buf), kTuple);
        later_ec = e2;
        p.server->expires_after(std::chrono::milliseconds(100));
        auto [e3, n3] = co_await p.server->async_read_some(asio::buffer(buf), kTuple);
        read_ec = e3;
      },
      asio::detached);
  p.ioc.run_for(std::chrono::seconds(5));
  BOOST_TEST(wait_ec == kTimeout);
  BOOST_TEST(later_ec == kTimeout);
  BOOST_TEST(read_ec == kTimeout);
}

BOOST_AUTO_TEST_CASE(after_the_socket_is_closed_no_operation_reaches_openssl) {
  Pair p;
  p.handshake();
  p.server->socket().close();
  boost::system::error_code rec, wec;
  asio::co_spawn(
      p.ioc,
      [&]() -> asio::awaitable<void> {
        std::array<char, 16> buf;
        auto [e1, n1] = co_await p.server->async_read_some(asio::buffer(buf), kTuple);
        rec = e1;
        auto [e2, n2] =
            co_await p.server->async_write_some(asio::buffer(std::string_view("x")), kTuple);
        wec = e2;
      },
      asio::detached);
  p.ioc.run_for(std::chrono::seconds(2));
  BOOST_TEST(rec == kClosed);
  BOOST_TEST(wec == kClosed);
}
