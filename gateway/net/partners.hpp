// Partner registry: who is behind a verified client certificate, and which
// codes (AGB, CBS) that partner may act for. Built from config; a reload
// builds a new registry and swaps it (connections keep the snapshot they
// started with).
//
// A certificate matches a partner by the SHA-256 of its SubjectPublicKeyInfo,
// or by its exact subject *and* a signature by the configured issuing CA
// (a subject alone could be issued by any CA in the bundle).
#pragma once

#include <openssl/x509.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/net/tls.hpp"

namespace sluis::net {

class PartnerRegistry {
 public:
  // Throws std::runtime_error when an issuer_ca file cannot be read.
  explicit PartnerRegistry(const std::vector<config::Partner>& partners);

  // nullptr when no partner owns the certificate.
  const config::Partner* match(const PeerCertificate& cert) const;
  const config::Partner* by_id(std::string_view id) const;
  // True when the partner may act for `code` (an AGB or CBS code).
  static bool acts_for(const config::Partner& p, std::string_view code);
  // The partner that owns `code` (the receiver until routing decides).
  const config::Partner* owner_of(std::string_view code) const;
  const std::vector<config::Partner>& all() const { return partners_; }

 private:
  std::vector<config::Partner> partners_;
  std::map<std::string, std::size_t, std::less<>> by_spki_;
  struct SubjectRule {
    std::string subject;
    std::shared_ptr<X509> issuer;
    std::size_t partner;
  };
  std::vector<SubjectRule> by_subject_;
};

std::vector<std::string> check_partners(const std::vector<config::Partner>& partners);

}  // namespace sluis::net
