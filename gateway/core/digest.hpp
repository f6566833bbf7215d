// Digests over OpenSSL 3: SHA-256 for message bodies and schema manifests, and
// HMAC-SHA-256 for the keyed BSN hash the store searches with (a plain hash of a
// 9-digit number is reversible by enumeration; a keyed one is not without the key).
//
// Threading: pure functions, safe from any thread; a Hmac is immutable after
// construction and safe to share.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluis::core {

std::string sha256_hex(std::string_view data);
// The same digest given as hex (sha256_hex), as standard base64 with padding:
// the form HTTP's Repr-Digest takes (RFC 9530). Empty when `hex` is not an
// even number of hex digits.
std::string hex_to_base64(std::string_view hex);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// A SHA-256 (or HMAC-SHA-256) digest as its 32 bytes, and as lowercase hex.
using Sha256 = std::array<unsigned char, 32>;
std::string hex(const Sha256& d);
// The inverse of hex(): the digest of exactly 64 lowercase hex digits, else
// nullopt (upper case too, which hex() would not give back as it was).
std::optional<Sha256> sha256_of_hex(std::string_view hex);

// HMAC-SHA-256 with one key, set up once (OpenSSL's one-shot HMAC() looks the
// algorithm up and expands the key on every call; this copies a keyed context).
// Same values as hmac_sha256_hex(key, data).
class Hmac {
 public:
  explicit Hmac(std::string_view key);
  ~Hmac();
  Hmac(const Hmac&) = delete;
  Hmac& operator=(const Hmac&) = delete;
  std::string hex(std::string_view data) const;
  Sha256 digest(std::string_view data) const;  // the same, as bytes

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};
// A fingerprint of the BSN hash key (secrets.bsn_hash_key) that the store keeps
// to refuse another key: HMAC-SHA-256 of a fixed label under the key, the first
// 16 bytes as 32 hex digits. It tells keys apart and reveals nothing of the key
// (unlike a plain hash, which could be checked against guessed keys without an
// HMAC); it is never a BSN hash, since the label is not 9 digits.
std::string bsn_key_fingerprint(std::string_view key);

// `bytes` random bytes from OpenSSL's CSPRNG as lowercase hex (opaque ids).
std::string random_hex(std::size_t bytes);

}  // namespace sluis::core
