#include "gateway/rules/reference.hpp"

#include <fmt/format.h>

#include "gateway/core/csv.hpp"

namespace sluis::rules {

namespace {

// Rows of a reference list with the header checked against `expected`.
core::Result<std::vector<core::CsvRecord>> list_rows(std::string_view csv,
                                                     const std::string& source,
                                                     const std::vector<std::string>& expected) {
  return core::read_csv_table(
      csv, source, core::CsvOptions{.trim = true, .comments = true}, expected,
      {core::Errc::reference_empty, core::Errc::reference_header, core::Errc::reference_fields});
}

core::Result<Validity> validity(const std::string& from, const std::string& to,
                                const std::string& where) {
  Validity v;
  if (!from.empty()) {
    v.from = core::parse_date(from);
    if (!v.from)
      return core::make_error(core::Errc::reference_date,
                              where + ": ingangsdatum \"" + from + "\" is not YYYY-MM-DD");
  }
  if (!to.empty()) {
    v.to = core::parse_date(to);
    if (!v.to)
      return core::make_error(core::Errc::reference_date,
                              where + ": einddatum \"" + to + "\" is not YYYY-MM-DD");
  }
  if (v.from && v.to && core::to_days(*v.to) < core::to_days(*v.from))
    return core::make_error(core::Errc::reference_date, where + ": einddatum before ingangsdatum");
  return v;
}

}  // namespace

bool Validity::covers(const core::Date& d) const {
  if (from && core::to_days(d) < core::to_days(*from)) return false;
  if (to && core::to_days(d) > core::to_days(*to)) return false;
  return true;
}

core::Result<GemeenteList> GemeenteList::parse(std::string_view csv, const std::string& source) {
  auto rows = list_rows(csv, source, {"gemeentecode", "gemeentenaam", "ingangsdatum", "einddatum"});
  if (!rows) return rows.error();
  GemeenteList list;
  for (auto& [line, f] : *rows) {
    std::string where = fmt::format("{}:{}", source, line);
    if (f[0].size() != 4 || f[0].find_first_not_of("0123456789") != std::string::npos)
      return core::make_error(core::Errc::reference_code,
                              where + ": gemeentecode \"" + f[0] + "\" is not 4 digits");
    auto v = validity(f[2], f[3], where);
    if (!v) return v.error();
    list.entries_.emplace(f[0], *v);
  }
  return list;
}

bool GemeenteList::valid_on(std::string_view code, const core::Date& date) const {
  auto [b, e] = entries_.equal_range(std::string(code));
  for (auto it = b; it != e; ++it)
    if (it->second.covers(date)) return true;
  return false;
}

core::Result<ProductCodeList> ProductCodeList::parse(std::string_view csv, const std::string& source) {
  auto rows = list_rows(csv, source,
                        {"wet", "productcategorie", "productcode", "omschrijving", "ingangsdatum", "einddatum"});
  if (!rows) return rows.error();
  ProductCodeList list;
  for (auto& [line, f] : *rows) {
    std::string where = fmt::format("{}:{}", source, line);
    const auto wet = standard::parse_law(f[0]);
    if (!wet)
      return core::make_error(core::Errc::reference_wet,
                              where + ": wet \"" + f[0] + "\" is not iwmo or ijw");
    if (f[1].size() != 2)
      return core::make_error(core::Errc::reference_categorie,
                              where + ": productcategorie \"" + f[1] + "\" is not 2 characters");
    if (f[2].empty() || f[2].size() > 5)
      return core::make_error(core::Errc::reference_code,
                              where + ": productcode \"" + f[2] + "\" is not 1-5 characters");
    auto v = validity(f[4], f[5], where);
    if (!v) return v.error();
    list.entries_.push_back({*wet, f[1], f[2], *v});
  }
  return list;
}

bool ProductCodeList::fits(standard::Law wet, std::string_view categorie, std::string_view code,
                           const core::Date& date) const {
  for (const auto& e : entries_)
    if (e.wet == wet && e.categorie == categorie && e.code == code && e.validity.covers(date)) return true;
  return false;
}

std::optional<std::string> ProductCodeList::categorie_of(standard::Law wet, std::string_view code) const {
  for (const auto& e : entries_)
    if (e.wet == wet && e.code == code) return e.categorie;
  return std::nullopt;
}

}  // namespace sluis::rules
