// Who may answer what, against the real sluisd over mutual TLS: a retour is
// accepted only from the partner that received its heenbericht, under the code
// it was sent to, and "not yours" reads exactly like "unknown" (also in the dry
// run); a 325 binds the gemeente the declaration was sent to; a partner's
// shadow period never makes what it sends once live a replay or a 9056.
//
// Partners: gem (gemeente 0917) and zorg (aanbieder 75302186, also 75302999)
// exchange the corpus messages; buur is another gemeente (0363), other another
// aanbieder (11223344); proef (aanbieder 55667788) starts in shadow mode and
// goes live by a reload.
#define BOOST_TEST_MODULE authz
#include <signal.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

std::string replace(const std::string& doc, const std::string& from, const std::string& to) {
  return std::regex_replace(doc, std::regex(from), to);
}

bool proef_live = false;

std::string partners(TestGateway& g) {
  return g.partner("zorg", "aanbieder", "\"75302186\", \"75302999\"", "provider.pem") +
         g.partner("gem", "gemeente", "\"0917\"", "gemeente.pem") +
         g.partner("buur", "gemeente", "\"0363\"", "notenrolled.pem") +
         g.partner("other", "aanbieder", "\"11223344\"", "stranger.pem") +
         g.partner("proef", "aanbieder", "\"55667788\"", "shadow.pem",
                   std::string("mode = \"") + (proef_live ? "live" : "shadow") + "\"\n");
}

TestGateway* g = nullptr;
struct Global {
  Global() { g = new TestGateway("authz", partners); }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

boost::json::value json(const Http& h) { return boost::json::parse(h.body); }
std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

// The ids of the messages of `type` in `who`'s mailbox (all, acknowledged too).
std::vector<std::string> mailbox(const std::string& who, int type) {
  std::vector<std::string> ids;
  auto box = json(g->curl(who, "/v1/mailbox?state=all&limit=1000"));
  for (const auto& m : box.at("messages").as_array())
    if (m.at("type").as_int64() == type) ids.push_back(str(m.at("id")));
  return ids;
}

bool has_rule(const boost::json::value& answer, const std::string& rule) {
  for (const auto& f : answer.at("findings").as_array())
    if (auto* r = f.as_object().if_contains("rule"); r && r->as_string() == rule) return true;
  return false;
}

// A retour answer with its values (the header the sender sent) taken out:
// what is left must not depend on whether the heenbericht exists.
std::string without_values(std::string answer, const std::vector<std::string>& values) {
  for (const auto& v : values)
    for (auto at = answer.find(v); at != std::string::npos; at = answer.find(v)) answer.replace(at, v.size(), "<v>");
  return answer;
}

// gem's allocation 301 (J301-2026032 of 2026-03-02) to zorg's 75302186.
void allocation_sent() {
  static bool sent = false;
  if (sent) return;
  auto h = g->post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  sent = true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(another_partner_cannot_answer_a_heenbericht_it_did_not_receive) {
  allocation_sent();
  // other copies the 301's header into a 302 with its own code as Ontvanger.
  const auto forged = replace(corpus("ijw/302/valid-retour-class-codes.xml"), "Ontvanger>75302186<", "Ontvanger>11223344<");
  auto h = g->post_xml("stranger", "/v1/messages", forged);
  BOOST_TEST(h.status == 422, h.body);
  BOOST_TEST(str(json(h).at("status")) == "refused");
  BOOST_TEST(str(json(h).at("findings").as_array().back().at("en")).find("matches no heenbericht sent to you") !=
                 std::string::npos,
             h.body);
  // Nothing of it reached gem, and zorg's own retour is accepted, not a 9056.
  BOOST_TEST(mailbox("gemeente", 302).empty());
  auto real = g->post_xml("provider", "/v1/messages", corpus("ijw/302/valid-retour-class-codes.xml"));
  BOOST_TEST(real.status == 202, real.body);
  BOOST_TEST(str(json(real).at("status")) == "accepted");
  BOOST_TEST(!has_rule(json(real), "TR056"), real.body);
  auto delivered = mailbox("gemeente", 302);
  BOOST_REQUIRE(delivered.size() == 1u);
  BOOST_TEST(delivered.front() == str(json(real).at("id")));
  // The forger's retour again, now that the real one is in: still refused.
  auto again = g->post_xml("stranger", "/v1/messages", forged);
  BOOST_TEST(again.status == 422, again.body);
  BOOST_TEST(mailbox("gemeente", 302).size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_receiver_answers_under_the_code_the_heenbericht_was_sent_to) {
  allocation_sent();
  // zorg owns 75302999 too, but the 301 went to 75302186.
  const auto other_code = replace(corpus("ijw/302/valid-retour-header-0001.xml"), "Ontvanger>75302186<", "Ontvanger>75302999<");
  auto h = g->post_xml("provider", "/v1/messages", other_code);
  BOOST_TEST(h.status == 422, h.body);
  BOOST_TEST(str(json(h).at("status")) == "refused", h.body);
}

BOOST_AUTO_TEST_CASE(not_yours_and_unknown_get_the_same_answer_also_in_the_dry_run) {
  allocation_sent();
  const auto forged = replace(corpus("ijw/302/valid-retour-class-codes.xml"), "Ontvanger>75302186<", "Ontvanger>11223344<");
  const auto unknown = replace(forged, "Identificatie>J301-2026032<", "Identificatie>J301-2026099<");
  for (const char* path : {"/v1/messages", "/v1/validate"}) {
    auto a = g->post_xml("stranger", path, forged);
    auto b = g->post_xml("stranger", path, unknown);
    BOOST_TEST(a.status == 422, path << " " << a.body);
    BOOST_TEST(a.status == b.status, path);
    BOOST_TEST(without_values(a.body, {"J301-2026032"}) == without_values(b.body, {"J301-2026099"}), path);
  }
}

BOOST_AUTO_TEST_CASE(a_325_binds_the_gemeente_the_declaration_was_sent_to) {
  // zorg declares to gem (0917) ...
  auto d = g->post_xml("provider", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_REQUIRE_MESSAGE(d.status == 202, d.body);
  // ... buur (0363) answers it as if it were its own: refused (TR337), never delivered.
  auto foreign = replace(corpus("ijw/325/valid-prestatie-rejected.xml"), "Afzender>0917<", "Afzender>0363<");
  auto h = g->post_xml("notenrolled", "/v1/messages", foreign);
  BOOST_TEST(h.status == 422, h.body);
  BOOST_TEST(str(json(h).at("status")) == "rejected");
  BOOST_TEST(has_rule(json(h), "TR337"), h.body);
  BOOST_TEST(mailbox("provider", 325).empty());
  // gem's own answer is judged against the declaration and accepted.
  auto own = g->post_xml("gemeente", "/v1/messages", corpus("ijw/325/valid-prestatie-rejected.xml"));
  BOOST_TEST(own.status == 202, own.body);
  BOOST_TEST(!has_rule(json(own), "TR337"), own.body);
  auto delivered = mailbox("provider", 325);
  BOOST_REQUIRE(delivered.size() == 1u);
  BOOST_TEST(delivered.front() == str(json(own).at("id")));
}

BOOST_AUTO_TEST_CASE(what_a_partner_sent_in_shadow_never_counts_once_it_is_live) {
  const auto base = replace(corpus("ijw/323/valid-declaratie.xml"), "Afzender>75302186<", "Afzender>55667788<");
  const auto resent = replace(base, "DECL-2602-01", "SHD-2602-01");
  const auto reused = replace(base, "DECL-2602-01", "SHD-2602-02");
  auto a = g->post_xml("shadow", "/v1/messages", resent);
  auto b = g->post_xml("shadow", "/v1/messages", reused);
  BOOST_REQUIRE_MESSAGE(a.status == 202, a.body);
  BOOST_REQUIRE_MESSAGE(b.status == 202, b.body);
  const std::string held = str(json(a).at("id"));
  // In shadow, the same message again is a replay of the held one.
  auto replay = g->post_xml("shadow", "/v1/messages", resent);
  BOOST_TEST(replay.headers.find("Idempotent-Replay: true") != std::string::npos, replay.headers);
  BOOST_TEST(str(json(replay).at("id")) == held);

  proef_live = true;
  g->write_config();
  auto reload = g->sluisctl({"config-reload"});
  BOOST_REQUIRE_MESSAGE(reload.exit_code == 0, reload.output);

  // Live, the message sent in shadow is a new message: stored, queued, delivered.
  auto live = g->post_xml("shadow", "/v1/messages", resent);
  BOOST_TEST(live.status == 202, live.body);
  BOOST_TEST(live.headers.find("Idempotent-Replay") == std::string::npos, live.headers);
  const std::string id = str(json(live).at("id"));
  BOOST_TEST(id != held);
  BOOST_TEST(str(json(g->curl("shadow", "/v1/messages/" + id)).at("state")) == "queued");
  auto box = mailbox("gemeente", 323);
  BOOST_TEST((std::find(box.begin(), box.end(), id) != box.end()));
  BOOST_TEST((std::find(box.begin(), box.end(), held) == box.end()));
  // The shadow copy stays, held, as the record of the shadow period.
  BOOST_TEST(str(json(g->curl("shadow", "/v1/messages/" + held)).at("state")) == "held");
  // Another body under an identification used in shadow is no 9056.
  auto other = g->post_xml("shadow", "/v1/messages",
                           replace(reused, "Dagtekening>2026-03-04<", "Dagtekening>2026-03-05<"));
  BOOST_TEST(other.status == 202, other.body);
  BOOST_TEST(!has_rule(json(other), "TR056"), other.body);
  // Once live, the live message is what counts: another body under its identification is.
  auto conflict = g->post_xml("shadow", "/v1/messages",
                              replace(resent, "Dagtekening>2026-03-04<", "Dagtekening>2026-03-06<"));
  BOOST_TEST(conflict.status == 422, conflict.body);
  BOOST_TEST(has_rule(json(conflict), "TR056"), conflict.body);
}
