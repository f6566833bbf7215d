#include "gateway/route/receiver_text.hpp"

#include <unordered_set>
#include <vector>

#include "gateway/core/ids.hpp"
#include "gateway/core/redact.hpp"

namespace sluis::route {

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// A byte of a word: ASCII letters and digits, and any non-ASCII byte (UTF-8
// letters such as é are bytes >= 0x80).
bool word_byte(char c) { return ascii_letter(c) || digit(c) || static_cast<unsigned char>(c) >= 0x80; }
bool separator(char c) { return c == ' ' || c == '.' || c == '-'; }

std::string lower(std::string_view w) {
  std::string out(w);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool has_digit(std::string_view w) {
  for (char c : w)
    if (digit(c)) return true;
  return false;
}

// Calls f(word) for each word (a maximal run of word bytes) of `text`.
template <class F>
void each_word(std::string_view text, F f) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!word_byte(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && word_byte(text[j])) ++j;
    f(i, text.substr(i, j - i));
    i = j;
  }
}

// The words without digits of the message's text: character data, CDATA and
// comments, never the markup (element and attribute names, namespaces).
std::unordered_set<std::string> sent_words(std::string_view x) {
  std::unordered_set<std::string> words;
  auto take = [&words](std::string_view text) {
    each_word(text, [&words](std::size_t, std::string_view w) {
      if (w.size() >= 2 && !has_digit(w)) words.insert(lower(w));
    });
  };
  std::size_t i = 0;
  while (i < x.size()) {
    if (x[i] != '<') {
      auto next = x.find('<', i);
      if (next == std::string_view::npos) next = x.size();
      take(x.substr(i, next - i));
      i = next;
      continue;
    }
    std::string_view rest = x.substr(i);
    std::string_view open, close;
    if (rest.starts_with("<!--")) {
      open = "<!--", close = "-->";
    } else if (rest.starts_with("<![CDATA[")) {
      open = "<![CDATA[", close = "]]>";
    } else {
      auto end = x.find('>', i);
      i = end == std::string_view::npos ? x.size() : end + 1;
      continue;
    }
    auto end = x.find(close, i + open.size());
    auto stop = end == std::string_view::npos ? x.size() : end;
    take(x.substr(i + open.size(), stop - i - open.size()));
    i = end == std::string_view::npos ? x.size() : end + close.size();
  }
  return words;
}

// True when `digits` is a BSN: 9 digits passing the 11-check, or 8 that do
// with the leading zero a writer dropped.
bool bsn_digits(const std::string& digits) {
  return (digits.size() == 9 && core::bsn_elfproef(digits)) ||
         (digits.size() == 8 && core::bsn_elfproef("0" + digits));
}

// Step 1: numbers of BSN shape masked in place. A group is a run of digit
// chunks joined by single separators ("400 123 456 782"); any run of whole
// consecutive chunks that makes a BSN is masked, so a BSN written in parts
// is found also next to other numbers.
std::string mask_bsn_shapes(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  std::size_t i = 0;
  while (i < t.size()) {
    if (!digit(t[i])) {
      out.push_back(t[i++]);
      continue;
    }
    struct Chunk {
      std::size_t begin, end;  // in t
    };
    std::vector<Chunk> chunks;
    std::size_t j = i;
    for (;;) {
      std::size_t b = j;
      while (j < t.size() && digit(t[j])) ++j;
      chunks.push_back({b, j});
      if (j + 1 < t.size() && separator(t[j]) && digit(t[j + 1]))
        ++j;
      else
        break;
    }
    std::size_t written = i;  // t[i, written) is in out
    for (std::size_t s = 0; s < chunks.size();) {
      std::string digits;
      std::size_t e = s;
      bool found = false;
      for (; e < chunks.size() && digits.size() < 9; ++e) {
        digits.append(t.substr(chunks[e].begin, chunks[e].end - chunks[e].begin));
        if (bsn_digits(digits)) {
          found = true;
          break;
        }
      }
      if (found) {
        out.append(t.substr(written, chunks[s].begin - written));
        out.append("*********");
        written = chunks[e].end;
        s = e + 1;
      } else {
        ++s;
      }
    }
    out.append(t.substr(written, j - written));
    i = j;
  }
  return out;
}

}  // namespace

std::string receiver_text(std::string_view answer, std::string_view sent) {
  std::string t = core::scrub(mask_bsn_shapes(answer));

  // Step 2: echoed words of the message.
  bool any_word = false;
  each_word(t, [&any_word](std::size_t, std::string_view w) { any_word |= w.size() >= 2 && !has_digit(w); });
  if (any_word && !sent.empty()) {
    const auto words = sent_words(sent);
    std::string masked;
    masked.reserve(t.size());
    std::size_t at = 0;
    each_word(t, [&](std::size_t pos, std::string_view w) {
      masked.append(t, at, pos - at);
      if (w.size() >= 2 && !has_digit(w) && words.count(lower(w)))
        masked += core::mask_name(w);
      else
        masked.append(w);
      at = pos + w.size();
    });
    masked.append(t, at, std::string::npos);
    t = std::move(masked);
  }

  // Steps 3 and 4: printable ASCII, white space collapsed, bounded.
  std::string out;
  out.reserve(std::min(t.size(), kMaxReceiverText + 3));
  bool cut = false;
  for (std::size_t i = 0; i < t.size();) {
    auto u = static_cast<unsigned char>(t[i]);
    char c;
    if (u == ' ' || u == '\t' || u == '\r' || u == '\n') {
      while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')) ++i;
      c = ' ';
    } else if (u < 0x20 || u >= 0x7f) {
      while (i < t.size() && (static_cast<unsigned char>(t[i]) < 0x20 || static_cast<unsigned char>(t[i]) >= 0x7f) &&
             t[i] != ' ' && t[i] != '\t' && t[i] != '\r' && t[i] != '\n')
        ++i;
      c = '?';
    } else {
      c = t[i++];
    }
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    if (out.size() == kMaxReceiverText) {
      cut = true;
      break;
    }
    out.push_back(c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (cut) out += "...";
  return out;
}

}  // namespace sluis::route
