// A value that is costly to compute, asked for by many: computed at most once
// at a time, and reused while fresh.
//
// Purpose: bound the work an unauthenticated or frequent request can cause
// (the operator's status page reads 30 days of facts from the store): however
// many ask at once, one computation runs; callers within `fresh` of the last
// successful one get its value without any work.
//
// Threading: one executor (the io thread); `get` is a coroutine on it, and
// every member is touched only there. The computation may hop to another
// executor (a read pool) and back.
// Failure: a computation that yields no value (nullopt) or throws leaves the
// last value as it was; the caller that ran it sees the nullopt or the
// exception, callers that waited get the last value (possibly none: nullptr).
// Ownership: values are shared_ptr<const T>, alive as long as anyone holds one.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>

namespace sluis::core {

template <class T>
class Coalesced {
 public:
  Coalesced(boost::asio::any_io_executor ex, std::chrono::steady_clock::duration fresh)
      : fresh_(fresh), done_(ex, std::chrono::steady_clock::time_point::max()) {}

  // The value, computed by `compute` (a callable returning
  // awaitable<std::optional<T>>) unless one fresh enough exists or is being
  // computed. nullptr when no value could be had.
  template <class Compute>
  boost::asio::awaitable<std::shared_ptr<const T>> get(Compute compute) {
    if (value_ && std::chrono::steady_clock::now() - at_ < fresh_) co_return value_;
    if (running_) {
      // Woken by cancel() when the running computation ends.
      (void)co_await done_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      co_return value_;
    }
    running_ = true;
    ++computations_;
    struct Ending {
      Coalesced& self;
      ~Ending() {
        self.running_ = false;
        self.done_.cancel();
      }
    } ending{*this};
    std::optional<T> next = co_await compute();
    if (!next) co_return nullptr;
    value_ = std::make_shared<const T>(std::move(*next));
    at_ = std::chrono::steady_clock::now();
    co_return value_;
  }

  // How many computations have started (for tests and metrics).
  std::uint64_t computations() const { return computations_; }

 private:
  std::chrono::steady_clock::duration fresh_;
  boost::asio::steady_timer done_;
  std::shared_ptr<const T> value_;
  std::chrono::steady_clock::time_point at_{};
  bool running_ = false;
  std::uint64_t computations_ = 0;
};

}  // namespace sluis::core
