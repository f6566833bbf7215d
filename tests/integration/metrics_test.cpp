// The metrics against the real sluisd (docs/metrics.md): every series whose
// label values the configuration names is there from start, at zero, before
// any traffic; the histograms, partner gauges and queue gauges move with a
// submission; and a partner with role monitoring (a central Prometheus) may
// GET /metrics over mutual TLS and nothing else, while no other partner may.
//
// Partners: zorg (aanbieder 75302186, provider.pem) and gem (gemeente 0917,
// gemeente.pem) of the corpus, and prom (role monitoring, stranger.pem).
#define BOOST_TEST_MODULE metrics
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

TestGateway* g = nullptr;
struct Global {
  Global() {
    g = new TestGateway("metrics", [](TestGateway& t) {
      return t.corpus_partners() + t.partner("prom", "monitoring", "", "stranger.pem");
    });
  }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

// Every sample of a text-format page: "name{labels}" -> value.
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

std::map<std::string, double> scrape() {
  auto r = run_command({"/usr/bin/curl", "-sS", "--max-time", "30", g->plain_url + "/metrics"});
  BOOST_REQUIRE(r.exit_code == 0);
  return samples(r.output);
}

double value(const std::map<std::string, double>& s, const std::string& series) {
  auto it = s.find(series);
  BOOST_REQUIRE_MESSAGE(it != s.end(), series + " is not exposed");
  return it->second;
}

// The first sample whose series starts with `prefix` (labels that hold a path).
std::optional<double> first_with(const std::map<std::string, double>& s, const std::string& prefix) {
  for (const auto& [k, v] : s)
    if (k.starts_with(prefix)) return v;
  return std::nullopt;
}

// Polls the plain /metrics until `ok` holds for it, at most `limit`.
bool eventually(const std::function<bool(const std::map<std::string, double>&)>& ok,
                std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (ok(scrape())) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

double unix_now() {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

// First: nothing has been sent yet.
BOOST_AUTO_TEST_CASE(every_series_is_there_from_start_at_zero) {
  auto s = scrape();
  // Histograms: every outcome, kind and result, at zero.
  for (const char* o : {"accepted", "rejected", "refused", "replay", "unavailable"}) {
    const std::string l = std::string("{outcome=\"") + o + "\"}";
    BOOST_TEST(value(s, "sluis_intake_duration_seconds_count" + l) == 0);
    BOOST_TEST(value(s, "sluis_intake_duration_seconds_sum" + l) == 0);
    BOOST_TEST(value(s, std::string("sluis_intake_duration_seconds_bucket{outcome=\"") + o + "\",le=\"+Inf\"}") == 0);
  }
  for (const char* kind : {"push", "drop"})
    for (const char* result : {"delivered", "deferred", "dead"})
      BOOST_TEST(value(s, std::string("sluis_delivery_attempt_duration_seconds_count{kind=\"") + kind +
                              "\",result=\"" + result + "\"}") == 0);
  BOOST_TEST(value(s, "sluis_store_commit_duration_seconds_bucket{le=\"0.001\"}") >= 0);
  // Counters by law, type and outcome; the queue by destination and state.
  BOOST_TEST(value(s, "sluis_intake_messages_by_type_total{law=\"ijw\",type=\"301\",outcome=\"accepted\"}") == 0);
  BOOST_TEST(value(s, "sluis_intake_messages_total{outcome=\"rejected\"}") == 0);
  BOOST_TEST(value(s, "sluis_late_messages_total{law=\"iwmo\",type=\"305\"}") == 0);
  for (const char* d : {"mailbox:zorg", "mailbox:gem"})
    for (const char* st : {"received", "queued", "delivering", "delivered", "deferred", "held", "dead"})
      BOOST_TEST(value(s, std::string("sluis_queue_messages{destination=\"") + d + "\",state=\"" + st + "\"}") == 0);
  BOOST_TEST(s.count("sluis_queue_messages{destination=\"mailbox:prom\",state=\"queued\"}") == 0u);
  // Partners: not seen yet.
  for (const char* p : {"zorg", "gem", "prom"}) {
    BOOST_TEST(value(s, std::string("sluis_partner_last_seen_seconds{partner=\"") + p + "\"}") == 0);
    BOOST_TEST(value(s, std::string("sluis_partner_certificate_expiry_seconds{partner=\"") + p + "\"}") == 0);
  }
  for (const char* p : {"zorg", "gem"})
    BOOST_TEST(value(s, std::string("sluis_mailbox_oldest_unacknowledged_age_seconds{partner=\"") + p + "\"}") == 0);
  // Certificates and CRL: the test PKI's server certificate and CA are valid now.
  auto server = first_with(s, "sluis_tls_certificate_expiry_seconds{file=\"" + g->pki("server.pem") + "\",kind=\"server\"}");
  BOOST_REQUIRE(server.has_value());
  BOOST_TEST(*server > unix_now());
  auto ca = first_with(s, "sluis_tls_certificate_expiry_seconds{file=\"" + g->pki("ca.pem") + "\",kind=\"ca\"}");
  BOOST_REQUIRE(ca.has_value());
  BOOST_TEST(*ca > unix_now());
  BOOST_TEST(value(s, "sluis_tls_crl_next_update_seconds{file=\"" + g->pki("crl.pem") + "\"}") > unix_now());
  // The build.
  auto build = first_with(s, "sluis_build_info{version=\"");
  BOOST_REQUIRE(build.has_value());
  BOOST_TEST(*build == 1);
  BOOST_TEST(value(s, "sluis_config_reloads_total{result=\"failed\"}") == 0);
}

BOOST_AUTO_TEST_CASE(a_monitoring_partner_scrapes_over_mutual_tls) {
  auto h = g->curl("stranger", "/metrics");
  BOOST_TEST(h.status == 200, h.body);
  BOOST_TEST(h.headers.find("text/plain; version=0.0.4") != std::string::npos, h.headers);
  auto s = samples(h.body);
  BOOST_TEST(s.count("sluis_partner_last_seen_seconds{partner=\"gem\"}") == 1u);
  // Its own request is seen: last seen and the certificate it used.
  auto after = scrape();
  BOOST_TEST(value(after, "sluis_partner_last_seen_seconds{partner=\"prom\"}") >= unix_now() - 60);
  BOOST_TEST(value(after, "sluis_partner_certificate_expiry_seconds{partner=\"prom\"}") > unix_now());
}

BOOST_AUTO_TEST_CASE(a_monitoring_partner_may_do_nothing_else) {
  for (const char* path : {"/v1/mailbox", "/v1/whoami", "/metrics/extra", "/v1/retourcodes/0001"}) {
    auto h = g->curl("stranger", path);
    BOOST_TEST(h.status == 403, path << ": " << h.body);
    BOOST_TEST(h.body.find("\"monitoring_only\"") != std::string::npos, h.body);
    BOOST_TEST(h.body.find("may only GET /metrics") != std::string::npos, h.body);
  }
  auto post = g->post_xml("stranger", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_TEST(post.status == 403, post.body);
  BOOST_TEST(post.body.find("\"monitoring_only\"") != std::string::npos, post.body);
  auto head = g->curl("stranger", "/metrics", {"-X", "POST"});
  BOOST_TEST(head.status == 403, head.body);
}

BOOST_AUTO_TEST_CASE(other_partners_get_no_metrics_over_https) {
  for (const char* who : {"provider", "gemeente"}) {
    auto h = g->curl(who, "/metrics");
    BOOST_TEST(h.status == 403, who << ": " << h.body);
    BOOST_TEST(h.body.find("\"not_monitoring\"") != std::string::npos, h.body);
    BOOST_TEST(h.body.find("is only for a partner with the role monitoring") != std::string::npos, h.body);
  }
  // Nor the operator's status page: it lives on the loopback listener only.
  for (const char* who : {"provider", "gemeente"}) {
    auto page = g->curl(who, "/");
    BOOST_TEST(page.status == 404, who << ": " << page.body);
    BOOST_TEST(page.body.find("\"not_found\"") != std::string::npos, page.body);
    BOOST_TEST(page.body.find("<html") == std::string::npos, page.body);
  }
  auto page = g->curl("stranger", "/");
  BOOST_TEST(page.status == 403, page.body);
  BOOST_TEST(page.body.find("\"monitoring_only\"") != std::string::npos, page.body);
  // And no certificate at all gets no further than the handshake.
  auto none = g->curl("", "/metrics");
  BOOST_TEST(none.status != 200);
}

BOOST_AUTO_TEST_CASE(a_submission_moves_the_histograms_and_gauges) {
  auto before = scrape();
  const double commits = value(before, "sluis_store_commit_duration_seconds_count");
  auto h = g->post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  // Observed once the answer is written: right after curl has it, or soon.
  BOOST_TEST(eventually(
      [](const auto& s) { return value(s, "sluis_intake_duration_seconds_count{outcome=\"accepted\"}") == 1; },
      std::chrono::seconds(10)));
  auto s = scrape();
  BOOST_TEST(value(s, "sluis_intake_duration_seconds_bucket{outcome=\"accepted\",le=\"+Inf\"}") == 1);
  BOOST_TEST(value(s, "sluis_intake_duration_seconds_sum{outcome=\"accepted\"}") > 0);
  BOOST_TEST(value(s, "sluis_intake_duration_seconds_count{outcome=\"rejected\"}") == 0);
  BOOST_TEST(value(s, "sluis_intake_messages_by_type_total{law=\"ijw\",type=\"301\",outcome=\"accepted\"}") == 1);
  BOOST_TEST(value(s, "sluis_store_commit_duration_seconds_count") > commits);
  BOOST_TEST(value(s, "sluis_partner_last_seen_seconds{partner=\"gem\"}") >= unix_now() - 60);
  BOOST_TEST(value(s, "sluis_partner_certificate_expiry_seconds{partner=\"gem\"}") > unix_now());
  // The same message again: an idempotent replay.
  auto again = g->post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_TEST(again.status == 202, again.body);
  BOOST_TEST(eventually(
      [](const auto& m) { return value(m, "sluis_intake_duration_seconds_count{outcome=\"replay\"}") == 1; },
      std::chrono::seconds(10)));
  // The 301 waits in zorg's mailbox: the queue gauge (refreshed every 15 s)
  // counts it, and its age grows.
  BOOST_TEST(eventually(
      [](const auto& m) {
        return value(m, "sluis_queue_messages{destination=\"mailbox:zorg\",state=\"queued\"}") == 1 &&
               value(m, "sluis_mailbox_oldest_unacknowledged_age_seconds{partner=\"zorg\"}") >= 1;
      },
      std::chrono::seconds(40)));
  BOOST_TEST(value(scrape(), "sluis_mailbox_oldest_unacknowledged_age_seconds{partner=\"gem\"}") == 0);
}
