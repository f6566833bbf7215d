#include "gateway/admin/report_commands.hpp"

#include <chrono>
#include <optional>
#include <set>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/rules/ceiling_rules.hpp"
#include "gateway/rules/ceilings.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/degressive.hpp"

namespace sluis::admin {

namespace {

// A provider's contract figures on the report's last day: its budget
// ceilings (a light when reached) and its degressive positions that year.
core::Result<void> add_contracts(steering::Report& report, const ReportControl& control,
                                 const rules::Contracts& k) {
  return control.read_ledger([&](const standard::ledger::LedgerView& ledger) {
    const core::Date day = report.filter.to;
    const int year = static_cast<int>(day.year());
    for (auto& row : report.rows) {
      if (row.gemeente) continue;
      if (k.ceilings)
        for (const auto& s : rules::ceiling_stands(k, ledger, row.code, day)) {
          row.ceilings.push_back(rules::to_json(s));
          if (!s.level) continue;
          const bool over = *s.level == standard::ledger::WarningLevel::exceeded;
          const auto& c = *s.row;
          const std::string what = std::string(standard::ledger::to_string(c.soort));
          steering::add_reason(
              row, over ? steering::Light::red : steering::Light::orange,
              (over ? "plafond overschreden: " : "plafond bijna bereikt: ") + what + " " + c.contract + " op " +
                  std::to_string(s.percent) + "% (" + c.where + ")",
              (over ? "ceiling exceeded: " : "ceiling nearly reached: ") + what + " " + c.contract + " at " +
                  std::to_string(s.percent) + "% (" + c.where + ")");
        }
      for (const auto& p : rules::degressive_positions(k, {row.code}, year, ledger))
        row.degressive.push_back(rules::to_json(p, k.degressive_scope));
    }
  });
}

Answer report(const Request& r, const ReportControl& control) {
  const core::Date today = core::dutch_date(std::chrono::system_clock::now());
  core::Date to, from;
  if (auto e = day_arg(r, "to", today, to); !e.empty()) return error("report: " + e);
  if (auto e = day_arg(r, "from", core::add_days(to, -29), from); !e.empty()) return error("report: " + e);
  if (to < from)
    return error("report: --to " + core::format_date(to) + " is before --from " + core::format_date(from));
  if ((core::to_days(to) - core::to_days(from)).count() >= kReportMaxDays)
    return error("report: the period is longer than " + std::to_string(kReportMaxDays) +
                 " days; report it in parts");
  const ReportContext ctx = control.context();
  steering::Filter filter{from, to, string_arg(r, "gemeente"), {}};
  if (!filter.gemeente.empty() &&
      (filter.gemeente.size() != 4 || filter.gemeente.find_first_not_of("0123456789") != std::string::npos))
    return error("report: --gemeente must be a CBS code of 4 digits, got '" + filter.gemeente.substr(0, 16) + "'");
  if (const std::string partner = string_arg(r, "partner"); !partner.empty()) {
    auto p = ctx.partner_codes.find(partner);
    if (p == ctx.partner_codes.end()) return error("report: no partner '" + partner.substr(0, 64) + "' is configured");
    filter.codes = p->second;
  }
  auto facts = control.store->steering_facts({from, to});
  if (!facts) return error("report: the store could not be read: " + facts.error().text);
  steering::Report rep = steering::build(*facts, filter, ctx.parties, ctx.thresholds, *ctx.calendar, today);
  if (ctx.data && ctx.data->contracts && control.read_ledger)
    if (auto c = add_contracts(rep, control, *ctx.data->contracts); !c)
      return error("report: the ledger could not be read: " + c.error().text);
  boost::json::object args = steering::to_json(rep);
  // The watches' open cases of the partners in the report (and sluis's own
  // when no partner is chosen).
  boost::json::array watches;
  if (control.watches) {
    auto counts = control.watches();
    if (!counts) return error("report: the watches could not be read: " + counts.error().text);
    std::set<std::string> partners;
    for (const auto& row : rep.rows)
      if (!row.partner.empty()) partners.insert(row.partner);
    if (filter.codes.empty()) partners.insert("sluis");
    for (const auto& w : *counts)
      if (partners.count(w.partner))
        watches.push_back({{"watch", w.watch}, {"partner", w.partner}, {"open", w.open}, {"nl", w.what_nl},
                           {"en", w.what_en}});
  }
  args["watches"] = std::move(watches);
  if (const std::string partner = string_arg(r, "partner"); !partner.empty()) args["partner"] = partner;
  const std::size_t n = rep.rows.size();
  const std::string period = core::format_date(from) + " to " + core::format_date(to);
  if (n == 0) return Answer{kEmpty, "nothing to report from " + period, std::move(args)};
  return ok(std::to_string(n) + " row(s) from " + period, std::move(args));
}

}  // namespace

void add_report_commands(Registry& registry, ReportControl control) {
  registry.add("report",
               "The steering report per municipality and provider over a period of Dutch days: messages, "
               "rejections with their retourcodes, turnaround against the standard's deadlines, waiting "
               "times, in- and outflow, declared against allocated, ceilings, a traffic light with its "
               "reason (arguments: from, to YYYY-MM-DD, default the last 30 days; gemeente CODE; partner "
               "ID; sluisctl report [--from DAY --to DAY] [--gemeente CODE] [--partner ID] [--format "
               "table|csv]).",
               Access::admin, [control](const Request& r) { return report(r, control); });
}

}  // namespace sluis::admin
