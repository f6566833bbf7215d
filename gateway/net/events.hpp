// Log events of the network module (catalog: docs/events.md).
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::net::events {

using core::Event;
using core::Level;

inline constexpr Event kListening{"NET_LISTENING", Level::info, "A listener accepts connections."};
inline constexpr Event kTooManyConnections{
    "NET_TOO_MANY_CONNECTIONS", Level::warning,
    "A connection was refused because https.max_connections is reached. Raise the limit or find "
    "the client holding many connections."};
inline constexpr Event kHandshakeFailed{
    "NET_TLS_HANDSHAKE_FAILED", Level::info,
    "A TLS handshake failed: no, expired, revoked or untrusted client certificate, an old TLS "
    "version, or a timeout. The reason field says which."};
inline constexpr Event kUnknownCertificate{
    "NET_UNKNOWN_CERTIFICATE", Level::warning,
    "A client certificate verified but belongs to no configured partner (answered 403). Add it "
    "to the partner's [[partners.certificates]] if it is legitimate."};
inline constexpr Event kNotEnrolled{"NET_PARTNER_NOT_ENROLLED", Level::info,
                                    "A partner with mode not_enrolled connected (answered 403)."};
inline constexpr Event kRateLimited{"NET_RATE_LIMITED", Level::info,
                                    "A partner exceeded its request rate (answered 429)."};
inline constexpr Event kSessionError{"NET_SESSION_ERROR", Level::info,
                                     "An HTTP connection ended with an error (timeout, reset, "
                                     "malformed request)."};
inline constexpr Event kHandlerFailed{"NET_HANDLER_FAILED", Level::err,
                                      "A request handler threw; answered 500. Report it."};
inline constexpr Event kTlsReloaded{"NET_TLS_RELOADED", Level::notice,
                                    "Certificates, CAs and CRLs were reloaded; new connections "
                                    "use them, running ones keep theirs."};

}  // namespace sluis::net::events
