// Loads the reference lists (reference.hpp) from the files [reference] names:
// the one loader of sluisd (start-up, reference-reload, check-config) and of
// `sluisctl validate`. The lists' parsers stay free of I/O; this function only
// reads the files and hands their text to them.
//
// Threading: a plain function; the result is immutable and shared.
// Failure: std::runtime_error naming the file (and the line, for a bad row).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/rules/reference.hpp"

namespace sluis::rules {

std::shared_ptr<const ReferenceData> load_reference(const config::ReferenceConfig& cfg);
// The same, with the region's contracts when [contracts] names them (checked
// against the CBS list just read).
std::shared_ptr<const ReferenceData> load_reference(const config::ReferenceConfig& cfg,
                                                    const config::ContractsConfig& contracts);

// The region's contracts alone, checked against `gemeenten`, with the texts of
// some of its files given instead of read: `texts` by file name (the name of
// the configured file, e.g. "tarieven.csv"; sluisctl contract-preview).
std::shared_ptr<const Contracts> load_contracts(const config::ContractsConfig& contracts,
                                                const GemeenteList* gemeenten,
                                                const std::map<std::string, std::string>& texts = {});

// What loads but looks wrong for real traffic, each "file: text": a product
// list as small as the development one (every other product code would get
// S329). Reported by --check-config and config-test, logged at start and on
// reference-reload; never a refusal.
std::vector<std::string> reference_warnings(const ReferenceData& data, const config::ReferenceConfig& cfg);

// Fewer product codes than this, in all, and the list is taken for a
// development list (the repository's holds 5; the national iJw list alone
// holds hundreds).
inline constexpr std::size_t kFewestRealProductCodes = 20;

}  // namespace sluis::rules
