// Messages are UTF-8 without a byte-order mark: OP192 (sent messages meet the
// chain's technical requirements) with the chain's transport, whose envelopes
// carry the payload as UTF-8 without BOM (StUF-GGk, VSP). XML itself would
// let a parser read UTF-16, EBCDIC or any declared encoding and deliver the
// message as sent, in bytes the receiver, the body mask and the logs would
// not read as text. So the bytes are checked before any parser sees them:
//
//   - no byte-order mark (UTF-8's EF BB BF, UTF-16's, UTF-32's);
//   - not UTF-16 or UTF-32 without a mark, not EBCDIC (told by the first
//     bytes, as XML 1.0 appendix F detects encodings);
//   - an XML declaration names no encoding other than UTF-8;
//   - every byte sequence is well-formed UTF-8 (RFC 3629: no overlong forms,
//     no surrogates, nothing above U+10FFFF).
//
// Threading: a pure function.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluis::xml {

// Why a message is not UTF-8 without BOM, in both languages, naming OP192.
struct EncodingProblem {
  std::string nl, en;
  std::size_t offset = 0;  // the first byte that is wrong
};

std::optional<EncodingProblem> check_encoding(std::string_view document);

}  // namespace sluis::xml
