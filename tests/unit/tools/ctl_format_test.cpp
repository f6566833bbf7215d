// sluisctl's output helpers (gateway/tools/ctl_format.hpp): the exit code of
// every answer, tables, CSV escaping (formula injection too) and Dutch days
// over the daemon's UTC, across both daylight-saving changes.
#define BOOST_TEST_MODULE ctl_format
#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>

#include "gateway/admin/registry.hpp"
#include "gateway/tools/ctl_format.hpp"
#include "gateway/tools/ctl_spec.hpp"

using namespace sluis;
using namespace sluis::tools;

namespace {
core::Date day(int y, unsigned m, unsigned d) {
  return core::Date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
}
}  // namespace

BOOST_AUTO_TEST_CASE(answers_map_to_one_exit_code_scheme) {
  admin::Answer a;
  a.result = admin::kOk;
  BOOST_TEST(exit_code(a, false) == 0);
  a.result = admin::kEmpty;  // an empty list is success ...
  BOOST_TEST(exit_code(a, false) == 0);
  BOOST_TEST(exit_code(a, true) == 1);  // ... a lookup of one message that is not there is not
  a.result = admin::kError;
  BOOST_TEST(exit_code(a, false) == 1);
  a.arguments["reason"] = std::string(admin::kNotPermitted);
  BOOST_TEST(exit_code(a, false) == 77);
  a.arguments["reason"] = "something else";
  BOOST_TEST(exit_code(a, false) == 1);
  a.result = admin::kUnsupported;
  BOOST_TEST(exit_code(a, false) == 64);
  // The documented codes, each once.
  std::vector<int> codes;
  for (const auto& e : kExitCodes) codes.push_back(e.code);
  BOOST_TEST((codes == std::vector<int>{0, 1, 64, 69, 77, 78}));
}

BOOST_AUTO_TEST_CASE(dutch_days_become_utc_bounds) {
  auto winter = dutch_day_bounds(day(2026, 3, 1));
  BOOST_TEST(winter.first == "2026-02-28T23:00:00.000Z");
  BOOST_TEST(winter.last == "2026-03-01T22:59:59.999Z");
  auto summer = dutch_day_bounds(day(2026, 7, 1));
  BOOST_TEST(summer.first == "2026-06-30T22:00:00.000Z");
  BOOST_TEST(summer.last == "2026-07-01T21:59:59.999Z");
  // The days of the change: 23 and 25 hours.
  auto spring = dutch_day_bounds(day(2026, 3, 29));
  BOOST_TEST(spring.first == "2026-03-28T23:00:00.000Z");
  BOOST_TEST(spring.last == "2026-03-29T21:59:59.999Z");
  auto autumn = dutch_day_bounds(day(2026, 10, 25));
  BOOST_TEST(autumn.first == "2026-10-24T22:00:00.000Z");
  BOOST_TEST(autumn.last == "2026-10-25T22:59:59.999Z");
}

BOOST_AUTO_TEST_CASE(utc_times_show_as_dutch_local_time) {
  BOOST_TEST(dutch_time("2026-01-15T08:30:00.000Z") == "2026-01-15 09:30:00");
  BOOST_TEST(dutch_time("2026-07-01T22:30:00.000Z") == "2026-07-02 00:30:00");  // the next Dutch day
  BOOST_TEST(dutch_time("2026-01-15T08:30:00.000Z", true) == "2026-01-15T09:30:00+01:00");
  BOOST_TEST(dutch_time("2026-07-01T22:30:00.000Z", true) == "2026-07-02T00:30:00+02:00");
  BOOST_TEST(dutch_time("") == "");
  BOOST_TEST(dutch_time("not a time") == "not a time");
}

BOOST_AUTO_TEST_CASE(csv_cells_are_escaped_and_never_formulas) {
  BOOST_TEST(csv_cell("plain") == "plain");
  BOOST_TEST(csv_cell("") == "");
  BOOST_TEST(csv_cell("a,b") == "\"a,b\"");
  BOOST_TEST(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(csv_cell("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(csv_cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  BOOST_TEST(csv_cell("+31 20") == "'+31 20");
  BOOST_TEST(csv_cell("-1") == "'-1");
  BOOST_TEST(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  BOOST_TEST(csv_cell("\tx") == "'\tx");
  BOOST_TEST(csv_cell("a=b") == "a=b");  // only at the start
  std::ostringstream out;
  print_csv({{"id", "note"}, {{"m1", "x,y"}, {"m2", "=1+1"}}}, out);
  BOOST_TEST(out.str() == "id,note\r\nm1,\"x,y\"\r\nm2,'=1+1\r\n");
}

BOOST_AUTO_TEST_CASE(tables_align_columns_one_line_per_row) {
  std::ostringstream out;
  print_table({{"ID", "STATE", "NOTE"}, {{"m1", "queued", ""}, {"m22", "held", "two\nlines"}}}, out);
  BOOST_TEST(out.str() ==
             "ID   STATE   NOTE\n"
             "m1   queued\n"
             "m22  held    two lines\n");
  // Multi-byte UTF-8 takes one column per character.
  std::ostringstream utf;
  print_table({{"A", "B"}, {{"é", "x"}, {"ab", "y"}}}, utf);
  BOOST_TEST(utf.str() == "A   B\né   x\nab  y\n");
}

BOOST_AUTO_TEST_CASE(every_command_is_declared_once_with_unique_options) {
  std::set<std::string_view> names;
  for (const auto& c : kCommands) {
    BOOST_TEST(names.insert(c.name).second, c.name);
    BOOST_TEST(find_command(c.name) == &c);
    std::set<std::string_view> opts;
    for (const auto& o : c.options) {
      BOOST_TEST(opts.insert(o.name).second, c.name << " --" << o.name);
      for (const auto& common : kCommonOptions) BOOST_TEST(o.name != common.name, c.name << " --" << o.name);
    }
  }
  for (const char* offline : {"validate", "rules-list", "explain"})
    BOOST_TEST(find_command(offline)->offline, offline);
  BOOST_TEST(!find_command("ledger-import")->offline);  // through the daemon
  BOOST_TEST(find_command("no-such-command") == nullptr);
}
