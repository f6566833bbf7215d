// Internal to gateway/rules: the small helpers every rule file's checks use.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <variant>

#include "gateway/core/clock.hpp"
#include "gateway/rules/engine.hpp"

namespace sluis::rules::checks {

// A date for an explanation; "(leeg)" for an absent one.
inline std::string d(const core::Date& x) { return core::format_date(x); }
inline std::string d(const std::optional<core::Date>& x) {
  return x ? core::format_date(*x) : std::string("(leeg)");
}

// The rule tables' short names for their levels.
inline constexpr Level kIn = Level::in_message;
inline constexpr Level kX = Level::cross_message;
inline constexpr Level kExt = Level::external_list;

// An amount in eurocent for an explanation: "€ 1234,56" (Dutch), "€1234.56"
// (English); a negative one "-€ 0,50", "-€0.50".
inline std::string euro_nl(std::int64_t cents) {
  const std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}€ {},{:02}", cents < 0 ? "-" : "", a / 100, a % 100);
}
inline std::string euro_en(std::int64_t cents) {
  const std::int64_t a = cents < 0 ? -cents : cents;
  return fmt::format("{}€{}.{:02}", cents < 0 ? "-" : "", a / 100, a % 100);
}

// The message's body as B, or null for another message.
template <class B>
const B* as(const Context& c) {
  return std::get_if<B>(&c.message.body);
}

// The client of a one-client message (301-317), or null for another message
// or a header-only retour.
template <class B>
auto client(const Context& c) -> const typename decltype(B::Client)::value_type* {
  auto b = as<B>(c);
  return b && b->Client ? &*b->Client : nullptr;
}

}  // namespace sluis::rules::checks
