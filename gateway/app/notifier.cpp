#include "gateway/app/notifier.hpp"

#include <systemd/sd-daemon.h>

#include <algorithm>

namespace sluis::app {

namespace {
constexpr std::string_view kWatchdog = "WATCHDOG=1";
}

Notifier::Notifier() : thread_([this] { run(); }) {}

Notifier::~Notifier() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  more_.notify_one();
  thread_.join();
}

void Notifier::send(std::string state) {
  {
    std::lock_guard lock(mu_);
    if (state == kWatchdog && std::find(queue_.begin(), queue_.end(), kWatchdog) != queue_.end())
      return;
    queue_.push_back(std::move(state));
  }
  more_.notify_one();
}

void Notifier::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    more_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, and everything was sent
    std::string state = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    ::sd_notify(0, state.c_str());
    lock.lock();
  }
}

}  // namespace sluis::app
