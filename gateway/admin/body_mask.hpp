// Masking a stored message's body for an operator's eyes (sluisctl
// message-show ID --body): the contents of the elements that carry personal
// data (standard/personal_data.hpp, the one list the validator and the log
// scrubber use too) are masked, the rest of the message (codes, products,
// periods, amounts) stays readable:
//
//   Bsn                                      "*********" (core::mask_bsn)
//   Geboortedatum, Datum                     "****-**-**" (core::mask_date)
//   Naam, Geslachtsnaam, Partnernaam,
//   Achternaam, Voorvoegsel, Voornamen,
//   Voorletters                              first letter kept (core::mask_name)
//   DatumGebruik, Nummer, Adres and its
//   parts, Organisatie, Telefoon and its
//   parts, Emailadres, Commentaar            every character "*"
//
// An element inside a listed one is masked as the innermost listed element
// says. Comments are replaced (they may say anything), and core::scrub runs
// over the result as a last line of defence (any 9-digit run passing the
// 11-check). A lexical scan (core::mask_elements), not a parser: the body was
// schema-valid when it was stored (rejected ones may not be; the scan never
// fails, it masks what it finds).
//
// Threading: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace sluis::admin {

std::string mask_body(std::string_view xml);

}  // namespace sluis::admin
