#include "gateway/core/redact.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "gateway/core/ids.hpp"

namespace sluis::core {

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constinit std::atomic<ElementMasks> g_log_masks{nullptr};

std::string_view local_name(std::string_view qname) {
  auto colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// Calls `f(start)` for every run of exactly 9 digits passing the 11-check.
template <class F>
void for_each_bsn_run(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j - i == 9 && bsn_elfproef(text.substr(i, 9))) f(i);
    i = j;
  }
}
}  // namespace

bool has_bsn_run(std::string_view text) {
  bool found = false;
  for_each_bsn_run(text, [&](std::size_t) { found = true; });
  return found;
}

std::string scrub_bsns(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for_each_bsn_run(text, [&](std::size_t at) {
    out.append(text.substr(copied, at - copied));
    out.append(9, '*');
    copied = at + 9;
  });
  out.append(text.substr(copied));
  return out;
}

std::string mask_bsn(std::string_view bsn) {
  (void)bsn;
  return "*********";
}

std::string mask_name(std::string_view name) {
  if (name.empty()) return {};
  std::string out(1, name.front());
  out.append(name.size() - 1, '*');
  return out;
}

std::string mask_date(std::string_view date) {
  return date.empty() ? std::string{} : std::string("****-**-**");
}

std::string mask_value(std::string_view text, Mask m) {
  constexpr std::string_view kSpace = " \t\r\n";
  auto b = text.find_first_not_of(kSpace);
  if (m == Mask::none || b == std::string_view::npos) return std::string(text);
  auto e = text.find_last_not_of(kSpace);
  std::string_view value = text.substr(b, e - b + 1);
  std::string masked;
  switch (m) {
    case Mask::bsn:
      masked = mask_bsn(value);
      break;
    case Mask::date:
      masked = mask_date(value);
      break;
    case Mask::name:
      masked = mask_name(value);
      break;
    case Mask::all:
    case Mask::none:
      masked.assign(value.size(), '*');
      break;
  }
  return std::string(text.substr(0, b)) + masked + std::string(text.substr(e + 1));
}

std::string mask_elements(std::string_view x, ElementMasks masks) {
  std::string out;
  out.reserve(x.size());
  // The open elements' masks; the innermost personal one decides.
  std::vector<Mask> open;
  auto current = [&open] {
    for (auto it = open.rbegin(); it != open.rend(); ++it)
      if (*it != Mask::none) return *it;
    return Mask::none;
  };
  std::size_t i = 0;
  while (i < x.size()) {
    if (x[i] != '<') {
      auto next = x.find('<', i);
      if (next == std::string_view::npos) next = x.size();
      out += mask_value(x.substr(i, next - i), current());
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
      out += "<![CDATA[" + mask_value(x.substr(i + 9, stop - i - 9), current()) + "]]>";
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
      open.push_back(masks ? masks(local_name(tag.substr(1, name_end - 1))) : Mask::none);
    }
  }
  return out;
}

void set_log_element_masks(ElementMasks masks) {
  g_log_masks.store(masks, std::memory_order_release);
}

std::string scrub(std::string_view text) {
  ElementMasks masks = g_log_masks.load(std::memory_order_acquire);
  if (masks != nullptr && text.find('<') != std::string_view::npos)
    return scrub_bsns(mask_elements(text, masks));
  return scrub_bsns(text);
}

std::string describe(std::exception_ptr e) {
  std::string what = "an exception of unknown type";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    what = ex.what();
  } catch (...) {
  }
  constexpr std::size_t kMax = 200;
  if (what.size() > kMax) what.resize(kMax);
  return scrub(strip_controls(what));
}

std::string strip_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
  }
  return out;
}

}  // namespace sluis::core
