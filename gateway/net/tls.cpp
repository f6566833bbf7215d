#include "gateway/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cstdio>
#include <stdexcept>

#include "gateway/core/digest.hpp"

namespace sluis::net {

namespace ssl = boost::asio::ssl;

namespace {

std::string name_rfc2253(X509_NAME* n) {
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

void load_crls(X509_STORE* store, const std::filesystem::path& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) throw std::runtime_error("https.tls.crl: cannot read " + file.string());
  int count = 0;
  while (X509_CRL* crl = PEM_read_X509_CRL(f, nullptr, nullptr, nullptr)) {
    X509_STORE_add_crl(store, crl);
    X509_CRL_free(crl);
    ++count;
  }
  ERR_clear_error();  // the loop ends on "no start line"
  std::fclose(f);
  if (count == 0) throw std::runtime_error("https.tls.crl: no PEM CRL in " + file.string());
}

}  // namespace

std::shared_ptr<ssl::context> make_server_context(const config::TlsConfig& cfg) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_cipher_list(c, "ECDHE+AESGCM:ECDHE+CHACHA20");
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);

  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cfg.cert.string(), ec);
  if (ec) throw std::runtime_error("https.tls.cert: cannot load " + cfg.cert.string() + ": " + ec.message());
  ctx->use_private_key_file(cfg.key.string(), ssl::context::pem, ec);
  if (ec) throw std::runtime_error("https.tls.key: cannot load " + cfg.key.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(c) != 1)
    throw std::runtime_error("https.tls.key: " + cfg.key.string() + " does not match " + cfg.cert.string());
  if (cfg.ca.empty()) throw std::runtime_error("https.tls.ca: no CA bundle for client certificates");
  // Tell clients which CAs we accept (their certificate must chain to one).
  STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
  for (const auto& ca : cfg.ca) {
    ctx->load_verify_file(ca.string(), ec);
    if (ec) {
      sk_X509_NAME_pop_free(names, X509_NAME_free);
      throw std::runtime_error("https.tls.ca: cannot load " + ca.string() + ": " + ec.message());
    }
    SSL_add_file_cert_subjects_to_stack(names, ca.c_str());
  }
  SSL_CTX_set_client_CA_list(c, names);
  X509_STORE* store = SSL_CTX_get_cert_store(c);
  // Client certificates must carry the clientAuth extended key usage.
  X509_STORE_set_purpose(store, X509_PURPOSE_SSL_CLIENT);
  if (!cfg.crl.empty()) {
    for (const auto& crl : cfg.crl) load_crls(store, crl);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  return ctx;
}

std::vector<std::string> check_tls(const config::TlsConfig& cfg) {
  try {
    make_server_context(cfg);
  } catch (const std::exception& e) {
    return {e.what()};
  }
  return {};
}

PeerCertificate describe_certificate(X509* cert) {
  PeerCertificate p;
  if (!cert) return p;
  X509_up_ref(cert);
  p.cert = std::shared_ptr<X509>(cert, X509_free);
  unsigned char* der = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (len > 0) {
    p.spki_sha256 = core::sha256_hex(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(len)));
    OPENSSL_free(der);
  }
  p.subject = name_rfc2253(X509_get_subject_name(cert));
  p.issuer = name_rfc2253(X509_get_issuer_name(cert));
  return p;
}

PeerCertificate peer_certificate(SSL* ssl) { return describe_certificate(SSL_get0_peer_certificate(ssl)); }

}  // namespace sluis::net
