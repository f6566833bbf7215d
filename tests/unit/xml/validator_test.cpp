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

BOOST_AUTO_TEST_CASE(one_schema_set_serves_several_threads) {
  std::string good = valid_301();
  std::string bad = std::regex_replace(good, std::regex("BerichtCode>436<"), "BerichtCode>999<");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      xml::Validator v(set, cfg);
      for (int i = 0; i < 50; ++i) {
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

BOOST_AUTO_TEST_SUITE_END()

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
  BOOST_TEST(t.error().code == "schemas.tampered");
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
  // A UTF-8 byte-order mark is allowed by XML and changes nothing.
  BOOST_TEST(xml::to_string(v.validate("\xEF\xBB\xBF" + good).verdict) == "valid");
  // Invalid UTF-8 in a text node.
  std::string bad_utf8 = std::regex_replace(good, std::regex("Identificatie>J301-2026032<"),
                                            "Identificatie>J301-\xC3\x28<");
  BOOST_TEST(xml::to_string(v.validate(bad_utf8).verdict) == "not_xml");
  // UTF-16 with its BOM and declaration: read correctly, same verdict.
  std::string decl16 = std::regex_replace(good, std::regex("encoding=\"UTF-8\""), "encoding=\"UTF-16\"");
  std::string utf16 = "\xFF\xFE";
  for (unsigned char c : decl16) {
    utf16.push_back(static_cast<char>(c));  // the corpus file is ASCII apart from names
    utf16.push_back('\0');
  }
  auto o3 = v.validate(utf16);
  BOOST_TEST((o3.verdict == xml::Verdict::valid || o3.verdict == xml::Verdict::invalid));
  BOOST_TEST(o3.identity.has_value());
  // Empty body and plain text.
  auto o4 = v.validate("");
  BOOST_TEST(xml::to_string(o4.verdict) == "not_xml");
  BOOST_TEST(!o4.findings.empty());
  BOOST_TEST(xml::to_string(v.validate("GET / HTTP/1.1").verdict) == "not_xml");
}
