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
    "the client holding many connections. Logged at most once a minute: left_out= counts the "
    "refusals since the previous line (sluis_http_connections_refused_total counts them all)."};
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
inline constexpr Event kMonitoringOnly{"NET_MONITORING_ONLY", Level::info,
                                       "A partner with role monitoring asked for something else than GET "
                                       "/metrics (answered 403)."};
inline constexpr Event kNotMonitoring{"NET_METRICS_NOT_MONITORING", Level::info,
                                      "A partner without role monitoring asked for /metrics (answered 403)."};
inline constexpr Event kRateLimited{"NET_RATE_LIMITED", Level::info,
                                    "A partner exceeded its request rate (answered 429). Logged at most once a "
                                    "minute per partner: left_out= counts the refusals since its previous line "
                                    "(sluis_http_rate_limited_total counts them all)."};
inline constexpr Event kSessionError{"NET_SESSION_ERROR", Level::info,
                                     "An HTTP connection ended with an error (timeout, reset, "
                                     "malformed request)."};
inline constexpr Event kHandlerFailed{"NET_HANDLER_FAILED", Level::err,
                                      "A request handler threw; answered 500. Report it."};
inline constexpr Event kTlsReloaded{"NET_TLS_RELOADED", Level::notice,
                                    "Certificates, CAs, CRLs and partners were reloaded; new "
                                    "connections use them, and open connections are checked "
                                    "against them at their next request."};
inline constexpr Event kTooManyFromAddress{
    "NET_TOO_MANY_FROM_ADDRESS", Level::warning,
    "A connection was refused because its address already holds "
    "https.max_connections_per_address connections. Raise the limit when many partners share "
    "one address (a hosting party), else find the client. Logged at most once a minute per "
    "address: left_out= counts that address's refusals since its previous line "
    "(sluis_http_connections_refused_per_address_total counts them all)."};
inline constexpr Event kAcceptPaused{
    "NET_ACCEPT_PAUSED", Level::err,
    "The listener ran out of file descriptors (EMFILE/ENFILE) and pauses accepting for up to "
    "1 s at a time until one is free; waiting clients stay in the backlog. Raise LimitNOFILE, "
    "lower https.max_connections, or look for a descriptor leak."};
inline constexpr Event kAcceptResumed{"NET_ACCEPT_RESUMED", Level::notice,
                                      "The listener accepts again after running out of file "
                                      "descriptors; paused= says how often it waited."};
inline constexpr Event kCertificateRejected{
    "NET_CERTIFICATE_REJECTED", Level::warning,
    "An open connection's client certificate no longer verifies against the CAs and CRLs in "
    "force (revoked or expired since the connection began); answered 403 and closed."};
inline constexpr Event kNoCrl{
    "NET_TLS_NO_CRL", Level::warning,
    "No CRL is configured (https.tls.crl): a revoked partner certificate is accepted until it "
    "expires. Configure the CRL of each CA in https.tls.ca."};
inline constexpr Event kCrlExpiring{
    "NET_TLS_CRL_EXPIRING", Level::warning,
    "A CRL's nextUpdate is less than a day away (file=, next_update=). Install the CA's new CRL "
    "and reload; after next_update every handshake of that CA's certificates fails."};
inline constexpr Event kCrlExpired{
    "NET_TLS_CRL_EXPIRED", Level::err,
    "A CRL's nextUpdate has passed: every certificate of its CA is refused in the handshake "
    "(fail closed, 'CRL has expired'). Install the CA's new CRL and reload (SIGHUP or sluisctl "
    "config-reload)."};

}  // namespace sluis::net::events
