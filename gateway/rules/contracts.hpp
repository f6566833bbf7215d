// The region's contracts as data: what it buys (the catalogue), for which
// municipalities (coverage) and from whom at what price (tariffs), every row
// with a validity period. The contract rules read it: TR418 (0611, the
// declared ProductTarief is the contract tariff) and SL001 (the product is
// contracted with this provider on that date; its retourcode is a setting).
// docs/contracts.md describes the files; config [contracts] names them. The
// optional budget ceilings and contingents (ceilings.hpp, rules SL004 and
// SL005) are checked against these contracts and held beside them.
//
// Files (read by core::CsvReader, like the reference lists: ';' or ',' as the
// header shows, BOM-safe, '#' comments, fields trimmed; dates YYYY-MM-DD,
// ingangsdatum required, empty einddatum = open, both inclusive):
//   catalogue:
//   wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;einddatum
//   coverage:  contract;gemeente;ingangsdatum;einddatum
//   tariffs:
//   contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;geforceerd;reden
//   degressive (optional): contract;aanbieder;jaar;drempel_etmalen;percentage;instroomjaar
//
// The model of a tariff row: a row with an empty aanbieder is the contract's
// tariff for the product (the default); a row with an aanbieder contracts that
// provider for the product, at its own tarief_eurocent or, when that is empty,
// at the default that holds on the day. A provider is contracted for a product
// in a gemeente on a date exactly when a contract covering the gemeente on
// that date has a row of that provider for the product covering the date.
//
// Refused with "file:line: text": a bad field or date, overlapping periods of
// the same catalogue product / contract and gemeente / contract, product and
// aanbieder, a tariff for a product the catalogue does not list or a contract
// the coverage file does not name, an unknown gemeente (against the CBS list,
// when given), a provider row without a tariff on days no default covers, one
// provider contracted for the same product in two contracts covering the same
// gemeente at the same time, and a tariff row whose ingangsdatum is not
// 1 January (tariffs change only for the next year) unless geforceerd is "ja"
// with a reden.
//
// Threading: immutable after parsing, shared as shared_ptr<const Contracts>
// inside ReferenceData and swapped with it on reference-reload. Parsing does
// no I/O (reference_loader.hpp reads the files).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/core/result.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::rules {

enum class ProductSoort { inspanningsgericht, outputgericht, taakgericht };
std::string_view to_string(ProductSoort s);

// The name of an Eenheid code of 3.2 ("04" -> "uur" / "hour"), or the code itself.
std::string_view eenheid_name(std::string_view code);
std::string_view eenheid_name_en(std::string_view code);

struct CatalogueProduct {
  standard::Law wet;
  std::string categorie, code, naam, segment, niveau;
  std::string eenheid;                   // the standard's Eenheid code ("04" uur)
  std::vector<std::string> frequenties;  // Frequentie codes ("2", "4")
  ProductSoort soort = ProductSoort::inspanningsgericht;
  Validity validity;
  std::string where;  // "catalogus.csv:7"
};

struct ContractCoverage {
  std::string contract, gemeente;
  Validity validity;
  std::string where;
};

struct TariffRow {
  std::string contract;
  standard::Law wet;
  std::string categorie, code;
  std::string aanbieder;                 // empty: the contract's default
  std::optional<std::int64_t> eurocent;  // empty: the default of the day
  Validity validity;
  bool geforceerd = false;
  std::string reden;
  std::string where;  // "tarieven.csv:12"
};

// Whose etmalen count for the degressive tariff ([contracts] degressive_scope):
// every client, or only clients whose intake year is at most the row's
// instroomjaar (the existing client group; the minutes leave it open).
enum class DegressiveScope { all, intake_year };
std::string_view to_string(DegressiveScope s);

// A provider's degressive tariff in one contract for one calendar year
// (degressief.csv): after `drempel` etmalen (given, or derived from the ledger
// when empty) the etmaal products are paid at `percentage` % of the contract
// tariff.
struct DegressiveRow {
  std::string contract, aanbieder;
  int jaar = 0;
  std::optional<std::int64_t> drempel;  // etmalen; empty: derived (degressive.hpp)
  int percentage = 50;                  // the reduced tariff, % of the contract tariff
  std::optional<int> instroomjaar;      // scope intake_year: the last intake year counted
  std::string where;                    // "degressief.csv:4"
};

// What one provider is contracted for on one day: a product in a contract, at
// a tariff (the provider's own row and, for the amount, the default it takes).
struct ContractedProduct {
  const TariffRow* row = nullptr;     // the provider's row (contracts it)
  const TariffRow* priced = nullptr;  // the row the tariff comes from (row or a default)
  const CatalogueProduct* product = nullptr;
  std::int64_t eurocent = 0;
  std::vector<std::string> gemeenten;  // covered by the contract that day
  // The days this tariff holds: the provider's row and the priced row together.
  Validity period() const;
};

// One contracted product as GET /v1/contract answers it, exactly:
// {"law", "categorie", "code", "eenheid", "tariff_eurocent", "ingangsdatum",
// "einddatum"} (einddatum null when open).
boost::json::object to_json(const ContractedProduct& p);

class Ceilings;  // ceilings.hpp

class Contracts {
 public:
  // `*_source` names each text in errors (its file name). `gemeenten`, when
  // given, is the CBS list the coverage's codes must be on.
  static core::Result<Contracts> parse(std::string_view catalogue,
                                       const std::string& catalogue_source,
                                       std::string_view coverage,
                                       const std::string& coverage_source, std::string_view tariffs,
                                       const std::string& tariffs_source,
                                       const GemeenteList* gemeenten);

  // The retourcode of SL001; empty: the finding is advice only.
  std::string uncontracted_retourcode;
  // The laws whose catalogue counts as a product list for TR381
  // ([contracts] catalogue_product_list).
  std::vector<standard::Law> product_list_laws;
  // Whether the catalogue lists `code` in `categorie` for TR381: `wet` is one
  // of product_list_laws, the contracts govern `gemeente` then (governs) and
  // the catalogue holds the product on `date`.
  bool lists_for(standard::Law wet, std::string_view gemeente, std::string_view categorie,
                 std::string_view code, const core::Date& date) const;

  // The catalogue product `code` of `wet` on `date`, if listed.
  const CatalogueProduct* product(standard::Law wet, std::string_view categorie,
                                  std::string_view code, const core::Date& date) const;
  // What `aanbieder` is contracted for in `gemeente` for this product on
  // `date`, or nothing when it is not.
  std::optional<ContractedProduct> contracted(standard::Law wet, std::string_view gemeente,
                                              std::string_view aanbieder,
                                              std::string_view categorie, std::string_view code,
                                              const core::Date& date) const;
  // Whether the contracts speak for `gemeente` in `wet` on `date`: a contract
  // covering it then has tariffs of that law. Otherwise the contract rules
  // stay silent (the gemeente buys elsewhere, or not through this data).
  bool governs(standard::Law wet, std::string_view gemeente, const core::Date& date) const;
  // Everything `aanbieder` is contracted for on `date`, in the tariffs file's order.
  std::vector<ContractedProduct> contracted_on(std::string_view aanbieder,
                                               const core::Date& date) const;
  // Everything contracted for `gemeente` on `date` (every provider), likewise.
  std::vector<ContractedProduct> contracted_in(std::string_view gemeente,
                                               const core::Date& date) const;

  // The degressive rows (degressief.csv, [contracts] degressive): parsed
  // after parse(), since they name its contracts. Refused with file:line: a bad
  // field, an unknown contract, a second row for the same contract, aanbieder
  // and jaar, and a row without instroomjaar when the scope is intake_year.
  core::Result<void> parse_degressive(std::string_view text, const std::string& source,
                                      DegressiveScope scope);
  DegressiveScope degressive_scope = DegressiveScope::all;
  // The row for `aanbieder` in the contract covering `gemeente` on `date`, for
  // that date's year; null when none applies.
  const DegressiveRow* degressive_for(std::string_view aanbieder, std::string_view gemeente,
                                      const core::Date& date) const;
  // Every row of `aanbieder` for `jaar`, in the file's order.
  std::vector<const DegressiveRow*> degressive_of(std::string_view aanbieder, int jaar) const;
  std::size_t degressive_size() const { return degressive_.size(); }
  // Every provider (AGB code) the tariffs or degressive rows name, sorted.
  std::vector<std::string> aanbieders() const;
  // Whether `contract` covers `gemeente` on `date` (gemeenten.csv).
  bool covers(std::string_view contract, std::string_view gemeente, const core::Date& date) const;
  // Whether the coverage file names `contract`; whether the tariffs file has
  // a row of `aanbieder` in it (any product, any period).
  bool names_contract(std::string_view contract) const;
  bool names_provider(std::string_view contract, std::string_view aanbieder) const;

  // The budget ceilings and contingents ([contracts] ceilings); null when
  // none are configured (rules SL004 and SL005 then find nothing).
  std::shared_ptr<const Ceilings> ceilings;

  std::size_t catalogue_size() const { return catalogue_.size(); }
  std::size_t coverage_size() const { return coverage_.size(); }
  std::size_t tariffs_size() const { return tariffs_.size(); }

 private:
  const TariffRow* default_on(const TariffRow& own, const core::Date& date) const;
  std::optional<ContractedProduct> priced(const TariffRow& own, const core::Date& date) const;

  std::vector<CatalogueProduct> catalogue_;
  std::vector<ContractCoverage> coverage_;
  std::vector<TariffRow> tariffs_;
  std::vector<DegressiveRow> degressive_;
};

}  // namespace sluis::rules
