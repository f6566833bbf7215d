// The intake end to end, over real mutual TLS with curl: a provider's 323 and
// a municipality's 301, a provider's 302 answering that 301, replays, TR056
// conflicts, XSD rejections, spoofed Afzender, a retour for an unknown heen,
// the mailbox (isolation, body byte for byte, ack), the dry run, and no BSN in
// the daemon's log.
#define BOOST_TEST_MODULE intake
#include <signal.h>

#include <boost/json/serialize.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

// The corpus messages are exchanged between gemeente 0917 and provider 75302186.
std::string partners(TestGateway& g) {
  return g.corpus_partners() + g.partner("other", "aanbieder", "\"11223344\"", "stranger.pem") +
         g.partner("proef", "aanbieder", "\"55667788\"", "shadow.pem", "mode = \"shadow\"\n");
}

TestGateway* g = nullptr;
struct Global {
  Global() { g = new TestGateway("intake", partners); }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

boost::json::value json(const Http& h) { return boost::json::parse(h.body); }
std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

std::string declaration_id;  // set by the first test, used by later ones
std::string declaration_answer;  // its answer, byte for byte
std::string allocation_id;

}  // namespace

BOOST_AUTO_TEST_CASE(provider_declaration_is_accepted_after_commit) {
  auto h = g->post_xml("provider", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_TEST(h.status == 202, h.body);
  auto v = json(h);
  BOOST_TEST(str(v.at("status")) == "accepted");
  BOOST_TEST(str(v.at("law")) == "ijw");
  BOOST_TEST(v.at("type").as_int64() == 323);
  // No allocation is known for it: with the receiving gemeente answering
  // itself (retour = "partner"), sluis's cross-message findings are advice.
  for (const auto& f : v.at("findings").as_array()) {
    BOOST_TEST(f.at("advisory").as_bool(), h.body);
    BOOST_TEST(str(f.at("retourcode")) == "9338");
  }
  BOOST_TEST(!v.as_object().contains("retour"));
  declaration_id = str(v.at("id"));
  declaration_answer = h.body;
  auto show = g->curl("provider", "/v1/messages/" + declaration_id);
  BOOST_TEST(show.status == 200);
  BOOST_TEST(str(json(show).at("state")) == "queued");
}

BOOST_AUTO_TEST_CASE(identical_resubmission_replays_the_answer) {
  auto h = g->post_xml("provider", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_TEST(h.status == 202);
  BOOST_TEST(str(json(h).at("id")) == declaration_id);
  BOOST_TEST(h.headers.find("Idempotent-Replay: true") != std::string::npos, h.headers);
  // The same answer, its advisory findings included: the store keeps them
  // once, beside an answer that names them (intake/decide.hpp, answer_body()).
  BOOST_TEST(!json(h).at("findings").as_array().empty(), h.body);
  BOOST_TEST(h.body == declaration_answer);
}

BOOST_AUTO_TEST_CASE(reused_identification_with_another_body_is_tr056) {
  auto doc = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"), std::regex("Dagtekening>2026-03-04<"),
                                "Dagtekening>2026-03-05<");
  auto h = g->post_xml("provider", "/v1/messages", doc);
  BOOST_TEST(h.status == 422, h.body);
  auto v = json(h);
  BOOST_TEST(str(v.at("status")) == "rejected");
  const auto& f = v.at("findings").as_array().at(0);
  BOOST_TEST(str(f.at("origin")) == "TR056");
  BOOST_TEST(str(f.at("rule")) == "TR056");
  BOOST_TEST(str(f.at("retourcode")) == "9056");
  BOOST_TEST(str(f.at("en")).find(declaration_id) != std::string::npos);
  // Answered at once with the header-only 325 carrying 9056 (the gemeente never sees it).
  BOOST_REQUIRE(v.as_object().contains("retour"));
  auto retour = g->curl("provider", "/v1/mailbox/" + str(v.at("retour")));
  BOOST_TEST(retour.body.find("<jw325:RetourCode>9056</jw325:RetourCode>") != std::string::npos, retour.body);
  BOOST_TEST(retour.body.find("DeclaratieAntwoord") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rule_failure_is_rejected_with_rule_retourcode_and_explanation) {
  // Schema-valid, but the declaration period is half a month (CS340).
  auto doc = corpus("ijw/323/valid-declaratie.xml");
  doc = std::regex_replace(doc, std::regex("<ijw:Identificatie>[^<]*</ijw:Identificatie>"),
                           "<ijw:Identificatie>CS340-CASE</ijw:Identificatie>", std::regex_constants::format_first_only);
  doc = std::regex_replace(doc, std::regex("<ijw:Einddatum>2026-02-28</ijw:Einddatum>"),
                           "<ijw:Einddatum>2026-02-15</ijw:Einddatum>", std::regex_constants::format_first_only);
  auto h = g->post_xml("provider", "/v1/messages", doc);
  BOOST_TEST(h.status == 422, h.body);
  auto v = json(h);
  BOOST_TEST(str(v.at("status")) == "rejected");
  bool found = false;
  for (const auto& f : v.at("findings").as_array()) {
    if (str(f.at("rule")) != "CS340") continue;
    found = true;
    BOOST_TEST(str(f.at("origin")) == "CS340");
    BOOST_TEST(str(f.at("retourcode")) == "0001");
    BOOST_TEST(str(f.at("path")) == "/Bericht/Declaratie/DeclaratiePeriode");
    BOOST_TEST(str(f.at("en")).find("is not one calendar month") != std::string::npos);
    BOOST_TEST(str(f.at("nl")).find("is niet één kalendermaand") != std::string::npos);
  }
  BOOST_TEST(found, h.body);
  // Stored as rejected, for the sender to read back.
  auto show = g->curl("provider", "/v1/messages/" + str(v.at("id")));
  BOOST_TEST(str(json(show).at("status")) == "rejected");
  // Level 2: sluis answers at once with the header-only 325 carrying 0001
  // and its rule set's version as XsltVersie, in the provider's mailbox.
  BOOST_REQUIRE(v.as_object().contains("retour"));
  auto retour = g->curl("provider", "/v1/mailbox/" + str(v.at("retour")));
  BOOST_TEST(retour.status == 200, retour.body);
  BOOST_TEST(retour.body.find("<jw325:BerichtCode>491</jw325:BerichtCode>") != std::string::npos, retour.body);
  BOOST_TEST(retour.body.find("<ijw:Identificatie>CS340-CASE</ijw:Identificatie>") != std::string::npos);
  BOOST_TEST(retour.body.find("<jw325:XsltVersie>1.0.0</jw325:XsltVersie>") != std::string::npos);
  BOOST_TEST(retour.body.find("<jw325:RetourCode>0001</jw325:RetourCode>") != std::string::npos);
  BOOST_TEST(retour.body.find("<jw325:Client>") == std::string::npos);
  // Counted, without anything of the message in the metric.
  auto metrics = run_command({"/usr/bin/curl", "-sS", g->plain_url + "/metrics"});
  BOOST_TEST(metrics.output.find("sluis_retours_composed_total") != std::string::npos, metrics.output);
  BOOST_TEST(metrics.output.find("sluis_intake_messages_total{outcome=\"rejected\"}") != std::string::npos);
  // It validates against the 325 schema (sluis's own validate endpoint, dry run).
  auto checked = g->post_xml("provider", "/v1/validate", retour.body);
  BOOST_TEST(checked.status != 422, checked.body);
}

BOOST_AUTO_TEST_CASE(retourcodes_are_explained) {
  auto h = g->curl("provider", "/v1/retourcodes/9346");
  BOOST_TEST(h.status == 200, h.body);
  auto v = json(h);
  BOOST_TEST(str(v.at("code")) == "9346");
  BOOST_TEST(str(v.at("rules").as_array().at(0).at("id")) == "TR346");
  BOOST_TEST(!str(v.at("text_nl")).empty());
  BOOST_TEST(g->curl("provider", "/v1/retourcodes/ZZZZ").status == 404);
}

BOOST_AUTO_TEST_CASE(schema_failure_is_stored_as_rejected_with_findings) {
  auto h = g->post_xml("provider", "/v1/messages", corpus("ijw/323/declaratienummer-with-hyphen.xml"));
  BOOST_TEST(h.status == 422, h.body);
  auto v = json(h);
  BOOST_TEST(str(v.at("status")) == "rejected");
  BOOST_REQUIRE(!v.at("findings").as_array().empty());
  BOOST_TEST(str(v.at("findings").as_array().at(0).at("origin")) == "xsd");
  auto show = g->curl("provider", "/v1/messages/" + str(v.at("id")));
  BOOST_TEST(show.status == 200);
  BOOST_TEST(str(json(show).at("status")) == "rejected");
}

BOOST_AUTO_TEST_CASE(not_xml_and_wrong_media_type_are_refused_unstored) {
  auto h = g->post_xml("provider", "/v1/messages", "this is not xml");
  BOOST_TEST(h.status == 400);
  BOOST_TEST(str(json(h).at("status")) == "refused");
  auto t = g->curl("provider", "/v1/messages", {"-X", "POST", "-H", "Content-Type: text/plain", "--data", "x"});
  BOOST_TEST(t.status == 415);
}

BOOST_AUTO_TEST_CASE(afzender_of_another_partner_is_forbidden) {
  auto h = g->post_xml("stranger", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_TEST(h.status == 403, h.body);
  BOOST_TEST(str(json(h).at("findings").as_array().back().at("path")) == "/Bericht/Header/Afzender");
}

BOOST_AUTO_TEST_CASE(municipality_mailbox_serves_the_declaration_byte_for_byte) {
  auto box = g->curl("gemeente", "/v1/mailbox");
  BOOST_TEST(box.status == 200, box.body);
  auto v = json(box);
  const auto& msgs = v.at("messages").as_array();
  BOOST_REQUIRE(msgs.size() == 1u);
  BOOST_TEST(str(msgs.at(0).at("id")) == declaration_id);
  BOOST_TEST(str(msgs.at(0).at("from")) == "75302186");
  BOOST_TEST(msgs.at(0).at("acked").as_bool() == false);
  // Fetch to a file: exactly the bytes the provider sent.
  std::string out = (g->dir.path() / "fetched.xml").string();
  auto fetched = run_command({"/usr/bin/curl", "-sS", "-o", out, "--cacert", g->pki("ca.pem"), "--cert",
                              g->pki("gemeente.pem"), "--key", g->pki("gemeente.key"),
                              g->https_url + "/v1/mailbox/" + declaration_id});
  BOOST_TEST(fetched.exit_code == 0);
  std::ifstream in(out, std::ios::binary);
  std::ostringstream got;
  got << in.rdbuf();
  BOOST_TEST((got.str() == corpus("ijw/323/valid-declaratie.xml")));
  BOOST_TEST(g->curl("gemeente", "/v1/mailbox/" + declaration_id + "/ack", {"-X", "POST"}).status == 200);
  BOOST_TEST(g->curl("gemeente", "/v1/mailbox/" + declaration_id + "/ack", {"-X", "POST"}).status == 200);
  BOOST_TEST(json(g->curl("gemeente", "/v1/mailbox")).at("messages").as_array().empty());
  auto all = json(g->curl("gemeente", "/v1/mailbox?state=all"));
  BOOST_TEST(all.at("messages").as_array().at(0).at("acked").as_bool());
  BOOST_TEST(g->curl("gemeente", "/v1/mailbox?limit=0").status == 400);
}

BOOST_AUTO_TEST_CASE(nobody_else_sees_a_message) {
  BOOST_TEST(g->curl("provider", "/v1/mailbox/" + declaration_id).status == 404);
  BOOST_TEST(g->curl("stranger", "/v1/messages/" + declaration_id).status == 404);
  BOOST_TEST(g->curl("stranger", "/v1/mailbox/" + declaration_id + "/ack", {"-X", "POST"}).status == 404);
  BOOST_TEST(json(g->curl("stranger", "/v1/mailbox")).at("messages").as_array().empty());
  BOOST_TEST(g->curl("gemeente", "/v1/messages/" + declaration_id).status == 200);  // the receiver may
}

BOOST_AUTO_TEST_CASE(allocation_and_its_retour_travel_both_ways) {
  auto a = g->post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_TEST(a.status == 202, a.body);
  allocation_id = str(json(a).at("id"));
  auto box = json(g->curl("provider", "/v1/mailbox"));
  bool delivered = false;  // next to the 325 of the CS340 case
  for (const auto& m : box.at("messages").as_array()) delivered |= str(m.at("id")) == allocation_id;
  BOOST_TEST(delivered, boost::json::serialize(box));
  // The provider answers with a 302 (header copied from the 301: Afzender is the gemeente).
  auto r = g->post_xml("provider", "/v1/messages", corpus("ijw/302/valid-retour-header-0001.xml"));
  BOOST_TEST(r.status == 202, r.body);
  auto gbox = json(g->curl("gemeente", "/v1/mailbox"));
  BOOST_REQUIRE(gbox.at("messages").as_array().size() == 1u);
  BOOST_TEST(gbox.at("messages").as_array().at(0).at("type").as_int64() == 302);
  // The gemeente cannot send the provider's retour.
  auto spoof = g->post_xml("gemeente", "/v1/messages", corpus("ijw/302/valid-retour-class-codes.xml"));
  BOOST_TEST(spoof.status == 403, spoof.body);
}

BOOST_AUTO_TEST_CASE(retour_for_an_unknown_heen_is_refused) {
  auto doc = std::regex_replace(corpus("ijw/302/valid-retour-header-0001.xml"),
                                std::regex("Identificatie>J301-2026032<"), "Identificatie>J301-9999999<");
  auto h = g->post_xml("provider", "/v1/messages", doc);
  BOOST_TEST(h.status == 422, h.body);
  BOOST_TEST(str(json(h).at("status")) == "refused");
  BOOST_TEST(str(json(h).at("findings").as_array().back().at("en")).find("matches no heenbericht") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dry_run_checks_without_storing) {
  auto before = g->sluisctl({"--json", "queue-summary"});
  auto doc = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"), std::regex("Identificatie>DECL-2602-01<"),
                                "Identificatie>DECL-DRY-01<");
  auto h = g->post_xml("provider", "/v1/validate", doc);
  BOOST_TEST(h.status == 200, h.body);
  BOOST_TEST(str(json(h).at("status")) == "valid");
  BOOST_TEST(json(h).at("stored").as_bool() == false);
  auto bad = g->post_xml("provider", "/v1/validate", corpus("ijw/323/no-prestaties.xml"));
  BOOST_TEST(bad.status == 422);
  BOOST_TEST(str(json(bad).at("status")) == "invalid");
  BOOST_TEST(g->sluisctl({"--json", "queue-summary"}).output == before.output);
}

BOOST_AUTO_TEST_CASE(shadow_partner_is_checked_and_stored_but_never_delivered) {
  auto doc = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"), std::regex("Afzender>75302186<"),
                                "Afzender>55667788<");
  auto h = g->post_xml("shadow", "/v1/messages", doc);
  BOOST_TEST(h.status == 202, h.body);
  std::string id = str(json(h).at("id"));
  // The full report is there for the sender ...
  auto show = g->curl("shadow", "/v1/messages/" + id);
  BOOST_TEST(show.status == 200);
  BOOST_TEST(str(json(show).at("state")) == "held");
  // ... but the municipality never sees it.
  auto all = json(g->curl("gemeente", "/v1/mailbox?state=all"));
  for (const auto& m : all.at("messages").as_array()) BOOST_TEST(str(m.at("id")) != id);
  BOOST_TEST(g->curl("gemeente", "/v1/mailbox/" + id).status == 404);
  // Nor does it enter the ledger: declaring the same DeclaratieNummer again
  // from the shadow partner is no 9333, it was never recorded.
  auto again = std::regex_replace(doc, std::regex("DECL-2602-01"), "DECL-2602-02");
  auto h2 = g->post_xml("shadow", "/v1/messages", again);
  BOOST_TEST(h2.status == 202, h2.body);
  auto v2 = json(h2);
  for (const auto& f : v2.at("findings").as_array()) BOOST_TEST(str(f.at("retourcode")) != "9333");
}

BOOST_AUTO_TEST_CASE(operators_see_the_queue_and_the_message) {
  auto q = g->sluisctl({"--json", "queue-summary"});
  BOOST_TEST(q.exit_code == 0, q.output);
  auto v = boost::json::parse(q.output);
  BOOST_TEST(v.at("arguments").at("states").at("rejected").as_int64() == 3);  // TR056, CS340, xsd
  auto m = g->sluisctl({"--json", "message-show", declaration_id});
  BOOST_TEST(m.exit_code == 0);
  BOOST_TEST(m.output.find("999978366") == std::string::npos);  // never the body or a BSN
}

BOOST_AUTO_TEST_CASE(no_bsn_or_name_reaches_the_log) {
  std::string log = g->daemon->log();
  BOOST_TEST(log.find("INTAKE_ACCEPTED") != std::string::npos);
  std::regex bsn("Bsn>([0-9]{9})<");
  for (const char* f : {"ijw/323/valid-declaratie.xml", "ijw/301/valid-toewijzing.xml"}) {
    std::string doc = corpus(f);
    for (std::sregex_iterator it(doc.begin(), doc.end(), bsn), end; it != end; ++it)
      BOOST_TEST(log.find((*it)[1].str()) == std::string::npos, (*it)[1].str());
    std::regex name("(Achternaam|Voornamen)>([^<]+)<");
    for (std::sregex_iterator it(doc.begin(), doc.end(), name), end; it != end; ++it)
      BOOST_TEST(log.find((*it)[2].str()) == std::string::npos, (*it)[2].str());
  }
}
