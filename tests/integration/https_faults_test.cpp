// Faults at the door, against the real sluisd:
//   - out of file descriptors: the accept loop pauses instead of spinning a
//     core, and accepts again once descriptors are free;
//   - the open-file limit at start: far too low -> exit 78 with a clear text;
//     below what max_connections needs -> DAEMON_FD_LIMIT_LOW, and it runs;
//   - CRLs: the next-update metric per file; NET_TLS_CRL_EXPIRING within a
//     day of it; past it, handshakes fail closed (NET_TLS_CRL_EXPIRED);
//     no CRL configured -> NET_TLS_NO_CRL at start.
#define BOOST_TEST_MODULE https_faults
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/test_gateway.hpp"
#include "tests/support/tls_client.hpp"

using namespace sluis::test;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr auto kDeadline = 10s;

TestGateway* g_gateway = nullptr;
struct GlobalGateway {
  GlobalGateway() {
    g_gateway = new TestGateway("https-faults", [](TestGateway& g) {
      return g.partner("zorg", "aanbieder", "\"75302186\"", "provider.pem") +
             g.partner("gem", "gemeente", "\"0917\"", "gemeente.pem");
    });
  }
  ~GlobalGateway() {
    BOOST_TEST((g_gateway->stop() == 0));
    delete g_gateway;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalGateway);

TestGateway& gw() { return *g_gateway; }

bool logged(const DaemonProcess& d, const std::string& text, std::chrono::milliseconds bound = kDeadline) {
  for (auto until = Clock::now() + bound; Clock::now() < until; std::this_thread::sleep_for(20ms))
    if (d.log().find(text) != std::string::npos) return true;
  return false;
}

// CPU time (user + system, all threads) the process has used so far.
std::chrono::milliseconds cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return std::chrono::milliseconds((utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK));
}

long open_descriptors(pid_t pid) {
  long n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

// A CRL of the test CA made now with openssl ca (its database is in the PKI;
// it lists revoked.pem and provider.pem as revoked: checks use gemeente.pem).
std::string make_crl(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"/usr/bin/openssl", "ca", "-config", gw().pki("ca-db/ca.cnf"), "-gencrl",
                                "-out", gw().pki(name)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_command(argv);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return gw().pki(name);
}

long unix_time_of_next_update(const std::string& crl) {
  auto r = run_command({"/bin/sh", "-c",
                        "date -u -d \"$(openssl crl -in '" + crl +
                            "' -noout -nextupdate | cut -d= -f2)\" +%s"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return std::atol(r.output.c_str());
}

void reload_with_crl(const std::string& crl) {
  gw().write_config(crl);
  gw().daemon->signal(SIGHUP);
  BOOST_REQUIRE(gw().daemon->wait_for("RELOADING=1"));
  BOOST_REQUIRE(gw().daemon->wait_for("READY=1"));
}

// A second sluisd on the gateway's config, changed by `edit`, in its own
// directory (own state and admin socket, any free ports), under `launcher`.
struct OtherDaemon {
  OtherDaemon(const std::string& tag, const std::function<std::string(std::string)>& edit,
              std::vector<std::string> launcher)
      : dir(tag) {
    std::ifstream in(gw().dir.path() / "sluisd.toml");
    std::string cfg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    cfg = std::regex_replace(cfg, std::regex("\nport = [0-9]+\n"), "\nport = 0\n");
    dir.write("sluisd.toml", edit(cfg));
    dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
    daemon = std::make_unique<DaemonProcess>(dir.path(), std::vector<std::string>{"--config", "sluisd.toml"},
                                             std::map<std::string, std::string>{}, std::move(launcher));
  }
  ScratchDir dir;
  std::unique_ptr<DaemonProcess> daemon;
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_crl_next_update_is_a_metric) {
  const std::string crl = gw().pki("crl.pem");
  long expected = unix_time_of_next_update(crl);
  BOOST_REQUIRE(expected > 0);
  BOOST_TEST(gw().metric("sluis_tls_crl_next_update_seconds{file=\"" + crl + "\"}") == expected);
  // A CRL is configured, so no warning that none is.
  BOOST_TEST(gw().daemon->log().find("NET_TLS_NO_CRL") == std::string::npos);
  BOOST_TEST(gw().daemon->log().find("NET_TLS_CRL_EXPIRING") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_crl_within_a_day_of_its_next_update_is_warned_about) {
  const std::string soon = make_crl("crl-soon.pem", {"-crlhours", "12"});
  reload_with_crl("crl-soon.pem");
  BOOST_TEST(logged(*gw().daemon, "NET_TLS_CRL_EXPIRING"), gw().daemon->log());
  BOOST_TEST(gw().metric("sluis_tls_crl_next_update_seconds{file=\"" + soon + "\"}") ==
             unix_time_of_next_update(soon));
  // Still valid: handshakes go on.
  BOOST_TEST(gw().curl("gemeente", "/v1/whoami").status == 200);
}

BOOST_AUTO_TEST_CASE(past_its_next_update_a_crl_fails_closed) {
  make_crl("crl-old.pem", {"-crl_lastupdate", "20200101000000Z", "-crl_nextupdate", "20200102000000Z"});
  reload_with_crl("crl-old.pem");
  BOOST_TEST(logged(*gw().daemon, "NET_TLS_CRL_EXPIRED"), gw().daemon->log());
  auto h = gw().curl("gemeente", "/v1/whoami");
  BOOST_TEST(h.status == 0, "a certificate was accepted with an expired CRL: HTTP " << h.status);
  BOOST_TEST(logged(*gw().daemon, "CRL has expired"), gw().daemon->log());
  // A fresh CRL and a reload: accepted again.
  reload_with_crl("crl.pem");
  BOOST_TEST(gw().curl("gemeente", "/v1/whoami").status == 200);
}

BOOST_AUTO_TEST_CASE(out_of_descriptors_the_accept_loop_pauses_and_recovers) {
  const pid_t pid = gw().daemon->pid();
  for (auto until = Clock::now() + kDeadline;
       gw().metric("sluis_http_connections{listener=\"https\"}") > 0 && Clock::now() < until;)
    std::this_thread::sleep_for(20ms);
  rlimit before{};
  BOOST_REQUIRE(::prlimit(pid, RLIMIT_NOFILE, nullptr, &before) == 0);
  // Two descriptors left: the third waiting client cannot be accepted.
  rlimit low = before;
  low.rlim_cur = static_cast<rlim_t>(open_descriptors(pid) + 2);
  BOOST_REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &low, nullptr) == 0);
  std::vector<std::unique_ptr<TlsClient>> waiting;
  for (int i = 0; i < 8; ++i) waiting.push_back(std::make_unique<TlsClient>(gw(), "provider", kDeadline));
  bool paused = logged(*gw().daemon, "NET_ACCEPT_PAUSED");
  // Accepting would fail at once, again and again: it must not spin a core.
  auto cpu0 = cpu_time(pid);
  auto t0 = Clock::now();
  std::this_thread::sleep_for(2s);
  auto used = cpu_time(pid) - cpu0;
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  BOOST_REQUIRE(::prlimit(pid, RLIMIT_NOFILE, &before, nullptr) == 0);
  BOOST_TEST(paused, gw().daemon->log());
  BOOST_TEST_MESSAGE("CPU while out of descriptors: " << used.count() << " ms in " << wall.count() << " ms");
  // A spinning accept loop takes the whole core; a quarter leaves room for
  // the daemon's own timers under the sanitizers on a loaded machine.
  BOOST_TEST(used.count() < wall.count() / 4, "sluisd used " << used.count() << " ms of CPU in " << wall.count()
                                                               << " ms while out of descriptors");
  // Descriptors back: the waiting clients are accepted and served.
  for (auto& c : waiting) c->handshake();
  waiting.front()->write(kWhoami);
  BOOST_TEST(waiting.front()->response().result_int() == 200);
  BOOST_TEST(logged(*gw().daemon, "NET_ACCEPT_RESUMED"), gw().daemon->log());
  BOOST_TEST(gw().metric("sluis_http_accept_paused_total{listener=\"https\"}") >= 1);
}

BOOST_AUTO_TEST_CASE(an_open_file_limit_far_too_low_stops_the_start_with_exit_78) {
  OtherDaemon d("https-faults-nofile", [](std::string c) { return c; }, {"/usr/bin/prlimit", "--nofile=100:100", "--"});
  auto code = d.daemon->wait_exit();
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 78, d.daemon->log());
  BOOST_TEST(d.daemon->log().find("the open-file limit (RLIMIT_NOFILE, LimitNOFILE= in the unit) is 100") !=
                 std::string::npos,
             d.daemon->log());
}

BOOST_AUTO_TEST_CASE(an_open_file_limit_below_max_connections_and_no_crl_are_warned_about_at_start) {
  // max_connections is 1024 (the default): 400 descriptors are too few for
  // it, enough to run. And no CRL in this configuration.
  OtherDaemon d(
      "https-faults-low",
      [](std::string c) { return std::regex_replace(c, std::regex("\ncrl = \\[[^\n]*\n"), "\n"); },
      {"/usr/bin/prlimit", "--nofile=400:400", "--"});
  BOOST_REQUIRE_MESSAGE(d.daemon->wait_for("READY=1"), d.daemon->log());
  auto log = d.daemon->log();
  BOOST_TEST(log.find("DAEMON_FD_LIMIT_LOW") != std::string::npos, log);
  BOOST_TEST(log.find("limit=400") != std::string::npos, log);
  BOOST_TEST(log.find("NET_TLS_NO_CRL") != std::string::npos, log);
  d.daemon->signal(SIGTERM);
  auto code = d.daemon->wait_exit();
  BOOST_TEST((code && *code == 0));
}
