// What a receiver said, made fit for last_error and the log. A push
// receiver's error answer is text from outside: it may echo the message it
// refused, with the client's BSN and name in it. Before it goes anywhere
// (the store's last_error, the audit, DELIVERY_* log lines, message-show) it
// passes through receiver_text():
//
//   1. BSNs masked ("*********"): every number of BSN shape, 9 digits (or 8, a
//      BSN whose leading zero was dropped) written together or in groups
//      separated by single spaces, dots or hyphens ("123 456 782",
//      "123.45.67.82"), that passes the 11-check; then core::scrub as the
//      last line of defence;
//   2. echoes masked (core::mask_name, "J*****"): every word of two or more
//      letters that occurs as a word without digits in the text of the
//      message sent (names, street names, comments; codes and numbers have
//      digits and stay readable), compared without regard to case;
//   3. printable ASCII only: every run of other bytes (control characters,
//      non-ASCII, broken UTF-8) becomes one '?', white space is collapsed;
//   4. at most kMaxReceiverText characters (after masking, so a cut never
//      leaves part of a number unmasked), "..." marking a cut.
//
// Threading: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sluis::route {

inline constexpr std::size_t kMaxReceiverText = 200;

// `answer`: the receiver's body; `sent`: the message body that was sent.
std::string receiver_text(std::string_view answer, std::string_view sent);

}  // namespace sluis::route
