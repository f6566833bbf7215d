#include "gateway/rules/contracts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <utility>

#include "gateway/core/csv.hpp"
#include "gateway/rules/contract_rows.hpp"
#include "gateway/rules/degressive.hpp"

namespace sluis::rules {

namespace contract_rows {

using core::Errc;
using core::make_error;

// The rows of one file, its header checked against `expected`.
core::Result<std::vector<Row>> read_rows(std::string_view csv, const std::string& source,
                                         const std::vector<std::string>& expected) {
  return core::read_csv_table(csv, source, core::CsvOptions{.trim = true, .comments = true},
                              expected,
                              {Errc::contract_value, Errc::contract_value, Errc::contract_value});
}

// A row's period: ingangsdatum required, einddatum empty = open.
core::Result<Validity> period(const std::string& from, const std::string& to,
                              const std::string& at) {
  Validity v;
  v.from = core::parse_date(from);
  if (!v.from)
    return make_error(Errc::contract_date, at + ": ingangsdatum \"" + from +
                                               "\" is not a date (YYYY-MM-DD; every row has one)");
  if (!to.empty()) {
    v.to = core::parse_date(to);
    if (!v.to)
      return make_error(Errc::contract_date,
                        at + ": einddatum \"" + to + "\" is not a date (YYYY-MM-DD)");
    if (core::to_days(*v.to) < core::to_days(*v.from))
      return make_error(Errc::contract_date,
                        at + ": einddatum " + to + " is before ingangsdatum " + from);
  }
  return v;
}

bool overlap(const Validity& a, const Validity& b) {
  // Both have a start (period() requires one).
  const bool a_before_b = a.to && core::to_days(*a.to) < core::to_days(*b.from);
  const bool b_before_a = b.to && core::to_days(*b.to) < core::to_days(*a.from);
  return !a_before_b && !b_before_a;
}

std::string shown(const Validity& v) {
  return core::format_date(*v.from) + " t/m " +
         (v.to ? core::format_date(*v.to) : std::string("open"));
}

bool digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "tarieven.csv:12" for explanations (no server paths in a partner's answer).
std::string short_where(const std::string& source, int line) {
  return fmt::format("{}:{}", std::filesystem::path(source).filename().string(), line);
}

}  // namespace contract_rows

namespace {

using namespace contract_rows;

using core::Date;
using core::Errc;
using core::make_error;

struct Eenheid {
  std::string_view code, nl, en;
};
constexpr std::array<Eenheid, 7> kEenheden{{
    {"01", "minuut", "minute"},
    {"04", "uur", "hour"},
    {"14", "etmaal", "day and night"},
    {"16", "dagdeel (4 uur)", "day part (4 hours)"},
    {"82", "stuk (output)", "piece (output)"},
    {"83", "euro", "euro"},
    {"84", "stuk (inspanning)", "piece (effort)"},
}};

core::Result<standard::Law> wet_of(const std::string& s, const std::string& at) {
  auto w = standard::parse_law(s);
  if (!w) return make_error(Errc::contract_value, at + ": wet \"" + s + "\" is not iwmo or ijw");
  return *w;
}

std::optional<core::Error> bad_product_fields(const std::string& categorie, const std::string& code,
                                              const std::string& at) {
  if (categorie.size() != 2 || !digits(categorie))
    return make_error(Errc::contract_value,
                      at + ": categorie \"" + categorie + "\" is not 2 digits");
  if (code.empty() || code.size() > 5)
    return make_error(Errc::contract_value,
                      at + ": productcode \"" + code + "\" is not 1-5 characters");
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ProductSoort s) {
  switch (s) {
    case ProductSoort::inspanningsgericht:
      return "inspanningsgericht";
    case ProductSoort::outputgericht:
      return "outputgericht";
    case ProductSoort::taakgericht:
      return "taakgericht";
  }
  return "?";
}

std::string_view eenheid_name(std::string_view code) {
  for (const auto& e : kEenheden)
    if (e.code == code) return e.nl;
  return code;
}

std::string_view eenheid_name_en(std::string_view code) {
  for (const auto& e : kEenheden)
    if (e.code == code) return e.en;
  return code;
}

core::Result<Contracts> Contracts::parse(
    std::string_view catalogue, const std::string& catalogue_source, std::string_view coverage,
    const std::string& coverage_source, std::string_view tariffs, const std::string& tariffs_source,
    const GemeenteList* gemeenten) {
  Contracts out;
  // ---- catalogue ----
  auto cat_rows = read_rows(catalogue, catalogue_source,
                            {"wet", "categorie", "productcode", "naam", "segment", "niveau",
                             "eenheid", "frequenties", "soort", "ingangsdatum", "einddatum"});
  if (!cat_rows) return cat_rows.error();
  for (auto& [line, f] : *cat_rows) {
    const std::string at = fmt::format("{}:{}", catalogue_source, line);
    auto wet = wet_of(f[0], at);
    if (!wet) return wet.error();
    if (auto e = bad_product_fields(f[1], f[2], at)) return *e;
    if (f[3].empty())
      return make_error(Errc::contract_value, at + ": naam is empty (name the product)");
    // Named: clang 14 does not let a lambda capture a structured binding (C++20 does; clang from 16).
    const std::string& eenheid = f[6];
    if (std::none_of(kEenheden.begin(), kEenheden.end(),
                     [&](const Eenheid& u) { return u.code == eenheid; }))
      return make_error(Errc::contract_value,
                        at + ": eenheid \"" + f[6] +
                            "\" is not an Eenheid code of 3.2 (01, 04, 14, 16, 82, 83, 84)");
    CatalogueProduct p;
    p.wet = *wet;
    p.categorie = f[1];
    p.code = f[2];
    p.naam = f[3];
    p.segment = f[4];
    p.niveau = f[5];
    p.eenheid = f[6];
    for (std::size_t pos = 0; pos <= f[7].size() && !f[7].empty();) {
      std::size_t bar = f[7].find('|', pos);
      std::string fr = f[7].substr(pos, bar == std::string::npos ? std::string::npos : bar - pos);
      if (fr != "1" && fr != "2" && fr != "4" && fr != "6")
        return make_error(Errc::contract_value,
                          at + ": frequenties \"" + f[7] +
                              "\" is not Frequentie codes (1, 2, 4, 6) separated by |");
      p.frequenties.push_back(fr);
      if (bar == std::string::npos) break;
      pos = bar + 1;
    }
    if (f[8] == "inspanningsgericht")
      p.soort = ProductSoort::inspanningsgericht;
    else if (f[8] == "outputgericht")
      p.soort = ProductSoort::outputgericht;
    else if (f[8] == "taakgericht")
      p.soort = ProductSoort::taakgericht;
    else
      return make_error(
          Errc::contract_value,
          at + ": soort \"" + f[8] + "\" is not inspanningsgericht, outputgericht or taakgericht");
    auto v = period(f[9], f[10], at);
    if (!v) return v.error();
    p.validity = *v;
    p.where = short_where(catalogue_source, line);
    for (const auto& q : out.catalogue_)
      if (q.wet == p.wet && q.code == p.code && overlap(q.validity, p.validity))
        return make_error(Errc::contract_overlap, at + ": " + p.code + " (" + f[0] + ") " +
                                                      shown(p.validity) + " overlaps " + q.where +
                                                      " (" + shown(q.validity) + ")");
    out.catalogue_.push_back(std::move(p));
  }
  // ---- coverage ----
  auto cov_rows =
      read_rows(coverage, coverage_source, {"contract", "gemeente", "ingangsdatum", "einddatum"});
  if (!cov_rows) return cov_rows.error();
  for (auto& [line, f] : *cov_rows) {
    const std::string at = fmt::format("{}:{}", coverage_source, line);
    if (f[0].empty())
      return make_error(Errc::contract_value, at + ": contract is empty (name the contract)");
    if (f[1].size() != 4 || !digits(f[1]))
      return make_error(Errc::contract_value,
                        at + ": gemeente \"" + f[1] + "\" is not a CBS code (4 digits)");
    auto v = period(f[2], f[3], at);
    if (!v) return v.error();
    if (gemeenten && !gemeenten->valid_on(f[1], *v->from))
      return make_error(
          Errc::contract_unknown,
          at + ": gemeente " + f[1] + " is not on the CBS list on " + core::format_date(*v->from));
    ContractCoverage c{f[0], f[1], *v, short_where(coverage_source, line)};
    for (const auto& q : out.coverage_)
      if (q.contract == c.contract && q.gemeente == c.gemeente && overlap(q.validity, c.validity))
        return make_error(Errc::contract_overlap, at + ": contract " + c.contract + " covers " +
                                                      c.gemeente + " twice: " + shown(c.validity) +
                                                      " overlaps " + q.where + " (" +
                                                      shown(q.validity) + ")");
    out.coverage_.push_back(std::move(c));
  }
  // ---- tariffs ----
  auto tar_rows =
      read_rows(tariffs, tariffs_source,
                {"contract", "wet", "categorie", "productcode", "aanbieder", "tarief_eurocent",
                 "ingangsdatum", "einddatum", "geforceerd", "reden"});
  if (!tar_rows) return tar_rows.error();
  for (auto& [line, f] : *tar_rows) {
    const std::string at = fmt::format("{}:{}", tariffs_source, line);
    TariffRow t;
    t.contract = f[0];
    if (std::none_of(out.coverage_.begin(), out.coverage_.end(),
                     [&](const ContractCoverage& c) { return c.contract == t.contract; }))
      return make_error(Errc::contract_unknown,
                        at + ": contract \"" + f[0] + "\" covers no gemeente in " +
                            std::filesystem::path(coverage_source).filename().string());
    auto wet = wet_of(f[1], at);
    if (!wet) return wet.error();
    t.wet = *wet;
    if (auto e = bad_product_fields(f[2], f[3], at)) return *e;
    t.categorie = f[2];
    t.code = f[3];
    if (std::none_of(out.catalogue_.begin(), out.catalogue_.end(), [&](const CatalogueProduct& p) {
          return p.wet == t.wet && p.categorie == t.categorie && p.code == t.code;
        }))
      return make_error(Errc::contract_unknown,
                        at + ": product " + f[2] + "/" + f[3] + " (" + f[1] +
                            ") is not in the catalogue " +
                            std::filesystem::path(catalogue_source).filename().string());
    if (!f[4].empty() && (f[4].size() != 8 || !digits(f[4])))
      return make_error(Errc::contract_value,
                        at + ": aanbieder \"" + f[4] + "\" is not an AGB code (8 digits)");
    t.aanbieder = f[4];
    if (!f[5].empty()) {
      if (!digits(f[5]) || f[5].size() > 8)
        return make_error(Errc::contract_value,
                          at + ": tarief_eurocent \"" + f[5] +
                              "\" is not a whole number of eurocent (0-99999999)");
      t.eurocent = std::stoll(f[5]);
    } else if (t.aanbieder.empty()) {
      return make_error(Errc::contract_value,
                        at + ": tarief_eurocent is empty in the contract's default row");
    }
    auto v = period(f[6], f[7], at);
    if (!v) return v.error();
    t.validity = *v;
    if (f[8] == "ja")
      t.geforceerd = true;
    else if (!f[8].empty())
      return make_error(Errc::contract_value,
                        at + ": geforceerd \"" + f[8] + "\" is not \"ja\" or empty");
    t.reden = f[9];
    if (t.geforceerd && t.reden.empty())
      return make_error(Errc::contract_value,
                        at + ": geforceerd without a reden (say why the tariff changes "
                             "during the year)");
    // Tariffs are revised for the next year only, never during the year.
    const Date& from = *t.validity.from;
    if (!t.geforceerd &&
        (static_cast<unsigned>(from.month()) != 1 || static_cast<unsigned>(from.day()) != 1))
      return make_error(
          Errc::contract_date,
          at + ": ingangsdatum " + f[6] +
              " is not 1 January: a tariff changes only from the next year; set geforceerd = ja "
              "with a reden to change it during the year");
    t.where = short_where(tariffs_source, line);
    for (const auto& q : out.tariffs_)
      if (q.contract == t.contract && q.wet == t.wet && q.code == t.code &&
          q.aanbieder == t.aanbieder && overlap(q.validity, t.validity))
        return make_error(Errc::contract_overlap,
                          at + ": " + t.code +
                              (t.aanbieder.empty() ? " (default)" : " for " + t.aanbieder) +
                              " in contract " + t.contract + ": " + shown(t.validity) +
                              " overlaps " + q.where + " (" + shown(q.validity) + ")");
    out.tariffs_.push_back(std::move(t));
  }
  // A provider row without its own tariff takes the default on every day of
  // its period: defaults must cover all of it.
  for (const auto& t : out.tariffs_) {
    if (t.aanbieder.empty() || t.eurocent) continue;
    Date day = *t.validity.from;
    for (;;) {
      const TariffRow* d = out.default_on(t, day);
      if (!d)
        return make_error(
            Errc::contract_unknown,
            fmt::format(
                "{}: no tarief_eurocent, and contract {} has no default tariff for {} on {}",
                tariffs_source + t.where.substr(t.where.rfind(':')), t.contract, t.code,
                core::format_date(day)));
      if (!d->validity.to ||
          (t.validity.to && core::to_days(*d->validity.to) >= core::to_days(*t.validity.to)))
        break;
      day = core::add_days(*d->validity.to, 1);
    }
  }
  // One provider, one product, one gemeente, one day: one contract.
  for (std::size_t i = 0; i < out.tariffs_.size(); ++i) {
    const auto& a = out.tariffs_[i];
    if (a.aanbieder.empty()) continue;
    for (std::size_t j = 0; j < i; ++j) {
      const auto& b = out.tariffs_[j];
      if (b.aanbieder != a.aanbieder || b.contract == a.contract || b.wet != a.wet ||
          b.code != a.code || !overlap(a.validity, b.validity))
        continue;
      for (const auto& ca : out.coverage_)
        for (const auto& cb : out.coverage_)
          if (ca.contract == a.contract && cb.contract == b.contract &&
              ca.gemeente == cb.gemeente && overlap(ca.validity, cb.validity))
            return make_error(
                Errc::contract_overlap,
                fmt::format("{}: {} is contracted for {} in gemeente {} by both contract {} and "
                            "contract {} ({}) at the same time",
                            tariffs_source + a.where.substr(a.where.rfind(':')), a.aanbieder,
                            a.code, ca.gemeente, a.contract, b.contract, b.where));
    }
  }
  return out;
}

const CatalogueProduct* Contracts::product(standard::Law wet, std::string_view categorie,
                                           std::string_view code, const Date& date) const {
  for (const auto& p : catalogue_)
    if (p.wet == wet && p.categorie == categorie && p.code == code && p.validity.covers(date))
      return &p;
  return nullptr;
}

const TariffRow* Contracts::default_on(const TariffRow& own, const Date& date) const {
  for (const auto& t : tariffs_)
    if (t.aanbieder.empty() && t.contract == own.contract && t.wet == own.wet &&
        t.code == own.code && t.validity.covers(date))
      return &t;
  return nullptr;
}

std::string_view to_string(DegressiveScope s) {
  return s == DegressiveScope::all ? "all" : "intake_year";
}

core::Result<void> Contracts::parse_degressive(std::string_view text, const std::string& source,
                                               DegressiveScope scope) {
  degressive_scope = scope;
  auto rows = read_rows(text, source,
                        {"contract", "aanbieder", "jaar", "drempel_etmalen", "percentage",
                         "instroomjaar"});
  if (!rows) return rows.error();
  std::vector<DegressiveRow> out;
  for (auto& [line, f] : *rows) {
    const std::string at = fmt::format("{}:{}", source, line);
    DegressiveRow r;
    r.contract = f[0];
    if (std::none_of(coverage_.begin(), coverage_.end(),
                     [&](const ContractCoverage& c) { return c.contract == r.contract; }))
      return make_error(Errc::contract_unknown,
                        at + ": contract \"" + f[0] + "\" covers no gemeente (gemeenten file)");
    if (f[1].size() != 8 || !digits(f[1]))
      return make_error(Errc::contract_value,
                        at + ": aanbieder \"" + f[1] + "\" is not an AGB code (8 digits)");
    r.aanbieder = f[1];
    auto jaar = parse_year(f[2]);
    if (!jaar)
      return make_error(Errc::contract_value,
                        at + ": jaar \"" + f[2] + "\" is not a year (2000-2099)");
    r.jaar = *jaar;
    if (!f[3].empty()) {
      if (!digits(f[3]) || f[3].size() > 7)
        return make_error(Errc::contract_value,
                          at + ": drempel_etmalen \"" + f[3] +
                              "\" is not a whole number of etmalen (0-9999999); leave it empty "
                              "to derive it from the ledger");
      r.drempel = std::stoll(f[3]);
    }
    if (!f[4].empty()) {
      if (!digits(f[4]) || f[4].size() > 3 || std::stoi(f[4]) > 100)
        return make_error(Errc::contract_value,
                          at + ": percentage \"" + f[4] +
                              "\" is not a whole percentage 0-100 (empty: 50)");
      r.percentage = std::stoi(f[4]);
    }
    if (!f[5].empty()) {
      auto y = parse_year(f[5]);
      if (!y)
        return make_error(Errc::contract_value,
                          at + ": instroomjaar \"" + f[5] + "\" is not a year (2000-2099)");
      r.instroomjaar = *y;
    }
    if (scope == DegressiveScope::intake_year && !r.instroomjaar)
      return make_error(Errc::contract_value,
                        at + ": instroomjaar is empty, but degressive_scope = \"intake_year\" "
                             "counts only clients up to an intake year: give it");
    if (scope == DegressiveScope::all && r.instroomjaar)
      return make_error(Errc::contract_value,
                        at + ": instroomjaar " + f[5] +
                            " is given, but degressive_scope = \"all\" counts every client: "
                            "leave it empty or set the scope to \"intake_year\"");
    r.where = short_where(source, line);
    for (const auto& q : out)
      if (q.contract == r.contract && q.aanbieder == r.aanbieder && q.jaar == r.jaar)
        return make_error(Errc::contract_overlap, at + ": a second row for " + r.aanbieder +
                                                      " in contract " + r.contract + " for " +
                                                      f[2] + " (first: " + q.where + ")");
    out.push_back(std::move(r));
  }
  degressive_ = std::move(out);
  return {};
}

std::vector<std::string> Contracts::aanbieders() const {
  std::vector<std::string> out;
  for (const auto& t : tariffs_)
    if (!t.aanbieder.empty()) out.push_back(t.aanbieder);
  for (const auto& r : degressive_) out.push_back(r.aanbieder);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const DegressiveRow* Contracts::degressive_for(std::string_view aanbieder,
                                               std::string_view gemeente, const Date& date) const {
  const int jaar = static_cast<int>(date.year());
  for (const auto& r : degressive_)
    if (r.jaar == jaar && r.aanbieder == aanbieder && covers(r.contract, gemeente, date)) return &r;
  return nullptr;
}

std::vector<const DegressiveRow*> Contracts::degressive_of(std::string_view aanbieder,
                                                           int jaar) const {
  std::vector<const DegressiveRow*> out;
  for (const auto& r : degressive_)
    if (r.jaar == jaar && r.aanbieder == aanbieder) out.push_back(&r);
  return out;
}

bool Contracts::covers(std::string_view contract, std::string_view gemeente,
                       const Date& date) const {
  for (const auto& c : coverage_)
    if (c.contract == contract && c.gemeente == gemeente && c.validity.covers(date)) return true;
  return false;
}

bool Contracts::names_contract(std::string_view contract) const {
  return std::any_of(coverage_.begin(), coverage_.end(),
                     [&](const ContractCoverage& c) { return c.contract == contract; });
}

bool Contracts::names_provider(std::string_view contract, std::string_view aanbieder) const {
  return std::any_of(tariffs_.begin(), tariffs_.end(), [&](const TariffRow& t) {
    return t.contract == contract && t.aanbieder == aanbieder;
  });
}

std::optional<ContractedProduct> Contracts::priced(const TariffRow& own, const Date& date) const {
  ContractedProduct out;
  out.row = &own;
  out.priced = own.eurocent ? &own : default_on(own, date);
  if (!out.priced) return std::nullopt;  // parse() refuses this; kept safe
  out.eurocent = *out.priced->eurocent;
  out.product = product(own.wet, own.categorie, own.code, date);
  for (const auto& c : coverage_)
    if (c.contract == own.contract && c.validity.covers(date) &&
        std::find(out.gemeenten.begin(), out.gemeenten.end(), c.gemeente) == out.gemeenten.end())
      out.gemeenten.push_back(c.gemeente);
  return out;
}

std::optional<ContractedProduct> Contracts::contracted(standard::Law wet, std::string_view gemeente,
                                                       std::string_view aanbieder,
                                                       std::string_view categorie,
                                                       std::string_view code,
                                                       const Date& date) const {
  for (const auto& t : tariffs_)
    if (t.aanbieder == aanbieder && t.wet == wet && t.categorie == categorie && t.code == code &&
        t.validity.covers(date) && covers(t.contract, gemeente, date))
      return priced(t, date);
  return std::nullopt;
}

std::vector<ContractedProduct> Contracts::contracted_in(std::string_view gemeente,
                                                        const Date& date) const {
  std::vector<ContractedProduct> out;
  for (const auto& t : tariffs_)
    if (!t.aanbieder.empty() && t.validity.covers(date) && covers(t.contract, gemeente, date))
      if (auto p = priced(t, date)) out.push_back(std::move(*p));
  return out;
}

Validity ContractedProduct::period() const {
  Validity v = row->validity;
  const Validity& p = priced->validity;
  if (core::to_days(*p.from) > core::to_days(*v.from)) v.from = p.from;
  if (p.to && (!v.to || core::to_days(*p.to) < core::to_days(*v.to))) v.to = p.to;
  return v;
}

boost::json::object to_json(const ContractedProduct& p) {
  const Validity v = p.period();
  boost::json::object o{{"law", standard::to_string(p.row->wet)},
                        {"categorie", p.row->categorie},
                        {"code", p.row->code},
                        {"eenheid", p.product ? p.product->eenheid : std::string()},
                        {"tariff_eurocent", p.eurocent},
                        {"ingangsdatum", core::format_date(*v.from)}};
  if (v.to)
    o["einddatum"] = core::format_date(*v.to);
  else
    o["einddatum"] = nullptr;
  return o;
}

bool Contracts::governs(standard::Law wet, std::string_view gemeente, const Date& date) const {
  for (const auto& c : coverage_)
    if (c.gemeente == gemeente && c.validity.covers(date))
      for (const auto& t : tariffs_)
        if (t.contract == c.contract && t.wet == wet) return true;
  return false;
}

bool Contracts::lists_for(standard::Law wet, std::string_view gemeente, std::string_view categorie,
                          std::string_view code, const Date& date) const {
  return std::find(product_list_laws.begin(), product_list_laws.end(), wet) != product_list_laws.end() &&
         product(wet, categorie, code, date) != nullptr && governs(wet, gemeente, date);
}

std::vector<ContractedProduct> Contracts::contracted_on(std::string_view aanbieder,
                                                        const Date& date) const {
  std::vector<ContractedProduct> out;
  for (const auto& t : tariffs_)
    if (!aanbieder.empty() && t.aanbieder == aanbieder && t.validity.covers(date))
      if (auto p = priced(t, date); p && !p->gemeenten.empty()) out.push_back(std::move(*p));
  return out;
}

}  // namespace sluis::rules
