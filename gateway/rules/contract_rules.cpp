// The contract rules: a 323's prestaties against the region's contracts
// (contracts.hpp), with the external-list rules on the validation pool. They
// read the contract data and the message only, never the ledger, so they need
// no transaction (3.2 files TR418 as "berichtoverstijgend"; what it compares
// with is the contract, an external source like the product code list).
//
//  - TR418 (0611): a debit prestatie's ProductTarief is the contract tariff
//    for this provider, product and gemeente on the ProductPeriode's
//    Begindatum, per the catalogue's Eenheid. Not checked: credits (a credit
//    repeats the debit it withdraws, whatever that debit declared), Eenheid 83
//    (no ProductTarief, CD087), uncontracted products (SL001's), etmalen
//    under a degressive tariff (SL002's: degressive_rules.cpp) and
//    trajectories, products the catalogue marks outputgericht (SL003's, in
//    trajectory_rules.cpp: a trajectory across a year end is settled pro rata).
//  - SL001 (sluis's own rule; retourcode from [contracts]
//    uncontracted_retourcode, advice when empty): a debit prestatie's product,
//    on the product code list, is contracted with this provider in this
//    gemeente on the Begindatum.
// Both are silent when no contracts are configured, and for a gemeente the
// contracts do not govern in the message's law on that day
// (Contracts::governs).
#include <fmt/format.h>

#include <array>

#include "gateway/rules/checks.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
using checks::as;
using checks::d;
using checks::euro_en;
using checks::euro_nl;
using checks::kExt;

// Each debit prestatie of a 323 the contracts govern, with its gemeente and provider.
template <class F>
void for_governed(const Context& c, F&& f) {
  if (!c.reference || !c.reference->contracts) return;
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& h = c.message.header();
  const Contracts& k = *c.reference->contracts;
  for (const auto& cl : b->Declaratie.Clienten)
    for (const auto& p : cl.Prestaties) {
      if (p.IngediendBedrag.DebetCredit == "C") continue;
      if (!k.governs(c.message.type->law, h.Ontvanger, p.ProductPeriode.Begindatum)) continue;
      f(k, p, h.Ontvanger, h.Afzender);
    }
}

void tr418(const Context& c, Sink& s) {
  for_governed(c, [&](const Contracts& k, const m::Prestatie& p, const std::string& gemeente,
                      const std::string& aanbieder) {
    if (!p.ProductTarief || p.Eenheid == "83") return;
    const core::Date& on = p.ProductPeriode.Begindatum;
    auto cp = k.contracted(c.message.type->law, gemeente, aanbieder, p.ProductCategorie,
                           p.ProductCode, on);
    if (!cp) return;
    // An etmaal product under a degressive tariff is priced by its place in
    // the year's count: SL002's, inside the commit.
    if (p.Eenheid == "14" && cp->product && cp->product->eenheid == "14" &&
        k.degressive_for(aanbieder, gemeente, on))
      return;
    if (cp->product && cp->product->soort == ProductSoort::outputgericht) return;
    const std::int64_t declared = *p.ProductTarief;
    const std::string unit = cp->product ? cp->product->eenheid : p.Eenheid;
    if (declared == cp->eurocent && p.Eenheid == unit) return;
    const TariffRow& row = *cp->priced;
    const std::string source_nl = fmt::format(
        "contract {}, {}, ingangsdatum {}{}", row.contract, row.where, d(row.validity.from),
        cp->priced != cp->row ? ", het standaardtarief van het contract; uw regel " + cp->row->where
                              : "");
    const std::string source_en = fmt::format(
        "contract {}, {}, ingangsdatum {}{}", row.contract, row.where, d(row.validity.from),
        cp->priced != cp->row ? ", the contract's default tariff; your row " + cp->row->where : "");
    const std::string what_nl = fmt::format("voor aanbieder {}, product {} in gemeente {} op {}",
                                            aanbieder, p.ProductCode, gemeente, d(on));
    const std::string what_en = fmt::format("for provider {}, product {} in gemeente {} on {}",
                                            aanbieder, p.ProductCode, gemeente, d(on));
    if (p.Eenheid != unit) {
      s.fail(
          p.src, "Eenheid", p.Eenheid,
          fmt::format("ProductTarief {} ({}) is per {} (Eenheid {}), het contracttarief is {} per "
                      "{} (Eenheid {}) "
                      "{} ({}). Declareer in de eenheid van het contract tegen het contracttarief.",
                      declared, euro_nl(declared), eenheid_name(p.Eenheid), p.Eenheid,
                      euro_nl(cp->eurocent), eenheid_name(unit), unit, what_nl, source_nl),
          fmt::format("ProductTarief {} ({}) is per {} (Eenheid {}), the contract tariff is {} per "
                      "{} (Eenheid {}) "
                      "{} ({}). Declare in the contract's unit at the contract tariff.",
                      declared, euro_en(declared), eenheid_name_en(p.Eenheid), p.Eenheid,
                      euro_en(cp->eurocent), eenheid_name_en(unit), unit, what_en, source_en));
      return;
    }
    s.fail(p.src, "ProductTarief", std::to_string(declared),
           fmt::format("het gedeclareerde tarief {} ({} eurocent per {}) wijkt af van het "
                       "contracttarief {} ({} eurocent per {}) "
                       "{} ({}). Declareer het contracttarief; is een ander tarief afgesproken, "
                       "laat de regio dan het "
                       "contract aanpassen.",
                       euro_nl(declared), declared, eenheid_name(unit), euro_nl(cp->eurocent),
                       cp->eurocent, eenheid_name(unit), what_nl, source_nl),
           fmt::format("the declared tariff {} ({} eurocent per {}) differs from the contract "
                       "tariff {} ({} eurocent per {}) "
                       "{} ({}). Declare the contract tariff; if another tariff was agreed, have "
                       "the region correct "
                       "the contract.",
                       euro_en(declared), declared, eenheid_name_en(unit), euro_en(cp->eurocent),
                       cp->eurocent, eenheid_name_en(unit), what_en, source_en));
  });
}

void sl001(const Context& c, Sink& s) {
  for_governed(c, [&](const Contracts& k, const m::Prestatie& p, const std::string& gemeente,
                      const std::string& aanbieder) {
    const standard::Law law = c.message.type->law;
    const core::Date& on = p.ProductPeriode.Begindatum;
    // A code off the product code list (and off the catalogue where it
    // counts as one) is TR381's (S329).
    if (!c.reference->productcodes.fits(law, p.ProductCategorie, p.ProductCode, on) &&
        !k.lists_for(law, gemeente, p.ProductCategorie, p.ProductCode, on))
      return;
    if (k.contracted(law, gemeente, aanbieder, p.ProductCategorie, p.ProductCode, on)) return;
    const bool listed = k.product(law, p.ProductCategorie, p.ProductCode, on) != nullptr;
    auto& f = s.fail(p.src, "ProductCode", p.ProductCategorie + "/" + p.ProductCode,
                     fmt::format("product {} is op {} niet gecontracteerd met aanbieder {} voor "
                                 "gemeente {}{}. Declareer alleen "
                                 "gecontracteerde producten (sluisctl contract-show, GET "
                                 "/v1/contract), of vraag de regio het "
                                 "contract aan te vullen.",
                                 p.ProductCode, d(on), aanbieder, gemeente,
                                 listed ? ""
                                        : " (de regio koopt het op die datum niet in: het staat "
                                          "niet in de productcatalogus)"),
                     fmt::format("product {} is not contracted with provider {} for gemeente {} on "
                                 "{}{}. Declare only contracted "
                                 "products (sluisctl contract-show, GET /v1/contract), or ask the "
                                 "region to extend the contract.",
                                 p.ProductCode, aanbieder, gemeente, d(on),
                                 listed ? ""
                                        : " (the region does not buy it on that date: it is not in "
                                          "the product catalogue)"));
    if (k.uncontracted_retourcode.empty()) {
      f.advisory = true;
    } else {
      f.retourcode = k.uncontracted_retourcode;
    }
  });
}

// clang-format off
const std::array kContractRules = {
  Rule{"TR418", "0611", kExt, "323", "ProductTarief is het contracttarief voor de aanbieder, het product, de gemeente en de datum.", "ProductTarief is the contract tariff for the provider, product, gemeente and date.", &tr418},
  Rule{"SL001", "", kExt, "323", "Het product is op de datum gecontracteerd met de aanbieder voor de gemeente (regel van sluis; retourcode naar instelling, anders advies).", "The product is contracted with the provider for the gemeente on the date (sluis's own rule; retourcode as configured, else advice).", &sl001},
};
// clang-format on

}  // namespace

std::span<const Rule> contract_rules() {
  return kContractRules;
}

}  // namespace sluis::rules
