#include "gateway/core/digest.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <vector>

#include <stdexcept>

namespace sluis::core {

namespace {
std::string to_hex(const unsigned char* p, unsigned len) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xf];
  }
  return out;
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("EVP_Digest(sha256) failed");
  return to_hex(md, len);
}

namespace {
// A hex digit's value, -1 for anything else (upper case only when `upper`).
int nibble(char c, bool upper) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (upper && c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<Sha256> sha256_of_hex(std::string_view hex) {
  Sha256 d{};
  if (hex.size() != 2 * d.size()) return std::nullopt;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = nibble(hex[2 * i], false), lo = nibble(hex[2 * i + 1], false);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return d;
}

std::string hex_to_base64(std::string_view hex) {
  if (hex.size() % 2) return {};
  std::vector<unsigned char> bytes(hex.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int hi = nibble(hex[2 * i], true), lo = nibble(hex[2 * i + 1], true);
    if (hi < 0 || lo < 0) return {};
    bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len) == nullptr)
    throw std::runtime_error("HMAC(sha256) failed");
  return to_hex(md, len);
}

std::string bsn_key_fingerprint(std::string_view key) {
  // 16 of the 32 bytes: enough to tell keys apart, and what operators compare.
  return hmac_sha256_hex(key, "sluis.bsn-key-fingerprint.v1").substr(0, 32);
}

struct Hmac::Ctx {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed = nullptr;
  ~Ctx() {
    EVP_MAC_CTX_free(keyed);
    EVP_MAC_free(mac);
  }
};

Hmac::Hmac(std::string_view key) : ctx_(std::make_unique<Ctx>()) {
  ctx_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!ctx_->mac) throw std::runtime_error("EVP_MAC_fetch(HMAC) failed");
  ctx_->keyed = EVP_MAC_CTX_new(ctx_->mac);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  if (!ctx_->keyed ||
      EVP_MAC_init(ctx_->keyed, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) != 1)
    throw std::runtime_error("EVP_MAC_init(HMAC-SHA256) failed");
}

Hmac::~Hmac() = default;

Sha256 Hmac::digest(std::string_view data) const {
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> c(EVP_MAC_CTX_dup(ctx_->keyed), EVP_MAC_CTX_free);
  Sha256 md{};
  std::size_t len = 0;
  if (!c || EVP_MAC_update(c.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(c.get(), md.data(), &len, md.size()) != 1 || len != md.size())
    throw std::runtime_error("HMAC(sha256) failed");
  return md;
}

std::string Hmac::hex(std::string_view data) const { return core::hex(digest(data)); }

std::string hex(const Sha256& d) { return to_hex(d.data(), static_cast<unsigned>(d.size())); }

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(bytes)) != 1) throw std::runtime_error("RAND_bytes failed");
  return to_hex(buf.data(), static_cast<unsigned>(bytes));
}

}  // namespace sluis::core
