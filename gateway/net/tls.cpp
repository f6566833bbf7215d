#include "gateway/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/net/events.hpp"

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

// The session id context: any fixed bytes that name this service. OpenSSL
// refuses to resume (with internal_error) a session of a context without one
// when peers are verified; we resume nothing, but a client that offers a
// session must still get a full handshake.
constexpr unsigned char kSessionIdContext[] = "sluis-https";

std::string metric_label(const std::filesystem::path& p) {
  std::string s = p.string();
  for (char& c : s)
    if (c == '"' || c == '\\' || c == '\n') c = '_';
  return s;
}

std::string iso_utc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::shared_ptr<ssl::context> make_policy_context(TlsRole role) {
  auto ctx = std::make_shared<ssl::context>(role == TlsRole::server ? ssl::context::tls_server
                                                                    : ssl::context::tls_client);
  SSL_CTX* c = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(c, kTlsMinVersion) != 1 ||
      SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(c, kTls13Ciphersuites) != 1 ||
      SSL_CTX_set1_groups_list(c, kTlsGroups) != 1) {
    ERR_clear_error();
    throw std::runtime_error(
        "the TLS library refuses sluis's TLS policy (versions, ciphers, groups)");
  }
  SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  // No resumption (see tls.hpp): no tickets in TLS 1.2 or 1.3, no cache; a
  // session offered by a client is not found and a full handshake follows.
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);
  X509_STORE* store = SSL_CTX_get_cert_store(c);
  if (role == TlsRole::server) {
    SSL_CTX_set_options(c, SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Client certificates must carry the clientAuth extended key usage.
    X509_STORE_set_purpose(store, X509_PURPOSE_SSL_CLIENT);
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else {
    // The receiver's certificate must be fit for a server (serverAuth).
    X509_STORE_set_purpose(store, X509_PURPOSE_SSL_SERVER);
    ctx->set_verify_mode(ssl::verify_peer);
  }
  return ctx;
}

std::shared_ptr<ssl::context> make_server_context(const config::TlsConfig& cfg) {
  auto ctx = make_policy_context(TlsRole::server);
  SSL_CTX* c = ctx->native_handle();
  SSL_CTX_set_session_id_context(c, kSessionIdContext, sizeof kSessionIdContext - 1);

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
  if (!cfg.crl.empty()) {
    for (const auto& crl : cfg.crl) load_crls(store, crl);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  return ctx;
}

core::Result<std::shared_ptr<ssl::context>> make_client_context(const std::filesystem::path& ca,
                                                                const std::filesystem::path& cert,
                                                                const std::filesystem::path& key) {
  auto ctx = make_policy_context(TlsRole::client);
  boost::system::error_code ec;
  ctx->load_verify_file(ca.string(), ec);
  if (ec)
    return core::make_error(core::Errc::net_ca,
                            "cannot load the pinned CA " + ca.string() + ": " + ec.message());
  ctx->use_certificate_chain_file(cert.string(), ec);
  if (ec)
    return core::make_error(core::Errc::net_client_cert, "cannot load the client certificate " +
                                                             cert.string() + ": " + ec.message());
  ctx->use_private_key_file(key.string(), ssl::context::pem, ec);
  if (ec)
    return core::make_error(core::Errc::net_client_key,
                            "cannot load the client key " + key.string() + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    ERR_clear_error();
    return core::make_error(core::Errc::net_client_key,
                            "the client key " + key.string() + " does not match " + cert.string());
  }
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

PeerCertificate peer_certificate(SSL* ssl) {
  PeerCertificate p = describe_certificate(SSL_get0_peer_certificate(ssl));
  // On the server side the stack holds what the client sent after its own certificate.
  if (STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl))
    if (STACK_OF(X509)* copy = X509_chain_up_ref(sent))
      p.chain = std::shared_ptr<STACK_OF(X509)>(copy, [](STACK_OF(X509)* s) { sk_X509_pop_free(s, X509_free); });
  return p;
}

long verify_again(SSL_CTX* ctx, const PeerCertificate& peer) {
  if (!peer.cert) return X509_V_ERR_UNSPECIFIED;
  X509_STORE_CTX* sc = X509_STORE_CTX_new();
  if (!sc) return X509_V_ERR_OUT_OF_MEM;
  long result = X509_V_ERR_UNSPECIFIED;
  // The store carries the CAs, the CRLs, the CRL flags and the purpose; the
  // "ssl_client" defaults are what OpenSSL uses for a client certificate in a handshake.
  if (X509_STORE_CTX_init(sc, SSL_CTX_get_cert_store(ctx), peer.cert.get(), peer.chain.get()) == 1 &&
      X509_STORE_CTX_set_default(sc, "ssl_client") == 1)
    result = X509_verify_cert(sc) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(sc);
  X509_STORE_CTX_free(sc);
  ERR_clear_error();
  return result;
}

std::vector<CrlInfo> crl_info(const config::TlsConfig& cfg) {
  std::vector<CrlInfo> out;
  for (const auto& file : cfg.crl) {
    CrlInfo info{file, {}, {}};
    FILE* f = std::fopen(file.c_str(), "r");
    if (!f) {
      info.error = "cannot read " + file.string();
      out.push_back(std::move(info));
      continue;
    }
    bool any = false;
    while (X509_CRL* crl = PEM_read_X509_CRL(f, nullptr, nullptr, nullptr)) {
      std::tm tm{};
      const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl);
      if (next && ASN1_TIME_to_tm(next, &tm) == 1) {
        auto t = std::chrono::system_clock::from_time_t(timegm(&tm));
        if (!any || t < info.next_update) info.next_update = t;
        any = true;
      }
      X509_CRL_free(crl);
    }
    ERR_clear_error();
    std::fclose(f);
    if (!any) info.error = "no CRL with a nextUpdate in " + file.string();
    out.push_back(std::move(info));
  }
  return out;
}

std::chrono::system_clock::time_point check_crls(const std::vector<CrlInfo>& crls,
                                                 std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  constexpr auto kWarnBefore = hours(24);
  auto next = system_clock::time_point::max();
  for (const auto& c : crls) {
    if (!c.error.empty()) continue;
    core::gauge("sluis_tls_crl_next_update_seconds",
                "When a configured CRL's nextUpdate passes (Unix seconds); after it every handshake "
                "of that CA fails.",
                "file=\"" + metric_label(c.file) + "\"")
        .set(duration_cast<seconds>(c.next_update.time_since_epoch()).count());
    if (c.next_update <= now) {
      core::log(events::kCrlExpired, {{"file", c.file.string()}, {"next_update", iso_utc(c.next_update)}});
    } else if (c.next_update - kWarnBefore <= now) {
      core::log(events::kCrlExpiring, {{"file", c.file.string()}, {"next_update", iso_utc(c.next_update)}});
      next = std::min(next, c.next_update);
    } else {
      next = std::min(next, c.next_update - kWarnBefore);
    }
  }
  return next;
}

std::optional<std::chrono::system_clock::time_point> not_after(X509* cert) {
  if (!cert) return std::nullopt;
  std::tm tm{};
  const ASN1_TIME* t = X509_get0_notAfter(cert);
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::vector<std::chrono::system_clock::time_point> not_afters(const std::filesystem::path& file) {
  std::vector<std::chrono::system_clock::time_point> out;
  FILE* f = std::fopen(file.c_str(), "r");
  if (!f) return out;
  while (X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr)) {
    if (auto t = not_after(cert)) out.push_back(*t);
    X509_free(cert);
  }
  ERR_clear_error();  // the end of the file reads as an error
  std::fclose(f);
  return out;
}

std::optional<std::chrono::system_clock::time_point> earliest_not_after(const std::filesystem::path& file) {
  const auto all = not_afters(file);
  if (all.empty()) return std::nullopt;
  return *std::min_element(all.begin(), all.end());
}

namespace {

void report_expiry(const std::filesystem::path& file, std::string_view kind) {
  if (file.empty()) return;
  auto t = earliest_not_after(file);
  if (!t) return;
  core::gauge("sluis_tls_certificate_expiry_seconds",
              "When a configured certificate file's earliest notAfter passes (Unix seconds), by file and kind "
              "(server, ca, partner_ca, push_ca, client).",
              "file=\"" + metric_label(file) + "\",kind=\"" + std::string(kind) + "\"")
      .set(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count());
}

}  // namespace

void report_destination_certificate_expiry(const std::vector<config::DestinationConfig>& destinations) {
  for (const auto& d : destinations) {
    if (d.kind != config::DestinationKind::push) continue;
    report_expiry(d.ca, "push_ca");
    report_expiry(d.client_cert, "client");
  }
}

void report_certificate_expiry(const config::TlsConfig& cfg, const std::vector<config::Partner>& partners) {
  auto report = report_expiry;
  report(cfg.cert, "server");
  for (const auto& ca : cfg.ca) report(ca, "ca");
  for (const auto& p : partners)
    for (const auto& c : p.certificates) report(c.issuer_ca, "partner_ca");
}

}  // namespace sluis::net
