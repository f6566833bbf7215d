// Where a message goes, by kind: a partner's mailbox (delivery by pull), a
// push to its HTTPS endpoint, or a file in its drop directory. One closed set
// for the configuration's [[destinations]], routing and the stored message
// (store::NewMessage::delivery); text only at the edges (TOML, SQL, JSON).
//
// Threading: constants and pure functions.
#pragma once

#include <optional>
#include <string_view>

namespace sluis::config {

enum class DestinationKind { mailbox, push, drop };
// "mailbox", "push", "drop".
std::string_view to_string(DestinationKind k);
// The kind a text names; nullopt for any other text.
std::optional<DestinationKind> parse_destination_kind(std::string_view s);

}  // namespace sluis::config
