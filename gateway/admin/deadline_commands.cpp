#include "gateway/admin/deadline_commands.hpp"

#include <chrono>
#include <map>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::admin {

void add_deadline_commands(Registry& registry, store::OperatorQueue& db) {
  registry.add(
      "overdue",
      "Answers the standard requires that are past their due date, per partner that owes them (arguments: "
      "partner, as-of YYYY-MM-DD; sluisctl overdue [--partner ID] [--as-of DATE]).",
      Access::admin, [&db](const Request& r) {
        std::string partner = string_arg(r, "partner");
        core::Date today;
        if (auto e = day_arg(r, "as-of", core::dutch_date(std::chrono::system_clock::now()), today); !e.empty())
          return error("overdue: " + e);
        auto list = db.overdue(core::format_date(today), partner);
        if (!list) return error("overdue: " + list.error().text);
        const std::string day = core::format_date(today);
        if (list->empty())
          return Answer{kEmpty, "nothing overdue on " + day + (partner.empty() ? "" : " for " + partner),
                        {{"as_of", day}, {"partners", boost::json::object{}}}};
        std::map<std::string, boost::json::array> per_partner;
        for (const auto& o : *list) {
          auto due = core::parse_date(o.due_on);
          std::string since = due ? core::format_date(core::add_days(*due, 1)) : std::string();
          long days = due ? static_cast<long>((core::to_days(today) - core::to_days(*due)).count()) : 0;
          per_partner[o.owed_by.empty() ? "(none)" : o.owed_by].push_back(
              boost::json::object{{"message", o.message_id},
                                  {"kind", o.kind},
                                  {"rule", o.rule},
                                  {"law", standard::to_string(o.law)},
                                  {"type", o.type},
                                  {"owed_by_code", o.owed_by_code},
                                  {"owed_to", o.owed_to},
                                  {"owed_to_code", o.owed_to_code},
                                  {"received", o.opened_on},
                                  {"due", o.due_on},
                                  {"overdue_since", since},
                                  {"days_overdue", days}});
        }
        boost::json::object partners;
        for (auto& [p, rows] : per_partner) partners[p] = std::move(rows);
        return ok(std::to_string(list->size()) + " answer(s) overdue on " + day + " (" +
                      std::to_string(per_partner.size()) + " partner(s))",
                  {{"as_of", day}, {"partners", std::move(partners)}});
      });
}

}  // namespace sluis::admin
