// The degressive tariff (docs/contracts.md, "The degressive tariff"): per
// provider, contract and year, the etmalen of its etmaal products (Eenheid 14)
// are counted in the counting order; after the threshold they are paid at the
// row's percentage of the contract tariff. Shared by rule SL002 (inside the
// commit), `sluisctl degressive-status` and GET /v1/degressive (on a read
// snapshot of the ledger).
//
// The choices the minutes leave open, made here:
//  - Counted: the provider's not-rejected prestaties (approved and still
//    pending) with Eenheid 14 whose gemeente the row's contract covers on the
//    ProductPeriode's Begindatum, in the row's year by that Begindatum; a
//    credit subtracts its volume at its own place in the order. With
//    degressive_scope = "intake_year" only clients whose intake (the earliest
//    Ingangsdatum of their current allocations to the provider in that
//    gemeente) is in or before the row's instroomjaar.
//  - Counting order: Begindatum, then receipt (message id), then
//    ReferentieNummer (LedgerView::prestaties_between).
//  - The month the threshold is crossed: a prestatie is approved or rejected
//    whole (IV087) and has one ProductTarief, so a debit whose count before it
//    is below the threshold is paid at the full tariff, whole; every debit
//    whose count before it has reached the threshold at the reduced tariff.
//  - The reduced tariff: contract tariff x percentage / 100, rounded half up
//    to the eurocent.
//  - A threshold left empty is derived: 85 % of the yearly average of the
//    approved counted etmalen of the 18 months before the year (1 July of
//    year-2 through 31 December of year-1), i.e. floor(sum x 0.85 / 1.5),
//    once the ledger holds those 18 months for the provider (it has a
//    prestatie beginning in that first July); until then there is no
//    threshold and every etmaal is at the full tariff.
//
// Threading: pure functions over a LedgerView used by one thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::rules {

inline constexpr int kDerivedThresholdPercent = 85;

struct DegressiveThreshold {
  enum class Source { given, derived, none };
  Source source = Source::none;
  std::optional<std::int64_t> etmalen;
  // The derivation's window and what it counted (source derived or none).
  core::Date window_from{}, window_to{};
  std::int64_t window_etmalen = 0;
};
std::string_view to_string(DegressiveThreshold::Source s);

// Which prestaties count for one row (the intake year asked of the ledger
// once per client).
class DegressiveCounter {
 public:
  DegressiveCounter(const Contracts& contracts, const DegressiveRow& row,
                    const standard::ledger::LedgerView& ledger)
      : k_(contracts), row_(row), ledger_(ledger) {}
  // Counts for the row in any year (the derivation's window spans two).
  bool counts_any_year(standard::Law law, const std::string& gemeente, const std::string& bsn_hash,
                       const std::string& eenheid, const core::Date& begin) const;
  bool counts(const standard::ledger::Prestatie& p) const {
    return static_cast<int>(p.begin.year()) == row_.jaar &&
           counts_any_year(p.law, p.gemeente, p.bsn_hash, p.eenheid, p.begin);
  }
  const DegressiveRow& row() const { return row_; }

 private:
  const Contracts& k_;
  const DegressiveRow& row_;
  const standard::ledger::LedgerView& ledger_;
  mutable std::map<std::tuple<standard::Law, std::string, std::string>, int> intake_;
};

// The row's threshold: given, derived from the ledger, or none yet.
DegressiveThreshold degressive_threshold(const DegressiveCounter& counter,
                                         const standard::ledger::LedgerView& ledger);

// "2026" -> 2026 (a year 2000-2099, as degressief.csv's jaar); nullopt otherwise.
std::optional<int> parse_year(std::string_view text);

// The reduced tariff for a contract tariff.
std::int64_t reduced_tariff(std::int64_t eurocent, int percentage);

// Walks the row's year in the counting order: calls f(prestatie, count
// before it, whether it is at the reduced tariff's place) for every counted
// prestatie (credits too: never reduced). Returns the threshold it used.
DegressiveThreshold degressive_walk(
    const Contracts& contracts, const DegressiveRow& row,
    const standard::ledger::LedgerView& ledger,
    const std::function<void(const standard::ledger::Prestatie&, std::int64_t, bool)>& f);

// Where a provider stands in one row's year (degressive-status).
struct DegressivePosition {
  const DegressiveRow* row = nullptr;
  DegressiveThreshold threshold;
  std::int64_t etmalen = 0;           // counted so far (debits minus credits)
  std::int64_t approved = 0;          // of which approved
  std::int64_t pending = 0;           // of which awaiting the gemeente's 325
  std::int64_t reduced_etmalen = 0;   // in debits at the reduced tariff's place
  std::int64_t prestaties = 0;        // counted prestaties
  // Etmalen still at the full tariff before the threshold (0 once reached);
  // nullopt without a threshold.
  std::optional<std::int64_t> remaining() const;
};
DegressivePosition degressive_position(const Contracts& contracts, const DegressiveRow& row,
                                       const standard::ledger::LedgerView& ledger);

// Every row of the provider codes `aanbieders` (a partner's AGB codes) for
// `jaar`, with its position.
std::vector<DegressivePosition> degressive_positions(const Contracts& contracts,
                                                     const std::vector<std::string>& aanbieders,
                                                     int jaar,
                                                     const standard::ledger::LedgerView& ledger);

// One position as GET /v1/degressive and `sluisctl degressive-status` answer
// it: {"contract", "aanbieder", "year", "threshold_etmalen" (null: none yet),
// "threshold_source" ("given", "derived", "none"), "derivation" {"from",
// "to", "approved_etmalen"} (when not given), "etmalen", "approved_etmalen",
// "pending_etmalen", "remaining_full_tariff" (null without a threshold),
// "reduced_etmalen", "reduced_percentage", "scope", "instroomjaar" (null),
// "row"}.
boost::json::object to_json(const DegressivePosition& p, DegressiveScope scope);

}  // namespace sluis::rules
