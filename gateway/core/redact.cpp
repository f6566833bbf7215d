#include "gateway/core/redact.hpp"

#include "gateway/core/ids.hpp"

namespace sluis::core {

namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::string mask_bsn(std::string_view bsn) {
  (void)bsn;
  return "*********";
}

std::string mask_name(std::string_view name) {
  if (name.empty()) return {};
  std::string out(1, name.front());
  out.append(name.size() - 1, '*');
  return out;
}

std::string mask_date(std::string_view date) {
  return date.empty() ? std::string{} : std::string("****-**-**");
}

std::string scrub(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_digit(text[j])) ++j;
    std::string_view run = text.substr(i, j - i);
    if (run.size() == 9 && bsn_elfproef(run))
      out.append(9, '*');
    else
      out.append(run);
    i = j;
  }
  return out;
}

std::string strip_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  return out;
}

}  // namespace sluis::core
