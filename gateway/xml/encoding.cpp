#include "gateway/xml/encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace sluis::xml {

namespace {

EncodingProblem problem(std::size_t at, const std::string& nl, const std::string& en) {
  EncodingProblem p;
  p.offset = at;
  p.nl =
      "Het bericht is niet gecodeerd als UTF-8 zonder byte-order mark (BOM): " + nl +
      ". iWmo- en iJw-berichten zijn UTF-8 zonder BOM (OP192, de technische eisen van de keten); "
      "sla het bericht op als UTF-8 zonder BOM en verstuur het opnieuw.";
  p.en =
      "The message is not encoded as UTF-8 without a byte-order mark (BOM): " + en +
      ". iWmo and iJw messages are UTF-8 without BOM (OP192, the chain's technical requirements); "
      "save the message as UTF-8 without BOM and send it again.";
  return p;
}

bool starts(std::string_view d, std::string_view bytes) {
  return d.substr(0, bytes.size()) == bytes;
}

bool ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Whether `v` is an encoding name as XML 1.0 writes one (EncName, [81]):
// [A-Za-z] ([A-Za-z0-9._] | '-')*.
bool enc_name(std::string_view v) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (v.empty() || !letter(v[0])) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

// The encoding an XML declaration at the start names (nullopt when it names
// none), quoted back in the refusal: only a closed, well-formed EncName of at
// most 40 characters. Anything else is "" and is not quoted: a value whose
// quote does not close runs on into the document, whose text may be personal
// (a <Bsn> after `encoding="UTF-`).
std::optional<std::string> declared_encoding(std::string_view d) {
  if (!starts(d, "<?xml") || d.size() < 6 || !ascii_space(d[5])) return std::nullopt;
  auto end = d.substr(0, 1024).find("?>");
  std::string_view decl =
      d.substr(0, end == std::string_view::npos ? std::min<std::size_t>(d.size(), 1024) : end);
  auto at = decl.find("encoding");
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + 8;
  while (i < decl.size() && ascii_space(decl[i])) ++i;
  if (i >= decl.size() || decl[i] != '=') return std::nullopt;
  ++i;
  while (i < decl.size() && ascii_space(decl[i])) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return std::nullopt;
  char quote = decl[i++];
  auto close = decl.find(quote, i);
  if (close == std::string_view::npos) return std::string();
  std::string_view value = decl.substr(i, close - i);
  if (value.size() > 40 || !enc_name(value)) return std::string();
  return std::string(value);
}

bool is_utf8_name(const std::string& e) {
  std::string lower;
  for (char c : e) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "utf-8";
}

bool cont(unsigned char c) {
  return c >= 0x80 && c <= 0xBF;
}

// Where the first byte of an ill-formed UTF-8 sequence is (RFC 3629, table
// of well-formed byte sequences), or npos. ASCII, nearly all of a message,
// is passed eight bytes at a time.
std::size_t first_invalid_utf8(std::string_view d) {
  const auto* s = reinterpret_cast<const unsigned char*>(d.data());
  const std::size_t n = d.size();
  std::size_t i = 0;
  while (i < n) {
    while (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (!cont(s[i + k])) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<EncodingProblem> check_encoding(std::string_view d) {
  using namespace std::string_view_literals;
  if (starts(d, "\xEF\xBB\xBF"sv))
    return problem(0, "het begint met een byte-order mark (EF BB BF)",
                   "it starts with a byte-order mark (EF BB BF)");
  if (starts(d, "\x00\x00\xFE\xFF"sv) || starts(d, "\xFF\xFE\x00\x00"sv))
    return problem(0, "het is UTF-32 (het begint met de byte-order mark van UTF-32)",
                   "it is UTF-32 (it starts with UTF-32's byte-order mark)");
  if (starts(d, "\xFE\xFF"sv) || starts(d, "\xFF\xFE"sv))
    return problem(0, "het is UTF-16 (het begint met de byte-order mark van UTF-16)",
                   "it is UTF-16 (it starts with UTF-16's byte-order mark)");
  if (starts(d, "\x00\x00\x00\x3C"sv) || starts(d, "\x3C\x00\x00\x00"sv))
    return problem(0, "het is UTF-32 (elk teken vier bytes)",
                   "it is UTF-32 (four bytes to a character)");
  if (d.size() >= 2 && (d[0] == '\0') != (d[1] == '\0') &&
      static_cast<unsigned char>(d[0] | d[1]) < 0x80)
    return problem(0, "het is UTF-16 (elk teken twee bytes, waarvan een nul)",
                   "it is UTF-16 (two bytes to a character, one of them zero)");
  if (starts(d, "\x4C\x6F\xA7\x94"sv))
    return problem(0, "het is EBCDIC (het begint met '<?xm' in EBCDIC)",
                   "it is EBCDIC (it starts with '<?xm' in EBCDIC)");
  if (auto e = declared_encoding(d); e && e->empty())
    return problem(0, "de XML-declaratie noemt als encoding geen geldige naam (en dus niet UTF-8)",
                   "its XML declaration names no well-formed encoding (so not UTF-8)");
  if (auto e = declared_encoding(d); e && !is_utf8_name(*e))
    return problem(0, "de XML-declaratie noemt encoding=\"" + *e + "\"",
                   "its XML declaration names encoding=\"" + *e + "\"");
  if (auto at = first_invalid_utf8(d); at != std::string_view::npos) {
    auto line = std::to_string(
        1 + std::count(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    auto byte = std::to_string(at + 1);
    return problem(at, "byte " + byte + " (regel " + line + ") begint geen geldige UTF-8-reeks",
                   "byte " + byte + " (line " + line + ") does not start a valid UTF-8 sequence");
  }
  return std::nullopt;
}

}  // namespace sluis::xml
