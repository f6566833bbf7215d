// SL003 (sluis's own rule, retourcode 0611): a trajectory is declared at its
// price, and a trajectory that crosses a year end is settled pro rata by
// months (seeds §2.3: "Jaareinde verrekening naar rato van het aantal
// maanden"). trajectory.hpp defines the months and the rounding.
//
// A trajectory is a debit prestatie of a product the catalogue marks
// outputgericht (TR418 leaves those alone), in a gemeente the contracts
// govern on the ProductPeriode's Begindatum, contracted with the provider
// then (otherwise SL001's), on an allocation of this provider the ledger
// knows (otherwise TR338's). Its period is the allocation's: Ingangsdatum to
// Einddatum. Its price is the contract price on that Ingangsdatum (one
// trajectory, one price: a tariff indexed on 1 January applies to the
// trajectories that begin from then), or on the Begindatum when the provider
// was not contracted for it on the Ingangsdatum. The expected ProductTarief
// is the part of that price for the year of the Begindatum (trajectory_part);
// another ProductTarief, or another Eenheid than the catalogue's, is 0611.
// Credits are not judged (a credit repeats the debit it withdraws), nor
// Eenheid 83 (no ProductTarief, CD087).
//
// A cross-message rule: it reads the allocation from the ledger, so it runs
// on the store's writer inside the commit (rules::check_ledger), with the
// reference data the commit sees. Silent without contracts.
#include <fmt/format.h>

#include <array>

#include "gateway/rules/checks.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/trajectory.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
namespace L = standard::ledger;
using checks::as;
using checks::d;
using checks::euro_en;
using checks::euro_nl;
using checks::kX;

// How the expected part follows from the price, in both languages.
struct Reason {
  std::string nl, en;
};

Reason reason(const TrajectoryPart& t, std::int64_t price, const L::Allocation& a) {
  const std::string period = fmt::format("{} - {}", d(a.ingangsdatum), d(a.einddatum));
  if (t.months_total == 0 && !a.einddatum)
    return {
        fmt::format("het traject (toewijzing {}) begint op {} en heeft geen einddatum: de duur is "
                    "onbekend, dus geldt de hele trajectprijs",
                    a.toewijzing_nummer, d(a.ingangsdatum)),
        fmt::format(
            "the trajectory (allocation {}) begins on {} and has no Einddatum: its duration is "
            "unknown, so the whole trajectory price applies",
            a.toewijzing_nummer, d(a.ingangsdatum))};
  if (t.months_total == 0)  // an Einddatum before the Ingangsdatum: nothing to divide
    return {fmt::format("het traject (toewijzing {}, {}) eindigt voor het begint: de hele "
                        "trajectprijs",
                        a.toewijzing_nummer, period),
            fmt::format("the trajectory (allocation {}, {}) ends before it begins: the whole "
                        "trajectory price",
                        a.toewijzing_nummer, period)};
  if (!t.settled)
    return {
        fmt::format(
            "het traject (toewijzing {}, {}) ligt binnen één kalenderjaar: de hele trajectprijs",
            a.toewijzing_nummer, period),
        fmt::format("the trajectory (allocation {}, {}) lies within one calendar year: the whole "
                    "trajectory price",
                    a.toewijzing_nummer, period)};
  const int last = int(trajectory_month(a.ingangsdatum, t.months_total - 1).year());
  const std::string sum_nl =
      t.months_in_year == 0 ? std::string("dus geen deel")
      : t.year == last
          ? fmt::format(
                "het laatste jaar krijgt de prijs min de delen van de eerdere jaren: {} eurocent",
                t.eurocent)
          : fmt::format("{} × {} ÷ {} = {} eurocent (naar beneden afgerond)", price,
                        t.months_in_year, t.months_total, t.eurocent);
  const std::string sum_en =
      t.months_in_year == 0 ? std::string("so no part")
      : t.year == last
          ? fmt::format("the last year gets the price less the earlier years' parts: {} eurocent",
                        t.eurocent)
          : fmt::format("{} × {} ÷ {} = {} eurocent (rounded down)", price, t.months_in_year,
                        t.months_total, t.eurocent);
  return {
      fmt::format("het traject (toewijzing {}, {}) loopt over een jaargrens en wordt naar rato van "
                  "het aantal maanden verrekend: {} van zijn {} maanden beginnen in {} (maand k "
                  "begint op de ingangsdatum plus k maanden en telt in het jaar waarin hij "
                  "begint), {}",
                  a.toewijzing_nummer, period, t.months_in_year, t.months_total, t.year, sum_nl),
      fmt::format(
          "the trajectory (allocation {}, {}) crosses a year end and is settled pro rata by "
          "months: {} of its {} months begin in {} (month k begins on the Ingangsdatum "
          "plus k months and counts in the year it begins in), {}",
          a.toewijzing_nummer, period, t.months_in_year, t.months_total, t.year, sum_en)};
}

void sl003(const Context& c, Sink& s) {
  if (!c.reference || !c.reference->contracts || !c.ledger) return;
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& h = c.message.header();
  const std::string& gemeente = h.Ontvanger;
  const std::string& aanbieder = h.Afzender;
  const standard::Law law = c.message.type->law;
  const Contracts& k = *c.reference->contracts;
  for (const auto& cl : b->Declaratie.Clienten)
    for (const auto& p : cl.Prestaties) {
      if (p.IngediendBedrag.DebetCredit == "C" || !p.ProductTarief || p.Eenheid == "83") continue;
      const core::Date& on = p.ProductPeriode.Begindatum;
      if (!k.governs(law, gemeente, on)) continue;
      auto now = k.contracted(law, gemeente, aanbieder, p.ProductCategorie, p.ProductCode, on);
      if (!now || !now->product || now->product->soort != ProductSoort::outputgericht) continue;
      auto a = c.ledger->allocation(law, gemeente, p.ToewijzingNummer);
      if (!a || a->aanbieder != aanbieder || a->verdict == L::Verdict::rejected) continue;
      auto at_start = k.contracted(law, gemeente, aanbieder, p.ProductCategorie, p.ProductCode,
                                   a->ingangsdatum);
      const ContractedProduct& cp = at_start ? *at_start : *now;
      const std::string& unit = now->product->eenheid;
      const TrajectoryPart t =
          trajectory_part(cp.eurocent, a->ingangsdatum, a->einddatum, int(on.year()));
      const std::int64_t declared = *p.ProductTarief;
      if (declared == t.eurocent && p.Eenheid == unit) continue;

      const TariffRow& row = *cp.priced;
      const std::string price_nl = fmt::format(
          "de trajectprijs {} ({} eurocent per {}) voor aanbieder {}, product {} in gemeente {} op "
          "{} "
          "(contract {}, {}, ingangsdatum {}{})",
          euro_nl(cp.eurocent), cp.eurocent, eenheid_name(unit), aanbieder, p.ProductCode, gemeente,
          d(at_start ? a->ingangsdatum : on), row.contract, row.where, d(row.validity.from),
          cp.priced != cp.row ? ", het standaardtarief van het contract; uw regel " + cp.row->where
                              : "");
      const std::string price_en = fmt::format(
          "the trajectory price {} ({} eurocent per {}) for provider {}, product {} in gemeente {} "
          "on {} "
          "(contract {}, {}, ingangsdatum {}{})",
          euro_en(cp.eurocent), cp.eurocent, eenheid_name_en(unit), aanbieder, p.ProductCode,
          gemeente, d(at_start ? a->ingangsdatum : on), row.contract, row.where,
          d(row.validity.from),
          cp.priced != cp.row ? ", the contract's default tariff; your row " + cp.row->where : "");
      if (p.Eenheid != unit) {
        s.fail(p.src, "Eenheid", p.Eenheid,
               fmt::format(
                   "een traject wordt per {} (Eenheid {}) gedeclareerd, niet per {} (Eenheid {}): "
                   "{}. Declareer in de eenheid van de catalogus.",
                   eenheid_name(unit), unit, eenheid_name(p.Eenheid), p.Eenheid, price_nl),
               fmt::format(
                   "a trajectory is declared per {} (Eenheid {}), not per {} (Eenheid {}): {}. "
                   "Declare in the catalogue's unit.",
                   eenheid_name_en(unit), unit, eenheid_name_en(p.Eenheid), p.Eenheid, price_en));
        continue;
      }
      const Reason r = reason(t, cp.eurocent, *a);
      s.fail(p.src, "ProductTarief", std::to_string(declared),
             fmt::format(
                 "het gedeclareerde tarief {} ({} eurocent) is niet het deel voor {} van {}; {}. "
                 "Verwacht voor {}: {} ({} eurocent). Declareer in "
                 "ieder jaar het deel van dat jaar (met een ProductPeriode in dat jaar); "
                 "klopt de periode van het traject niet, laat de gemeente dan de toewijzing "
                 "aanpassen.",
                 euro_nl(declared), declared, t.year, price_nl, r.nl, t.year, euro_nl(t.eurocent),
                 t.eurocent),
             fmt::format("the declared tariff {} ({} eurocent) is not the part for {} of {}; {}. "
                         "Expected for {}: {} ({} eurocent). Declare in each "
                         "year that year's part (with a ProductPeriode in that year); if the "
                         "trajectory's period is wrong, have the gemeente correct the allocation.",
                         euro_en(declared), declared, t.year, price_en, r.en, t.year,
                         euro_en(t.eurocent), t.eurocent));
    }
}

// clang-format off
const std::array kTrajectoryRules = {
  Rule{"SL003", "0611", kX, "323", "Een traject (outputgericht product) wordt gedeclareerd tegen de trajectprijs; over een jaargrens per jaar naar rato van het aantal maanden (regel van sluis).", "A trajectory (outputgericht product) is declared at the trajectory price; across a year end per year pro rata by months (sluis's own rule).", &sl003},
};
// clang-format on

}  // namespace

std::span<const Rule> trajectory_rules() {
  return kTrajectoryRules;
}

}  // namespace sluis::rules
