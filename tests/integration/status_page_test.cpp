// The operator's status page (GET / on the loopback listener) of a daemon
// with a little traffic: well-formed (xmllint), every section, the
// retourcodes with their explanation, no message id and no Identificatie;
// then the page as headless Chromium renders it: its DOM checked, a
// screenshot kept under the build tree (status_page.png) as the test's artifact.
#define BOOST_TEST_MODULE status_page
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

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
