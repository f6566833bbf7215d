#include "gateway/net/body_budget.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sluis::net {

namespace asio = boost::asio;

asio::awaitable<std::optional<BodyBudget::Hold>> BodyBudget::take(std::uint64_t bytes,
                                                                  std::chrono::steady_clock::time_point deadline) {
  if (waiters_.empty() && fits(bytes)) {
    in_use_ += bytes;
    report();
    co_return Hold(this, bytes);
  }
  if (waits_) waits_->inc();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_at(deadline);
  Waiter w{bytes, &timer};
  auto place = waiters_.insert(waiters_.end(), &w);
  // Should this coroutine be destroyed while it waits (its connection
  // cancelled), the waiter leaves the queue, and bytes granted meanwhile
  // go back.
  struct Leave {
    BodyBudget& budget;
    Waiter& w;
    std::list<Waiter*>::iterator place;
    bool handed = false;
    ~Leave() {
      if (!w.granted) {
        budget.waiters_.erase(place);
        budget.grant_waiting();  // the head may have been this one
        budget.report();
      } else if (!handed) {
        budget.release(w.bytes);
      }
    }
  } leave{*this, w, place};
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (!w.granted) co_return std::nullopt;  // the deadline, or cancel_waits()
  leave.handed = true;
  report();
  co_return Hold(this, bytes);
}

void BodyBudget::release(std::uint64_t bytes) {
  in_use_ -= bytes;
  grant_waiting();
  report();
}

void BodyBudget::grant_waiting() {
  while (!waiters_.empty() && fits(waiters_.front()->bytes)) {
    Waiter* w = waiters_.front();
    waiters_.pop_front();
    in_use_ += w->bytes;
    w->granted = true;
    w->timer->cancel();
  }
}

void BodyBudget::cancel_waits() {
  for (Waiter* w : waiters_) w->timer->cancel();
}

void BodyBudget::set_limit(std::uint64_t limit) {
  limit_ = limit;
  grant_waiting();
  report();
}

}  // namespace sluis::net
