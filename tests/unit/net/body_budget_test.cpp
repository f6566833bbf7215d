// The bytes of request bodies a listener holds at once (net/body_budget.hpp,
// https.max_body_memory): what fits is granted at once, what does not waits in
// order of arrival until it fits or its deadline; a listener keeps a request
// that does not fit unread, serves it when an earlier answer gives the bytes
// back, and answers 503 `busy` when the wait ends ungranted.
#define BOOST_TEST_MODULE body_budget
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "gateway/core/metrics.hpp"
#include "gateway/net/body_budget.hpp"
#include "gateway/net/server.hpp"
#include "tests/support/plain_listener.hpp"

using namespace sluis;
namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// One take() on `ioc`; its outcome lands in `got` (-1 refused, else the bytes
// held) and the Hold in `hold`.
struct Taker {
  net::BodyBudget::Hold hold;
  int got = 0;  // 0: still waiting
  void start(asio::io_context& ioc, net::BodyBudget& b, std::uint64_t bytes, Clock::duration wait = 1h) {
    asio::co_spawn(
        ioc,
        [this, &b, bytes, wait]() -> asio::awaitable<void> {
          auto h = co_await b.take(bytes, Clock::now() + wait);
          if (!h) {
            got = -1;
            co_return;
          }
          got = static_cast<int>(h->bytes());
          hold = std::move(*h);
        },
        asio::detached);
  }
};

void settle(asio::io_context& ioc) {
  ioc.restart();
  ioc.poll();
}

}  // namespace

BOOST_AUTO_TEST_CASE(what_fits_is_granted_at_once_the_rest_waits_in_order) {
  asio::io_context ioc;
  net::BodyBudget b(1000);
  Taker first, large, small;
  first.start(ioc, b, 700);
  settle(ioc);
  BOOST_TEST(first.got == 700);
  BOOST_TEST(b.in_use() == 700u);
  large.start(ioc, b, 600);  // does not fit beside the first
  settle(ioc);
  BOOST_TEST(large.got == 0);
  BOOST_TEST(b.waiting() == 1u);
  // 200 would fit, but the large one came first: a small body does not pass it.
  BOOST_TEST(!b.available(200));
  small.start(ioc, b, 200);
  settle(ioc);
  BOOST_TEST(small.got == 0);
  BOOST_TEST(b.waiting() == 2u);
  first.hold.reset();  // the first answer is made: both now fit, in order
  settle(ioc);
  BOOST_TEST(large.got == 600);
  BOOST_TEST(small.got == 200);
  BOOST_TEST(b.in_use() == 800u);
  BOOST_TEST(b.waiting() == 0u);
  large.hold.reset();
  small.hold.reset();
  BOOST_TEST(b.in_use() == 0u);
}

BOOST_AUTO_TEST_CASE(a_wait_past_its_deadline_is_refused_and_lets_the_next_go) {
  asio::io_context ioc;
  net::BodyBudget b(1000);
  Taker holder, late, next;
  holder.start(ioc, b, 900);
  settle(ioc);
  late.start(ioc, b, 800, 20ms);  // cannot fit while the holder holds
  next.start(ioc, b, 100);         // would fit, but waits behind `late`
  settle(ioc);
  BOOST_TEST(late.got == 0);
  BOOST_TEST(next.got == 0);
  ioc.restart();
  ioc.run_for(5s);  // until the deadline's timer has fired and nothing is left to run
  BOOST_TEST(late.got == -1);
  BOOST_TEST(next.got == 100);  // the refused head left the queue
  BOOST_TEST(b.in_use() == 1000u);
  BOOST_TEST(b.waiting() == 0u);
}

BOOST_AUTO_TEST_CASE(cancelled_waits_are_refused_a_lowered_limit_holds_new_takes_and_one_alone_always_fits) {
  asio::io_context ioc;
  net::BodyBudget b(1000);
  Taker holder, waiting;
  holder.start(ioc, b, 1000);
  waiting.start(ioc, b, 10);
  settle(ioc);
  BOOST_TEST(waiting.got == 0);
  b.cancel_waits();  // the listener closing
  settle(ioc);
  BOOST_TEST(waiting.got == -1);
  BOOST_TEST(b.waiting() == 0u);
  // A reload lowers the limit below what is held: held bytes stay, new ones wait.
  b.set_limit(500);
  Taker after;
  after.start(ioc, b, 10);
  settle(ioc);
  BOOST_TEST(after.got == 0);
  holder.hold.reset();
  settle(ioc);
  BOOST_TEST(after.got == 10);
  after.hold.reset();
  // A request larger than the whole (lowered) limit is served alone, not refused for ever.
  Taker big;
  big.start(ioc, b, 800);
  settle(ioc);
  BOOST_TEST(big.got == 800);
}

BOOST_AUTO_TEST_CASE(the_gauge_follows_what_is_held) {
  asio::io_context ioc;
  net::BodyBudget b(1000);
  auto& g = core::gauge("sluis_test_body_budget_bytes", "test", "");
  auto& w = core::counter("sluis_test_body_budget_waits_total", "test", "");
  b.report_to(&g, &w);
  Taker t;
  t.start(ioc, b, 321);
  settle(ioc);
  BOOST_TEST(g.value() == 321);
  Taker u;
  u.start(ioc, b, 700);  // does not fit: a wait
  settle(ioc);
  BOOST_TEST(w.value() == 1);
  t.hold.reset();
  settle(ioc);
  BOOST_TEST(g.value() == 700);
  u.hold.reset();
  BOOST_TEST(g.value() == 0);
  BOOST_TEST(w.value() == 1);
}

namespace {

// A plain listener whose /x handler holds each request until the test opens
// its gate, and a budget of `budget` bytes.
struct Listener : test::PlainListener {
  explicit Listener(std::uint64_t budget) : gate(ioc) {
    gate.expires_at(Clock::time_point::max());
    router.add(net::http::verb::post, "/x",
               [this](net::Request req, net::RequestContext) -> asio::awaitable<net::Response> {
                 ++entered;
                 if (!open) co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
                 ++served;
                 net::Response res{net::http::status::accepted, req.version()};
                 res.body() = "got " + std::to_string(req.body().size());
                 res.prepare_payload();
                 co_return res;
               });
    // A stored body read for an answer (the mailbox): held until the answer is written.
    router.add(net::http::verb::get, "/y",
               [this](net::Request req, net::RequestContext ctx) -> asio::awaitable<net::Response> {
                 if (!co_await net::hold_for_answer(ctx, 900))
                   co_return net::busy(req, "niet gelezen.", "not read.");
                 ++entered;
                 if (!open) co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
                 ++served;
                 net::Response res{net::http::status::ok, req.version()};
                 res.body() = std::string(900, 'y');
                 res.prepare_payload();
                 co_return res;
               });
    start([budget](net::HttpServer& s) { s.set_body_memory(budget); });
  }
  ~Listener() { stop(); }
  void release() {
    asio::post(ioc, [this] {
      open = true;
      gate.cancel();
    });
  }
  std::string post(const std::string& body) { return PlainListener::post("/x", body); }
  std::string get() { return exchange("GET /y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"); }
  static std::int64_t waits() {
    return core::counter("sluis_http_body_memory_waits_total", kWaitsHelp, "listener=\"plain\"").value();
  }
  static constexpr const char* kWaitsHelp =
      "Requests that waited because the bodies in flight (read, or read from the store for an answer) filled "
      "max_body_memory.";
  static std::int64_t in_flight() {
    return core::gauge("sluis_http_body_bytes_in_flight",
                       "Bytes of bodies in flight: requests' (by Content-Length) read or being answered, and stored "
                       "ones read for an answer.",
                       "listener=\"plain\"")
        .value();
  }
  asio::steady_timer gate;
  bool open = false;  // the listener's thread only
  std::atomic<int> entered{0}, served{0};
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_body_that_does_not_fit_waits_unread_and_is_served_when_an_answer_gives_its_bytes_back) {
  Listener l(1000);
  auto waits_before = Listener::waits();
  std::string first, second;
  std::thread a([&] { first = l.post(std::string(800, 'a')); });
  BOOST_REQUIRE(Listener::eventually([&] { return l.entered == 1; }));
  BOOST_TEST(Listener::in_flight() == 800);  // held while its answer is made
  std::thread b([&] { second = l.post(std::string(300, 'b')); });
  BOOST_REQUIRE(Listener::eventually([&] { return Listener::waits() == waits_before + 1; }));
  BOOST_TEST(l.entered == 1);  // the second body is not read, its handler not run
  l.release();
  a.join();
  b.join();
  BOOST_TEST(first.find("202 Accepted") != std::string::npos, first);
  BOOST_TEST(first.find("got 800") != std::string::npos, first);
  BOOST_TEST(second.find("202 Accepted") != std::string::npos, second);
  BOOST_TEST(second.find("got 300") != std::string::npos, second);
  BOOST_TEST(l.served == 2);
  BOOST_REQUIRE(Listener::eventually([] { return Listener::in_flight() == 0; }));
}

BOOST_AUTO_TEST_CASE(a_wait_ended_by_closing_gets_503_busy_unread) {
  Listener l(1000);
  auto waits_before = Listener::waits();
  std::string first, second;
  std::thread a([&] { first = l.post(std::string(900, 'a')); });
  BOOST_REQUIRE(Listener::eventually([&] { return l.entered == 1; }));
  std::thread b([&] { second = l.post(std::string(200, 'b')); });
  BOOST_REQUIRE(Listener::eventually([&] { return Listener::waits() == waits_before + 1; }));
  // Closing ends the waits: the waiting request is answered, its body unread;
  // the one in flight finishes.
  asio::post(l.ioc, [&] { l.server->close([] {}); });
  b.join();
  BOOST_TEST(second.find("503 Service Unavailable") != std::string::npos, second);
  BOOST_TEST(second.find("Retry-After: 5") != std::string::npos, second);
  BOOST_TEST(second.find("\"busy\"") != std::string::npos, second);
  l.release();
  a.join();
  BOOST_TEST(first.find("202 Accepted") != std::string::npos, first);
  BOOST_TEST(l.served == 1);
}

BOOST_AUTO_TEST_CASE(a_stored_body_read_for_an_answer_counts_until_the_answer_is_written) {
  Listener l(1000);
  auto waits_before = Listener::waits();
  std::string fetched, posted, refused;
  std::thread a([&] { fetched = l.get(); });
  BOOST_REQUIRE(Listener::eventually([&] { return l.entered == 1; }));
  BOOST_TEST(Listener::in_flight() == 900);
  std::thread b([&] { posted = l.post(std::string(300, 'b')); });
  BOOST_REQUIRE(Listener::eventually([&] { return Listener::waits() == waits_before + 1; }));
  BOOST_TEST(l.entered == 1);
  l.release();
  a.join();
  b.join();
  BOOST_TEST(fetched.find("200 OK") != std::string::npos, fetched.substr(0, 200));
  BOOST_TEST(posted.find("got 300") != std::string::npos, posted);
  BOOST_REQUIRE(Listener::eventually([] { return Listener::in_flight() == 0; }));
}

BOOST_AUTO_TEST_CASE(an_answer_whose_body_cannot_be_held_is_503_busy) {
  Listener l(1000);
  std::string first, second;
  std::thread a([&] { first = l.post(std::string(1000, 'a')); });
  BOOST_REQUIRE(Listener::eventually([&] { return l.entered == 1; }));
  auto waits_before = Listener::waits();
  std::thread b([&] { second = l.get(); });
  // The GET waits for its 900 bytes behind the POST's 1000; closing ends the wait.
  BOOST_REQUIRE(Listener::eventually([&] { return Listener::waits() == waits_before + 1; }));
  asio::post(l.ioc, [&] { l.server->close([] {}); });
  b.join();
  BOOST_TEST(second.find("503 Service Unavailable") != std::string::npos, second);
  BOOST_TEST(second.find("\"busy\"") != std::string::npos, second);
  BOOST_TEST(second.find("not read.") != std::string::npos, second);
  l.release();
  a.join();
  BOOST_TEST(first.find("got 1000") != std::string::npos, first);
}
