// Nothing answered 2xx is ever lost: many providers' declarations are in
// flight when sluisd is stopped — gracefully (SIGTERM) and brutally (SIGKILL).
// After a restart on the same state every message that was answered 202 is in
// the store; every other request got an error the sender can retry on.
#define BOOST_TEST_MODULE intake_kill
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

std::string partners(TestGateway& g) {
  return g.corpus_partners();
}

// Sends `n` distinct declarations concurrently (one curl each) and returns
// once all have ended; answers land in dir/out-<round>-<i>.json, codes in code-*.
void fire(const TestGateway& g, const std::string& round, int n) {
  std::ifstream in(source_dir() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml", std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::ostringstream script;
  for (int i = 0; i < n; ++i) {
    std::string ident = "K" + round + "-" + std::to_string(i);
    g.dir.write("msg-" + round + "-" + std::to_string(i) + ".xml",
                std::regex_replace(ss.str(), std::regex("Identificatie>DECL-2602-01<"), "Identificatie>" + ident + "<"));
    std::string base = (g.dir.path() / (round + "-" + std::to_string(i))).string();
    script << "curl -sS --max-time 30 --cacert '" << g.pki("ca.pem") << "' --cert '" << g.pki("provider.pem")
           << "' --key '" << g.pki("provider.key") << "' -H 'Content-Type: application/xml' --data-binary @'"
           << (g.dir.path() / ("msg-" + round + "-" + std::to_string(i) + ".xml")).string() << "' -o '" << base
           << ".json' -w '%{http_code}' '" << g.https_url << "/v1/messages' > '" << base << ".code' 2>/dev/null &\n";
  }
  script << "wait\n";
  auto file = g.dir.write("fire-" + round + ".sh", script.str());
  run_command({"/bin/sh", file.string()});
}

// Ids of the requests answered 202 in a round.
std::vector<std::string> accepted(const TestGateway& g, const std::string& round, int n, int& errors) {
  std::vector<std::string> ids;
  errors = 0;
  for (int i = 0; i < n; ++i) {
    std::string base = (g.dir.path() / (round + "-" + std::to_string(i))).string();
    std::ifstream c(base + ".code");
    std::string code;
    c >> code;
    if (code != "202") {
      ++errors;
      continue;
    }
    std::ifstream j(base + ".json");
    std::ostringstream body;
    body << j.rdbuf();
    ids.emplace_back(boost::json::parse(body.str()).at("id").as_string());
  }
  return ids;
}

void stop_during_load(TestGateway& g, int sig, const std::string& round) {
  constexpr int kRequests = 40;
  std::thread load([&] { fire(g, round, kRequests); });
  // Stop the daemon once the first answers came back (the rest are in flight).
  for (int waited = 0; waited < 3000; ++waited) {
    bool some = false;
    for (int i = 0; i < kRequests && !some; ++i) {
      std::ifstream c(g.dir.path() / (round + "-" + std::to_string(i) + ".code"));
      std::string code;
      some = static_cast<bool>(c >> code) && code == "202";
    }
    if (some) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling files, bounded above
  }
  g.daemon->signal(sig);
  auto code = g.daemon->wait_exit();
  load.join();
  BOOST_REQUIRE(code.has_value());
  if (sig == SIGTERM) BOOST_TEST(*code == 0);

  int errors = 0;
  auto ids = accepted(g, round, kRequests, errors);
  BOOST_TEST_MESSAGE(round << ": " << ids.size() << " answered 202, " << errors << " refused or cut off");
  BOOST_TEST(!ids.empty());

  // Restart on the same state: every 202 is there.
  g.daemon = std::make_unique<DaemonProcess>(g.dir.path(), std::vector<std::string>{"--config", "sluisd.toml"});
  bool ready = g.daemon->wait_for("READY=1");
  if (!ready) {
    auto exit = g.daemon->wait_exit(std::chrono::seconds(1));
    BOOST_REQUIRE_MESSAGE(ready, "restart failed (exit " << exit.value_or(-1) << "):\n" << g.daemon->log());
  }
  int missing = 0;
  for (const auto& id : ids) missing += g.sluisctl({"message-show", id}).exit_code == 0 ? 0 : 1;
  BOOST_TEST(missing == 0, missing << " of " << ids.size() << " accepted messages lost after " << round);
}

}  // namespace

BOOST_AUTO_TEST_CASE(accepted_messages_survive_sigterm_and_sigkill) {
  TestGateway g("intake-kill", partners);
  stop_during_load(g, SIGTERM, "term");
  stop_during_load(g, SIGKILL, "kill");
  g.daemon->signal(SIGTERM);
  BOOST_TEST(g.daemon->wait_exit().value_or(-1) == 0);
}
