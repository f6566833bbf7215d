// The HTTPS listener with real TLS against a test PKI generated at test time:
// who gets in (certificate -> partner), who does not (no, expired, revoked,
// foreign-CA, wrong-EKU, unregistered certificates; old TLS versions;
// not_enrolled partners), refusals decided from the header before a body is
// read (no "100 Continue", connection closed), limits (rate, body size, slow
// headers) and a CRL reload through SIGHUP that keeps open connections.
// Clients: curl and tests/support/tls_client.hpp. Per-connection limits:
// https_limits_test; reloads on open connections: https_reload_test.
#define BOOST_TEST_MODULE https
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "tests/support/test_gateway.hpp"
#include "tests/support/tls_client.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

// Partners of this test: one by subject + CA, one by SPKI, one not enrolled,
// one rate-limited (shadow mode).
std::string partners(TestGateway& g) {
  std::ostringstream c;
  c << "[[partners]]\nid = \"dev-aanbieder\"\nrole = \"aanbieder\"\ncodes = [\"87654321\"]\n"
    << "[[partners.certificates]]\nsubject = \"CN=aanbieder 87654321,serialNumber=AGB-87654321,"
       "O=Zorgaanbieder Voorbeeld (fictief)\"\nissuer_ca = \"" << g.pki("ca.pem") << "\"\n"
    << "[[partners]]\nid = \"dev-gemeente\"\nrole = \"gemeente\"\ncodes = [\"0935\"]\n"
    << "[[partners.certificates]]\nspki_sha256 = \"" << g.spki("gemeente.pem") << "\"\n"
    << "[[partners]]\nid = \"later\"\nrole = \"aanbieder\"\ncodes = [\"11112222\"]\nmode = \"not_enrolled\"\n"
    << "[[partners.certificates]]\nspki_sha256 = \"" << g.spki("notenrolled.pem") << "\"\n"
    << "[[partners]]\nid = \"busy\"\nrole = \"aanbieder\"\ncodes = [\"33334444\"]\nmode = \"shadow\"\n"
    << "rate = 1\nburst = 2\n"
    << "[[partners.certificates]]\nspki_sha256 = \"" << g.spki("shadow.pem") << "\"\n";
  return c.str();
}

using Gateway = TestGateway;

Gateway* g_gateway = nullptr;
struct GlobalGateway {
  GlobalGateway() { g_gateway = new Gateway("https", partners); }
  ~GlobalGateway() {
    BOOST_TEST((g_gateway->stop() == 0));
    delete g_gateway;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalGateway);

Gateway& gw() { return *g_gateway; }

}  // namespace

BOOST_AUTO_TEST_CASE(provider_certificate_maps_to_its_partner_by_subject_and_ca) {
  auto h = gw().curl("provider", "/v1/whoami");
  BOOST_TEST(h.status == 200, h.body);
  auto v = boost::json::parse(h.body);
  BOOST_TEST(v.at("partner").as_string() == "dev-aanbieder");
  BOOST_TEST(v.at("codes").as_array().at(0).as_string() == "87654321");
  BOOST_TEST(v.at("role").as_string() == "aanbieder");
}

BOOST_AUTO_TEST_CASE(municipality_certificate_maps_by_spki_fingerprint) {
  auto h = gw().curl("gemeente", "/v1/whoami");
  BOOST_TEST(h.status == 200, h.body);
  BOOST_TEST(boost::json::parse(h.body).at("partner").as_string() == "dev-gemeente");
}

BOOST_AUTO_TEST_CASE(handshake_refuses_missing_expired_revoked_foreign_and_wrong_eku) {
  for (const char* who : {"", "expired", "revoked", "alien", "noeku"}) {
    auto h = gw().curl(who, "/v1/whoami");
    BOOST_TEST(h.status == 0, "client '" << who << "' got HTTP " << h.status);
    BOOST_TEST(h.curl_exit != 0, who);
  }
  BOOST_TEST(gw().daemon->log().find("NET_TLS_HANDSHAKE_FAILED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(old_tls_versions_are_refused) {
  auto h = gw().curl("provider", "/v1/whoami", {"--tlsv1.0", "--tls-max", "1.1"});
  BOOST_TEST(h.status == 0);
  BOOST_TEST(h.curl_exit != 0);
  auto ok = gw().curl("provider", "/v1/whoami", {"--tlsv1.2", "--tls-max", "1.2"});
  BOOST_TEST(ok.status == 200);
}

BOOST_AUTO_TEST_CASE(valid_but_unregistered_certificate_gets_403_with_its_fingerprint) {
  auto h = gw().curl("stranger", "/v1/whoami");
  BOOST_TEST(h.status == 403);
  auto e = boost::json::parse(h.body);
  BOOST_TEST(e.at("code").as_string() == "unknown_certificate");
  BOOST_TEST(std::string(e.at("en").as_string()).find(gw().spki("stranger.pem")) != std::string::npos);
  BOOST_TEST(!e.at("nl").as_string().empty());
}

BOOST_AUTO_TEST_CASE(not_enrolled_partner_gets_403) {
  auto h = gw().curl("notenrolled", "/v1/whoami");
  BOOST_TEST(h.status == 403);
  BOOST_TEST(boost::json::parse(h.body).at("code").as_string() == "not_enrolled");
}

BOOST_AUTO_TEST_CASE(rate_limit_answers_429_with_retry_after) {
  // Five requests over one connection against rate 1/s, burst 2.
  std::string url = gw().https_url + "/v1/whoami";
  auto r = run_command({"/usr/bin/curl", "-sS", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}\n",
                        "--cacert", gw().pki("ca.pem"), "--cert", gw().pki("shadow.pem"), "--key",
                        gw().pki("shadow.key"), url, url, url, url, url});
  BOOST_TEST(r.output.find("429") != std::string::npos, r.output);
  BOOST_TEST(r.output.find("Retry-After: 1") != std::string::npos, r.output);
}

// A partner that goes on past its rate cannot flood the journal: every 429 is
// counted, the log names the partner at most once a minute.
BOOST_AUTO_TEST_CASE(a_partner_over_its_rate_is_counted_each_time_and_logged_at_most_once_a_minute) {
  auto lines = [] { return gw().daemon->count_lines({"NET_RATE_LIMITED", "partner=shadow "}); };
  const std::string series = "sluis_http_rate_limited_total{listener=\"https\"}";
  const long before_lines = lines();
  const long before = gw().metric(series);
  int limited = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {  // a refusal closes the connection: a new one each time
    TlsClient c(gw(), "shadow");
    c.handshake();
    c.write(kWhoami);
    if (c.response().result_int() == 429) ++limited;
  }
  // Rate 1/s, burst 2: at most two and one a second get through.
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(limited >= 20 - 2 - static_cast<int>(std::ceil(took)), "in " << took << " s");
  BOOST_WARN_MESSAGE(limited >= 2, "the loop took " << took << " s: too slow to show the throttled log");
  BOOST_TEST(gw().metric(series) == before + limited);
  BOOST_TEST(lines() - before_lines <= 1, gw().daemon->log());
}

BOOST_AUTO_TEST_CASE(oversized_body_gets_413_before_it_is_read) {
  std::string big(100 * 1024, 'x');
  auto file = gw().dir.write("big.xml", big);
  for (bool expect : {false, true}) {
    std::vector<std::string> extra{"-X", "POST", "-H", "Content-Type: application/xml",
                                   "--data-binary", "@" + file.string()};
    if (expect) extra.insert(extra.end(), {"-H", "Expect: 100-continue"});
    auto h = gw().curl("provider", "/v1/messages", extra);
    BOOST_TEST(h.status == 413, "expect=" << expect << " body=" << h.body);
    BOOST_TEST(h.body.find("64KiB") != std::string::npos);
  }
}

namespace {

// A POST whose header announces a 60000-byte body (under max_body) of which
// the client sends nothing (with Expect: 100-continue, as it should wait) or
// only the first 1000 bytes. A refused client's answer must come from the
// header alone: without "100 Continue", without waiting for the body, and
// the server then closes the connection.
TlsClient::Closed post_unsent_body(TlsClient& c, bool expect) {
  c.handshake();
  std::string head =
      "POST /v1/messages HTTP/1.1\r\nHost: sluis\r\nContent-Type: application/xml\r\nContent-Length: 60000\r\n";
  if (expect) head += "Expect: 100-continue\r\n";
  c.write(head + "\r\n");
  if (!expect) c.write("<?xml version=\"1.0\"?>" + std::string(1000 - 21, ' '));
  return c.until_closed();
}

void expect_refused_from_header(const TlsClient::Closed& got, const std::string& status,
                                const std::string& code, const std::string& who, bool expect) {
  BOOST_TEST_CONTEXT("client " << who << ", Expect: 100-continue " << expect) {
    BOOST_TEST(got.closed, "the server did not close (it waits for the body?): " << got.data);
    BOOST_TEST(got.data.starts_with("HTTP/1.1 " + status), got.data);
    BOOST_TEST(got.data.find("100 Continue") == std::string::npos, got.data);
    BOOST_TEST(got.data.find("\"code\":\"" + code + "\"") != std::string::npos, got.data);
    BOOST_TEST(got.data.find("Connection: close") != std::string::npos, got.data);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(unregistered_and_not_enrolled_clients_are_refused_before_their_body) {
  for (bool expect : {true, false}) {
    TlsClient stranger(gw(), "stranger");
    expect_refused_from_header(post_unsent_body(stranger, expect), "403", "unknown_certificate", "stranger",
                               expect);
    TlsClient later(gw(), "notenrolled");
    expect_refused_from_header(post_unsent_body(later, expect), "403", "not_enrolled", "notenrolled", expect);
  }
}

BOOST_AUTO_TEST_CASE(a_rate_limited_client_is_refused_before_its_body) {
  for (bool expect : {true, false}) {
    // The partner's bucket (rate 1/s, burst 2) is full after 2 s without a
    // request of it: that is the state this case starts from, whatever the
    // cases before it left. Then two GETs and the POST's header go out in one
    // write: the GETs take both tokens and the header finds the bucket empty,
    // unless the server spends a whole second on the two GETs. (Exhausting the
    // bucket on one connection and posting on another left a window as wide
    // as the token the exhausting 429 had almost earned.)
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    TlsClient c(gw(), "shadow");
    c.handshake();
    std::string head =
        "POST /v1/messages HTTP/1.1\r\nHost: sluis\r\nContent-Type: application/xml\r\nContent-Length: 60000\r\n";
    if (expect) head += "Expect: 100-continue\r\n";
    c.write(kWhoami + kWhoami + head + "\r\n");
    if (!expect) c.write(std::string(1000, ' '));
    BOOST_REQUIRE_EQUAL(c.response().result_int(), 200);
    BOOST_REQUIRE_EQUAL(c.response().result_int(), 200);
    auto got = c.until_closed();
    expect_refused_from_header(got, "429", "rate_limited", "shadow", expect);
    BOOST_TEST(got.data.find("Retry-After: ") != std::string::npos, got.data);
  }
}

BOOST_AUTO_TEST_CASE(unknown_path_gets_a_bilingual_404) {
  auto h = gw().curl("provider", "/v1/nothing-here");
  BOOST_TEST(h.status == 404);
  BOOST_TEST(h.headers.find("Content-Type: application/problem+json") != std::string::npos,
             h.headers);
  auto e = boost::json::parse(h.body);
  BOOST_TEST(e.at("code").as_string() == "not_found");
  BOOST_TEST(e.at("status").as_int64() == 404);
  BOOST_TEST(!e.at("nl").as_string().empty());
  BOOST_TEST(!e.at("en").as_string().empty());
}

BOOST_AUTO_TEST_CASE(slow_headers_are_cut_off) {
  // Half a header, then nothing: the server must close the connection
  // (header_timeout 500ms) rather than wait for ever.
  TlsClient c(gw(), "provider");
  c.handshake();
  c.write("GET /v1/whoami HTTP/1.1\r\nHost: x\r\n");
  auto closed = c.until_closed();
  BOOST_TEST(closed.closed);
  BOOST_TEST(closed.data.find("HTTP/1.1 200") == std::string::npos);
  BOOST_TEST(closed.took >= std::chrono::milliseconds(250));  // not at once (limit 500 ms)
}

BOOST_AUTO_TEST_CASE(healthz_answers_on_the_plain_loopback_listener) {
  auto r = run_command({"/usr/bin/curl", "-sS", gw().plain_url + "/healthz"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(boost::json::parse(r.output).at("status").as_string() == "ok");
}

BOOST_AUTO_TEST_CASE(metrics_count_responses_and_handshake_failures) {
  gw().curl("provider", "/v1/whoami");
  gw().curl("expired", "/v1/whoami");
  auto r = run_command({"/usr/bin/curl", "-sS", gw().plain_url + "/metrics"});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.output.find("# TYPE sluis_http_responses_total counter") != std::string::npos, r.output);
  auto count = [&](const std::string& series) { return gw().metric(series); };
  BOOST_TEST(count("sluis_http_responses_total{listener=\"https\",code=\"2xx\"}") >= 1);
  BOOST_TEST(count("sluis_tls_handshake_failures_total{listener=\"https\"}") >= 1);
  BOOST_TEST(count("sluis_http_connections{listener=\"plain\"}") >= 1);
}

// Last: changes the CRL for the rest of the run.
BOOST_AUTO_TEST_CASE(crl_reload_revokes_without_restart_or_dropping_connections) {
  BOOST_TEST(gw().curl("provider", "/v1/whoami").status == 200);
  // A connection made before the reload keeps working through it.
  TlsClient held(gw(), "gemeente");
  held.handshake();
  const std::string& whoami = kWhoami;
  held.write(whoami);
  BOOST_TEST(held.response().result_int() == 200);
  gw().write_config("crl-provider.pem");
  gw().daemon->signal(SIGHUP);
  BOOST_REQUIRE(gw().daemon->wait_for("RELOADING=1"));
  BOOST_REQUIRE(gw().daemon->wait_for("READY=1"));
  BOOST_TEST(gw().daemon->log().find("CONFIG_RELOAD_FAILED") == std::string::npos, gw().daemon->log());
  auto h = gw().curl("provider", "/v1/whoami");
  BOOST_TEST(h.status == 0, "revoked provider still got HTTP " << h.status);
  BOOST_TEST(gw().curl("gemeente", "/v1/whoami").status == 200);
  held.write(whoami);
  BOOST_TEST(held.response().result_int() == 200);
}
