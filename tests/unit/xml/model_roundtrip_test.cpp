// The typed model: every valid message of the conformance corpus reads into a
// model, writes back to XML that validates against our schemas and reads back
// to an equal model; every retour (and 325) written from the corpus's
// heenberichten validates.
#define BOOST_TEST_MODULE model_roundtrip
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

#include "gateway/xml/model_writer.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"
#include "tests/support/files.hpp"

namespace fs = std::filesystem;
namespace m = sluis::standard::model;
using namespace sluis;

namespace {

using test::slurp;
using test::source;

struct Fixture {
  Fixture() {
    cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    set = *s;
    validator = std::make_unique<xml::Validator>(set, cfg);
  }
  xml::Outcome read(const std::string& doc) { return validator->validate(doc, xml::ReadModel::yes); }

  // Every valid-*.xml of the corpus.
  static std::vector<fs::path> corpus() {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(source() / "tests/conformance/xsd"))
      if (e.path().extension() == ".xml" && e.path().filename().string().starts_with("valid"))
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  std::string explain(const xml::Outcome& o) {
    std::string s = std::string(xml::to_string(o.verdict));
    for (const auto& f : o.findings) s += " | " + f.path + ": " + f.en;
    return s;
  }

  xml::XercesRuntime runtime;
  config::SchemasConfig cfg;
  std::shared_ptr<const xml::SchemaSet> set;
  std::unique_ptr<xml::Validator> validator;
};

// The second opinion: libxml2 must agree that what we wrote is valid.
bool xmllint_accepts(const m::Message& msg, const std::string& doc) {
  static int n = 0;
  fs::path file = fs::temp_directory_path() / ("sluis-roundtrip-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(++n) + ".xml");
  std::ofstream(file, std::ios::binary) << doc;
  std::string xsd = (source() / "schemas" / std::string(standard::to_string(msg.type->law)) / msg.release /
                     (standard::message_prefix(*msg.type) + ".xsd"))
                        .string();
  int rc = std::system(("xmllint --noout --schema " + xsd + " " + file.string() + " 2>/dev/null").c_str());
  fs::remove(file);
  return rc == 0;
}

m::CdtXsdVersie xsd_versie(const m::Message& msg) {
  std::string v = msg.type->law == standard::Law::iwmo ? "1.0.0" : "0.1.0";
  return m::CdtXsdVersie{v, v};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(model, Fixture)

BOOST_AUTO_TEST_CASE(every_message_type_roundtrips) {
  std::set<std::pair<int, int>> types;  // (law, number) seen
  for (const auto& file : corpus()) {
    BOOST_TEST_CONTEXT(file.lexically_relative(source()).string()) {
      auto first = read(slurp(file));
      BOOST_REQUIRE_MESSAGE(first.message.has_value(), explain(first));
      types.insert({static_cast<int>(first.message->type->law), first.message->type->number});
      std::string xml = xml::write_message(*first.message);
      auto second = read(xml);
      BOOST_REQUIRE_MESSAGE(second.verdict == xml::Verdict::valid, explain(second) + "\n" + xml);
      BOOST_REQUIRE(second.message.has_value());
      BOOST_TEST((*second.message == *first.message));
      // Canonical and stable: writing the re-read model gives the same bytes.
      BOOST_TEST(xml::write_message(*second.message) == xml);
      // The compact layout: the same message with no whitespace between
      // elements, valid, read back equal, smaller.
      std::string compact = xml::write_message(*first.message, xml::Layout::compact);
      auto third = read(compact);
      BOOST_REQUIRE_MESSAGE(third.verdict == xml::Verdict::valid, explain(third) + "\n" + compact);
      BOOST_TEST((*third.message == *first.message));
      BOOST_TEST(compact.size() < xml.size());
      BOOST_TEST(compact.find(">\n<", compact.find("?>") + 2) == std::string::npos);
      BOOST_TEST(compact.find(">  <") == std::string::npos);
    }
  }
  BOOST_TEST(types.size() == 28u);
}

BOOST_AUTO_TEST_CASE(canonical_form) {
  auto o = read(slurp(source() / "tests/conformance/xsd/ijw/301/valid-default-namespace-budget.xml"));
  BOOST_REQUIRE(o.message.has_value());
  std::string xml = xml::write_message(*o.message);
  BOOST_TEST(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<jw301:Bericht xmlns:jw301=\""
                       "http://www.istandaarden.nl/ijw/3_2/jw301/schema\" xmlns:ijw=\""
                       "http://www.istandaarden.nl/ijw/3_2/basisschema/schema\">\n",
                       0) == 0);
  BOOST_TEST(xml.find("<ijw:Identificatie>") != std::string::npos);
  BOOST_TEST(xml.find("xmlns=") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(values_are_typed_and_located) {
  auto o = read(slurp(source() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml"));
  BOOST_REQUIRE(o.message.has_value());
  const auto& d = std::get<m::Bericht323>(o.message->body);
  BOOST_TEST(d.Header.BerichtCode == 490);
  BOOST_REQUIRE(!d.Declaratie.Clienten.empty());
  const auto& c = d.Declaratie.Clienten.front();
  BOOST_REQUIRE(!c.Prestaties.empty());
  const auto& p = c.Prestaties.front();
  BOOST_TEST(p.src.path() == "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie");
  BOOST_TEST(p.src.line > 0);
  BOOST_TEST(p.IngediendBedrag.Bedrag > 0);
  BOOST_TEST(p.ProductPeriode.Begindatum.ok());
  if (c.Prestaties.size() > 1)
    BOOST_TEST(c.Prestaties[1].src.path() == "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]");
  // Total of the prestaties as integer eurocent, debit minus credit.
  m::Integer sum = 0;
  for (const auto& cl : d.Declaratie.Clienten)
    for (const auto& pr : cl.Prestaties) sum += pr.IngediendBedrag.signed_cents();
  BOOST_TEST(sum == d.Declaratie.TotaalIngediendBedrag.signed_cents());
}

// What a large declaration's model keeps while it is judged: its lists
// without spare capacity (they grow by doubling while read), and each class's
// element path without a string of its own (one shared shape per place in the
// model, the numbers beside it), written out whole when asked.
BOOST_AUTO_TEST_CASE(a_large_model_keeps_no_spare_room) {
  std::string doc = slurp(source() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml");
  const auto from = doc.find("<jw323:Client>");
  const auto to = doc.rfind("</jw323:Client>") + std::string_view("</jw323:Client>").size();
  BOOST_REQUIRE(from != std::string::npos && to > from);
  const std::string clients = doc.substr(from, to - from);
  std::string many;
  for (int i = 0; i < 150; ++i) many += clients;  // 300 clients: room for 512 while read
  doc.replace(from, to - from, many);
  auto o = read(doc);
  BOOST_REQUIRE_MESSAGE(o.message.has_value(), explain(o));
  const auto& d = std::get<m::Bericht323>(o.message->body);
  BOOST_TEST(d.Declaratie.Clienten.size() == 300u);
  BOOST_TEST(d.Declaratie.Clienten.capacity() - d.Declaratie.Clienten.size() <= 16u);
  const auto& last = d.Declaratie.Clienten.back().Prestaties.front();
  BOOST_TEST(last.src.path() == "/Bericht/Declaratie/Clienten/Client[300]/Prestaties/Prestatie");
  for (std::size_t i = 0; i < d.Declaratie.Clienten.size(); ++i) {
    const auto& cl = d.Declaratie.Clienten[i];
    const std::string client =
        "/Bericht/Declaratie/Clienten/Client" + (i ? "[" + std::to_string(i + 1) + "]" : std::string());
    BOOST_TEST(cl.src.path() == client);
    for (std::size_t j = 0; j < cl.Prestaties.size(); ++j)
      BOOST_TEST(cl.Prestaties[j].src.path() ==
                 client + "/Prestaties/Prestatie" + (j ? "[" + std::to_string(j + 1) + "]" : std::string()));
  }
  static_assert(sizeof(m::Src) <= 24, "a Src holds a shape, two numbers, line and column: no string");
}

BOOST_AUTO_TEST_CASE(every_retour_written_from_a_heenbericht_validates) {
  int written = 0;
  for (const auto& file : corpus()) {
    auto o = read(slurp(file));
    BOOST_REQUIRE(o.message.has_value());
    const auto& type = *o.message->type;
    if (type.retour || type.number == 325) continue;
    BOOST_TEST_CONTEXT(file.lexically_relative(source()).string()) {
      if (type.number == 323) {
        m::AntwoordHeader a{{"DA-0001", o.message->header().BerichtIdentificatie.Dagtekening},
                            xsd_versie(*o.message),
                            std::nullopt};
        // All approved (IV087): header 0200, DeclaratieAntwoord 8001, no clients.
        auto all_ok = m::make_325(*o.message, a);
        auto& b = std::get<m::Bericht325>(all_ok.body);
        b.Header.RetourCodes = {"0200"};
        b.DeclaratieAntwoord->RetourCodes = {"8001"};
        m::remove_approved(*b.DeclaratieAntwoord);
        BOOST_TEST(b.DeclaratieAntwoord->Clienten.empty());
        auto r1 = read(xml::write_message(all_ok));
        BOOST_TEST((r1.verdict == xml::Verdict::valid), explain(r1));
        BOOST_TEST((r1.message && *r1.message == all_ok));
        // One rejected prestatie (IV088): only it and its client remain.
        auto one_bad = m::make_325(*o.message, a);
        auto& b2 = std::get<m::Bericht325>(one_bad.body);
        b2.Header.RetourCodes = {"0200"};
        auto& da = *b2.DeclaratieAntwoord;
        da.RetourCodes = {"0200"};
        da.Clienten.front().RetourCodes = {"0200"};
        da.Clienten.front().Prestaties.front().RetourCodes = {"9340"};
        da.TotaalToegekendBedrag.TotaalBedrag -= da.Clienten.front().Prestaties.front().IngediendBedrag.Bedrag;
        m::remove_approved(da);
        BOOST_TEST(da.Clienten.size() == 1u);
        BOOST_TEST(da.Clienten.front().Prestaties.size() == 1u);
        auto r2 = read(xml::write_message(one_bad));
        BOOST_TEST(xmllint_accepts(one_bad, xml::write_message(one_bad)));
        BOOST_TEST((r2.verdict == xml::Verdict::valid), explain(r2));
        written += 2;
        continue;
      }
      m::RetourHeader rh{"R-0001", o.message->header().BerichtIdentificatie.Dagtekening, std::nullopt,
                         xsd_versie(*o.message)};
      // Every class answered (IV028): 0200 everywhere.
      auto full = m::make_retour(*o.message, rh);
      BOOST_TEST(full.type->number == type.number + 1);
      BOOST_TEST(full.header().BerichtCode == full.type->berichtcode);
      BOOST_TEST(full.header().Afzender == o.message->header().Afzender);
      int classes = 0;
      m::for_each_class(full, [&](m::Src&, m::Codes& codes) {
        ++classes;
        codes = {"0200"};
      });
      BOOST_TEST(classes > 1);
      auto r1 = read(xml::write_message(full));
      BOOST_TEST(xmllint_accepts(full, xml::write_message(full)));
      BOOST_TEST((r1.verdict == xml::Verdict::valid), explain(r1) + "\n" + xml::write_message(full));
      BOOST_TEST((r1.message && *r1.message == full));
      // Header only, rejected by a rule (level 2): 0001 and XsltVersie.
      rh.XsltVersie = "1.0.0";
      auto header_only = m::make_retour(*o.message, rh);
      m::drop_classes(header_only);
      header_only.header().RetourCodes = {"0001"};
      auto r2 = read(xml::write_message(header_only));
      BOOST_TEST((r2.verdict == xml::Verdict::valid), explain(r2));
      written += 2;
    }
  }
  BOOST_TEST(written >= 28);  // 7 heen types x 2 laws x 2 variants
}

BOOST_AUTO_TEST_CASE(text_is_escaped_and_reads_back) {
  auto o = read(slurp(source() / "tests/conformance/xsd/ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE(o.message.has_value());
  auto& b = std::get<m::Bericht301>(o.message->body);
  b.Client->ToegewezenProducten.front().Commentaar = "a < b & c > d \"q\" 'x'";
  std::string xml = xml::write_message(*o.message);
  auto r = read(xml);
  BOOST_REQUIRE(r.message.has_value());
  BOOST_TEST(*std::get<m::Bericht301>(r.message->body).Client->ToegewezenProducten.front().Commentaar ==
             "a < b & c > d \"q\" 'x'");
}

BOOST_AUTO_TEST_SUITE_END()
