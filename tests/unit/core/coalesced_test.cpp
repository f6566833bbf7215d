// core/coalesced.hpp: callers that ask at once share one computation; a
// fresh value is reused; a stale one is computed again; a failed or throwing
// computation leaves the last value and lets the next caller try again.
#include "gateway/core/coalesced.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace asio = boost::asio;
using sluis::core::Coalesced;

namespace {

// A computation that yields to the executor a few times before it answers,
// so callers that arrive meanwhile find it running.
struct Slow {
  int* runs;
  std::string answer;
  bool fail = false;
  bool raise = false;
  asio::awaitable<std::optional<std::string>> operator()() const {
    ++*runs;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < 5; ++i) co_await asio::post(ex, asio::use_awaitable);
    if (raise) throw std::runtime_error("store broke");
    if (fail) co_return std::nullopt;
    co_return answer;
  }
};

// Spawns `callers` concurrent gets and runs the io_context until all are done.
std::vector<std::string> ask(asio::io_context& ioc, Coalesced<std::string>& c, Slow compute, int callers) {
  std::vector<std::string> got(callers, "(unset)");
  for (int i = 0; i < callers; ++i)
    asio::co_spawn(
        ioc,
        [&c, compute, &got, i]() -> asio::awaitable<void> {
          try {
            auto v = co_await c.get(compute);
            got[i] = v ? *v : "(none)";
          } catch (const std::runtime_error& e) {
            got[i] = std::string("(threw ") + e.what() + ")";
          }
        },
        asio::detached);
  ioc.restart();
  ioc.run();
  return got;
}

}  // namespace

BOOST_AUTO_TEST_CASE(callers_at_once_share_one_computation_and_a_fresh_value_is_reused) {
  asio::io_context ioc;
  Coalesced<std::string> c(ioc.get_executor(), std::chrono::hours(1));
  int runs = 0;
  auto got = ask(ioc, c, Slow{&runs, "page 1"}, 10);
  BOOST_TEST(runs == 1);
  for (const auto& g : got) BOOST_TEST(g == "page 1");
  got = ask(ioc, c, Slow{&runs, "page 2"}, 3);
  BOOST_TEST(runs == 1);  // fresh: no work at all
  for (const auto& g : got) BOOST_TEST(g == "page 1");
  BOOST_TEST(c.computations() == 1u);
}

BOOST_AUTO_TEST_CASE(a_stale_value_is_computed_again_once_per_wave) {
  asio::io_context ioc;
  Coalesced<std::string> c(ioc.get_executor(), std::chrono::steady_clock::duration::zero());
  int runs = 0;
  ask(ioc, c, Slow{&runs, "a"}, 4);
  BOOST_TEST(runs == 1);
  auto got = ask(ioc, c, Slow{&runs, "b"}, 4);
  BOOST_TEST(runs == 2);
  for (const auto& g : got) BOOST_TEST(g == "b");
}

BOOST_AUTO_TEST_CASE(a_failed_computation_keeps_the_last_value_and_the_next_caller_tries_again) {
  asio::io_context ioc;
  Coalesced<std::string> c(ioc.get_executor(), std::chrono::steady_clock::duration::zero());
  int runs = 0;
  // Nothing yet, and the computation fails: the one who ran it and those who
  // waited have nothing.
  auto got = ask(ioc, c, Slow{&runs, "x", true}, 3);
  BOOST_TEST(runs == 1);
  for (const auto& g : got) BOOST_TEST(g == "(none)");
  ask(ioc, c, Slow{&runs, "good"}, 1);
  BOOST_TEST(runs == 2);
  // It throws: the caller that ran it sees the exception, the waiters the
  // last good value; and it is not left "running".
  got = ask(ioc, c, Slow{&runs, "x", false, true}, 3);
  BOOST_TEST(runs == 3);
  BOOST_TEST(got[0] == "(threw store broke)");
  BOOST_TEST(got[1] == "good");
  BOOST_TEST(got[2] == "good");
  got = ask(ioc, c, Slow{&runs, "again"}, 2);
  BOOST_TEST(runs == 4);
  for (const auto& g : got) BOOST_TEST(g == "again");
}
