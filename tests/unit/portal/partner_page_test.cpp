// The partner's status page renderer (gateway/portal/partner_page.hpp): every
// section with its figures, the findings explained, a value from outside
// escaped wherever it lands, personal data masked even when a stored finding
// holds it in clear, Dutch and English, and the page well-formed XML
// (xmllint), as the polyglot pages must be.
#define BOOST_TEST_MODULE portal_partner_page
#include "gateway/portal/partner_page.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sluis;

namespace {

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// A BSN that passes the 11-check, and a name: neither may reach the page.
constexpr const char* kBsn = "123456782";

store::StoredMessage rejected(const std::string& id, const std::string& findings) {
  store::StoredMessage m;
  m.id = id;
  m.law = standard::Law::ijw;
  m.type = 305;
  m.sender_partner = "zorg";
  m.receiver_code = "0917";
  m.identificatie = "START-01";
  m.received_at = "2026-11-12T09:14:03.512Z";
  m.state = store::State::rejected;
  m.findings_json = findings;
  return m;
}

portal::PartnerPage sample() {
  portal::PartnerPage p;
  p.partner = "zorg";
  p.role = "aanbieder";
  p.codes = {"75302186"};
  p.today = "2026-12-04";
  p.since_day = "2026-11-03";
  p.generated_at = "2026-12-04T09:00:00.000Z";
  auto& s = p.status;
  s.rejected.push_back(rejected(
      "m1",
      R"([{"origin":"TR019","rule":"TR019","retourcode":"9019","path":"/Bericht/Client/StartProduct/ToewijzingNummer","value":"4711","nl":"Er is geen toewijzing 4711.","en":"There is no allocation 4711."}])"));
  s.rejected.push_back(rejected(
      "m2",
      std::string(R"([{"origin":"xsd","path":"/Bericht/Client/Bsn","value":")") + kBsn +
          R"(","nl":"Bsn )" + kBsn + R"( klopt niet","en":"Bsn )" + kBsn +
          R"( is wrong","detail":"value ')" + kBsn +
          R"(' fails"},{"origin":"CS001","rule":"CS001","retourcode":"8001","path":"/Bericht/Client/Naam/Geslachtsnaam","value":"Jansen","nl":"naam","en":"name"}])"));
  s.rejected_total = 5;  // more than listed
  store::OverdueAnswer late;
  late.kind = "retour";
  late.rule = "OP090";
  late.law = standard::Law::ijw;
  late.type = 301;
  late.message_id = "m301";
  late.owed_to_code = "0917";
  late.opened_on = "2026-11-27";
  late.due_on = "2026-12-02";
  store::OverdueAnswer soon = late;
  soon.message_id = "m301b";
  soon.due_on = "2026-12-08";
  s.owed = {late, soon};
  s.owed_total = 2;
  s.overdue_total = 1;
  s.mailbox_waiting = 3;
  s.mailbox_oldest_at = "2026-12-01T08:00:00.000Z";
  p.provider = true;
  portal::ContractView c;
  c.day = "2026-12-04";
  c.products.push_back(
      {"ijw", "45", "45A01", "jeugdhulp ambulant", "04", 123456, "2026-01-01", "", {"0917"}});
  c.year = 2026;
  c.degressive.push_back({"parkstad", "75302186", 2026, 100, "given", 40, 30, 10, 0, 60, 50});
  p.contract = c;
  return p;
}

// xmllint's XML parser over the page: every tag closed, every attribute
// quoted, every entity known, no character XML forbids.
void well_formed(const std::string& html) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("partner_page_test_" + std::to_string(::getpid()) + ".html");
  std::ofstream(file, std::ios::binary) << html;
  const std::string cmd = "/usr/bin/xmllint --noout " + file.string() + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) output += buf;
    BOOST_TEST(::pclose(pipe) == 0, output);
  } else {
    BOOST_FAIL("cannot run xmllint");
  }
  BOOST_TEST(output.empty(), output);
  std::filesystem::remove(file);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_section_with_its_figures_in_dutch) {
  const std::string html = portal::render_partner_page(sample(), portal::Lang::nl);
  BOOST_TEST(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
  for (const char* s : {"summary", "rejected", "owed", "mailbox", "contract"})
    BOOST_TEST(has(html, std::string("<section id=\"") + s + "\">"), s);
  // The rejected messages: each with its findings explained, the count of
  // all and the link to the rest.
  BOOST_TEST(has(html, "id=\"m-m1\""));
  BOOST_TEST(has(html, "id=\"m-m2\""));
  BOOST_TEST(has(html, "Regel <span class=\"code\">TR019</span>"), html);
  BOOST_TEST(has(html, "<span class=\"code\">9019</span>"));
  BOOST_TEST(has(html, "Er is geen toewijzing 4711."));
  BOOST_TEST(has(html, "De nieuwste 2 van 5"), html);
  BOOST_TEST(has(html, "/v1/messages?status=rejected&amp;since=2026-11-03&amp;limit=200"));
  BOOST_TEST(has(html, "iJw 305"));
  BOOST_TEST(has(html, "12-11-2026 10:14"), "Dutch local time (CET) and day order");
  // Owed: the overdue one marked, the other on time.
  BOOST_TEST(has(html, "<td class=\"rejected\">te laat</td>"));
  BOOST_TEST(has(html, "<td class=\"approved\">op tijd</td>"));
  BOOST_TEST(has(html, "02-12-2026"));
  BOOST_TEST(has(html, "retourbericht 302"));
  BOOST_TEST(has(html, "href=\"/v1/messages/m301\""));
  // The mailbox.
  BOOST_TEST(has(html, "<strong>3</strong>"));
  BOOST_TEST(has(html, "href=\"/v1/mailbox\""));
  // The contract: the tariff as people read it, the degressive position.
  BOOST_TEST(has(html, "\u20ac\u00a01.234,56"), html);
  BOOST_TEST(has(html, "<td>60</td>"));
  BOOST_TEST(has(html, "parkstad"));
  well_formed(html);
}

BOOST_AUTO_TEST_CASE(english_when_asked) {
  const std::string html = portal::render_partner_page(sample(), portal::Lang::en);
  BOOST_TEST(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  BOOST_TEST(has(html, "Rejected messages"));
  BOOST_TEST(has(html, "There is no allocation 4711."));
  BOOST_TEST(!has(html, "Er is geen toewijzing 4711."));
  BOOST_TEST(has(html, "The newest 2 of 5"));
  BOOST_TEST(has(html, "<td class=\"rejected\">overdue</td>"));
  BOOST_TEST(has(html, "\u20ac1,234.56"));
  well_formed(html);
}

BOOST_AUTO_TEST_CASE(personal_data_is_masked_even_when_stored_in_clear) {
  for (auto lang : {portal::Lang::nl, portal::Lang::en}) {
    const std::string html = portal::render_partner_page(sample(), lang);
    BOOST_TEST(!has(html, kBsn), "a BSN in a value, a text or a detail");
    BOOST_TEST(!has(html, "Jansen"));
    BOOST_TEST(has(html, "J*****"), "a name keeps its first letter");
    BOOST_TEST(has(html, "*********"));
  }
  // Not personal: left as it is.
  BOOST_TEST(has(portal::findings_html(R"([{"path":"/Bericht/Client/Product/Code","value":"45A01"}])",
                                       portal::Lang::nl),
                 "45A01"));
  BOOST_TEST(portal::findings_html("not json", portal::Lang::nl).empty());
}

BOOST_AUTO_TEST_CASE(values_from_outside_are_escaped) {
  auto p = sample();
  p.partner = "p<b>\"&'";
  p.codes = {"<i>"};
  auto& m = p.status.rejected.front();
  m.id = "x\"><script>alert(1)</script>";
  m.identificatie = "<script>id</script>";
  m.declaratie_nummer = "&amp;";
  m.receiver_code = "\x01\x02";  // controls XML 1.0 forbids
  m.findings_json =
      R"([{"origin":"TR019","rule":"<b>R</b>","retourcode":"<9019>","path":"/a/<b>","value":"</li><script>","nl":"<img src=x>","en":"<img src=x>"}])";
  p.status.owed.front().message_id = "\"><x>";
  p.status.owed.front().owed_to_code = "<o>";
  p.contract->products.front().naam = "<naam>&";
  p.contract->degressive.front().contract = "<k>";
  p.status.mailbox_oldest_at = "<not a time>";
  for (auto lang : {portal::Lang::nl, portal::Lang::en}) {
    const std::string html = portal::render_partner_page(p, lang);
    for (const char* raw : {"<script", "<b>", "<i>", "<img", "<x>", "<o>", "<naam>", "<k>",
                            "<9019>", "<not a time>", "\x01"})
      BOOST_TEST(!has(html, raw), raw);
    BOOST_TEST(has(html, "&lt;script&gt;id&lt;/script&gt;"));
    BOOST_TEST(has(html, "&amp;amp;"));
    well_formed(html);
  }
}

BOOST_AUTO_TEST_CASE(nothing_to_show) {
  portal::PartnerPage p;
  p.partner = "gem";
  p.role = "gemeente";
  p.codes = {"0917"};
  p.today = "2026-12-04";
  p.since_day = "2026-11-03";
  p.generated_at = "2026-12-04T09:00:00.000Z";
  const std::string html = portal::render_partner_page(p, portal::Lang::nl);
  BOOST_TEST(has(html, "sluis heeft in deze periode niets van u afgekeurd"));
  BOOST_TEST(has(html, "Er wachten geen berichten."));
  // Not a provider: no contract section at all.
  BOOST_TEST(!has(html, "<section id=\"contract\">"));
  // A provider without contract data is told so.
  p.provider = true;
  BOOST_TEST(has(portal::render_partner_page(p, portal::Lang::en),
                 "This sluis has no contract data loaded."));
  well_formed(html);
}
