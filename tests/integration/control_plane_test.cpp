// The control plane off the data plane, against the real sluisd: a backup
// held mid-way at a test pause point (SLUIS_TEST_PAUSE, admin/test_pause.hpp)
// and, separately, a bulk queue action held between two batches, while
// partners go on: GET /v1/whoami, a mailbox fetch and its ack answer, and
// WATCHDOG=1 keeps arriving on the test's NOTIFY_SOCKET. Released, the backup
// completes and the copy is a valid store; the bulk action finishes. A backup
// whose client hangs up is cancelled at its next step and leaves no file.
// The watchdog reflects real progress: a writer wedged at the writer.probe
// pause point stops WATCHDOG=1, and released, the pings come back. A notify
// socket nobody reads (its queue full) blocks sd_notify, never a partner.
#define BOOST_TEST_MODULE control_plane
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sqlite3.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <future>
#include <regex>

#include "gateway/store/sqlite_backup.hpp"
#include "tests/support/test_gateway.hpp"

using namespace sluis;
using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kWatchdogUsec = "400000";  // a ping every 200 ms

// The FIFOs of the pause points live here (created before sluisd starts).
ScratchDir* pauses = nullptr;
TestGateway* g = nullptr;
std::vector<std::string> mailbox_ids;  // declarations in the gemeente's mailbox

struct Global {
  Global() {
    pauses = new ScratchDir("control-pause");
    g = new TestGateway("control", [](TestGateway& t) { return t.corpus_partners(); }, {}, {}, {},
                        {{"WATCHDOG_USEC", kWatchdogUsec},
                         {"SLUIS_TEST_PAUSE", "backup.step,queue.batch,writer.probe"},
                         {"SLUIS_TEST_PAUSE_DIR", pauses->path().string()}});
    // Some mailbox traffic: declarations from the provider to the gemeente.
    try {
      for (int i = 0; i < 6; ++i) {
        auto doc = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"),
                                      std::regex("<ijw:Identificatie>DECL-2602-01<"),
                                      "<ijw:Identificatie>CTL-" + std::to_string(i) + "<");
        auto h = g->post_xml("provider", "/v1/messages", doc);
        BOOST_TEST_REQUIRE(h.status == 202, h.body + "\n" + g->daemon->log());
        mailbox_ids.push_back(std::string(boost::json::parse(h.body).at("id").as_string()));
      }
    } catch (...) {
      delete g;  // the daemon goes with it (no sluisd left behind)
      g = nullptr;
      throw;
    }
  }
  ~Global() {
    if (g) BOOST_TEST((g->stop() == 0));
    delete g;
    delete pauses;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

fs::path fifo(const std::string& point) {
  return pauses->path() / point;
}

void arm(const std::string& point) {
  BOOST_TEST_REQUIRE(::mkfifo(fifo(point).c_str(), 0600) == 0, std::strerror(errno));
}

// Lets the daemon go on from the pause it waits in, and pauses no more.
void release(const std::string& point) {
  int fd =
      ::open(fifo(point).c_str(), O_WRONLY | O_CLOEXEC);  // the daemon waits in open(): no block
  BOOST_TEST_REQUIRE(fd >= 0, std::strerror(errno));
  ::unlink(fifo(point).c_str());
  ::close(fd);
}

// Partners are served: whoami, a mailbox body and its ack.
void partners_are_served(const std::string& mailbox_id) {
  auto who = g->curl("provider", "/v1/whoami");
  BOOST_TEST(who.status == 200, who.body);
  auto body = g->curl("gemeente", "/v1/mailbox/" + mailbox_id);
  BOOST_TEST(body.status == 200);
  BOOST_TEST(body.body.find("CTL-") != std::string::npos);
  auto ack = g->curl("gemeente", "/v1/mailbox/" + mailbox_id + "/ack", {"-X", "POST"});
  BOOST_TEST(ack.status == 200, ack.body);
}

// Partners and systemd are served while an admin command is held.
void data_plane_keeps_going(const std::string& mailbox_id) {
  partners_are_served(mailbox_id);
  // Two pings in a row (the interval is 200 ms; the bound is generous).
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
}

// Read beside the daemon (WAL: a reader never waits for the writer).
std::int64_t held_in_store(const std::string& destination) {
  sqlite3* db = nullptr;
  const auto file = (g->dir.path() / "state" / "sluis.db").string();
  BOOST_TEST_REQUIRE(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM messages WHERE destination = ? AND state = 'held'",
                     -1, &s, nullptr);
  sqlite3_bind_text(s, 1, destination.c_str(), -1, SQLITE_TRANSIENT);
  std::int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return n;
}

fs::path backups() {
  return g->dir.path() / "state" / "backups";
}

std::vector<std::string> listing() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(backups(), ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_backup_held_midway_stalls_no_partner_and_completes_valid) {
  arm("backup.step");
  auto run = std::async(std::launch::async, [] {
    return g->sluisctl({"--progress", "backup", "held.db"});
  });
  BOOST_TEST_REQUIRE(g->daemon->wait_for("STATUS=paused:backup.step"));
  data_plane_keeps_going(mailbox_ids.at(0));
  // Held: nothing at the name yet.
  BOOST_TEST(!fs::exists(backups() / "held.db"));
  release("backup.step");
  auto done = run.get();
  BOOST_TEST(done.exit_code == 0, done.output);
  BOOST_TEST(done.output.find("backup written to") != std::string::npos, done.output);
  // Progress went to stderr, first line mid-way: "backup: N / M pages copied", N < M.
  std::smatch m;
  BOOST_TEST_REQUIRE(
      std::regex_search(done.output, m, std::regex("backup: (\\d+) / (\\d+) pages copied")),
      done.output);
  BOOST_TEST(std::stol(m[1]) < std::stol(m[2]));
  BOOST_TEST((listing() == std::vector<std::string>{"held.db"}));
  BOOST_TEST(store::check_copy((backups() / "held.db").string()).has_value());
}

// The declarations wait in the gemeente's mailbox (queued): a bulk hold of
// them, one message per transaction, held after its first batch while the
// gemeente fetches and acknowledges the newest one (which the hold has not
// reached yet, so it is not held after all).
BOOST_AUTO_TEST_CASE(a_bulk_action_held_between_batches_stalls_no_partner_and_completes) {
  auto count = [](const char* state) {
    auto l = g->sluisctl({"--json", "queue-list", "--destination", "mailbox:gem", "--state", state});
    return boost::json::parse(l.output).at("arguments").at("count").as_int64();
  };
  const auto queued = count("queued");
  BOOST_TEST_REQUIRE(queued >= 3);
  arm("queue.batch");
  auto run = std::async(std::launch::async, [] {
    return g->sluisctl({"--progress", "message-hold", "--destination", "mailbox:gem", "--state",
                        "queued", "--batch", "1"});
  });
  BOOST_TEST_REQUIRE(g->daemon->wait_for("STATUS=paused:queue.batch"));
  data_plane_keeps_going(mailbox_ids.back());
  // The admin thread is in the held command (commands run one at a time), so
  // the store itself says how far it got: the first batch, no more.
  BOOST_TEST(held_in_store("mailbox:gem") == 1);
  release("queue.batch");
  auto done = run.get();
  BOOST_TEST(done.exit_code == 0, done.output);
  BOOST_TEST(done.output.find(std::to_string(queued - 1) + " held, 0 refused") != std::string::npos,
             done.output);
  BOOST_TEST(std::regex_search(done.output, std::regex("message-hold: 1 messages examined")),
             done.output);
  BOOST_TEST(count("queued") == 0);
  // And back, so the mailbox is as it was for what follows.
  auto back = g->sluisctl({"message-release", "--destination", "mailbox:gem", "--state", "held"});
  BOOST_TEST(back.exit_code == 0, back.output);
  BOOST_TEST(count("queued") == queued - 1);
}

BOOST_AUTO_TEST_CASE(a_backup_whose_client_hangs_up_is_cancelled_and_leaves_no_file) {
  arm("backup.step");
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  const std::string path = (g->dir.path() / "state/admin.sock").string();
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  BOOST_TEST_REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const std::string req = R"({"command":"backup","arguments":{"name":"gone.db"},"progress":true})";
  BOOST_TEST_REQUIRE(::write(s, req.data(), req.size()) == static_cast<ssize_t>(req.size()));
  ::shutdown(s, SHUT_WR);
  BOOST_TEST_REQUIRE(g->daemon->wait_for("STATUS=paused:backup.step"));
  ::close(s);  // the client goes (Ctrl-C)
  release("backup.step");
  // The admin thread runs one command at a time: this answers after the
  // backup has stopped.
  auto st = g->sluisctl({"status-get"});
  BOOST_TEST(st.exit_code == 0, st.output);
  BOOST_TEST(!fs::exists(backups() / "gone.db"));
  for (const auto& n : listing()) BOOST_TEST(!n.starts_with(".partial"), n);
  BOOST_TEST(g->daemon->log().find("ADMIN_COMMAND_CANCELLED command=backup") != std::string::npos,
             g->daemon->log());
  // The data plane never noticed.
  BOOST_TEST(g->curl("provider", "/v1/whoami").status == 200);
}

BOOST_AUTO_TEST_CASE(a_wedged_writer_stops_the_watchdog_and_a_freed_one_resumes_it) {
  arm("writer.probe");
  BOOST_TEST_REQUIRE(g->daemon->wait_for("STATUS=paused:writer.probe"));
  // The writer's last answer grows stale within half the interval (200 ms):
  // a ping or two may still be on the way, then none for a whole interval
  // and more (1 s; the pings came every 100 ms before).
  int late = 0;
  while (g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(1))) BOOST_TEST_REQUIRE(++late <= 5);
  BOOST_TEST(g->daemon->log().find("DAEMON_WATCHDOG_WITHHELD stalled=writer") != std::string::npos,
             g->daemon->log());
  // The io thread itself is not stuck: partners are served.
  BOOST_TEST(g->curl("provider", "/v1/whoami").status == 200);
  release("writer.probe");
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
}

// As a systemd that stopped reading: the notify socket's queue is full, so
// the daemon's next sd_notify (a ping every 100 ms) blocks in sendmsg. It
// blocks on the notifier's thread; partners are served meanwhile. Read
// again, the pings arrive.
BOOST_AUTO_TEST_CASE(a_notify_socket_nobody_reads_stalls_no_partner) {
  g->daemon->hold_notifications();
  g->daemon->fill_notifications();
  BOOST_TEST_REQUIRE(g->daemon->blocks_in_sendmsg());
  partners_are_served(mailbox_ids.at(1));
  g->daemon->resume_notifications();
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
  BOOST_TEST(g->daemon->wait_for("WATCHDOG=1", std::chrono::seconds(10)));
}
