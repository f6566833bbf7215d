#include "gateway/route/deadline_watch.hpp"

#include <map>
#include <vector>

#include "gateway/core/metrics.hpp"
#include "gateway/route/events.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/deadlines.hpp"

namespace sluis::route {

void DeadlineWatch::register_partners(const std::vector<std::string>& partners) {
  using standard::deadlines::Kind;
  for (const auto& p : partners)
    for (auto k : {Kind::retour, Kind::declaratie_antwoord, Kind::verzoek_antwoord, Kind::definitief_antwoord}) {
      const std::string labels = "partner=\"" + p + "\",kind=\"" + std::string(standard::deadlines::to_string(k)) + "\"";
      core::gauge("sluis_overdue_answers", kHelp, labels);
      series_.insert(labels);
    }
}

core::Result<DeadlineWatch::Scan> DeadlineWatch::scan(const core::Date& today) {
  auto list = store_.overdue(core::format_date(today), "");
  if (!list) {
    core::log(events::kDeadlineStoreError, {{"error", list.error().text}});
    return list.error();
  }
  std::map<std::string, std::int64_t> counts;  // label set -> count
  std::vector<std::int64_t> logged;
  // Every node counts (its own gauges); one node logs each overdue answer
  // once (Retention::leads).
  const bool lead = store_.leads();
  for (const auto& o : *list) {
    const std::string partner = o.owed_by.empty() ? "none" : o.owed_by;
    ++counts["partner=\"" + partner + "\",kind=\"" + o.kind + "\""];
    if (o.logged || !lead) continue;
    core::log(events::kAnswerOverdue, {{"msg", o.message_id},
                                       {"partner", partner},
                                       {"kind", o.kind},
                                       {"rule", o.rule},
                                       {"law", standard::to_string(o.law)},
                                       {"type", o.type},
                                       {"due", o.due_on}});
    logged.push_back(o.id);
  }
  for (const auto& labels : series_)
    if (!counts.count(labels)) core::gauge("sluis_overdue_answers", kHelp, labels).set(0);
  for (const auto& [labels, n] : counts) {
    core::gauge("sluis_overdue_answers", kHelp, labels).set(n);
    series_.insert(labels);
  }
  if (!logged.empty())
    if (auto r = store_.mark_overdue_logged(logged); !r) {
      // Logged again at the next scan: better twice than never.
      core::log(events::kDeadlineStoreError, {{"error", r.error().text}});
      return r.error();
    }
  return Scan{list->size(), logged.size()};
}

}  // namespace sluis::route
