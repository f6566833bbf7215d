// Test support: a self-signed P-256 certificate for "localhost" made in
// memory with OpenSSL and written to a fresh directory, with the server and
// client contexts sluis makes from it (net::make_server_context,
// make_client_context). For tests of the TLS policy and the listener's TLS
// stream, which need a PKI but no files from the tree.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/asio/ssl.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "gateway/net/tls.hpp"

namespace sluis::test {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

// A self-signed P-256 certificate for "localhost", fit for both purposes (no
// extended key usage), its own CA; written to a fresh directory.
struct SelfSignedPki {
  fs::path dir;
  fs::path cert, key;
  explicit SelfSignedPki(const std::string& tag)
      : dir(fs::temp_directory_path() / ("sluis-" + tag + "-" + std::to_string(::getpid()))),
        cert(dir / "self.pem"),
        key(dir / "self.key") {
    fs::create_directories(dir);
    EVP_PKEY* pkey = EVP_EC_gen("P-256");
    BOOST_REQUIRE(pkey);
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pkey);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                              std::pair{NID_subject_alt_name, "DNS:localhost"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      BOOST_REQUIRE(ext);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    BOOST_REQUIRE(X509_sign(x, pkey, EVP_sha256()) > 0);
    FILE* f = std::fopen(cert.c_str(), "w");
    PEM_write_X509(f, x);
    std::fclose(f);
    f = std::fopen(key.c_str(), "w");
    PEM_write_PrivateKey(f, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(x);
    EVP_PKEY_free(pkey);
  }
  ~SelfSignedPki() { fs::remove_all(dir); }

  std::shared_ptr<ssl::context> server() const {
    config::TlsConfig cfg;
    cfg.cert = cert;
    cfg.key = key;
    cfg.ca = {cert};
    return net::make_server_context(cfg);
  }
  std::shared_ptr<ssl::context> client() const {
    auto c = net::make_client_context(cert, cert, key);
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c ? "" : c.error().text));
    return *c;
  }
};

}  // namespace sluis::test
