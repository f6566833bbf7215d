#include "gateway/steering/status_page.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "gateway/core/html.hpp"
#include "gateway/standard/retourcodes.hpp"
#include "gateway/store/state.hpp"

namespace sluis::steering {

namespace {

std::string esc(std::string_view s) { return core::html_escape(s); }

constexpr const char* kStyle = R"css(
body{font-family:sans-serif;margin:1.5em;color:#222;max-width:72em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
td.n{text-align:right}.en{color:#666;font-size:.9em}.none{color:#666}
.green{fill:#2e7d32}.orange{fill:#ef6c00}.red{fill:#c62828}.grey{fill:#9e9e9e}
svg text{font-size:11px;fill:#222}
)css";

// One stacked bar per day: accepted below, rejected on top.
std::string day_chart(const StatusData& d) {
  std::map<core::Date, std::pair<std::int64_t, std::int64_t>> per_day;
  for (core::Date x = d.report.filter.from; !(d.report.filter.to < x); x = core::add_days(x, 1)) per_day[x] = {0, 0};
  for (const auto& m : d.facts.messages) {
    auto it = per_day.find(m.received);
    if (it == per_day.end()) continue;
    ++(m.rejected ? it->second.second : it->second.first);
  }
  std::int64_t max = 1;
  for (const auto& [day, n] : per_day) max = std::max(max, n.first + n.second);
  const int bar = 18, gap = 4, height = 140, left = 40;
  const int width = left + static_cast<int>(per_day.size()) * (bar + gap) + 10;
  std::string svg = fmt::format(
      "<svg role=\"img\" aria-label=\"berichten per dag / messages per day\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">",
      width, height + 40, width, height + 40);
  svg += fmt::format("<text x=\"0\" y=\"12\">{}</text><text x=\"0\" y=\"{}\">0</text>", max, height + 10);
  int x = left;
  for (const auto& [day, n] : per_day) {
    const int h_ok = static_cast<int>(n.first * height / max), h_bad = static_cast<int>(n.second * height / max);
    const std::string label = core::format_date(day);
    svg += fmt::format("<g><title>{}: {} geaccepteerd / accepted, {} afgekeurd / rejected</title>", label, n.first,
                       n.second);
    svg += fmt::format("<rect class=\"green\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", x,
                       10 + height - h_ok, bar, h_ok);
    svg += fmt::format("<rect class=\"red\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></g>", x,
                       10 + height - h_ok - h_bad, bar, h_bad);
    x += bar + gap;
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", left, height + 30, core::format_date(d.report.filter.from));
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", x - gap, height + 30,
                     core::format_date(d.report.filter.to));
  return svg + "</svg>";
}

// Horizontal bars, each with its label before it and its count after it.
std::string bars(const std::vector<std::pair<std::string, std::int64_t>>& items, const char* css) {
  std::int64_t max = 1;
  for (const auto& [label, n] : items) max = std::max(max, n);
  const int row = 20, label = 90, width = 300;
  const int height = static_cast<int>(items.size()) * row + 4;
  std::string svg = fmt::format(
      "<svg role=\"img\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">",
      label + width + 60, height, label + width + 60, height);
  int y = 2;
  for (const auto& [name, n] : items) {
    const std::int64_t w = std::max<std::int64_t>(1, n * width / max);
    svg += fmt::format("<g><title>{}: {}</title><text x=\"0\" y=\"{}\">{}</text>", esc(name), n, y + row - 9,
                       esc(name));
    svg += fmt::format("<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>", css, label, y, w,
                       row - 6);
    svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text></g>", label + w + 4, y + row - 9, n);
    y += row;
  }
  return svg + "</svg>";
}

// One bar in three parts (e.g. on time, late, overdue).
std::string split_bar(std::int64_t a, std::int64_t b, std::int64_t c, const std::string& title) {
  const std::int64_t all = std::max<std::int64_t>(1, a + b + c);
  const int width = 200;
  const auto w = [&](std::int64_t n) { return static_cast<int>(n * width / all); };
  return fmt::format(
      "<svg role=\"img\" width=\"{}\" height=\"14\" viewBox=\"0 0 {} 14\" xmlns=\"http://www.w3.org/2000/svg\">"
      "<title>{}</title><rect class=\"green\" x=\"0\" y=\"0\" width=\"{}\" height=\"14\"/>"
      "<rect class=\"orange\" x=\"{}\" y=\"0\" width=\"{}\" height=\"14\"/>"
      "<rect class=\"red\" x=\"{}\" y=\"0\" width=\"{}\" height=\"14\"/></svg>",
      width, width, esc(title), w(a), w(a), w(b), w(a) + w(b), w(c));
}

std::string dot(Light l) {
  return fmt::format(
      "<svg width=\"12\" height=\"12\" viewBox=\"0 0 12 12\" xmlns=\"http://www.w3.org/2000/svg\">"
      "<circle class=\"{}\" cx=\"6\" cy=\"6\" r=\"5\"/></svg>",
      to_string(l));
}

std::string or_dash(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "-"; }

std::string queues(const StatusData& d) {
  if (d.queues.empty()) return "<p class=\"none\">Geen openstaande berichten. <span class=\"en\">No open messages.</span></p>";
  std::map<std::string, std::map<std::string, std::int64_t>> by;  // destination -> state -> n
  std::map<std::string, std::int64_t> states;
  for (const auto& q : d.queues) {
    by[q.destination.empty() ? "(niet gerouteerd / not routed)" : q.destination][std::string(store::to_string(q.state))] +=
        q.count;
    states[std::string(store::to_string(q.state))] += q.count;
  }
  std::string out = "<table><tr><th>bestemming / destination</th>";
  for (const auto& [s, n] : states) out += "<th>" + esc(s) + "</th>";
  out += "</tr>";
  for (const auto& [dest, counts] : by) {
    out += "<tr><td>" + esc(dest) + "</td>";
    for (const auto& [s, n] : states) {
      auto it = counts.find(s);
      out += "<td class=\"n\">" + std::to_string(it == counts.end() ? 0 : it->second) + "</td>";
    }
    out += "</tr>";
  }
  out += "</table>";
  std::vector<std::pair<std::string, std::int64_t>> items(states.begin(), states.end());
  return out + bars(items, "grey");
}

std::string retourcodes(const StatusData& d) {
  std::map<std::string, std::int64_t> counts;
  for (const auto& m : d.facts.messages)
    for (const auto& c : m.retourcodes) ++counts[c];
  if (counts.empty())
    return "<p class=\"none\">Geen afkeuringen met een retourcode. <span class=\"en\">No rejections with a "
           "retourcode.</span></p>";
  std::vector<std::pair<std::string, std::int64_t>> items(counts.begin(), counts.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (items.size() > 10) items.resize(10);
  std::string out = bars(items, "red") + "<table><tr><th>retourcode</th><th>aantal / count</th><th>toelichting / "
                                         "explanation</th></tr>";
  for (const auto& [code, n] : items) {
    const auto* k = standard::find_retourcode(code);
    out += "<tr><td>" + esc(code) + "</td><td class=\"n\">" + std::to_string(n) + "</td><td>" +
           (k ? esc(k->text_nl) + "<br/><span class=\"en\">" + esc(k->text_en) + "</span>" : std::string("-")) +
           "</td></tr>";
  }
  return out + "</table>";
}

std::string answers(const StatusData& d) {
  std::map<std::string, Turnaround> by;
  for (const auto& row : d.report.rows)
    for (const auto& a : row.turnaround) {
      auto& t = by[a.kind];
      t.kind = a.kind;
      t.opened += a.opened;
      t.answered += a.answered;
      t.late += a.late;
      t.overdue += a.overdue;
    }
  if (by.empty())
    return "<p class=\"none\">Geen verplichte antwoorden in deze periode. <span class=\"en\">No required answers in "
           "this period.</span></p>";
  std::string out =
      "<table><tr><th>antwoord / answer</th><th>geopend / opened</th><th>gegeven / answered</th><th>te laat / "
      "late</th><th>over termijn / overdue</th><th></th></tr>";
  for (const auto& [kind, t] : by)
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td>{}</td></tr>",
        esc(kind), t.opened, t.answered, t.late, t.overdue,
        split_bar(static_cast<std::int64_t>(t.answered - t.late), static_cast<std::int64_t>(t.late),
                  static_cast<std::int64_t>(t.overdue),
                  fmt::format("{}: {} op tijd / on time, {} te laat / late, {} over termijn / overdue", kind,
                              t.answered - t.late, t.late, t.overdue)));
  return out + "</table>";
}

std::string waiting(const StatusData& d) {
  Waiting w;
  for (const auto& row : d.report.rows) {
    if (!row.gemeente) continue;  // each allocation once, on its gemeente's row
    w.allocations += row.waiting.allocations;
    w.started += row.waiting.started;
    w.over_norm += row.waiting.over_norm;
    w.waiting_past_norm += row.waiting.waiting_past_norm;
  }
  if (w.allocations == 0)
    return "<p class=\"none\">Geen nieuwe toewijzingen in deze periode. <span class=\"en\">No new allocations in this "
           "period.</span></p>";
  const std::int64_t within = static_cast<std::int64_t>(w.started - w.over_norm);
  const std::int64_t pending = static_cast<std::int64_t>(w.allocations - w.started - w.waiting_past_norm);
  return fmt::format(
             "<p>{} nieuwe toewijzingen, {} gestart: {} binnen en {} boven de norm van {} dagen; {} wachten langer "
             "dan de norm, {} nog binnen de norm.<br/><span class=\"en\">{} new allocations, {} started: {} within "
             "and {} over the norm of {} days; {} wait past the norm, {} still within it.</span></p>",
             w.allocations, w.started, within, w.over_norm, d.report.thresholds.waiting_norm_days,
             w.waiting_past_norm, pending, w.allocations, w.started, within, w.over_norm,
             d.report.thresholds.waiting_norm_days, w.waiting_past_norm, pending) +
         split_bar(within, static_cast<std::int64_t>(w.over_norm), static_cast<std::int64_t>(w.waiting_past_norm),
                   "binnen / over de norm, wachtend / within / over the norm, waiting");
}

std::string lights(const StatusData& d) {
  if (d.report.rows.empty()) return "<p class=\"none\">Geen verkeer. <span class=\"en\">No traffic.</span></p>";
  std::string out =
      "<table><tr><th></th><th>code</th><th>partner</th><th>ingezonden / sent</th><th>afgekeurd / "
      "rejected</th><th>wachttijd mediaan / waiting median</th><th>reden / reason</th></tr>";
  for (const auto& row : d.report.rows) {
    std::string why;
    for (const auto& r : row.reasons)
      why += esc(r.nl) + "<br/><span class=\"en\">" + esc(r.en) + "</span><br/>";
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td><td>{}</td></tr>",
        dot(row.light), esc(row.code), esc(row.partner.empty() ? "-" : row.partner), row.submitted, row.rejected,
        or_dash(row.waiting.days.median), why);
  }
  return out + "</table>";
}

std::string watches(const StatusData& d) {
  if (d.watches.empty())
    return "<p class=\"none\">Geen open gevallen. <span class=\"en\">No open cases.</span></p>";
  std::string out = "<table><tr><th>watch</th><th>partner</th><th>open</th><th>wat te doen / what to do</th></tr>";
  for (const auto& w : d.watches)
    out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}<br/><span class=\"en\">{}</span></td></tr>",
                       esc(w.watch), esc(w.partner), w.open, esc(w.what_nl), esc(w.what_en));
  return out + "</table>";
}

std::string certificates(const StatusData& d) {
  if (d.certificates.empty())
    return "<p class=\"none\">Geen certificaatgegevens. <span class=\"en\">No certificate data.</span></p>";
  std::string out = "<table><tr><th>certificaat / certificate</th><th>geldig tot / not after</th><th>dagen / "
                    "days</th></tr>";
  for (const auto& c : d.certificates)
    out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}{}</td></tr>", esc(c.name), esc(c.not_after),
                       c.days_left <= 30 ? dot(c.days_left <= 7 ? Light::red : Light::orange) + " " : "",
                       c.days_left);
  return out + "</table>";
}

}  // namespace

std::string render_status_page(const StatusData& d) {
  std::string page = "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"/><title>sluis status</title>";
  page += "<style>" + std::string(kStyle) + "</style></head><body>";
  page += fmt::format(
      "<h1>sluis status</h1><p>Versie / version {} &#183; {} &#183; periode / period {} tot en met / to {} "
      "(Nederlandse dagen / Dutch days)</p>",
      esc(d.version), esc(d.generated), core::format_date(d.report.filter.from), core::format_date(d.report.filter.to));
  auto section = [&](const char* id, const char* nl, const char* en, const std::string& body) {
    page += fmt::format("<section id=\"{}\"><h2>{} <span class=\"en\">/ {}</span></h2>{}</section>", id, nl, en, body);
  };
  section("queues", "Wachtrijen", "Queues", queues(d));
  section("per-day", "Berichten per dag", "Messages per day", day_chart(d));
  section("retourcodes", "Afkeuringen per retourcode", "Rejections by retourcode", retourcodes(d));
  section("answers", "Doorlooptijden tegen de termijnen van de standaard", "Turnaround against the standard's deadlines",
          answers(d));
  section("waiting", "Wachttijden", "Waiting times", waiting(d));
  section("lights", "Per gemeente en aanbieder", "Per municipality and provider", lights(d));
  section("watches", "Signalen", "Watches", watches(d));
  section("certificates", "Certificaten", "Certificates", certificates(d));
  return page + "</body></html>\n";
}

}  // namespace sluis::steering
