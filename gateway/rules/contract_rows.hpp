// Internal to gateway/rules: what every contract file (contracts.cpp,
// ceilings.cpp) is read with: one header line exactly as expected, rows of that
// many fields, validity periods, and the texts of their refusals
// ("file:line: text"). Pure: the files' texts are given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/csv.hpp"
#include "gateway/core/result.hpp"
#include "gateway/rules/reference.hpp"

namespace sluis::rules::contract_rows {

using Row = core::CsvRecord;  // line, fields

// The rows of one file, its header checked against `expected`.
core::Result<std::vector<Row>> read_rows(std::string_view csv, const std::string& source,
                                         const std::vector<std::string>& expected);
// A row's period: ingangsdatum required, einddatum empty = open.
core::Result<Validity> period(const std::string& from, const std::string& to,
                              const std::string& at);
// Whether two periods (both with a start) share a day.
bool overlap(const Validity& a, const Validity& b);
// "2025-01-01 t/m 2025-12-31" ("open" without an end).
std::string shown(const Validity& v);
bool digits(std::string_view s);
// "tarieven.csv:12" for explanations (no server paths in a partner's answer).
std::string short_where(const std::string& source, int line);

}  // namespace sluis::rules::contract_rows
