// Reference lists the external-list rules check against (TR378 -> S300 CBS
// municipality codes; TR381 -> S329 product code within its ProductCategorie),
// each entry with an optional validity period. Parsed from the CSV files under
// config/reference/ (reference_loader.hpp reads the files; the parsers do no I/O).
//
// Format: read by core::CsvReader (core/csv.hpp): ';' or ',' as the header
// shows, an optional UTF-8 byte-order mark, '#' comment lines, one header line,
// then rows; fields may be quoted ("...", RFC 4180) and are trimmed of spaces
// outside quotes. Dates are YYYY-MM-DD; an empty ingangsdatum means "always valid
// before", an empty einddatum "still valid".
//
// Threading: immutable after parsing; shared as shared_ptr<const ...> and
// swapped on reference-reload.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/core/result.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::rules {

struct Validity {
  std::optional<core::Date> from;  // ingangsdatum
  std::optional<core::Date> to;    // einddatum (inclusive)
  bool covers(const core::Date& d) const;
};

class GemeenteList {
 public:
  // `source` names the text in error messages ("cbs-gemeenten.csv").
  static core::Result<GemeenteList> parse(std::string_view csv, const std::string& source);
  // True when `code` is a CBS code valid on `date` (TR378).
  bool valid_on(std::string_view code, const core::Date& date) const;
  bool known(std::string_view code) const { return entries_.count(std::string(code)) > 0; }
  std::size_t size() const { return entries_.size(); }

 private:
  std::multimap<std::string, Validity> entries_;
};

class ProductCodeList {
 public:
  static core::Result<ProductCodeList> parse(std::string_view csv, const std::string& source);
  // True when `code` belongs to `categorie` in `wet` on `date` (TR381).
  bool fits(standard::Law wet, std::string_view categorie, std::string_view code,
            const core::Date& date) const;
  // The categorie `code` belongs to in `wet`, if listed at all.
  std::optional<std::string> categorie_of(standard::Law wet, std::string_view code) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    standard::Law wet;
    std::string categorie, code;
    Validity validity;
  };
  std::vector<Entry> entries_;
};

}  // namespace sluis::rules

namespace sluis::rules {

class Contracts;  // contracts.hpp

// Everything the external-list rules look up, loaded together and swapped as one.
struct ReferenceData {
  GemeenteList gemeenten;
  ProductCodeList productcodes;
  // The region's contracts ([contracts]); null when none are configured, and
  // then the contract rules (TR418, SL001) find nothing.
  std::shared_ptr<const Contracts> contracts;
};

}  // namespace sluis::rules
