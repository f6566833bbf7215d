// Budget ceilings and contingents of the region's contracts (docs/contracts.md,
// "Budget ceilings and contingents"): per provider and contract, the most the
// region means to spend in a calendar year (soort budget, eurocent), and the
// most allocations of one product that run at once (soort contingent). They
// are steering figures, never a reason to refuse a message: rules SL004
// (budget, on a 323) and SL005 (contingent, on a 301) warn when a message
// brings the position to the row's warning percentage or over the maximum.
//
// File ([contracts] ceilings, read by core::CsvReader like the other
// contract files):
//   soort;contract;aanbieder;wet;categorie;productcode;maximum;waarschuwing_procent;ingangsdatum;einddatum
// budget: wet, categorie and productcode empty; ingangsdatum 1 January,
// einddatum 31 December or empty (the ceiling holds per calendar year).
// contingent: the product (in the catalogue on the ingangsdatum).
// maximum: a whole number > 0; waarschuwing_procent 1-100, empty = 90.
//
// Refused with "file:line: text": a bad field or date, a contract the coverage
// file does not name, a provider without a tariff row in that contract, a
// product not in the catalogue, overlapping periods for the same soort,
// contract, aanbieder (and product).
//
// Threading: immutable after parsing, held by Contracts (shared_ptr).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/core/result.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::rules {

class Contracts;

struct CeilingRow {
  standard::ledger::WarningKind soort = standard::ledger::WarningKind::budget;
  std::string contract, aanbieder;
  std::optional<standard::Law> wet;  // contingent only
  std::string categorie, code;       // contingent only
  std::int64_t maximum = 0;          // budget: eurocent per year; contingent: allocations
  int waarschuwing_procent = 90;
  Validity validity;
  std::string where;  // "plafonds.csv:7"
};

// Where a position stands against a row: nothing below the warning level.
std::optional<standard::ledger::WarningLevel> ceiling_level(const CeilingRow& row,
                                                            std::int64_t amount);
// amount / maximum in whole per cent, rounded down.
int ceiling_percent(const CeilingRow& row, std::int64_t amount);

class Ceilings {
 public:
  // `contracts` is what the rows are checked against (contracts, providers,
  // the catalogue).
  static core::Result<Ceilings> parse(std::string_view text, const std::string& source,
                                      const Contracts& contracts);

  // The budget rows of `aanbieder` in force on `date` (one per contract at most).
  std::vector<const CeilingRow*> budgets(std::string_view aanbieder, const core::Date& date) const;
  // The contingent rows of `aanbieder` for the product in force on `date`.
  std::vector<const CeilingRow*> contingents(std::string_view aanbieder, standard::Law wet,
                                             std::string_view categorie, std::string_view code,
                                             const core::Date& date) const;
  // Every row of `aanbieder` in force on `date`, in the file's order.
  std::vector<const CeilingRow*> of(std::string_view aanbieder, const core::Date& date) const;

  std::size_t size() const { return rows_.size(); }

 private:
  std::vector<CeilingRow> rows_;
};

}  // namespace sluis::rules
