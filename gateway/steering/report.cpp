#include "gateway/steering/report.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "gateway/standard/retourcodes.hpp"

namespace sluis::steering {

namespace {

using Facts = store::SteeringFacts;

constexpr std::size_t kTopRetourcodes = 5;
// A product ending and another starting for the same client and provider up
// to this many days later is a transition.
constexpr int kTransitionDays = 31;

std::int64_t days_between(const core::Date& a, const core::Date& b) {
  return (core::to_days(b) - core::to_days(a)).count();
}

bool in(const core::Date& d, const Filter& f) { return !(d < f.from) && !(f.to < d); }

std::string product(const std::string& categorie, const std::string& code) {
  return code.empty() ? categorie : code;
}

// Rows are made on demand, keyed by (gemeente first, code).
class Rows {
 public:
  Rows(const Filter& f, const std::map<std::string, Party>& parties) : filter_(f), parties_(parties) {}

  // The row of `code`, or nullptr when the filter leaves it out.
  Row* of(const std::string& code) {
    if (code.empty()) return nullptr;
    if (!filter_.codes.empty() &&
        std::find(filter_.codes.begin(), filter_.codes.end(), code) == filter_.codes.end())
      return nullptr;
    const bool gemeente = code.size() == 4;
    if (gemeente && !filter_.gemeente.empty() && code != filter_.gemeente) return nullptr;
    auto [it, fresh] = rows_.try_emplace({!gemeente, code});
    if (fresh) {
      it->second.gemeente = gemeente;
      it->second.code = code;
      if (auto p = parties_.find(code); p != parties_.end()) it->second.partner = p->second.partner;
    }
    return &it->second;
  }
  // A fact between gemeente g and provider a: counted on both rows, when
  // the --gemeente filter admits g.
  template <class F>
  void both(const std::string& g, const std::string& a, F&& f) {
    if (!filter_.gemeente.empty() && g != filter_.gemeente) return;
    if (Row* r = of(g)) f(*r);
    if (Row* r = of(a)) f(*r);
  }
  // A message: both codes, when the --gemeente filter admits one of them.
  bool admits(const std::string& a, const std::string& b) const {
    return filter_.gemeente.empty() || a == filter_.gemeente || b == filter_.gemeente;
  }
  std::vector<Row> take() {
    std::vector<Row> out;
    for (auto& [k, r] : rows_) out.push_back(std::move(r));
    return out;
  }

 private:
  const Filter& filter_;
  const std::map<std::string, Party>& parties_;
  std::map<std::pair<bool, std::string>, Row> rows_;
};

void count_messages(const Facts& facts, Rows& rows) {
  std::map<std::string, std::map<std::string, std::size_t>> codes;  // row code -> retourcode -> n
  for (const auto& m : facts.messages) {
    if (!rows.admits(m.sender_code, m.receiver_code)) continue;
    if (Row* r = rows.of(m.sender_code)) {
      ++r->messages[m.type];
      if (m.composed) {
        ++r->composed;
      } else {
        ++r->submitted;
        ++(m.rejected ? r->rejected : r->accepted);
        for (const auto& c : m.retourcodes) ++codes[m.sender_code][c];
      }
    }
    if (m.receiver_code != m.sender_code)
      if (Row* r = rows.of(m.receiver_code)) ++r->messages[m.type];
  }
  for (auto& [code, counts] : codes) {
    Row* r = rows.of(code);
    std::vector<RetourcodeCount> list;
    for (const auto& [c, n] : counts) list.push_back({c, n});
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
    if (list.size() > kTopRetourcodes) list.resize(kTopRetourcodes);
    r->retourcodes = std::move(list);
  }
}

void count_answers(const Facts& facts, Rows& rows, const core::WerkdagCalendar& cal, const core::Date& today) {
  std::map<std::pair<std::string, std::string>, std::pair<Turnaround, std::vector<std::int64_t>>> by;
  for (const auto& a : facts.answers) {
    if (!rows.admits(a.owed_by_code, a.owed_to_code) || !rows.of(a.owed_by_code)) continue;
    auto& [t, took] = by[{a.owed_by_code, a.kind}];
    t.kind = a.kind;
    ++t.opened;
    if (a.met) {
      ++t.answered;
      if (a.due < *a.met) ++t.late;
      took.push_back(cal.werkdagen_between(a.opened, *a.met));
    } else if (a.due < today) {
      ++t.overdue;
    }
  }
  for (auto& [key, v] : by) {
    v.first.werkdagen = quantiles(std::move(v.second));
    rows.of(key.first)->turnaround.push_back(std::move(v.first));
  }
}

using AllocationKey = std::tuple<standard::Law, std::string, std::int64_t>;  // law, gemeente, ToewijzingNummer

void count_waiting(const Facts& facts, Rows& rows, const Filter& f, const Thresholds& t, const core::Date& today) {
  std::map<AllocationKey, core::Date> first_start;
  for (const auto& s : facts.starts) {
    if (!s.toewijzing_nummer) continue;
    auto [it, fresh] = first_start.try_emplace({s.law, s.gemeente, *s.toewijzing_nummer}, s.begindatum);
    if (!fresh && s.begindatum < it->second) it->second = s.begindatum;
  }
  std::map<std::string, std::vector<std::int64_t>> days;
  for (const auto& a : facts.allocations) {
    if (!a.reden_wijziging.empty() || !in(a.toewijzingsdatum, f)) continue;
    const core::Date from = std::max(a.toewijzingsdatum, a.ingangsdatum);
    auto start = first_start.find({a.law, a.gemeente, a.toewijzing_nummer});
    rows.both(a.gemeente, a.aanbieder, [&](Row& r) {
      ++r.inflow;
      ++r.referrers[product(a.categorie, a.code)][a.verwijzer.empty() ? "-" : a.verwijzer];
      ++r.waiting.allocations;
      if (start != first_start.end()) {
        const std::int64_t d = std::max<std::int64_t>(0, days_between(from, start->second));
        ++r.waiting.started;
        if (d > t.waiting_norm_days) ++r.waiting.over_norm;
        days[r.code].push_back(d);
      } else if (days_between(from, today) > t.waiting_norm_days) {
        ++r.waiting.waiting_past_norm;
      }
    });
  }
  for (auto& [code, v] : days) rows.of(code)->waiting.days = quantiles(std::move(v));
}

void count_flows(const Facts& facts, Rows& rows) {
  std::map<std::pair<std::string, std::string>, std::vector<std::int64_t>> durations;  // (row, product)
  std::map<std::pair<std::string, std::string>, std::string> categories;
  for (const auto& s : facts.stops) {
    rows.both(s.gemeente, s.aanbieder, [&](Row& r) {
      ++r.outflow[s.reden];
      if (early_ending(s.law, s.reden)) ++r.early_endings;
      if (s.reden == "20" || !s.einddatum) return;  // a temporary stop ends no care
      const std::string p = product(s.categorie, s.code);
      durations[{r.code, p}].push_back(days_between(s.begindatum, *s.einddatum) + 1);
      categories[{r.code, p}] = s.categorie;
    });
    if (s.reden == "20" || !s.einddatum) continue;
    // The same client's next product with the same provider, started from the
    // day the care ended up to kTransitionDays later.
    const std::string from = product(s.categorie, s.code);
    std::set<std::string> to;
    for (const auto& n : facts.starts) {
      if (n.client != s.client || n.aanbieder != s.aanbieder || n.law != s.law) continue;
      const std::string p = product(n.categorie, n.code);
      const auto gap = days_between(*s.einddatum, n.begindatum);
      if (p != from && gap >= 0 && gap <= kTransitionDays) to.insert(p);
    }
    for (const auto& p : to) rows.both(s.gemeente, s.aanbieder, [&](Row& r) { ++r.transitions[from + " -> " + p]; });
  }
  for (auto& [key, v] : durations)
    rows.of(key.first)->durations.push_back({categories[key], key.second, quantiles(std::move(v))});
}

// The allocated volume of an allocation over the days it shares with the
// period, pro rata by day: per dag x days, per week x days / 7, per maand
// x days x 12 / 365, totaal x days / the allocation's days.
std::int64_t pro_rata(std::int64_t amount, const std::string& frequentie, std::int64_t days,
                      std::optional<std::int64_t> whole_days) {
  double v = 0;
  if (frequentie == "1") v = static_cast<double>(amount) * days;
  else if (frequentie == "2") v = static_cast<double>(amount) * days / 7.0;
  else if (frequentie == "4") v = static_cast<double>(amount) * days * 12.0 / 365.0;
  else v = whole_days && *whole_days > 0 ? static_cast<double>(amount) * days / *whole_days : amount;
  return std::llround(v);
}

void count_nacalculatie(const Facts& facts, Rows& rows, const Filter& f) {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // row, categorie, code, eenheid
  std::map<Key, Nacalculatie> by;
  auto slot = [&](const std::string& row, const std::string& cat, const std::string& code,
                  const std::string& eenheid) -> Nacalculatie& {
    auto& n = by[{row, cat, code, eenheid}];
    n.categorie = cat;
    n.code = code;
    n.eenheid = eenheid;
    return n;
  };
  for (const auto& a : facts.allocations) {
    const core::Date first = std::max(a.ingangsdatum, f.from);
    const core::Date last = a.einddatum ? std::min(*a.einddatum, f.to) : f.to;
    if (last < first) continue;
    const std::int64_t days = days_between(first, last) + 1;
    std::optional<std::int64_t> whole;
    if (a.einddatum) whole = days_between(a.ingangsdatum, *a.einddatum) + 1;
    rows.both(a.gemeente, a.aanbieder, [&](Row& r) {
      auto& n = slot(r.code, a.categorie, a.code, a.eenheid);
      if (a.volume) n.allocated_volume += pro_rata(*a.volume, a.frequentie, days, whole);
      if (a.budget) n.allocated_cents += pro_rata(*a.budget, "6", days, whole);
    });
  }
  for (const auto& p : facts.prestaties) {
    if (p.verdict == "rejected") continue;
    rows.both(p.gemeente, p.aanbieder, [&](Row& r) {
      auto& n = slot(r.code, p.categorie, p.code, p.eenheid);
      n.declared_volume += p.volume;
      n.declared_cents += p.cents;
      if (p.verdict == "approved") n.approved_cents += p.cents;
    });
  }
  for (auto& [key, n] : by) rows.of(std::get<0>(key))->nacalculatie.push_back(std::move(n));
}

int percent(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0 : static_cast<int>((part * 100 + whole / 2) / whole);
}

// A share against its thresholds: the light and its reason.
void judge_share(Row& r, std::size_t part, std::size_t whole, int orange, int red, const Thresholds& t,
                 const char* nl, const char* en) {
  if (whole < static_cast<std::size_t>(t.min_count)) return;
  const int pct = percent(part, whole);
  if (pct < orange) return;
  const Light l = pct >= red ? Light::red : Light::orange;
  const int limit = l == Light::red ? red : orange;
  add_reason(r, l, fmt::format(fmt::runtime(nl), part, whole, pct, limit),
             fmt::format(fmt::runtime(en), part, whole, pct, limit));
}

void judge(Row& r, const Thresholds& t) {
  judge_share(r, r.rejected, r.submitted, t.rejected_orange, t.rejected_red, t,
              "{} van {} ingezonden berichten afgekeurd ({}%, grens {}%)",
              "{} of {} submitted messages rejected ({}%, limit {}%)");
  std::size_t owed = 0, missed = 0;
  for (const auto& a : r.turnaround) {
    owed += a.answered + a.overdue;
    missed += a.late + a.overdue;
  }
  judge_share(r, missed, owed, t.answers_orange, t.answers_red, t,
              "{} van {} verplichte antwoorden te laat of nog open na de termijn ({}%, grens {}%)",
              "{} of {} required answers late or overdue ({}%, limit {}%)");
  const std::size_t waited = r.waiting.over_norm + r.waiting.waiting_past_norm;
  const std::size_t measured = r.waiting.started + r.waiting.waiting_past_norm;
  judge_share(r, waited, measured, t.waiting_orange, t.waiting_red, t,
              "{} van {} nieuwe toewijzingen boven de wachttijdnorm ({}%, grens {}%)",
              "{} of {} new allocations over the waiting-time norm ({}%, limit {}%)");
}

boost::json::value opt(const std::optional<std::int64_t>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object to_json(const Quantiles& q) {
  return {{"n", q.n}, {"median", opt(q.median)}, {"p90", opt(q.p90)}};
}

// The standard's term for each kind of owed answer (standard/deadlines.hpp).
std::string_view deadline(const std::string& kind) {
  if (kind == "retour") return "3 werkdagen";
  if (kind == "declaratie_antwoord") return "10 werkdagen";
  if (kind == "verzoek_antwoord") return "5 werkdagen";
  return "8 weken";
}

}  // namespace

std::string_view to_string(Light l) {
  switch (l) {
    case Light::green: return "green";
    case Light::orange: return "orange";
    case Light::red: return "red";
  }
  return "green";
}

Quantiles quantiles(std::vector<std::int64_t> v) {
  Quantiles q;
  q.n = v.size();
  if (v.empty()) return q;
  std::sort(v.begin(), v.end());
  // Nearest rank: the smallest value with at least p% of the values at or below it.
  auto rank = [&](int p) { return v[(v.size() * p + 99) / 100 - 1]; };
  q.median = rank(50);
  q.p90 = rank(90);
  return q;
}

bool early_ending(standard::Law law, const std::string& reden) {
  static const std::set<std::string> wmo{"21", "22", "23"}, jw{"32", "33", "34", "35"};
  return (law == standard::Law::iwmo ? wmo : jw).count(reden) > 0;
}

void add_reason(Row& row, Light light, std::string nl, std::string en) {
  if (light == Light::green) return;
  if (static_cast<int>(light) > static_cast<int>(row.light)) row.light = light;
  row.reasons.push_back({light, std::move(nl), std::move(en)});
}

Report build(const Facts& facts, const Filter& filter, const std::map<std::string, Party>& parties,
             const Thresholds& t, const core::WerkdagCalendar& calendar, const core::Date& today) {
  Rows rows(filter, parties);
  count_messages(facts, rows);
  count_answers(facts, rows, calendar, today);
  count_waiting(facts, rows, filter, t, today);
  count_flows(facts, rows);
  count_nacalculatie(facts, rows, filter);
  Report r{filter, today, t, rows.take()};
  for (auto& row : r.rows) judge(row, t);
  return r;
}

boost::json::object to_json(const Report& r) {
  boost::json::array rows;
  for (const auto& row : r.rows) {
    boost::json::object messages;
    for (const auto& [type, n] : row.messages) messages[std::to_string(type)] = n;
    boost::json::array codes;
    for (const auto& c : row.retourcodes) {
      boost::json::object o{{"retourcode", c.code}, {"count", c.count}};
      if (const auto* k = standard::find_retourcode(c.code)) {
        o["nl"] = std::string(k->text_nl);
        o["en"] = std::string(k->text_en);
      }
      codes.push_back(std::move(o));
    }
    boost::json::array answers;
    for (const auto& a : row.turnaround)
      answers.push_back({{"kind", a.kind},
                         {"deadline", deadline(a.kind)},
                         {"opened", a.opened},
                         {"answered", a.answered},
                         {"late", a.late},
                         {"overdue", a.overdue},
                         {"werkdagen", to_json(a.werkdagen)}});
    boost::json::object outflow;
    for (const auto& [reden, n] : row.outflow) outflow[reden] = n;
    boost::json::array durations;
    for (const auto& d : row.durations)
      durations.push_back({{"categorie", d.categorie}, {"product", d.code}, {"days", to_json(d.days)}});
    boost::json::object referrers;
    for (const auto& [p, by] : row.referrers) {
      boost::json::object o;
      for (const auto& [type, n] : by) o[type] = n;
      referrers[p] = std::move(o);
    }
    boost::json::object transitions;
    for (const auto& [k, n] : row.transitions) transitions[k] = n;
    boost::json::array naca;
    for (const auto& n : row.nacalculatie)
      naca.push_back({{"categorie", n.categorie},
                      {"product", n.code},
                      {"eenheid", n.eenheid},
                      {"allocated_volume", n.allocated_volume},
                      {"allocated_cents", n.allocated_cents},
                      {"declared_volume", n.declared_volume},
                      {"declared_cents", n.declared_cents},
                      {"approved_cents", n.approved_cents}});
    boost::json::array reasons;
    for (const auto& x : row.reasons)
      reasons.push_back({{"light", to_string(x.light)}, {"nl", x.nl}, {"en", x.en}});
    rows.push_back(boost::json::object{
        {"kind", row.gemeente ? "gemeente" : "aanbieder"},
        {"code", row.code},
        {"partner", row.partner},
        {"light", to_string(row.light)},
        {"reasons", std::move(reasons)},
        {"messages", std::move(messages)},
        {"submitted", row.submitted},
        {"accepted", row.accepted},
        {"rejected", row.rejected},
        {"composed", row.composed},
        {"retourcodes", std::move(codes)},
        {"answers", std::move(answers)},
        {"waiting",
         {{"allocations", row.waiting.allocations},
          {"started", row.waiting.started},
          {"over_norm", row.waiting.over_norm},
          {"waiting_past_norm", row.waiting.waiting_past_norm},
          {"days", to_json(row.waiting.days)}}},
        {"inflow", row.inflow},
        {"referrers", std::move(referrers)},
        {"outflow", std::move(outflow)},
        {"early_endings", row.early_endings},
        {"durations", std::move(durations)},
        {"transitions", std::move(transitions)},
        {"nacalculatie", std::move(naca)},
        {"ceilings", row.ceilings},
        {"degressive", row.degressive}});
  }
  const auto& t = r.thresholds;
  return {{"from", core::format_date(r.filter.from)},
          {"to", core::format_date(r.filter.to)},
          {"today", core::format_date(r.today)},
          {"gemeente", r.filter.gemeente},
          {"thresholds",
           {{"waiting_norm_days", t.waiting_norm_days},
            {"min_count", t.min_count},
            {"rejected", {t.rejected_orange, t.rejected_red}},
            {"answers", {t.answers_orange, t.answers_red}},
            {"waiting", {t.waiting_orange, t.waiting_red}}}},
          {"rows", std::move(rows)}};
}

}  // namespace sluis::steering
