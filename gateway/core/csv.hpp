// sluis::core::CsvReader — the one reader for every CSV file sluis takes in
// (reference lists, ledger-import exports).
//
// RFC 4180, with what spreadsheet exports add:
// - a UTF-8 byte-order mark at the very start is skipped;
// - the separator is ';' or ',' and is taken from the header (the first
//   record), counting only the separators outside quotes: the one that occurs
//   more often wins; on a tie ';' wins (a Dutch spreadsheet writes ';' and
//   leaves ',' for decimals); a header with neither is one column, read with ',';
// - a quoted field may hold separators, CR/LF newlines and doubled quotes "";
// - records end in CRLF or LF; a blank line (empty, or only spaces and tabs
//   when trimming) is not a record, so neither is a blank last line;
// - every record carries the 1-based line number it starts on, so a caller can
//   say file:line even after a record that spans lines.
//
// Trimming: RFC 4180 keeps spaces as part of a field, and so does the reader by
// default. With `trim`, spaces and tabs outside quotes are dropped around each
// field (`  "a b" ;x ` reads as `a b` and `x`); spaces inside quotes stay. The
// reference lists and ledger import trim: their fields are codes and dates,
// and exports pad them.
//
// Errors are values (core::Result), never exceptions, and their text starts
// with `source:line:` (the line the offending record starts on for a
// field-count error, the line of the offending quote otherwise): an
// unterminated quoted field, text after a closing quote, and — when the caller
// asks for `same_width` — a record with another number of fields than the
// header. The text quotes no field values (a field may be a BSN).
//
// Threading: a reader is used by one thread; it borrows the text, which must
// outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/result.hpp"

namespace sluis::core {

struct CsvRecord {
  int line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

struct CsvOptions {
  bool trim = false;        // drop spaces and tabs outside quotes around each field
  bool comments = false;    // a line starting with '#' where a record would start is skipped
  bool same_width = false;  // a record with another field count than the header is an error
  Errc width_code = Errc::csv_fields;  // the code that error takes (a caller may have its own)
};

// The separator a header line uses (see above): ';' or ','.
char csv_separator(std::string_view header);

class CsvReader {
 public:
  // `source` names the text in errors ("cbs-gemeenten.csv").
  CsvReader(std::string_view text, std::string source, CsvOptions options = {});

  // The next record (the header first), std::nullopt at the end, or an error.
  // After an error the reader stays at the end.
  Result<std::optional<CsvRecord>> next();

  // The separator, known once the header has been read (',' before).
  char separator() const { return sep_; }

  // The line the last error names (0 before any error).
  int error_line() const { return error_line_; }

 private:
  Error fail(Errc code, int line, const std::string& what);
  bool skip_blank_or_comment();

  std::string_view text_;
  std::string source_;
  CsvOptions options_;
  std::size_t pos_ = 0;
  int line_ = 1;
  char sep_ = ',';
  bool header_read_ = false;
  std::size_t width_ = 0;
  int error_line_ = 0;
};

// Every record of `text`, the header first.
Result<std::vector<CsvRecord>> read_csv(std::string_view text, const std::string& source,
                                        CsvOptions options = {});

// The codes read_csv_table refuses with: the caller's own (a reference list and
// a contract file each have theirs).
struct CsvTableCodes {
  Errc empty;   // no header line
  Errc header;  // the header is not the expected one
  Errc fields;  // a record has another number of fields than the header
};

// The records after the header of a table whose header must be exactly
// `expected` (as read with `options`), each record as wide (read with
// `same_width`, the width error taking `codes.fields`). Refusals:
// "source: no header line", "source:line: expected the header a;b;c" (joined
// with the text's own separator), "source:line: expected N fields, found M".
Result<std::vector<CsvRecord>> read_csv_table(std::string_view text, const std::string& source,
                                              CsvOptions options,
                                              const std::vector<std::string>& expected,
                                              CsvTableCodes codes);

}  // namespace sluis::core
