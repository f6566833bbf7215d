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
// (STOPPING=1 must reach systemd), then joins; but it waits at most
// `exit_wait` for a reader that has stopped reading: then it leaves the
// thread blocked in its send (detached; it owns what it touches) and the
// process exits all the same. Without $NOTIFY_SOCKET every send is a no-op
// inside sd_notify.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace sluis::app {

class Notifier {
 public:
  explicit Notifier(std::chrono::milliseconds exit_wait = std::chrono::seconds(10));
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void send(std::string state);

 private:
  // Shared with the thread, which may outlive the Notifier (see above).
  struct Shared {
    std::mutex mu;
    std::condition_variable more, finished;
    std::deque<std::string> queue;  // guarded by mu
    bool closing = false;           // guarded by mu
    bool done = false;              // guarded by mu: the thread has sent everything and returns
  };
  static void run(Shared& s);

  std::chrono::milliseconds exit_wait_;
  std::shared_ptr<Shared> s_;
  std::thread thread_;
};

}  // namespace sluis::app
