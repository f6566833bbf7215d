// The preview of a contract change (`sluisctl contract-preview`): the
// prestaties already in the ledger for a period, judged again under the loaded
// contracts and under the proposed ones, per provider: which would get 0611 or
// lose it (TR418, SL002), which would become uncontracted or contracted
// (SL001), the amounts at the expected tariffs, and the degressive positions.
// Nothing is written.
//
// The replay judges each debit prestatie whose ProductPeriode begins in the
// period, rejected or not, by the data's expected tariff for its provider,
// product, gemeente and Begindatum: the contract tariff, or for an etmaal
// product under a degressive row the tariff of its place in the year's count
// (the count as the ledger holds it: not-rejected prestaties, counting order),
// for a trajectory its price's part for the year (trajectory.hpp, as SL003).
// The declared tariff is the stored ProductTarief. A prestatie the data do not
// govern (a gemeente no contract covers) is "not governed" under that data.
//
// Threading: pure over a LedgerView used by one thread (a read snapshot).
#pragma once

#include <boost/json/object.hpp>
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::rules {

// How one set of data judges one prestatie.
struct PreviewVerdict {
  enum class Kind { not_governed, uncontracted, right, wrong };
  Kind kind = Kind::not_governed;
  std::int64_t expected_eurocent = 0;  // right, wrong: the tariff expected
  bool operator==(const PreviewVerdict&) const = default;
};
std::string_view to_string(PreviewVerdict::Kind k);

struct PrestatieChange {
  std::string referentie, code;
  core::Date begin{};
  std::int64_t volume = 0, declared_eurocent = 0;
  PreviewVerdict current, proposed;
};

struct DegressiveChange {
  std::string contract;
  int year = 0;
  std::optional<std::int64_t> current_threshold, proposed_threshold;
  std::int64_t current_reduced = 0, proposed_reduced = 0;  // etmalen at the reduced tariff
  bool present_current = false, present_proposed = false;  // a row in that data
};

struct ProviderPreview {
  std::string aanbieder;
  std::int64_t prestaties = 0;  // debits replayed
  std::int64_t gets_0611 = 0, loses_0611 = 0;
  std::int64_t gets_uncontracted = 0, loses_uncontracted = 0;
  std::int64_t declared_cents = 0;                    // the debits' IngediendBedrag
  std::int64_t current_cents = 0, proposed_cents = 0;  // volume x expected tariff
  std::vector<DegressiveChange> degressive;
  std::vector<PrestatieChange> changes;  // at most kPreviewDetail
  std::int64_t changed = 0;              // prestaties whose verdict changes
  bool anything() const {
    return changed > 0 || current_cents != proposed_cents ||
           std::any_of(degressive.begin(), degressive.end(), [](const DegressiveChange& d) {
             return d.current_threshold != d.proposed_threshold ||
                    d.current_reduced != d.proposed_reduced ||
                    d.present_current != d.present_proposed;
           });
  }
};

// At most this many changed prestaties are listed per provider (all are counted).
inline constexpr std::size_t kPreviewDetail = 50;

// Every provider of `aanbieders` with prestaties in [from, to], in that order.
std::vector<ProviderPreview> contract_preview(const Contracts& current, const Contracts& proposed,
                                              const standard::ledger::LedgerView& ledger,
                                              const std::vector<std::string>& aanbieders,
                                              const core::Date& from, const core::Date& to);

// {"aanbieder", "prestaties", "gets_0611", "loses_0611", "gets_uncontracted",
// "loses_uncontracted", "declared_cents", "current_cents", "proposed_cents",
// "difference_cents", "changed", "degressive": [{"contract", "year",
// "current_threshold", "proposed_threshold", "current_reduced_etmalen",
// "proposed_reduced_etmalen"}], "changes": [{"referentie", "code", "begin",
// "volume", "declared_eurocent", "current": {"verdict", "expected_eurocent"},
// "proposed": {…}}]}
boost::json::object to_json(const ProviderPreview& p);

}  // namespace sluis::rules
