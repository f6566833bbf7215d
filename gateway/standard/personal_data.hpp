// The elements of iWmo/iJw 3.2 that hold personal data: one list, used by
// every place that must not show them in clear:
//   - the validator: a finding never quotes the value of a listed element or
//     of anything inside one (xml/validator.cpp);
//   - the body mask of `sluisctl message-show` (admin/body_mask.cpp);
//   - the log scrubber: a logged value that quotes XML has these elements
//     masked (core::scrub, told of this list when this file is linked in).
//
// Derived from the standard's element facts (the 3.2 structure table, from
// which schemas/ is generated): an element is listed when its type is one of
// the types below, which describe a person (the client or a relation: who,
// born when, living where, reachable how) or is free text about one. A
// listed element masks everything inside it (Geboortedatum masks its Datum
// and DatumGebruik; Adres its Huis, Postcode, LandCode ...); the children are
// listed too, so a fragment without its parent (a quoted error) is masked.
// tests/unit/standard/personal_data_test.cpp checks the list against the
// packs: every element declared with one of these types is listed, and every
// listed element is declared so.
//
// Not listed, on purpose: codes that identify nobody on their own (Geslacht,
// JuridischeStatus, WettelijkeVertegenwoordiging, Communicatie, Soort, the
// products, periods and amounts) and the gateway's own identifiers.
//
// Threading: constant data and pure functions.
#pragma once

#include <array>
#include <string_view>

#include "gateway/core/redact.hpp"

namespace sluis::standard {

struct PersonalElement {
  std::string_view name;  // local name, the same in iWmo and iJw
  std::string_view type;  // the type it is declared with (LDT_/CDT_), or its parent's
  core::Mask mask;        // how its text is shown where it must be shown
};

// clang-format off
inline constexpr std::array<PersonalElement, 28> kPersonalElements{{
    {"Bsn",                  "LDT_BurgerServicenummer", core::Mask::bsn},
    {"Geboortedatum",        "CDT_Geboortedatum",       core::Mask::date},
    {"Datum",                "CDT_Geboortedatum",       core::Mask::date},   // its only use
    {"DatumGebruik",         "CDT_Geboortedatum",       core::Mask::all},    // which part of the date is known
    {"Naam",                 "CDT_VolledigeNaam",       core::Mask::name},   // also CDT_VerkorteNaam, LDT_NaamVerwijzer
    {"Geslachtsnaam",        "CDT_Achternaam",          core::Mask::name},
    {"Partnernaam",          "CDT_Achternaam",          core::Mask::name},
    {"Achternaam",           "LDT_Naam",                core::Mask::name},
    {"Voorvoegsel",          "LDT_Voorvoegsel",         core::Mask::name},
    {"Voornamen",            "LDT_Naam",                core::Mask::name},
    {"Voorletters",          "LDT_Voorletters",         core::Mask::name},
    {"Nummer",               "LDT_Persoonsid",          core::Mask::all},    // a relation's person id
    {"Adres",                "CDT_Adres",               core::Mask::all},
    {"Huis",                 "CDT_Huis",                core::Mask::all},
    {"Huisnummer",           "LDT_Huisnummer",          core::Mask::all},
    {"Huisletter",           "LDT_Huisletter",          core::Mask::all},
    {"HuisnummerToevoeging", "LDT_HuisnummerToevoeging", core::Mask::all},
    {"Postcode",             "LDT_Postcode",            core::Mask::all},
    {"Straatnaam",           "LDT_Straatnaam",          core::Mask::all},
    {"Plaatsnaam",           "LDT_Plaatsnaam",          core::Mask::all},
    {"Organisatie",          "LDT_Organisatienaam",     core::Mask::all},    // a contact's organisation
    {"Telefoon",             "CDT_Telefoonnummers",     core::Mask::all},
    {"Telefoon01",           "CDT_Telefoon",            core::Mask::all},
    {"Telefoon02",           "CDT_Telefoon",            core::Mask::all},
    {"Telefoonnummer",       "LDT_Telefoonnummer",      core::Mask::all},
    {"Landnummer",           "LDT_Landnummer",          core::Mask::all},
    {"Emailadres",           "LDT_Emailadres",          core::Mask::all},
    {"Commentaar",           "LDT_Commentaar",          core::Mask::all},    // free text: may say anything
}};
// clang-format on

// The mask of a listed element's text; core::Mask::none when `local_name`
// is not listed. (A core::ElementMasks.)
core::Mask personal_mask(std::string_view local_name);

inline bool is_personal(std::string_view local_name) {
  return personal_mask(local_name) != core::Mask::none;
}

}  // namespace sluis::standard
