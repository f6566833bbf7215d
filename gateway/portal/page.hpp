// What every page a partner or an operator reads in a browser shares: the
// language, the page's frame, and the explanation of a finding and of a
// retourcode (which rule, which element, which value, what it means and how
// to fix it), in Dutch or English.
//
// Pages are polyglot (valid HTML5 and well-formed XML: void elements closed
// with />, numeric character references only), use no script and fetch
// nothing; every value goes through core::html_escape.
//
// Threading: pure functions over values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluis::portal {

enum class Lang { nl, en };

inline std::string_view lang_code(Lang l) { return l == Lang::nl ? "nl" : "en"; }
inline std::string_view tr(Lang l, std::string_view nl, std::string_view en) { return l == Lang::nl ? nl : en; }

// "<!DOCTYPE html>...<body><h1>title</h1>": the page's head, its style and
// its heading; `title` is escaped here.
std::string page_open(Lang lang, std::string_view title);
std::string page_close();

// A stored message's findings (its findings_json: xml::to_json's keys) as a
// list: per finding the rule and retourcode with the standard's text, the
// element and the value it is about, what is wrong and how to fix it. Advice
// (advisory findings) is marked as such. An empty or unreadable list gives "".
// At most `max` findings, then a line saying how many more there are.
// Masked again here, whatever the stored findings hold: a value as the
// innermost personal element on its path says (standard/personal_data.hpp),
// and any BSN-like number in a value or text.
std::string findings_html(std::string_view findings_json, Lang lang, std::size_t max = SIZE_MAX);

// One retourcode: the code, the standard's text and how to fix it in general
// (rules::explain); "0200" reads as approved.
std::string retourcode_html(std::string_view code, Lang lang);

// A status or queue-state word of the API ("rejected", "queued") as a person
// reads it: Dutch with the API's word beside it, or the English word alone.
// Words it does not know are shown as they are. Escaped.
std::string status_html(std::string_view word, Lang lang);

// A Dutch day (YYYY-MM-DD) as people read it: "12-11-2026" (nl), as it is (en).
std::string day_text(std::string_view iso, Lang lang);
// A stored instant (UTC text) in Dutch local time, to the minute
// ("12-11-2026 14:05"); the text as it is when it is not one.
std::string time_text(std::string_view utc, Lang lang);

// Amounts in eurocent as people read them: "€ 1.234,56" (nl), "€1,234.56" (en).
std::string euro(long long cents, Lang lang);

}  // namespace sluis::portal
