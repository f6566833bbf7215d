// TLS for the HTTPS listener (OpenSSL 3 through Boost.Asio SSL): TLS 1.2 and
// 1.3 only, forward-secret AEAD ciphers, renegotiation off, a client
// certificate required and verified against the configured CA bundle(s) for
// the clientAuth purpose (extended key usage), and against the CRLs when
// configured. A context is immutable once built; reload builds a new one.
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace sluis::net {

// Throws std::runtime_error naming the file and what is wrong with it.
std::shared_ptr<boost::asio::ssl::context> make_server_context(const config::TlsConfig& cfg);
// Every problem make_server_context would throw for, as texts (check-config).
std::vector<std::string> check_tls(const config::TlsConfig& cfg);

// What sluis knows of a verified client certificate.
struct PeerCertificate {
  std::string spki_sha256;  // lowercase hex SHA-256 of the SubjectPublicKeyInfo
  std::string subject;      // RFC 2253
  std::string issuer;       // RFC 2253
  std::shared_ptr<X509> cert;
};

// The peer's certificate after a successful handshake (empty when none).
PeerCertificate peer_certificate(SSL* ssl);
PeerCertificate describe_certificate(X509* cert);

}  // namespace sluis::net
