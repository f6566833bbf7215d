// A partner's own messages over real mutual TLS (docs/portal.md): two
// providers and a municipality each list what they sent and what was passed
// on to them, never another's, in both directions; every filter; pages with
// `after` and no `next` on the last; the lookup by Identificatie,
// IdentificatieRetour and DeclaratieNummer; the timeline of a message for
// its sender and its receiver after submit, fetch and ack, and 404 for
// anyone else; a 400 with its own code for every bad parameter.
#define BOOST_TEST_MODULE own_messages
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

// The corpus's provider "zorg" (75302186) and municipality "gem" (0917), and
// a second provider "ander" (11223344).
std::string partners(TestGateway& g) {
  return g.corpus_partners() + g.partner("ander", "aanbieder", "\"11223344\"", "stranger.pem");
}

TestGateway* g = nullptr;
struct Global {
  Global() { g = new TestGateway("own-messages", partners); }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

boost::json::value json(const Http& h) {
  boost::system::error_code ec;
  auto v = boost::json::parse(h.body, ec);
  BOOST_REQUIRE_MESSAGE(!ec, h.body);
  return v;
}
std::string str(const boost::json::value& v) {
  return std::string(v.as_string());
}

// The error code of a refusal ({"error": {"code"}}, or "code" at the top).
std::string error_code(const Http& h) {
  auto v = json(h);
  const auto& o = v.as_object();
  if (const auto* e = o.if_contains("error")) return str(e->at("code"));
  return o.contains("code") ? str(o.at("code")) : std::string();
}

std::string post(const std::string& who, const std::string& xml, int status = 202) {
  auto h = g->post_xml(who, "/v1/messages", xml);
  BOOST_REQUIRE_MESSAGE(h.status == status, h.body);
  return str(json(h).at("id"));
}

// The ids GET /v1/messages answers `who` (one page), and the whole answer.
boost::json::object page(const std::string& who, const std::string& query = "") {
  auto h = g->curl(who, "/v1/messages" + query);
  BOOST_REQUIRE_MESSAGE(h.status == 200, query << ": " << h.body);
  return json(h).as_object();
}
std::vector<std::string> ids(const std::string& who, const std::string& query = "") {
  std::vector<std::string> out;
  const auto answer = page(who, query);
  for (const auto& m : answer.at("messages").as_array()) out.push_back(str(m.at("id")));
  return out;
}
const boost::json::object& entry(const boost::json::object& answer, const std::string& id) {
  for (const auto& m : answer.at("messages").as_array())
    if (str(m.at("id")) == id) return m.as_object();
  BOOST_FAIL("no entry " + id);
  throw;
}
std::vector<std::string> event_names(const boost::json::object& timeline) {
  std::vector<std::string> out;
  for (const auto& e : timeline.at("events").as_array()) out.push_back(str(e.at("event")));
  return out;
}

// The exchange, newest last: set by the first test.
std::string decl, refused, composed, other, allocation, retour;

}  // namespace

BOOST_AUTO_TEST_CASE(exchange) {
  decl = post("provider", corpus("ijw/323/valid-declaratie.xml"));
  // Rejected (CS340: half a month): sluis answers with a header-only 325.
  auto cs340 = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"),
                                  std::regex("DECL-2602-01"), "CS340-CASE");
  cs340 = std::regex_replace(cs340, std::regex("<ijw:Einddatum>2026-02-28</ijw:Einddatum>"),
                             "<ijw:Einddatum>2026-02-15</ijw:Einddatum>",
                             std::regex_constants::format_first_only);
  auto h = g->post_xml("provider", "/v1/messages", cs340);
  BOOST_REQUIRE_MESSAGE(h.status == 422, h.body);
  refused = str(json(h).at("id"));
  composed = str(json(h).at("retour"));
  auto theirs = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"),
                                   std::regex("Afzender>75302186<"), "Afzender>11223344<");
  theirs = std::regex_replace(theirs, std::regex("DECL-2602-01"), "ANDER-01");
  theirs = std::regex_replace(theirs, std::regex("JW2602HRL31"), "JW2602AND01");
  other = post("stranger", theirs);
  allocation = post("gemeente", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE(g->curl("provider", "/v1/mailbox/" + allocation).status == 200);
  BOOST_REQUIRE(g->curl("provider", "/v1/mailbox/" + allocation + "/ack", {"-X", "POST"}).status ==
                200);
  retour = post("provider", corpus("ijw/302/valid-retour-header-0001.xml"));
  BOOST_REQUIRE(g->curl("gemeente", "/v1/mailbox/" + decl).status == 200);
  BOOST_REQUIRE(g->curl("gemeente", "/v1/mailbox/" + decl + "/ack", {"-X", "POST"}).status == 200);
}

BOOST_AUTO_TEST_CASE(each_sees_its_own_newest_first_and_never_anothers) {
  BOOST_TEST(ids("provider") ==
             (std::vector<std::string>{retour, allocation, composed, refused, decl}));
  BOOST_TEST(ids("stranger") == (std::vector<std::string>{other}));
  // The gemeente: never the refused 323 nor the 325 sluis composed for it.
  BOOST_TEST(ids("gemeente") == (std::vector<std::string>{retour, allocation, other, decl}));
  // The same rule behind GET /v1/messages/{id}.
  BOOST_TEST(g->curl("gemeente", "/v1/messages/" + refused).status == 404);
  BOOST_TEST(g->curl("stranger", "/v1/messages/" + decl).status == 404);
  BOOST_TEST(g->curl("provider", "/v1/messages/" + other).status == 404);
  BOOST_TEST(g->curl("provider", "/v1/messages/" + composed).status == 200);
}

BOOST_AUTO_TEST_CASE(an_entry_says_status_state_party_retour_and_findings) {
  auto mine = page("provider");
  const auto& d = entry(mine, decl);
  BOOST_TEST(str(d.at("direction")) == "sent");
  BOOST_TEST(str(d.at("status")) == "accepted");
  BOOST_TEST(str(d.at("state")) == "acknowledged");
  BOOST_TEST(str(d.at("law")) == "ijw");
  BOOST_TEST(d.at("type").as_int64() == 323);
  BOOST_TEST(str(d.at("other_party").at("partner")) == "gem");
  BOOST_TEST(str(d.at("other_party").at("code")) == "0917");
  BOOST_TEST(str(d.at("identificatie")) == "DECL-2602-01");
  BOOST_TEST(str(d.at("declaratie_nummer")) == "JW2602HRL31");
  BOOST_TEST(d.at("retour").is_null());
  // Advice only (no allocation known, retour = partner): counted with its code.
  BOOST_TEST(d.at("findings").at("count").as_int64() >= 1);
  BOOST_TEST(boost::json::serialize(d.at("findings").at("retourcodes")).find("9338") !=
             std::string::npos);
  const auto& r = entry(mine, refused);
  BOOST_TEST(str(r.at("status")) == "rejected");
  BOOST_TEST(str(r.at("state")) == "rejected");
  BOOST_TEST(boost::json::serialize(r.at("findings").at("retourcodes")).find("0001") !=
             std::string::npos);
  BOOST_TEST(str(r.at("retour").at("id")) == composed);
  BOOST_TEST(r.at("retour").at("type").as_int64() == 325);
  BOOST_TEST(!r.at("retour").at("all_0200").as_bool());
  const auto& c = entry(mine, composed);
  BOOST_TEST(str(c.at("direction")) == "received");
  BOOST_TEST(str(c.at("status")) == "composed");
  BOOST_TEST(str(c.at("other_party").at("partner")) == "sluis");
  // The gemeente's 301 with the provider's 302 as its retour (RetourCode 0001 on the header).
  auto theirs = page("gemeente");
  const auto& a = entry(theirs, allocation);
  BOOST_TEST(str(a.at("direction")) == "sent");
  BOOST_TEST(str(a.at("retour").at("id")) == retour);
  BOOST_TEST(a.at("retour").at("type").as_int64() == 302);
  BOOST_TEST(boost::json::serialize(a.at("retour").at("retourcodes")) == R"(["0001"])");
  BOOST_TEST(!a.at("retour").at("all_0200").as_bool());
  const auto& p = entry(theirs, retour);
  BOOST_TEST(str(p.at("direction")) == "received");
  BOOST_TEST(str(p.at("identificatie_retour")) == "TR302-00418");
  // No BSN in any answer.
  for (const char* who : {"provider", "gemeente", "stranger"})
    BOOST_TEST(g->curl(who, "/v1/messages").body.find("Bsn") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(filters) {
  BOOST_TEST(ids("provider", "?status=rejected") == (std::vector<std::string>{refused}));
  BOOST_TEST(ids("provider", "?status=composed") == (std::vector<std::string>{composed}));
  BOOST_TEST(ids("provider", "?status=accepted") ==
             (std::vector<std::string>{retour, allocation, decl}));
  BOOST_TEST(ids("provider", "?status=held").empty());
  BOOST_TEST(ids("provider", "?state=acknowledged") ==
             (std::vector<std::string>{allocation, decl}));
  BOOST_TEST(ids("provider", "?state=rejected") == (std::vector<std::string>{refused}));
  BOOST_TEST(ids("provider", "?type=302") == (std::vector<std::string>{retour}));
  BOOST_TEST(ids("provider", "?type=323&status=accepted") == (std::vector<std::string>{decl}));
  // Empty values are no filter.
  BOOST_TEST(ids("provider", "?status=&state=&type=").size() == 5u);
  // Time: received_at; a Dutch day, or an RFC 3339 instant.
  auto all = page("provider");
  const std::string from = str(entry(all, allocation).at("received_at"));
  BOOST_TEST(ids("provider", "?since=" + from) == (std::vector<std::string>{retour, allocation}));
  BOOST_TEST(ids("provider", "?until=" + from) ==
             (std::vector<std::string>{composed, refused, decl}));
  BOOST_TEST(ids("provider", "?since=2099-01-01").empty());
  BOOST_TEST(ids("provider", "?until=2000-01-01").empty());
  BOOST_TEST(ids("provider", "?since=2000-01-01&until=2099-12-31").size() == 5u);
  BOOST_TEST(ids("provider", "?until=2099-01-01T00:00:00%2B01:00").size() == 5u);
  // Lookup by the partner's own identification.
  BOOST_TEST(ids("provider", "?identificatie=DECL-2602-01") == (std::vector<std::string>{decl}));
  BOOST_TEST(ids("provider", "?identificatie=JW2602HRL31") ==
             (std::vector<std::string>{refused, decl}));
  BOOST_TEST(ids("provider", "?identificatie=TR302-00418") == (std::vector<std::string>{retour}));
  BOOST_TEST(ids("gemeente", "?identificatie=J301-2026032") ==
             (std::vector<std::string>{retour, allocation}));
  BOOST_TEST(ids("gemeente", "?identificatie=J301-2026032&type=301") ==
             (std::vector<std::string>{allocation}));
  BOOST_TEST(ids("stranger", "?identificatie=JW2602AND01") == (std::vector<std::string>{other}));
  BOOST_TEST(ids("stranger", "?identificatie=JW2602HRL31").empty());  // another provider's
  BOOST_TEST(ids("provider", "?identificatie=JW2602AND01").empty());
}

BOOST_AUTO_TEST_CASE(pages_follow_next_until_the_last) {
  std::vector<std::string> seen;
  std::string query = "?limit=2";
  int pages = 0;
  for (; pages < 10; ++pages) {
    auto p = page("provider", query);
    for (const auto& m : p.at("messages").as_array()) seen.push_back(str(m.at("id")));
    if (!p.contains("next")) break;
    BOOST_TEST(p.at("messages").as_array().size() == 2u);
    query = "?limit=2&after=" + str(p.at("next"));
  }
  BOOST_TEST(pages == 2);  // 2 + 2 + 1
  BOOST_TEST(seen == ids("provider"));
  // Exactly one full page: no `next`.
  BOOST_TEST(!page("provider", "?limit=5").contains("next"));
  BOOST_TEST(page("provider", "?limit=4").contains("next"));
  // A filter pages the same way.
  auto first = page("provider", "?status=accepted&limit=1");
  auto second = page("provider", "?status=accepted&limit=2&after=" + str(first.at("next")));
  BOOST_TEST(str(second.at("messages").as_array().at(0).at("id")) == allocation);
  BOOST_TEST(!second.contains("next"));
  BOOST_TEST(page("provider", "?limit=200").at("messages").as_array().size() == 5u);
}

BOOST_AUTO_TEST_CASE(every_bad_parameter_is_a_400_with_its_code) {
  const std::pair<std::string, std::string> cases[] = {
      {"?foo=1", "unknown_parameter"},
      {"?status=done", "bad_status"},
      {"?state=gone", "bad_state"},
      {"?type=999", "bad_type"},
      {"?type=3o1", "bad_type"},
      {"?since=2026-13-01", "bad_since"},
      {"?since=yesterday", "bad_since"},
      {"?until=2026-12-05T25:00:00Z", "bad_until"},
      {"?until=2026-12-05T10:00:00", "bad_until"},  // no offset
      {"?since=2026-12-05&until=2026-12-01", "bad_range"},
      {"?identificatie=" + std::string(65, 'X'), "bad_identificatie"},
      {"?identificatie=a%20b", "bad_identificatie"},
      {"?limit=0", "bad_limit"},
      {"?limit=201", "bad_limit"},
      {"?limit=ten", "bad_limit"},
      {"?after=42", "bad_cursor"},
      {"?after=czz", "bad_cursor"},
      {"?status=accepted&status=rejected", "duplicate_parameter"},
  };
  for (const auto& [query, code] : cases) {
    auto h = g->curl("provider", "/v1/messages" + query);
    BOOST_TEST(h.status == 400, query << ": " << h.body);
    BOOST_TEST(error_code(h) == code, query << ": " << h.body);
    // Both languages.
    BOOST_TEST(h.body.find("\"nl\"") != std::string::npos, h.body);
    BOOST_TEST(h.body.find("\"en\"") != std::string::npos, h.body);
  }
}

BOOST_AUTO_TEST_CASE(timeline_for_sender_and_receiver) {
  // From the mailbox: the first fetch (audited first) makes it delivered.
  const std::vector<std::string> delivered{"received", "judged", "fetched", "delivered",
                                           "acknowledged"};
  for (const char* who : {"provider", "gemeente"}) {
    auto h = g->curl(who, "/v1/messages/" + decl + "/timeline");
    BOOST_REQUIRE_MESSAGE(h.status == 200, h.body);
    auto t = json(h).as_object();
    BOOST_TEST(event_names(t) == delivered, who << ": " << h.body);
    BOOST_TEST(str(t.at("direction")) == (std::string(who) == "provider" ? "sent" : "received"));
    BOOST_TEST(str(t.at("state")) == "acknowledged");
    BOOST_TEST(str(t.at("events").at(1).at("status")) == "accepted");
    BOOST_TEST(t.at("events").at(2).at("count").as_int64() == 1);
    // In time order.
    std::string last;
    for (const auto& e : t.at("events").as_array()) {
      BOOST_TEST(str(e.at("at")) >= last);
      last = str(e.at("at"));
    }
  }
  // The 301: answered by the provider's 302, for both.
  for (const char* who : {"gemeente", "provider"}) {
    auto t = json(g->curl(who, "/v1/messages/" + allocation + "/timeline")).as_object();
    auto names = event_names(t);
    BOOST_TEST(names == (std::vector<std::string>{"received", "judged", "fetched", "delivered",
                                                  "acknowledged", "answered"}),
               who);
    const auto& answered = t.at("events").as_array().back();
    BOOST_TEST(str(answered.at("id")) == retour);
    BOOST_TEST(answered.at("type").as_int64() == 302);
  }
  // Rejected: judged with the 325 sluis composed, which answers it.
  auto t = json(g->curl("provider", "/v1/messages/" + refused + "/timeline")).as_object();
  BOOST_TEST(event_names(t) == (std::vector<std::string>{"received", "judged", "answered"}));
  BOOST_TEST(str(t.at("events").at(1).at("status")) == "rejected");
  BOOST_TEST(str(t.at("events").at(1).at("retour")) == composed);
  BOOST_TEST(str(t.at("events").at(2).at("id")) == composed);
  // Only times, states and ids: no detail, no actor.
  auto body = g->curl("gemeente", "/v1/messages/" + decl + "/timeline").body;
  BOOST_TEST(body.find("partner:") == std::string::npos, body);
  BOOST_TEST(body.find("Bsn") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(anyone_else_gets_404_for_a_timeline) {
  for (const auto& id : {decl, allocation, retour})
    BOOST_TEST(g->curl("stranger", "/v1/messages/" + id + "/timeline").status == 404);
  BOOST_TEST(g->curl("provider", "/v1/messages/" + other + "/timeline").status == 404);
  BOOST_TEST(g->curl("gemeente", "/v1/messages/" + refused + "/timeline").status == 404);
  BOOST_TEST(g->curl("gemeente", "/v1/messages/" + composed + "/timeline").status == 404);
  auto unknown = g->curl("provider", "/v1/messages/m0000000000000000000000000/timeline");
  BOOST_TEST(unknown.status == 404);
  BOOST_TEST(error_code(unknown) == "not_found");
}
