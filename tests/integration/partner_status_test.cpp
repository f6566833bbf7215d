// The partner's status page over real mutual TLS (docs/portal.md, "GET
// /v1/status"): a provider whose messages sluis rejected (a 323 refused by
// CS340, a 305 refused by the XML schema) finds every one of them with its
// findings explained on one page, with the messages waiting in its mailbox
// (the gemeente's 301 and the 325 sluis composed) and the retour it owes for
// that 301; its contract and degressive position from the loaded contracts.
// The gemeente and another provider never see the provider's messages; the
// page is well-formed XML (xmllint), personal, Dutch or English as
// Accept-Language asks; a parameter is refused; a monitoring partner is not
// let in.
#define BOOST_TEST_MODULE partner_status
#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <regex>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

const char* kCatalogue =
    "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;"
    "einddatum\n"
    "ijw;45;45A01;jeugdhulp ambulant;jeugdhulp ambulant;;04;2|4;inspanningsgericht;2025-01-01;\n";
const char* kCoverage = "contract;gemeente;ingangsdatum;einddatum\nparkstad;0917;2025-01-01;\n";
const char* kTariffs =
    "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;"
    "geforceerd;reden\n"
    "parkstad;ijw;45;45A01;;8640;2025-01-01;;;\n"
    "parkstad;ijw;45;45A01;75302186;;2025-01-01;;;\n";
const char* kDegressief = "contract;aanbieder;jaar;drempel_etmalen;percentage;instroomjaar\n";

ScratchDir* data = nullptr;
TestGateway* g = nullptr;

std::string contracts() {
  data = new ScratchDir("partner-status-data");
  data->write("catalogus.csv", kCatalogue);
  data->write("gemeenten.csv", kCoverage);
  data->write("tarieven.csv", kTariffs);
  // This Dutch year's row, whatever year the test runs in.
  const auto now = std::chrono::system_clock::now();
  const int year = static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now)).year());
  data->write("degressief.csv", std::string(kDegressief) + "parkstad;75302186;" +
                                    std::to_string(year) + ";100;50;\n");
  return "[contracts]\ncatalogue = \"" + (data->path() / "catalogus.csv").string() +
         "\"\ncoverage = \"" + (data->path() / "gemeenten.csv").string() + "\"\ntariffs = \"" +
         (data->path() / "tarieven.csv").string() + "\"\ndegressive = \"" +
         (data->path() / "degressief.csv").string() + "\"\n";
}

struct Global {
  Global() {
    g = new TestGateway(
        "partner-status",
        [](TestGateway& t) {
          return t.corpus_partners() +
                 t.partner("ander", "aanbieder", "\"11223344\"", "stranger.pem") +
                 t.partner("mon", "monitoring", "", "shadow.pem");
        },
        contracts());
  }
  ~Global() {
    BOOST_TEST((g->stop() == 0));
    delete g;
    delete data;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

boost::json::object json(const Http& h) {
  boost::system::error_code ec;
  auto v = boost::json::parse(h.body, ec);
  BOOST_REQUIRE_MESSAGE(!ec && v.is_object(), h.body);
  return v.as_object();
}
std::string str(const boost::json::value& v) {
  return std::string(v.as_string());
}

// The status page as `who`, checked as every answer of it must be.
Http status_page(const std::string& who, const std::string& accept_language = "") {
  std::vector<std::string> extra;
  if (!accept_language.empty()) extra = {"-H", "Accept-Language: " + accept_language};
  auto h = g->curl(who, "/v1/status", extra);
  BOOST_REQUIRE_MESSAGE(h.status == 200, h.body);
  const std::string headers = lower(h.headers);
  BOOST_TEST(has(headers, "content-type: text/html; charset=utf-8"), h.headers);
  BOOST_TEST(has(headers, "cache-control: no-store"), h.headers);
  BOOST_TEST(has(headers, "vary: accept-language"), h.headers);
  // Polyglot: xmllint's XML parser accepts it.
  const auto file = g->dir.write("status-" + who + ".html", h.body);
  auto lint = run_command({"/usr/bin/xmllint", "--noout", file.string()});
  BOOST_TEST(lint.exit_code == 0, lint.output);
  BOOST_TEST(lint.output.empty(), lint.output);
  return h;
}

// The part of the page in <section id="name">, up to the next top-level section.
std::string section(const std::string& html, const std::string& name) {
  const auto from = html.find("<section id=\"" + name + "\">");
  if (from == std::string::npos) return {};
  const auto to = html.find("<section id=\"", from + 1);
  // A rejected message's own section has a class, not an id: the next id'd section ends it.
  return html.substr(from, to == std::string::npos ? std::string::npos : to - from);
}

std::string cs340, xsd305, allocation, accepted_decl;

}  // namespace

BOOST_AUTO_TEST_CASE(exchange) {
  // Rejected: a 323 for half a month (CS340, retourcode 0001) ...
  auto doc = std::regex_replace(corpus("ijw/323/valid-declaratie.xml"), std::regex("DECL-2602-01"),
                                "CS340-CASE");
  doc = std::regex_replace(doc, std::regex("<ijw:Einddatum>2026-02-28</ijw:Einddatum>"),
                           "<ijw:Einddatum>2026-02-15</ijw:Einddatum>",
                           std::regex_constants::format_first_only);
  auto h = g->post_xml("provider", "/v1/messages", doc);
  BOOST_REQUIRE_MESSAGE(h.status == 422, h.body);
  cs340 = str(json(h).at("id"));
  // ... and a 305 the schema refuses (a Bsn of eight digits).
  h = g->post_xml("provider", "/v1/messages", corpus("ijw/305/bsn-eight-digits.xml"));
  BOOST_REQUIRE_MESSAGE(h.status == 422, h.body);
  xsd305 = str(json(h).at("id"));
  // Accepted: the declaration as it is.
  h = g->post_xml("provider", "/v1/messages", corpus("ijw/323/valid-declaratie.xml"));
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  accepted_decl = str(json(h).at("id"));
  // The gemeente's allocation lands in the provider's mailbox; a retour is owed.
  h = g->post_xml("gemeente", "/v1/messages", corpus("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  allocation = str(json(h).at("id"));
}

BOOST_AUTO_TEST_CASE(the_provider_finds_every_rejected_message_explained_on_one_page) {
  const std::string html = status_page("provider").body;
  BOOST_TEST(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
  const std::string rejected = section(html, "rejected");
  BOOST_TEST(has(rejected, "id=\"m-" + cs340 + "\""), rejected);
  BOOST_TEST(has(rejected, "id=\"m-" + xsd305 + "\""), rejected);
  BOOST_TEST(!has(rejected, accepted_decl), "an accepted message is not listed as rejected");
  // Newest first.
  BOOST_TEST(rejected.find("m-" + xsd305) < rejected.find("m-" + cs340));
  // Explained: the rule, the retourcode with the standard's text, the element.
  BOOST_TEST(has(rejected, "Regel <span class=\"code\">CS340</span>"), rejected);
  BOOST_TEST(has(rejected, "<span class=\"code\">0001</span>"), rejected);
  BOOST_TEST(has(rejected, "/Bericht/Client/Bsn"), rejected);
  BOOST_TEST(has(rejected, "Aantal: 2."), rejected);
  BOOST_TEST(has(rejected, "/v1/messages?status=rejected&amp;since="), rejected);
  // The BSN of the refused 305 is not on the page.
  BOOST_TEST(!has(html, "99990576"));
  BOOST_TEST(has(section(html, "summary"), "<a href=\"#rejected\">2</a>"),
             section(html, "summary"));
}

BOOST_AUTO_TEST_CASE(mailbox_and_owed_answers) {
  // As many waiting as GET /v1/mailbox (unacknowledged) lists.
  auto box = g->curl("provider", "/v1/mailbox?limit=1000");
  BOOST_REQUIRE_MESSAGE(box.status == 200, box.body);
  const auto waiting = json(box).at("messages").as_array().size();
  BOOST_REQUIRE(waiting >= 1u);
  std::string html = status_page("provider").body;
  BOOST_TEST(has(section(html, "mailbox"), "<strong>" + std::to_string(waiting) + "</strong>"),
             section(html, "mailbox"));
  // The retour owed for the gemeente's 301, not overdue yet.
  const std::string owed = section(html, "owed");
  BOOST_TEST(has(owed, "/v1/messages/" + allocation), owed);
  BOOST_TEST(has(owed, "retourbericht 302"), owed);
  BOOST_TEST(has(owed, "op tijd"), owed);
  // Acknowledged: one fewer waiting.
  BOOST_REQUIRE(g->curl("provider", "/v1/mailbox/" + allocation + "/ack", {"-X", "POST"}).status ==
                200);
  html = status_page("provider").body;
  BOOST_TEST(has(section(html, "mailbox"),
                 waiting == 1 ? std::string("Er wachten geen berichten.")
                              : "<strong>" + std::to_string(waiting - 1) + "</strong>"),
             section(html, "mailbox"));
}

BOOST_AUTO_TEST_CASE(the_provider_sees_its_contract_and_degressive_position) {
  const std::string contract = section(status_page("provider").body, "contract");
  BOOST_TEST(has(contract, "45A01"), contract);
  BOOST_TEST(has(contract, "\u20ac\u00a086,40"), contract);
  BOOST_TEST(has(contract, "parkstad"), contract);
  BOOST_TEST(has(contract, "<td>100 (opgegeven in het contract)</td>"), contract);
}

BOOST_AUTO_TEST_CASE(nobody_else_sees_them) {
  for (const char* who : {"gemeente", "stranger"}) {
    const std::string html = status_page(who).body;
    for (const auto& id : {cs340, xsd305}) BOOST_TEST(!has(html, id), who << " sees " << id);
    BOOST_TEST(has(section(html, "rejected"), "niets van u afgekeurd"), who);
  }
  // The gemeente owes the 325 for the accepted declaration; no contract part for it.
  const std::string gem = status_page("gemeente").body;
  BOOST_TEST(has(section(gem, "owed"), "/v1/messages/" + accepted_decl), section(gem, "owed"));
  BOOST_TEST(!has(gem, "<section id=\"contract\">"));
  BOOST_TEST(!has(section(gem, "owed"), allocation), "the retour is the provider's to give");
}

BOOST_AUTO_TEST_CASE(english_when_accept_language_prefers_it) {
  auto h = status_page("provider", "en-GB,en;q=0.9,nl;q=0.5");
  BOOST_TEST(has(lower(h.headers), "content-language: en"), h.headers);
  BOOST_TEST(h.body.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  BOOST_TEST(has(h.body, "Rejected messages"));
  h = status_page("provider", "nl, en;q=0.9");
  BOOST_TEST(has(lower(h.headers), "content-language: nl"), h.headers);
  BOOST_TEST(has(h.body, "Afgekeurde berichten"));
}

BOOST_AUTO_TEST_CASE(refusals) {
  auto h = g->curl("provider", "/v1/status?since=2026-01-01");
  BOOST_TEST(h.status == 400, h.body);
  BOOST_TEST(str(json(h).at("code")) == "unknown_parameter");
  h = g->curl("shadow", "/v1/status");
  BOOST_TEST(h.status == 403, h.body);
  BOOST_TEST(str(json(h).at("code")) == "monitoring_only");
  h = g->curl("provider", "/v1/status", {"-X", "POST"});
  BOOST_TEST(h.status == 405, h.body);
}
