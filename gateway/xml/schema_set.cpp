#include "gateway/xml/schema_set.hpp"

#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/XMLEntityResolver.hpp>
#include <xercesc/util/XMLNetAccessor.hpp>
#include <xercesc/util/XMLResourceIdentifier.hpp>
#include <xercesc/util/regx/RangeToken.hpp>
#include <xercesc/util/regx/RegularExpression.hpp>
#include <xercesc/util/regx/Token.hpp>
#include <xercesc/validators/common/Grammar.hpp>
#include <xercesc/validators/datatype/DatatypeValidatorFactory.hpp>
#include <xercesc/validators/datatype/ListDatatypeValidator.hpp>
#include <xercesc/validators/datatype/UnionDatatypeValidator.hpp>
#include <xercesc/validators/schema/SchemaAttDef.hpp>
#include <xercesc/validators/schema/ComplexTypeInfo.hpp>
#include <xercesc/validators/schema/SchemaGrammar.hpp>

#include <xercesc/util/SecurityManager.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "gateway/core/digest.hpp"
#include "gateway/xml/xerces_util.hpp"

namespace sluis::xml {

using namespace xercesc;
namespace fs = std::filesystem;

XercesRuntime::XercesRuntime(MemoryManager* memory) {
  XMLPlatformUtils::Initialize(XMLUni::fgXercescDefaultLocale, nullptr, nullptr, memory);
  // Nothing is ever fetched: without a net accessor (Xerces' is libcurl)
  // every URL a document or schema might name fails to open, whatever a
  // parser's features say.
  delete XMLPlatformUtils::fgNetAccessor;
  XMLPlatformUtils::fgNetAccessor = nullptr;
}
XercesRuntime::~XercesRuntime() { XMLPlatformUtils::Terminate(); }

SchemaSet::~SchemaSet() = default;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What a pack's XSDs import or include resolves to a file of the same pack
// that its MANIFEST lists, named as a plain file name ("basisschema.xsd"), and
// to nothing else: no other file, no URL. (External entities and DTDs never
// get here: a schema document with a DOCTYPE is refused before Xerces reads
// it.) Every refusal is kept, and refuses the pack.
class PackResolver : public XMLEntityResolver {
 public:
  void enter(const fs::path& dir, std::set<std::string> files) {
    dir_ = dir;
    files_ = std::move(files);
  }
  InputSource* resolveEntity(XMLResourceIdentifier* r) override {
    std::string name = detail::to_utf8(r->getSystemId());
    if (name.empty()) return nullptr;  // an import by namespace only: nothing to read
    const auto type = r->getResourceIdentifierType();
    const bool schema = type == XMLResourceIdentifier::SchemaGrammar || type == XMLResourceIdentifier::SchemaImport ||
                        type == XMLResourceIdentifier::SchemaInclude || type == XMLResourceIdentifier::SchemaRedefine;
    if (schema && name.find_first_of("/\\:") == std::string::npos && files_.count(name))
      return new LocalFileInputSource(detail::XStr((dir_ / name).string()).get());
    if (refused.size() < 10) refused.push_back(name.size() > 200 ? name.substr(0, 200) + "..." : name);
    return nullptr;
  }
  std::vector<std::string> refused;

 private:
  fs::path dir_;
  std::set<std::string> files_;
};

// Schema documents have no DTD: the text "<!DOCTYPE" or "<!ENTITY" anywhere
// in one refuses the pack, before any parser reads it (an entity could read
// a local file into an error text, or fetch a URL).
std::optional<std::string> doctype_in(const fs::path& xsd) {
  const std::string text = slurp(xsd);
  for (std::string_view markup : {"<!DOCTYPE", "<!ENTITY"}) {
    auto at = text.find(markup);
    if (at != std::string::npos) {
      auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
      return xsd.string() + ":" + std::to_string(line) + ": " + std::string(markup.substr(2)) +
             ": a schema document may have no DTD and no entities; this pack is refused";
    }
  }
  return std::nullopt;
}

// Xerces compiles a pattern facet's regular expression when it loads a
// schema, but builds each character class's lookup table (RangeToken's map)
// lazily, on its first match. Two validating threads matching one pattern for
// the first time then build the same table at once: one copy leaks, and a
// thread can read a half-built table and give a wrong verdict (seen in
// validator_test's several-threads case under ASan: wrong verdicts and leaks
// from RangeToken::doCreateMap). So every table is built here, while one
// thread owns the grammars, like the content models below.
struct RegexInternals : RegularExpression {
  // The token tree and first-character class are protected: read through a
  // pointer to member named in this derived class.
  static Token* tree(const RegularExpression& r) { return r.*(&RegexInternals::fTokenTree); }
  static RangeToken* first_char(const RegularExpression& r) { return r.*(&RegexInternals::fFirstChar); }
  static RangeToken* word_range() { return fWordRange; }
};

struct ValidatorInternals : DatatypeValidator {
  static RegularExpression* regex(const DatatypeValidator& dv) { return (dv.*(&ValidatorInternals::getRegex))(); }
};

void build_range_maps(Token* t, int depth = 0) {
  if (!t || depth > 4096) return;
  if (t->getTokenType() == Token::T_RANGE || t->getTokenType() == Token::T_NRANGE)
    static_cast<RangeToken*>(t)->createMap();
  for (XMLSize_t i = 0; i < t->size(); ++i) build_range_maps(t->getChild(i), depth + 1);
}

// Every regular expression a validator (its bases, list items and union
// members included) matches with.
void build_range_maps(DatatypeValidator* dv, std::set<const DatatypeValidator*>& seen) {
  for (; dv && seen.insert(dv).second; dv = dv->getBaseValidator()) {
    if (const RegularExpression* re = ValidatorInternals::regex(*dv)) {
      build_range_maps(RegexInternals::tree(*re));
      if (RangeToken* first = RegexInternals::first_char(*re)) first->createMap();
    }
    if (dv->getType() == DatatypeValidator::List)
      build_range_maps(static_cast<ListDatatypeValidator*>(dv)->getItemTypeDTV(), seen);
    if (dv->getType() == DatatypeValidator::Union)
      if (auto* members = static_cast<UnionDatatypeValidator*>(dv)->getMemberTypeValidators())
        for (XMLSize_t i = 0; i < members->size(); ++i) build_range_maps(members->elementAt(i), seen);
  }
}

void build_range_maps(DVHashTable* registry, std::set<const DatatypeValidator*>& seen) {
  if (!registry) return;
  RefHashTableOfEnumerator<DatatypeValidator> all(registry, false);
  while (all.hasMoreElements()) build_range_maps(&all.nextElement(), seen);
}

void build_range_maps(XMLAttDefList& atts, std::set<const DatatypeValidator*>& seen) {
  for (XMLSize_t i = 0; i < atts.getAttDefCount(); ++i)
    build_range_maps(static_cast<SchemaAttDef&>(atts.getAttDef(i)).getDatatypeValidator(), seen);
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
  if (!in)
    return core::make_error(core::Errc::schemas_manifest,
                            "schema pack " + dir.string() + " has no MANIFEST");
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
      return core::make_error(
          core::Errc::schemas_manifest,
          manifest.string() + ":" + std::to_string(n) + ": expected \"<sha256>  <file>\"");
    listed[line.substr(66)] = line.substr(0, 64);
  }
  Pack pack;
  pack.dir = dir;
  auto l = standard::parse_law(law);
  if (!l || release.empty())
    return core::make_error(
        core::Errc::schemas_manifest,
        manifest.string() + ": the first line must be \"# release=<r> law=<iwmo|ijw>\"");
  if (dir.filename() != release || dir.parent_path().filename() != law)
    return core::make_error(core::Errc::schemas_manifest,
                            manifest.string() + ": says law=" + law + " release=" + release +
                                " but the pack lives in " + dir.string());
  pack.law = *l;
  pack.release = release;
  for (const auto& [file, sum] : listed) {
    fs::path p = dir / file;
    if (!fs::is_regular_file(p))
      return core::make_error(core::Errc::schemas_manifest,
                              manifest.string() + " lists " + file + ", which is missing");
    if (core::sha256_hex(slurp(p)) != sum)
      return core::make_error(core::Errc::schemas_tampered,
                              p.string() + " differs from its MANIFEST checksum; "
                                           "the pack was changed after it was released");
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name != "MANIFEST" && !listed.count(name))
      return core::make_error(core::Errc::schemas_manifest,
                              e.path().string() + " is not listed in the MANIFEST");
  }
  if (!listed.count("basisschema.xsd"))
    return core::make_error(core::Errc::schemas_manifest,
                            manifest.string() + " lists no basisschema.xsd");
  pack.files = listed.size();
  return pack;
}

core::Result<std::shared_ptr<const SchemaSet>> SchemaSet::load(const config::SchemasConfig& cfg) {
  std::shared_ptr<SchemaSet> set(new SchemaSet());
  set->pool_ = std::make_unique<XMLGrammarPoolImpl>(XMLPlatformUtils::fgMemoryManager);
  auto loader = std::make_unique<SAX2XMLReaderImpl>(XMLPlatformUtils::fgMemoryManager, set->pool_.get());
  loader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  loader->setFeature(XMLUni::fgXercesSchema, true);
  loader->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
  loader->setFeature(XMLUni::fgXercesHandleMultipleImports, true);
  // Nothing outside the pack: no external DTD, no default resolution of a
  // system id; the resolver hands out the pack's own files only.
  loader->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  loader->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  SecurityManager security;
  security.setEntityExpansionLimit(static_cast<XMLSize_t>(cfg.max_entity_expansions));
  loader->setProperty(XMLUni::fgXercesSecurityManager, &security);
  PackResolver resolver;
  loader->setXMLEntityResolver(&resolver);
  CollectErrors errors;
  loader->setErrorHandler(&errors);

  for (const auto& name : cfg.packs) {
    fs::path dir = cfg.dir / name;
    auto pack = check_manifest(dir);
    if (!pack) return pack.error();
    for (const auto& p : set->packs_)
      if (p.law == pack->law && p.release == pack->release)
        return core::make_error(core::Errc::schemas_duplicate,
                                "schema pack " + name + " is listed twice");
    // Every message XSD imports the basisschema; load the messages in a fixed
    // order so the pool is the same whatever the directory order.
    std::vector<fs::path> xsds;
    std::set<std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() != ".xsd") continue;
      if (auto doctype = doctype_in(e.path()))
        return core::make_error(core::Errc::schemas_doctype, *doctype);
      files.insert(e.path().filename().string());
      if (e.path().filename() != "basisschema.xsd") xsds.push_back(e.path());
    }
    std::sort(xsds.begin(), xsds.end());
    resolver.enter(dir, std::move(files));
    for (const auto& xsd : xsds) {
      errors.errors.clear();
      Grammar* g = nullptr;
      // Xerces' exceptions become the pack's error, never leave load().
      try {
        LocalFileInputSource source(detail::XStr(xsd.string()).get());
        g = loader->loadGrammar(source, Grammar::SchemaGrammarType, true);
      } catch (const XMLException& e) {
        return core::make_error(core::Errc::schemas_load,
                                xsd.string() + ": " + detail::to_utf8(e.getMessage()));
      } catch (const SAXParseException& e) {
        return core::make_error(core::Errc::schemas_load,
                                xsd.string() + ": " + detail::to_utf8(e.getMessage()));
      } catch (const SAXException& e) {
        return core::make_error(core::Errc::schemas_load,
                                xsd.string() + ": " + detail::to_utf8(e.getMessage()));
      } catch (const OutOfMemoryException&) {
        return core::make_error(core::Errc::schemas_load,
                                xsd.string() + ": out of memory while loading the schema");
      }
      if (!resolver.refused.empty())
        return core::make_error(core::Errc::schemas_outside,
                                xsd.string() + " refers to " + resolver.refused.front() +
                                    ", which is not a file of this pack; a pack's schemas may "
                                    "import and include only files its MANIFEST lists");
      if (!g || !errors.errors.empty())
        return core::make_error(core::Errc::schemas_load,
                                "cannot load " + xsd.string() + ": " +
                                    (errors.errors.empty() ? "no grammar" : errors.errors.front()));
    }
    set->packs_.push_back(*pack);
  }
  // Xerces builds content models (and their printable form, used in error
  // messages) lazily, on first use, inside the shared grammar: with several
  // validating threads that is a data race. Build them all now, while one
  // thread owns the pool; afterwards the grammars are only read.
  // The same for the pattern facets' character classes (build_range_maps).
  std::set<const DatatypeValidator*> seen;
  build_range_maps(DatatypeValidatorFactory::getBuiltInRegistry(), seen);
  if (RangeToken* word = RegexInternals::word_range()) word->createMap();
  auto grammars = set->pool_->getGrammarEnumerator();
  while (grammars.hasMoreElements()) {
    Grammar& g = grammars.nextElement();
    if (g.getGrammarType() != Grammar::SchemaGrammarType) continue;
    auto& sg = static_cast<SchemaGrammar&>(g);
    if (auto* factory = sg.getDatatypeRegistry()) build_range_maps(factory->getUserDefinedRegistry(), seen);
    auto warm = [&seen](ComplexTypeInfo* ti) {
      if (!ti) return;
      ti->getContentModel();
      ti->getFormattedContentModel();
      build_range_maps(ti->getDatatypeValidator(), seen);
      if (ti->hasAttDefs()) build_range_maps(ti->getAttDefList(), seen);
    };
    if (auto* reg = sg.getComplexTypeRegistry()) {
      RefHashTableOfEnumerator<ComplexTypeInfo> types(reg, false);
      while (types.hasMoreElements()) warm(&types.nextElement());
    }
    auto elems = sg.getElemEnumerator();
    while (elems.hasMoreElements()) {
      SchemaElementDecl& e = elems.nextElement();
      build_range_maps(e.getDatatypeValidator(), seen);
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
