// What the intake asks of routing: where a message goes, and where what goes
// back to a partner goes. The intake declares it and the App implements it
// with route::Table (app/table_routing.hpp), so the intake sits beside route
// and includes nothing of it. Answers on the day given (a Dutch date).
//
// Threading: an implementation is immutable once built; the intake holds it
// as shared_ptr<const Routing> and swaps it whole on reload.
// Ownership: a Target's partner points into the Routing that returned it,
// valid while that lives.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/config/config.hpp"
#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::intake {

struct Target {
  std::string destination;  // destination id
  config::DestinationKind kind = config::DestinationKind::mailbox;
  const config::Partner* partner = nullptr;  // the receiver
};

class Routing {
 public:
  virtual ~Routing() = default;
  // Where a message of `law` and `type` to `receiver_code` goes; nullopt
  // when it routes nowhere (refused at the intake).
  virtual std::optional<Target> resolve(standard::Law law, int type,
                                        const std::string& receiver_code,
                                        const core::Date& day) const = 0;
  // Where a message back to a known partner goes (a retour to the heen's
  // sender, what sluis composes in answer).
  virtual std::optional<Target> back_to(const std::string& partner_id, standard::Law law,
                                        int type, const std::string& code,
                                        const core::Date& day) const = 0;
  // The configured partner by id; null when unknown.
  virtual const config::Partner* partner(const std::string& id) const = 0;
};

}  // namespace sluis::intake
