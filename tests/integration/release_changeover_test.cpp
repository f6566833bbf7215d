// A new release of the standard, taken into use the way docs/operations.md
// says: its packs beside the old ones, added to `[schemas] packs`, applied
// with `sluisctl config-reload`, and the old release retired the same way.
// The second release is synthetic (iJw "3.3": the 3.2 pack with its
// namespaces, its appinfo and BerichtSubversie rewritten, a MANIFEST of its
// own), so the test shows what sluis does with two packs of one law, not
// what a future release will contain:
//   - each message is identified by its namespace and validated against its
//     own pack (a 3.3 message with BerichtSubversie 2 fails, a 3.2 one passes);
//   - the release is stored with the message, and a retour travels in the
//     release of its heen, sent by the partner or composed by sluis;
//   - a retired release is refused with an answer that says so, while its
//     stored messages stay readable.
#define BOOST_TEST_MODULE release_changeover
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

// Who answers the provider's 301s: the provider itself or sluis.
std::string provider_retour = "partner";

std::string partners(TestGateway& g) {
  return g.partner("zorg", "aanbieder", "\"75302186\"", "provider.pem", "retour = \"" + provider_retour + "\"\n") +
         g.partner("gem", "gemeente", "\"0917\"", "gemeente.pem");
}

TestGateway* g = nullptr;
struct Global {
  Global() { g = new TestGateway("release", partners); }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

boost::json::value json(const Http& h) { return boost::json::parse(h.body); }
std::string str(const boost::json::value& v) { return std::string(v.as_string()); }

// Every finding's English text, one per line.
std::string findings_en(const Http& h) {
  std::string out;
  const auto v = json(h);
  for (const auto& f : v.at("findings").as_array()) out += str(f.at("en")) + "\n";
  return out;
}

// A corpus message in release 3.3 (or 3.2 with `subversie` only changed).
std::string as_release(std::string doc, const std::string& release) {
  if (release == "3.3") {
    doc = std::regex_replace(doc, std::regex("/3_2/"), "/3_3/");
    doc = std::regex_replace(doc, std::regex("BerichtSubversie>2<"), "BerichtSubversie>3<");
  }
  return doc;
}

std::string with_id(const std::string& doc, const std::string& id) {
  return std::regex_replace(doc, std::regex("Identificatie>J301-2026032<"), "Identificatie>" + id + "<");
}

std::string message_release(const std::string& id) {
  auto r = g->sluisctl({"--json", "message-show", id});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  return str(boost::json::parse(r.output).at("arguments").at("message").at("release"));
}

void reload_with(std::vector<std::string> packs) {
  g->schema_packs = std::move(packs);
  g->write_config();
  auto r = g->sluisctl({"config-reload"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.output);
}

std::string heen_33;  // the 3.3 301 the provider answers
std::string old_32;   // an accepted 3.2 301

}  // namespace

BOOST_AUTO_TEST_CASE(a_release_not_in_force_is_refused_with_its_name) {
  auto h = g->post_xml("gemeente", "/v1/messages", as_release(corpus("ijw/301/valid-toewijzing.xml"), "3.3"));
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(findings_en(h).find("Release 3.3 of ijw is not (or no longer) accepted") != std::string::npos, h.body);
  BOOST_TEST(findings_en(h).find("accepted: iwmo 3.2, ijw 3.2.") != std::string::npos, h.body);
  BOOST_TEST(json(h).at("findings").as_array().size() == 1u, h.body);  // that alone
}

BOOST_AUTO_TEST_CASE(the_new_release_is_added_beside_the_old_and_reloaded) {
  // The new package's packs beside the old ones (here: a copy of the tree).
  g->schemas_dir = g->dir.path() / "schemas";
  auto made = run_command(
      {"/bin/sh", "-ec",
       "cp -r \"$1\" \"$2\"; cp -r \"$2/ijw/3.2\" \"$2/ijw/3.3\"; cd \"$2/ijw/3.3\"; "
       "sed -i -e 's#/3_2/#/3_3/#g' -e 's#<release>3.2</release>#<release>3.3</release>#' "
       "-e '/name=\"BerichtSubversie\"/,/<\\/xs:element>/ s#<xs:pattern value=\"2\"/>#<xs:pattern value=\"3\"/>#' "
       "*.xsd; { echo '# release=3.3 law=ijw'; sha256sum *.xsd; } > MANIFEST",
       "sh", (source() / "schemas").string(), g->schemas_dir.string()});
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.output);
  // The check an operator runs first names the new pack when it is broken ...
  {
    std::ofstream(g->schemas_dir / "ijw/3.3/jw301.xsd", std::ios::app) << "<!-- edited -->\n";
    g->schema_packs = {"iwmo/3.2", "ijw/3.2", "ijw/3.3"};
    g->write_config();
    auto bad = g->sluisctl({"config-reload"});
    BOOST_TEST(bad.exit_code != 0, bad.output);
    BOOST_TEST(bad.output.find("jw301.xsd differs from its MANIFEST") != std::string::npos, bad.output);
    auto st = g->sluisctl({"--json", "status-get"});
    BOOST_TEST(boost::json::parse(st.output).at("arguments").at("schema_packs").as_array().size() == 2u,
               st.output);
    auto fixed = run_command({"/bin/sh", "-ec", "cd \"$1\"; sed -i '$d' jw301.xsd; "
                                                "{ echo '# release=3.3 law=ijw'; sha256sum *.xsd; } > MANIFEST",
                              "sh", (g->schemas_dir / "ijw/3.3").string()});
    BOOST_REQUIRE_MESSAGE(fixed.exit_code == 0, fixed.output);
  }
  // ... and the reload takes it into use without a restart.
  auto check = g->sluisctl({"config-test", "--file", (g->dir.path() / "sluisd.toml").string()});
  BOOST_TEST(check.exit_code == 0, check.output);
  auto r = g->sluisctl({"config-reload"});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("schemas.packs now iwmo/3.2, ijw/3.2, ijw/3.3") != std::string::npos, r.output);
  auto st = g->sluisctl({"--json", "status-get"});
  auto packs = boost::json::serialize(boost::json::parse(st.output).at("arguments").at("schema_packs"));
  BOOST_TEST(packs == R"(["iwmo/3.2","ijw/3.2","ijw/3.3"])", packs);
}

BOOST_AUTO_TEST_CASE(each_message_is_judged_by_the_pack_of_its_release) {
  const std::string base = corpus("ijw/301/valid-toewijzing.xml");
  auto new_one = g->post_xml("gemeente", "/v1/messages", as_release(base, "3.3"));
  BOOST_TEST(new_one.status == 202, new_one.body);
  BOOST_TEST(str(json(new_one).at("release")) == "3.3", new_one.body);
  heen_33 = str(json(new_one).at("id"));
  BOOST_TEST(message_release(heen_33) == "3.3");

  auto old_one = g->post_xml("gemeente", "/v1/messages", with_id(base, "J301-OLD-01"));
  BOOST_TEST(old_one.status == 202, old_one.body);
  old_32 = str(json(old_one).at("id"));
  BOOST_TEST(message_release(old_32) == "3.2");

  // The subversion belongs to the release: each pack holds its own.
  auto mixed33 = std::regex_replace(with_id(as_release(base, "3.3"), "J301-MIX-33"),
                                    std::regex("BerichtSubversie>3<"), "BerichtSubversie>2<");
  auto h33 = g->post_xml("gemeente", "/v1/messages", mixed33);
  BOOST_TEST(h33.status == 422, h33.body);
  BOOST_TEST(findings_en(h33).find("exactly 3 in release 3.3 (BerichtVersie 3, BerichtSubversie 3)") !=
                 std::string::npos,
             h33.body);
  auto mixed32 = std::regex_replace(with_id(base, "J301-MIX-32"), std::regex("BerichtSubversie>2<"),
                                    "BerichtSubversie>3<");
  auto h32 = g->post_xml("gemeente", "/v1/messages", mixed32);
  BOOST_TEST(h32.status == 422, h32.body);
  BOOST_TEST(findings_en(h32).find("exactly 2 in release 3.2 (BerichtVersie 3, BerichtSubversie 2)") !=
                 std::string::npos,
             h32.body);
}

BOOST_AUTO_TEST_CASE(a_retour_travels_in_the_release_of_its_heen) {
  // The provider fetches the 3.3 301 as it was sent ...
  auto body = g->curl("provider", "/v1/mailbox/" + heen_33);
  BOOST_TEST(body.status == 200);
  BOOST_TEST(body.body.find("http://www.istandaarden.nl/ijw/3_3/jw301/schema") != std::string::npos);
  // ... and answers it with its own 3.3 302.
  auto r = g->post_xml("provider", "/v1/messages", as_release(corpus("ijw/302/valid-retour-header-0001.xml"), "3.3"));
  BOOST_TEST(r.status == 202, r.body);
  auto retour_id = str(json(r).at("id"));
  BOOST_TEST(message_release(retour_id) == "3.3");
  auto fetched = g->curl("gemeente", "/v1/mailbox/" + retour_id);
  BOOST_TEST(fetched.status == 200);
  BOOST_TEST(fetched.body.find("http://www.istandaarden.nl/ijw/3_3/jw302/schema") != std::string::npos);

  // When sluis answers for the provider, the composed 302 is in 3.3 too.
  provider_retour = "gateway";
  reload_with({"iwmo/3.2", "ijw/3.2", "ijw/3.3"});
  auto a = g->post_xml("gemeente", "/v1/messages",
                       with_id(as_release(corpus("ijw/301/valid-toewijzing.xml"), "3.3"), "J301-GW-33"));
  // Its references to requests sluis does not hold are refused (TR379) in
  // the 302 sluis composes for the provider.
  BOOST_TEST(a.status == 422, a.body);
  BOOST_REQUIRE_MESSAGE(json(a).as_object().contains("retour"), a.body);
  const std::string composed_id = str(json(a).at("retour"));
  auto composed = g->curl("gemeente", "/v1/mailbox/" + composed_id);
  BOOST_TEST(composed.status == 200);
  BOOST_TEST(composed.body.find("http://www.istandaarden.nl/ijw/3_3/jw302/schema") != std::string::npos,
             composed.body);
  BOOST_TEST(composed.body.find("BerichtSubversie>3<") != std::string::npos, composed.body);
  BOOST_TEST(composed.body.find("J301-GW-33") != std::string::npos, composed.body);
  BOOST_TEST(message_release(composed_id) == "3.3");
  // It is a valid 3.3 retour: sluisctl validate, with the packs in force, says so.
  g->dir.write("composed-302.xml", composed.body);
  // (run where the daemon runs: the configuration's paths are relative to it)
  auto checked = run_command({"/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", g->dir.path().string(),
                              (bin_dir() / "tools/sluisctl").string(), "--json", "validate", "--config",
                              "sluisd.toml", "composed-302.xml"});
  BOOST_TEST(checked.exit_code == 0, checked.output);
  BOOST_TEST(checked.output.find("\"release\":\"3.3\"") != std::string::npos, checked.output);
  BOOST_TEST(checked.output.find("\"verdict\":\"valid\"") != std::string::npos, checked.output);
  provider_retour = "partner";
}

BOOST_AUTO_TEST_CASE(the_old_release_is_retired_and_its_messages_stay) {
  reload_with({"iwmo/3.2", "ijw/3.3"});
  auto h = g->post_xml("gemeente", "/v1/messages", with_id(corpus("ijw/301/valid-toewijzing.xml"), "J301-LATE-32"));
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(findings_en(h).find("Release 3.2 of ijw is not (or no longer) accepted") != std::string::npos, h.body);
  auto fresh = g->post_xml("gemeente", "/v1/messages",
                           with_id(as_release(corpus("ijw/301/valid-toewijzing.xml"), "3.3"), "J301-NEW-33"));
  BOOST_TEST(fresh.status == 202, fresh.body);
  // What was stored in 3.2 is still there, as it was.
  auto list = g->sluisctl({"--json", "queue-list", "--type", "301"});
  BOOST_TEST(list.exit_code == 0, list.output);
  int old_ones = 0;
  const auto listed = boost::json::parse(list.output);
  for (const auto& m : listed.at("arguments").at("messages").as_array())
    if (message_release(str(m.at("id"))) == "3.2") ++old_ones;
  BOOST_TEST(old_ones == 2, list.output);  // J301-OLD-01 and the rejected J301-MIX-32
  auto show = g->sluisctl({"--json", "message-show", old_32, "--body"});
  BOOST_TEST(show.exit_code == 0, show.output);
  BOOST_TEST(show.output.find("J301-OLD-01") != std::string::npos, show.output);
}
