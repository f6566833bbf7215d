#include "gateway/core/csv.hpp"

#include <fmt/format.h>

#include <utility>

namespace sluis::core {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool blank(char c) {
  return c == ' ' || c == '\t';
}

}  // namespace

char csv_separator(std::string_view header) {
  if (header.starts_with(kBom)) header.remove_prefix(kBom.size());
  std::size_t semicolons = 0, commas = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') {
      quoted = !quoted;  // a doubled "" toggles twice: still inside
    } else if (!quoted) {
      if (c == '\n') break;  // the header ends here
      if (c == ';') ++semicolons;
      if (c == ',') ++commas;
    }
  }
  // The more frequent one; on a tie (and with neither) see the header comment.
  if (semicolons == 0 && commas == 0) return ',';
  return semicolons >= commas ? ';' : ',';
}

CsvReader::CsvReader(std::string_view text, std::string source, CsvOptions options)
    : text_(text), source_(std::move(source)), options_(options) {
  if (text_.starts_with(kBom)) pos_ = kBom.size();
}

Error CsvReader::fail(Errc code, int line, const std::string& what) {
  pos_ = text_.size();  // stay at the end
  error_line_ = line;
  return make_error(code, source_ + ":" + std::to_string(line) + ": " + what);
}

// Skips blank lines and (with `comments`) comment lines where a record would
// start; false at the end of the text.
bool CsvReader::skip_blank_or_comment() {
  while (pos_ < text_.size()) {
    const std::size_t nl = text_.find('\n', pos_);
    std::string_view line =
        text_.substr(pos_, nl == std::string_view::npos ? std::string_view::npos : nl - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool skip = line.empty() || (options_.comments && line.front() == '#');
    if (!skip && options_.trim) skip = line.find_first_not_of(" \t") == std::string_view::npos;
    if (!skip) return true;
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    ++line_;
  }
  return false;
}

Result<std::optional<CsvRecord>> CsvReader::next() {
  if (!skip_blank_or_comment()) return std::optional<CsvRecord>();
  if (!header_read_) sep_ = csv_separator(text_.substr(pos_));

  CsvRecord rec;
  rec.line = line_;
  const auto at_end = [&] { return pos_ >= text_.size(); };
  const auto skip_blanks = [&] {
    while (!at_end() && blank(text_[pos_])) ++pos_;
  };
  for (;;) {  // one field per round
    std::string field;
    if (options_.trim) skip_blanks();
    if (!at_end() && text_[pos_] == '"') {
      const int quote_line = line_;
      ++pos_;
      for (;;) {
        if (at_end())
          return fail(Errc::csv_unterminated, quote_line, "a quoted field is not closed");
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n') ++line_;
        field.push_back(c);
        ++pos_;
      }
      if (options_.trim) skip_blanks();
      const bool ends =
          at_end() || text_[pos_] == sep_ || text_[pos_] == '\n' ||
          (text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n'));
      if (!ends) return fail(Errc::csv_after_quote, line_, "text after a closing quote");
      if (!at_end() && text_[pos_] == '\r') ++pos_;
    } else {
      const std::size_t start = pos_;
      while (!at_end() && text_[pos_] != sep_ && text_[pos_] != '\n') ++pos_;
      std::string_view raw = text_.substr(start, pos_ - start);
      if (!raw.empty() && raw.back() == '\r' && (at_end() || text_[pos_] == '\n'))
        raw.remove_suffix(1);
      if (options_.trim)
        while (!raw.empty() && blank(raw.back())) raw.remove_suffix(1);
      field.assign(raw);
    }
    rec.fields.push_back(std::move(field));
    if (at_end()) break;
    const char c = text_[pos_++];
    if (c == '\n') {
      ++line_;
      break;
    }
    // c is the separator: another field follows (possibly empty, at the end of the line)
  }

  if (!header_read_) {
    header_read_ = true;
    width_ = rec.fields.size();
  } else if (options_.same_width && rec.fields.size() != width_) {
    return fail(options_.width_code, rec.line,
                "expected " + std::to_string(width_) + " fields, found " +
                    std::to_string(rec.fields.size()));
  }
  return std::optional<CsvRecord>(std::move(rec));
}

Result<std::vector<CsvRecord>> read_csv(std::string_view text, const std::string& source,
                                        CsvOptions options) {
  CsvReader reader(text, source, options);
  std::vector<CsvRecord> out;
  for (;;) {
    auto rec = reader.next();
    if (!rec) return rec.error();
    if (!*rec) return out;
    out.push_back(std::move(**rec));
  }
}

Result<std::vector<CsvRecord>> read_csv_table(std::string_view text, const std::string& source,
                                              CsvOptions options,
                                              const std::vector<std::string>& expected,
                                              CsvTableCodes codes) {
  options.same_width = true;  // the header is `expected`, so each record is as wide
  options.width_code = codes.fields;
  CsvReader reader(text, source, options);
  auto header = reader.next();
  if (!header) return header.error();
  if (!*header) return make_error(codes.empty, source + ": no header line");
  if ((*header)->fields != expected)
    return make_error(codes.header,
                      fmt::format("{}:{}: expected the header {}", source, (*header)->line,
                                  fmt::join(expected, std::string(1, reader.separator()))));
  std::vector<CsvRecord> rows;
  for (;;) {
    auto rec = reader.next();
    if (!rec) return rec.error();
    if (!*rec) return rows;
    rows.push_back(std::move(**rec));
  }
}

}  // namespace sluis::core
