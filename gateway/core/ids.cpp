#include "gateway/core/ids.hpp"

#include <algorithm>

namespace sluis::core {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool bsn_elfproef(std::string_view s) {
  if (s.size() != 9 || !all_digits(s)) return false;
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (9 - i) * (s[static_cast<size_t>(i)] - '0');
  sum -= s[8] - '0';
  // All zeros passes the arithmetic but is never a valid number.
  return sum % 11 == 0 && s != "000000000";
}

std::optional<Bsn> Bsn::parse(std::string_view s) {
  if (!bsn_elfproef(s)) return std::nullopt;
  return Bsn(std::string(s));
}

std::optional<AgbCode> AgbCode::parse(std::string_view s) {
  if (s.size() != 8 || !all_digits(s)) return std::nullopt;
  return AgbCode(std::string(s));
}

std::optional<GemeenteCode> GemeenteCode::parse(std::string_view s) {
  if (s.size() != 4 || !all_digits(s)) return std::nullopt;
  return GemeenteCode(std::string(s));
}

}  // namespace sluis::core
