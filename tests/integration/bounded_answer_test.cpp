// Bounded work per request, against the real sluisd: a body of 25 MiB of
// undeclared elements, sent to /v1/validate and to /v1/messages, gets an
// answer of at most 64 KiB and raises sluisd's peak RSS (VmHWM) by at most
// 50 MiB, while another client is answered meanwhile. And the bound is on the
// listing only: a 323 whose 400 prestaties are all rejected gets a 325 naming
// every one of them (IV087), while its JSON answer lists 100 with the total.
// And a hostile schema pack, checked with sluisd --check-config, reads no file.
#define BOOST_TEST_MODULE bounded_answer
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/test_gateway.hpp"

using namespace sluis;
using test::Http;
using test::TestGateway;

namespace {

// One line of /proc/PID/status, in KiB.
long status_kib(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(key)) return std::atol(line.c_str() + key.size());
  return -1;
}

// The test gateway's daemon again, on the same state and ports, with the
// production body limit (the test configuration's is 64 KiB).
void restart_with_max_body(TestGateway& g, const std::string& max_body) {
  g.daemon->signal(SIGTERM);
  BOOST_REQUIRE(g.daemon->wait_exit().has_value());
  const auto path = g.dir.path() / "sluisd.toml";
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  const std::string toml = std::regex_replace(s.str(), std::regex("max_body = \"[^\"]*\""),
                                              "max_body = \"" + max_body + "\"");
  BOOST_REQUIRE(toml != s.str());
  g.dir.write("sluisd.toml", toml);
  g.daemon = std::make_unique<test::DaemonProcess>(g.dir.path(), std::vector<std::string>{"--config", "sluisd.toml"});
  BOOST_REQUIRE_MESSAGE(g.daemon->wait_for("READY=1"), g.daemon->log());
}

boost::json::object json_of(const Http& h) {
  auto v = boost::json::parse(h.body);
  BOOST_REQUIRE(v.is_object());
  return v.as_object();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(twenty_five_mib_of_undeclared_elements_get_a_small_answer_and_little_memory) {
  TestGateway g("bounded", [](TestGateway& t) { return t.corpus_partners(); });
  // Under AddressSanitizer (scripts/test) every freed block stays resident in
  // its quarantine, up to 256 MiB: each 25 MiB buffer a request ever had
  // would count as held. The daemon measured runs without the quarantine, so
  // that its peak RSS is what the program holds (ASan's shadow included); a
  // build without ASan ignores the variable.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string saved = asan ? asan : "";
  ::setenv("ASAN_OPTIONS", ((saved.empty() ? "" : saved + ":") + "quarantine_size_mb=0").c_str(), 1);
  restart_with_max_body(g, "25MiB");
  ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
  const std::string good = test::corpus("ijw/305/valid-start.xml");
  BOOST_REQUIRE(!good.empty());

  // 25 MiB (less a little: the limit counts the whole body) of undeclared
  // elements in a start message, sent by its own sender.
  const std::size_t target = (25u << 20) - 4096;
  const auto at = good.find("</jw305:Client>");
  BOOST_REQUIRE(at != std::string::npos);
  const std::string unit = "<jw305:Onbekend/>";
  std::string big = good.substr(0, at);
  big.reserve(target);
  while (big.size() + unit.size() + (good.size() - at) < target) big += unit;
  big += good.substr(at);
  const auto file = g.dir.write("big.xml", big);
  big.clear();
  big.shrink_to_fit();

  // Warm: both paths once, so that the peak afterwards is what a big body adds.
  BOOST_REQUIRE_EQUAL(g.post_xml("provider", "/v1/validate", good).status, 200);
  BOOST_REQUIRE_EQUAL(g.post_xml("provider", "/v1/messages", good).status, 202);
  const pid_t pid = g.daemon->pid();
  const long before = status_kib(pid, "VmHWM:");
  BOOST_REQUIRE(before > 0);

  for (const std::string path : {"/v1/validate", "/v1/messages"}) {
    BOOST_TEST_CONTEXT(path) {
      // The big body goes at 10 MB/s, so that it is in flight while another
      // client asks something; that one must be answered before it ends.
      std::atomic<bool> big_done{false};
      Http answer;
      std::thread sender([&] {
        answer = g.curl("provider", path,
                        {"-X", "POST", "-H", "Content-Type: application/xml", "--limit-rate", "10M", "--data-binary",
                         "@" + file.string()});
        big_done = true;
      });
      int answered_meanwhile = 0;
      while (!big_done) {
        Http other = g.post_xml("gemeente", "/v1/validate", test::corpus("ijw/301/valid-toewijzing.xml"));
        if (other.status == 200 && !big_done) ++answered_meanwhile;
      }
      sender.join();
      BOOST_TEST(answered_meanwhile > 0);

      BOOST_TEST(answer.curl_exit == 0);
      BOOST_TEST(answer.status == 422, answer.body.substr(0, 300));
      BOOST_TEST(answer.body.size() <= 64u * 1024, answer.body.size());
      auto j = json_of(answer);
      const auto& findings = j.at("findings").as_array();
      BOOST_TEST(findings.size() <= 101u);
      // The validator stopped at 100 findings and one saying so; what is
      // listed of them ends with how many there are.
      const auto& last = findings.back().as_object();
      BOOST_REQUIRE(last.contains("findings_total"));
      BOOST_TEST(last.at("findings_total").to_number<std::int64_t>() == 101);
      BOOST_TEST(std::string(last.at("en").as_string()).find("There are 101 findings") != std::string::npos,
                 last.at("en").as_string());
      // The validator's own last word (reading stopped, there may be more)
      // is listed, though the listing was cut before it.
      BOOST_REQUIRE(findings.size() >= 2u);
      BOOST_TEST(std::string(findings.at(findings.size() - 2).at("en").as_string()).find("reading stopped") !=
                     std::string::npos,
                 findings.at(findings.size() - 2).at("en").as_string());
      // The peak so far, against the one before either big body.
      const long after = status_kib(pid, "VmHWM:");
      BOOST_TEST(after - before <= 50L * 1024,
                 "sluisd's peak RSS grew by " << (after - before) << " KiB (" << before << " KiB before)");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_declaration_with_400_rejected_prestaties_gets_a_325_naming_all_400) {
  TestGateway g("bounded-325",
                [](TestGateway& t) { return t.corpus_partners("retour = \"gateway\"\norphans = \"refuse\"\n"); });
  restart_with_max_body(g, "4MiB");
  // The April declaration's first prestatie 400 times, on allocations sluis
  // does not know (9338 for each, IV087: only rejected prestaties return).
  const std::string april = test::slurp(test::source() / "tests/conformance/rules/ledger/323-april.xml");
  const std::regex prestatie("<jw323:Prestatie>[\\s\\S]*?</jw323:Prestatie>");
  std::smatch m;
  BOOST_REQUIRE(std::regex_search(april, m, prestatie));
  const std::string one = m.str();
  const auto first = april.find("<jw323:Prestatie>");
  const auto end = april.rfind("</jw323:Prestatie>") + std::string("</jw323:Prestatie>").size();
  std::string all;
  for (int i = 0; i < 400; ++i) {
    std::string p = std::regex_replace(one, std::regex("J2604-0001"), "J2604-" + std::to_string(1000 + i));
    p = std::regex_replace(p, std::regex("261170032"), std::to_string(700000000 + i));
    all += p;
  }
  std::string doc = april.substr(0, first) + all + april.substr(end);
  doc = std::regex_replace(doc, std::regex("<ijw:TotaalBedrag>101070<"), "<ijw:TotaalBedrag>" + std::to_string(400 * 69120) + "<");
  BOOST_REQUIRE_EQUAL(count(doc, "<jw323:Prestatie>"), 400u);

  Http h = g.post_xml("provider", "/v1/messages", doc);
  BOOST_TEST(h.status == 202, h.body.substr(0, 500));
  auto j = json_of(h);
  // The answer lists at most 100, and says there were 400.
  const auto& findings = j.at("findings").as_array();
  BOOST_TEST(findings.size() <= 101u);
  std::size_t listed_9338 = 0;
  for (const auto& f : findings)
    if (f.as_object().contains("retourcode") && f.at("retourcode").as_string() == "9338") ++listed_9338;
  BOOST_TEST(listed_9338 <= 100u);
  BOOST_REQUIRE(findings.back().as_object().contains("findings_total"));
  BOOST_TEST(findings.back().at("findings_total").to_number<std::int64_t>() == 400);
  BOOST_REQUIRE(j.contains("findings_total"));  // as in every answer that lists findings
  BOOST_TEST(j.at("findings_total").to_number<std::int64_t>() == 400);
  BOOST_TEST(h.body.size() <= 64u * 1024, h.body.size());
  // The 325 names every one.
  BOOST_REQUIRE(j.contains("retour"));
  Http r = g.curl("provider", "/v1/mailbox/" + std::string(j.at("retour").as_string()));
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(count(r.body, "Prestatie>") / 2 == 400u);
  BOOST_TEST(count(r.body, "RetourCode>9338<") == 400u);
}

// A schema pack is input too: `sluisd --check-config` (and `sluisctl
// config-test PATH`, the same code) on a configuration naming a hostile pack
// refuses it without reading a file outside the pack into its error text.
BOOST_AUTO_TEST_CASE(check_config_on_a_hostile_pack_reads_no_other_file) {
  TestGateway g("hostile-pack", [](TestGateway& t) { return t.corpus_partners(); });
  const auto root = g.dir.path() / "packs";
  std::filesystem::create_directories(root / "ijw");
  std::filesystem::copy(test::source_dir() / "schemas/ijw/3.2", root / "ijw/3.2",
                        std::filesystem::copy_options::recursive);
  const std::string marker = "SECRET-" + std::to_string(::getpid()) + "-CONTENTS";
  const auto secret = g.dir.write("secret.txt", marker);
  // The classic error-based read: an external DTD whose entity names the file's text.
  const auto dtd = g.dir.write("evil.dtd", "<!ENTITY % file SYSTEM \"file://" + secret.string() +
                                               "\">\n<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM "
                                               "'file:///nonexistent/%file;'>\">\n%eval;\n%error;\n");
  std::string xsd;
  {
    std::ifstream in(root / "ijw/3.2/jw301.xsd");
    std::ostringstream s;
    s << in.rdbuf();
    xsd = s.str();
  }
  xsd.insert(xsd.find('\n') + 1, "<!DOCTYPE xs:schema SYSTEM \"file://" + dtd.string() + "\">\n");
  std::ofstream(root / "ijw/3.2/jw301.xsd", std::ios::trunc) << xsd;
  // The MANIFEST made to match, as an attacker who can write the pack would.
  auto sum = test::run_command({"/usr/bin/sha256sum", (root / "ijw/3.2/jw301.xsd").string()});
  BOOST_REQUIRE_EQUAL(sum.exit_code, 0);
  std::string manifest;
  {
    std::ifstream in(root / "ijw/3.2/MANIFEST");
    std::ostringstream s;
    s << in.rdbuf();
    manifest = std::regex_replace(s.str(), std::regex("[0-9a-f]{64}  jw301.xsd"), sum.output.substr(0, 64) + "  jw301.xsd");
  }
  std::ofstream(root / "ijw/3.2/MANIFEST", std::ios::trunc) << manifest;

  std::string toml;
  {
    std::ifstream in(g.dir.path() / "sluisd.toml");
    std::ostringstream s;
    s << in.rdbuf();
    toml = std::regex_replace(s.str(), std::regex("\\[schemas\\]\ndir = \"[^\"]*\""),
                              "[schemas]\ndir = \"" + root.string() + "\"\npacks = [\"ijw/3.2\"]");
  }
  BOOST_REQUIRE(toml.find(root.string()) != std::string::npos);
  const auto file = g.dir.write("hostile.toml", toml);
  // From the gateway's directory, where the configuration's relative paths lead.
  auto r = test::run_command({"/bin/sh", "-c",
                              "cd '" + g.dir.path().string() + "' && exec '" + (test::bin_dir() / "sluisd").string() +
                                  "' --check-config -c '" + file.string() + "'"});
  BOOST_TEST(r.exit_code == 78, r.output);
  BOOST_TEST(r.output.find(marker) == std::string::npos, r.output);
  BOOST_TEST(r.output.find("DOCTYPE") != std::string::npos, r.output);
}
