// The retourcode list of 3.2 (code list WJ001, LDT_RetourCode): each code
// with the standard's Dutch text, an English rendering and the rules that
// yield it. `sluisctl explain CODE` and GET /v1/retourcodes/{code} show it
// together with the rule registry's explanations (rules/explain.hpp).
//
// Threading: immutable static data.
#pragma once

#include <span>
#include <string_view>

namespace sluis::standard {

struct Retourcode {
  std::string_view code;     // "9056"
  std::string_view text_nl;  // the standard's text
  std::string_view text_en;  // the same in English
  std::string_view rules;    // the rules of the 3.2 list that give this code ("TR056")
};

std::span<const Retourcode> retourcodes();
const Retourcode* find_retourcode(std::string_view code);

}  // namespace sluis::standard
