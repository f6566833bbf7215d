// The ceiling rules: a message against the budget ceilings and contingents of
// the region's contracts (ceilings.hpp). Cross-message rules (they read the
// ledger inside the commit) whose findings are always advice: the 3.2 list has
// no retourcode for a ceiling, and a ceiling is a steering figure, not a
// reason to refuse care that was allocated or delivered.
//
//  - SL004 (323, budget): per contract with a budget row of the provider
//    (Afzender) covering the message's gemeente (Ontvanger) on a prestatie's
//    Begindatum, and per calendar year of those Begindatums: the provider's
//    not-rejected prestaties of that year (LedgerView::prestaties_between,
//    debit minus credit cents) whose gemeente the contract covers on their
//    Begindatum, plus this message's (debit minus credit) but for those its
//    own findings refuse (Context::findings and the rules before). A message
//    without a debit in that contract and year lowers nothing into a warning
//    and is not warned.
//  - SL005 (301, contingent): per contingent row of the provider (Ontvanger)
//    for the product of a new allocation (a ToewijzingNummer the ledger does
//    not count yet, not withdrawn) in a contract covering the gemeente
//    (Afzender) on its Ingangsdatum: the allocations of that product to the
//    provider that count on that day (LedgerView::allocations_of_product) in
//    the gemeenten the contract covers then, those this 301 replaces left
//    out, plus this 301's own (but for those its own findings refuse).
// Each warns when the position reaches the row's waarschuwing_procent (level
// warning) or its maximum (level exceeded), with the numbers and the row.
#include "gateway/rules/ceiling_rules.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <set>
#include <tuple>

#include "gateway/rules/ceilings.hpp"
#include "gateway/rules/checks.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/outcome.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
namespace L = standard::ledger;
using checks::as;
using checks::d;
using checks::euro_en;
using checks::euro_nl;
using checks::kX;

struct Position {
  L::ContractWarning w;
  const CeilingRow* row = nullptr;
  const m::Src* src = nullptr;
  std::string element;  // where the finding stands, below src
  std::string value;
};

const Contracts* contracts_of(const Context& c) {
  if (!c.ledger || !c.reference || !c.reference->contracts || !c.reference->contracts->ceilings)
    return nullptr;
  return c.reference->contracts.get();
}

Position position(const Context& c, const CeilingRow& row, std::int64_t amount,
                  L::WarningLevel level) {
  Position p;
  p.row = &row;
  p.w.law = c.message.type->law;
  p.w.aanbieder = row.aanbieder;
  p.w.contract = row.contract;
  p.w.kind = row.soort;
  p.w.categorie = row.categorie;
  p.w.code = row.code;
  p.w.level = level;
  p.w.maximum = row.maximum;
  p.w.amount = amount;
  p.w.percent = ceiling_percent(row, amount);
  p.w.waarschuwing_procent = row.waarschuwing_procent;
  p.w.row = row.where;
  return p;
}

// The classes the message's own findings refuse (a retourcode): what will not
// count in the ledger does not count here either.
std::set<std::string> refused(const Context& c, const standard::Findings* more) {
  std::set<std::string> out;
  if (c.findings) out = rejected_classes(c.message, *c.findings);
  if (more)
    for (auto& path : rejected_classes(c.message, *more)) out.insert(path);
  return out;
}

std::vector<Position> budget_positions(const Context& c, const std::set<std::string>& skip) {
  std::vector<Position> out;
  const Contracts* k = contracts_of(c);
  auto b = as<m::Bericht323>(c);
  if (!k || !b) return out;
  const auto& h = c.message.header();
  const std::string& aanbieder = h.Afzender;
  const std::string& gemeente = h.Ontvanger;
  const standard::Law law = c.message.type->law;
  // This message's share per (row, year), and where its first debit stands.
  struct Share {
    std::int64_t cents = 0;
    const m::Prestatie* first_debit = nullptr;
  };
  std::map<std::pair<const CeilingRow*, int>, Share> shares;
  std::set<std::string> referenties;
  for (const auto& cl : b->Declaratie.Clienten)
    for (const auto& p : cl.Prestaties) {
      referenties.insert(p.ProductReferentie.ReferentieNummer);
      if (!skip.empty() && (skip.count(p.src.path()) || skip.count(cl.src.path()))) continue;
      const core::Date& on = p.ProductPeriode.Begindatum;
      for (const CeilingRow* row : k->ceilings->budgets(aanbieder, on)) {
        if (!k->covers(row->contract, gemeente, on)) continue;
        auto& s = shares[{row, static_cast<int>(on.year())}];
        s.cents += p.IngediendBedrag.signed_cents();
        if (!s.first_debit && p.IngediendBedrag.DebetCredit != "C") s.first_debit = &p;
      }
    }
  std::map<int, std::vector<L::Prestatie>> years;  // the ledger's, read once per year
  for (const auto& [key, share] : shares) {
    if (!share.first_debit) continue;
    const auto& [row, year] = key;
    auto it = years.find(year);
    if (it == years.end()) {
      const std::chrono::year y{year};
      it = years
               .emplace(year, c.ledger->prestaties_between(aanbieder, y / std::chrono::January / 1,
                                                           y / std::chrono::December / 31))
               .first;
    }
    std::int64_t amount = share.cents;
    for (const auto& q : it->second) {
      // A prestatie this message declares again is counted once, as the message's.
      if (q.law == law && referenties.count(q.referentie)) continue;
      if (!k->covers(row->contract, q.gemeente, q.begin)) continue;
      amount += q.credit ? -q.cents : q.cents;
    }
    auto level = ceiling_level(*row, amount);
    if (!level) continue;
    Position p = position(c, *row, amount, *level);
    p.w.year = year;
    p.src = &share.first_debit->src;
    p.element = "IngediendBedrag/Bedrag";
    p.value = std::to_string(share.first_debit->IngediendBedrag.Bedrag);
    out.push_back(std::move(p));
  }
  return out;
}

bool counts_on(const core::Date& from, const std::optional<core::Date>& to, const core::Date& on) {
  return core::to_days(from) <= core::to_days(on) &&
         (!to || core::to_days(*to) >= core::to_days(on));
}

std::vector<Position> contingent_positions(const Context& c, const std::set<std::string>& skip) {
  std::vector<Position> out;
  const Contracts* k = contracts_of(c);
  auto b = as<m::Bericht301>(c);
  if (!k || !b || !b->Client) return out;
  const auto& h = c.message.header();
  const std::string& gemeente = h.Afzender;
  const std::string& aanbieder = h.Ontvanger;
  const standard::Law law = c.message.type->law;
  if (skip.count(b->Client->src.path())) return out;
  std::vector<const m::ToegewezenProduct*> counted;  // not refused by the message's findings
  for (const auto& p : b->Client->ToegewezenProducten)
    if (skip.empty() || !skip.count(p.src.path())) counted.push_back(&p);
  const auto& lines = b->Client->ToegewezenProducten;
  std::set<m::Integer> nummers;
  for (const auto& p : lines) nummers.insert(p.ToewijzingNummer);
  auto withdrawn = [](const std::optional<std::string>& reden) { return reden && *reden == "13"; };
  std::set<const CeilingRow*> done;
  for (const m::ToegewezenProduct* line : counted) {
    const auto& p = *line;
    if (!p.Product || !p.Product->Code || withdrawn(p.RedenWijziging)) continue;
    const std::string& categorie = p.Product->Categorie;
    const std::string& code = *p.Product->Code;
    const core::Date& on = p.Ingangsdatum;
    // A change of an allocation the contingent counts already adds nothing.
    if (auto known = c.ledger->allocation(law, gemeente, p.ToewijzingNummer);
        known && known->verdict != L::Verdict::rejected && !withdrawn(known->reden_wijziging) &&
        known->aanbieder == aanbieder && known->categorie == categorie && known->code == code &&
        counts_on(known->ingangsdatum, known->einddatum, on))
      continue;
    for (const CeilingRow* row : k->ceilings->contingents(aanbieder, law, categorie, code, on)) {
      if (done.count(row) || !k->covers(row->contract, gemeente, on)) continue;
      done.insert(row);
      std::int64_t count = 0;
      for (const auto& a : c.ledger->allocations_of_product(law, aanbieder, categorie, code, on))
        if (!(a.gemeente == gemeente && nummers.count(a.toewijzing_nummer)) &&
            k->covers(row->contract, a.gemeente, on))
          ++count;
      for (const m::ToegewezenProduct* other : counted)
        if (const auto& q = *other; q.Product && q.Product->Categorie == categorie &&
                                    q.Product->Code == code && !withdrawn(q.RedenWijziging) &&
                                    counts_on(q.Ingangsdatum, q.Einddatum, on))
          ++count;
      auto level = ceiling_level(*row, count);
      if (!level) continue;
      Position pos = position(c, *row, count, *level);
      pos.src = &p.src;
      pos.element = "ToewijzingNummer";
      pos.value = std::to_string(p.ToewijzingNummer);
      pos.w.year = 0;
      out.push_back(std::move(pos));
    }
  }
  return out;
}

std::string state_nl(const Position& p) {
  if (p.w.level == L::WarningLevel::warning)
    return fmt::format("de waarschuwingsgrens van {}% is bereikt", p.w.waarschuwing_procent);
  return p.w.amount == p.w.maximum ? "het maximum is bereikt" : "het maximum is overschreden";
}
std::string state_en(const Position& p) {
  if (p.w.level == L::WarningLevel::warning)
    return fmt::format("the warning level of {}% is reached", p.w.waarschuwing_procent);
  return p.w.amount == p.w.maximum ? "the maximum is reached" : "the maximum is exceeded";
}

void sl004(const Context& c, Sink& s) {
  for (const auto& p : budget_positions(c, refused(c, &s.so_far()))) {
    auto& f = s.fail(
        *p.src, p.element, p.value,
        fmt::format(
            "het budgetplafond {} van aanbieder {} in contract {} voor {}: met deze "
            "declaratie is {} gedeclareerd, {}% van het plafond; {} (contract {}). Dit is een "
            "signaal voor het contractgesprek, geen afwijzing.",
            euro_nl(p.w.maximum), p.w.aanbieder, p.w.contract, p.w.year, euro_nl(p.w.amount),
            p.w.percent, state_nl(p), p.w.row),
        fmt::format(
            "the budget ceiling {} of provider {} in contract {} for {}: with this "
            "declaration {} is declared, {}% of the ceiling; {} (contract row {}). This is a "
            "signal for the contract talks, not a refusal.",
            euro_en(p.w.maximum), p.w.aanbieder, p.w.contract, p.w.year, euro_en(p.w.amount),
            p.w.percent, state_en(p), p.w.row));
    f.advisory = true;
  }
}

void sl005(const Context& c, Sink& s) {
  for (const auto& p : contingent_positions(c, refused(c, &s.so_far()))) {
    auto& f = s.fail(
        *p.src, p.element, p.value,
        fmt::format(
            "het contingent van {} toewijzingen van product {} voor aanbieder {} in contract "
            "{}: met deze toewijzing lopen er {} tegelijk, {}% van het contingent; {} "
            "(contract {}). Dit is een signaal voor het contractgesprek, geen afwijzing.",
            p.w.maximum, p.w.code, p.w.aanbieder, p.w.contract, p.w.amount, p.w.percent,
            state_nl(p), p.w.row),
        fmt::format(
            "the contingent of {} allocations of product {} for provider {} in contract {}: "
            "with this allocation {} run at once, {}% of the contingent; {} (contract row "
            "{}). This is a signal for the contract talks, not a refusal.",
            p.w.maximum, p.w.code, p.w.aanbieder, p.w.contract, p.w.amount, p.w.percent,
            state_en(p), p.w.row));
    f.advisory = true;
  }
}

// clang-format off
const std::array kCeilingRules = {
  Rule{"SL004", "", kX, "323", "De declaraties van de aanbieder blijven binnen het budgetplafond van het contract voor het kalenderjaar (regel van sluis; altijd advies).", "The provider's declarations stay within the contract's budget ceiling for the calendar year (sluis's own rule; always advice).", &sl004},
  Rule{"SL005", "", kX, "301", "De lopende toewijzingen van een product aan de aanbieder blijven binnen het contingent van het contract (regel van sluis; altijd advies).", "The provider's current allocations of a product stay within the contract's contingent (sluis's own rule; always advice).", &sl005},
};
// clang-format on

}  // namespace

std::span<const Rule> ceiling_rules() {
  return kCeilingRules;
}

std::vector<CeilingStand> ceiling_stands(const Contracts& k, const L::LedgerView& ledger,
                                         const std::string& aanbieder, const core::Date& day) {
  std::vector<CeilingStand> out;
  if (!k.ceilings) return out;
  std::optional<std::vector<L::Prestatie>> year;  // read once, for the budgets
  for (const CeilingRow* row : k.ceilings->of(aanbieder, day)) {
    CeilingStand s;
    s.row = row;
    if (row->soort == L::WarningKind::budget) {
      s.year = static_cast<int>(day.year());
      if (!year)
        year = ledger.prestaties_between(aanbieder, day.year() / std::chrono::January / 1,
                                         day.year() / std::chrono::December / 31);
      for (const auto& q : *year)
        if (k.covers(row->contract, q.gemeente, q.begin)) s.amount += q.credit ? -q.cents : q.cents;
    } else {
      for (const auto& a :
           ledger.allocations_of_product(*row->wet, aanbieder, row->categorie, row->code, day))
        if (k.covers(row->contract, a.gemeente, day)) ++s.amount;
    }
    s.percent = ceiling_percent(*row, s.amount);
    s.level = ceiling_level(*row, s.amount);
    out.push_back(s);
  }
  return out;
}

std::vector<L::ContractWarning> contract_warnings(const Context& c, const std::string& message_id) {
  std::vector<L::ContractWarning> out;
  if (!c.message.type) return out;
  auto add = [&](std::vector<Position> ps) {
    for (auto& p : ps) {
      p.w.message_id = message_id;
      out.push_back(std::move(p.w));
    }
  };
  const auto no = refused(c, nullptr);
  if (c.message.type->number == 323) add(budget_positions(c, no));
  if (c.message.type->number == 301) add(contingent_positions(c, no));
  return out;
}

boost::json::object to_json(const CeilingStand& s) {
  const auto& r = *s.row;
  boost::json::object o{{"kind", standard::ledger::to_string(r.soort)},
                        {"contract", r.contract},
                        {"aanbieder", r.aanbieder},
                        {"law", r.wet ? std::string(standard::to_string(*r.wet)) : std::string()},
                        {"categorie", r.categorie},
                        {"code", r.code},
                        {"maximum", r.maximum},
                        {"waarschuwing_procent", r.waarschuwing_procent},
                        {"ingangsdatum", core::format_date(*r.validity.from)},
                        {"row", r.where},
                        {"amount", s.amount},
                        {"percent", s.percent},
                        {"level", s.level ? std::string(standard::ledger::to_string(*s.level)) : std::string()}};
  if (r.validity.to)
    o["einddatum"] = core::format_date(*r.validity.to);
  else
    o["einddatum"] = nullptr;
  if (s.year) o["year"] = s.year;
  return o;
}

}  // namespace sluis::rules
