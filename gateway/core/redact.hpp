// Redaction: personal data (BSN, names, birth dates) never leaves sluis in
// clear through logs, metrics or error texts. Every value that may come from a
// message passes through one of these helpers before it is written anywhere an
// operator can read it.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sluis::core {

// A BSN is shown as a fixed mask "*********": even its last digits narrow a
// person down. Operators search with the keyed hash the store keeps.
std::string mask_bsn(std::string_view bsn);
// "Jansen" -> "J*****"; empty stays empty.
std::string mask_name(std::string_view name);
// "2012-03-04" -> "****-**-**" (a birth date with a postcode identifies).
std::string mask_date(std::string_view date);

// Replaces every run of exactly 9 digits that passes the BSN 11-check with
// "*********". Applied by the logger to every value, as a last line of defence.
std::string scrub(std::string_view text);

// Strips CR, LF and other control characters so that a value from outside
// cannot forge a log line.
std::string strip_controls(std::string_view text);

}  // namespace sluis::core
