// The budget ceilings and contingents a message reaches (ceilings.hpp), as
// the cross-message rules SL004 and SL005 report them and as the ledger keeps
// them (standard::ledger::ContractWarning): one computation for both.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "gateway/rules/engine.hpp"

namespace sluis::rules {

// Every ceiling the message (a 323: budget; a 301: contingent) brings to its
// warning level or over its maximum, against the ledger of c.ledger and the
// contracts of c.reference; empty without either. `message_id` goes into
// each warning.
std::vector<standard::ledger::ContractWarning> contract_warnings(const Context& c,
                                                                 const std::string& message_id);

class Contracts;
struct CeilingRow;

// Where a provider stands on `day` against each of its ceiling rows in force
// then (contract-show): a budget's amount in the calendar year of `day` so
// far, a contingent's allocations that count on `day`, each in the gemeenten
// the row's contract covers; `level` empty below the warning level.
struct CeilingStand {
  const CeilingRow* row = nullptr;
  std::int64_t amount = 0;
  int percent = 0;
  int year = 0;  // budget
  std::optional<standard::ledger::WarningLevel> level;
};
std::vector<CeilingStand> ceiling_stands(const Contracts& contracts,
                                         const standard::ledger::LedgerView& ledger,
                                         const std::string& aanbieder, const core::Date& day);
// One stand as contract-show and the steering report show it: the row's
// {"kind", "contract", "aanbieder", "law", "categorie", "code", "maximum",
// "waarschuwing_procent", "ingangsdatum", "einddatum", "row"} and "amount",
// "percent", "level" ("", "warning", "exceeded"), "year" (budget).
boost::json::object to_json(const CeilingStand& s);

}  // namespace sluis::rules
