#include "gateway/net/partners.hpp"

#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace sluis::net {

namespace {
std::shared_ptr<X509> read_pem_cert(const std::filesystem::path& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) throw std::runtime_error("partners: cannot read issuer_ca " + file.string());
  X509* c = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!c) throw std::runtime_error("partners: no PEM certificate in issuer_ca " + file.string());
  return std::shared_ptr<X509>(c, X509_free);
}
}  // namespace

PartnerRegistry::PartnerRegistry(const std::vector<config::Partner>& partners)
    : partners_(partners) {
  for (std::size_t i = 0; i < partners_.size(); ++i) {
    for (const auto& id : partners_[i].certificates) {
      if (!id.spki_sha256.empty()) {
        auto [it, fresh] = by_spki_.emplace(id.spki_sha256, i);
        if (!fresh)
          throw std::runtime_error("partners: certificate " + id.spki_sha256 + " is listed for both " +
                                   partners_[it->second].id + " and " + partners_[i].id);
      } else {
        by_subject_.push_back({id.subject, read_pem_cert(id.issuer_ca), i});
      }
    }
  }
}

const config::Partner* PartnerRegistry::match(const PeerCertificate& cert) const {
  if (!cert.cert) return nullptr;
  if (auto it = by_spki_.find(cert.spki_sha256); it != by_spki_.end()) return &partners_[it->second];
  for (const auto& rule : by_subject_) {
    if (rule.subject != cert.subject) continue;
    EVP_PKEY* key = X509_get0_pubkey(rule.issuer.get());
    if (key && X509_verify(cert.cert.get(), key) == 1) return &partners_[rule.partner];
  }
  return nullptr;
}

const config::Partner* PartnerRegistry::by_id(std::string_view id) const {
  for (const auto& p : partners_)
    if (p.id == id) return &p;
  return nullptr;
}

bool PartnerRegistry::acts_for(const config::Partner& p, std::string_view code) {
  return std::find(p.codes.begin(), p.codes.end(), code) != p.codes.end();
}

const config::Partner* PartnerRegistry::owner_of(std::string_view code) const {
  for (const auto& p : partners_)
    if (acts_for(p, code)) return &p;
  return nullptr;
}

std::vector<std::string> check_partners(const std::vector<config::Partner>& partners) {
  try {
    PartnerRegistry r(partners);
  } catch (const std::exception& e) {
    return {e.what()};
  }
  return {};
}

}  // namespace sluis::net
