// Admin command for the region's contracts (rules/contracts.hpp):
// `contract-show --partner ID [--as-of DATE]`, what a partner is contracted
// for on a Dutch day (default today) at which tariff: for a provider its own
// products, for a gemeente every provider's products in the contracts covering
// it. The data is the loaded one (reference-reload swaps it).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/registry.hpp"
#include "gateway/rules/reference.hpp"

namespace sluis::admin {

struct ContractPartner {
  std::vector<std::string> codes;  // its AGB (8 digits) and CBS (4 digits) codes
  std::shared_ptr<const rules::ReferenceData> data;
};

struct ContractControl {
  // The partner of that id with the loaded data; nullopt when no such partner.
  std::function<std::optional<ContractPartner>(const std::string& partner)> lookup;
};

void add_contract_commands(Registry& registry, ContractControl control);

}  // namespace sluis::admin
