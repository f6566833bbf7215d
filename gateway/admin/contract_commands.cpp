#include "gateway/admin/contract_commands.hpp"

#include <chrono>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/rules/contracts.hpp"

namespace sluis::admin {

namespace {

// One row: the API's keys and, for the operator, where it comes from.
boost::json::object row_json(const rules::ContractedProduct& p) {
  boost::json::object o = rules::to_json(p);
  o["naam"] = p.product ? p.product->naam : std::string();
  o["aanbieder"] = p.row->aanbieder;
  o["contract"] = p.row->contract;
  std::string gemeenten;
  for (const auto& g : p.gemeenten) gemeenten += (gemeenten.empty() ? "" : " ") + g;
  o["gemeenten"] = gemeenten;
  o["row"] = p.row->where;
  o["priced_by"] = p.priced->where;
  return o;
}

}  // namespace

void add_contract_commands(Registry& registry, ContractControl control) {
  registry.add(
      "contract-show",
      "What a partner is contracted for on a Dutch day, at which tariff (arguments: partner, as-of "
      "YYYY-MM-DD, default today; sluisctl contract-show --partner ID [--as-of DATE]).",
      Access::admin, [control](const Request& r) {
        const std::string partner = string_arg(r, "partner");
        if (partner.empty()) return error("contract-show: give the partner (--partner ID)");
        core::Date day = core::dutch_date(std::chrono::system_clock::now());
        if (const std::string as_of = string_arg(r, "as-of"); !as_of.empty()) {
          auto d = core::parse_date(as_of);
          if (!d)
            return error("contract-show: as-of must be a date YYYY-MM-DD, got '" + as_of + "'");
          day = *d;
        }
        auto p = control.lookup(partner);
        if (!p) return error("contract-show: no partner '" + partner + "' is configured");
        if (!p->data || !p->data->contracts)
          return error("contract-show: no contracts are loaded ([contracts] names no files)");
        const auto& k = *p->data->contracts;
        boost::json::array rows;
        for (const auto& code : p->codes) {
          auto list = code.size() == 4 ? k.contracted_in(code, day) : k.contracted_on(code, day);
          for (const auto& c : list) rows.push_back(row_json(c));
        }
        const std::string text_day = core::format_date(day);
        boost::json::object args{{"partner", partner}, {"as_of", text_day}};
        const std::size_t n = rows.size();
        args["products"] = std::move(rows);
        if (n == 0)
          return Answer{kEmpty, "nothing contracted for " + partner + " on " + text_day,
                        std::move(args)};
        return ok(std::to_string(n) + " contracted product(s) for " + partner + " on " + text_day,
                  std::move(args));
      });
}

}  // namespace sluis::admin
