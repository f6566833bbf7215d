#include "gateway/admin/contract_commands.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/rules/ceiling_rules.hpp"
#include "gateway/rules/ceilings.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/contract_preview.hpp"
#include "gateway/rules/degressive.hpp"
#include "gateway/rules/reference_loader.hpp"

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

// The longest period a preview replays (three years): a bound on its work.
constexpr int kPreviewDays = 3 * 366;

Answer preview(const Request& r, const ContractControl& control) {
  const core::Date today = core::dutch_date(std::chrono::system_clock::now());
  core::Date from, to;
  if (auto e = day_arg(r, "from", core::Date{today.year() / 1 / 1}, from); !e.empty())
    return error("contract-preview: " + e);
  if (auto e = day_arg(r, "to", today, to); !e.empty()) return error("contract-preview: " + e);
  if (core::to_days(to) < core::to_days(from))
    return error("contract-preview: --to " + core::format_date(to) + " is before --from " +
                 core::format_date(from));
  if ((core::to_days(to) - core::to_days(from)).count() > kPreviewDays)
    return error("contract-preview: the period is longer than three years; preview it in parts");
  const PreviewContext ctx = control.preview();
  if (!ctx.data || !ctx.data->contracts || !ctx.files.configured())
    return error("contract-preview: no contracts are loaded ([contracts] names no files)");
  // The proposed files, by the name of the configured file each replaces.
  std::vector<std::string> names;
  for (const auto* p : {&ctx.files.catalogue, &ctx.files.coverage, &ctx.files.tariffs, &ctx.files.degressive})
    if (!p->empty()) names.push_back(p->filename().string());
  std::map<std::string, std::string> texts;
  boost::json::array given;
  const auto* files = r.arguments.if_contains("files");
  if (!files || !files->is_array() || files->as_array().empty())
    return error("contract-preview: give the proposed contract files (sluisctl contract-preview FILE...)");
  for (const auto& f : files->as_array()) {
    const auto* o = f.if_object();
    const auto* name = o ? o->if_contains("name") : nullptr;
    const auto* body = o ? o->if_contains("body") : nullptr;
    if (!name || !name->is_string() || !body || !body->is_string())
      return error("contract-preview: every file is {\"name\", \"body\"}");
    const std::string base = std::filesystem::path(std::string(name->as_string())).filename().string();
    if (std::find(names.begin(), names.end(), base) == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      return error("contract-preview: " + base + " is none of the configured contract files (" + known +
                   "); name a proposed file like the file it replaces");
    }
    if (!texts.emplace(base, std::string(body->as_string())).second)
      return error("contract-preview: " + base + " is given twice");
    given.push_back(boost::json::string(base));
  }
  std::shared_ptr<const rules::Contracts> proposed;
  try {
    proposed = rules::load_contracts(ctx.files, &ctx.data->gemeenten, texts);
  } catch (const std::exception& e) {
    return error(std::string("contract-preview: the proposed contracts do not load: ") + e.what());
  }
  const rules::Contracts& current = *ctx.data->contracts;
  std::vector<std::string> providers = current.aanbieders();
  for (const auto& a : proposed->aanbieders()) providers.push_back(a);
  std::sort(providers.begin(), providers.end());
  providers.erase(std::unique(providers.begin(), providers.end()), providers.end());
  boost::json::array changed;
  std::int64_t unchanged = 0, replayed = 0;
  auto read = control.read_ledger([&](const standard::ledger::LedgerView& ledger) {
    for (const auto& p : rules::contract_preview(current, *proposed, ledger, providers, from, to)) {
      replayed += p.prestaties;
      if (p.anything())
        changed.push_back(rules::to_json(p));
      else
        ++unchanged;
    }
  });
  if (!read) return error("contract-preview: " + read.error().text);
  const std::size_t n = changed.size();
  boost::json::object args{{"from", core::format_date(from)},
                           {"to", core::format_date(to)},
                           {"files", std::move(given)},
                           {"replayed", replayed},
                           {"unchanged", unchanged},
                           {"providers", std::move(changed)}};
  const std::string summary = std::to_string(n) + " provider(s) affected, " + std::to_string(unchanged) +
                              " unchanged, " + std::to_string(replayed) + " prestatie(s) replayed from " +
                              core::format_date(from) + " to " + core::format_date(to);
  if (n == 0) return Answer{kEmpty, summary, std::move(args)};
  return ok(summary, std::move(args));
}

}  // namespace

void add_contract_commands(Registry& registry, ContractControl control) {
  registry.add(
      "contract-show",
      "What a partner is contracted for on a Dutch day, at which tariff, and a provider's budget ceilings "
      "and contingents with where it stands (arguments: partner, as-of YYYY-MM-DD, default today; "
      "sluisctl contract-show --partner ID [--as-of DATE]).",
      Access::admin, [control](const Request& r) {
        const std::string partner = string_arg(r, "partner");
        if (partner.empty()) return error("contract-show: give the partner (--partner ID)");
        core::Date day;
        if (auto e = day_arg(r, "as-of", core::dutch_date(std::chrono::system_clock::now()), day); !e.empty())
          return error("contract-show: " + e);
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
        // A provider's ceilings and where it stands against them.
        boost::json::array ceilings;
        if (k.ceilings && control.read_ledger)
          for (const auto& code : p->codes) {
            if (code.size() != 8 || k.ceilings->of(code, day).empty()) continue;
            auto read = control.read_ledger([&](const standard::ledger::LedgerView& ledger) {
              for (const auto& s : rules::ceiling_stands(k, ledger, code, day)) ceilings.push_back(rules::to_json(s));
            });
            if (!read) return error("contract-show: the ledger could not be read: " + read.error().text);
          }
        const std::string text_day = core::format_date(day);
        boost::json::object args{{"partner", partner}, {"as_of", text_day}};
        args["ceilings"] = std::move(ceilings);
        const std::size_t n = rows.size();
        args["products"] = std::move(rows);
        if (n == 0)
          return Answer{kEmpty, "nothing contracted for " + partner + " on " + text_day,
                        std::move(args)};
        return ok(std::to_string(n) + " contracted product(s) for " + partner + " on " + text_day,
                  std::move(args));
      });
  registry.add(
      "contract-preview",
      "The ledger's prestaties of a period judged under the loaded contracts and under proposed "
      "files, per provider: 0611 gained or lost, uncontracted, amounts, degressive positions; "
      "nothing changes (arguments: files [{name, body}], from, to YYYY-MM-DD, default this Dutch "
      "year up to today; sluisctl contract-preview FILE... [--from DAY --to DAY]).",
      Access::admin, [control](const Request& r) { return preview(r, control); });
  registry.add(
      "degressive-status",
      "Where a provider stands in a year's degressive tariff: threshold, etmalen so far, remaining "
      "at the full tariff (arguments: partner, year YYYY, default this Dutch year; sluisctl "
      "degressive-status --partner ID [--year YYYY]).",
      Access::admin, [control](const Request& r) {
        const std::string partner = string_arg(r, "partner");
        if (partner.empty()) return error("degressive-status: give the provider (--partner ID)");
        int year = static_cast<int>(core::dutch_date(std::chrono::system_clock::now()).year());
        std::string y = string_arg(r, "year");
        if (const auto* v = r.arguments.if_contains("year"); v && v->is_int64())
          y = std::to_string(v->as_int64());
        else if (v && !v->is_string())
          y = "?";
        if (!y.empty()) {
          auto parsed = rules::parse_year(y);
          if (!parsed)
            return error("degressive-status: year must be a year YYYY (2000-2099), got '" +
                         y.substr(0, 16) + "'");
          year = *parsed;
        }
        auto p = control.lookup(partner);
        if (!p) return error("degressive-status: no partner '" + partner + "' is configured");
        if (!p->data || !p->data->contracts)
          return error("degressive-status: no contracts are loaded ([contracts] names no files)");
        std::vector<std::string> agb;
        for (const auto& code : p->codes)
          if (code.size() == 8) agb.push_back(code);
        if (agb.empty())
          return error("degressive-status: " + partner +
                       " is a gemeente; the degressive tariff is a provider's");
        const auto& k = *p->data->contracts;
        boost::json::array rows;
        auto read = control.read_ledger([&](const standard::ledger::LedgerView& ledger) {
          for (const auto& pos : rules::degressive_positions(k, agb, year, ledger))
            rows.push_back(rules::to_json(pos, k.degressive_scope));
        });
        if (!read) return error("degressive-status: " + read.error().text);
        boost::json::object args{{"partner", partner}, {"year", year}};
        const std::size_t n = rows.size();
        args["positions"] = std::move(rows);
        if (n == 0)
          return Answer{kEmpty, "no degressive tariff for " + partner + " in " + std::to_string(year),
                        std::move(args)};
        return ok(std::to_string(n) + " degressive row(s) for " + partner + " in " +
                      std::to_string(year),
                  std::move(args));
      });
}

}  // namespace sluis::admin
