#include "gateway/standard/ledger.hpp"

namespace sluis::standard::ledger {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pending: return "pending";
    case Verdict::approved: return "approved";
    case Verdict::rejected: return "rejected";
  }
  return "?";
}

std::optional<Verdict> parse_verdict(std::string_view s) {
  for (auto v : {Verdict::pending, Verdict::approved, Verdict::rejected})
    if (to_string(v) == s) return v;
  return std::nullopt;
}

std::string_view to_string(WarningKind k) {
  return k == WarningKind::budget ? "budget" : "contingent";
}

std::string_view to_string(WarningLevel l) {
  return l == WarningLevel::warning ? "warning" : "exceeded";
}

}  // namespace sluis::standard::ledger
