#include "gateway/intake/ledger_import.hpp"

#include <algorithm>

#include "gateway/core/digest.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"

namespace sluis::intake {

namespace {

standard::Finding refusal(std::string nl, std::string en) {
  standard::Finding f;
  f.origin = "sluis";
  f.path = "/Bericht/Header/BerichtCode";
  f.nl = std::move(nl);
  f.en = std::move(en);
  return f;
}

int order(int type) { return type == 301 ? 0 : type == 305 ? 1 : 2; }

}  // namespace

core::Result<std::vector<ImportResult>> ledger_import(store::Store& store, xml::Validator& validator,
                                                      const rules::ReferenceData* reference,
                                                      std::vector<ImportDocument> documents,
                                                      const ImportOptions& options) {
  std::vector<ImportResult> results(documents.size());
  struct Ready {
    std::size_t index;
    standard::model::Message message;
    std::string id;
  };
  std::vector<Ready> ready;
  // Outside the transaction: what each document is, and whether it passes on its own.
  for (std::size_t i = 0; i < documents.size(); ++i) {
    auto& r = results[i];
    r.name = documents[i].name;
    xml::Outcome out = judge(validator, documents[i].body, options.today, reference);
    if (out.identity) r.type = out.identity->type->number;
    if (out.verdict != xml::Verdict::valid || !out.message) {
      r.findings = std::move(out.findings);
      if (r.findings.empty())
        r.findings.push_back(refusal("Geen bericht van een actieve release.", "Not a message of an active release."));
      continue;
    }
    if (r.type != 301 && r.type != 305 && r.type != 307) {
      r.findings.push_back(refusal("Alleen toewijzingen (301), starts (305) en stops (307) worden ingelezen; dit is een " +
                                       std::to_string(r.type) + ".",
                                   "Only allocations (301), starts (305) and stops (307) are imported; this is a " +
                                       std::to_string(r.type) + "."));
      continue;
    }
    ready.push_back({i, std::move(*out.message), "import-" + core::sha256_hex(documents[i].body).substr(0, 20)});
  }
  std::stable_sort(ready.begin(), ready.end(),
                   [](const Ready& a, const Ready& b) { return order(a.message.type->number) < order(b.message.type->number); });

  const std::string key = options.bsn_key;
  auto hash = [key](const std::string& bsn) { return core::hmac_sha256_hex(key, bsn); };
  std::size_t imported = 0;
  auto work = [&](const standard::ledger::LedgerView& view, const store::LedgerApply& apply) -> core::Result<void> {
    for (auto& d : ready) {
      auto& r = results[d.index];
      rules::Context ctx{d.message, options.today, reference, &view, hash};
      // TR379 asks for the request an allocation honours; the requests
      // behind imported allocations are history that is not imported.
      for (auto& f : rules::check_ledger(ctx))
        if (f.rule != "TR379") r.findings.push_back(std::move(f));
      if (!r.findings.empty()) continue;
      auto changes = rules::ledger_changes(d.message, d.id, {}, standard::ledger::Verdict::approved, hash, {}, &view);
      if (auto a = apply(changes); !a) return a;
      r.imported = true;
      ++imported;
    }
    return {};
  };
  auto done = store.ledger_batch(work, options.apply, options.actor, options.uid, [&] {
    return std::to_string(imported) + " of " + std::to_string(documents.size()) + " documents imported";
  });
  if (!done) return done.error();
  return results;
}

}  // namespace sluis::intake
