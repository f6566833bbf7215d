// The disk under the store fills up while partners submit: sluisd answers
// 503 with Retry-After (never 202 for a message it could not commit), keeps
// serving, and everything it answered 202 is there, whole. The store lives on
// a tiny tmpfs mounted in a private mount namespace (unshare), so the test
// needs the right to create one; where it has none it says so and checks
// nothing (the store's own fault tests inject ENOSPC without a mount).
#define BOOST_TEST_MODULE store_full
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/files.hpp"
#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

std::string partners(TestGateway& g) {
  return g.corpus_partners();
}

// The launcher: a private mount namespace with a 2 MiB tmpfs on dbfs/ (the
// store's directory), then sluisd. Empty when this machine does not allow it.
std::vector<std::string> tiny_fs_launcher() {
  const std::string mount = "mount -t tmpfs -o size=2m tmpfs dbfs && exec \"$0\" \"$@\"";
  for (const char* flags : {"-m", "-rm"}) {
    auto probe = run_command({"/usr/bin/unshare", flags, "--", "/bin/sh", "-c",
                              "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && umount \"$d\" && rmdir \"$d\""});
    if (probe.exit_code == 0) return {"/usr/bin/unshare", flags, "--", "/bin/sh", "-c", mount};
  }
  return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_full_disk_gives_503_and_loses_nothing_answered_202) {
  auto launcher = tiny_fs_launcher();
  if (launcher.empty()) {
    BOOST_TEST_MESSAGE("skipped: no private mount namespace here (unshare -m / -rm refused)");
    return;
  }
  // The mount point dbfs/ is made by the launcher's shell, in the scratch
  // directory TestGateway creates and starts sluisd in.
  launcher.back() = "mkdir -p dbfs && " + launcher.back();
  auto g = std::make_unique<TestGateway>("store-full", partners, "[store]\npath = \"dbfs/sluis.db\"\n", launcher);
  const std::string base = slurp(source_dir() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml");
  std::vector<std::string> accepted;
  int full = 0, other = 0;
  std::string retry_after;
  for (int i = 1; i <= 400 && full < 5; ++i) {
    std::string xml =
        std::regex_replace(base, std::regex("Identificatie>DECL-2602-01<"), "Identificatie>FULL-" + std::to_string(i) + "<");
    auto h = g->post_xml("provider", "/v1/messages", xml);
    if (h.status == 202) {
      BOOST_REQUIRE_MESSAGE(full == 0, "accepted after the disk was full: " << h.body);
      accepted.emplace_back(boost::json::parse(h.body).at("id").as_string());
    } else if (h.status == 503) {
      ++full;
      auto at = h.headers.find("Retry-After:");
      if (at == std::string::npos) at = h.headers.find("retry-after:");
      BOOST_TEST(at != std::string::npos, h.headers);
      BOOST_TEST(h.body.find("store_unavailable") != std::string::npos, h.body);
    } else {
      ++other;
      BOOST_TEST_MESSAGE("unexpected " << h.status << ": " << h.body);
    }
  }
  BOOST_TEST(other == 0);
  BOOST_TEST(full == 5, "the disk never filled: " << accepted.size() << " accepted");
  BOOST_TEST(accepted.size() > 3u);
  BOOST_TEST_MESSAGE(accepted.size() << " messages accepted before the 2 MiB file system was full");
  // Still serving; every 202 is there and whole; nothing else was stored.
  auto health = run_command({"/usr/bin/curl", "-s", g->plain_url + "/healthz"});
  BOOST_TEST(health.output.find("\"ok\"") != std::string::npos, health.output);
  int missing = 0;
  for (const auto& id : accepted) missing += g->sluisctl({"message-show", id}).exit_code == 0 ? 0 : 1;
  BOOST_TEST(missing == 0);
  auto q = g->sluisctl({"--json", "queue-summary"});
  BOOST_REQUIRE_MESSAGE(q.exit_code == 0, q.output);
  auto total = boost::json::parse(q.output).at("arguments").at("total").as_int64();
  BOOST_TEST(total == static_cast<std::int64_t>(accepted.size()));
  auto mb = g->curl("gemeente", "/v1/mailbox?limit=1000");
  BOOST_TEST(mb.status == 200);
  for (const auto& id : accepted) BOOST_TEST(mb.body.find(id) != std::string::npos);
  BOOST_TEST(g->daemon->log().find("INTAKE_COMMIT_FAILED") != std::string::npos);
  g->daemon->signal(SIGTERM);
  auto code = g->daemon->wait_exit();
  BOOST_TEST((code && *code == 0));
}
