#include "gateway/portal/message_page.hpp"

#include <optional>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "gateway/core/html.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/model.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::portal {

namespace {

namespace m = standard::model;
using core::html_escape;

std::string day(const core::Date& d, Lang lang) { return day_text(core::format_date(d), lang); }

bool is_amount(std::string_view name) {
  return name == "Budget" || name == "ProductTarief" || name == "Bedrag" || name == "TotaalBedrag";
}

// The model's classes as nested sections, its values as rows; personal values
// masked as the innermost listed element says (an element inside Adres is
// masked as Adres says).
struct Drawer {
  std::string& out;
  const MessagePageOptions& o;
  std::size_t& rows;     // values drawn or left out so far
  std::size_t& omitted;  // values left out
  core::Mask mask = core::Mask::none;
  std::string prefix;  // "Naam / Geslachtsnaam / " inside a basis class

  bool room() {
    ++rows;
    if (rows > o.max_rows) {
      ++omitted;
      return false;
    }
    return true;
  }
  core::Mask mask_of(std::string_view name) const {
    auto own = standard::personal_mask(name);
    return own != core::Mask::none ? own : mask;
  }
  std::string shown(std::string text, std::string_view name) const {
    auto k = mask_of(name);
    if (o.unmask || k == core::Mask::none) return html_escape(text);
    return html_escape(core::mask_value(text, k));
  }
  void row(std::string_view name, const std::string& html_value) {
    if (!room()) return;
    out += fmt::format("<tr><th>{}{}</th><td>{}</td></tr>", html_escape(prefix), html_escape(name), html_value);
  }

  void value(const char* name, const std::string& v) {
    if (std::string_view(name) == "Eenheid") {  // "04 (uur)"
      auto unit = o.lang == Lang::nl ? rules::eenheid_name(v) : rules::eenheid_name_en(v);
      if (!unit.empty()) return row(name, html_escape(fmt::format("{} ({})", v, unit)));
    }
    row(name, shown(v, name));
  }
  void value(const char* name, const m::Integer& v) {
    if (is_amount(name) && mask_of(name) == core::Mask::none) return row(name, html_escape(euro(v, o.lang)));
    row(name, shown(std::to_string(v), name));
  }
  void value(const char* name, const core::Date& d) {
    if (mask_of(name) != core::Mask::none && !o.unmask) return row(name, html_escape(core::mask_value(core::format_date(d), mask_of(name))));
    row(name, html_escape(day(d, o.lang)));
  }
  // Basis classes people read as one value.
  void value(const char* name, const m::CdtGeslotenPeriode& p) {
    row(name, html_escape(fmt::format("{} {} {}", day(p.Begindatum, o.lang), tr(o.lang, "t/m", "to"), day(p.Einddatum, o.lang))));
  }
  void value(const char* name, const m::CdtOpenPeriode& p) {
    std::string text = p.Begindatum ? day(*p.Begindatum, o.lang) : std::string("…");
    text += fmt::format(" {} ", tr(o.lang, "t/m", "to"));
    text += p.Einddatum ? day(*p.Einddatum, o.lang) : std::string(tr(o.lang, "(open)", "(open)"));
    row(name, html_escape(text));
  }
  void value(const char* name, const m::CdtBedragMetDC& b) {
    row(name, html_escape(fmt::format("{} {}", euro(b.Bedrag, o.lang),
                                      b.DebetCredit == "C" ? tr(o.lang, "credit", "credit") : tr(o.lang, "debet", "debit"))));
  }
  void value(const char* name, const m::CdtTotaalBedragMetDC& b) {
    row(name, html_escape(fmt::format("{} {}", euro(b.TotaalBedrag, o.lang),
                                      b.DebetCredit == "C" ? tr(o.lang, "credit", "credit") : tr(o.lang, "debet", "debit"))));
  }
  void value(const char* name, const m::CdtOmvang& v) {
    auto unit = o.lang == Lang::nl ? rules::eenheid_name(v.Eenheid) : rules::eenheid_name_en(v.Eenheid);
    row(name, html_escape(fmt::format("{} × {} ({} {}), {} {}", v.Volume, unit.empty() ? std::string_view("?") : unit,
                                      tr(o.lang, "eenheid", "unit"), v.Eenheid, tr(o.lang, "frequentie", "frequency"),
                                      v.Frequentie)));
  }
  void value(const char* name, const m::CdtProduct& p) {
    row(name, html_escape(fmt::format("{} {}{}", tr(o.lang, "categorie", "category"), p.Categorie,
                                      p.Code ? fmt::format(", {} {}", tr(o.lang, "code", "code"), *p.Code) : "")));
  }
  template <class T>
    requires m::ModelClass<T>
  void value(const char* name, const T& c) {
    if constexpr (T::kBasis) {
      // Any other basis class (names, address, contact): its parts as rows.
      Drawer inner{out, o, rows, omitted, mask_of(name), prefix + name + " / "};
      Splitter<T> s{inner, inner};
      T::visit(s, c);
    } else {
      section(name, c);
    }
  }

  template <class T>
  void section(const std::string& title, const T& c) {
    std::string table;  // this class's own values
    std::string after;  // nested sections go after them
    Drawer inner{table, o, rows, omitted, mask, {}};
    Drawer nested{after, o, rows, omitted, mask, {}};
    Splitter<T> s{inner, nested};
    T::visit(s, c);
    out += fmt::format("<section><h3>{}</h3>", html_escape(title));
    if (!table.empty()) out += "<table>" + table + "</table>";
    out += after + "</section>";
  }

  // Routes a class's values to its table and its child classes after it.
  template <class T>
  struct Splitter {
    Drawer& table;
    Drawer& nested;
    template <class F>
    void operator()(const char* name, const F& field) {
      if constexpr (m::IsOptional<F>::value) {
        if (field) (*this)(name, *field);
      } else if constexpr (m::ModelClass<F>) {
        if constexpr (F::kBasis) table.value(name, field);
        else nested.section(name, field);
      } else {
        table.value(name, field);
      }
    }
    template <class L>
    void list(const char* wrapper, const char* item, const L& v) {
      using E = typename L::value_type;
      if constexpr (m::ModelClass<E>) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (nested.rows >= nested.o.max_rows) {  // the rest only counted
            nested.omitted += v.size() - i;
            nested.rows += v.size() - i;
            break;
          }
          nested.section(fmt::format("{} / {} {}", wrapper, item, i + 1), v[i]);
        }
      } else {
        for (const auto& x : v) table.value(item, x);
      }
    }
    void codes(const m::Codes& c) {
      if (c.empty()) return;
      std::string items;
      for (const auto& code : c) items += "<li>" + retourcode_html(code, table.o.lang) + "</li>";
      table.row("RetourCodes", "<ul>" + items + "</ul>");
    }
  };
};

std::string status_line(const store::StoredMessage& s, const MessagePageOptions& o) {
  const auto* type = standard::find_message(s.law, s.type);
  std::string out = "<table>";
  auto row = [&](std::string_view nl, std::string_view en, const std::string& html) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", tr(o.lang, nl, en), html);
  };
  row("Bericht", "Message",
      html_escape(fmt::format("{} {}{}", standard::to_string(s.law), s.type,
                              type ? fmt::format(" ({})", type->name) : std::string())));
  row("Kenmerk in sluis", "Id in sluis", "<span class=\"code\">" + html_escape(s.id) + "</span>");
  row("Afzender", "Sender", html_escape(s.sender_code));
  row("Ontvanger", "Receiver", html_escape(s.receiver_code));
  if (!s.identificatie.empty()) row("Identificatie", "Identificatie", html_escape(s.identificatie));
  if (!s.declaratie_nummer.empty()) row("DeclaratieNummer", "DeclaratieNummer", html_escape(s.declaratie_nummer));
  row("Ontvangen (Nederlandse tijd)", "Received (Dutch time)", html_escape(time_text(s.received_at, o.lang)));
  const bool refused = o.status == "rejected";
  row("Status", "Status",
      fmt::format("<strong class=\"{}\">{}</strong>", refused ? "rejected" : "status", status_html(o.status, o.lang)));
  if (!s.heen_id.empty()) {
    const std::string id = html_escape(s.heen_id);
    row("Antwoord op", "Answers",
        o.link_base.empty() ? "<span class=\"code\">" + id + "</span>"
                            : fmt::format("<a href=\"{}{}\">{}</a>", html_escape(o.link_base), id, id));
  }
  return out + "</table>";
}

}  // namespace

std::string render_message(const store::StoredMessage& s, const std::string* body,
                           const std::shared_ptr<const xml::SchemaSet>& schemas,
                           const config::SchemasConfig& limits, const MessagePageOptions& o) {
  const auto* type = standard::find_message(s.law, s.type);
  std::string page = page_open(
      o.lang, fmt::format("{} {} {}", tr(o.lang, "Bericht", "Message"), s.type, type ? type->name : std::string_view()));
  page += status_line(s, o);

  if (auto f = findings_html(s.findings_json, o.lang); !f.empty()) {
    const bool refused = o.status == "rejected";
    page += fmt::format("<section id=\"findings\"><h2>{}</h2>{}</section>",
                        refused ? tr(o.lang, "Waarom afgekeurd, en hoe op te lossen", "Why it was rejected, and how to fix it")
                                : tr(o.lang, "Bevindingen", "Findings"),
                        f);
  }

  page += fmt::format("<section id=\"content\"><h2>{}</h2>", tr(o.lang, "Inhoud", "Content"));
  if (!o.unmask)
    page += fmt::format("<p class=\"muted\">{}</p>",
                        tr(o.lang, "Persoonsgegevens (BSN, naam, geboortedatum, adres, contactgegevens, commentaar) zijn gemaskeerd.",
                           "Personal data (BSN, name, birth date, address, contact details, comments) are masked."));
  std::optional<m::Message> model;
  const bool too_large = body && body->size() > o.max_body;
  if (body && !too_large) {
    xml::Validator validator(schemas, limits);
    auto outcome = validator.validate(*body, xml::ReadModel::yes);
    if (outcome.message) model = std::move(outcome.message);
  }
  if (!body) {
    page += fmt::format("<p>{}</p>", tr(o.lang, "De inhoud is niet meer bewaard (bewaartermijn).",
                                        "The content is no longer kept (retention period)."));
  } else if (too_large) {
    page += fmt::format("<p>{}</p>",
                        o.lang == Lang::nl
                            ? fmt::format("Dit bericht is te groot om hier te tonen ({} bytes); het XML-bericht bevat alles.",
                                          body->size())
                            : fmt::format("This message is too large to show here ({} bytes); the XML message has it all.",
                                          body->size()));
  } else if (!model) {
    page += fmt::format("<p>{}</p>", tr(o.lang, "De inhoud is geen geldig bericht en wordt daarom niet getoond; de bevindingen zeggen waarom.",
                                        "The content is not a valid message and is therefore not shown; the findings say why."));
  } else {
    std::size_t rows = 0, omitted = 0;
    std::string drawn;
    Drawer d{drawn, o, rows, omitted, core::Mask::none, {}};
    std::visit([&](const auto& b) { d.section("Bericht", b); }, model->body);
    page += drawn;
    if (omitted > 0)
      page += fmt::format("<p><strong>{}</strong></p>",
                          o.lang == Lang::nl
                              ? fmt::format("Nog {} waarden zijn niet getoond (de pagina toont er {}); het XML-bericht bevat ze alle.",
                                            omitted, o.max_rows)
                              : fmt::format("{} more values are not shown (the page shows {}); the XML message has them all.",
                                            omitted, o.max_rows));
  }
  page += "</section>";
  return page + page_close();
}

}  // namespace sluis::portal
