// sluisctl's output and its days: the exit code of a daemon answer, tables
// and CSV, and Dutch local days and times (Europe/Amsterdam) over the admin
// protocol's UTC.
//
// Days on sluisctl's command line and times in its tables are Dutch local;
// the daemon stores and answers UTC (received_at "2026-03-01T08:30:00.000Z"),
// and --json shows that unchanged. The first use sets the process time zone
// (core::init_dutch_time; throws std::runtime_error without tzdata).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/admin/command.hpp"
#include "gateway/core/date.hpp"

namespace sluis::tools {

// The exit code of an answer (ctl_spec.hpp): 0 for result 0 and for result 3
// (empty) unless `empty_is_no`; 1 for result 1; 77 for result 1 with
// arguments.reason "not_permitted"; 64 for result 2 (unknown command).
int exit_code(const admin::Answer& a, bool empty_is_no);

// The first and the last millisecond of Dutch day `d`, as UTC texts
// (core::utc_text): 2026-03-01 is 2026-02-28T23:00:00.000Z ...
// 2026-03-01T22:59:59.999Z, a summer day starts at 22:00 UTC the day before.
struct DayBounds {
  std::string first, last;
};
DayBounds dutch_day_bounds(const core::Date& d);

// A UTC text of the store as Dutch local time: "2026-03-01 09:30:00", or with
// `iso` "2026-03-01T09:30:00+01:00". Anything else (empty, not a time) is
// returned as it is.
std::string dutch_time(std::string_view utc, bool iso = false);

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Columns aligned with two spaces between them, the header first; the last
// column is not padded. A cell's control characters become spaces (one line
// per row).
void print_table(const Table& t, std::ostream& out);

// One CSV cell (RFC 4180): quoted when it holds a comma, a quote, CR or LF,
// quotes doubled. A cell starting with = + - @ (or a tab or CR) gets a
// leading ' so that a spreadsheet does not take it for a formula.
std::string csv_cell(std::string_view s);
// The header row and every row, CRLF line ends (RFC 4180).
void print_csv(const Table& t, std::ostream& out);

}  // namespace sluis::tools
