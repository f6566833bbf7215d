// The real sluisd with stderr as journald's stream: started under a shell that
// sets JOURNAL_STREAM to its stderr's device and inode, as systemd does for
// StandardError=journal, and SLUIS_JOURNAL_SOCKET to a socket of the test's.
// Its events arrive there as native entries with their fields, and no event
// line reaches stderr.
#define BOOST_TEST_MODULE journal
#include "gateway/core/journal.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon_process.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

// Stands in for journald: like it, reads all the time (a datagram socket
// holds few entries; an unread one would block the daemon's logger).
class TestJournal {
 public:
  explicit TestJournal(fs::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    reader_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) drain();
      }
    });
  }
  ~TestJournal() {
    stop_ = true;
    reader_.join();
    ::close(fd_);
  }
  // Everything received; after the daemon has exited, that is all it sent
  // (each send had queued its datagram when it returned).
  std::vector<std::string> entries() {
    drain();
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  void drain() {
    std::string buf(1 << 16, '\0');
    for (;;) {
      ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) return;
      std::lock_guard lock(mu_);
      got_.emplace_back(buf.data(), static_cast<std::size_t>(n));
    }
  }
  fs::path path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::string> got_;
  std::thread reader_;
};

// The value of a `NAME=value` field of an entry whose values hold no newline
// (sluisd strips them); empty when the entry has no such field.
std::string field(const std::string& entry, const std::string& name) {
  const std::string key = name + "=";
  for (std::size_t i = 0; i < entry.size();) {
    std::size_t nl = entry.find('\n', i);
    if (nl == std::string::npos) nl = entry.size();
    if (entry.compare(i, key.size(), key) == 0)
      return entry.substr(i + key.size(), nl - i - key.size());
    i = nl + 1;
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(events_go_to_the_journal_with_their_fields) {
  ScratchDir dir("journal");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml",
                       "state_dir = \"state\"\nlog_level = \"info\"\ndrain_timeout = \"5s\"\n"
                       "[admin]\nsocket = \"state/admin.sock\"\ngroup = \"\"\n[https]\nenabled = "
                       "false\n[plain]\nport = 0\n"
                       "[reference]\ncbs_gemeenten = \"" +
                           (source_dir() / "config/reference/cbs-gemeenten.csv").string() +
                           "\"\nproductcodes = \"" +
                           (source_dir() / "config/reference/productcodes.csv").string() +
                           "\"\n[schemas]\ndir = \"" + (source_dir() / "schemas").string() +
                           "\"\n[secrets]\nbsn_hash_key = \"file:bsn.key\"\n");
  TestJournal journal(dir.path() / "journal.sock");
  {
    DaemonProcess d(
        dir.path(), {"--config", cfg.string()},
        {{"SLUIS_JOURNAL_SOCKET", (dir.path() / "journal.sock").string()}},
        {"/bin/sh", "-c",
         "export JOURNAL_STREAM=\"$(stat -L -c %d:%i /proc/self/fd/2)\" && exec \"$@\"", "sh"});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
    d.signal(SIGTERM);
    auto code = d.wait_exit();
    BOOST_REQUIRE(code);
    BOOST_TEST(*code == 0);
    BOOST_TEST(d.log().find("DAEMON_") == std::string::npos, "event lines on stderr:\n" << d.log());
  }
  std::vector<std::string> entries = journal.entries();
  bool started = false, stopped = false;
  for (const std::string& e : entries) {
    const std::string event = field(e, "SLUIS_EVENT");
    BOOST_TEST(!event.empty(), e);
    BOOST_TEST(field(e, "MESSAGE_ID") == sluis::core::journal_message_id(event), event);
    BOOST_TEST(field(e, "SYSLOG_IDENTIFIER") == "sluisd");
    BOOST_TEST(field(e, "MESSAGE").starts_with(event), e);
    if (event == "DAEMON_STARTED") {
      started = true;
      BOOST_TEST(field(e, "PRIORITY") == "5");
    }
    if (event == "DAEMON_STOPPED") stopped = true;
  }
  BOOST_TEST(started);
  BOOST_TEST(stopped);
}
