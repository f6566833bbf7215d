// A reload takes effect on HTTPS connections that are already open: each
// connection is checked again at its next request against the partner
// registry and the CRLs in force. One behaviour per case, each with a
// connection made before the reload:
//   - a partner removed from the config: 403 unknown_certificate, closed;
//   - a partner set not_enrolled: 403 not_enrolled, closed;
//   - a partner set shadow: its requests go on, as shadow;
//   - a certificate revoked by the new CRL: 403 certificate_rejected, closed;
// while a connection of a partner that is still allowed keeps working through
// every reload.
#define BOOST_TEST_MODULE https_reload
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/test_gateway.hpp"
#include "tests/support/tls_client.hpp"

using namespace sluis::test;

namespace {

// What the next write_config() puts in the file.
bool g_weg_registered = true;         // partner "weg" (stranger.pem)
std::string g_later_mode = "live";    // partner "later" (notenrolled.pem)
std::string g_proef_mode = "live";    // partner "proef" (shadow.pem)
std::string g_crl = "crl.pem";

std::string partners(TestGateway& g) {
  std::string out = g.partner("zorg", "aanbieder", "\"75302186\"", "provider.pem") +
                    g.partner("gem", "gemeente", "\"0917\"", "gemeente.pem") +
                    g.partner("later", "aanbieder", "\"11112222\"", "notenrolled.pem",
                              "mode = \"" + g_later_mode + "\"\n") +
                    g.partner("proef", "aanbieder", "\"33334444\"", "shadow.pem",
                              "mode = \"" + g_proef_mode + "\"\n");
  if (g_weg_registered) out += g.partner("weg", "aanbieder", "\"55556666\"", "stranger.pem");
  return out;
}

TestGateway* g_gateway = nullptr;
struct GlobalGateway {
  GlobalGateway() { g_gateway = new TestGateway("https-reload", partners); }
  ~GlobalGateway() {
    BOOST_TEST((g_gateway->stop() == 0));
    delete g_gateway;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(GlobalGateway);

TestGateway& gw() { return *g_gateway; }


// A connection as `who` that has been served once (so it is open and known).
std::unique_ptr<TlsClient> served(const std::string& who) {
  auto c = std::make_unique<TlsClient>(gw(), who);
  c->handshake();
  c->write(kWhoami);
  auto res = c->response();
  BOOST_REQUIRE_EQUAL(res.result_int(), 200);
  return c;
}

void reload() {
  gw().write_config(g_crl);
  gw().daemon->signal(SIGHUP);
  BOOST_REQUIRE(gw().daemon->wait_for("RELOADING=1"));
  BOOST_REQUIRE(gw().daemon->wait_for("READY=1"));
  BOOST_REQUIRE_MESSAGE(gw().daemon->log().find("CONFIG_RELOAD_FAILED") == std::string::npos, gw().daemon->log());
}

// The next request on `c` is refused with `code` and the connection closes.
void refused_and_closed(TlsClient& c, const std::string& code) {
  c.write(kWhoami);
  auto res = c.response();
  BOOST_TEST(res.result_int() == 403);
  auto e = boost::json::parse(res.body());
  BOOST_TEST(e.at("code").as_string() == code);
  BOOST_TEST(!e.at("nl").as_string().empty());
  BOOST_TEST(!e.at("en").as_string().empty());
  BOOST_TEST(!res.keep_alive());
  BOOST_TEST(c.until_closed().closed);
}

void still_served(TlsClient& c, const std::string& partner) {
  c.write(kWhoami);
  auto res = c.response();
  BOOST_TEST(res.result_int() == 200);
  BOOST_TEST(boost::json::parse(res.body()).at("partner").as_string() == partner);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_removed_partner_loses_its_open_connection) {
  auto weg = served("stranger");
  auto gem = served("gemeente");
  g_weg_registered = false;
  reload();
  refused_and_closed(*weg, "unknown_certificate");
  still_served(*gem, "gem");
  BOOST_TEST(gw().curl("stranger", "/v1/whoami").status == 403);
}

BOOST_AUTO_TEST_CASE(a_partner_set_not_enrolled_loses_its_open_connection) {
  auto later = served("notenrolled");
  auto gem = served("gemeente");
  g_later_mode = "not_enrolled";
  reload();
  refused_and_closed(*later, "not_enrolled");
  still_served(*gem, "gem");
}

BOOST_AUTO_TEST_CASE(a_partner_set_shadow_is_served_as_shadow_on_its_open_connection) {
  auto proef = served("shadow");
  g_proef_mode = "shadow";
  reload();
  proef->write(kWhoami);
  auto res = proef->response();
  BOOST_TEST(res.result_int() == 200);
  auto v = boost::json::parse(res.body());
  BOOST_TEST(v.at("partner").as_string() == "proef");
  BOOST_TEST(v.at("mode").as_string() == "shadow");
}

// Last: revokes the provider for the rest of the run.
BOOST_AUTO_TEST_CASE(a_certificate_revoked_by_a_reloaded_crl_loses_its_open_connection) {
  auto zorg = served("provider");
  auto gem = served("gemeente");
  g_crl = "crl-provider.pem";
  reload();
  refused_and_closed(*zorg, "certificate_rejected");
  BOOST_TEST(gw().daemon->log().find("NET_CERTIFICATE_REJECTED") != std::string::npos, gw().daemon->log());
  still_served(*gem, "gem");
  BOOST_TEST(gw().curl("provider", "/v1/whoami").status == 0);  // new connections: refused in the handshake
}
