// SL002 (sluis's rule for TR418's retourcode 0611): a 323's etmaal prestatie
// under a degressive tariff declares the tariff of its place in the year's
// count — the full contract tariff while the count before it is below the
// threshold, the reduced tariff once it has reached it (degressive.hpp has the
// choices). It runs inside the commit, since the count is the ledger's
// (earlier messages) plus this message's lines before it in the counting order.
// TR418 leaves these prestaties to it; silent without contracts, for a
// gemeente the contracts do not govern, for a product not contracted (SL001)
// and for a product the catalogue does not count in etmalen.
#include <fmt/format.h>

#include <array>
#include <map>
#include <memory>

#include "gateway/rules/checks.hpp"
#include "gateway/rules/degressive.hpp"
#include "gateway/rules/engine.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
namespace L = standard::ledger;
using checks::as;
using checks::d;
using checks::euro_en;
using checks::euro_nl;

// One degressive row as this message's check sees it: its threshold and the
// ledger's counted prestaties of its year, asked once.
struct RowState {
  std::unique_ptr<DegressiveCounter> counter;
  DegressiveThreshold threshold;
  std::vector<L::Prestatie> counted;  // the ledger's, in counting order
};

// An etmaal line of this message under a degressive row; `counted`: its
// client is in the row's scope (degressive_scope).
struct EtmaalLine {
  const m::Prestatie* p;
  const DegressiveRow* row;
  bool counted;
};

std::string threshold_nl(const DegressiveThreshold& t, const DegressiveRow& r) {
  switch (t.source) {
    case DegressiveThreshold::Source::given:
      return fmt::format("de drempel van {} etmalen staat in {}", *t.etmalen, r.where);
    case DegressiveThreshold::Source::derived:
      return fmt::format(
          "de drempel van {} etmalen is {} % van het jaargemiddelde van de {} goedgekeurde etmalen "
          "van {} t/m {} (18 maanden: {} / 1,5 x 0,85), {}",
          *t.etmalen, kDerivedThresholdPercent, t.window_etmalen, d(t.window_from), d(t.window_to),
          t.window_etmalen, r.where);
    case DegressiveThreshold::Source::none:
      break;
  }
  return fmt::format(
      "er is nog geen drempel: {} geeft er geen en de ledger van sluis bevat nog geen 18 maanden "
      "({} t/m {}) om haar af te leiden",
      r.where, d(t.window_from), d(t.window_to));
}

std::string threshold_en(const DegressiveThreshold& t, const DegressiveRow& r) {
  switch (t.source) {
    case DegressiveThreshold::Source::given:
      return fmt::format("the threshold of {} etmalen is given in {}", *t.etmalen, r.where);
    case DegressiveThreshold::Source::derived:
      return fmt::format(
          "the threshold of {} etmalen is {} % of the yearly average of the {} approved etmalen "
          "from {} to {} (18 months: {} / 1.5 x 0.85), {}",
          *t.etmalen, kDerivedThresholdPercent, t.window_etmalen, d(t.window_from), d(t.window_to),
          t.window_etmalen, r.where);
    case DegressiveThreshold::Source::none:
      break;
  }
  return fmt::format(
      "there is no threshold yet: {} gives none and sluis's ledger does not hold the 18 months "
      "({} to {}) to derive it from",
      r.where, d(t.window_from), d(t.window_to));
}

void sl002(const Context& c, Sink& s) {
  if (!c.reference || !c.reference->contracts || !c.ledger) return;
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const Contracts& k = *c.reference->contracts;
  const standard::Law law = c.message.type->law;
  const auto& h = c.message.header();
  const std::string& gemeente = h.Ontvanger;
  const std::string& aanbieder = h.Afzender;
  auto hash = [&](const std::string& bsn) { return c.bsn_hash ? c.bsn_hash(bsn) : bsn; };

  std::map<const DegressiveRow*, RowState> rows;
  auto state = [&](const DegressiveRow* row) -> RowState& {
    auto it = rows.find(row);
    if (it != rows.end()) return it->second;
    RowState st;
    st.counter = std::make_unique<DegressiveCounter>(k, *row, *c.ledger);
    st.threshold = degressive_threshold(*st.counter, *c.ledger);
    const core::Date from{std::chrono::year{row->jaar} / 1 / 1};
    const core::Date to{std::chrono::year{row->jaar} / 12 / 31};
    for (auto& p : c.ledger->prestaties_between(row->aanbieder, from, to))
      if (st.counter->counts(p)) st.counted.push_back(std::move(p));
    return rows.emplace(row, std::move(st)).first->second;
  };

  // This message's etmaal lines under a degressive row (debits and credits).
  std::vector<EtmaalLine> lines;
  for (const auto& cl : b->Declaratie.Clienten)
    for (const auto& p : cl.Prestaties) {
      const core::Date& on = p.ProductPeriode.Begindatum;
      if (p.Eenheid != "14") continue;
      const DegressiveRow* row = k.degressive_for(aanbieder, gemeente, on);
      if (!row) continue;
      const bool counted =
          state(row).counter->counts_any_year(law, gemeente, hash(cl.Bsn), p.Eenheid, on);
      lines.push_back({&p, row, counted});
    }
  auto order = [](const m::Prestatie& x, const m::Prestatie& y) {
    const auto dx = core::to_days(x.ProductPeriode.Begindatum);
    const auto dy = core::to_days(y.ProductPeriode.Begindatum);
    if (dx != dy) return dx < dy;
    return x.ProductReferentie.ReferentieNummer < y.ProductReferentie.ReferentieNummer;
  };

  for (const auto& line : lines) {
    const m::Prestatie& p = *line.p;
    if (p.IngediendBedrag.DebetCredit == "C" || !p.ProductTarief) continue;
    const core::Date& on = p.ProductPeriode.Begindatum;
    if (!k.governs(law, gemeente, on)) continue;
    auto cp = k.contracted(law, gemeente, aanbieder, p.ProductCategorie, p.ProductCode, on);
    if (!cp || !cp->product || cp->product->eenheid != "14") continue;
    RowState& st = state(line.row);
    // The count before this prestatie: the ledger's up to its Begindatum
    // (all received earlier), then this message's lines before it.
    std::int64_t before = 0;
    for (const auto& q : st.counted) {
      if (core::to_days(q.begin) > core::to_days(on)) break;
      before += q.credit ? -q.volume : q.volume;
    }
    for (const auto& other : lines)
      if (other.row == line.row && other.counted && order(*other.p, p))
        before += other.p->IngediendBedrag.DebetCredit == "C" ? -other.p->GeleverdVolume
                                                              : other.p->GeleverdVolume;
    const DegressiveRow& row = *line.row;
    const bool reduced = line.counted && st.threshold.etmalen && before >= *st.threshold.etmalen;
    const std::int64_t full = cp->eurocent;
    const std::int64_t expected = reduced ? reduced_tariff(full, row.percentage) : full;
    const std::int64_t declared = *p.ProductTarief;
    if (declared == expected) continue;
    const std::string place_nl =
        !line.counted
            ? fmt::format("De cliënt is volgens {} na instroomjaar {} ingestroomd en telt niet mee "
                          "voor het degressieve tarief: het volle contracttarief {} geldt.",
                          row.where, row.instroomjaar.value_or(0), euro_nl(full))
        : st.threshold.etmalen
            ? fmt::format("Vóór deze prestatie telt {} in {} {} etmalen (contract {}); {}, dus {}.",
                          aanbieder, row.jaar, before, row.contract,
                          threshold_nl(st.threshold, row),
                          reduced ? fmt::format("die is bereikt: het degressieve tarief {} ({} % van "
                                                "het contracttarief {}) geldt",
                                                euro_nl(expected), row.percentage, euro_nl(full))
                                  : fmt::format("die is nog niet bereikt: het volle contracttarief "
                                                "{} geldt (ook als deze prestatie de drempel "
                                                "overschrijdt: een prestatie telt geheel)",
                                                euro_nl(full)))
            : fmt::format("{}; het volle contracttarief {} geldt.",
                          threshold_nl(st.threshold, row), euro_nl(full));
    const std::string place_en =
        !line.counted
            ? fmt::format("The client's intake is after intake year {} ({}), so the client does not "
                          "count for the degressive tariff: the full contract tariff {} applies.",
                          row.instroomjaar.value_or(0), row.where, euro_en(full))
        : st.threshold.etmalen
            ? fmt::format("Before this prestatie {} counts {} etmalen in {} (contract {}); {}, so {}.",
                          aanbieder, before, row.jaar, row.contract,
                          threshold_en(st.threshold, row),
                          reduced ? fmt::format("it has been reached: the degressive tariff {} ({} % "
                                                "of the contract tariff {}) applies",
                                                euro_en(expected), row.percentage, euro_en(full))
                                  : fmt::format("it has not been reached: the full contract tariff "
                                                "{} applies (also when this prestatie crosses the "
                                                "threshold: a prestatie counts whole)",
                                                euro_en(full)))
            : fmt::format("{}; the full contract tariff {} applies.",
                          threshold_en(st.threshold, row), euro_en(full));
    s.fail(p.src, "ProductTarief", std::to_string(declared),
           fmt::format("het gedeclareerde tarief {} ({} eurocent per etmaal) is niet het tarief "
                       "van deze prestatie: {} eurocent. {} Telvolgorde: Begindatum van de "
                       "ProductPeriode, dan ontvangst; creditregels tellen terug. Declareer {} "
                       "(sluisctl degressive-status, GET /v1/degressive).",
                       euro_nl(declared), declared, expected, place_nl, euro_nl(expected)),
           fmt::format("the declared tariff {} ({} eurocent per etmaal) is not this prestatie's "
                       "tariff: {} eurocent. {} Counting order: the ProductPeriode's Begindatum, "
                       "then receipt; credits count back. Declare {} (sluisctl degressive-status, "
                       "GET /v1/degressive).",
                       euro_en(declared), declared, expected, place_en, euro_en(expected)));
  }
}

// clang-format off
const std::array kDegressiveRules = {
  Rule{"SL002", "0611", Level::cross_message, "323", "Een etmaalproduct onder een degressief tarief heeft het tarief van zijn plaats in de jaartelling: vol tot de drempel, daarna het verlaagde tarief (regel van sluis bij TR418).", "An etmaal product under a degressive tariff has the tariff of its place in the year's count: full up to the threshold, the reduced tariff after it (sluis's rule with TR418).", &sl002},
};
// clang-format on

}  // namespace

std::span<const Rule> degressive_rules() { return kDegressiveRules; }

}  // namespace sluis::rules
