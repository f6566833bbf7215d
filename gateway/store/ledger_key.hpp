// Internal to the store's engines: the ledger_care table's key column, one
// text per CareKey. The same text on every engine, so a store moves from
// SQLite to PostgreSQL byte for byte (sqlite_ledger.cpp, pg_ledger.cpp).
#pragma once

#include <string>

#include "gateway/core/date.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::store {

// "law|gemeente|aanbieder|bsn_hash|nummer|categorie|code|ingangsdatum|begindatum",
// with "-" for an absent ToewijzingNummer or ToewijzingIngangsdatum.
inline std::string care_key(const standard::ledger::CareKey& k) {
  std::string s =
      std::string(standard::to_string(k.law)) + "|" + k.gemeente + "|" + k.aanbieder + "|" + k.bsn_hash + "|";
  s += k.toewijzing_nummer ? std::to_string(*k.toewijzing_nummer) : std::string("-");
  s += "|" + k.categorie + "|" + k.code + "|";
  s += k.toewijzing_ingangsdatum ? core::format_date(*k.toewijzing_ingangsdatum) : std::string("-");
  s += "|" + core::format_date(k.begindatum);
  return s;
}

}  // namespace sluis::store
