// The operator's status page (GET / on the loopback listener) of a daemon
// with a little traffic: well-formed (xmllint), every section, the
// retourcodes with their explanation, no message id and no Identificatie;
// then the page as headless Chromium renders it: its DOM checked, a
// screenshot kept under the build tree (status_page.png) as the test's artifact.
// And its cost: loaded over and over during intake, it reads the store at
// most once per 10 s, and intake answers every message meanwhile.
#define BOOST_TEST_MODULE status_page
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <future>
#include <sstream>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

std::string plain_get(const TestGateway& g, const std::string& path, const fs::path& out) {
  auto r = run_command({"/usr/bin/curl", "-sS", "--max-time", "30", "-o", out.string(), "-w", "%{http_code} %{content_type}",
                        g.plain_url + path});
  return r.output;
}

std::string slurp_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_status_page_shows_aggregates_and_renders_in_a_browser) {
  TestGateway g("status-page", [](TestGateway& t) { return t.corpus_partners("retour = \"gateway\"\n"); });
  // Traffic: an allocation, and a declaration naming allocations sluis does
  // not know (its prestaties get retourcodes).
  auto a = g.post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_TEST_REQUIRE(a.status == 202, a.body);
  auto d = g.post_xml("provider", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_TEST_REQUIRE((d.status == 202 || d.status == 422), d.body);
  const auto answer = boost::json::parse(d.body).as_object();
  std::string code;
  for (const auto& f : answer.at("findings").as_array())
    if (f.as_object().contains("retourcode")) code = std::string(f.at("retourcode").as_string());
  BOOST_TEST_REQUIRE(!code.empty(), d.body);

  const fs::path page = g.dir.path() / "status.html";
  const std::string got = plain_get(g, "/", page);
  BOOST_TEST(got == "200 text/html; charset=utf-8");
  const std::string html = slurp_file(page);
  // Polyglot HTML5: well-formed XML as well, so xmllint's XML parser checks
  // every tag closed, every attribute quoted and every entity known.
  auto lint = run_command({"/usr/bin/xmllint", "--noout", page.string()});
  BOOST_TEST(lint.exit_code == 0, lint.output);
  BOOST_TEST(lint.output.empty(), lint.output);
  for (const char* section : {"queues", "per-day", "retourcodes", "answers", "waiting", "lights", "watches",
                              "certificates"})
    BOOST_TEST(has(html, std::string("<section id=\"") + section + "\">"), section);
  BOOST_TEST(has(html, "<td>" + code + "</td>"), html);
  BOOST_TEST(has(html, "<td>zorg</td>"), html);
  BOOST_TEST(has(html, "<td>gem</td>"), html);
  BOOST_TEST(has(html, "<svg"), html);
  // The listener's certificate with its expiry (the test PKI's, 30 days or more).
  BOOST_TEST(has(html, "<td>sluis: https.tls.cert (server.pem)</td>"), html);
  BOOST_TEST(!has(html, "<script"));
  // Aggregates only: no message id, no Identificatie, no BSN.
  BOOST_TEST(!has(html, std::string(boost::json::parse(a.body).at("id").as_string())));
  BOOST_TEST(!has(html, std::string(answer.at("id").as_string())));
  BOOST_TEST(!has(html, "J301-2026032"));

  // Headless Chromium, bounded in time: the DOM it builds, and a screenshot.
  const fs::path profile = g.dir.path() / "chromium";
  const std::vector<std::string> chromium{"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless", "--no-sandbox",
                                          "--disable-gpu", "--disable-dev-shm-usage",
                                          "--user-data-dir=" + profile.string()};
  auto dom_argv = chromium;
  dom_argv.insert(dom_argv.end(), {"--dump-dom", g.plain_url + "/"});
  auto dom = run_command(dom_argv);
  BOOST_TEST_REQUIRE(dom.exit_code == 0, dom.output);
  BOOST_TEST(has(dom.output, "<h1>sluis status</h1>"), dom.output);
  BOOST_TEST(has(dom.output, "<section id=\"retourcodes\">"), dom.output);
  BOOST_TEST(has(dom.output, "<rect class=\"green\""), dom.output);
  const fs::path shot = bin_dir().parent_path() / "status_page.png";
  fs::remove(shot);
  auto shot_argv = chromium;
  shot_argv.insert(shot_argv.end(), {"--window-size=1280,2400", "--screenshot=" + shot.string(), g.plain_url + "/"});
  auto s = run_command(shot_argv);
  BOOST_TEST_REQUIRE(s.exit_code == 0, s.output);
  const std::string png = slurp_file(shot);
  BOOST_TEST_REQUIRE(png.size() > 1000u);
  BOOST_TEST(png.substr(1, 3) == "PNG");
  BOOST_TEST((g.stop() == 0));
}

BOOST_AUTO_TEST_CASE(loading_the_page_over_and_over_during_intake_reads_the_store_once_per_interval) {
  TestGateway g("status-page-load", [](TestGateway& t) { return t.corpus_partners(); });
  const long reads_before = g.metric("sluis_status_page_reads_total");
  BOOST_TEST_REQUIRE(reads_before == 0);
  // 240 loads on 8 connections at once (curl --parallel), while the
  // municipality submits 24 allocations.
  constexpr int kLoads = 240;
  std::vector<std::string> argv{"/usr/bin/curl", "-sS", "--max-time", "120", "-Z", "--parallel-max", "8",
                                "-w", "%{http_code}\n"};
  for (int i = 0; i < kLoads; ++i) argv.insert(argv.end(), {"-o", "/dev/null", g.plain_url + "/"});
  const auto began = std::chrono::steady_clock::now();
  auto loads = std::async(std::launch::async, [argv] { return run_command(argv); });
  const std::string xml = corpus("ijw/301/valid-toewijzing.xml");
  int answered = 0, accepted = 0;
  for (int i = 0; i < 24; ++i) {
    std::string m = xml;
    const std::string id = "J301-2026032", mine = "J301-L" + std::to_string(1000 + i);
    m.replace(m.find(id), id.size(), mine);
    auto r = g.post_xml("gemeente", "/v1/messages", m);
    BOOST_TEST((r.status == 202 || r.status == 422), i << ": " << r.status << " " << r.body);
    if (r.status == 202 || r.status == 422) answered += boost::json::parse(r.body).as_object().contains("id");
    accepted += r.status == 202;
  }
  auto done = loads.get();
  const auto elapsed = std::chrono::steady_clock::now() - began;
  BOOST_TEST_REQUIRE(done.exit_code == 0, done.output);
  std::istringstream codes(done.output);
  int ok = 0, total = 0;
  // One status line per load; in parallel mode curl also draws its progress
  // meter on stderr, which run_command interleaves.
  for (std::string line; std::getline(codes, line);)
    if (line.size() == 3 && std::isdigit(static_cast<unsigned char>(line[0]))) {
      ++total;
      ok += line == "200";
    }
  BOOST_TEST(total == kLoads);
  BOOST_TEST(ok == kLoads);
  BOOST_TEST(answered == 24);
  // One computation at a time, then 10 s of the same page: at most one read
  // per started 10 s, plus the one running when the loads began.
  const long reads = g.metric("sluis_status_page_reads_total") - reads_before;
  const long bound = 1 + static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count() / 10) + 1;
  BOOST_TEST(reads >= 1);
  BOOST_TEST(reads <= bound, reads << " reads for " << kLoads << " loads; bound " << bound);
  // Every accepted allocation waits in zorg's mailbox.
  auto box = g.curl("provider", "/v1/mailbox?limit=100");
  BOOST_TEST_REQUIRE(box.status == 200, box.body);
  BOOST_TEST(accepted >= 1);
  BOOST_TEST(boost::json::parse(box.body).at("messages").as_array().size() == static_cast<std::size_t>(accepted));
  BOOST_TEST((g.stop() == 0));
}
