// Small helpers around Xerces strings (internal to the xml module).
#pragma once

#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLString.hpp>

#include <string>
#include <string_view>

namespace sluis::xml::detail {

// UTF-16 (what the parser hands out) -> UTF-8, appended. Done here rather
// than with TranscodeToStr, which builds a converter per call: on a 25 MB
// declaration that was the largest cost after the scanner. An unpaired
// surrogate (the parser never produces one) becomes U+FFFD.
inline void append_utf8(std::string& out, const XMLCh* s, XMLSize_t len) {
  // Message text is nearly all ASCII: write that run in place, without a
  // growth check per character.
  const std::size_t at = out.size();
  XMLSize_t i = 0;
  out.resize(at + len);
  for (char* p = out.data() + at; i < len && s[i] < 0x80; ++i) *p++ = static_cast<char>(s[i]);
  out.resize(at + i);
  for (; i < len; ++i) {
    char32_t c = s[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;
    }
    if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

inline std::string to_utf8(const XMLCh* s, XMLSize_t len) {
  std::string out;
  if (s) append_utf8(out, s, len);
  return out;
}

inline std::string to_utf8(const XMLCh* s) { return s ? to_utf8(s, xercesc::XMLString::stringLen(s)) : std::string(); }

// UTF-8 -> XMLCh, owned.
class XStr {
 public:
  explicit XStr(std::string_view s) {
    xercesc::TranscodeFromStr t(reinterpret_cast<const XMLByte*>(s.data()), s.size(), "UTF-8");
    buf_ = std::u16string(reinterpret_cast<const char16_t*>(t.str()), t.length());
  }
  const XMLCh* get() const { return reinterpret_cast<const XMLCh*>(buf_.c_str()); }

 private:
  std::u16string buf_;
};

}  // namespace sluis::xml::detail
