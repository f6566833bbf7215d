// Small helpers around Xerces strings (internal to the xml module).
#pragma once

#include <xercesc/util/TransService.hpp>
#include <xercesc/util/XMLString.hpp>

#include <string>
#include <string_view>

namespace sluis::xml::detail {

inline std::string to_utf8(const XMLCh* s) {
  if (!s) return {};
  xercesc::TranscodeToStr t(s, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

inline std::string to_utf8(const XMLCh* s, XMLSize_t len) {
  if (!s || len == 0) return {};
  xercesc::TranscodeToStr t(s, len, "UTF-8");
  return std::string(reinterpret_cast<const char*>(t.str()), t.length());
}

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
