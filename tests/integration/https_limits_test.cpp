// The HTTPS listener's per-connection limits against the real sluisd with real
// TLS, one behaviour each: max_connections (the excess closed at once),
// max_connections_per_address (the same, per client address: clients connect
// from several loopback addresses), max_connection_age, handshake_timeout,
// idle_timeout, body_timeout, max_header (431), max_body_memory (a body that
// does not fit waits unread) and one request in flight per connection
// (pipelined requests answered in order).
// (Header timeout, max_body/413, rate/429, backpressure and store 503 are in
// https_test, intake_test and store_full_test.)
//
// The client (tests/support/tls_client.hpp) puts a deadline on every wait, so a
// server that fails to close a connection makes a test fail instead of hanging.
// Timing is only asserted from below where the server may not act earlier
// than its limit (an idle connection is not closed before idle_timeout), and
// from above only where the alternative is a limit of seconds (a refused
// connection closes at once, not after handshake_timeout).
#define BOOST_TEST_MODULE https_limits
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

#include "tests/support/test_gateway.hpp"
#include "tests/support/tls_client.hpp"

using namespace sluis::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto kHandshakeTimeout = 2s;
constexpr auto kIdleTimeout = 1s;
constexpr auto kBodyTimeout = 1s;
constexpr int kMaxConnections = 3;
constexpr int kMaxPerAddress = 2;
constexpr auto kMaxAge = 3s;
// Every wait of the client ends by this deadline, whatever the server does.
constexpr auto kDeadline = 10s;

// The least time a client can see before the server acts on `limit`. The
// server's clock may start before the client's (the idle timer starts when the
// answer is written, before the client has read it; the handshake timer at
// accept), by as long as the client is not scheduled: half the limit, so a
// loaded machine does not fail the test, while a server that closes at once
// still does.
constexpr std::chrono::milliseconds not_before(std::chrono::milliseconds limit) { return limit / 2; }

TestGateway* g_gateway = nullptr;
struct GlobalGateway {
  GlobalGateway() {
    g_gateway = new TestGateway(
        "https-limits",
        [](TestGateway& g) { return g.partner("zorg", "aanbieder", "\"75302186\"", "provider.pem"); }, {}, {},
        "max_connections = " + std::to_string(kMaxConnections) +
            "\nmax_connections_per_address = " + std::to_string(kMaxPerAddress) +
            "\nmax_connection_age = \"3s\"\nhandshake_timeout = \"2s\"\nidle_timeout = \"1s\"\nbody_timeout = "
            "\"1s\"\nmax_header = \"2KiB\"\nmax_body_memory = \"64KiB\"\n");
  }
  ~GlobalGateway() { delete g_gateway; }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalGateway);

TestGateway& gw() { return *g_gateway; }

struct Client : TlsClient {
  explicit Client(const std::string& from = "") : TlsClient(gw(), "provider", kDeadline, from) {}
};

long metric(const std::string& series) { return gw().metric(series); }

const std::string kRefused = "sluis_http_connections_refused_total{listener=\"https\"}";
const std::string kRefusedPerAddress = "sluis_http_connections_refused_per_address_total{listener=\"https\"}";
const std::string kOpen = "sluis_http_connections{listener=\"https\"}";
const std::string kHandshakeFailed = "sluis_tls_handshake_failures_total{listener=\"https\"}";

// Until the server has noticed that connections went away (bounded).
void wait_until_open_at_most(long n) {
  for (auto until = Clock::now() + kDeadline; metric(kOpen) > n && Clock::now() < until;)
    std::this_thread::sleep_for(20ms);
  BOOST_REQUIRE_LE(metric(kOpen), n);
}

// The server closes a timed-out socket first and logs when its coroutine
// resumes, so the line may follow the close by a moment (bounded).
bool logged(const std::string& text) {
  for (auto until = Clock::now() + kDeadline; Clock::now() < until; std::this_thread::sleep_for(20ms))
    if (gw().daemon->log().find(text) != std::string::npos) return true;
  return false;
}


// An excess connection is closed at once, before TLS: no bytes, long before
// the handshake timeout.
void closed_at_once(Client& excess) {
  auto c = excess.until_closed();
  BOOST_TEST(c.closed);
  BOOST_TEST(c.data.empty(), "the excess connection got bytes: " << c.data.size());
  BOOST_TEST(c.took < kHandshakeTimeout, "closed after "
                                             << std::chrono::duration_cast<std::chrono::milliseconds>(c.took).count()
                                             << " ms, not at once");
}

}  // namespace

BOOST_AUTO_TEST_CASE(connections_beyond_max_connections_are_closed_at_once) {
  wait_until_open_at_most(0);
  long refused = metric(kRefused);
  // Accepted in order: these three fill the listener (they sit in their
  // handshake, which takes up to handshake_timeout to expire); each from its
  // own address, so max_connections_per_address is not what refuses.
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < kMaxConnections; ++i)
    held.push_back(std::make_unique<Client>("127.0.1." + std::to_string(i + 1)));
  Client excess("127.0.1.9");
  closed_at_once(excess);
  BOOST_TEST(metric(kRefused) == refused + 1);
  // A slot given back is taken by the next client.
  held.clear();
  wait_until_open_at_most(0);
  Client next;
  next.handshake();
  next.write(kWhoami);
  BOOST_TEST(next.response().result_int() == 200);
}

BOOST_AUTO_TEST_CASE(a_handshake_not_finished_within_handshake_timeout_is_cut_off) {
  wait_until_open_at_most(0);
  long failed = metric(kHandshakeFailed);
  Client silent;  // TCP only: never sends its ClientHello
  auto c = silent.until_closed();
  BOOST_TEST(c.closed);
  BOOST_TEST(c.took >= not_before(kHandshakeTimeout));
  BOOST_TEST(logged("handshake timeout"), gw().daemon->log());
  BOOST_TEST(metric(kHandshakeFailed) == failed + 1);
}

BOOST_AUTO_TEST_CASE(a_kept_alive_connection_is_closed_after_idle_timeout) {
  Client c;
  c.handshake();
  c.write(kWhoami);
  auto res = c.response();
  BOOST_TEST(res.result_int() == 200);
  BOOST_TEST(res.keep_alive());
  auto closed = c.until_closed();
  BOOST_TEST(closed.closed);
  BOOST_TEST(closed.data.find("HTTP/1.1") == std::string::npos);
  BOOST_TEST(closed.took >= not_before(kIdleTimeout));
}

BOOST_AUTO_TEST_CASE(a_body_that_stalls_is_cut_off_after_body_timeout) {
  Client c;
  c.handshake();
  c.write("POST /v1/validate HTTP/1.1\r\nHost: sluis\r\nContent-Type: application/xml\r\n"
          "Content-Length: 1000\r\n\r\n<?xml version=\"1.0\"?><Bericht");
  auto closed = c.until_closed();
  BOOST_TEST(closed.closed);
  BOOST_TEST(closed.data.find("HTTP/1.1") == std::string::npos, closed.data);
  BOOST_TEST(closed.took >= not_before(kBodyTimeout));
  BOOST_TEST(logged("body timeout"), gw().daemon->log());
}

BOOST_AUTO_TEST_CASE(a_body_that_does_not_fit_the_bodies_in_flight_waits_unread_until_they_make_room) {
  // max_body_memory 64 KiB (the test gateway's max_body): a body of 64 000
  // bytes that stalls holds nearly all of it while it is read; a second
  // request's 2 000 bytes wait, unread, until the stalled one is cut off at
  // its body_timeout, then are served.
  wait_until_open_at_most(0);
  const std::string in_flight = "sluis_http_body_bytes_in_flight{listener=\"https\"}";
  const std::string waits = "sluis_http_body_memory_waits_total{listener=\"https\"}";
  const long waited = metric(waits);
  Client stalled;
  stalled.handshake();
  stalled.write("POST /v1/validate HTTP/1.1\r\nHost: sluis\r\nContent-Type: application/xml\r\n"
                "Content-Length: 64000\r\n\r\n<?xml version=\"1.0\"?><Bericht");
  for (auto until = Clock::now() + kDeadline; metric(in_flight) != 64000 && Clock::now() < until;)
    std::this_thread::sleep_for(20ms);
  BOOST_REQUIRE_EQUAL(metric(in_flight), 64000);
  Client second;
  second.handshake();
  const auto sent = Clock::now();
  second.write("POST /v1/validate HTTP/1.1\r\nHost: sluis\r\nContent-Type: application/xml\r\n"
               "Content-Length: 2000\r\n\r\n" + std::string(2000, 'x'));
  auto res = second.response();
  // Answered (the body is not XML: 400), not 503: it waited for the room the
  // stalled body gave back, not past its own deadline.
  BOOST_TEST(res.result_int() == 400, res.result_int() << " " << res.body());
  BOOST_TEST((Clock::now() - sent >= not_before(kBodyTimeout)));
  BOOST_TEST(metric(waits) == waited + 1);
  BOOST_TEST(stalled.until_closed().closed);
  for (auto until = Clock::now() + kDeadline; metric(in_flight) != 0 && Clock::now() < until;)
    std::this_thread::sleep_for(20ms);
  BOOST_TEST(metric(in_flight) == 0);
}

BOOST_AUTO_TEST_CASE(a_header_block_over_max_header_gets_431_and_the_connection_closes) {
  Client c;
  c.handshake();
  c.write("GET /v1/whoami HTTP/1.1\r\nHost: sluis\r\nX-Filler: " + std::string(3000, 'a') + "\r\n\r\n");
  auto res = c.response();
  BOOST_TEST(res.result_int() == 431);
  auto e = boost::json::parse(res.body());
  BOOST_TEST(e.at("code").as_string() == "header_too_large");
  BOOST_TEST(!e.at("nl").as_string().empty());
  BOOST_TEST(!e.at("en").as_string().empty());
  BOOST_TEST(!res.keep_alive());
  BOOST_TEST(c.until_closed().closed);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_one_at_a_time_in_order) {
  // One request in flight per connection: the second is read only after the
  // first is answered, so the answers come in the order of the requests.
  Client c;
  c.handshake();
  c.write(kWhoami + "GET /v1/no-such-route HTTP/1.1\r\nHost: sluis\r\n\r\n" + kWhoami);
  BOOST_TEST(c.response().result_int() == 200);
  BOOST_TEST(c.response().result_int() == 404);
  BOOST_TEST(c.response().result_int() == 200);
}

BOOST_AUTO_TEST_CASE(connections_beyond_max_connections_per_address_are_closed_at_once) {
  wait_until_open_at_most(0);
  long refused = metric(kRefusedPerAddress);
  // Two connections that never send a ClientHello (a client without a
  // certificate does no better) fill what one address may hold.
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < kMaxPerAddress; ++i) held.push_back(std::make_unique<Client>("127.0.2.1"));
  Client excess("127.0.2.1");
  closed_at_once(excess);
  BOOST_TEST(metric(kRefusedPerAddress) == refused + 1);
  BOOST_TEST(logged("NET_TOO_MANY_FROM_ADDRESS"), gw().daemon->log());
  // Another address still gets in while that one is full.
  Client other("127.0.2.2");
  other.handshake();
  other.write(kWhoami);
  BOOST_TEST(other.response().result_int() == 200);
}

// A client that retries a refused connection in a loop cannot flood the
// journal: every refusal is counted, the log gets at most one line a minute.
BOOST_AUTO_TEST_CASE(refusals_retried_in_a_loop_are_counted_but_logged_at_most_once_a_minute) {
  wait_until_open_at_most(0);
  auto lines = [] { return gw().daemon->count_lines({"NET_TOO_MANY_FROM_ADDRESS"}); };
  const long refused = metric(kRefusedPerAddress), before = lines();
  std::vector<std::unique_ptr<Client>> held;
  // Thirty retries in batches of five, each behind a fresh pair of held
  // connections: a held connection fills its place only until its
  // handshake_timeout (2 s), and thirty clients in a row may take longer
  // than that on a loaded machine.
  constexpr int kBatches = 6, kPerBatch = 5, kRetries = kBatches * kPerBatch;
  for (int b = 0; b < kBatches; ++b) {
    held.clear();
    wait_until_open_at_most(0);
    for (int i = 0; i < kMaxPerAddress; ++i) held.push_back(std::make_unique<Client>("127.0.3.1"));
    for (int i = 0; i < kPerBatch; ++i) {
      Client excess("127.0.3.1");
      closed_at_once(excess);
    }
  }
  BOOST_TEST(metric(kRefusedPerAddress) == refused + kRetries);
  BOOST_TEST(lines() - before <= 1, gw().daemon->log());
  // A second address refused in the same minute gets a line of its own.
  auto lines_of = [](const std::string& address) {
    return gw().daemon->count_lines({"NET_TOO_MANY_FROM_ADDRESS", "address=" + address + " "});
  };
  BOOST_TEST(lines_of("127.0.3.1") >= 1, gw().daemon->log());
  held.clear();
  wait_until_open_at_most(0);
  for (int i = 0; i < kMaxPerAddress; ++i) held.push_back(std::make_unique<Client>("127.0.3.2"));
  for (int i = 0; i < 3; ++i) {
    Client excess("127.0.3.2");
    closed_at_once(excess);
  }
  BOOST_TEST(lines_of("127.0.3.2") == 1, gw().daemon->log());
}

BOOST_AUTO_TEST_CASE(a_busy_connection_is_closed_after_max_connection_age) {
  // Requests every 200 ms (idle_timeout 1s never passes): after
  // max_connection_age the answer carries "Connection: close", or the server
  // closes while the connection waits for the next request.
  Client c;
  c.handshake();
  const auto start = Clock::now();
  int answered = 0;
  bool closed = false;
  while (!closed && Clock::now() - start < kDeadline) {
    try {
      c.write(kWhoami);
      auto res = c.response();
      BOOST_REQUIRE_EQUAL(res.result_int(), 200);
      ++answered;
      closed = !res.keep_alive();
    } catch (const std::exception&) {
      closed = true;  // closed between two requests
    }
    if (!closed) std::this_thread::sleep_for(200ms);
  }
  const auto took = Clock::now() - start;
  BOOST_TEST(closed, "the connection was still open after "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  BOOST_TEST(took >= not_before(kMaxAge));
  BOOST_TEST(answered >= 2);
  if (closed) BOOST_TEST(c.until_closed().closed);
}
