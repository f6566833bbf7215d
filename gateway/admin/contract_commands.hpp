// Admin command for the region's contracts (rules/contracts.hpp):
// `contract-show --partner ID [--as-of DATE]`, what a partner is contracted
// for on a Dutch day (default today) at which tariff: for a provider its own
// products, for a gemeente every provider's products in the contracts covering
// it. The data is the loaded one (reference-reload swaps it).
// `degressive-status --partner ID [--year YYYY]`, where a provider stands in a
// year's degressive tariff (rules/degressive.hpp), read from the ledger.
// `contract-preview` (sluisctl contract-preview FILE... [--from --to]): the
// ledger's prestaties of a period judged under the loaded contracts and under
// the proposed files (rules/contract_preview.hpp); nothing changes.
// A provider's budget ceilings and contingents come with where it stands
// against them (rules::ceiling_stands over the committed ledger).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/result.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::admin {

struct ContractPartner {
  std::vector<std::string> codes;  // its AGB (8 digits) and CBS (4 digits) codes
  std::shared_ptr<const rules::ReferenceData> data;
};

// What contract-preview replays against: the loaded data and its files.
struct PreviewContext {
  config::ContractsConfig files;
  std::shared_ptr<const rules::ReferenceData> data;
};

struct ContractControl {
  // The partner of that id with the loaded data; nullopt when no such partner.
  std::function<std::optional<ContractPartner>(const std::string& partner)> lookup;
  // Runs a read of the ledger on a consistent snapshot (Store::read_ledger).
  std::function<core::Result<void>(const std::function<void(const standard::ledger::LedgerView&)>&)>
      read_ledger;
  // The loaded contracts and the [contracts] files they came from.
  std::function<PreviewContext()> preview;
};

void add_contract_commands(Registry& registry, ContractControl control);

}  // namespace sluis::admin
