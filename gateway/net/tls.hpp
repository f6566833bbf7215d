// TLS for sluis (OpenSSL 3 through Boost.Asio SSL): the one TLS policy, the
// HTTPS listener's context and push's client context (https_client.hpp).
//
// The policy (make_policy_context; both contexts are built on it, so the
// listener and the client cannot drift apart):
//   - TLS 1.2 and 1.3 only (kTlsMinVersion): nothing older offered or accepted;
//   - TLS 1.2: ECDHE key exchange with AES-GCM or ChaCha20-Poly1305 only
//     (kTls12Ciphers: forward secret, AEAD); TLS 1.3: its AEAD suites
//     (kTls13Ciphersuites); key exchange groups kTlsGroups;
//   - no renegotiation, no compression, no session tickets, no session cache;
//   - the peer's certificate is verified: the listener requires one, for the
//     clientAuth purpose (extended key usage); the client checks the
//     receiver's for the serverAuth purpose, and its host name per connection.
//
// The listener (make_server_context): a client certificate verified against
// the configured CA bundle(s), and against the CRLs when configured. A context
// is immutable once built; reload builds a new one.
//
// Resumption is declined: no session tickets (TLS 1.2 and 1.3), no session
// cache, so every connection is a full handshake, verified against the CAs
// and CRLs in force and mapped to the partner registry in force. A client that
// offers a session (id or ticket) gets a full handshake, not an error: the
// context has a session id context, without which OpenSSL fails such a
// handshake with internal_error when it verifies peers.
//
// CRLs: when a CRL's nextUpdate has passed, OpenSSL refuses every certificate
// of its CA (X509_V_ERR_CRL_HAS_EXPIRED): sluis fails closed. crl_info() reads
// the next updates for the metric and the warnings (check_crls()).
//
// Threading: building a context is a pure function of its files; a built
// context is shared read-only by the connections that use it.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/result.hpp"

namespace sluis::net {

// The policy's constants (see above), for the listener and the client alike.
inline constexpr int kTlsMinVersion = TLS1_2_VERSION;
inline constexpr const char* kTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20";
inline constexpr const char* kTls13Ciphersuites =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";
inline constexpr const char* kTlsGroups = "X25519:P-256:P-384";

enum class TlsRole { server, client };

// A context with the policy applied and no certificate loaded yet. Throws
// std::runtime_error when OpenSSL refuses a setting of the policy.
std::shared_ptr<boost::asio::ssl::context> make_policy_context(TlsRole role);

// Throws std::runtime_error naming the file and what is wrong with it.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const config::TlsConfig& cfg);
// Every problem make_server_context would throw for, as texts (check-config).
std::vector<std::string> check_tls(const config::TlsConfig& cfg);

// A client context (push): the policy, the CA the peer must chain to (pinned:
// nothing else is trusted) and sluis's own certificate and key. An error names
// the file; its code is net.ca, net.client_cert or net.client_key.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_context(
    const std::filesystem::path& ca, const std::filesystem::path& cert,
    const std::filesystem::path& key);

// What sluis knows of a verified client certificate.
struct PeerCertificate {
  std::string spki_sha256;  // lowercase hex SHA-256 of the SubjectPublicKeyInfo
  std::string subject;      // RFC 2253
  std::string issuer;       // RFC 2253
  std::shared_ptr<X509> cert;
  // The intermediate certificates the peer sent (may be null or empty).
  std::shared_ptr<STACK_OF(X509)> chain;
};

// The peer's certificate after a successful handshake (empty when none).
PeerCertificate peer_certificate(SSL* ssl);
PeerCertificate describe_certificate(X509* cert);

// Verifies a peer certificate (with the chain it sent) again, now, against the
// CAs and CRLs of `ctx`, for the clientAuth purpose: X509_V_OK or the error.
// A connection that began before a reload is re-checked with the new context.
long verify_again(SSL_CTX* ctx, const PeerCertificate& peer);

// One CRL file and the earliest nextUpdate of the CRLs in it.
struct CrlInfo {
  std::filesystem::path file;
  std::chrono::system_clock::time_point next_update;  // epoch when the file has none / is unreadable
  std::string error;                                  // why it could not be read
};
std::vector<CrlInfo> crl_info(const config::TlsConfig& cfg);

// Sets gauge sluis_tls_crl_next_update_seconds{file=...} for each CRL and logs
// NET_TLS_CRL_EXPIRING (less than a day left) or NET_TLS_CRL_EXPIRED (passed).
// Returns when the next of those thresholds is reached (for a timer), or
// time_point::max() when there is none.
std::chrono::system_clock::time_point check_crls(const std::vector<CrlInfo>& crls,
                                                 std::chrono::system_clock::time_point now);

// Certificate expiry (docs/metrics.md): the notAfter of a certificate, and
// the earliest notAfter of the certificates in a PEM file (nullopt when none
// can be read).
std::optional<std::chrono::system_clock::time_point> not_after(X509* cert);
std::optional<std::chrono::system_clock::time_point> earliest_not_after(const std::filesystem::path& file);
// The notAfter of every certificate in a PEM file, in file order (empty when
// the file cannot be read or holds none; the watches tell the two apart).
std::vector<std::chrono::system_clock::time_point> not_afters(const std::filesystem::path& file);
// Sets gauge sluis_tls_certificate_expiry_seconds{file,kind} (Unix seconds of
// the earliest notAfter in the file): the listener's certificate chain (kind
// "server"), its CA bundles ("ca") and the partners' issuer_ca files
// ("partner_ca"). An unreadable file is left out (check-config names it).
void report_certificate_expiry(const config::TlsConfig& cfg, const std::vector<config::Partner>& partners);
// The same for push destinations: the CA pinned for the receiver ("push_ca")
// and sluis's own client certificate when a destination sets one ("client").
void report_destination_certificate_expiry(const std::vector<config::DestinationConfig>& destinations);

}  // namespace sluis::net
