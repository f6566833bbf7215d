// Admin command `report` (sluisctl report [--from DAY --to DAY] [--gemeente
// CODE] [--partner ID] [--format table|csv] [--json]): the steering report of
// steering/report.hpp over the store's facts, per municipality and per
// provider, with a provider's budget ceilings and degressive position when
// contracts are loaded, and the watches' open cases of the partners in it.
// Read only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/admin/registry.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/steering/report.hpp"
#include "gateway/steering/status_page.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// What the report needs of the running configuration, read on the io thread.
struct ReportContext {
  std::map<std::string, steering::Party> parties;                  // code -> who holds it
  std::map<std::string, std::vector<std::string>> partner_codes;   // partner id -> its codes
  steering::Thresholds thresholds;
  std::shared_ptr<const core::WerkdagCalendar> calendar;  // the one intake uses
  std::shared_ptr<const rules::ReferenceData> data;  // contracts, when loaded
};

struct ReportControl {
  store::OperatorQueue* store = nullptr;
  std::function<ReportContext()> context;
  // Runs a read of the ledger on a consistent snapshot (Store::read_ledger).
  std::function<core::Result<void>(const std::function<void(const standard::ledger::LedgerView&)>&)>
      read_ledger;
  // The watches' open cases per kind and partner (listed with the rows).
  std::function<core::Result<std::vector<steering::WatchCount>>()> watches;
};

// The longest period one report covers.
inline constexpr int kReportMaxDays = 366;

void add_report_commands(Registry& registry, ReportControl control);

}  // namespace sluis::admin
