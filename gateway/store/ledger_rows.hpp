// Internal to the store's engines: the ledger tables' columns as the records
// are read from them, one definition for SQLite (sqlite_ledger.cpp) and
// PostgreSQL (pg_ledger.cpp), whose tables have the same columns. A reader
// takes a row type with text(c), opt_text(c), i64(c), opt_i64(c) and null(c)
// (a NULL text is "", a NULL integer 0): sqlite::Stmt, or pg_ledger's Row.
// Every SELECT of a record names its columns from here, the law first.
#pragma once

#include <optional>
#include <string>

#include "gateway/core/date.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::store::ledger_rows {

namespace L = standard::ledger;

inline std::optional<L::Date> opt_date(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return core::parse_date(*s);
}
inline L::Date date(const std::string& s) { return core::parse_date(s).value_or(L::Date{}); }
inline std::optional<std::string> opt_text(const std::optional<L::Date>& d) {
  return d ? std::optional(core::format_date(*d)) : std::nullopt;
}

constexpr const char* kAllocationColumns =
    "law, gemeente, toewijzing_nummer, aanbieder, bsn_hash, categorie, code, ingangsdatum, einddatum, "
    "reden_wijziging, referentie_aanbieder, volume, eenheid, frequentie, budget, toewijzingsdatum, message_id, "
    "verdict, verwijzer_type, client_turns_18_on";

template <class Row>
L::Allocation read_allocation(const Row& s, standard::Law law) {
  L::Allocation a;
  a.law = law;
  a.gemeente = s.text(1);
  a.toewijzing_nummer = s.i64(2);
  a.aanbieder = s.text(3);
  a.bsn_hash = s.text(4);
  a.categorie = s.text(5);
  a.code = s.opt_text(6);
  a.ingangsdatum = date(s.text(7));
  a.einddatum = opt_date(s.opt_text(8));
  a.reden_wijziging = s.opt_text(9);
  a.referentie_aanbieder = s.opt_text(10);
  a.volume = s.opt_i64(11);
  a.eenheid = s.text(12);
  a.frequentie = s.text(13);
  a.budget = s.opt_i64(14);
  a.toewijzingsdatum = date(s.text(15));
  a.message_id = s.text(16);
  a.verdict = L::parse_verdict(s.text(17)).value_or(L::Verdict::approved);
  a.verwijzer_type = s.text(18);
  a.client_turns_18_on = opt_date(s.opt_text(19));
  return a;
}

constexpr const char* kCareColumns =
    "law, gemeente, aanbieder, bsn_hash, toewijzing_nummer, categorie, code, toewijzing_ingangsdatum, begindatum, "
    "reden, einddatum, status, message_id";

template <class Row>
L::CareKey read_key(const Row& s, standard::Law law) {
  L::CareKey k;
  k.law = law;
  k.gemeente = s.text(1);
  k.aanbieder = s.text(2);
  k.bsn_hash = s.text(3);
  k.toewijzing_nummer = s.opt_i64(4);
  k.categorie = s.text(5);
  k.code = s.text(6);
  k.toewijzing_ingangsdatum = opt_date(s.opt_text(7));
  k.begindatum = date(s.text(8));
  return k;
}

constexpr const char* kRequestColumns =
    "law, aanbieder, referentie, gemeente, type, bsn_hash, antwoord, honoured, message_id, verwijzer_type";

template <class Row>
L::Request read_request(const Row& s, standard::Law law) {
  L::Request r;
  r.law = law;
  r.aanbieder = s.text(1);
  r.referentie = s.text(2);
  r.gemeente = s.text(3);
  r.type = static_cast<int>(s.i64(4));
  r.bsn_hash = s.text(5);
  r.antwoord = s.text(6);
  r.honoured = s.i64(7) != 0;
  r.message_id = s.text(8);
  r.verwijzer_type = s.text(9);
  return r;
}

constexpr const char* kDeclarationColumns =
    "law, aanbieder, nummer, gemeente, identificatie, dagtekening, periode_begin, periode_eind, totaal_cents, "
    "bericht_xsd, basis_xsd, answered, message_id";

template <class Row>
L::Declaration read_declaration(const Row& s, standard::Law law) {
  L::Declaration d;
  d.law = law;
  d.aanbieder = s.text(1);
  d.nummer = s.text(2);
  d.gemeente = s.text(3);
  d.identificatie = s.text(4);
  d.dagtekening = date(s.text(5));
  d.periode_begin = date(s.text(6));
  d.periode_eind = date(s.text(7));
  d.totaal_cents = s.i64(8);
  d.bericht_xsd = s.text(9);
  d.basis_xsd = s.text(10);
  d.answered = s.i64(11) != 0;
  d.message_id = s.text(12);
  return d;
}

constexpr const char* kPrestatieColumns =
    "law, aanbieder, referentie, vorig_referentie, gemeente, toewijzing_nummer, bsn_hash, categorie, code, begin, "
    "eind, volume, eenheid, cents, credit, verdict, declaratie_nummer, message_id, tarief";

template <class Row>
L::Prestatie read_prestatie(const Row& s, standard::Law law) {
  L::Prestatie p;
  p.law = law;
  p.aanbieder = s.text(1);
  p.referentie = s.text(2);
  p.vorig_referentie = s.text(3);
  p.gemeente = s.text(4);
  p.toewijzing_nummer = s.i64(5);
  p.bsn_hash = s.text(6);
  p.categorie = s.text(7);
  p.code = s.text(8);
  p.begin = date(s.text(9));
  p.eind = date(s.text(10));
  p.volume = s.i64(11);
  p.eenheid = s.text(12);
  p.cents = s.i64(13);
  p.credit = s.i64(14) != 0;
  p.verdict = L::parse_verdict(s.text(15)).value_or(L::Verdict::pending);
  p.declaratie_nummer = s.text(16);
  p.message_id = s.text(17);
  if (!s.null(18)) p.tarief = s.i64(18);
  return p;
}

}  // namespace sluis::store::ledger_rows
