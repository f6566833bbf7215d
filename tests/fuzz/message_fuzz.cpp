// Fuzz target "message": the message path of POST /v1/messages and
// `sluisctl validate`, from bytes to findings, with the daemon's own code:
// intake::judge (intake/judge.hpp) — the size and encoding checks, the
// hardened Xerces SAX2 parse against the locked grammar pool of the repo's
// schema packs (iWmo and iJw 3.2), identification (namespace, BerichtCode),
// the typed model read in the same pass, then the in-message and
// external-list rules (rules::check) with the repo's reference lists and the
// example region's contracts (config/reference, config/contracts). The
// findings are then serialised as the HTTP answer does (xml/finding_json).
//
// Not covered here: the rules that compare with earlier messages (they need
// the store's ledger; the conformance tests and scenarios cover them) and the
// commit.
//
// Properties beyond "no crash, no leak, no UB": a valid verdict has an
// identity and a typed model; an invalid one has findings; a BSN the input
// holds only in <Bsn> elements never appears in the answer's JSON.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "gateway/core/date.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/schema_set.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace sluis;

namespace {

struct World {
  World() {
    fuzz::quiet_logs();
    const auto src = fuzz::source_dir();
    config::SchemasConfig limits;
    limits.dir = src / "schemas";
    limits.packs = {"iwmo/3.2", "ijw/3.2"};
    auto set = xml::SchemaSet::load(limits);
    if (!set) fuzz::fail("the schema packs do not load", set.error().text);
    schemas = *set;
    validator = std::make_unique<xml::Validator>(schemas, limits);
    config::ReferenceConfig ref;
    ref.cbs_gemeenten = src / "config/reference/cbs-gemeenten.csv";
    ref.productcodes = src / "config/reference/productcodes.csv";
    config::ContractsConfig contracts;
    contracts.catalogue = src / "config/contracts/catalogus.csv";
    contracts.coverage = src / "config/contracts/gemeenten.csv";
    contracts.tariffs = src / "config/contracts/tarieven.csv";
    contracts.ceilings = src / "config/contracts/plafonds.csv";
    contracts.degressive = src / "config/contracts/degressief.csv";
    reference = rules::load_reference(ref, contracts);
  }
  xml::XercesRuntime xerces;
  std::shared_ptr<const xml::SchemaSet> schemas;
  std::unique_ptr<xml::Validator> validator;
  std::shared_ptr<const rules::ReferenceData> reference;
  // The conformance corpus' day: the corpus' dates judge as they do there.
  core::Date today = *core::parse_date("2026-11-24");
};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const std::string_view doc(reinterpret_cast<const char*>(data), size);
  xml::Outcome out = intake::judge(*w.validator, doc, w.today, w.reference.get());
  switch (out.verdict) {
    case xml::Verdict::valid:
      if (!out.identity || !out.identity->type || !out.message) fuzz::fail("valid without identity or model");
      break;
    case xml::Verdict::invalid:
      if (!out.identity || !out.identity->type) fuzz::fail("invalid without identity");
      if (out.findings.empty()) fuzz::fail("invalid without findings");
      break;
    case xml::Verdict::not_xml:
    case xml::Verdict::unknown_message:
      if (out.message) fuzz::fail("a typed model of a refused document");
      break;
  }
  const std::string answer = boost::json::serialize(xml::to_json(out));
  if (fuzz::verbose()) std::fprintf(stderr, "  %s\n", answer.substr(0, 160).c_str());
  fuzz::check_no_bsn(fuzz::bsns_only_in_bsn_elements(doc), answer, "the findings");
  return 0;
}
