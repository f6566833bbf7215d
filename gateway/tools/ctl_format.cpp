#include "gateway/tools/ctl_format.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <ostream>
#include <stdexcept>

#include "gateway/admin/registry.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/tools/ctl_spec.hpp"

namespace sluis::tools {

int exit_code(const admin::Answer& a, bool empty_is_no) {
  switch (a.result) {
    case admin::kOk:
      return kExitOk;
    case admin::kEmpty:
      return empty_is_no ? kExitNo : kExitOk;
    case admin::kUnsupported:
      return kExitUsage;
    default:
      break;
  }
  const auto* reason = a.arguments.if_contains("reason");
  if (reason && reason->is_string() && reason->as_string() == admin::kNotPermitted) return kExitNotPermitted;
  return kExitNo;
}

DayBounds dutch_day_bounds(const core::Date& d) {
  const auto first = core::dutch_midnight(d);
  const auto next = core::dutch_midnight(core::add_days(d, 1));
  return {core::utc_text(first), core::utc_text(next - std::chrono::milliseconds(1))};
}

std::string dutch_time(std::string_view utc, bool iso) {
  auto t = core::parse_utc_text(utc);
  if (!t) return std::string(utc);
  core::init_dutch_time();
  std::time_t secs = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(*t));
  std::tm tm{};
  if (::localtime_r(&secs, &tm) == nullptr) return std::string(utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, iso ? "%04d-%02d-%02dT%02d:%02d:%02d" : "%04d-%02d-%02d %02d:%02d:%02d",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (iso) {
    const long off = tm.tm_gmtoff / 60;  // minutes east of UTC
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::labs(off) / 60, std::labs(off) % 60);
    out += buf;
  }
  return out;
}

namespace {

std::string one_line(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

// Display width: UTF-8 continuation bytes take no column.
std::size_t width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

void print_table(const Table& t, std::ostream& out) {
  std::vector<std::size_t> w(t.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(one_line(row[i])));
  };
  measure(t.header);
  for (const auto& r : t.rows) measure(r);
  auto line = [&](const std::vector<std::string>& row) {
    std::string s;
    for (std::size_t i = 0; i < w.size(); ++i) {
      std::string cell = i < row.size() ? one_line(row[i]) : std::string();
      s += cell;
      if (i + 1 < w.size()) s += std::string(w[i] - width(cell) + 2, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out << s << "\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
}

std::string csv_cell(std::string_view s) {
  std::string v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    v = "'";
  v += s;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

void print_csv(const Table& t, std::ostream& out) {
  auto line = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << csv_cell(row[i]);
    out << "\r\n";
  };
  line(t.header);
  for (const auto& r : t.rows) line(r);
}

}  // namespace sluis::tools
