// Identifiers of the iWmo/iJw exchange: BSN (with the 11-check), AGB code,
// CBS municipality code. Pure value types; parsing returns std::optional so
// callers decide how to report a bad value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluis::core {

// True when s is 9 digits that pass the BSN 11-check (elfproef, CS002):
// 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not all zeros).
bool bsn_elfproef(std::string_view s);

class Bsn {
 public:
  static std::optional<Bsn> parse(std::string_view s);
  const std::string& str() const { return value_; }
  friend bool operator==(const Bsn&, const Bsn&) = default;

 private:
  explicit Bsn(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// 8-digit AGB code of a care provider (RS036).
class AgbCode {
 public:
  static std::optional<AgbCode> parse(std::string_view s);
  const std::string& str() const { return value_; }
  friend auto operator<=>(const AgbCode&, const AgbCode&) = default;

 private:
  explicit AgbCode(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

// 4-digit CBS municipality code (RS035).
class GemeenteCode {
 public:
  static std::optional<GemeenteCode> parse(std::string_view s);
  const std::string& str() const { return value_; }
  friend auto operator<=>(const GemeenteCode&, const GemeenteCode&) = default;

 private:
  explicit GemeenteCode(std::string v) : value_(std::move(v)) {}
  std::string value_;
};

bool all_digits(std::string_view s);

}  // namespace sluis::core
