// The intake's Routing (intake/routing.hpp) answered by the routing table
// (route/table.hpp): the seam that keeps intake and route beside each other.
// Immutable once built, like the table it owns.
#pragma once

#include "gateway/config/config.hpp"
#include "gateway/intake/routing.hpp"
#include "gateway/route/table.hpp"

namespace sluis::app {

class TableRouting final : public intake::Routing {
 public:
  explicit TableRouting(const config::Config& cfg) : table_(cfg) {}

  std::optional<intake::Target> resolve(standard::Law law, int type,
                                        const std::string& receiver_code,
                                        const core::Date& day) const override {
    return target(table_.resolve(law, type, receiver_code, day));
  }
  std::optional<intake::Target> back_to(const std::string& partner_id, standard::Law law,
                                        int type, const std::string& code,
                                        const core::Date& day) const override {
    return target(table_.back_to(partner_id, law, type, code, day));
  }
  const config::Partner* partner(const std::string& id) const override {
    return table_.partner(id);
  }

 private:
  static std::optional<intake::Target> target(const std::optional<route::Target>& t) {
    if (!t) return std::nullopt;
    return intake::Target{t->destination, t->kind, t->partner};
  }

  route::Table table_;
};

}  // namespace sluis::app
