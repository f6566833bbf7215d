// Hostile and odd input, identification, MANIFEST checks and concurrent use of
// one schema set from several threads.
#define BOOST_TEST_MODULE xml_validator
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <iconv.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <xercesc/framework/MemoryManager.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>

#include <atomic>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "gateway/core/digest.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

namespace fs = std::filesystem;
using namespace sluis;

namespace {

using test::slurp;
using test::source;
std::string valid_301() { return slurp(source() / "tests/conformance/xsd/ijw/301/valid-toewijzing.xml"); }

struct Fixture {
  Fixture() {
    cfg = test::schemas_config();
    cfg.max_message = 64 << 10;
    cfg.max_depth = 32;
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    set = *s;
  }
  xml::Outcome check(const std::string& doc) {
    xml::Validator v(set, cfg);
    return v.validate(doc);
  }
  xml::XercesRuntime runtime;
  config::SchemasConfig cfg;
  std::shared_ptr<const xml::SchemaSet> set;
};

bool any_text(const xml::Outcome& o, const std::string& needle) {
  for (const auto& f : o.findings)
    if (f.en.find(needle) != std::string::npos || f.nl.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(validator, Fixture)

BOOST_AUTO_TEST_CASE(identifies_law_release_message_and_berichtcode) {
  auto o = check(valid_301());
  BOOST_TEST(xml::to_string(o.verdict) == "valid");
  BOOST_REQUIRE(o.identity.has_value());
  BOOST_TEST(o.identity->type->number == 301);
  BOOST_TEST(o.identity->type->berichtcode == 436);
  BOOST_TEST(o.identity->berichtcode == "436");
  BOOST_TEST(o.identity->release == "3.2");
  BOOST_CHECK(o.identity->type->law == standard::Law::ijw);
}

BOOST_AUTO_TEST_CASE(doctype_and_entity_bomb_are_refused) {
  std::string bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 "
      "\"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>\n<lolz>&lol2;</lolz>";
  auto o = check(bomb);
  BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
  BOOST_TEST(any_text(o, "DOCTYPE"));
}

BOOST_AUTO_TEST_CASE(doctype_with_an_external_id_is_refused_as_a_doctype) {
  // The refusal names the DOCTYPE, also when nothing follows it to parse.
  auto o = check("<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"http://example.invalid/x.dtd\"><x/>");
  BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
  BOOST_TEST(any_text(o, "DOCTYPE"));
}

BOOST_AUTO_TEST_CASE(a_bare_doctype_is_refused_too) {
  // No subset and no external id: nothing to declare entities with, but no
  // iWmo/iJw message has a DOCTYPE at all (also not one naming the root).
  const std::string body = valid_301().substr(valid_301().find("?>") + 2);
  for (const std::string& doctype : {std::string("<!DOCTYPE Bericht>"), std::string("<!DOCTYPE x>")}) {
    auto o = check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doctype + "\n" + body);
    BOOST_TEST(xml::to_string(o.verdict) == "not_xml", doctype);
    BOOST_TEST(any_text(o, "DOCTYPE"), doctype);
  }
}

BOOST_AUTO_TEST_CASE(a_validator_that_stopped_reads_the_next_message_whole) {
  // Stopping ends the parse in the middle of a document; the parser's state
  // must not leak into the next one (nor memory: the ASan build checks).
  xml::Validator v(set, cfg);
  std::string deep = "<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">";
  for (int i = 0; i < 40; ++i) deep += "<Header>";
  for (const std::string& stop : {std::string("<!DOCTYPE x [<!ENTITY a \"a\">]><x>&a;</x>"),
                                  std::string("<!DOCTYPE Bericht><Bericht/>"),
                                  std::string("<Foo xmlns=\"urn:x\"><a/></Foo>"), deep}) {
    BOOST_TEST(xml::to_string(v.validate(stop).verdict) != "valid");
    auto o = v.validate(valid_301(), xml::ReadModel::yes);
    BOOST_TEST(xml::to_string(o.verdict) == "valid");
    BOOST_TEST(o.findings.empty());
    BOOST_TEST(o.message.has_value());
  }
}

BOOST_AUTO_TEST_CASE(external_entity_is_never_read) {
  std::string xxe =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE b [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
      "<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">&x;</Bericht>";
  auto o = check(xxe);
  BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
  for (const auto& f : o.findings) BOOST_TEST(f.detail.find("root:") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(schema_location_in_the_instance_is_ignored) {
  // Pointing at a permissive schema elsewhere must not change the verdict.
  fs::path evil = fs::temp_directory_path() / "sluis-evil.xsd";
  std::ofstream(evil) << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
                         "targetNamespace=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">"
                         "<xs:element name=\"Bericht\"/></xs:schema>";
  std::string doc = std::regex_replace(
      valid_301(), std::regex("Bsn>[0-9]+<"), "Bsn>12<");
  doc = std::regex_replace(doc, std::regex("(<\\w+:Bericht) "),
                           "$1 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                           "xsi:schemaLocation=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema file://" +
                               evil.string() + "\" ",
                           std::regex_constants::format_first_only);
  auto o = check(doc);
  fs::remove(evil);
  BOOST_TEST(xml::to_string(o.verdict) == "invalid");
}

BOOST_AUTO_TEST_CASE(oversize_is_refused_before_parsing) {
  std::string big = valid_301() + std::string(70 << 10, ' ');
  auto o = check(big);
  BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
  BOOST_TEST(any_text(o, "64KiB"));
}

BOOST_AUTO_TEST_CASE(too_deep_is_refused) {
  std::string deep = "<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">";
  for (int i = 0; i < 40; ++i) deep += "<a>";
  for (int i = 0; i < 40; ++i) deep += "</a>";
  deep += "</Bericht>";
  auto o = check(deep);
  BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
  BOOST_TEST(any_text(o, "32"));
}

BOOST_AUTO_TEST_CASE(not_xml_and_truncated) {
  BOOST_TEST(xml::to_string(check("hello").verdict) == "not_xml");
  BOOST_TEST(xml::to_string(check("").verdict) == "not_xml");
  std::string doc = valid_301();
  BOOST_TEST(xml::to_string(check(doc.substr(0, doc.size() / 2)).verdict) == "not_xml");
}

BOOST_AUTO_TEST_CASE(unknown_namespace_and_retired_release) {
  auto o = check("<Bericht xmlns=\"urn:something-else\"/>");
  BOOST_TEST(xml::to_string(o.verdict) == "unknown_message");
  auto old = std::regex_replace(valid_301(), std::regex("3_2"), "3_0");
  auto r = check(old);
  BOOST_TEST(xml::to_string(r.verdict) == "unknown_message");
  BOOST_TEST(any_text(r, "Release 3.0 of ijw"));
  BOOST_TEST(any_text(r, "accepted: iwmo 3.2, ijw 3.2"));
  // The refusal alone: no schema findings on a root no active pack declares.
  BOOST_TEST(r.findings.size() == 1u);
  BOOST_TEST(o.findings.size() == 1u);
  // A retired 2.x declaration (303) names what is supported.
  auto retired = check("<Bericht xmlns=\"http://www.istandaarden.nl/iwmo/2_1/wmo303/schema/2_1\"/>");
  BOOST_TEST(xml::to_string(retired.verdict) == "unknown_message");
  BOOST_TEST(any_text(retired, "303/304 (release 2.x) are retired"));
  auto other = check("<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw399/schema\"/>");
  BOOST_TEST(xml::to_string(other.verdict) == "unknown_message");
}

BOOST_AUTO_TEST_CASE(wrong_berichtcode_is_an_xsd_finding) {
  auto doc = std::regex_replace(valid_301(), std::regex("BerichtCode>436<"), "BerichtCode>414<");
  BOOST_REQUIRE(doc != valid_301());
  auto o = check(doc);
  BOOST_TEST(xml::to_string(o.verdict) == "invalid");
  BOOST_TEST(o.findings.at(0).path == "/Bericht/Header/BerichtCode");
  BOOST_TEST(o.findings.at(0).value == "414");
}

BOOST_AUTO_TEST_CASE(personal_values_are_masked_in_findings) {
  // A BSN that fails the XSD pattern (10 digits) and a too-long surname.
  auto doc = std::regex_replace(valid_301(), std::regex("Bsn>([0-9]+)<"), "Bsn>$10<");
  auto o = check(doc);
  BOOST_REQUIRE(!o.findings.empty());
  std::smatch m;
  std::string original = valid_301();
  BOOST_REQUIRE(std::regex_search(original, m, std::regex("Bsn>([0-9]+)<")));
  bool bsn_finding = false;
  for (const auto& f : o.findings) {
    BOOST_TEST(f.detail.find(m[1].str()) == std::string::npos, f.detail);
    BOOST_TEST(f.nl.find(m[1].str()) == std::string::npos, f.nl);
    if (f.path.ends_with("/Bsn")) {
      bsn_finding = true;
      BOOST_TEST(f.value == "***");
    }
  }
  BOOST_TEST(bsn_finding);
}

// Several threads validating on one schema set at once (the validation
// pool): every verdict is right and nothing leaks. Xerces builds some tables
// inside the shared grammars lazily (content models, pattern facets'
// character classes); SchemaSet::load builds them all first. Without that,
// this case gave a wrong verdict or ASan leaks in about one run of ten.
BOOST_AUTO_TEST_CASE(one_schema_set_serves_several_threads) {
  std::string good = valid_301();
  std::string bad = std::regex_replace(good, std::regex("BerichtCode>436<"), "BerichtCode>999<");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      xml::Validator v(set, cfg);
      for (int i = 0; i < 100; ++i) {
        if (v.validate(good).verdict != xml::Verdict::valid) ++wrong;
        if (v.validate(bad).verdict != xml::Verdict::invalid) ++wrong;
      }
    });
  for (auto& t : threads) t.join();
  BOOST_TEST(wrong.load() == 0);
}

// Every XSD finding says in both languages which element, which value, what the
// schema allows there and what to change: Xerces' wording is only the detail.
BOOST_AUTO_TEST_CASE(schema_errors_are_explained_with_what_the_standard_allows) {
  auto corpus = source() / "tests/conformance/xsd";
  struct Case {
    const char* file;
    std::vector<std::string> nl, en;
  };
  const Case cases[] = {
      {"iwmo/317/code-not-in-list.xml",
       {"RedenVerzoek heeft de waarde '8', die niet in de codelijst (LDT_RedenVerzoek) staat. Toegestaan: 1, 2."},
       {"RedenVerzoek has the value '8', which is not in the code list (LDT_RedenVerzoek). Allowed: 1, 2."}},
      {"ijw/305/header-afzender-not-a-code.xml",
       {"Afzender heeft de waarde '7530218X', maar het schema eist precies 8 cijfers (een AGB-code"},
       {"Afzender has the value '7530218X', but the schema requires exactly 8 digits (an AGB code"}},
      {"ijw/323/header-identificatie-too-long.xml",
       {"Identificatie is 13 tekens lang; het schema staat er hoogstens 12 toe (LDT_IdentificatieBericht)"},
       {"Identificatie is 13 characters long; the schema allows at most 12 (LDT_IdentificatieBericht)"}},
      {"iwmo/308/header-dagtekening-2027-06-31.xml",
       {"Dagtekening heeft de waarde '2027-06-31', en dat is geen bestaande datum"},
       {"Dagtekening has the value '2027-06-31', which is not a date that exists"}},
      {"ijw/319/header-berichtcode-of-301.xml",
       {"BerichtCode heeft de waarde '436', maar het schema eist precies 488, de BerichtCode van dit berichttype"},
       {"BerichtCode has the value '436', but the schema requires exactly 488, the BerichtCode of this message"}},
      {"iwmo/305/header-missing-afzender.xml",
       {"het element Ontvanger staat in Header niet op zijn plaats",
        "Header bevat volgens het schema (BerichtCode,BerichtVersie,BerichtSubversie,Afzender,Ontvanger,"},
       {"element Ontvanger is out of place in Header", "By the schema, Header holds (BerichtCode,"}},
      {"ijw/316/header-versie-in-basis-namespace.xml",
       {"het element ijw:BerichtVersie komt in dit bericht niet voor"},
       {"element ijw:BerichtVersie does not exist in this message"}},
      {"ijw/302/missing-retourcodes-in-class.xml",
       {"in ToegewezenProduct ontbreken verplichte elementen aan het eind"},
       {"ToegewezenProduct lacks mandatory elements at its end"}},
      {"iwmo/323/totaalbedrag-above-range.xml",
       {"TotaalBedrag heeft de waarde '1000000000000'; het grootste toegestane getal is 999999999999",
        "bedragen in eurocent"},
       {"TotaalBedrag has the value '1000000000000'; the largest number allowed is 999999999999",
        "amounts in eurocent"}},
      {"iwmo/301/toewijzingstijd-with-timezone.xml", {"het schema eist een tijd zonder tijdzone"},
       {"the schema requires a time without a time zone"}},
      {"iwmo/325/empty-declaratienummer.xml", {"DeclaratieNummer is 0 tekens lang; het schema eist er minstens 1"},
       {"DeclaratieNummer is 0 characters long; the schema requires at least 1"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file) {
      auto o = check(slurp(corpus / c.file));
      BOOST_TEST(xml::to_string(o.verdict) == "invalid");
      std::string nl, en;
      for (const auto& f : o.findings) {
        nl += f.nl + "\n";
        en += f.en + "\n";
        BOOST_TEST(f.nl.starts_with("Het bericht voldoet niet aan het XSD-schema bij " + f.path + " (regel "), f.nl);
        BOOST_TEST(f.en.starts_with("The message does not conform to the XSD schema at " + f.path + " (line "), f.en);
      }
      for (const auto& want : c.nl) BOOST_TEST(nl.find(want) != std::string::npos, want << "\n" << nl);
      for (const auto& want : c.en) BOOST_TEST(en.find(want) != std::string::npos, want << "\n" << en);
    }
  }
}

// A personal value stays masked in the explanation as well.
BOOST_AUTO_TEST_CASE(a_personal_value_is_masked_in_the_explanation) {
  auto o = check(slurp(source() / "tests/conformance/xsd/ijw/305/bsn-eight-digits.xml"));
  BOOST_REQUIRE(!o.findings.empty());
  const auto& f = o.findings.front();
  BOOST_TEST(f.nl.find("Bsn heeft de waarde '***', maar het schema eist precies 9 cijfers") != std::string::npos, f.nl);
  BOOST_TEST(f.en.find("99990576") == std::string::npos, f.en);
  BOOST_TEST(f.nl.find("99990576") == std::string::npos, f.nl);
}

// Messages are UTF-8 without BOM (OP192): any other encoding is refused
// before parsing, with a finding naming the rule, never read (and so never
// delivered in bytes the receiver, the body mask and the logs do not read).
BOOST_AUTO_TEST_CASE(only_utf8_without_bom_is_read) {
  const std::string good = valid_301();
  auto refused = [&](const std::string& doc, const std::string& says) {
    auto o = check(doc);
    BOOST_TEST(xml::to_string(o.verdict) == "not_xml", says);
    BOOST_TEST(!o.identity.has_value(), says);
    BOOST_REQUIRE_EQUAL(o.findings.size(), 1u);
    const auto& f = o.findings.front();
    BOOST_TEST(f.rule == "OP192");
    BOOST_TEST(f.en.find(says) != std::string::npos, f.en);
    BOOST_TEST(f.en.find("UTF-8 without BOM (OP192") != std::string::npos, f.en);
    BOOST_TEST(f.nl.find("UTF-8 zonder BOM (OP192") != std::string::npos, f.nl);
  };
  auto widen = [](const std::string& ascii, bool big_endian, int width) {
    std::string out;
    for (char c : ascii) {
      std::string unit(static_cast<std::size_t>(width), '\0');
      unit[big_endian ? unit.size() - 1 : 0] = c;
      out += unit;
    }
    return out;
  };
  const std::string as16 = std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"UTF-16\"");
  refused("\xEF\xBB\xBF" + good, "it starts with a byte-order mark (EF BB BF)");
  refused("\xFF\xFE" + widen(as16, false, 2), "it is UTF-16 (it starts with UTF-16's byte-order mark)");
  refused("\xFE\xFF" + widen(as16, true, 2), "it is UTF-16 (it starts with UTF-16's byte-order mark)");
  refused(widen(as16, true, 2), "it is UTF-16 (two bytes to a character");
  refused(widen(as16, false, 2), "it is UTF-16 (two bytes to a character");
  refused(widen(as16, false, 4), "it is UTF-32");
  refused(std::string("\xFF\xFE\0\0", 4) + widen(as16, false, 4), "it is UTF-32");

  // EBCDIC (code page 037) with its own declaration: Xerces would read it.
  const std::string as037 = std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"IBM037\"");
  iconv_t cd = iconv_open("IBM037", "UTF-8");
  BOOST_REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string ebcdic(as037.size(), '\0');
  char* in = const_cast<char*>(as037.data());
  char* out = ebcdic.data();
  std::size_t in_left = as037.size(), out_left = ebcdic.size();
  BOOST_REQUIRE(iconv(cd, &in, &in_left, &out, &out_left) != static_cast<std::size_t>(-1));
  iconv_close(cd);
  refused(ebcdic, "it is EBCDIC");

  // Another encoding declared over ASCII bytes.
  refused(std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"ISO-8859-1\""),
          "its XML declaration names encoding=\"ISO-8859-1\"");
  refused(std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding = 'windows-1252'"),
          "its XML declaration names encoding=\"windows-1252\"");
  // A value that is no encoding name is refused without quoting it: one
  // whose quote does not close runs on into the document (found by the
  // message fuzz target: the finding quoted a client's BSN).
  const std::string open_quote = std::regex_replace(good, std::regex("encoding=\"UTF-8\"\\?>"), "encoding=\"UTF-");
  BOOST_REQUIRE(open_quote.find("?>") == std::string::npos);
  refused(open_quote, "its XML declaration names no well-formed encoding (so not UTF-8)");
  for (const auto& f : check(open_quote).findings) {
    BOOST_TEST(f.en.find('<') == std::string::npos, f.en);
    BOOST_TEST(f.nl.find('<') == std::string::npos, f.nl);
  }
  refused(std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"UTF 8\""),
          "its XML declaration names no well-formed encoding");

  // Ill-formed UTF-8: a lone continuation byte, an overlong '/', an overlong
  // three-byte form, a surrogate, beyond U+10FFFF, a sequence cut short, a
  // Latin-1 byte; each said with the byte and the line.
  const auto at = good.find("Daan Lucas");
  const auto line = std::to_string(1 + std::count(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  for (const std::string bad : {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82",
                                "Zo\xEB"}) {
    std::string doc = good;
    doc.replace(at, 4, bad);
    auto first = at + (bad.starts_with("Zo") ? 2 : 0);
    refused(doc, "byte " + std::to_string(first + 1) + " (line " + line + ") does not start a valid UTF-8 sequence");
  }

  // Still read: characters beyond ASCII in UTF-8, the declaration in lower
  // case or none at all.
  std::string names = good;
  names.replace(at, 10, "Zo\xC3\xAB \xC3\x85sa \xE2\x82\xAC \xF0\x9D\x94\xB8");
  BOOST_TEST(xml::to_string(check(names).verdict) == "valid");
  BOOST_TEST(xml::to_string(check(std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"utf-8\"")).verdict) == "valid");
  BOOST_TEST(xml::to_string(check(good.substr(good.find("?>") + 2)).verdict) == "valid");
}

// Parsing stops after kMaxXsdFindings XSD findings, with one more saying
// that there are more: thousands of undeclared elements cost no more than that.
BOOST_AUTO_TEST_CASE(xsd_findings_stop_at_the_cap_with_one_saying_so) {
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "<jw301:X/>";
  std::string doc = valid_301();
  doc.insert(doc.find("</jw301:Client>"), many);
  auto o = check(doc);
  BOOST_TEST(xml::to_string(o.verdict) == "invalid");
  BOOST_TEST(o.identity.has_value());
  BOOST_REQUIRE_EQUAL(o.findings.size(), xml::kMaxXsdFindings + 1);
  for (std::size_t i = 0; i < xml::kMaxXsdFindings; ++i) BOOST_TEST(o.findings[i].origin == "xsd");
  BOOST_TEST(o.findings.back().origin == "sluis");
  BOOST_TEST(o.findings.back().en.find("more than 100 schema errors") != std::string::npos, o.findings.back().en);
  BOOST_TEST(o.findings.back().nl.find("meer dan 100 schemafouten") != std::string::npos, o.findings.back().nl);
  // Fewer than the cap: all of them, and nothing said of more.
  std::string few;
  for (int i = 0; i < 10; ++i) few += "<jw301:X/>";
  doc = valid_301();
  doc.insert(doc.find("</jw301:Client>"), few);
  auto f = check(doc);
  BOOST_TEST(xml::to_string(f.verdict) == "invalid");
  BOOST_TEST(f.findings.size() < xml::kMaxXsdFindings);
  for (const auto& x : f.findings) BOOST_TEST(x.origin == "xsd");
}

// A name of 200 000 characters is quoted in a finding by its first few dozen:
// what a document can make a finding hold is bounded.
BOOST_AUTO_TEST_CASE(a_finding_quotes_little_of_a_huge_name) {
  config::SchemasConfig big = cfg;
  big.max_message = 4 << 20;
  xml::Validator v(set, big);
  const std::string name(200000, 'N');
  std::string doc = valid_301();
  doc.insert(doc.find("</jw301:Client>"), "<jw301:" + name + ">x</jw301:" + name + ">");
  auto o = v.validate(doc);
  BOOST_TEST(xml::to_string(o.verdict) == "invalid");
  BOOST_REQUIRE(!o.findings.empty());
  bool named = false;
  for (const auto& f : o.findings) {
    BOOST_TEST(f.path.size() < 200u, f.path.size());
    BOOST_TEST(f.detail.size() <= 1100u, f.detail.size());
    BOOST_TEST(f.nl.size() <= 4100u, f.nl.size());
    BOOST_TEST(f.en.size() <= 4100u, f.en.size());
    if (f.path.find("/NNNN") != std::string::npos) named = true;  // still says which element
  }
  BOOST_TEST(named);
  // A root in a namespace of 200 000 characters: the refusal quotes a little of it.
  auto r = v.validate("<Bericht xmlns=\"urn:" + name + "\"/>");
  BOOST_TEST(xml::to_string(r.verdict) == "unknown_message");
  for (const auto& f : r.findings) BOOST_TEST(f.en.size() + f.nl.size() < 4000u);
}

// No value of a personal element (standard/personal_data.hpp), nor of an
// element inside one, is quoted in a finding: not as its value, not in
// Xerces' text, not in the explanation.
BOOST_AUTO_TEST_CASE(no_value_of_a_personal_element_or_inside_one_is_quoted) {
  struct Case {
    const char* element;  // as in the message, replaced at its first occurrence
    const char* value;    // the original
    const char* secret;   // schema-invalid and short enough to be quoted
  };
  const Case cases[] = {
      {"jw301:Nummer", "0917-OUD-2231", "GEHEIM-NUMMER-1234567"},  // 21 > 20 characters
      {"ijw:Huisnummer", "221", "GEHEIM7"},                        // not a number
      {"ijw:Postcode", "6431HT", "GEHEIMPC9"},                     // 9 > 8 characters
      {"ijw:Voorletters", "DL", "Q9"},                             // letters only
      {"ijw:LandCode", "NL", "QZ"},                                // inside Adres: no code of its own list
      {"ijw:Datum", "2013-08-29", "2013-02-30"},                   // inside Geboortedatum
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.element) {
      std::string doc = valid_301();
      const std::string from = std::string("<") + c.element + ">" + c.value + "<";
      auto at = doc.find(from);
      BOOST_REQUIRE(at != std::string::npos);
      doc.replace(at, from.size(), std::string("<") + c.element + ">" + c.secret + "<");
      auto o = check(doc);
      BOOST_TEST(xml::to_string(o.verdict) == "invalid");
      const std::string local = std::string(c.element).substr(std::string(c.element).find(':') + 1);
      bool at_element = false;
      for (const auto& f : o.findings) {
        for (const std::string* t : {&f.value, &f.detail, &f.nl, &f.en})
          BOOST_TEST(t->find(c.secret) == std::string::npos, *t);
        if (f.path.ends_with("/" + local)) {
          at_element = true;
          BOOST_TEST(f.value == "***");
        }
      }
      BOOST_TEST(at_element);
    }
  }
  // DatumGebruik (a code, inside Geboortedatum): its value is not quoted either.
  std::string doc = valid_301();
  doc.replace(doc.find("</ijw:Datum>") + 12, 0, "<ijw:DatumGebruik>7</ijw:DatumGebruik>");
  auto o = check(doc);
  BOOST_TEST(xml::to_string(o.verdict) == "invalid");
  bool quoted = false;
  for (const auto& f : o.findings)
    if (f.path.ends_with("/DatumGebruik")) {
      quoted = true;
      BOOST_TEST(f.value == "***");
      BOOST_TEST(f.detail.find("'7'") == std::string::npos, f.detail);
    }
  BOOST_TEST(quoted);
}

BOOST_AUTO_TEST_SUITE_END()

// What an answer lists of its findings is bounded, with the total: 400
// findings list kListedFindings and one saying how many were left out.
BOOST_AUTO_TEST_CASE(listed_findings_are_bounded_and_say_their_total) {
  standard::Findings fs;
  for (int i = 0; i < 400; ++i) {
    standard::Finding f;
    f.origin = "TR338";
    f.rule = "TR338";
    f.retourcode = "9338";
    f.path = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[" + std::to_string(i + 1) + "]";
    f.value = std::to_string(900000 + i);
    f.nl = std::string(150, 'n');
    f.en = std::string(150, 'e');
    fs.push_back(f);
  }
  auto a = xml::to_json(fs);
  BOOST_REQUIRE(a.size() >= 2u);
  BOOST_TEST(a.size() <= xml::kListedFindings + 1);
  const auto& last = a.back().as_object();
  BOOST_TEST(last.at("origin").as_string() == "sluis");
  BOOST_TEST(last.at("findings_total").to_number<std::int64_t>() == 400);
  BOOST_TEST(last.at("omitted").to_number<std::int64_t>() == static_cast<std::int64_t>(400 - (a.size() - 1)));
  BOOST_TEST(std::string(last.at("en").as_string()).find("There are 400 findings") != std::string::npos);
  BOOST_TEST(boost::json::serialize(a).size() <= 64u * 1024);
  // Big findings: fewer listed, still under the bound.
  for (auto& f : fs) f.nl = f.en = std::string(4000, 'x');
  auto b = xml::to_json(fs);
  BOOST_TEST(b.size() < xml::kListedFindings);
  BOOST_TEST(boost::json::serialize(b).size() <= 64u * 1024);
  BOOST_TEST(b.back().as_object().at("findings_total").to_number<std::int64_t>() == 400);
  // A closing word of sluis's own and findings that must be listed (advice
  // on deadlines) are listed though the list is cut, before the note that
  // closes it, and counted in its total.
  {
    auto with_note = fs;
    with_note.back().origin = "sluis";
    with_note.back().en = "reading stopped";
    standard::Findings advice(2, fs.front());
    for (auto& f : advice) f.en = "late";
    auto d = xml::to_json(with_note, advice);
    const auto n = d.size();
    BOOST_REQUIRE(n >= 4u);
    BOOST_TEST(d[n - 4].at("en").as_string() == "reading stopped");
    BOOST_TEST(d[n - 3].at("en").as_string() == "late");
    BOOST_TEST(d[n - 2].at("en").as_string() == "late");
    BOOST_TEST(d[n - 1].at("findings_total").to_number<std::int64_t>() == 402);
    BOOST_TEST(d[n - 1].at("omitted").to_number<std::int64_t>() == static_cast<std::int64_t>(402 - (n - 1)));
  }
  // A few: all of them, nothing more.
  fs.resize(3);
  auto c = xml::to_json(fs);
  BOOST_TEST(c.size() == 3u);
  for (const auto& f : c) BOOST_TEST(!f.as_object().contains("findings_total"));
  // An outcome says its total beside the list.
  xml::Outcome o;
  o.verdict = xml::Verdict::invalid;
  o.findings = standard::Findings(250, fs.front());
  auto j = xml::to_json(o);
  BOOST_TEST(j.at("findings_total").to_number<std::int64_t>() == 250);
  BOOST_TEST(j.at("findings").as_array().size() <= xml::kListedFindings + 1);
}

namespace {

// Xerces' memory manager that fails one allocation, when told to.
class FailingMemory : public xercesc::MemoryManager {
 public:
  xercesc::MemoryManager* getExceptionMemoryManager() override { return this; }
  void* allocate(XMLSize_t size) override {
    if (left_ >= 0 && left_-- == 0) throw xercesc::OutOfMemoryException();
    return ::operator new(size);
  }
  void deallocate(void* p) override { ::operator delete(p); }
  // Fails the allocation after `n` more; -1: none.
  void fail_after(long n) { left_ = n; }
  bool failed() const { return left_ == -1; }

 private:
  long left_ = -1;
};

}  // namespace

// Xerces running out of memory (its OutOfMemoryException is no std
// exception) ends a load or a validation with a clear outcome; the validator
// then reads the next message whole.
BOOST_AUTO_TEST_CASE(xerces_out_of_memory_is_an_outcome_not_an_exception) {
  FailingMemory memory;
  xml::XercesRuntime runtime(&memory);
  auto cfg = test::schemas_config();
#if defined(__SANITIZE_ADDRESS__)
  // Xerces itself leaks what it had built when an allocation fails (its
  // TraverseSchema and scanner do not unwind everything); that is the
  // library's, not this code's, and the process goes on. Allocations made
  // here are left out of the leak check; every other test keeps it.
  __lsan::ScopedDisabler xerces_leaks_on_failure;
#endif
  memory.fail_after(5000);
  auto failed_load = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(memory.failed());
  BOOST_REQUIRE(failed_load.has_error());
  BOOST_TEST(failed_load.error().text.find("out of memory") != std::string::npos, failed_load.error().text);
  auto set = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(set.has_value());
  xml::Validator v(*set, cfg);
  const std::string good = valid_301();
  int refused = 0;
  for (long n : {0L, 20L, 200L}) {
    memory.fail_after(n);
    xml::Outcome o;
    BOOST_CHECK_NO_THROW(o = v.validate(good));
    if (memory.failed()) {
      ++refused;
      BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
      BOOST_REQUIRE(!o.findings.empty());
      BOOST_TEST(o.findings.back().en.find("not have enough memory") != std::string::npos, o.findings.back().en);
      // The next parser cannot be made either: the same outcome.
      memory.fail_after(0);
      BOOST_CHECK_NO_THROW(o = v.validate(good));
      BOOST_TEST(memory.failed());
      BOOST_TEST(xml::to_string(o.verdict) == "not_xml");
    }
    memory.fail_after(-1);
    BOOST_TEST(xml::to_string(v.validate(good).verdict) == "valid");
  }
  BOOST_TEST(refused >= 1);
}

// A schema pack is input too (`sluisctl config-test PATH`): a hostile one
// reads no file outside the pack into an error text and fetches nothing.
BOOST_AUTO_TEST_CASE(a_hostile_pack_reads_no_other_file_and_fetches_nothing) {
  xml::XercesRuntime runtime;
  fs::path root = fs::temp_directory_path() / ("sluis-hostile-" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "ijw");
  fs::copy(source() / "schemas/ijw/3.2", root / "ijw/3.2", fs::copy_options::recursive);
  const std::string marker = "SECRET-" + std::to_string(::getpid());
  std::ofstream(root / "secret.txt") << marker;
  const std::string secret = "file://" + (root / "secret.txt").string();
  // The classic error-based read: an external DTD whose entity names the file's text.
  std::ofstream(root / "evil.dtd") << "<!ENTITY % file SYSTEM \"" << secret << "\">\n"
                                   << "<!ENTITY % eval \"<!ENTITY &#x25; error SYSTEM 'file:///nonexistent/%file;'>\">\n"
                                   << "%eval;\n%error;\n";
  std::ofstream(root / "outside.xsd") << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"/>";

  // A loopback listener that counts connections (and closes them at once).
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(listener >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  BOOST_REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  BOOST_REQUIRE(::listen(listener, 16) == 0);
  BOOST_REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x.xsd";
  std::atomic<int> connections{0};
  std::thread counter([&] {
    for (;;) {
      int c = ::accept(listener, nullptr, nullptr);
      if (c < 0) return;
      ++connections;
      ::close(c);
    }
  });

  const std::string original = slurp(root / "ijw/3.2/jw301.xsd");
  const std::string manifest = slurp(root / "ijw/3.2/MANIFEST");
  struct Case {
    std::string doctype;  // after the XML declaration
    std::string at_import;  // after the basisschema import
    core::Errc code;
  };
  const Case cases[] = {
      {"<!DOCTYPE xs:schema [<!ENTITY s SYSTEM \"" + secret + "\">]>", "<xs:annotation><xs:documentation>&s;</xs:documentation></xs:annotation>", core::Errc::schemas_doctype},
      {"<!DOCTYPE xs:schema SYSTEM \"file://" + (root / "evil.dtd").string() + "\">", "", core::Errc::schemas_doctype},
      {"<!DOCTYPE xs:schema [<!ENTITY s SYSTEM \"" + url + "\">]>", "<xs:annotation><xs:documentation>&s;</xs:documentation></xs:annotation>", core::Errc::schemas_doctype},
      {"", "<xs:include schemaLocation=\"" + url + "\"/>", core::Errc::schemas_outside},
      {"", "<xs:import namespace=\"urn:x\" schemaLocation=\"" + url + "\"/>", core::Errc::schemas_outside},
      {"", "<xs:include schemaLocation=\"../../outside.xsd\"/>", core::Errc::schemas_outside},
      {"", "<xs:include schemaLocation=\"file://" + (root / "outside.xsd").string() + "\"/>", core::Errc::schemas_outside},
  };
  config::SchemasConfig cfg;
  cfg.dir = root;
  cfg.packs = {"ijw/3.2"};
  BOOST_TEST(xml::SchemaSet::load(cfg).has_value());
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.doctype << c.at_import) {
      std::string xsd = original;
      xsd.insert(xsd.find('\n') + 1, c.doctype + "\n");
      const std::string import = "schemaLocation=\"basisschema.xsd\"/>";
      xsd.insert(xsd.find(import) + import.size(), c.at_import);
      std::ofstream(root / "ijw/3.2/jw301.xsd", std::ios::trunc) << xsd;
      std::ofstream(root / "ijw/3.2/MANIFEST", std::ios::trunc)
          << std::regex_replace(manifest, std::regex("[0-9a-f]{64}  jw301.xsd"), core::sha256_hex(xsd) + "  jw301.xsd");
      auto r = xml::SchemaSet::load(cfg);
      BOOST_REQUIRE(r.has_error());
      BOOST_TEST(r.error().code == c.code, r.error().code << ": " << r.error().text);
      BOOST_TEST(r.error().text.find(marker) == std::string::npos, r.error().text);
    }
  }
  ::shutdown(listener, SHUT_RDWR);
  ::close(listener);
  counter.join();
  BOOST_TEST(connections.load() == 0);
  fs::remove_all(root);
}

BOOST_AUTO_TEST_CASE(manifest_refuses_tampered_unlisted_and_misplaced_packs) {
  xml::XercesRuntime runtime;
  fs::path root = fs::temp_directory_path() / ("sluis-manifest-" + std::to_string(::getpid()));
  fs::create_directories(root / "ijw");
  fs::copy(source() / "schemas/ijw/3.2", root / "ijw/3.2", fs::copy_options::recursive);
  config::SchemasConfig cfg;
  cfg.dir = root;
  cfg.packs = {"ijw/3.2"};
  BOOST_TEST(xml::SchemaSet::load(cfg).has_value());

  // One changed byte in a message XSD.
  {
    std::ofstream(root / "ijw/3.2/jw301.xsd", std::ios::app) << " ";
  }
  auto t = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(t.has_error());
  BOOST_TEST(t.error().code == core::Errc::schemas_tampered);
  BOOST_TEST(t.error().text.find("jw301.xsd differs from its MANIFEST") != std::string::npos);

  // A file nobody listed.
  fs::copy(source() / "schemas/ijw/3.2/jw301.xsd", root / "ijw/3.2/jw301.xsd",
           fs::copy_options::overwrite_existing);
  std::ofstream(root / "ijw/3.2/extra.xsd") << "<x/>";
  auto u = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(u.has_error());
  BOOST_TEST(u.error().text.find("extra.xsd is not listed") != std::string::npos);
  fs::remove(root / "ijw/3.2/extra.xsd");

  // A pack in the wrong directory.
  fs::rename(root / "ijw/3.2", root / "ijw/3.3");
  cfg.packs = {"ijw/3.3"};
  auto w = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(w.has_error());
  BOOST_TEST(w.error().text.find("says law=ijw release=3.2") != std::string::npos);
  fs::remove_all(root);
}

// Hostile input with the production limits (25 MiB, depth 64): each refused
// with a specific finding, no crash (this runs under ASan/UBSan in scripts/test).
BOOST_AUTO_TEST_CASE(hostile_input_with_default_limits) {
  xml::XercesRuntime runtime;
  config::SchemasConfig cfg;  // defaults: 25MiB, depth 64
  cfg.dir = source() / "schemas";
  auto set = xml::SchemaSet::load(cfg);
  BOOST_REQUIRE(set.has_value());
  xml::Validator v(*set, cfg);
  auto text_of = [](const xml::Outcome& o) {
    std::string t;
    for (const auto& f : o.findings) t += f.en + "\n";
    return t;
  };

  // 26 MiB: refused before parsing.
  std::string big(26u << 20, ' ');
  auto o1 = v.validate(big);
  BOOST_TEST(xml::to_string(o1.verdict) == "not_xml");
  BOOST_TEST(text_of(o1).find("larger than 25MiB") != std::string::npos);

  // Depth 100 000: stopped at the cap, long before the end.
  std::string deep = "<Bericht xmlns=\"http://www.istandaarden.nl/ijw/3_2/jw301/schema\">";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto o2 = v.validate(deep);
  BOOST_TEST(xml::to_string(o2.verdict) == "not_xml");
  BOOST_TEST(text_of(o2).find("deeper than 64") != std::string::npos);

  std::string good = slurp(source() / "tests/conformance/xsd/ijw/301/valid-toewijzing.xml");
  // A UTF-8 byte-order mark is refused: messages are UTF-8 without BOM (OP192).
  auto bom = v.validate("\xEF\xBB\xBF" + good);
  BOOST_TEST(xml::to_string(bom.verdict) == "not_xml");
  BOOST_TEST(text_of(bom).find("byte-order mark (EF BB BF)") != std::string::npos);
  // Invalid UTF-8 in a text node.
  std::string bad_utf8 = std::regex_replace(good, std::regex("Identificatie>J301-2026032<"),
                                            "Identificatie>J301-\xC3\x28<");
  BOOST_TEST(xml::to_string(v.validate(bad_utf8).verdict) == "not_xml");
  // UTF-16 with its BOM and declaration: refused as UTF-16, not read.
  std::string decl16 = std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"UTF-16\"");
  std::string utf16 = "\xFF\xFE";
  for (unsigned char c : decl16) {
    utf16.push_back(static_cast<char>(c));  // the corpus file is ASCII apart from names
    utf16.push_back('\0');
  }
  auto o3 = v.validate(utf16);
  BOOST_TEST(xml::to_string(o3.verdict) == "not_xml");
  BOOST_TEST(!o3.identity.has_value());
  BOOST_TEST(text_of(o3).find("it is UTF-16") != std::string::npos);
  // Empty body and plain text.
  auto o4 = v.validate("");
  BOOST_TEST(xml::to_string(o4.verdict) == "not_xml");
  BOOST_TEST(!o4.findings.empty());
  BOOST_TEST(xml::to_string(v.validate("GET / HTTP/1.1").verdict) == "not_xml");
}
