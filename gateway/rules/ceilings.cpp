#include "gateway/rules/ceilings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "gateway/core/csv.hpp"
#include "gateway/rules/contract_rows.hpp"
#include "gateway/rules/contracts.hpp"

namespace sluis::rules {

namespace {

using core::Date;
using core::Errc;
using core::make_error;
namespace L = standard::ledger;
using namespace contract_rows;

const std::vector<std::string> kHeader{
    "soort",        "contract",    "aanbieder", "wet",
    "categorie",    "productcode", "maximum",   "waarschuwing_procent",
    "ingangsdatum", "einddatum"};

bool is(const Date& d, unsigned month, unsigned day) {
  return static_cast<unsigned>(d.month()) == month && static_cast<unsigned>(d.day()) == day;
}

}  // namespace

int ceiling_percent(const CeilingRow& row, std::int64_t amount) {
  if (row.maximum <= 0 || amount <= 0) return 0;
  return static_cast<int>(std::min<std::int64_t>(amount * 100 / row.maximum, 1'000'000));
}

std::optional<L::WarningLevel> ceiling_level(const CeilingRow& row, std::int64_t amount) {
  // Exact integer comparisons: amount / maximum >= p / 100.
  if (amount >= row.maximum) return L::WarningLevel::exceeded;
  if (amount * 100 >= row.maximum * row.waarschuwing_procent) return L::WarningLevel::warning;
  return std::nullopt;
}

core::Result<Ceilings> Ceilings::parse(std::string_view text, const std::string& source,
                                       const Contracts& contracts) {
  Ceilings out;
  auto rows = read_rows(text, source, kHeader);
  if (!rows) return rows.error();
  for (const auto& [line, f] : *rows) {
    const std::string at = fmt::format("{}:{}", source, line);
    CeilingRow r;
    if (f[0] == "budget")
      r.soort = L::WarningKind::budget;
    else if (f[0] == "contingent")
      r.soort = L::WarningKind::contingent;
    else
      return make_error(Errc::contract_value,
                        at + ": soort \"" + f[0] + "\" is not budget or contingent");
    r.contract = f[1];
    if (!contracts.names_contract(r.contract))
      return make_error(Errc::contract_unknown,
                        at + ": contract \"" + f[1] + "\" covers no gemeente in the coverage file");
    if (f[2].size() != 8 || !digits(f[2]))
      return make_error(Errc::contract_value,
                        at + ": aanbieder \"" + f[2] + "\" is not an AGB code (8 digits)");
    r.aanbieder = f[2];
    if (!contracts.names_provider(r.contract, r.aanbieder))
      return make_error(Errc::contract_unknown, at + ": aanbieder " + r.aanbieder +
                                                    " has no tariff row in contract " + r.contract);
    if (!digits(f[6]) || f[6].size() > 12 || std::stoll(f[6]) <= 0)
      return make_error(Errc::contract_value,
                        at + ": maximum \"" + f[6] +
                            "\" is not a whole number greater than 0 (eurocent for a budget, "
                            "allocations for a contingent)");
    r.maximum = std::stoll(f[6]);
    if (!f[7].empty()) {
      if (!digits(f[7]) || f[7].size() > 3 || std::stoi(f[7]) < 1 || std::stoi(f[7]) > 100)
        return make_error(Errc::contract_value,
                          at + ": waarschuwing_procent \"" + f[7] +
                              "\" is not a whole percentage 1-100 (empty: 90)");
      r.waarschuwing_procent = std::stoi(f[7]);
    }
    auto v = period(f[8], f[9], at);
    if (!v) return v.error();
    r.validity = *v;
    if (r.soort == L::WarningKind::budget) {
      if (!f[3].empty() || !f[4].empty() || !f[5].empty())
        return make_error(Errc::contract_value,
                          at + ": a budget is the provider's whole contract: leave wet, categorie "
                               "and productcode empty");
      // A budget holds per calendar year.
      if (!is(*r.validity.from, 1, 1))
        return make_error(Errc::contract_date,
                          at + ": ingangsdatum " + f[8] +
                              " is not 1 January: a budget ceiling holds per calendar year");
      if (r.validity.to && !is(*r.validity.to, 12, 31))
        return make_error(Errc::contract_date,
                          at + ": einddatum " + f[9] +
                              " is not 31 December: a budget ceiling holds per calendar year");
    } else {
      auto wet = standard::parse_law(f[3]);
      if (!wet)
        return make_error(Errc::contract_value, at + ": wet \"" + f[3] + "\" is not iwmo or ijw");
      r.wet = *wet;
      r.categorie = f[4];
      r.code = f[5];
      if (!contracts.product(*wet, r.categorie, r.code, *r.validity.from))
        return make_error(Errc::contract_unknown, at + ": product " + f[4] + "/" + f[5] + " (" +
                                                      f[3] + ") is not in the catalogue on " +
                                                      f[8]);
    }
    r.where = short_where(source, line);
    for (const auto& q : out.rows_)
      if (q.soort == r.soort && q.contract == r.contract && q.aanbieder == r.aanbieder &&
          q.wet == r.wet && q.categorie == r.categorie && q.code == r.code &&
          overlap(q.validity, r.validity))
        return make_error(Errc::contract_overlap,
                          at + ": " + f[0] + (r.code.empty() ? "" : " " + r.code) + " for " +
                              r.aanbieder + " in contract " + r.contract + ": " +
                              shown(r.validity) + " overlaps " + q.where + " (" +
                              shown(q.validity) + ")");
    out.rows_.push_back(std::move(r));
  }
  return out;
}

std::vector<const CeilingRow*> Ceilings::budgets(std::string_view aanbieder,
                                                 const Date& date) const {
  std::vector<const CeilingRow*> out;
  for (const auto& r : rows_)
    if (r.soort == L::WarningKind::budget && r.aanbieder == aanbieder && r.validity.covers(date))
      out.push_back(&r);
  return out;
}

std::vector<const CeilingRow*> Ceilings::contingents(std::string_view aanbieder, standard::Law wet,
                                                     std::string_view categorie,
                                                     std::string_view code,
                                                     const Date& date) const {
  std::vector<const CeilingRow*> out;
  for (const auto& r : rows_)
    if (r.soort == L::WarningKind::contingent && r.aanbieder == aanbieder && r.wet == wet &&
        r.categorie == categorie && r.code == code && r.validity.covers(date))
      out.push_back(&r);
  return out;
}

std::vector<const CeilingRow*> Ceilings::of(std::string_view aanbieder, const Date& date) const {
  std::vector<const CeilingRow*> out;
  for (const auto& r : rows_)
    if (r.aanbieder == aanbieder && r.validity.covers(date)) out.push_back(&r);
  return out;
}

}  // namespace sluis::rules
