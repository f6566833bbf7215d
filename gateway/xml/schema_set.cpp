#include "gateway/xml/schema_set.hpp"

#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/validators/common/Grammar.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "gateway/core/digest.hpp"
#include "gateway/xml/xerces_util.hpp"

namespace sluis::xml {

using namespace xercesc;
namespace fs = std::filesystem;

XercesRuntime::XercesRuntime() { XMLPlatformUtils::Initialize(); }
XercesRuntime::~XercesRuntime() { XMLPlatformUtils::Terminate(); }

SchemaSet::~SchemaSet() = default;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class CollectErrors : public ErrorHandler {
 public:
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { add(e); }
  void fatalError(const SAXParseException& e) override { add(e); }
  void resetErrors() override {}
  std::vector<std::string> errors;

 private:
  void add(const SAXParseException& e) {
    errors.push_back(detail::to_utf8(e.getSystemId()) + ":" + std::to_string(e.getLineNumber()) + ":" +
                     std::to_string(e.getColumnNumber()) + ": " + detail::to_utf8(e.getMessage()));
  }
};

}  // namespace

core::Result<Pack> check_manifest(const fs::path& dir) {
  const fs::path manifest = dir / "MANIFEST";
  std::ifstream in(manifest);
  if (!in) return core::make_error("schemas.manifest", "schema pack " + dir.string() + " has no MANIFEST");
  std::string line;
  std::string release, law;
  std::map<std::string, std::string> listed;  // file -> sha256
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (line.front() == '#') {
      std::istringstream words(line.substr(1));
      std::string w;
      while (words >> w) {
        if (w.starts_with("release=")) release = w.substr(8);
        if (w.starts_with("law=")) law = w.substr(4);
      }
      continue;
    }
    auto sp = line.find("  ");
    if (sp != 64 || line.size() <= 66)
      return core::make_error("schemas.manifest", manifest.string() + ":" + std::to_string(n) +
                                                      ": expected \"<sha256>  <file>\"");
    listed[line.substr(66)] = line.substr(0, 64);
  }
  Pack pack;
  pack.dir = dir;
  auto l = standard::parse_law(law);
  if (!l || release.empty())
    return core::make_error("schemas.manifest", manifest.string() + ": the first line must be \"# release=<r> law=<iwmo|ijw>\"");
  if (dir.filename() != release || dir.parent_path().filename() != law)
    return core::make_error("schemas.manifest", manifest.string() + ": says law=" + law + " release=" +
                                                    release + " but the pack lives in " + dir.string());
  pack.law = *l;
  pack.release = release;
  for (const auto& [file, sum] : listed) {
    fs::path p = dir / file;
    if (!fs::is_regular_file(p))
      return core::make_error("schemas.manifest", manifest.string() + " lists " + file + ", which is missing");
    if (core::sha256_hex(slurp(p)) != sum)
      return core::make_error("schemas.tampered", p.string() + " differs from its MANIFEST checksum; "
                                                  "the pack was changed after it was released");
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name != "MANIFEST" && !listed.count(name))
      return core::make_error("schemas.manifest", e.path().string() + " is not listed in the MANIFEST");
  }
  if (!listed.count("basisschema.xsd"))
    return core::make_error("schemas.manifest", manifest.string() + " lists no basisschema.xsd");
  pack.files = listed.size();
  return pack;
}

core::Result<std::shared_ptr<const SchemaSet>> SchemaSet::load(const config::SchemasConfig& cfg) {
  std::shared_ptr<SchemaSet> set(new SchemaSet());
  set->pool_ = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
  std::unique_ptr<SAX2XMLReader> loader(
      XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, set->pool_.get()));
  loader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  loader->setFeature(XMLUni::fgXercesSchema, true);
  loader->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
  loader->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
  CollectErrors errors;
  loader->setErrorHandler(&errors);

  for (const auto& name : cfg.packs) {
    fs::path dir = cfg.dir / name;
    auto pack = check_manifest(dir);
    if (!pack) return pack.error();
    for (const auto& p : set->packs_)
      if (p.law == pack->law && p.release == pack->release)
        return core::make_error("schemas.duplicate", "schema pack " + name + " is listed twice");
    // Every message XSD imports the basisschema; load the messages in a fixed
    // order so the pool is the same whatever the directory order.
    std::vector<fs::path> xsds;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".xsd" && e.path().filename() != "basisschema.xsd")
        xsds.push_back(e.path());
    std::sort(xsds.begin(), xsds.end());
    for (const auto& xsd : xsds) {
      errors.errors.clear();
      Grammar* g = nullptr;
      try {
        g = loader->loadGrammar(xsd.c_str(), Grammar::SchemaGrammarType, true);
      } catch (const XMLException& e) {
        return core::make_error("schemas.load", xsd.string() + ": " + detail::to_utf8(e.getMessage()));
      } catch (const SAXParseException& e) {
        return core::make_error("schemas.load", xsd.string() + ": " + detail::to_utf8(e.getMessage()));
      }
      if (!g || !errors.errors.empty())
        return core::make_error("schemas.load", "cannot load " + xsd.string() + ": " +
                                                    (errors.errors.empty() ? "no grammar" : errors.errors.front()));
    }
    set->packs_.push_back(*pack);
  }
  // Xerces builds content models (and their printable form, used in error
  // messages) lazily, on first use, inside the shared grammar: with several
  // validating threads that is a data race. Build them all now, while one
  // thread owns the pool; afterwards the grammars are only read.
  auto grammars = set->pool_->getGrammarEnumerator();
  while (grammars.hasMoreElements()) {
    Grammar& g = grammars.nextElement();
    if (g.getGrammarType() != Grammar::SchemaGrammarType) continue;
    auto& sg = static_cast<SchemaGrammar&>(g);
    auto warm = [](ComplexTypeInfo* ti) {
      if (!ti) return;
      ti->getContentModel();
      ti->getFormattedContentModel();
    };
    if (auto* reg = sg.getComplexTypeRegistry()) {
      RefHashTableOfEnumerator<ComplexTypeInfo> types(reg, false);
      while (types.hasMoreElements()) warm(&types.nextElement());
    }
    auto elems = sg.getElemEnumerator();
    while (elems.hasMoreElements()) {
      SchemaElementDecl& e = elems.nextElement();
      warm(e.getComplexTypeInfo());
      if (e.getIdentityConstraintCount() > 0) set->identity_constraints_ = true;
    }
  }
  // From here on no parser can add or replace a grammar.
  set->pool_->lockPool();
  return std::shared_ptr<const SchemaSet>(std::move(set));
}

bool SchemaSet::active(standard::Law law, std::string_view release) const {
  return std::any_of(packs_.begin(), packs_.end(),
                     [&](const Pack& p) { return p.law == law && p.release == release; });
}

}  // namespace sluis::xml
