// The exchange as a whole: scenarios as data (tests/conformance/scenarios/*.scn)
// played against a real sluisd over mutual TLS, one fresh daemon per scenario.
//
// Partners (fixed): gem = gemeente 0917 (gemeente.pem), zorg = aanbieder
// 75302186 (provider.pem), other = aanbieder 11223344 (stranger.pem).
//
//   # comment
//   partner gem gateway [hold]   (who answers for gem: sluis ("gateway") or gem itself ("partner", default);
//                                 "hold": gem's orphans = "hold")
//   contracts DIR                (sluisd loads the contracts in tests/conformance/scenarios/DIR: catalogus.csv,
//                                 gemeenten.csv, tarieven.csv and degressief.csv when there, its catalogue
//                                 a product list for both laws;
//                                 default: no contracts)
//   send zorg ijw/315/valid-vot.xml   (a corpus message, relative to tests/conformance/xsd, sent by zorg;
//                                 ledger/... are the April and May declarations in tests/conformance/rules/ledger)
//   set /Bericht/... value       (edits of that message's model, written with sluis's model writer)
//   remove /Bericht/...
//   expect 202 9338 9338         (HTTP status, then the retourcodes of the answer's findings in any order;
//                                 nothing after the status: no findings)
//   answer 0200 0200 8001        (the RetourCodes, in document order, of the retour or 325 sluis composed
//                                 for the sender; "answer" alone: a retour without codes, IV028's all fine)
//   no-answer                    (sluis composed nothing for the sender)
//   answer-has <TotaalToegekendBedrag><Bedrag>0<   (a text in that answer, without namespace prefixes and indentation)
//   advisory                     (every finding of that answer is marked advisory: the receiver answers)
//   delivered gem                (the message just sent waits in gem's mailbox)
//   remember NAME                (names the message just sent)
//   state NAME held              (that message's state now, GET /v1/messages/{id} by its sender)
//   mailbox zorg 306 1           (zorg's mailbox holds that many unacknowledged messages of that type)
//   orphans 1                    (sluisctl orphan-list: that many allocations awaited by held messages)
//   overdue gem 2 30             (sluisctl overdue --partner gem --as-of <today + 30 days>: gem owes that
//                                 many answers past their due date on that day)
//   late OP271                   (the answer carries an advisory finding of that deadline rule, no retourcode)
//
// Every answer sluis composes is fetched from the sender's mailbox and must
// validate against the schemas.
#define BOOST_TEST_MODULE scenarios
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "gateway/core/clock.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/model_writer.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"
#include "tests/support/test_gateway.hpp"

namespace fs = std::filesystem;
using namespace sluis;
using sluis::test::Http;
using sluis::test::TestGateway;

namespace {

fs::path scenarios_dir() { return test::source() / "tests/conformance/scenarios"; }

struct Line {
  int number;
  std::string word, rest;
};

std::vector<Line> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Line> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    std::istringstream ls(line.substr(start));
    Line l{n, {}, {}};
    ls >> l.word;
    std::getline(ls >> std::ws, l.rest);
    out.push_back(l);
  }
  return out;
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string partners(TestGateway& g, const std::map<std::string, std::string>& retour,
                     const std::set<std::string>& hold) {
  auto mode = [&](const std::string& id) {
    auto it = retour.find(id);
    return it == retour.end() ? std::string("partner") : it->second;
  };
  std::ostringstream c;
  auto one = [&](const char* id, const char* role, const char* code, const char* cert) {
    c << "[[partners]]\nid = \"" << id << "\"\nrole = \"" << role << "\"\ncodes = [\"" << code << "\"]\n"
      << "retour = \"" << mode(id) << "\"\n"
      << "orphans = \"" << (hold.count(id) ? "hold" : "refuse") << "\"\n"
      << "[[partners.certificates]]\nspki_sha256 = \"" << g.spki(cert) << "\"\n";
  };
  one("gem", "gemeente", "0917", "gemeente.pem");
  one("zorg", "aanbieder", "75302186", "provider.pem");
  one("other", "aanbieder", "11223344", "stranger.pem");
  return c.str();
}

const std::map<std::string, std::string> kCert = {{"gem", "gemeente"}, {"zorg", "provider"}, {"other", "stranger"}};

// The answer without namespace prefixes and without the indentation between tags.
std::string plain(const std::string& xml) {
  return std::regex_replace(std::regex_replace(xml, std::regex("<(/?)[A-Za-z0-9]+:"), "<$1"), std::regex(">\\s+<"), "><");
}

std::vector<std::string> retour_codes(const std::string& xml) {
  std::vector<std::string> out;
  static const std::regex code("<(?:[A-Za-z0-9]+:)?RetourCode>([^<]*)<");
  for (std::sregex_iterator it(xml.begin(), xml.end(), code), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& w : v) s += (s.empty() ? "" : " ") + w;
  return s.empty() ? "none" : s;
}

struct Runner {
  Runner() {
    cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    validator = std::make_unique<xml::Validator>(*s, cfg);
  }

  standard::model::Message read(const std::string& rel) {
    // "ledger/..." are the declarations of the rule cases (tests/conformance/rules/ledger).
    fs::path file = rel.rfind("ledger/", 0) == 0 ? test::source() / "tests/conformance/rules" / rel
                                                 : test::source() / "tests/conformance/xsd" / rel;
    auto o = validator->validate(test::slurp(file), xml::ReadModel::yes);
    BOOST_REQUIRE_MESSAGE(o.message.has_value(), rel << " does not read");
    return *o.message;
  }

  void play(const fs::path& file) {
    auto lines = lines_of(file);
    std::map<std::string, std::string> retour;
    std::set<std::string> hold;
    std::string contracts;  // [contracts] of sluisd.toml
    for (const auto& l : lines)
      if (l.word == "contracts") {
        const fs::path d = scenarios_dir() / l.rest;
        contracts = "[contracts]\ncatalogue = \"" + (d / "catalogus.csv").string() + "\"\ncoverage = \"" +
                    (d / "gemeenten.csv").string() + "\"\ntariffs = \"" + (d / "tarieven.csv").string() +
                    "\"\ncatalogue_product_list = [\"iwmo\", \"ijw\"]\n";
        if (fs::exists(d / "degressief.csv"))
          contracts += "degressive = \"" + (d / "degressief.csv").string() + "\"\n";
      } else if (l.word == "partner") {
        auto w = words(l.rest);
        BOOST_REQUIRE_MESSAGE((w.size() == 2 || (w.size() == 3 && w[2] == "hold")) &&
                                  (w[1] == "gateway" || w[1] == "partner"),
                              file.filename() << ":" << l.number << ": partner <id> gateway|partner [hold]");
        retour[w[0]] = w[1];
        if (w.size() == 3) hold.insert(w[0]);
      }
    TestGateway g("scn-" + file.stem().string(), [&](TestGateway& t) { return partners(t, retour, hold); },
                  contracts);
    std::map<std::string, std::pair<std::string, std::string>> named;  // NAME -> (sender, id)

    std::string who;                               // sender of the pending message
    std::optional<standard::model::Message> msg;   // the message being edited
    boost::json::object last;                      // the answer to the last message sent
    std::string answer;                            // the retour/325 sluis composed for it
    for (const auto& l : lines) {
      BOOST_TEST_CONTEXT(file.filename().string() << ":" << l.number << " " << l.word << " " << l.rest) {
        if (l.word == "partner" || l.word == "contracts") continue;
        if (l.word == "send") {
          auto w = words(l.rest);
          BOOST_REQUIRE(w.size() == 2 && kCert.count(w[0]));
          who = w[0];
          msg = read(w[1]);
        } else if (l.word == "set" || l.word == "remove") {
          BOOST_REQUIRE(msg.has_value());
          std::optional<std::string> value;
          std::string path = l.rest;
          if (l.word == "set") {
            auto sp = l.rest.find(' ');
            path = l.rest.substr(0, sp);
            value = sp == std::string::npos ? "" : l.rest.substr(sp + 1);
          }
          auto r = xml::edit_model(*msg, path, value ? std::optional<std::string_view>(*value) : std::nullopt);
          BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
        } else if (l.word == "expect") {
          BOOST_REQUIRE(msg.has_value());
          auto w = words(l.rest);
          BOOST_REQUIRE(!w.empty());
          Http h = g.post_xml(kCert.at(who), "/v1/messages", xml::write_message(*msg));
          msg.reset();
          BOOST_TEST(h.status == std::stoi(w[0]), h.body);
          auto v = boost::json::parse(h.body);
          BOOST_REQUIRE(v.is_object());
          last = v.as_object();
          std::vector<std::string> want(w.begin() + 1, w.end()), got;
          if (last.contains("findings"))
            for (const auto& f : last.at("findings").as_array())
              if (f.as_object().contains("retourcode")) got.push_back(std::string(f.at("retourcode").as_string()));
          std::sort(want.begin(), want.end());
          std::sort(got.begin(), got.end());
          BOOST_TEST(joined(got) == joined(want), h.body);
          answer.clear();
          if (last.contains("retour")) {
            Http r = g.curl(kCert.at(who), "/v1/mailbox/" + std::string(last.at("retour").as_string()));
            BOOST_TEST(r.status == 200);
            answer = r.body;
            auto checked = validator->validate(answer, xml::ReadModel::no);
            std::string why;
            for (const auto& f : checked.findings) why += "\n  " + f.path + ": " + f.en;
            BOOST_TEST((checked.verdict == xml::Verdict::valid), "sluis's answer is not schema-valid:" << why << "\n" << answer);
          }
        } else if (l.word == "no-answer") {
          BOOST_TEST(answer.empty(), answer);
        } else if (l.word == "answer") {
          BOOST_TEST(!answer.empty(), boost::json::serialize(last));
          BOOST_TEST(joined(retour_codes(answer)) == joined(words(l.rest)), "codes " << joined(retour_codes(answer)) << " in\n" << answer);
        } else if (l.word == "answer-has") {
          BOOST_TEST(plain(answer).find(l.rest) != std::string::npos, answer);
        } else if (l.word == "advisory") {
          BOOST_TEST(!last.at("findings").as_array().empty());
          for (const auto& f : last.at("findings").as_array())
            BOOST_TEST((f.as_object().contains("advisory") && f.at("advisory").as_bool()), boost::json::serialize(f));
        } else if (l.word == "remember") {
          named[l.rest] = {who, std::string(last.at("id").as_string())};
        } else if (l.word == "state") {
          auto w = words(l.rest);
          BOOST_REQUIRE(w.size() == 2 && named.count(w[0]));
          auto [sender, id] = named.at(w[0]);
          Http h = g.curl(kCert.at(sender), "/v1/messages/" + id);
          BOOST_TEST(h.status == 200);
          auto v = boost::json::parse(h.body);
          BOOST_TEST(std::string(v.at("state").as_string()) == w[1], h.body);
        } else if (l.word == "mailbox") {
          auto w = words(l.rest);
          BOOST_REQUIRE(w.size() == 3 && kCert.count(w[0]));
          auto v = boost::json::parse(g.curl(kCert.at(w[0]), "/v1/mailbox").body);
          long n = 0;
          for (const auto& x : v.at("messages").as_array()) n += x.at("type").as_int64() == std::stol(w[1]);
          BOOST_TEST(n == std::stol(w[2]), boost::json::serialize(v));
        } else if (l.word == "orphans") {
          auto r = g.sluisctl({"--json", "orphan-list"});
          auto v = boost::json::parse(r.output);
          std::size_t n = 0;
          if (v.as_object().contains("arguments") && v.at("arguments").as_object().contains("orphans"))
            n = v.at("arguments").at("orphans").as_array().size();
          BOOST_TEST(n == std::stoul(l.rest), r.output);
        } else if (l.word == "overdue") {
          auto w = words(l.rest);
          BOOST_REQUIRE(w.size() == 3 && kCert.count(w[0]));
          auto day = core::add_days(core::dutch_date(std::chrono::system_clock::now()), std::stoi(w[2]));
          auto r = g.sluisctl({"--json", "overdue", "--partner", w[0], "--as-of", core::format_date(day)});
          auto v = boost::json::parse(r.output);
          std::size_t n = 0;
          if (v.as_object().contains("arguments") && v.at("arguments").as_object().contains("partners")) {
            const auto& ps = v.at("arguments").at("partners").as_object();
            if (ps.contains(w[0])) n = ps.at(w[0]).as_array().size();
          }
          BOOST_TEST(n == std::stoul(w[1]), r.output);
        } else if (l.word == "late") {
          bool found = false;
          for (const auto& f : last.at("findings").as_array()) {
            const auto& o = f.as_object();
            if (o.at("origin").as_string() != l.rest) continue;
            found = true;
            BOOST_TEST(!o.contains("retourcode"), boost::json::serialize(f));
            BOOST_TEST((o.contains("advisory") && o.at("advisory").as_bool()), boost::json::serialize(f));
          }
          BOOST_TEST(found, boost::json::serialize(last));
        } else if (l.word == "delivered") {
          BOOST_REQUIRE(kCert.count(l.rest));
          std::string id(last.at("id").as_string());
          BOOST_TEST(g.curl(kCert.at(l.rest), "/v1/mailbox/" + id).status == 200);
        } else {
          BOOST_FAIL("unknown line");
        }
      }
    }
    BOOST_TEST(!msg.has_value(), file.filename() << ": a message was edited but never sent (no expect)");
  }

  xml::XercesRuntime runtime;
  config::SchemasConfig cfg;
  std::unique_ptr<xml::Validator> validator;
};

}  // namespace

// Every cross-message rule with a retourcode is seen refusing in some
// scenario (the 325 checks without one, TR337/TR371/TR376, have their cases in
// tests/conformance/rules/).
BOOST_AUTO_TEST_CASE(every_cross_message_rule_in_a_scenario) {
  std::set<std::string> expected;
  for (const auto& e : fs::directory_iterator(scenarios_dir())) {
    if (e.path().extension() != ".scn") continue;
    for (const auto& l : lines_of(e.path()))
      if (l.word == "expect") {
        auto w = words(l.rest);
        expected.insert(w.begin() + (w.empty() ? 0 : 1), w.end());
      }
  }
  for (const auto& r : rules::registry())
    if (r.level == rules::Level::cross_message && !r.retourcode.empty())
      BOOST_TEST(expected.count(std::string(r.retourcode)), r.id << " (" << r.retourcode << ") is in no scenario");
}

BOOST_AUTO_TEST_CASE(every_scenario) {
  Runner runner;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(scenarios_dir()))
    if (e.path().extension() == ".scn") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  BOOST_TEST(!files.empty());
  // SCENARIO=name plays one (while writing one).
  const char* only = std::getenv("SCENARIO");
  for (const auto& f : files) {
    if (only && f.stem() != only) continue;
    BOOST_TEST_CONTEXT(f.filename().string()) { runner.play(f); }
  }
}
