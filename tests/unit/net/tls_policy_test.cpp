// One TLS policy for the listener and push's client (net/tls.hpp): both
// contexts, built the way sluisd builds them, carry the same versions,
// ciphers and options; in handshakes (in memory, no network) each refuses a
// peer that only speaks TLS 1.1 or only offers a TLS 1.2 cipher without AEAD,
// and each completes a handshake with the other. The certificate is made here.
#define BOOST_TEST_MODULE net_tls_policy
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "gateway/net/tls.hpp"
#include "tests/support/self_signed_pki.hpp"

using namespace sluis;
namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

namespace {

// The certificate and contexts of a self-signed "localhost" (tests/support).
struct Pki : test::SelfSignedPki {
  Pki() : SelfSignedPki("tls-policy") {}
};

// A peer outside the policy: OpenSSL's defaults, security level 0 so that
// it may speak TLS 1.1 at all, then narrowed by the test.
SSL_CTX* loose_peer(bool server, const Pki& pki) {
  SSL_CTX* c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  SSL_CTX_set_security_level(c, 0);
  SSL_CTX_set_min_proto_version(c, TLS1_VERSION);
  SSL_CTX_use_certificate_file(c, pki.cert.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_use_PrivateKey_file(c, pki.key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(c, pki.cert.c_str(), nullptr);
  return c;
}

struct Outcome {
  bool ok = false;
  std::string version;  // of the client's side
  std::string cipher;
};

// Runs a handshake between a client and a server SSL_CTX over a memory BIO pair.
Outcome handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  SSL* c = SSL_new(client_ctx);
  SSL* s = SSL_new(server_ctx);
  BIO *cb = nullptr, *sb = nullptr;
  BIO_new_bio_pair(&cb, 0, &sb, 0);
  SSL_set_bio(c, cb, cb);
  SSL_set_bio(s, sb, sb);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  bool c_done = false, s_done = false, failed = false;
  for (int round = 0; round < 50 && !failed && !(c_done && s_done); ++round) {
    for (auto [ssl, done] : {std::pair{c, &c_done}, std::pair{s, &s_done}}) {
      if (*done) continue;
      int r = SSL_do_handshake(ssl);
      if (r == 1)
        *done = true;
      else if (int e = SSL_get_error(ssl, r); e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        failed = true;
    }
  }
  Outcome o{!failed && c_done && s_done, SSL_get_version(c), ""};
  if (const SSL_CIPHER* ci = SSL_get_current_cipher(c)) o.cipher = SSL_CIPHER_get_name(ci);
  SSL_free(c);
  SSL_free(s);
  ERR_clear_error();
  return o;
}

std::set<std::string> cipher_names(SSL_CTX* c) {
  std::set<std::string> names;
  STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(c);
  for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i)
    names.insert(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(list, i)));
  return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(listener_and_client_carry_the_same_policy) {
  Pki pki;
  auto server = pki.server();
  auto client = pki.client();
  for (SSL_CTX* c : {server->native_handle(), client->native_handle()}) {
    BOOST_TEST(SSL_CTX_get_min_proto_version(c) == net::kTlsMinVersion);
    BOOST_TEST(net::kTlsMinVersion == TLS1_2_VERSION);
    const auto opts = SSL_CTX_get_options(c);
    BOOST_TEST((opts & SSL_OP_NO_RENEGOTIATION) != 0u);
    BOOST_TEST((opts & SSL_OP_NO_COMPRESSION) != 0u);
    BOOST_TEST((opts & SSL_OP_NO_TICKET) != 0u);
    BOOST_TEST((SSL_CTX_get_verify_mode(c) & SSL_VERIFY_PEER) != 0);
  }
  const auto names = cipher_names(server->native_handle());
  BOOST_TEST(names == cipher_names(client->native_handle()));
  for (const auto& n : names)  // TLS 1.3 suites, or ECDHE with an AEAD
    BOOST_TEST((n.starts_with("TLS_") ||
                (n.starts_with("ECDHE-") &&
                 (n.find("GCM") != std::string::npos || n.find("CHACHA20") != std::string::npos))),
               n);
  // The listener insists on a client certificate; the client verifies the receiver's.
  BOOST_TEST((SSL_CTX_get_verify_mode(server->native_handle()) & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) !=
             0);
}

BOOST_AUTO_TEST_CASE(listener_and_client_complete_a_handshake_with_each_other) {
  Pki pki;
  auto server = pki.server();
  auto client = pki.client();
  auto o = handshake(client->native_handle(), server->native_handle());
  BOOST_TEST(o.ok);
  BOOST_TEST(o.version == "TLSv1.3");
  // TLS 1.2 when the other side goes no higher: an ECDHE AEAD cipher.
  SSL_CTX* old = loose_peer(true, pki);
  SSL_CTX_set_max_proto_version(old, TLS1_2_VERSION);
  o = handshake(client->native_handle(), old);
  BOOST_TEST(o.ok);
  BOOST_TEST(o.version == "TLSv1.2");
  BOOST_TEST(o.cipher.starts_with("ECDHE-"), o.cipher);
  SSL_CTX_free(old);
}

BOOST_AUTO_TEST_CASE(both_refuse_tls_1_1) {
  Pki pki;
  auto server = pki.server();
  auto client = pki.client();
  // The loose peer speaks TLS 1.1 with either side of the policy removed ...
  SSL_CTX* peer_server = loose_peer(true, pki);
  SSL_CTX* peer_client = loose_peer(false, pki);
  SSL_CTX_set_cipher_list(peer_server, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_cipher_list(peer_client, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_max_proto_version(peer_server, TLS1_1_VERSION);
  SSL_CTX_set_max_proto_version(peer_client, TLS1_1_VERSION);
  SSL_CTX_set_verify(peer_client, SSL_VERIFY_NONE, nullptr);
  auto control = handshake(peer_client, peer_server);
  BOOST_TEST_REQUIRE(control.ok);
  BOOST_TEST(control.version == "TLSv1.1");
  // ... and sluis's listener and client each refuse it.
  BOOST_TEST(!handshake(peer_client, server->native_handle()).ok);
  BOOST_TEST(!handshake(client->native_handle(), peer_server).ok);
  SSL_CTX_free(peer_server);
  SSL_CTX_free(peer_client);
}

BOOST_AUTO_TEST_CASE(both_refuse_a_tls_1_2_cipher_without_aead) {
  Pki pki;
  auto server = pki.server();
  auto client = pki.client();
  // A peer that offers only ECDHE with AES-CBC and SHA-1 MACs (no AEAD).
  SSL_CTX* peer_server = loose_peer(true, pki);
  SSL_CTX* peer_client = loose_peer(false, pki);
  for (SSL_CTX* p : {peer_server, peer_client}) {
    SSL_CTX_set_max_proto_version(p, TLS1_2_VERSION);
    BOOST_REQUIRE(SSL_CTX_set_cipher_list(p, "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0") == 1);
  }
  SSL_CTX_set_verify(peer_client, SSL_VERIFY_NONE, nullptr);
  auto control = handshake(peer_client, peer_server);
  BOOST_TEST_REQUIRE(control.ok);
  BOOST_TEST(control.cipher == "ECDHE-ECDSA-AES128-SHA");
  BOOST_TEST(!handshake(peer_client, server->native_handle()).ok);
  BOOST_TEST(!handshake(client->native_handle(), peer_server).ok);
  SSL_CTX_free(peer_server);
  SSL_CTX_free(peer_client);
}

BOOST_AUTO_TEST_CASE(a_client_context_error_names_the_file_and_its_role) {
  Pki pki;
  auto missing = pki.dir / "missing.pem";
  auto ca = net::make_client_context(missing, pki.cert, pki.key);
  BOOST_TEST_REQUIRE(!ca.has_value());
  BOOST_TEST(ca.error().code == core::Errc::net_ca);
  BOOST_TEST(ca.error().text.find("pinned CA " + missing.string()) != std::string::npos,
             ca.error().text);
  auto cert = net::make_client_context(pki.cert, missing, pki.key);
  BOOST_TEST_REQUIRE(!cert.has_value());
  BOOST_TEST(cert.error().code == core::Errc::net_client_cert);
  auto key = net::make_client_context(pki.cert, pki.cert, missing);
  BOOST_TEST_REQUIRE(!key.has_value());
  BOOST_TEST(key.error().code == core::Errc::net_client_key);
}
