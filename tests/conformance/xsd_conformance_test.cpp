// Data-driven: every case under tests/conformance/xsd/ (and the synthetic
// second release under packs/) is validated by sluis's own validator and must
// give the verdict and the finding paths of its .expect file. A new case needs
// no C++: drop CASE.xml and CASE.expect into the tree.
#define BOOST_TEST_MODULE xsd_conformance
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/xml/validator.hpp"
#include "tests/support/files.hpp"

namespace fs = std::filesystem;
namespace bdata = boost::unit_test::data;
using namespace sluis;

namespace {

using test::slurp;
using test::source;

struct Expect {
  std::string verdict;
  std::vector<std::string> findings;  // "xsd /Bericht/..."
};

Expect read_expect(const fs::path& p) {
  Expect e;
  std::istringstream in(slurp(p));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("verdict: ")) e.verdict = line.substr(9);
    if (line.starts_with("finding: ")) e.findings.push_back(line.substr(9));
  }
  return e;
}

std::vector<std::string> cases() {
  std::vector<std::string> out;
  for (const auto& root : {source() / "tests/conformance/xsd", source() / "tests/conformance/packs/instances"})
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.path().extension() == ".xml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The schema set of the shipped packs plus the synthetic ijw 3.9, side by side
// in one scratch root (a release change is data: only the config names it).
struct Schemas {
  Schemas() {
    root = fs::temp_directory_path() / ("sluis-xsd-conformance-" + std::to_string(::getpid()));
    fs::create_directories(root / "ijw");
    fs::copy(source() / "schemas/iwmo", root / "iwmo", fs::copy_options::recursive);
    fs::copy(source() / "schemas/ijw/3.2", root / "ijw/3.2", fs::copy_options::recursive);
    fs::copy(source() / "tests/conformance/packs/ijw/3.9", root / "ijw/3.9", fs::copy_options::recursive);
    cfg.dir = root;
    cfg.packs = {"iwmo/3.2", "ijw/3.2", "ijw/3.9"};
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    set = *s;
  }
  ~Schemas() { fs::remove_all(root); }
  xml::XercesRuntime runtime;
  fs::path root;
  config::SchemasConfig cfg;
  std::shared_ptr<const xml::SchemaSet> set;
};

Schemas* g_schemas = nullptr;
struct Global {
  Global() { g_schemas = new Schemas(); }
  ~Global() { delete g_schemas; }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

}  // namespace

BOOST_DATA_TEST_CASE(case_gives_its_expected_verdict_and_findings, bdata::make(cases()), file) {
  fs::path xml_file(file);
  Expect want = read_expect(fs::path(xml_file).replace_extension(".expect"));
  xml::Validator v(g_schemas->set, g_schemas->cfg);
  auto out = v.validate(slurp(xml_file));
  std::string got = out.verdict == xml::Verdict::valid ? "valid" : "invalid";
  BOOST_TEST(got == want.verdict, xml_file.filename() << ": " << xml::to_string(out.verdict));
  std::vector<std::string> paths;
  for (const auto& f : out.findings) paths.push_back(f.origin + " " + f.path);
  if (want.verdict == "invalid") {
    std::string got_list, want_list;
    for (const auto& p : paths) got_list += "\n  got  " + p;
    for (const auto& p : want.findings) want_list += "\n  want " + p;
    BOOST_TEST(paths == want.findings, xml_file.filename() << got_list << want_list);
    // Every finding explains itself in both languages.
    for (const auto& f : out.findings) {
      BOOST_TEST(!f.nl.empty());
      BOOST_TEST(!f.en.empty());
      BOOST_TEST(f.line > 0);
    }
  }
  if (out.verdict == xml::Verdict::valid) {
    BOOST_REQUIRE(out.identity.has_value());
    BOOST_TEST(std::to_string(out.identity->type->berichtcode) == out.identity->berichtcode);
  }
}
