// core/async.hpp: a result handed over from another thread resumes the
// awaiting coroutine on its own executor, and the io_context keeps running
// while it is pending; a read runs on the pool, not on the io thread.
#include "gateway/core/async.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

namespace asio = boost::asio;
using namespace sluis;

namespace {

struct Seen {
  std::optional<core::Result<int>> result;
  std::thread::id resumed_on, ran_on;
  std::thread worker;
};

asio::awaitable<void> await_done(Seen& seen) {
  auto start = [&seen](std::function<void(core::Result<int>)> done) {
    // The result comes from a thread of its own, later: as the store's writer does.
    seen.worker = std::thread([done, &seen] {
      seen.ran_on = std::this_thread::get_id();
      done(42);
    });
  };
  seen.result = co_await core::async_done<int>(std::move(start), asio::use_awaitable);
  seen.resumed_on = std::this_thread::get_id();
}

asio::awaitable<void> await_run(asio::any_io_executor pool, Seen& seen, bool fail) {
  auto read = [&seen, fail]() -> core::Result<int> {
    seen.ran_on = std::this_thread::get_id();
    if (fail) throw std::runtime_error("read broke");
    return 7;
  };
  seen.result = co_await core::async_run(pool, std::move(read), asio::use_awaitable);
  seen.resumed_on = std::this_thread::get_id();
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_result_from_another_thread_resumes_on_the_callers_executor) {
  asio::io_context ioc;
  Seen seen;
  asio::co_spawn(ioc, await_done(seen), asio::detached);
  ioc.run();  // returns only when the coroutine is done: the pending result counts as work
  seen.worker.join();
  BOOST_REQUIRE(seen.result.has_value());
  BOOST_TEST(seen.result->value() == 42);
  BOOST_TEST((seen.resumed_on == std::this_thread::get_id()));
  BOOST_TEST((seen.ran_on != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(a_read_runs_on_the_pool_and_resumes_on_the_io_thread) {
  asio::io_context ioc;
  asio::thread_pool pool(1);
  Seen seen;
  asio::co_spawn(ioc, await_run(pool.get_executor(), seen, false), asio::detached);
  ioc.run();
  BOOST_REQUIRE(seen.result.has_value());
  BOOST_TEST(seen.result->value() == 7);
  BOOST_TEST((seen.ran_on != std::this_thread::get_id()));
  BOOST_TEST((seen.resumed_on == std::this_thread::get_id()));
  pool.join();
}

BOOST_AUTO_TEST_CASE(a_read_that_throws_is_an_error_value) {
  asio::io_context ioc;
  asio::thread_pool pool(1);
  Seen seen;
  asio::co_spawn(ioc, await_run(pool.get_executor(), seen, true), asio::detached);
  ioc.run();
  BOOST_REQUIRE(seen.result.has_value());
  BOOST_REQUIRE(seen.result->has_error());
  BOOST_TEST(seen.result->error().code == core::Errc::core_exception);
  BOOST_TEST(seen.result->error().text == "read broke");
  pool.join();
}
