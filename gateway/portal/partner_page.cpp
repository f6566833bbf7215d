#include "gateway/portal/partner_page.hpp"

#include <fmt/format.h>


#include "gateway/core/clock.hpp"
#include "gateway/core/html.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/deadlines.hpp"

namespace sluis::portal {

namespace {

using core::html_escape;

std::string type_text(standard::Law law, int type) {
  const auto* m = standard::find_message(law, type);
  std::string out = fmt::format("{} {}", standard::to_string(law) == "iwmo" ? "iWmo" : "iJw", type);
  if (m) out += fmt::format(" {}", m->name);
  return out;
}

std::string message_link(const std::string& id) {
  return fmt::format("<a class=\"code\" href=\"/v1/messages/{}\">{}</a>", html_escape(id),
                     html_escape(id));
}

// What an owed answer is, by its kind (standard/deadlines.hpp).
std::string owed_what(const store::OverdueAnswer& o, Lang lang) {
  const auto* heen = standard::find_message(o.law, o.type);
  const int answer = heen ? heen->answered_by : 0;
  const auto kind = standard::deadlines::parse_kind(o.kind);
  using K = standard::deadlines::Kind;
  if (kind == K::retour)
    return fmt::format("{} {}", tr(lang, "retourbericht", "retour message"),
                       answer ? std::to_string(answer) : std::string());
  if (kind == K::declaratie_antwoord)
    return std::string(tr(lang, "declaratie-antwoord 325", "declaration answer 325"));
  if (kind == K::verzoek_antwoord)
    return std::string(
        tr(lang, "antwoord op het verzoek: 301 of 319", "answer to the request: 301 or 319"));
  if (kind == K::definitief_antwoord)
    return std::string(tr(lang, "definitief antwoord op het verzoek: 301 of 319",
                          "final answer to the request: 301 or 319"));
  return html_escape(o.kind);
}

std::string count_row(std::string_view label, std::int64_t n, std::string_view href,
                      std::string_view extra = "") {
  return fmt::format("<tr><th>{}</th><td><a href=\"#{}\">{}</a>{}</td></tr>", label, href, n,
                     extra);
}

void rejected_section(std::string& out, const PartnerPage& p, Lang lang) {
  const auto& s = p.status;
  const std::string all_link = fmt::format(
      "/v1/messages?status=rejected&amp;since={}&amp;limit=200", html_escape(p.since_day));
  out += fmt::format("<section id=\"rejected\"><h2>{} ({} {} {})</h2>",
                     tr(lang, "Afgekeurde berichten", "Rejected messages"),
                     tr(lang, "sinds", "since"), html_escape(day_text(p.since_day, lang)),
                     tr(lang, "Nederlandse tijd", "Dutch time"));
  if (s.rejected_total == 0) {
    out += fmt::format("<p>{}</p></section>",
                       tr(lang, "Geen: sluis heeft in deze periode niets van u afgekeurd.",
                          "None: sluis rejected nothing of yours in this period."));
    return;
  }
  const auto shown = static_cast<std::int64_t>(s.rejected.size());
  if (shown < s.rejected_total)
    out += fmt::format("<p class=\"more\">{} {} {} {}. <a href=\"{}\">{}</a></p>",
                       tr(lang, "De nieuwste", "The newest"), shown, tr(lang, "van", "of"),
                       s.rejected_total, all_link,
                       tr(lang, "Alle afgekeurde berichten (JSON, per pagina)",
                          "All rejected messages (JSON, page by page)"));
  else
    out += fmt::format("<p>{} {}. <a href=\"{}\">{}</a></p>", tr(lang, "Aantal:", "Count:"),
                       s.rejected_total, all_link,
                       tr(lang, "Dezelfde lijst als JSON", "The same list as JSON"));
  for (const auto& m : s.rejected) {
    out += fmt::format("<section class=\"message\" id=\"m-{}\"><h3>{}</h3><table>",
                       html_escape(m.id), html_escape(type_text(m.law, m.type)));
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", tr(lang, "Bericht", "Message"),
                       message_link(m.id));
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", tr(lang, "Ontvangen", "Received"),
                       html_escape(time_text(m.received_at, lang)));
    if (!m.identificatie.empty())
      out += fmt::format("<tr><th>Identificatie</th><td class=\"code\">{}</td></tr>",
                         html_escape(m.identificatie));
    if (!m.declaratie_nummer.empty())
      out += fmt::format("<tr><th>DeclaratieNummer</th><td class=\"code\">{}</td></tr>",
                         html_escape(m.declaratie_nummer));
    if (!m.receiver_code.empty())
      out += fmt::format("<tr><th>{}</th><td class=\"code\">{}</td></tr>",
                         tr(lang, "Ontvanger", "Receiver"), html_escape(m.receiver_code));
    out += "</table>";
    const std::string findings = findings_html(m.findings_json, lang, kFindingsPerMessage);
    if (findings.empty())
      out += fmt::format("<p class=\"muted\">{}</p>",
                         tr(lang, "Geen bevindingen bewaard bij dit bericht.",
                            "No findings kept with this message."));
    else
      out += findings;
    out += "</section>";
  }
  out += "</section>";
}

void owed_section(std::string& out, const PartnerPage& p, Lang lang) {
  const auto& s = p.status;
  out += fmt::format("<section id=\"owed\"><h2>{}</h2>",
                     tr(lang, "Antwoorden die u nog moet sturen", "Answers you still owe"));
  if (s.owed_total == 0) {
    out += fmt::format("<p>{}</p></section>", tr(lang, "Geen.", "None."));
    return;
  }
  out += fmt::format("<p>{} {}, {} {}.", tr(lang, "Open:", "Open:"), s.owed_total, s.overdue_total,
                     tr(lang, "te laat", "overdue"));
  if (static_cast<std::int64_t>(s.owed.size()) < s.owed_total)
    out +=
        fmt::format(" {} {}.", tr(lang, "Hieronder de eerste", "Below the first"), s.owed.size());
  out += "</p>";
  out += fmt::format(
      "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
      tr(lang, "Wat", "What"), tr(lang, "Op bericht", "For message"), tr(lang, "Aan", "To"),
      tr(lang, "Regel", "Rule"), tr(lang, "Uiterlijk", "Due by"), tr(lang, "Stand", "Standing"));
  for (const auto& o : s.owed) {
    const bool late = o.due_on < p.today;
    out += fmt::format(
        "<tr><td>{}</td><td>{} {}</td><td class=\"code\">{}</td><td "
        "class=\"code\">{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td></tr>",
        owed_what(o, lang), html_escape(type_text(o.law, o.type)), message_link(o.message_id),
        html_escape(o.owed_to_code), html_escape(o.rule), html_escape(day_text(o.due_on, lang)),
        late ? "rejected" : "approved",
        late ? tr(lang, "te laat", "overdue") : tr(lang, "op tijd", "on time"));
  }
  out += "</table></section>";
}

void mailbox_section(std::string& out, const PartnerPage& p, Lang lang) {
  const auto& s = p.status;
  out += fmt::format("<section id=\"mailbox\"><h2>{}</h2>", tr(lang, "Uw postbus", "Your mailbox"));
  if (s.mailbox_waiting == 0)
    out += fmt::format("<p>{}</p>",
                       tr(lang, "Er wachten geen berichten.", "No messages are waiting."));
  else
    out += fmt::format(
        "<p>{} <strong>{}</strong> {}, {} {}. <a href=\"/v1/mailbox\">GET /v1/mailbox</a></p>",
        tr(lang, "Er wachten", "Waiting:"), s.mailbox_waiting,
        tr(lang, "berichten die u nog niet hebt bevestigd", "messages you have not acknowledged"),
        tr(lang, "het oudste ontvangen op", "the oldest received at"),
        html_escape(time_text(s.mailbox_oldest_at, lang)));
  out += "</section>";
}

// How a degressive threshold came about (rules::to_string(DegressiveThreshold::Source)).
std::string_view source_text(std::string_view source, Lang lang) {
  if (source == "given") return tr(lang, "opgegeven in het contract", "given in the contract");
  if (source == "derived") return tr(lang, "afgeleid uit de 18 maanden ervoor", "derived from the 18 months before");
  if (source == "none") return tr(lang, "nog geen: te weinig historie", "none yet: too little history");
  return source;
}

std::string optional_number(const std::optional<std::int64_t>& n, Lang lang) {
  return n ? std::to_string(*n) : std::string(tr(lang, "nog geen", "none yet"));
}

void contract_section(std::string& out, const PartnerPage& p, Lang lang) {
  if (!p.provider) return;
  out +=
      fmt::format("<section id=\"contract\"><h2>{}</h2>", tr(lang, "Uw contract", "Your contract"));
  if (!p.contract) {
    out += fmt::format("<p>{}</p></section>",
                       tr(lang, "Deze sluis heeft geen contractgegevens geladen.",
                          "This sluis has no contract data loaded."));
    return;
  }
  const auto& c = *p.contract;
  out += fmt::format("<h3>{} {}</h3>", tr(lang, "Gecontracteerd op", "Contracted on"),
                     html_escape(day_text(c.day, lang)));
  if (c.products.empty()) {
    out += fmt::format("<p>{}</p>", tr(lang, "Niets op deze dag.", "Nothing on this day."));
  } else {
    out += fmt::format(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></"
        "tr>",
        tr(lang, "Wet", "Law"), tr(lang, "Product", "Product"), tr(lang, "Naam", "Name"),
        tr(lang, "Tarief", "Tariff"), tr(lang, "Eenheid", "Unit"), tr(lang, "Geldig", "Valid"),
        tr(lang, "Gemeenten", "Municipalities"));
    for (const auto& l : c.products) {
      std::string gemeenten;
      for (const auto& g : l.gemeenten) gemeenten += (gemeenten.empty() ? "" : " ") + g;
      out += fmt::format(
          "<tr><td>{}</td><td class=\"code\">{} {}</td><td>{}</td><td>{}</td><td "
          "class=\"code\">{}</td>"
          "<td>{} {} {}</td><td class=\"code\">{}</td></tr>",
          html_escape(l.law), html_escape(l.categorie), html_escape(l.code), html_escape(l.naam),
          html_escape(euro(l.eurocent, lang)), html_escape(l.eenheid),
          html_escape(day_text(l.from, lang)), tr(lang, "t/m", "to"),
          l.to.empty() ? std::string(tr(lang, "open", "open")) : html_escape(day_text(l.to, lang)),
          html_escape(gemeenten));
    }
    out += "</table>";
  }
  out += fmt::format("<h3>{} {}</h3>", tr(lang, "Degressief tarief", "Degressive tariff"), c.year);
  if (c.degressive.empty()) {
    out += fmt::format("<p>{}</p>", tr(lang, "Geen degressief tarief voor dit jaar.",
                                       "No degressive tariff for this year."));
  } else {
    out += fmt::format(
        "<table><tr><th>Contract</th><th>AGB</th><th>{}</th><th>{}</th><th>{}</th><th>{}</"
        "th><th>{}</th><th>{}</th>"
        "</tr>",
        tr(lang, "Drempel (etmalen)", "Threshold (etmalen)"), tr(lang, "Geteld", "Counted"),
        tr(lang, "waarvan goedgekeurd / in behandeling", "of which approved / pending"),
        tr(lang, "Nog tegen vol tarief", "Still at the full tariff"),
        tr(lang, "Tegen verlaagd tarief", "At the reduced tariff"),
        tr(lang, "Verlaagd tarief", "Reduced tariff"));
    for (const auto& d : c.degressive)
      out += fmt::format(
          "<tr><td class=\"code\">{}</td><td class=\"code\">{}</td><td>{} "
          "({})</td><td>{}</td><td>{} / {}</td>"
          "<td>{}</td><td>{}</td><td>{}%</td></tr>",
          html_escape(d.contract), html_escape(d.aanbieder),
          html_escape(optional_number(d.threshold, lang)), html_escape(source_text(d.threshold_source, lang)),
          d.etmalen, d.approved, d.pending, html_escape(optional_number(d.remaining, lang)),
          d.reduced_etmalen, d.percentage);
    out += "</table>";
  }
  out += "</section>";
}

}  // namespace

std::string render_partner_page(const PartnerPage& p, Lang lang) {
  std::string out = page_open(lang, std::string(tr(lang, "Status van ", "Status of ")) + p.partner);
  std::string codes;
  for (const auto& c : p.codes) codes += (codes.empty() ? "" : ", ") + c;
  out += fmt::format("<p class=\"muted\">{} <span class=\"code\">{}</span> ({}{}{}), {} {}. {}</p>",
                     tr(lang, "Partner", "Partner"), html_escape(p.partner), html_escape(p.role),
                     codes.empty() ? "" : ": ", html_escape(codes), tr(lang, "stand van", "as of"),
                     html_escape(time_text(p.generated_at, lang)),
                     tr(lang, "Deze pagina toont alleen uw eigen berichten.",
                        "This page shows your own messages only."));
  const auto& s = p.status;
  out += fmt::format(
      "<section id=\"summary\"><table>{}{}{}</table></section>",
      count_row(fmt::format("{} {} {}", tr(lang, "Afgekeurd, laatste", "Rejected, last"),
                            p.window_days, tr(lang, "dagen", "days")),
                s.rejected_total, "rejected"),
      count_row(tr(lang, "Nog te sturen antwoorden", "Answers owed"), s.owed_total, "owed",
                s.overdue_total
                    ? fmt::format(" ({} {})", s.overdue_total, tr(lang, "te laat", "overdue"))
                    : std::string()),
      count_row(tr(lang, "Wachtend in uw postbus", "Waiting in your mailbox"), s.mailbox_waiting,
                "mailbox"));
  rejected_section(out, p, lang);
  owed_section(out, p, lang);
  mailbox_section(out, p, lang);
  contract_section(out, p, lang);
  return out + page_close();
}

}  // namespace sluis::portal
