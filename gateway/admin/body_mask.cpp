#include "gateway/admin/body_mask.hpp"

#include <array>
#include <vector>

#include "gateway/core/redact.hpp"

namespace sluis::admin {

namespace {

enum class Kind { none, bsn, date, name, contact };

Kind kind_of(std::string_view local) {
  struct Entry {
    std::string_view name;
    Kind kind;
  };
  static constexpr std::array<Entry, 14> kSensitive{{{"Bsn", Kind::bsn},
                                                     {"Geboortedatum", Kind::date},
                                                     {"Naam", Kind::name},
                                                     {"Geslachtsnaam", Kind::name},
                                                     {"Partnernaam", Kind::name},
                                                     {"Achternaam", Kind::name},
                                                     {"Voorvoegsel", Kind::name},
                                                     {"Voornamen", Kind::name},
                                                     {"Voorletters", Kind::name},
                                                     {"Adres", Kind::contact},
                                                     {"Telefoon", Kind::contact},
                                                     {"Telefoonnummer", Kind::contact},
                                                     {"Emailadres", Kind::contact},
                                                     {"Roepnaam", Kind::name}}};
  for (const auto& e : kSensitive)
    if (e.name == local) return e.kind;
  return Kind::none;
}

std::string_view local_name(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

bool blank(std::string_view t) {
  return t.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string mask_text(std::string_view text, Kind k) {
  if (k == Kind::none || blank(text)) return std::string(text);
  // Keep the surrounding whitespace (the layout), mask what is between.
  auto b = text.find_first_not_of(" \t\r\n");
  auto e = text.find_last_not_of(" \t\r\n");
  std::string_view core = text.substr(b, e - b + 1);
  std::string masked;
  switch (k) {
    case Kind::bsn:
      masked = core::mask_bsn(core);
      break;
    case Kind::date:
      masked = core::mask_date(core);
      break;
    case Kind::name:
      masked = core::mask_name(core);
      break;
    case Kind::contact:
    case Kind::none:
      masked.assign(core.size(), '*');
      break;
  }
  return std::string(text.substr(0, b)) + masked + std::string(text.substr(e + 1));
}

}  // namespace

std::string mask_body(std::string_view x) {
  std::string out;
  out.reserve(x.size());
  // The open elements' kinds; the innermost sensitive one decides the mask.
  std::vector<Kind> open;
  auto current = [&open] {
    for (auto it = open.rbegin(); it != open.rend(); ++it)
      if (*it != Kind::none) return *it;
    return Kind::none;
  };
  std::size_t i = 0;
  while (i < x.size()) {
    if (x[i] != '<') {
      auto next = x.find('<', i);
      if (next == std::string_view::npos) next = x.size();
      out += mask_text(x.substr(i, next - i), current());
      i = next;
      continue;
    }
    std::string_view rest = x.substr(i);
    if (rest.starts_with("<!--")) {
      auto end = x.find("-->", i + 4);
      out += "<!-- (comment masked) -->";
      i = end == std::string_view::npos ? x.size() : end + 3;
    } else if (rest.starts_with("<![CDATA[")) {
      auto end = x.find("]]>", i + 9);
      auto stop = end == std::string_view::npos ? x.size() : end;
      out += "<![CDATA[" + mask_text(x.substr(i + 9, stop - i - 9), current()) + "]]>";
      i = end == std::string_view::npos ? x.size() : end + 3;
    } else {
      // A tag: up to its '>' outside quotes.
      std::size_t j = i + 1;
      char quote = 0;
      for (; j < x.size(); ++j) {
        if (quote) {
          if (x[j] == quote) quote = 0;
        } else if (x[j] == '"' || x[j] == '\'') {
          quote = x[j];
        } else if (x[j] == '>') {
          break;
        }
      }
      std::string_view tag = x.substr(i, std::min(j + 1, x.size()) - i);
      out += tag;
      i = j + 1;
      if (tag.starts_with("<?") || tag.starts_with("<!")) continue;
      if (tag.starts_with("</")) {
        if (!open.empty()) open.pop_back();
        continue;
      }
      if (tag.ends_with("/>")) continue;
      auto name_end = tag.find_first_of(" \t\r\n/>", 1);
      open.push_back(kind_of(local_name(tag.substr(1, name_end - 1))));
    }
  }
  return core::scrub(out);
}

}  // namespace sluis::admin
