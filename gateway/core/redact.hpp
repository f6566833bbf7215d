// Redaction: personal data (BSN, names, birth dates) never leaves sluis in
// clear through logs, metrics or error texts. Every value that may come from a
// message passes through one of these helpers before it is written anywhere an
// operator can read it.
//
// Which elements of a message hold personal data is the standard's to say
// (standard/personal_data.hpp, one list); core only knows how to mask
// (Mask) and is told which elements to mask by a function of their local
// name (ElementMasks), so that core needs no knowledge of the standard.
//
// Threading: pure functions, except set_log_element_masks (once, at start-up;
// the classifier it sets is read with an atomic load).
#pragma once

#include <exception>
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

// How a personal value is shown.
enum class Mask {
  none,  // not personal: shown as it is
  bsn,   // mask_bsn
  date,  // mask_date
  name,  // mask_name (first character kept)
  all,   // every character '*' (addresses, contact details, free text)
};
// `text` masked as `m` says; the whitespace around it (the layout) stays.
std::string mask_value(std::string_view text, Mask m);

// The mask of an element's text, by the element's local name (Mask::none
// for an element that holds no personal data).
using ElementMasks = Mask (*)(std::string_view local_name);

// Masks the text of every element `masks` names, in a document or in a
// fragment of one (an error text quoting a body): the innermost named element
// decides; comments are replaced (they may say anything), CDATA is masked
// like text. A lexical scan, not a parser: it never fails, it masks what it
// finds, whatever the input (unbalanced, truncated, not XML at all).
std::string mask_elements(std::string_view xml, ElementMasks masks);

// Replaces every run of exactly 9 digits that passes the BSN 11-check with
// "*********". Applied by the logger to every value, as a last line of defence.
// Once set_log_element_masks has named the personal elements, text that
// looks like XML (holds a '<') is also passed through mask_elements.
std::string scrub(std::string_view text);
// scrub()'s BSN pass alone: for text whose elements are masked already.
std::string scrub_bsns(std::string_view text);
// Whether scrub_bsns would change `text`. Identifiers sluis makes up (message
// ids, the identifications of what it composes) are drawn again while this
// holds: the logger would mask them, and `msg=<id>` would no longer find them.
bool has_bsn_run(std::string_view text);

// Names the personal elements for scrub(); called once at start-up by the
// programs (sluisd's App, sluisctl) with the standard's list
// (standard::personal_mask): core cannot name them itself. nullptr: none.
void set_log_element_masks(ElementMasks masks);

// Strips CR, LF and other control characters so that a value from outside
// cannot forge a log line.
std::string strip_controls(std::string_view text);

// What an escaped exception says, fit for a log line or a stored reason: its
// what() (or "an exception of unknown type" for one not derived from
// std::exception), cut to 200 characters, controls stripped, BSNs scrubbed.
// For the roots of coroutines and handlers, which must see every exception.
std::string describe(std::exception_ptr e);

}  // namespace sluis::core
