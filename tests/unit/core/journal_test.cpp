// The logger's journald output: the native protocol, the choice between it
// and the stderr line ($JOURNAL_STREAM against stderr's device and inode),
// the fields of an entry as a datagram socket of the test's own receives them
// ($SLUIS_JOURNAL_SOCKET), and the committed catalog's MESSAGE_IDs.
#include "gateway/core/journal.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/log.hpp"

using namespace sluis::core;
namespace fs = std::filesystem;

namespace {

constexpr Event kAbout{"TEST_JOURNAL_MESSAGE", Level::notice, "for tests"};
constexpr Event kOther{"TEST_JOURNAL_OTHER", Level::err, "for tests"};
constexpr const char* kSyntheticBsn = "111222333";  // passes the 11-check, fictional

// One parsed entry: every field with each of its values, in order.
using Entry = std::multimap<std::string, std::string>;

// Reads the native protocol back, both forms; fails the test on anything else.
Entry parse_entry(const std::string& d) {
  Entry out;
  std::size_t i = 0;
  while (i < d.size()) {
    std::size_t nl = d.find('\n', i);
    BOOST_REQUIRE(nl != std::string::npos);
    std::size_t eq = d.find('=', i);
    if (eq != std::string::npos && eq < nl) {
      std::string name = d.substr(i, eq - i);
      BOOST_REQUIRE_MESSAGE(valid_journal_field_name(name), "field name " << name);
      out.emplace(name, d.substr(eq + 1, nl - eq - 1));
      i = nl + 1;
      continue;
    }
    std::string name = d.substr(i, nl - i);
    BOOST_REQUIRE_MESSAGE(valid_journal_field_name(name), "field name " << name);
    BOOST_REQUIRE(nl + 1 + 8 <= d.size());
    std::uint64_t n = 0;
    for (int b = 0; b < 8; ++b)
      n |= static_cast<std::uint64_t>(static_cast<unsigned char>(d[nl + 1 + b])) << (8 * b);
    std::size_t start = nl + 1 + 8;
    BOOST_REQUIRE(start + n + 1 <= d.size());
    BOOST_REQUIRE(d[start + n] == '\n');
    out.emplace(name, d.substr(start, n));
    i = start + n + 1;
  }
  return out;
}

std::string only(const Entry& e, const std::string& name) {
  BOOST_REQUIRE_MESSAGE(e.count(name) == 1, name << " appears " << e.count(name) << " times");
  return e.find(name)->second;
}

// A datagram socket bound in a fresh directory, standing in for journald's.
class TestJournal {
 public:
  TestJournal() {
    dir_ = fs::temp_directory_path() / ("sluis-journal-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ / "socket";
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~TestJournal() {
    ::close(fd_);
    fs::remove_all(dir_);
  }
  const fs::path& path() const { return path_; }
  // The datagrams sent so far. A send to a Unix datagram socket has queued
  // its datagram when it returns, so nothing is in flight: no waiting.
  std::vector<std::string> received() const {
    std::vector<std::string> out;
    std::string buf(1 << 16, '\0');
    for (;;) {
      ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0) break;
      out.emplace_back(buf.data(), static_cast<std::size_t>(n));
    }
    return out;
  }

 private:
  fs::path dir_, path_;
  int fd_ = -1;
};

std::string stream_of(int fd) {
  struct stat st {};
  BOOST_REQUIRE(::fstat(fd, &st) == 0);
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

// Points the logger at `socket` as if stderr were journald's stream (or, with
// `matching` false, as if JOURNAL_STREAM named some other file); restores the
// environment and the stderr output at the end of the scope.
class JournalEnvironment {
 public:
  JournalEnvironment(const fs::path& socket, bool matching) {
    ::setenv("SLUIS_JOURNAL_SOCKET", socket.c_str(), 1);
    ::setenv("JOURNAL_STREAM", matching ? stream_of(STDERR_FILENO).c_str() : "1:2", 1);
    init_log_output();
  }
  ~JournalEnvironment() {
    ::unsetenv("SLUIS_JOURNAL_SOCKET");
    ::unsetenv("JOURNAL_STREAM");
    init_log_output();
  }
};

// Replaces stderr by a pipe for the scope, to read what the logger writes there.
class CapturedStderr {
 public:
  CapturedStderr() {
    BOOST_REQUIRE(::pipe2(pipe_, O_CLOEXEC | O_NONBLOCK) == 0);
    saved_ = ::dup(STDERR_FILENO);
    BOOST_REQUIRE(saved_ >= 0);
    BOOST_REQUIRE(::dup2(pipe_[1], STDERR_FILENO) == STDERR_FILENO);
  }
  ~CapturedStderr() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  std::string text() const {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(pipe_[0], buf, sizeof buf)) > 0;)
      out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int pipe_[2] = {-1, -1};
  int saved_ = -1;
};

}  // namespace

BOOST_AUTO_TEST_CASE(journal_stream_names_device_and_inode) {
  BOOST_TEST(journal_stream_names("8:1234", 8, 1234));
  BOOST_TEST(journal_stream_names("66311:18446744073709551615", 66311, UINT64_MAX));
  BOOST_TEST(!journal_stream_names("8:1235", 8, 1234));
  BOOST_TEST(!journal_stream_names("9:1234", 8, 1234));
  for (const char* bad : {"", ":", "8:", ":1234", "8", "8:1234:5", " 8:1234", "8:12x4", "-8:1234"})
    BOOST_TEST(!journal_stream_names(bad, 8, 1234), bad);
}

BOOST_AUTO_TEST_CASE(field_names_follow_the_protocol) {
  const std::vector<std::string> good{"MESSAGE", "SLUIS_MSG", "A1", std::string(64, 'X')};
  for (const std::string& name : good) BOOST_TEST(valid_journal_field_name(name), name);
  const std::vector<std::string> bad{
      "", "_PID", "1ST", "message", "SLUIS-MSG", "A B", std::string(65, 'X')};
  for (const std::string& name : bad) BOOST_TEST(!valid_journal_field_name(name), name);
}

BOOST_AUTO_TEST_CASE(a_value_with_a_newline_takes_the_length_form) {
  std::string d =
      encode_journal_entry({{"MESSAGE", "one"}, {"NOTE", "a\nPRIORITY=0"}, {"EMPTY", ""}});
  BOOST_TEST(d.starts_with("MESSAGE=one\nNOTE\n"));
  BOOST_TEST(d.substr(17, 8) == std::string("\x0c\0\0\0\0\0\0\0", 8));
  Entry e = parse_entry(d);
  BOOST_TEST(e.size() == 3u);
  BOOST_TEST(only(e, "NOTE") == "a\nPRIORITY=0");
  BOOST_TEST(e.count("PRIORITY") == 0u);
  BOOST_TEST(only(e, "EMPTY") == "");
}

BOOST_AUTO_TEST_CASE(message_ids_are_stable_and_distinct) {
  // Fixed values: a change of the derivation would orphan the catalog
  // installed on hosts and every saved journalctl query.
  BOOST_TEST(journal_message_id("CORE_ASSERT_FAILED") == "e706fb09f02a3196c298cbc1699e38d6");
  std::string a = journal_message_id(kAbout.id);
  BOOST_TEST(a.size() == 32u);
  BOOST_TEST(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  BOOST_TEST(a == journal_message_id(kAbout.id));
  BOOST_TEST(a != journal_message_id(kOther.id));
}

// The committed catalog (scripts/gen-events-doc writes it from the event
// declarations) keys each event by the MESSAGE_ID sluisd sends for it.
BOOST_AUTO_TEST_CASE(the_catalog_has_the_ids_sluisd_sends) {
  const char* src = std::getenv("SLUIS_SOURCE_DIR");
  BOOST_REQUIRE(src);
  std::ifstream in(fs::path(src) / "systemd" / "sluis.catalog");
  BOOST_REQUIRE(in);
  std::string line, id;
  std::set<std::string> ids, events;
  while (std::getline(in, line)) {
    if (line.starts_with("-- ")) {
      id = line.substr(3);
      BOOST_TEST(ids.insert(id).second, "MESSAGE_ID twice: " << id);
    } else if (line.starts_with("Subject: sluisd ")) {
      std::string event = line.substr(16, line.find(' ', 16) - 16);
      BOOST_TEST(journal_message_id(event) == id, event);
      events.insert(event);
    }
  }
  BOOST_TEST(ids.size() == events.size());
  BOOST_TEST(events.size() > 50u);
  BOOST_TEST(events.count("CORE_ASSERT_FAILED") == 1u);
}

BOOST_AUTO_TEST_CASE(entries_carry_the_fields_and_never_a_bsn) {
  TestJournal journal;
  JournalEnvironment env(journal.path(), true);
  log(kAbout, {{"msg", "m-1"}, {"partner", "12345678"}, {"n", 3}});
  log(kOther, {{"error", std::string("bad ") + kSyntheticBsn},
               {"msg", std::string("m\n2 ") + kSyntheticBsn},
               {"partner", std::string(kSyntheticBsn)},
               {"note", "x\nPRIORITY=0\nSLUIS_EVENT=FORGED"}});
  log(kAbout, {{"error", "no message here"}});
  log(Event{"TEST_JOURNAL_DEBUG", Level::debug, "for tests"}, {});  // below the level: dropped
  std::vector<std::string> got = journal.received();
  BOOST_REQUIRE(got.size() == 3u);

  Entry first = parse_entry(got[0]);
  BOOST_TEST(only(first, "MESSAGE") == "TEST_JOURNAL_MESSAGE msg=m-1 partner=12345678 n=3");
  BOOST_TEST(only(first, "PRIORITY") == "5");
  BOOST_TEST(only(first, "MESSAGE_ID") == journal_message_id("TEST_JOURNAL_MESSAGE"));
  BOOST_TEST(only(first, "SYSLOG_IDENTIFIER") == "sluisd");
  BOOST_TEST(only(first, "SLUIS_EVENT") == "TEST_JOURNAL_MESSAGE");
  BOOST_TEST(only(first, "SLUIS_MSG") == "m-1");
  BOOST_TEST(only(first, "SLUIS_PARTNER") == "12345678");
  BOOST_TEST(first.size() == 7u);

  Entry second = parse_entry(got[1]);
  for (const std::string& d : got) BOOST_TEST(d.find(kSyntheticBsn) == std::string::npos);
  BOOST_TEST(only(second, "PRIORITY") == "3");
  BOOST_TEST(only(second, "SLUIS_EVENT") == "TEST_JOURNAL_OTHER");
  BOOST_TEST(only(second, "MESSAGE_ID") != only(first, "MESSAGE_ID"));
  BOOST_TEST(only(second, "SLUIS_MSG") == "m 2 *********");
  BOOST_TEST(only(second, "SLUIS_PARTNER") == "*********");
  // The same line as on stderr, without the prefix: the newlines stripped.
  BOOST_TEST(only(second, "MESSAGE") ==
             format_log_line(kOther, {{"error", std::string("bad ") + kSyntheticBsn},
                                      {"msg", std::string("m\n2 ") + kSyntheticBsn},
                                      {"partner", std::string(kSyntheticBsn)},
                                      {"note", "x\nPRIORITY=0\nSLUIS_EVENT=FORGED"}})
                 .substr(3));
  BOOST_TEST(only(second, "MESSAGE").find('\n') == std::string::npos);

  Entry third = parse_entry(got[2]);
  BOOST_TEST(third.count("SLUIS_MSG") == 0u);
  BOOST_TEST(third.count("SLUIS_PARTNER") == 0u);
  BOOST_TEST(only(third, "MESSAGE_ID") == only(first, "MESSAGE_ID"));
}

BOOST_AUTO_TEST_CASE(another_stream_keeps_the_stderr_line) {
  TestJournal journal;
  CapturedStderr err;
  {
    // JOURNAL_STREAM inherited from a journald-run parent names another file:
    // stderr is not the journal, so the line goes to stderr as always.
    JournalEnvironment env(journal.path(), false);
    log(kAbout, {{"msg", "m-1"}});
  }
  BOOST_TEST(journal.received().empty());
  BOOST_TEST(err.text() == "<5>TEST_JOURNAL_MESSAGE msg=m-1\n");
}

BOOST_AUTO_TEST_CASE(a_failing_journal_falls_back_to_the_stderr_line) {
  TestJournal journal;
  CapturedStderr err;  // the pipe is stderr now: JOURNAL_STREAM names it
  {
    JournalEnvironment env(journal.path().parent_path() / "no-socket", true);
    log(kAbout, {{"msg", "m-1"}});
  }
  BOOST_TEST(err.text() == "<5>TEST_JOURNAL_MESSAGE msg=m-1\n");
  {
    JournalEnvironment env(journal.path(), true);
    log(kAbout, {{"msg", "m-2"}});
  }
  BOOST_TEST(err.text().empty());
  BOOST_TEST(journal.received().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_sink_still_takes_every_line) {
  TestJournal journal;
  JournalEnvironment env(journal.path(), true);
  std::vector<std::string> lines;
  set_log_sink([&](std::string_view l) { lines.emplace_back(l); });
  log(kAbout, {{"msg", "m-1"}});
  set_log_sink(nullptr);
  BOOST_TEST(lines.size() == 1u);
  BOOST_TEST(journal.received().empty());
}
