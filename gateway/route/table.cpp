#include "gateway/route/table.hpp"

#include <algorithm>

#include "gateway/core/assert.hpp"

namespace sluis::route {

Table::Table(const config::Config& cfg) : partners_(cfg.partners), destinations_(cfg.destinations) {
  routes_.reserve(cfg.routes.size());
  for (const auto& r : cfg.routes) {
    auto law = standard::parse_law(r.law);
    // The configuration reader lets only "", "iwmo" and "ijw" through.
    SLUIS_ASSERT(law || r.law.empty(), "a [[routes]] law is empty, iwmo or ijw");
    routes_.push_back({law, r});
  }
}

const config::Partner* Table::partner(const std::string& id) const {
  for (const auto& p : partners_)
    if (p.id == id) return &p;
  return nullptr;
}

const config::DestinationConfig* Table::destination(const std::string& id) const {
  for (const auto& d : destinations_)
    if (d.id == id) return &d;
  return nullptr;
}

std::optional<Target> Table::mailbox_of(const std::string& partner_id) const {
  const auto* p = partner(partner_id);
  if (!p) return std::nullopt;
  return Target{std::string(kMailboxPrefix) + p->id, config::DestinationKind::mailbox, p};
}

std::optional<Target> Table::to_destination(const std::string& id) const {
  if (id.starts_with(kMailboxPrefix)) return mailbox_of(id.substr(kMailboxPrefix.size()));
  const auto* d = destination(id);
  if (!d) return std::nullopt;
  const auto* p = partner(d->partner);
  if (!p) return std::nullopt;
  return Target{d->id, d->kind, p};
}

std::optional<Target> Table::resolve(standard::Law law, int type, const std::string& receiver_code,
                                     const core::Date& day) const {
  const std::string today = core::format_date(day);
  for (const auto& [rule_law, r] : routes_) {
    if (rule_law && *rule_law != law) continue;
    if (!r.types.empty() && std::find(r.types.begin(), r.types.end(), type) == r.types.end()) continue;
    if (std::find(r.receivers.begin(), r.receivers.end(), receiver_code) == r.receivers.end()) continue;
    if (!r.from.empty() && today < r.from) continue;
    if (!r.until.empty() && today > r.until) continue;
    return to_destination(r.destination);
  }
  for (const auto& p : partners_)
    if (std::find(p.codes.begin(), p.codes.end(), receiver_code) != p.codes.end()) return mailbox_of(p.id);
  return std::nullopt;
}

std::optional<Target> Table::back_to(const std::string& partner_id, standard::Law law, int type,
                                     const std::string& code, const core::Date& day) const {
  auto t = resolve(law, type, code, day);
  if (t && t->partner->id == partner_id) return t;
  return mailbox_of(partner_id);
}

}  // namespace sluis::route
