#include "gateway/portal/page.hpp"

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/core/html.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/rules/explain.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/standard/retourcodes.hpp"

namespace sluis::portal {

namespace {

using core::html_escape;

constexpr const char* kStyle = R"css(
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:72em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.4em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:.8em 0 .2em}
table{border-collapse:collapse;margin:.3em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{font-weight:normal;color:#444;background:#f6f6f6}section section{margin-left:1.2em}
.code{font-family:monospace}.fix{color:#1b5e20}.advice{color:#8a6d00}.rejected{color:#b71c1c}.approved{color:#1b5e20}
.muted{color:#666;font-size:.9em}ol.findings li{margin-bottom:.6em}
)css";

std::string str(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->value().is_string()) return std::string(it->value().as_string());
  if (it->value().is_int64()) return std::to_string(it->value().as_int64());
  return {};
}

// The mask of the element a finding's path ends in: the innermost listed
// element on the path decides ("/Bericht/Client/Naam/Geslachtsnaam[2]").
core::Mask path_mask(std::string_view path) {
  core::Mask mask = core::Mask::none;
  while (!path.empty()) {
    const auto slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (auto bracket = seg.find('['); bracket != std::string_view::npos)
      seg = seg.substr(0, bracket);
    if (auto colon = seg.find(':'); colon != std::string_view::npos) seg = seg.substr(colon + 1);
    if (auto own = standard::personal_mask(seg); own != core::Mask::none) mask = own;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return mask;
}

// A finding's value masked as the element its path names says, then any
// BSN-like number in it masked: values and texts were masked when the
// findings were made, and the page does not depend on that alone.
std::string masked_value(const boost::json::object& f) {
  std::string value = str(f, "value");
  if (auto mask = path_mask(str(f, "path")); mask != core::Mask::none) value = core::mask_value(value, mask);
  return core::scrub(value);
}

}  // namespace

std::string page_open(Lang lang, std::string_view title) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"/>"
      "<meta name=\"viewport\" content=\"width=device-width\"/><title>{}</title><style>{}</style></head><body>"
      "<h1>{}</h1>",
      lang_code(lang), html_escape(title), kStyle, html_escape(title));
}

std::string page_close() { return "</body></html>\n"; }

std::string day_text(std::string_view iso, Lang lang) {
  if (lang == Lang::en || iso.size() != 10) return std::string(iso);
  return fmt::format("{}-{}-{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::string time_text(std::string_view utc, Lang lang) {
  auto t = core::parse_utc_text(utc);
  if (!t) return std::string(utc);
  const auto day = core::format_date(core::dutch_date(*t));  // also sets the process zone
  const std::time_t secs = std::chrono::system_clock::to_time_t(*t);
  std::tm local{};
  localtime_r(&secs, &local);
  return fmt::format("{} {:02}:{:02}", day_text(day, lang), local.tm_hour, local.tm_min);
}

std::string euro(long long cents, Lang lang) {
  const bool negative = cents < 0;
  const unsigned long long a = negative ? 0ULL - static_cast<unsigned long long>(cents) : static_cast<unsigned long long>(cents);
  std::string whole = std::to_string(a / 100);
  const char group = lang == Lang::nl ? '.' : ',';
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<std::size_t>(i), 1, group);
  return fmt::format("{}€{}{}{}{:02}", negative ? "-" : "", lang == Lang::nl ? "\u00a0" : "", whole,
                     lang == Lang::nl ? ',' : '.', a % 100);
}

std::string status_html(std::string_view word, Lang lang) {
  static constexpr std::pair<std::string_view, std::string_view> kDutch[] = {
      {"accepted", "geaccepteerd"},   {"rejected", "afgekeurd"},     {"held", "vastgehouden"},
      {"composed", "opgesteld door sluis"}, {"received", "ontvangen"}, {"queued", "in de wachtrij"},
      {"delivering", "wordt afgeleverd"}, {"delivered", "afgeleverd"}, {"deferred", "uitgesteld"},
      {"acknowledged", "bevestigd"},  {"dead", "niet af te leveren"}};
  if (lang == Lang::nl)
    for (const auto& [en, nl] : kDutch)
      if (en == word) return fmt::format("{} <span class=\"muted\">({})</span>", nl, en);
  return html_escape(word);
}

std::string retourcode_html(std::string_view code, Lang lang) {
  std::string out = fmt::format("<span class=\"code\">{}</span>", html_escape(code));
  const auto* rc = standard::find_retourcode(code);
  if (code == "0200") {
    out += fmt::format(" <span class=\"approved\">{}</span>",
                       html_escape(rc ? tr(lang, rc->text_nl, rc->text_en) : tr(lang, "goedgekeurd", "approved")));
    return out;
  }
  if (rc) out += " " + html_escape(tr(lang, rc->text_nl, rc->text_en));
  else out += " " + std::string(tr(lang, "(geen retourcode van de standaard 3.2)", "(not a retourcode of standard 3.2)"));
  if (auto e = rules::explain(code)) {
    const std::string& hint = lang == Lang::nl ? e->hint_nl : e->hint_en;
    if (!hint.empty())
      out += fmt::format("<br/><span class=\"fix\">{}: {}</span>", tr(lang, "Oplossen", "To fix"), html_escape(hint));
  }
  return out;
}

std::string findings_html(std::string_view findings_json, Lang lang, std::size_t max) {
  boost::system::error_code ec;
  auto v = boost::json::parse(findings_json, ec);
  if (ec || !v.is_array() || v.as_array().empty()) return {};
  std::string out = "<ol class=\"findings\">";
  std::size_t shown = 0;
  for (const auto& item : v.as_array()) {
    if (!item.is_object()) continue;
    if (shown == max) {
      const std::size_t rest = v.as_array().size() - shown;
      out += fmt::format("<li class=\"muted\">{} {} {}</li>", tr(lang, "En nog", "And"), rest,
                         tr(lang, "meer: zie de pagina van het bericht.", "more: see the message's page."));
      break;
    }
    ++shown;
    const auto& f = item.as_object();
    const std::string rule = str(f, "rule"), code = str(f, "retourcode"), path = str(f, "path"),
                      value = masked_value(f), line = str(f, "line"),
                      text = core::scrub(str(f, lang == Lang::nl ? "nl" : "en"));
    const bool advisory = f.contains("advisory");
    out += "<li>";
    if (advisory) out += fmt::format("<span class=\"advice\">{}</span> ", tr(lang, "Advies:", "Advice:"));
    if (!rule.empty()) out += fmt::format("{} <span class=\"code\">{}</span>", tr(lang, "Regel", "Rule"), html_escape(rule));
    else out += fmt::format("<span class=\"code\">{}</span>", html_escape(str(f, "origin")));
    if (!code.empty()) out += ", " + std::string(tr(lang, "retourcode", "retourcode")) + " " + retourcode_html(code, lang);
    out += "<br/>" + html_escape(text);
    if (!path.empty()) {
      out += fmt::format("<br/><span class=\"muted\">{} <span class=\"code\">{}</span>", tr(lang, "Element", "Element"),
                         html_escape(path));
      if (!line.empty()) out += fmt::format(" ({} {})", tr(lang, "regel", "line"), html_escape(line));
      if (!value.empty()) out += fmt::format(", {} <span class=\"code\">{}</span>", tr(lang, "waarde", "value"), html_escape(value));
      out += "</span>";
    }
    out += "</li>";
  }
  return out + "</ol>";
}

}  // namespace sluis::portal
