#include "gateway/rules/degressive.hpp"

#include <algorithm>

namespace sluis::rules {

namespace L = standard::ledger;
using core::Date;

namespace {
Date ymd(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
std::int64_t signed_volume(const L::Prestatie& p) { return p.credit ? -p.volume : p.volume; }
}  // namespace

std::string_view to_string(DegressiveThreshold::Source s) {
  switch (s) {
    case DegressiveThreshold::Source::given:
      return "given";
    case DegressiveThreshold::Source::derived:
      return "derived";
    case DegressiveThreshold::Source::none:
      return "none";
  }
  return "none";
}

bool DegressiveCounter::counts_any_year(standard::Law law, const std::string& gemeente,
                                        const std::string& bsn_hash, const std::string& eenheid,
                                        const Date& begin) const {
  if (eenheid != "14" || !k_.covers(row_.contract, gemeente, begin)) return false;
  if (k_.degressive_scope != DegressiveScope::intake_year || !row_.instroomjaar) return true;
  auto key = std::make_tuple(law, gemeente, bsn_hash);
  auto it = intake_.find(key);
  if (it == intake_.end()) {
    // A client without a current allocation is new: its intake is the prestatie's year.
    int year = static_cast<int>(begin.year());
    for (const auto& a : ledger_.allocations_of(law, gemeente, row_.aanbieder, bsn_hash))
      year = std::min(year, static_cast<int>(a.ingangsdatum.year()));
    it = intake_.emplace(key, year).first;
  }
  return it->second <= *row_.instroomjaar;
}

DegressiveThreshold degressive_threshold(const DegressiveCounter& counter,
                                         const L::LedgerView& ledger) {
  const DegressiveRow& row = counter.row();
  DegressiveThreshold t;
  t.window_from = ymd(row.jaar - 2, 7, 1);
  t.window_to = ymd(row.jaar - 1, 12, 31);
  if (row.drempel) {
    t.source = DegressiveThreshold::Source::given;
    t.etmalen = row.drempel;
    return t;
  }
  bool holds_first_month = false;
  const Date first_month_end = ymd(row.jaar - 2, 7, 31);
  for (const auto& p : ledger.prestaties_between(row.aanbieder, t.window_from, t.window_to)) {
    if (core::to_days(p.begin) <= core::to_days(first_month_end)) holds_first_month = true;
    if (p.verdict == L::Verdict::approved &&
        counter.counts_any_year(p.law, p.gemeente, p.bsn_hash, p.eenheid, p.begin))
      t.window_etmalen += signed_volume(p);
  }
  if (!holds_first_month) return t;  // none: the ledger does not hold the 18 months yet
  t.source = DegressiveThreshold::Source::derived;
  // 85 % of the yearly average over one and a half years: sum x 0.85 / 1.5.
  t.etmalen = std::max<std::int64_t>(0, t.window_etmalen) * kDerivedThresholdPercent * 2 / 300;
  return t;
}

std::optional<int> parse_year(std::string_view text) {
  if (text.size() != 4 || text.substr(0, 2) != "20" ||
      text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  return 2000 + (text[2] - '0') * 10 + (text[3] - '0');
}

std::int64_t reduced_tariff(std::int64_t eurocent, int percentage) {
  return (eurocent * percentage + 50) / 100;
}

std::optional<std::int64_t> DegressivePosition::remaining() const {
  if (!threshold.etmalen) return std::nullopt;
  return std::max<std::int64_t>(0, *threshold.etmalen - etmalen);
}

DegressiveThreshold degressive_walk(
    const Contracts& contracts, const DegressiveRow& row, const L::LedgerView& ledger,
    const std::function<void(const L::Prestatie&, std::int64_t, bool)>& f) {
  DegressiveCounter counter(contracts, row, ledger);
  DegressiveThreshold t = degressive_threshold(counter, ledger);
  std::int64_t count = 0;
  for (const auto& p : ledger.prestaties_between(row.aanbieder, ymd(row.jaar, 1, 1),
                                                 ymd(row.jaar, 12, 31))) {
    if (!counter.counts(p)) continue;
    const std::int64_t before = count;
    count += signed_volume(p);
    f(p, before, !p.credit && t.etmalen && before >= *t.etmalen);
  }
  return t;
}

DegressivePosition degressive_position(const Contracts& contracts, const DegressiveRow& row,
                                       const L::LedgerView& ledger) {
  DegressivePosition out;
  out.row = &row;
  out.threshold =
      degressive_walk(contracts, row, ledger, [&](const L::Prestatie& p, std::int64_t, bool reduced) {
        out.etmalen += signed_volume(p);
        (p.verdict == L::Verdict::approved ? out.approved : out.pending) += signed_volume(p);
        ++out.prestaties;
        if (reduced) out.reduced_etmalen += p.volume;
      });
  return out;
}

std::vector<DegressivePosition> degressive_positions(const Contracts& contracts,
                                                     const std::vector<std::string>& aanbieders,
                                                     int jaar, const L::LedgerView& ledger) {
  std::vector<DegressivePosition> out;
  for (const auto& code : aanbieders)
    for (const DegressiveRow* row : contracts.degressive_of(code, jaar))
      out.push_back(degressive_position(contracts, *row, ledger));
  return out;
}

boost::json::object to_json(const DegressivePosition& p, DegressiveScope scope) {
  const DegressiveRow& r = *p.row;
  boost::json::object o{{"contract", r.contract},
                        {"aanbieder", r.aanbieder},
                        {"year", r.jaar},
                        {"threshold_source", to_string(p.threshold.source)}};
  if (p.threshold.etmalen)
    o["threshold_etmalen"] = *p.threshold.etmalen;
  else
    o["threshold_etmalen"] = nullptr;
  if (p.threshold.source != DegressiveThreshold::Source::given)
    o["derivation"] = boost::json::object{{"from", core::format_date(p.threshold.window_from)},
                                          {"to", core::format_date(p.threshold.window_to)},
                                          {"approved_etmalen", p.threshold.window_etmalen}};
  o["etmalen"] = p.etmalen;
  o["approved_etmalen"] = p.approved;
  o["pending_etmalen"] = p.pending;
  if (auto left = p.remaining())
    o["remaining_full_tariff"] = *left;
  else
    o["remaining_full_tariff"] = nullptr;
  o["reduced_etmalen"] = p.reduced_etmalen;
  o["reduced_percentage"] = r.percentage;
  o["scope"] = to_string(scope);
  if (r.instroomjaar)
    o["instroomjaar"] = *r.instroomjaar;
  else
    o["instroomjaar"] = nullptr;
  o["row"] = r.where;
  return o;
}

}  // namespace sluis::rules
