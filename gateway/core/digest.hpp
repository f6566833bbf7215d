// Digests over OpenSSL 3: SHA-256 for message bodies and schema manifests, and
// HMAC-SHA-256 for the keyed BSN hash the store searches with (a plain hash of a
// 9-digit number is reversible by enumeration; a keyed one is not without the key).
//
// Threading: pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace sluis::core {

std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// `bytes` random bytes from OpenSSL's CSPRNG as lowercase hex (opaque ids).
std::string random_hex(std::size_t bytes);

}  // namespace sluis::core
