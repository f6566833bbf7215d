#include "gateway/rules/contract_preview.hpp"

#include <map>
#include <set>
#include <tuple>

#include "gateway/rules/degressive.hpp"
#include "gateway/rules/trajectory.hpp"

namespace sluis::rules {

namespace L = standard::ledger;

std::string_view to_string(PreviewVerdict::Kind k) {
  switch (k) {
    case PreviewVerdict::Kind::not_governed:
      return "not_governed";
    case PreviewVerdict::Kind::uncontracted:
      return "uncontracted";
    case PreviewVerdict::Kind::right:
      return "right";
    case PreviewVerdict::Kind::wrong:
      return "0611";
  }
  return "?";
}

namespace {

// One set of data as the replay uses it: the contracts and, per degressive
// row, which prestaties are at the reduced tariff's place.
class Judge {
 public:
  Judge(const Contracts& k, const L::LedgerView& ledger, const std::string& aanbieder, int from_year,
        int to_year)
      : k_(k), ledger_(ledger) {
    for (int y = from_year; y <= to_year; ++y)
      for (const DegressiveRow* row : k.degressive_of(aanbieder, y)) {
        Position pos;
        pos.threshold = degressive_walk(k, *row, ledger,
                                        [&](const L::Prestatie& p, std::int64_t, bool reduced) {
                                          if (!reduced) return;
                                          reduced_.insert({p.law, p.referentie});
                                          pos.reduced += p.volume;
                                        })
                            .etmalen;
        positions_[{row->contract, y}] = pos;
      }
  }

  PreviewVerdict judge(const L::Prestatie& p, std::int64_t declared) const {
    PreviewVerdict v;
    if (!k_.governs(p.law, p.gemeente, p.begin)) return v;
    auto cp = k_.contracted(p.law, p.gemeente, p.aanbieder, p.categorie, p.code, p.begin);
    if (!cp) {
      v.kind = PreviewVerdict::Kind::uncontracted;
      return v;
    }
    const std::string unit = cp->product ? cp->product->eenheid : p.eenheid;
    v.expected_eurocent = cp->eurocent;
    if (p.eenheid == "14" && unit == "14")
      if (const DegressiveRow* row = k_.degressive_for(p.aanbieder, p.gemeente, p.begin);
          row && reduced_.count({p.law, p.referentie}))
        v.expected_eurocent = reduced_tariff(cp->eurocent, row->percentage);
    // A trajectory: its price on the allocation's Ingangsdatum, the year's part
    // when it crosses a year end (SL003's reading).
    if (cp->product && cp->product->soort == ProductSoort::outputgericht)
      if (auto a = ledger_.allocation(p.law, p.gemeente, p.toewijzing_nummer);
          a && a->aanbieder == p.aanbieder) {
        auto at_start = k_.contracted(p.law, p.gemeente, p.aanbieder, p.categorie, p.code, a->ingangsdatum);
        v.expected_eurocent = trajectory_part(at_start ? at_start->eurocent : cp->eurocent, a->ingangsdatum,
                                              a->einddatum, static_cast<int>(p.begin.year()))
                                  .eurocent;
      }
    v.kind = declared == v.expected_eurocent && p.eenheid == unit ? PreviewVerdict::Kind::right
                                                                   : PreviewVerdict::Kind::wrong;
    return v;
  }

  struct Position {
    std::optional<std::int64_t> threshold;
    std::int64_t reduced = 0;
  };
  const std::map<std::pair<std::string, int>, Position>& positions() const { return positions_; }

 private:
  const Contracts& k_;
  const L::LedgerView& ledger_;
  // (law, ReferentieNummer) of the prestaties at the reduced tariff's place:
  // a ReferentieNummer is unique per law and provider only.
  std::set<std::pair<standard::Law, std::string>> reduced_;
  std::map<std::pair<std::string, int>, Position> positions_;
};

// What the data would pay for the prestatie: volume x the expected tariff; as
// declared where they do not govern; nothing for an uncontracted product.
std::int64_t amount(const PreviewVerdict& v, const L::Prestatie& p) {
  switch (v.kind) {
    case PreviewVerdict::Kind::not_governed:
      return p.cents;
    case PreviewVerdict::Kind::uncontracted:
      return 0;
    default:
      return p.volume * v.expected_eurocent;
  }
}

}  // namespace

std::vector<ProviderPreview> contract_preview(const Contracts& current, const Contracts& proposed,
                                              const L::LedgerView& ledger,
                                              const std::vector<std::string>& aanbieders,
                                              const core::Date& from, const core::Date& to) {
  std::vector<ProviderPreview> out;
  const int y0 = static_cast<int>(from.year()), y1 = static_cast<int>(to.year());
  for (const auto& aanbieder : aanbieders) {
    auto judged = ledger.prestaties_judged(aanbieder, from, to);
    if (judged.empty()) continue;
    ProviderPreview pv;
    pv.aanbieder = aanbieder;
    Judge now(current, ledger, aanbieder, y0, y1), next(proposed, ledger, aanbieder, y0, y1);
    using K = PreviewVerdict::Kind;
    for (const auto& p : judged) {
      if (p.credit) continue;
      const std::int64_t declared = p.tarief.value_or(p.volume != 0 ? p.cents / p.volume : 0);
      const PreviewVerdict a = now.judge(p, declared), b = next.judge(p, declared);
      ++pv.prestaties;
      pv.declared_cents += p.cents;
      pv.current_cents += amount(a, p);
      pv.proposed_cents += amount(b, p);
      if (a == b) continue;
      ++pv.changed;
      if (a.kind != K::wrong && b.kind == K::wrong) ++pv.gets_0611;
      if (a.kind == K::wrong && b.kind != K::wrong) ++pv.loses_0611;
      if (a.kind != K::uncontracted && b.kind == K::uncontracted) ++pv.gets_uncontracted;
      if (a.kind == K::uncontracted && b.kind != K::uncontracted) ++pv.loses_uncontracted;
      if (pv.changes.size() < kPreviewDetail)
        pv.changes.push_back({p.referentie, p.code, p.begin, p.volume, declared, a, b});
    }
    std::map<std::pair<std::string, int>, DegressiveChange> rows;
    for (const auto& [key, pos] : now.positions()) {
      auto& d = rows[key];
      d.contract = key.first;
      d.year = key.second;
      d.present_current = true;
      d.current_threshold = pos.threshold;
      d.current_reduced = pos.reduced;
    }
    for (const auto& [key, pos] : next.positions()) {
      auto& d = rows[key];
      d.contract = key.first;
      d.year = key.second;
      d.present_proposed = true;
      d.proposed_threshold = pos.threshold;
      d.proposed_reduced = pos.reduced;
    }
    for (auto& [key, d] : rows) pv.degressive.push_back(std::move(d));
    out.push_back(std::move(pv));
  }
  return out;
}

namespace {
boost::json::value opt(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}
boost::json::object verdict_json(const PreviewVerdict& v) {
  boost::json::object o{{"verdict", to_string(v.kind)}};
  if (v.kind == PreviewVerdict::Kind::right || v.kind == PreviewVerdict::Kind::wrong)
    o["expected_eurocent"] = v.expected_eurocent;
  return o;
}
}  // namespace

boost::json::object to_json(const ProviderPreview& p) {
  boost::json::array degressive, changes;
  for (const auto& d : p.degressive)
    degressive.push_back(boost::json::object{
        {"contract", d.contract},
        {"year", d.year},
        {"current_threshold", d.present_current ? opt(d.current_threshold) : nullptr},
        {"proposed_threshold", d.present_proposed ? opt(d.proposed_threshold) : nullptr},
        {"current_reduced_etmalen", d.current_reduced},
        {"proposed_reduced_etmalen", d.proposed_reduced},
        {"in_current", d.present_current},
        {"in_proposed", d.present_proposed}});
  for (const auto& c : p.changes)
    changes.push_back(boost::json::object{{"referentie", c.referentie},
                                          {"code", c.code},
                                          {"begin", core::format_date(c.begin)},
                                          {"volume", c.volume},
                                          {"declared_eurocent", c.declared_eurocent},
                                          {"current", verdict_json(c.current)},
                                          {"proposed", verdict_json(c.proposed)}});
  return boost::json::object{{"aanbieder", p.aanbieder},
                             {"prestaties", p.prestaties},
                             {"changed", p.changed},
                             {"gets_0611", p.gets_0611},
                             {"loses_0611", p.loses_0611},
                             {"gets_uncontracted", p.gets_uncontracted},
                             {"loses_uncontracted", p.loses_uncontracted},
                             {"declared_cents", p.declared_cents},
                             {"current_cents", p.current_cents},
                             {"proposed_cents", p.proposed_cents},
                             {"difference_cents", p.proposed_cents - p.current_cents},
                             {"degressive", std::move(degressive)},
                             {"changes", std::move(changes)}};
}

}  // namespace sluis::rules
