// The active schema packs, loaded once into one Xerces grammar pool that is
// then locked: every validating parser shares the compiled grammars and none
// can add to them (a schemaLocation in an instance is never followed).
//
// A pack is <dir>/<law>/<release>/ with basisschema.xsd, one XSD per message
// and a MANIFEST:
//     # release=3.2 law=ijw
//     <sha256>  basisschema.xsd
//     <sha256>  jw301.xsd ...
// Loading refuses a pack whose files differ from the MANIFEST, a file not
// listed, or a release/law that does not match the directory.
//
// A pack is input like any other (`sluisctl config-test PATH` loads the
// packs a given configuration names): loading reads the pack's own files and
// nothing else. A schema document with a DOCTYPE or an entity declaration is
// refused before Xerces reads it; an import or include resolves only to a
// file the MANIFEST lists, by its plain name; no external DTD, no default
// entity resolution; and XercesRuntime removes Xerces' net accessor, so no
// URL can be fetched at all. Xerces' exceptions become the load's error.
//
// Threading: load() from one thread at start-up (after XercesRuntime); the
// loaded set is immutable and shared (shared_ptr<const SchemaSet>) by the
// per-thread Validators. Reloading makes a new set.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/result.hpp"
#include "gateway/standard/catalog.hpp"

namespace xercesc_3_2 {
class XMLGrammarPool;
class MemoryManager;
}

namespace sluis::xml {

// Xerces' process-wide initialisation (XMLPlatformUtils::Initialize /
// Terminate). Create one in main before any SchemaSet; nests safely. It also
// removes Xerces' net accessor: nothing in this process fetches a URL.
// `memory`: Xerces' memory manager (default: its own), taken by the first
// runtime of the process only (tests use it to run Xerces out of memory).
class XercesRuntime {
 public:
  explicit XercesRuntime(xercesc_3_2::MemoryManager* memory = nullptr);
  ~XercesRuntime();
  XercesRuntime(const XercesRuntime&) = delete;
  XercesRuntime& operator=(const XercesRuntime&) = delete;
};

struct Pack {
  standard::Law law;
  std::string release;  // "3.2"
  std::filesystem::path dir;
  std::size_t files = 0;
};

class SchemaSet {
 public:
  ~SchemaSet();
  // Loads and locks every active pack; the error names the pack and the file.
  static core::Result<std::shared_ptr<const SchemaSet>> load(const config::SchemasConfig& cfg);

  const std::vector<Pack>& packs() const { return packs_; }
  bool active(standard::Law law, std::string_view release) const;
  xercesc_3_2::XMLGrammarPool* pool() const { return pool_.get(); }
  // Whether any element declares xs:unique, xs:key or xs:keyref (checking
  // them costs time per element even when there are none).
  bool identity_constraints() const { return identity_constraints_; }

 private:
  SchemaSet() = default;
  std::vector<Pack> packs_;
  std::unique_ptr<xercesc_3_2::XMLGrammarPool> pool_;
  bool identity_constraints_ = false;
};

// Checks one pack's MANIFEST against its files (also used by tests).
core::Result<Pack> check_manifest(const std::filesystem::path& pack_dir);

}  // namespace sluis::xml
