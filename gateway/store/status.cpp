// A message's status and who may see it (store.hpp, "a partner's own
// messages"): the one C++ definition; sqlite_portal.cpp selects the same in SQL.
#include <utility>

#include "gateway/store/store.hpp"

namespace sluis::store {

namespace {
constexpr std::pair<Status, std::string_view> kStatusNames[] = {{Status::accepted, "accepted"},
                                                                {Status::rejected, "rejected"},
                                                                {Status::held, "held"},
                                                                {Status::composed, "composed"}};
// The partner id of what sluis composes (intake::kGatewayPartner).
constexpr std::string_view kGateway = "sluis";
}  // namespace

std::string_view to_string(Status s) {
  for (const auto& [st, name] : kStatusNames)
    if (st == s) return name;
  return "?";
}

std::optional<Status> parse_status(std::string_view s) {
  for (const auto& [st, name] : kStatusNames)
    if (name == s) return st;
  return std::nullopt;
}

Status status_of(const StoredMessage& m) {
  if (m.state == State::rejected) return Status::rejected;
  if (m.sender_partner == kGateway) return Status::composed;
  if (m.state == State::held && m.hold_reason == HoldReason::orphan) return Status::held;
  return Status::accepted;
}

bool visible_to(const StoredMessage& m, std::string_view partner) {
  if (partner.empty()) return false;
  if (m.sender_partner == partner) return true;
  return m.receiver_partner == partner && !m.shadow && m.state != State::received &&
         m.state != State::held && m.state != State::rejected;
}

}  // namespace sluis::store
