#include "gateway/store/state.hpp"

#include <chrono>
#include <cstdio>
#include <utility>

#include "gateway/core/digest.hpp"
#include "gateway/core/redact.hpp"

namespace sluis::store {

namespace {
constexpr std::pair<State, std::string_view> kStateNames[] = {{State::received, "received"},
                                                              {State::queued, "queued"},
                                                              {State::delivering, "delivering"},
                                                              {State::delivered, "delivered"},
                                                              {State::acknowledged, "acknowledged"},
                                                              {State::deferred, "deferred"},
                                                              {State::held, "held"},
                                                              {State::dead, "dead"},
                                                              {State::rejected, "rejected"}};
}  // namespace

std::string_view to_string(State s) {
  for (const auto& [st, name] : kStateNames)
    if (st == s) return name;
  return "?";
}

std::optional<State> parse_state(std::string_view s) {
  for (const auto& [st, name] : kStateNames)
    if (name == s) return st;
  return std::nullopt;
}

namespace {

constexpr std::pair<HoldReason, std::string_view> kHoldNames[] = {
    {HoldReason::none, ""},
    {HoldReason::sender_shadow, "sender_shadow"},
    {HoldReason::receiver_shadow, "receiver_shadow"},
    {HoldReason::receiver_not_live, "receiver_not_live"},
    {HoldReason::orphan, "orphan"},
    {HoldReason::by_operator, "operator"},
};

}  // namespace

std::string_view to_string(HoldReason r) {
  for (const auto& [h, name] : kHoldNames)
    if (h == r) return name;
  return "";
}

std::optional<HoldReason> parse_hold_reason(std::string_view s) {
  for (const auto& [h, name] : kHoldNames)
    if (name == s) return h;
  return std::nullopt;
}

bool transition_allowed(State from, State to) {
  using S = State;
  switch (from) {
    case S::received:
      return to == S::queued || to == S::held || to == S::dead;
    case S::queued:
      return to == S::delivering || to == S::delivered || to == S::held || to == S::dead;
    case S::delivering:
      return to == S::delivered || to == S::acknowledged || to == S::deferred || to == S::dead ||
             to == S::queued;
    case S::delivered:
      return to == S::acknowledged;
    case S::deferred:
      return to == S::delivering || to == S::held || to == S::dead || to == S::queued;
    case S::held:
      return to == S::queued || to == S::dead;
    case S::dead:
      return to == S::queued;  // operator requeue
    case S::acknowledged:
    case S::rejected:
      return false;
  }
  return false;
}

std::string new_message_id() {
  // Time first: ids made in the same moment sort together, so the indexes on
  // message ids (messages.id, the audit's, the obligations') take each batch's
  // new entries on the same few pages instead of one random page per entry.
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  // An id is logged as msg=<id>, and the logger masks every 9-digit run that
  // passes the 11-check (about 1 id in 300 has one): such an id is drawn
  // again. Should the time digits alone hold one, the next millisecond's do not
  // for long, so the loop ends.
  for (auto tick = static_cast<unsigned long long>(ms.count());; ++tick) {
    char stamp[16];
    std::snprintf(stamp, sizeof stamp, "%011llx", tick & 0xfffffffffffULL);
    for (int draw = 0; draw < 4; ++draw) {
      std::string id = "m" + std::string(stamp) + core::random_hex(6);
      if (!core::has_bsn_run(id)) return id;
    }
  }
}

}  // namespace sluis::store
