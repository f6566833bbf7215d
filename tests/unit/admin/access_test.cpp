// Who may run which admin command. The permission is one field of each
// registry entry (Access), checked once in dispatch: a peer that is not an
// admin peer is refused every command that reads message data or files or
// changes state, with the machine-readable reason "not_permitted", and the
// handler never runs. Through the real socket, other credentials are
// presented the only honest way: the client runs under another uid and gids
// (setpriv), and the server reads them with SO_PEERCRED / SO_PEERGROUPS.
#define BOOST_TEST_MODULE admin_access
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "gateway/admin/daemon_commands.hpp"
#include "gateway/admin/server.hpp"
#include "gateway/core/digest.hpp"

using namespace sluis;
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

class FakeDaemon : public admin::DaemonControl {
 public:
  explicit FakeDaemon(config::Config c) : cfg(std::move(c)) {}
  boost::json::object status() const override { return {{"version", "test"}}; }
  std::shared_ptr<const config::Config> current_config() const override {
    return std::make_shared<const config::Config>(cfg);
  }
  admin::ConfigCheck check_config(const fs::path&) const override {
    ++checks;
    return {};
  }
  admin::ReloadOutcome reload_config() override {
    ++reloads;
    return {true, {}, {}};
  }
  void request_shutdown() override { shutdown_requested = true; }
  config::Config cfg;
  mutable int checks = 0;
  int reloads = 0;
  bool shutdown_requested = false;
};

// A registry as sluisd builds it for the daemon commands, plus one command of
// each access kind that counts its runs.
struct Table {
  explicit Table(const fs::path& dir) : daemon(cfg_for(dir)) {
    admin::add_daemon_commands(registry, daemon);
    for (auto access : {admin::Access::open, admin::Access::admin, admin::Access::change})
      registry.add("probe-" + std::string(admin::to_string(access)), "counts its runs", access,
                   [this, access](const admin::Request&) {
                     ++runs[std::string(admin::to_string(access))];
                     return admin::ok("ran");
                   });
  }
  static config::Config cfg_for(const fs::path& dir) {
    config::Config c = config::parse_config("", "t.toml");
    c.source = dir / "sluisd.toml";
    c.admin.socket = dir / "admin.sock";
    c.admin.group = "";
    return c;
  }
  admin::Answer run(const std::string& cmd, bool admin_peer, uid_t uid = 1500) {
    admin::Request r;
    r.command = cmd;
    r.peer_uid = uid;
    r.peer_admin = admin_peer;
    return registry.dispatch(r);
  }
  FakeDaemon daemon;
  admin::Registry registry;
  std::map<std::string, int> runs;
};

struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("sluis-access-" + core::random_hex(6))) {
    fs::create_directories(path);
    // Other users must reach the socket inside (the tests' client runs as nobody).
    fs::permissions(path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

// Runs `request` against `socket` from a process with the given credentials
// (setpriv), returns the raw answer. The client is Python's socket module, so
// nothing of this process runs after the fork but exec.
std::string call_as(const fs::path& socket, const std::string& request, uid_t uid, gid_t gid,
                    const std::vector<gid_t>& groups) {
  std::string groups_arg = "--clear-groups";
  if (!groups.empty()) {
    groups_arg = "--groups=";
    for (std::size_t i = 0; i < groups.size(); ++i) groups_arg += (i ? "," : "") + std::to_string(groups[i]);
  }
  const std::string reuid = "--reuid=" + std::to_string(uid), regid = "--regid=" + std::to_string(gid);
  const char* script =
      "import socket, sys\n"
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
      "s.connect(sys.argv[1])\n"
      "s.sendall(sys.argv[2].encode())\n"
      "s.shutdown(socket.SHUT_WR)\n"
      "out = b''\n"
      "while True:\n"
      "    b = s.recv(65536)\n"
      "    if not b: break\n"
      "    out += b\n"
      "sys.stdout.write(out.decode())\n";
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execl("/usr/bin/setpriv", "setpriv", reuid.c_str(), regid.c_str(), groups_arg.c_str(), "/usr/bin/python3", "-c",
            script, socket.c_str(), request.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_TEST_REQUIRE(WIFEXITED(status), "client did not exit");
  BOOST_TEST_REQUIRE(WEXITSTATUS(status) == 0, "client failed: " << out);
  return out;
}

admin::Answer parse(const std::string& raw) { return admin::answer_from_json(boost::json::parse(raw)); }

// An existing group other than root's and nogroup, to play admin.group.
std::optional<std::pair<std::string, gid_t>> some_group() {
  for (const char* name : {"adm", "daemon", "sys", "bin", "users"})
    if (const group* g = ::getgrnam(name); g && g->gr_gid != 0 && g->gr_gid != kNogroup)
      return std::make_pair(std::string(name), g->gr_gid);
  return std::nullopt;
}

// A server on its own io_context thread, as sluisd runs it, with admin.group
// `group`; the socket is opened to everyone (0666) so that a peer outside
// that group can connect at all.
struct Served {
  explicit Served(const std::string& group) : table(dir.path) {
    table.daemon.cfg.admin.group = group;
    server.open(table.daemon.cfg.admin);
    ::chmod(table.daemon.cfg.admin.socket.c_str(), 0666);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Served() {
    std::promise<void> closed;
    asio::post(ioc, [&] { server.close([&] { closed.set_value(); }); });
    closed.get_future().wait();
    thread.join();
  }
  admin::Answer as(const std::string& cmd, uid_t uid, gid_t gid, const std::vector<gid_t>& groups = {}) {
    return parse(call_as(table.daemon.cfg.admin.socket, "{\"command\":\"" + cmd + "\"}", uid, gid, groups));
  }
  TempDir dir;
  Table table;
  asio::io_context ioc;
  admin::Server server{ioc, table.registry};
  std::thread thread;
};

bool can_change_credentials() {
  if (::geteuid() == 0) return true;
  BOOST_TEST_MESSAGE("not root: the tests through the socket need to run a client under another uid; skipped");
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_peer_that_is_not_admin_is_refused_every_command_but_the_open_ones) {
  TempDir dir;
  Table t(dir.path);
  const std::set<std::string> open = {"list-commands", "status-get", "probe-open"};
  for (const auto& [name, info] : t.registry.commands()) {
    auto a = t.run(name, false);
    if (open.count(name)) {
      BOOST_TEST(a.result == admin::kOk, name);
      continue;
    }
    BOOST_TEST(a.result == admin::kError, name);
    BOOST_TEST(a.arguments.at("reason").as_string() == "not_permitted", name);
    BOOST_TEST(a.arguments.at("command").as_string() == name);
    BOOST_TEST(a.text.find("not permitted") != std::string::npos, a.text);
    BOOST_TEST(a.text.find("niet toegestaan") != std::string::npos, a.text);
    BOOST_TEST(a.text.find("uid 1500") != std::string::npos, a.text);
  }
  // Nothing ran.
  BOOST_TEST(t.daemon.checks == 0);
  BOOST_TEST(t.daemon.reloads == 0);
  BOOST_TEST(!t.daemon.shutdown_requested);
  BOOST_TEST(t.runs["admin"] == 0);
  BOOST_TEST(t.runs["change"] == 0);
  BOOST_TEST(t.runs["open"] == 1);
  // An admin peer runs them; one whose uid is unknown never does (its
  // actions could not be audited).
  BOOST_TEST(t.run("probe-admin", true).result == admin::kOk);
  BOOST_TEST(t.run("probe-change", true).result == admin::kOk);
  BOOST_TEST(t.run("probe-change", true, static_cast<uid_t>(-1)).arguments.at("reason").as_string() ==
             "not_permitted");
  BOOST_TEST(t.runs["change"] == 1);
}

BOOST_AUTO_TEST_CASE(list_commands_says_who_may_run_each) {
  TempDir dir;
  Table t(dir.path);
  auto a = t.run("list-commands", false);
  const auto& access = a.arguments.at("access").as_object();
  BOOST_TEST(access.at("status-get").as_string() == "open");
  BOOST_TEST(access.at("list-commands").as_string() == "open");
  BOOST_TEST(access.at("config-get").as_string() == "admin");
  BOOST_TEST(access.at("config-test").as_string() == "admin");
  BOOST_TEST(access.at("config-reload").as_string() == "change");
  BOOST_TEST(access.at("shutdown").as_string() == "change");
  BOOST_TEST(access.size() == a.arguments.at("commands").as_object().size());
}

BOOST_AUTO_TEST_CASE(through_the_socket_a_stranger_is_refused_and_may_use_the_open_commands) {
  if (!can_change_credentials()) return;
  Served s("");
  auto refused = s.as("config-get", kNobody, kNogroup);
  BOOST_TEST(refused.result == admin::kError);
  BOOST_TEST(refused.arguments.at("reason").as_string() == "not_permitted");
  BOOST_TEST(refused.text.find("uid 65534") != std::string::npos, refused.text);
  BOOST_TEST(!refused.arguments.contains("config"));
  BOOST_TEST(s.as("shutdown", kNobody, kNogroup).arguments.at("reason").as_string() == "not_permitted");
  BOOST_TEST(!s.table.daemon.shutdown_requested);
  BOOST_TEST(s.as("status-get", kNobody, kNogroup).result == admin::kOk);
  BOOST_TEST(s.as("list-commands", kNobody, kNogroup).result == admin::kOk);
  // Root is an admin peer.
  BOOST_TEST(s.as("config-get", 0, 0).result == admin::kOk);
}

BOOST_AUTO_TEST_CASE(through_the_socket_admin_group_membership_counts_primary_and_supplementary) {
  if (!can_change_credentials()) return;
  auto g = some_group();
  if (!g) {
    BOOST_TEST_MESSAGE("no spare system group to play admin.group; skipped");
    return;
  }
  Served s(g->first);
  // Primary group from SO_PEERCRED.
  BOOST_TEST(s.as("config-get", kNobody, g->second).result == admin::kOk);
  // A supplementary group of the connecting process (SO_PEERGROUPS).
  BOOST_TEST(s.as("config-get", kNobody, kNogroup, {g->second}).result == admin::kOk);
  BOOST_TEST(s.as("shutdown", kNobody, kNogroup, {g->second}).result == admin::kOk);
  BOOST_TEST(s.table.daemon.shutdown_requested);
  // Another group does not.
  BOOST_TEST(s.as("config-get", kNobody, kNogroup, {kNogroup}).arguments.at("reason").as_string() ==
             "not_permitted");
}
