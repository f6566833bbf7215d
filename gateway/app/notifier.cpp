#include "gateway/app/notifier.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>

#include "gateway/core/thread_name.hpp"

namespace sluis::app {

namespace {
constexpr std::string_view kWatchdog = "WATCHDOG=1";
}

Notifier::Notifier(std::chrono::milliseconds exit_wait)
    : exit_wait_(exit_wait), s_(std::make_shared<Shared>()), thread_([s = s_] {
        core::name_this_thread("sluis-notify");
        run(*s);
      }) {}

Notifier::~Notifier() {
  std::unique_lock lock(s_->mu);
  s_->closing = true;
  s_->more.notify_one();
  if (s_->finished.wait_for(lock, exit_wait_, [this] { return s_->done; })) {
    lock.unlock();
    thread_.join();
  } else {
    // Blocked in a send nobody takes: leave it (it holds its own Shared).
    thread_.detach();
  }
}

void Notifier::send(std::string state) {
  {
    std::lock_guard lock(s_->mu);
    if (state == kWatchdog && std::find(s_->queue.begin(), s_->queue.end(), kWatchdog) != s_->queue.end())
      return;
    s_->queue.push_back(std::move(state));
  }
  s_->more.notify_one();
}

void Notifier::run(Shared& s) {
  std::unique_lock lock(s.mu);
  for (;;) {
    s.more.wait(lock, [&s] { return s.closing || !s.queue.empty(); });
    if (s.queue.empty()) break;  // closing, and everything was sent
    std::string state = std::move(s.queue.front());
    s.queue.pop_front();
    lock.unlock();
    ::sd_notify(0, state.c_str());
    lock.lock();
  }
  s.done = true;
  s.finished.notify_all();
}

}  // namespace sluis::app
