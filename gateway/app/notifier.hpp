// Notifier: sd_notify from a thread of its own.
//
// sd_notify is a blocking send on a datagram socket; when systemd (or whoever
// owns $NOTIFY_SOCKET) stops reading, its queue fills after a few messages
// (net.unix.max_dgram_qlen) and the next send waits. Callers on the io thread
// must never wait with it, so send() only queues the state and returns.
//
// Order is kept (READY=1 after RELOADING=1, STOPPING=1 last). A WATCHDOG=1
// still waiting in the queue makes a new one redundant: pings are coalesced,
// so a reader that is gone costs one queued ping, not one per interval. Other
// states (READY, RELOADING, STOPPING, STATUS) are rare and all kept.
//
// Threading: send() from any thread. The destructor sends what is queued
// (STOPPING=1 must reach systemd), then joins. Without $NOTIFY_SOCKET every
// send is a no-op inside sd_notify.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sluis::app {

class Notifier {
 public:
  Notifier();
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void send(std::string state);

 private:
  void run();

  std::mutex mu_;
  std::condition_variable more_;
  std::deque<std::string> queue_;  // guarded by mu_
  bool closing_ = false;           // guarded by mu_
  std::thread thread_;
};

}  // namespace sluis::app
