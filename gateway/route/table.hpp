// The routing table: where a message goes. Routing, not the message header,
// decides the receiver: a rule (config [[routes]]) names the law, message
// types and receiver codes it covers, the destination and the dates it is in
// force; the first rule that matches wins. Without a matching rule a message
// goes to the mailbox of the partner owning the receiver code (an
// intermediary owns the codes of the municipalities it serves). A code that
// routes nowhere is refused at the intake with a finding.
//
// Destinations: "mailbox:<partner>" (every partner has one: the receiver pulls
// over /v1/mailbox), and the configured [[destinations]]: push (HTTPS POST to
// the receiver) or drop (files in a directory).
//
// Threading: immutable once built; shared as shared_ptr<const Table> and
// swapped whole on reload.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::route {

struct Target {
  std::string destination;             // destination id
  config::DestinationKind kind = config::DestinationKind::mailbox;
  const config::Partner* partner = nullptr;  // the receiver (valid while the Table lives)
};

class Table {
 public:
  explicit Table(const config::Config& cfg);

  // Where a message of `law` and `type` to `receiver_code` goes on `day` (a
  // Dutch date); nullopt when it routes nowhere.
  std::optional<Target> resolve(standard::Law law, int type, const std::string& receiver_code,
                                const core::Date& day) const;
  // Where a message back to a known partner goes (a retour to the heen's
  // sender, what sluis composes in answer): the route for its `code` when
  // that leads to the partner, else the partner's mailbox.
  std::optional<Target> back_to(const std::string& partner_id, standard::Law law, int type,
                                const std::string& code, const core::Date& day) const;
  // The partner's own mailbox.
  std::optional<Target> mailbox_of(const std::string& partner_id) const;
  const config::DestinationConfig* destination(const std::string& id) const;
  const config::Partner* partner(const std::string& id) const;

 private:
  std::optional<Target> to_destination(const std::string& id) const;

  std::vector<config::Partner> partners_;
  std::vector<config::DestinationConfig> destinations_;
  // A [[routes]] rule with its law parsed where the table is built (the
  // configuration keeps the text): none, both laws.
  struct Rule {
    std::optional<standard::Law> law;
    config::RouteConfig route;
  };
  std::vector<Rule> routes_;
};

inline constexpr std::string_view kMailboxPrefix = "mailbox:";

}  // namespace sluis::route
