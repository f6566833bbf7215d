// Backpressure in the HTTP listener: while the admission gate says the store
// is saturated, a request's body stays unread and its handler does not run;
// when the gate opens the request is served; when it stays shut past the
// bound the client gets 503 with Retry-After. A real listener on loopback, a
// raw TCP client.
#define BOOST_TEST_MODULE backpressure
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "gateway/core/metrics.hpp"
#include "gateway/net/server.hpp"
#include "tests/support/plain_listener.hpp"

using namespace sluis;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct Listener : test::PlainListener {
  // `max_wait`: how long a body may wait at the shut gate before its 503. The
  // case that opens the gate itself gives a minute: its thread may not be
  // scheduled for a while on a loaded machine.
  explicit Listener(std::chrono::milliseconds max_wait = 60s) {
    router.add(net::http::verb::post, "/x", [this](net::Request req, net::RequestContext) -> asio::awaitable<net::Response> {
      ++served;
      net::Response res{net::http::status::accepted, req.version()};
      res.body() = "got " + std::to_string(req.body().size());
      res.prepare_payload();
      co_return res;
    });
    start([&](net::HttpServer& s) { s.set_admission([this] { return saturated.load(); }, max_wait); });
  }
  ~Listener() { stop(); }
  std::string post(const std::string& body) { return PlainListener::post("/x", body); }
  static std::int64_t waits() {
    return core::counter("sluis_http_backpressure_waits_total",
                         "Request bodies left unread for a while because the store was saturated.",
                         "listener=\"plain\"")
        .value();
  }
  std::atomic<bool> saturated{false};
  std::atomic<int> served{0};
};

}  // namespace

BOOST_AUTO_TEST_CASE(bodies_wait_while_saturated_and_are_served_when_it_clears) {
  Listener l;
  BOOST_TEST(l.post("hello").find("202 Accepted") != std::string::npos);  // open gate: served
  BOOST_TEST(l.served == 1);
  l.saturated = true;
  auto before = Listener::waits();
  std::string answer;
  std::thread client([&] { answer = l.post("second"); });
  // The listener has seen the request and holds its body back (bounded).
  BOOST_REQUIRE(Listener::eventually([&] { return Listener::waits() == before + 1; }));
  BOOST_TEST(l.served == 1);  // the handler has not run
  l.saturated = false;
  client.join();
  BOOST_TEST(answer.find("202 Accepted") != std::string::npos, answer);
  BOOST_TEST(answer.find("got 6") != std::string::npos);
  BOOST_TEST(l.served == 2);
}

BOOST_AUTO_TEST_CASE(a_body_waiting_past_the_bound_gets_503_unread) {
  Listener l(300ms);
  l.saturated = true;
  auto answer = l.post(std::string(1000, 'x'));
  BOOST_TEST(answer.find("503 Service Unavailable") != std::string::npos, answer);
  BOOST_TEST(answer.find("Retry-After: 5") != std::string::npos, answer);
  BOOST_TEST(answer.find("\"saturated\"") != std::string::npos, answer);
  BOOST_TEST(l.served == 0);
}
