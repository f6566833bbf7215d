// Text for HTML pages sluis draws itself (the operator's status page, a
// partner's rendering of a message, its status page): every value that
// reaches a page goes through html_escape.
//
// The pages are polyglot (valid HTML5 and well-formed XML), so the escaping
// also keeps out what XML 1.0 forbids: control characters other than tab,
// newline and carriage return, and bytes that are not UTF-8, each become
// U+FFFD.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace sluis::core {

std::string html_escape(std::string_view s);

}  // namespace sluis::core
