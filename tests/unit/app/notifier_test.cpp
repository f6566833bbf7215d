// app::Notifier against a NOTIFY_SOCKET this test owns and stops reading, as
// a systemd that has stopped reading would: send() never waits, pings queued
// behind a full socket are coalesced, every other state arrives in order,
// and the destructor delivers what is queued; but when nobody reads at all,
// the destructor gives up after its bound instead of holding the exit forever.
#define BOOST_TEST_MODULE app_notifier
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <future>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/app/notifier.hpp"

namespace fs = std::filesystem;

namespace {

// A bound datagram socket under a fresh directory, named in NOTIFY_SOCKET.
struct NotifySocket {
  fs::path dir, path;
  int fd = -1;
  NotifySocket() {
    char tmpl[] = "/tmp/sluis-notifier-XXXXXX";
    BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    path = dir / "notify.sock";
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    BOOST_TEST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::close(fd);
    fs::remove_all(dir);
  }
  // Sends filler datagrams until the socket's queue is full; returns how many.
  int fill() const {
    int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    int n = 0;
    while (n < 100000 && ::sendto(s, "FILLER=1", 8, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&addr),
                                  sizeof addr) == 8)
      ++n;
    const int err = errno;
    ::close(s);
    BOOST_TEST_REQUIRE(err == EAGAIN);
    return n;
  }
  // The next datagram, waiting up to `bound` for it.
  std::optional<std::string> next(std::chrono::milliseconds bound = std::chrono::seconds(10)) const {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(bound.count())) <= 0) return std::nullopt;
    char buf[4096];
    ssize_t got = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (got <= 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(got));
  }
};

// True once a thread of this process waits in sendmsg (x86_64: 46), i.e. the
// notifier's send blocks on the full socket. Read from /proc, bounded.
bool a_thread_blocks_in_sendmsg() {
  for (int i = 0; i < 1000; ++i) {
    for (const auto& t : fs::directory_iterator("/proc/self/task")) {
      std::ifstream in(t.path() / "syscall");
      std::string nr;
      if (in >> nr && nr == "46") return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_socket_nobody_reads_never_blocks_the_sender_and_loses_no_state) {
  NotifySocket sock;
  const int fillers = sock.fill();
  BOOST_TEST(fillers > 0);
  std::vector<std::string> got;
  {
    sluis::app::Notifier n;
    n.send("READY=1");
    BOOST_TEST_REQUIRE(a_thread_blocks_in_sendmsg());
    // The notifier's thread waits; the caller does not: a thousand pings and
    // the states that matter return at once.
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) n.send("WATCHDOG=1");
    n.send("RELOADING=1");
    n.send("READY=1");
    for (int i = 0; i < 1000; ++i) n.send("WATCHDOG=1");
    n.send("STOPPING=1");
    const auto spent = std::chrono::steady_clock::now() - t0;
    const double ms = std::chrono::duration<double, std::milli>(spent).count();
    BOOST_TEST_MESSAGE("2003 sends took " << ms << " ms");
    // The reader comes back while the notifier is destroyed: what was queued
    // is delivered before the destructor returns.
    std::thread reader([&] {
      while (auto d = sock.next()) {
        got.push_back(*d);
        if (*d == "STOPPING=1") break;
      }
    });
    reader.join();
  }
  std::vector<std::string> states;
  int fill_seen = 0, pings = 0;
  for (const auto& d : got) {
    if (d == "FILLER=1")
      ++fill_seen;
    else if (d == "WATCHDOG=1")
      ++pings;
    else
      states.push_back(d);
  }
  BOOST_TEST(fill_seen == fillers);
  // Order kept; the two thousand pings queued behind a full socket became
  // one (a ping still waiting in the queue makes the next one redundant).
  const std::vector<std::string> want{"READY=1", "RELOADING=1", "READY=1", "STOPPING=1"};
  BOOST_TEST(states == want, boost::test_tools::per_element());
  BOOST_TEST(pings == 1);
}

BOOST_AUTO_TEST_CASE(a_reader_that_never_comes_back_does_not_hold_the_exit) {
  NotifySocket sock;
  BOOST_TEST(sock.fill() > 0);
  auto n = std::make_unique<sluis::app::Notifier>(std::chrono::milliseconds(200));
  n->send("READY=1");
  BOOST_TEST_REQUIRE(a_thread_blocks_in_sendmsg());
  n->send("STOPPING=1");
  // The destructor returns although its thread stays blocked (before, it
  // joined that thread and the daemon never exited). Bounded: a minute.
  auto destroyed = std::async(std::launch::async, [&n] { n.reset(); });
  BOOST_TEST_REQUIRE((destroyed.wait_for(std::chrono::seconds(60)) == std::future_status::ready));
  BOOST_TEST(a_thread_blocks_in_sendmsg());
  // The reader drains: the detached thread finishes its sends on its own.
  while (auto d = sock.next(std::chrono::milliseconds(2000)))
    if (*d == "STOPPING=1") break;
}
