// A stored message drawn as a page: the values people read, personal data
// masked (or not, for --unmask), findings and retourcodes explained, hostile
// values escaped, the drawing bounded, and the page well-formed XML (the
// pages are polyglot), checked by xmllint.
#define BOOST_TEST_MODULE portal_message_page
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "gateway/portal/message_page.hpp"
#include "gateway/xml/schema_set.hpp"
#include "tests/support/files.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;

namespace {

std::shared_ptr<const xml::SchemaSet> schemas() {
  static xml::XercesRuntime runtime;
  static auto set = [] {
    auto s = xml::SchemaSet::load(test::schemas_config());
    BOOST_REQUIRE(s);
    return *s;
  }();
  return set;
}

store::StoredMessage stored(standard::Law law, int type, std::string findings = "[]") {
  store::StoredMessage m;
  m.id = "0123456789abcdef0123456789abcdef";
  m.law = law;
  m.type = type;
  m.sender_code = "0363";
  m.receiver_code = "87654321";
  m.identificatie = "T-1";
  m.received_at = "2026-11-02T09:15:00Z";
  m.findings_json = std::move(findings);
  return m;
}

std::string draw(const store::StoredMessage& m, const std::string* body, portal::MessagePageOptions o = {}) {
  if (o.status.empty()) o.status = "accepted";
  return portal::render_message(m, body, schemas(), test::schemas_config(), o);
}

bool has(const std::string& page, std::string_view what) { return page.find(what) != std::string::npos; }

// xmllint's XML parser: the page is well-formed (void elements closed, every
// character escaped).
bool well_formed(const std::string& page) {
  char name[] = "/tmp/sluis-page-XXXXXX";
  int fd = mkstemp(name);
  BOOST_REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << page;
  const int rc = std::system((std::string("/usr/bin/xmllint --noout ") + name + " 2>/dev/null").c_str());
  std::remove(name);
  return rc == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_allocation_reads_with_personal_data_masked) {
  const std::string body = test::corpus("iwmo/301/valid-toewijzing.xml");
  const std::string page = draw(stored(standard::Law::iwmo, 301), &body);
  BOOST_TEST(well_formed(page), page);
  BOOST_TEST(has(page, "<html lang=\"nl\">"));
  BOOST_TEST(has(page, "<h3>Client</h3>"), page);
  // The BSN, names, birth date and address never appear.
  for (const char* secret : {"999905764", "Hoeve", "Johanna", "Claessens", "1947-05-17", "17-05-1947", "6229GR",
                             "Heugemerweg"})
    BOOST_TEST(!has(page, secret), secret);
  BOOST_TEST(has(page, "<th>Bsn</th><td>*********</td>"), page);
  BOOST_TEST(has(page, "<th>Naam / Geslachtsnaam / Achternaam</th><td>H****</td>"), page);
  BOOST_TEST(has(page, "Persoonsgegevens"));
  // Codes and dates people read: Dutch days.
  BOOST_TEST(has(page, "<th>Afzender</th><td>0363</td>"));
  BOOST_TEST(has(page, "<th>Ontvangen (Nederlandse tijd)</th><td>02-11-2026 10:15</td>"), page);
}

BOOST_AUTO_TEST_CASE(unmask_shows_what_the_message_says) {
  const std::string body = test::corpus("iwmo/301/valid-toewijzing.xml");
  portal::MessagePageOptions o;
  o.unmask = true;
  const std::string page = draw(stored(standard::Law::iwmo, 301), &body, o);
  BOOST_TEST(has(page, "<th>Bsn</th><td>999905764</td>"), page);
  BOOST_TEST(has(page, "Hoeve"));
  BOOST_TEST(has(page, "17-05-1947"));
  BOOST_TEST(!has(page, "Persoonsgegevens"));
}

BOOST_AUTO_TEST_CASE(a_declaration_shows_periods_volumes_and_amounts) {
  const std::string body = test::corpus("ijw/323/valid-declaratie.xml");
  portal::MessagePageOptions o;
  const std::string nl = draw(stored(standard::Law::ijw, 323), &body, o);
  BOOST_TEST(well_formed(nl));
  BOOST_TEST(has(nl, "<h3>Declaratie</h3>"), nl);
  BOOST_TEST(has(nl, "<h3>Clienten / Client 1</h3>"), nl);
  BOOST_TEST(has(nl, "<h3>Prestaties / Prestatie 1</h3>"), nl);
  BOOST_TEST(has(nl, "<th>TotaalIngediendBedrag</th><td>€\u00a01.269,90 debet</td>"), nl);
  BOOST_TEST(has(nl, "<th>ProductTarief</th><td>€\u00a086,40</td>"), nl);
  BOOST_TEST(has(nl, " t/m "));
  o.lang = portal::Lang::en;
  const std::string en = draw(stored(standard::Law::ijw, 323), &body, o);
  BOOST_TEST(has(en, "<html lang=\"en\">"));
  BOOST_TEST(has(en, "<th>TotaalIngediendBedrag</th><td>€1,269.90 debit</td>"), en);
  BOOST_TEST(has(en, "<h2>Content</h2>"));
}

BOOST_AUTO_TEST_CASE(a_retour_explains_its_retourcodes) {
  const std::string body = test::corpus("iwmo/302/valid-retour-class-codes.xml");
  const std::string page = draw(stored(standard::Law::iwmo, 302), &body);
  BOOST_TEST(well_formed(page));
  BOOST_TEST(has(page, "<th>RetourCodes</th><td><ul><li><span class=\"code\">0200</span>"), page);
}

BOOST_AUTO_TEST_CASE(findings_say_rule_code_element_value_and_fix_and_are_escaped) {
  const std::string findings =
      R"([{"origin":"TR056","rule":"TR056","retourcode":"9056","path":"/Bericht/Header/Identificatie","line":7,)"
      R"("column":3,"value":"<script>alert(1)</script>","nl":"Dubbel & fout <b>","en":"Duplicate & wrong <b>"},)"
      R"({"origin":"xsd","path":"/Bericht/Client/Bsn","value":"999905764","nl":"BSN 999905764 onbekend","en":"x"}])";
  const std::string body = "<not a message";
  portal::MessagePageOptions o;
  o.status = "rejected";
  const std::string page = draw(stored(standard::Law::iwmo, 301, findings), &body, o);
  BOOST_TEST(well_formed(page), page);
  BOOST_TEST(!has(page, "<script"));
  BOOST_TEST(!has(page, "<b>"));
  BOOST_TEST(has(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  BOOST_TEST(has(page, "Dubbel &amp; fout &lt;b&gt;"));
  BOOST_TEST(has(page, "Waarom afgekeurd"));
  BOOST_TEST(has(page, "Regel <span class=\"code\">TR056</span>"), page);
  BOOST_TEST(has(page, "<span class=\"code\">9056</span>"));
  BOOST_TEST(has(page, "/Bericht/Header/Identificatie"));
  // The body is not a message: not drawn, and the page says so.
  BOOST_TEST(has(page, "geen geldig bericht"));
  // A BSN that reached the stored findings in clear is masked on the page all the same.
  BOOST_TEST(!has(page, "999905764"));
}

BOOST_AUTO_TEST_CASE(the_drawing_is_bounded) {
  const std::string body = test::corpus("ijw/323/valid-declaratie.xml");
  portal::MessagePageOptions o;
  o.max_rows = 12;
  const std::string page = draw(stored(standard::Law::ijw, 323), &body, o);
  BOOST_TEST(well_formed(page));
  BOOST_TEST(has(page, "waarden zijn niet getoond (de pagina toont er 12)"), page);
  std::size_t rows = 0;
  for (std::size_t i = page.find("<tr><th>"); i != std::string::npos; i = page.find("<tr><th>", i + 1)) ++rows;
  // The status table (at most 9 rows) and 12 values.
  BOOST_TEST(rows <= 21u);
}

BOOST_AUTO_TEST_CASE(a_body_too_large_is_not_read) {
  const std::string body = test::corpus("ijw/323/valid-declaratie.xml");
  portal::MessagePageOptions o;
  o.max_body = body.size() - 1;
  const std::string page = draw(stored(standard::Law::ijw, 323), &body, o);
  BOOST_TEST(well_formed(page));
  BOOST_TEST(has(page, "te groot om hier te tonen"), page);
  BOOST_TEST(!has(page, "<h3>Declaratie</h3>"));
}

BOOST_AUTO_TEST_CASE(a_pruned_message_says_so) {
  const std::string page = draw(stored(standard::Law::iwmo, 301), nullptr);
  BOOST_TEST(well_formed(page));
  BOOST_TEST(has(page, "niet meer bewaard"));
}

BOOST_AUTO_TEST_CASE(a_finding_list_is_cut_where_asked_and_masked_by_its_path) {
  std::string findings = "[";
  for (int i = 0; i < 8; ++i)
    findings += std::string(i ? "," : "") + R"({"origin":"xsd","path":"/Bericht/Client/Naam/Geslachtsnaam/Achternaam",)" +
                R"("value":"Jansen","nl":"fout","en":"wrong"})";
  findings += "]";
  const std::string all = portal::findings_html(findings, portal::Lang::en);
  BOOST_TEST(!has(all, "Jansen"));
  BOOST_TEST(has(all, "J*****"));
  BOOST_TEST(!has(all, "more: see"));
  const std::string cut = portal::findings_html(findings, portal::Lang::en, 3);
  std::size_t items = 0;
  for (std::size_t i = cut.find("<li>"); i != std::string::npos; i = cut.find("<li>", i + 1)) ++items;
  BOOST_TEST(items == 3u);
  BOOST_TEST(has(cut, "And 5 more: see the message's page."), cut);
}
