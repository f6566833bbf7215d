// Asynchronous results from other threads, awaited on the caller's executor.
//
// Purpose: the one adapter between the store's calling convention (a method
// that returns at once and calls `done(Result<T>)` later, from its writer
// thread: store/store.hpp) and Asio's completion tokens, so a coroutine on
// the io thread writes `co_await core::async_done<T>(start, use_awaitable)`
// and never waits on the writer; and the one way to run a slow read off the
// io thread: `co_await core::async_run(reads, fn, use_awaitable)` runs `fn` on
// the read pool (an executor the App owns and hands to the modules) and
// resumes on the caller's executor with its result.
//
// Threading: `start` runs at once, on the calling thread; `done` may be called
// from any thread, exactly once; the completion handler always runs on the
// handler's associated executor (for use_awaitable: the coroutine's), posted
// there, never inline on the thread that called `done`. Until `done` is
// called the caller's executor counts outstanding work, so an io_context
// does not run out of work while a write or read is pending.
//
// Ownership: the handler is kept alive by `done` (copies share it).
// Failure: `async_run` turns an exception from `fn` into an error Result
// (code core.exception); `async_done` reports what `done` is given.
// Durability: none of its own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/system_executor.hpp>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "gateway/core/result.hpp"

namespace sluis::core {

// Completes with `R` (the value `done` is called with). `start(done)` is
// called at once; `done` is a copyable callable taking R.
template <class R, class Start, class Token>
auto async_result_of(Start start, Token&& token) {
  return boost::asio::async_initiate<Token, void(R)>(
      [](auto handler, Start begin) {
        using Handler = decltype(handler);
        auto ex = boost::asio::prefer(
            boost::asio::get_associated_executor(handler, boost::asio::system_executor()),
            boost::asio::execution::outstanding_work.tracked);
        auto h = std::make_shared<Handler>(std::move(handler));
        begin([ex, h](R r) {
          boost::asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        });
      },
      token, std::move(start));
}

// The store's convention: `start(done)` with `done(Result<T>)`.
template <class T, class Start, class Token>
auto async_done(Start start, Token&& token) {
  return async_result_of<Result<T>>(std::move(start), std::forward<Token>(token));
}

// Runs `fn()` (returning a Result<T>) on `pool` and completes with its result
// on the caller's executor: a slow read off the io thread.
template <class F, class Token>
auto async_run(boost::asio::any_io_executor pool, F fn, Token&& token) {
  using R = std::invoke_result_t<F&>;
  auto start = [pool, fn = std::move(fn)](auto done) mutable {
    boost::asio::post(pool, [fn = std::move(fn), done = std::move(done)]() mutable {
      R r = [&]() -> R {
        try {
          return fn();
        } catch (const std::exception& e) {
          return make_error(Errc::core_exception, e.what());
        } catch (...) {
          return make_error(Errc::core_exception, "not a std::exception");
        }
      }();
      done(std::move(r));
    });
  };
  return async_result_of<R>(std::move(start), std::forward<Token>(token));
}

}  // namespace sluis::core
