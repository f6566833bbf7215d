// Every in-message rule ("bericht inhoud", TR/CD/CS an XSD cannot express) and
// every external-list rule of 3.2, as data: one registry entry per rule. The
// coverage of the 3.2 rule list is checked by tests/conformance/rules_test.cpp
// against tests/conformance/rules/*.case and rules/NOT-APPLICABLE.
//
// Reading of the rule texts where the table is terse (documented in
// docs/rules.md as well):
//  - CD005 is enforced in its "verplicht" half only (Postcode -> Huis): a
//    foreign address may carry a house number without a Dutch postcode, and
//    rejecting it would refuse information the sender rightly has.
//  - TR101 uses each class's logical key: 301 ToewijzingNummer; 305/307 the
//    start key (ToewijzingNummer, Product, ToewijzingIngangsdatum, Begindatum)
//    with its StatusAanlevering; 317 ToewijzingNummer over Ongewijzigd and
//    TeWijzigen; 323 an identical prestatie line (a repeated ReferentieNummer
//    is TR314, 8021, in [ledger]). A 305/307 may carry one deletion (3) and
//    one first delivery (1) under the same key: that is a correction (IV008,
//    the 3.2 worked cases correct a stop's RedenBeeindiging this way), not a
//    duplicate; the deletion is processed first (ledger_changes.cpp).
//  - TR302/TR386/TR410 compare products with the same Categorie and Code; an
//    allocation withdrawn with RedenWijziging 13 has no care period and is left
//    out of the overlap test.
//  - TR134 applies to the Begindatum of 305 and 307, TR137 to the 307's
//    Einddatum, TR380 to a 317 TeWijzigenProduct's Einddatum.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "gateway/core/ids.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/rules/checks.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/engine.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
using core::Date;
using std::chrono::days;
using std::chrono::month;
using std::chrono::year;

using checks::as;
using checks::client;
using checks::d;
using checks::kExt;
using checks::kIn;

const Date& dagtekening(const Context& c) { return c.message.header().BerichtIdentificatie.Dagtekening; }

// The same day n years earlier (29 February -> 28 February).
Date years_before(const Date& x, int n) {
  Date r = (x.year() - std::chrono::years{n}) / x.month() / x.day();
  return r.ok() ? r : core::last_of_month(Date{r.year() / r.month() / std::chrono::day{1}});
}

const Date kEnd2020 = year{2020} / month{12} / std::chrono::day{31};
bool open_or_after_2020(const std::optional<Date>& end) { return !end || *end > kEnd2020; }

std::string wet(const Context& c) { return std::string(standard::to_string(c.message.type->law)); }

// ---- the clients and their shared parts ----

// Calls f(Src, Geboortedatum) for every birth date in the message.
template <class F>
void for_birth_dates(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht301>(c)) {
    f(cl->src, cl->Geboortedatum);
    for (const auto& r : cl->Relaties)
      if (r.Geboortedatum) f(r.src, *r.Geboortedatum);
  }
  if (auto cl = client<m::Bericht305>(c)) f(cl->src, cl->Geboortedatum);
  if (auto cl = client<m::Bericht307>(c)) f(cl->src, cl->Geboortedatum);
  if (auto cl = client<m::Bericht315>(c)) f(cl->src, cl->Geboortedatum);
}

template <class F>
void for_contacts(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht301>(c)) {
    for (const auto& k : cl->Contactgegevens) f(k);
    for (const auto& r : cl->Relaties) f(r.Contact);
  }
}

template <class F>
void for_full_names(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht301>(c)) {
    f(cl->src, cl->Naam);
    for (const auto& r : cl->Relaties) f(r.src, r.Naam);
  }
}

// Every Bsn with the class it belongs to.
template <class F>
void for_bsns(const Context& c, F&& f) {
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, m::Bericht323>) {
          for (const auto& cl : b.Declaratie.Clienten) f(cl.src, cl.Bsn);
        } else if constexpr (std::is_same_v<B, m::Bericht325>) {
          if (b.DeclaratieAntwoord)
            for (const auto& cl : b.DeclaratieAntwoord->Clienten) f(cl.src, cl.Bsn);
        } else if constexpr (requires { b.Client; }) {
          if (b.Client) f(b.Client->src, b.Client->Bsn);
        }
      },
      c.message.body);
}

// A product line with the fields the allocation rules (CD041, CD075-CD080,
// CS338 ...) look at, whatever its message calls them.
struct ProductLine {
  const m::Src* src;
  const std::optional<m::CdtProduct>* product;
  std::string_view end_name;
  const std::optional<Date>* end;
  const std::optional<m::CdtOmvang>* omvang;
  const std::optional<m::Integer>* budget;
};

template <class F>
void for_allocation_lines(const Context& c, bool include_te_wijzigen, F&& f) {
  static const std::optional<m::CdtProduct> kNoProduct;
  if (auto cl = client<m::Bericht301>(c))
    for (const auto& p : cl->ToegewezenProducten)
      f(ProductLine{&p.src, &p.Product, "Einddatum", &p.Einddatum, &p.Omvang, &p.Budget});
  if (auto cl = client<m::Bericht315>(c))
    for (const auto& p : cl->AangevraagdeProducten)
      f(ProductLine{&p.src, &p.Product, "ToewijzingEinddatum", &p.ToewijzingEinddatum, &p.Omvang,
                    &p.Budget});
  if (auto cl = client<m::Bericht317>(c)) {
    if (include_te_wijzigen)
      for (const auto& p : cl->Verzoek.TeWijzigenProducten)
        f(ProductLine{&p.src, &kNoProduct, "Einddatum", &p.Einddatum, &p.Omvang, &p.Budget});
    for (const auto& p : cl->Verzoek.NieuweProducten)
      f(ProductLine{&p.src, &p.Product, "Einddatum", &p.Einddatum, &p.Omvang, &p.Budget});
  }
}

std::string product_text(const m::CdtProduct& p) { return p.Categorie + (p.Code ? "/" + *p.Code : ""); }

// ---- header and client rules ----

void cs002(const Context& c, Sink& s) {
  for_bsns(c, [&](const m::Src& src, const std::string& bsn) {
    if (!core::bsn_elfproef(bsn))
      s.fail(src, "Bsn", core::mask_bsn(bsn),
             "het Bsn " + core::mask_bsn(bsn) +
                 " voldoet niet aan de 11-proef. Neem het BSN over uit de BRP-gegevens van de cliënt; een "
                 "tikfout in één cijfer maakt de 11-proef ongeldig.",
             "the Bsn " + core::mask_bsn(bsn) +
                 " fails the 11-check. Copy the BSN from the client's BRP record; one mistyped digit breaks "
                 "the check.");
  });
}

void tr002(const Context& c, Sink& s) {
  Date limit = years_before(dagtekening(c), 120);
  for_birth_dates(c, [&](const m::Src& src, const m::CdtGeboortedatum& g) {
    if (g.DatumGebruik == std::optional<std::string>("3")) return;
    if (g.Datum < limit)
      s.fail(src, "Geboortedatum/Datum", core::mask_date(d(g.Datum)),
             "de geboortedatum ligt meer dan 120 jaar voor de Dagtekening " + d(dagtekening(c)) +
                 ". Vul de juiste geboortedatum in, of geef met DatumGebruik 3 aan dat de datum onbekend is "
                 "(Datum dan 1900-01-01).",
             "the date of birth lies more than 120 years before the Dagtekening " + d(dagtekening(c)) +
                 ". Fill in the right date of birth, or mark it unknown with DatumGebruik 3 (Datum "
                 "1900-01-01).");
  });
}

void cs139(const Context& c, Sink& s) {
  for_birth_dates(c, [&](const m::Src& src, const m::CdtGeboortedatum& g) {
    if (!g.DatumGebruik) return;
    const std::string& u = *g.DatumGebruik;
    unsigned day = static_cast<unsigned>(g.Datum.day()), mon = static_cast<unsigned>(g.Datum.month());
    bool ok = (u == "1" && day == 1) || (u == "2" && day == 1 && mon == 1) ||
              (u == "3" && g.Datum == Date{year{1900} / month{1} / std::chrono::day{1}});
    if (!ok)
      s.fail(src, "Geboortedatum", "DatumGebruik " + u,
             "DatumGebruik " + u +
                 " past niet bij de Datum: voor de onbekende delen van de geboortedatum geldt 01 (dag en "
                 "maand) en 1900 (jaar). DatumGebruik 1: dag 01; 2: 01-01; 3: 1900-01-01.",
             "DatumGebruik " + u +
                 " does not match the Datum: the unknown parts of a date of birth are 01 (day and month) and "
                 "1900 (year). DatumGebruik 1: day 01; 2: 01-01; 3: 1900-01-01.");
  });
}

void tr006(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    bool huis_postcode = k.Adres && k.Adres->Huis && k.Adres->Postcode;
    if (!k.Telefoon && !huis_postcode)
      s.fail(k.src, "", "",
             "het Contact (Soort " + k.Soort +
                 ") heeft geen Telefoon en geen Huis met Postcode. Vul een telefoonnummer in, of het adres "
                 "met huisnummer en postcode.",
             "the Contact (Soort " + k.Soort +
                 ") has neither a Telefoon nor a Huis with Postcode. Add a phone number, or the address with "
                 "house number and postcode.");
  });
}

void tr061(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& k : cl->Contactgegevens)
    if (k.Soort == "01" || k.Soort == "02" || k.Soort == "03") return;
  s.fail(cl->src, "Contactgegevens", "",
         "de cliënt heeft geen Contact met Soort 01 (BRP-adres), 02 (correspondentieadres) of 03 "
         "(verblijfadres). Neem ten minste één zo'n adres op.",
         "the client has no Contact with Soort 01 (BRP address), 02 (correspondence address) or 03 "
         "(residence address). Include at least one.");
}

void cd005(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    if (k.Adres && k.Adres->Postcode && !k.Adres->Huis)
      s.fail(k.src, "Adres/Huis", "",
             "het Adres heeft een Postcode maar geen Huis. Vul bij een postcode ook het huisnummer in.",
             "the Adres has a Postcode but no Huis. With a postcode, also give the house number.");
  });
}

void cd007(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl || !cl->Communicatie) return;
  const auto& k = *cl->Communicatie;
  if (k.Vorm == "1" && !k.Taal)
    s.fail(cl->src, "Communicatie/Taal", "Vorm 1",
           "Communicatie Vorm 1 (tolk taal) vraagt om de Taal. Vul de taal van de tolk in.",
           "Communicatie Vorm 1 (interpreter, language) needs the Taal. Fill in the interpreter's language.");
  if (k.Vorm != "1" && k.Taal)
    s.fail(cl->src, "Communicatie/Taal", "Vorm " + k.Vorm,
           "Taal mag alleen bij Communicatie Vorm 1 (tolk taal). Laat Taal leeg bij Vorm " + k.Vorm + ".",
           "Taal is only allowed with Communicatie Vorm 1 (interpreter, language). Leave Taal out with Vorm " +
               k.Vorm + ".");
}

void cd009(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    if (k.Periode && k.Soort != "04")
      s.fail(k.src, "Periode", "Soort " + k.Soort,
             "een Periode mag alleen bij Soort 04 (tijdelijk verblijfadres); dit Contact heeft Soort " + k.Soort +
                 ". Laat Periode weg.",
             "a Periode is only allowed with Soort 04 (temporary address); this Contact has Soort " + k.Soort +
                 ". Leave Periode out.");
  });
}

void cd025(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    if (k.Adres && k.Adres->LandCode == std::optional<std::string>("NL") && !k.Adres->Postcode)
      s.fail(k.src, "Adres/Postcode", "LandCode NL",
             "een Nederlands adres (LandCode NL) heeft een Postcode nodig. Vul de postcode in.",
             "a Dutch address (LandCode NL) needs a Postcode. Fill in the postcode.");
  });
}

void cd034(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    if ((k.Soort == "01" || k.Soort == "03") && !k.Adres)
      s.fail(k.src, "Adres", "Soort " + k.Soort,
             "een Contact met Soort " + k.Soort + " (BRP- of verblijfadres) moet een Adres hebben. Vul het adres in.",
             "a Contact with Soort " + k.Soort + " (BRP or residence address) must have an Adres. Fill it in.");
  });
}

void cs089(const Context& c, Sink& s) {
  for_contacts(c, [&](const m::Contact& k) {
    if (!k.Adres || k.Adres->LandCode != std::optional<std::string>("NL") || !k.Adres->Postcode) return;
    const std::string& pc = *k.Adres->Postcode;
    bool ok = pc.size() == 6 && pc[0] >= '1' && pc[0] <= '9' && core::all_digits(pc.substr(0, 4)) &&
              std::isupper(static_cast<unsigned char>(pc[4])) && std::isupper(static_cast<unsigned char>(pc[5]));
    if (!ok)
      s.fail(k.src, "Adres/Postcode", "***",
             "de Postcode van een Nederlands adres heeft de vorm 1234AB (vier cijfers, niet beginnend met 0, "
             "twee hoofdletters, zonder spatie). Pas de postcode aan.",
             "the Postcode of a Dutch address has the form 1234AB (four digits not starting with 0, two capital "
             "letters, no space). Correct the postcode.");
  });
}

void cs050(const Context& c, Sink& s) {
  for_full_names(c, [&](const m::Src& src, const m::CdtVolledigeNaam& n) {
    const std::string& g = n.NaamGebruik;
    bool ok = n.Partnernaam ? (g == "1" || g == "2" || g == "3" || g == "4") : (g == "1" || g == "6");
    if (!ok)
      s.fail(src, "Naam/NaamGebruik", g,
             n.Partnernaam ? "met een Partnernaam is NaamGebruik 1, 2, 3 of 4; gevonden " + g + "."
                           : "zonder Partnernaam is NaamGebruik 1 (of 6); gevonden " + g +
                                 ". Vul 1 in, of neem de Partnernaam op.",
             n.Partnernaam ? "with a Partnernaam, NaamGebruik is 1, 2, 3 or 4; found " + g + "."
                           : "without a Partnernaam, NaamGebruik is 1 (or 6); found " + g +
                                 ". Use 1, or include the Partnernaam.");
  });
}

void cs318(const Context& c, Sink& s) {
  for_full_names(c, [&](const m::Src& src, const m::CdtVolledigeNaam& n) {
    if (n.NaamGebruik == "6")
      s.fail(src, "Naam/NaamGebruik", "6",
             "NaamGebruik 6 (niet-natuurlijk persoon) is in een toewijzing niet toegestaan. Gebruik 1 tot en met 4.",
             "NaamGebruik 6 (not a natural person) is not allowed in an allocation. Use 1 to 4.");
  });
}

// ---- allocation lines (301, 315, 317) ----

void end_before_start(Sink& s, const m::Src& src, std::string_view end_name, const Date& start,
                      std::string_view start_name, const Date& end) {
  if (end < start)
    s.fail(src, end_name, d(end),
           fmt::format("{} {} ligt voor {} {}. Vul een {} in die op of na {} ligt.", end_name, d(end), start_name,
                       d(start), end_name, start_name),
           fmt::format("{} {} lies before {} {}. Give an {} on or after the {}.", end_name, d(end), start_name,
                       d(start), end_name, start_name));
}

void cs003(const Context& c, Sink& s) {
  if (auto cl = client<m::Bericht301>(c)) {
    for (const auto& p : cl->ToegewezenProducten)
      if (p.Einddatum) end_before_start(s, p.src, "Einddatum", p.Ingangsdatum, "Ingangsdatum", *p.Einddatum);
    for_contacts(c, [&](const m::Contact& k) {
      if (k.Periode && k.Periode->Begindatum && k.Periode->Einddatum)
        end_before_start(s, k.src, "Periode/Einddatum", *k.Periode->Begindatum, "Begindatum", *k.Periode->Einddatum);
    });
  }
  if (auto cl = client<m::Bericht315>(c))
    for (const auto& p : cl->AangevraagdeProducten)
      if (p.ToewijzingEinddatum)
        end_before_start(s, p.src, "ToewijzingEinddatum", p.ToewijzingIngangsdatum, "ToewijzingIngangsdatum",
                         *p.ToewijzingEinddatum);
  if (auto cl = client<m::Bericht317>(c)) {
    for (const auto& p : cl->Verzoek.TeWijzigenProducten)
      if (p.Einddatum)
        end_before_start(s, p.src, "Einddatum", p.GewensteIngangsdatum, "GewensteIngangsdatum", *p.Einddatum);
    for (const auto& p : cl->Verzoek.NieuweProducten)
      if (p.Einddatum)
        end_before_start(s, p.src, "Einddatum", p.GewensteIngangsdatum, "GewensteIngangsdatum", *p.Einddatum);
  }
}

void cd041(const Context& c, Sink& s) {
  for_allocation_lines(c, false, [&](const ProductLine& l) {
    if (*l.product && (*l.product)->Code && !*l.omvang)
      s.fail(*l.src, "Omvang", product_text(**l.product),
             "bij een product met een productcode (" + product_text(**l.product) +
                 ") hoort een Omvang (Volume, Eenheid, Frequentie). Vul de Omvang in.",
             "a product with a product code (" + product_text(**l.product) +
                 ") needs an Omvang (Volume, Eenheid, Frequentie). Fill in the Omvang.");
  });
}

void cd075(const Context& c, Sink& s) {
  for_allocation_lines(c, true, [&](const ProductLine& l) {
    if (*l.budget && !*l.end)
      s.fail(*l.src, l.end_name, "",
             fmt::format("bij een Budget is de {} verplicht: een budget geldt voor een afgesloten periode. "
                         "Vul de {} in.", l.end_name, l.end_name),
             fmt::format("with a Budget the {} is mandatory: a budget covers a closed period. Fill in the {}.",
                         l.end_name, l.end_name));
  });
}

void cd076(const Context& c, Sink& s) {
  for_allocation_lines(c, true, [&](const ProductLine& l) {
    if (*l.omvang && (*l.omvang)->Frequentie == "2" && !*l.end)
      s.fail(*l.src, l.end_name, "Frequentie 2",
             fmt::format("bij Frequentie 2 (per week) is de {} verplicht. Vul de {} in.", l.end_name, l.end_name),
             fmt::format("with Frequentie 2 (per week) the {} is mandatory. Fill in the {}.", l.end_name,
                         l.end_name));
  });
}

void cd077(const Context& c, Sink& s) {
  for_allocation_lines(c, true, [&](const ProductLine& l) {
    if (*l.budget && *l.omvang)
      s.fail(*l.src, "Omvang", "",
             "een product heeft een Budget of een Omvang, niet allebei. Laat de Omvang weg bij een budget.",
             "a product has a Budget or an Omvang, not both. Leave the Omvang out with a budget.");
  });
}

void cd078(const Context& c, Sink& s) {
  for_allocation_lines(c, true, [&](const ProductLine& l) {
    if (*l.budget && *l.omvang)
      s.fail(*l.src, "Budget", std::to_string(**l.budget),
             "een product heeft een Omvang of een Budget, niet allebei. Laat het Budget weg bij een omvang.",
             "a product has an Omvang or a Budget, not both. Leave the Budget out with an omvang.");
  });
}

void cd079(const Context& c, Sink& s) {
  for_allocation_lines(c, false, [&](const ProductLine& l) {
    if (!*l.budget && !*l.product)
      s.fail(*l.src, "Product", "",
             "zonder Budget is het Product (categorie, eventueel code) verplicht. Vul het Product in.",
             "without a Budget the Product (category, optionally code) is mandatory. Fill in the Product.");
  });
}

// CD080 (301), CD095 (315), CD096 (317 NieuwProduct): one check, three numbers.
void omvang_without_code(const Context& c, Sink& s, int number) {
  if (c.message.type->number != number) return;
  for_allocation_lines(c, false, [&](const ProductLine& l) {
    bool has_code = *l.product && (*l.product)->Code;
    if (!has_code && *l.omvang && open_or_after_2020(*l.end))
      s.fail(*l.src, "Omvang", *l.product ? product_text(**l.product) : "",
             fmt::format("een product zonder productcode ({} {} of leeg) heeft geen Omvang: het is een "
                         "taakgerichte toewijzing. Laat de Omvang weg of vul de productcode in.",
                         l.end_name, d(*l.end)),
             fmt::format("a product without a product code ({} {} or empty) has no Omvang: it is a task-based "
                         "allocation. Leave the Omvang out or fill in the product code.",
                         l.end_name, d(*l.end)));
  });
}
void cd080(const Context& c, Sink& s) { omvang_without_code(c, s, 301); }
void cd095(const Context& c, Sink& s) { omvang_without_code(c, s, 315); }
void cd096(const Context& c, Sink& s) { omvang_without_code(c, s, 317); }

// CS338 (301, 317), CS343 (315).
void frequentie_for_eenheid(const Context& c, Sink& s, bool request) {
  if ((c.message.type->number == 315) != request) return;
  for_allocation_lines(c, true, [&](const ProductLine& l) {
    if (!*l.omvang) return;
    const auto& o = **l.omvang;
    bool totals = o.Eenheid == "14" || o.Eenheid == "16" || o.Eenheid == "83" || o.Eenheid == "84";
    bool ok_freq = o.Frequentie == "2" || o.Frequentie == "4" || o.Frequentie == "6";
    if (totals && open_or_after_2020(*l.end) && !ok_freq)
      s.fail(*l.src, "Omvang/Frequentie", o.Frequentie,
             "bij Eenheid " + o.Eenheid + " is de Frequentie 2 (per week), 4 (per maand) of 6 (totaal binnen de "
                 "geldigheidsduur); gevonden " + o.Frequentie + ". Pas de Frequentie aan.",
             "with Eenheid " + o.Eenheid + " the Frequentie is 2 (per week), 4 (per month) or 6 (total within the "
                 "period); found " + o.Frequentie + ". Correct the Frequentie.");
  });
}
void cs338(const Context& c, Sink& s) { frequentie_for_eenheid(c, s, false); }
void cs343(const Context& c, Sink& s) { frequentie_for_eenheid(c, s, true); }

void cs335(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& p : cl->ToegewezenProducten)
    if (p.RedenWijziging == std::optional<std::string>("13") && p.Einddatum != std::optional<Date>(p.Ingangsdatum))
      s.fail(p.src, "Einddatum", d(p.Einddatum),
             "RedenWijziging 13 (verwijderd) mag alleen als de Einddatum gelijk is aan de Ingangsdatum (" +
                 d(p.Ingangsdatum) + "). Zet de Einddatum op " + d(p.Ingangsdatum) + ".",
             "RedenWijziging 13 (withdrawn) requires the Einddatum to equal the Ingangsdatum (" + d(p.Ingangsdatum) +
                 "). Set the Einddatum to " + d(p.Ingangsdatum) + ".");
}

void cs336(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& p : cl->ToegewezenProducten)
    if (p.RedenWijziging == std::optional<std::string>("01"))
      s.fail(p.src, "RedenWijziging", "01",
             "RedenWijziging 01 (administratieve correctie) is vervallen. Gebruik een andere reden.",
             "RedenWijziging 01 (administrative correction) is retired. Use another reason.");
}

// Overlap of products with the same Categorie and Code (TR302, TR386, TR410).
struct Period {
  const m::Src* src;
  const m::CdtProduct* product;
  Date begin;
  std::optional<Date> end;
};

void overlaps(Sink& s, const std::vector<Period>& ps, std::string_view where_nl, std::string_view where_en) {
  for (size_t i = 0; i < ps.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const auto &a = ps[j], &b = ps[i];
      if (!(*a.product == *b.product)) continue;
      bool disjoint = (a.end && *a.end < b.begin) || (b.end && *b.end < a.begin);
      if (disjoint) continue;
      s.fail(*b.src, "", product_text(*b.product),
             fmt::format("product {} komt vaker voor in {} met overlappende perioden ({} – {} en {} – {}). "
                         "Laat de perioden aansluiten zonder overlap, of voeg de regels samen.",
                         product_text(*b.product), where_nl, d(a.begin), d(a.end), d(b.begin), d(b.end)),
             fmt::format("product {} occurs more than once in {} with overlapping periods ({} – {} and {} – {}). "
                         "Make the periods follow each other without overlap, or merge the lines.",
                         product_text(*b.product), where_en, d(a.begin), d(a.end), d(b.begin), d(b.end)));
    }
}

void tr302(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  std::vector<Period> ps;
  for (const auto& p : cl->ToegewezenProducten)
    if (p.Product && p.RedenWijziging != std::optional<std::string>("13"))
      ps.push_back({&p.src, &*p.Product, p.Ingangsdatum, p.Einddatum});
  overlaps(s, ps, "de toewijzing", "the allocation");
}

void tr386(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  std::vector<Period> ps;
  for (const auto& p : cl->AangevraagdeProducten)
    if (p.Product) ps.push_back({&p.src, &*p.Product, p.ToewijzingIngangsdatum, p.ToewijzingEinddatum});
  overlaps(s, ps, "het verzoek om toewijzing", "the request for allocation");
}

void tr410(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  std::vector<Period> ps;
  for (const auto& p : cl->Verzoek.NieuweProducten)
    if (p.Product) ps.push_back({&p.src, &*p.Product, p.GewensteIngangsdatum, p.Einddatum});
  overlaps(s, ps, "de nieuwe producten", "the new products");
}

// ---- TR101: no line twice ----

template <class T, class K>
void unique_by(Sink& s, const std::vector<T>& items, K&& key, std::string_view what_nl, std::string_view what_en) {
  std::set<std::string> seen;
  for (const auto& x : items) {
    std::string k = key(x);
    if (!seen.insert(k).second)
      s.fail(x.src, "", "",
             fmt::format("deze {} staat dubbel in het bericht (dezelfde sleutel als een eerdere regel). "
                         "Verwijder de dubbele regel.", what_nl),
             fmt::format("this {} occurs twice in the message (same key as an earlier line). Remove the "
                         "duplicate.", what_en));
  }
}

std::string or_empty(const std::optional<m::Integer>& v) { return v ? std::to_string(*v) : ""; }
std::string or_empty(const std::optional<m::CdtProduct>& v) { return v ? product_text(*v) : ""; }

// A start or stop line is a duplicate when an earlier line has the same key
// and the same StatusAanlevering. A deletion (3) and a first delivery (1)
// under one key are a correction and may share a message: IV008 advises
// sending them together so that the new delivery is never processed before
// the deletion, and 3.2 corrects a stop's RedenBeeindiging so (in 3.2 the
// StopProduct's key gained RedenBeeindiging; sluis keys a stop by its start's
// key, docs/rules.md). IV008's sentence that correcting an element outside
// the key needs a separate message predates 3.2 and is not applied.
template <class P>
void unique_care_lines(Sink& s, const std::vector<P>& lines, std::string_view what_nl, std::string_view what_en) {
  std::set<std::string> seen;
  for (const auto& p : lines) {
    std::string k = or_empty(p.ToewijzingNummer) + "|" + or_empty(p.Product) + "|" +
                    d(p.ToewijzingIngangsdatum) + "|" + d(p.Begindatum) + "|" + p.StatusAanlevering;
    if (seen.insert(k).second) continue;
    const std::string& st = p.StatusAanlevering;
    s.fail(p.src, "", "",
           fmt::format("deze {0} staat dubbel in het bericht: een eerdere regel heeft dezelfde sleutel "
                       "(ToewijzingNummer, Product, ToewijzingIngangsdatum, Begindatum {1}) en ook "
                       "StatusAanlevering {2}. Verwijder de dubbele regel. Een correctie mag wel in één bericht: "
                       "één regel met StatusAanlevering 3 (de {0} zoals eerder aangeleverd) en één met 1 (de "
                       "juiste).",
                       what_nl, d(p.Begindatum), st),
           fmt::format("this {0} occurs twice in the message: an earlier line has the same key (ToewijzingNummer, "
                       "Product, ToewijzingIngangsdatum, Begindatum {1}) and also StatusAanlevering {2}. Remove "
                       "the duplicate. A correction may share one message: one line with StatusAanlevering 3 (the "
                       "{0} as delivered before) and one with 1 (the right one).",
                       what_en, d(p.Begindatum), st));
  }
}

void tr101(const Context& c, Sink& s) {
  if (auto cl = client<m::Bericht301>(c))
    unique_by(s, cl->ToegewezenProducten, [](const auto& p) { return std::to_string(p.ToewijzingNummer); },
              "toewijzing (ToewijzingNummer)", "allocation (ToewijzingNummer)");
  if (auto cl = client<m::Bericht305>(c)) unique_care_lines(s, cl->StartProducten, "start", "start");
  if (auto cl = client<m::Bericht307>(c)) unique_care_lines(s, cl->StopProducten, "stop", "stop");
  if (auto cl = client<m::Bericht317>(c)) {
    std::vector<m::OngewijzigdProduct> all = cl->Verzoek.OngewijzigdeProducten;
    for (const auto& p : cl->Verzoek.TeWijzigenProducten) all.push_back({p.src, p.ToewijzingNummer, {}});
    unique_by(s, all, [](const auto& p) { return std::to_string(p.ToewijzingNummer); },
              "toewijzing (ToewijzingNummer)", "allocation (ToewijzingNummer)");
  }
  if (auto b = as<m::Bericht323>(c))
    for (const auto& cl : b->Declaratie.Clienten)
      unique_by(s, cl.Prestaties, [](const m::Prestatie& p) {
        return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", p.ProductReferentie.ReferentieNummer,
                           p.ProductReferentie.VorigReferentieNummer.value_or(""), p.ToewijzingNummer,
                           p.ProductCategorie, p.ProductCode, d(p.ProductPeriode.Begindatum),
                           d(p.ProductPeriode.Einddatum), p.GeleverdVolume, p.Eenheid,
                           or_empty(p.ProductTarief), p.IngediendBedrag.signed_cents());
      }, "prestatie", "prestatie");
}

// ---- 305 / 307 ----

template <class F>
void for_start_stop(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht305>(c))
    for (const auto& p : cl->StartProducten) f(p.src, p.Begindatum, p.StatusAanlevering);
  if (auto cl = client<m::Bericht307>(c))
    for (const auto& p : cl->StopProducten) f(p.src, p.Begindatum, p.StatusAanlevering);
}

void cs058(const Context& c, Sink& s) {
  for_start_stop(c, [&](const m::Src& src, const Date&, const std::string& status) {
    if (status != "1" && status != "3")
      s.fail(src, "StatusAanlevering", status,
             "StatusAanlevering is 1 (eerste aanlevering) of 3 (verwijderen); " + status +
                 " (gewijzigd) is niet toegestaan (OP033x2). Verwijder de eerdere melding met 3 en stuur de "
                 "juiste opnieuw met 1.",
             "StatusAanlevering is 1 (first delivery) or 3 (delete); " + status +
                 " (changed) is not allowed (OP033x2). Delete the earlier report with 3 and send the right "
                 "one with 1.");
  });
}

void tr134(const Context& c, Sink& s) {
  for_start_stop(c, [&](const m::Src& src, const Date& begin, const std::string&) {
    if (begin > dagtekening(c))
      s.fail(src, "Begindatum", d(begin),
             "de Begindatum " + d(begin) + " ligt na de Dagtekening " + d(dagtekening(c)) +
                 " van het bericht. Meld de start pas als de ondersteuning begonnen is (OP011).",
             "the Begindatum " + d(begin) + " lies after the message's Dagtekening " + d(dagtekening(c)) +
                 ". Report the start only once support has begun (OP011).");
  });
}

void tr137(const Context& c, Sink& s) {
  auto cl = client<m::Bericht307>(c);
  if (!cl) return;
  for (const auto& p : cl->StopProducten) {
    if (p.Einddatum < p.Begindatum)
      end_before_start(s, p.src, "Einddatum", p.Begindatum, "Begindatum", p.Einddatum);
    else if (p.Einddatum > dagtekening(c))
      s.fail(p.src, "Einddatum", d(p.Einddatum),
             "de Einddatum " + d(p.Einddatum) + " ligt na de Dagtekening " + d(dagtekening(c)) +
                 ". Meld een stop pas als de levering gestopt is.",
             "the Einddatum " + d(p.Einddatum) + " lies after the Dagtekening " + d(dagtekening(c)) +
                 ". Report a stop only once delivery has stopped.");
  }
}

// ---- 315 / 317 / 319 ----

void cd043(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  for (const auto& p : cl->AangevraagdeProducten)
    if (p.BeschikkingNummer.has_value() != p.BeschikkingIngangsdatum.has_value())
      s.fail(p.src, "BeschikkingIngangsdatum", "",
             p.BeschikkingNummer ? "bij een BeschikkingNummer hoort de BeschikkingIngangsdatum. Vul die in."
                                 : "een BeschikkingIngangsdatum mag alleen met een BeschikkingNummer. Laat hem weg.",
             p.BeschikkingNummer ? "a BeschikkingNummer needs its BeschikkingIngangsdatum. Fill it in."
                                 : "a BeschikkingIngangsdatum is only allowed with a BeschikkingNummer. Leave it out.");
}

bool care_verwijzer(const std::string& t) { return t == "02" || t == "03" || t == "04" || t == "05"; }

void cd066(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  for (const auto& p : cl->AangevraagdeProducten)
    if (care_verwijzer(p.Verwijzer.Type) && p.Verwijzer.ZorgverlenerCode && p.Verwijzer.Naam)
      s.fail(p.src, "Verwijzer/Naam", "Type " + p.Verwijzer.Type,
             "bij een verwijzer met ZorgverlenerCode blijft de Naam leeg. Laat de Naam weg.",
             "with a ZorgverlenerCode the referrer's Naam stays empty. Leave the Naam out.");
}

void cd067(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  for (const auto& p : cl->AangevraagdeProducten)
    if (care_verwijzer(p.Verwijzer.Type) && !p.Verwijzer.ZorgverlenerCode && !p.Verwijzer.Naam)
      s.fail(p.src, "Verwijzer/Naam", "Type " + p.Verwijzer.Type,
             "een verwijzer van Type " + p.Verwijzer.Type +
                 " heeft een ZorgverlenerCode (AGB) of, als die ontbreekt, een Naam. Vul een van beide in.",
             "a referrer of Type " + p.Verwijzer.Type +
                 " has a ZorgverlenerCode (AGB) or, without one, a Naam. Fill in one of them.");
}

void cd068(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  for (const auto& p : cl->AangevraagdeProducten)
    if (!care_verwijzer(p.Verwijzer.Type) && p.Verwijzer.ZorgverlenerCode)
      s.fail(p.src, "Verwijzer/ZorgverlenerCode", "Type " + p.Verwijzer.Type,
             "alleen verwijzers van Type 02, 03, 04 of 05 hebben een ZorgverlenerCode. Laat hem weg bij Type " +
                 p.Verwijzer.Type + ".",
             "only referrers of Type 02, 03, 04 or 05 have a ZorgverlenerCode. Leave it out with Type " +
                 p.Verwijzer.Type + ".");
}

void tr383(const Context& c, Sink& s) {
  auto cl = client<m::Bericht315>(c);
  if (!cl) return;
  std::set<std::string> seen;
  for (const auto& p : cl->AangevraagdeProducten)
    if (!seen.insert(p.ReferentieAanbieder).second)
      s.fail(p.src, "ReferentieAanbieder", p.ReferentieAanbieder,
             "ReferentieAanbieder " + p.ReferentieAanbieder +
                 " komt vaker voor in dit verzoek. Geef elk aangevraagd product een eigen referentie.",
             "ReferentieAanbieder " + p.ReferentieAanbieder +
                 " occurs more than once in this request. Give each requested product its own reference.");
}

void tr352(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  const auto& v = cl->Verzoek;
  if (v.OngewijzigdeProducten.empty() && v.TeWijzigenProducten.empty())
    s.fail(v.src, "", "",
           "een verzoek om wijziging noemt ten minste één lopende toewijzing: een OngewijzigdProduct of een "
           "TeWijzigenProduct. Neem de actuele toewijzingen van de cliënt op.",
           "a request for change names at least one current allocation: an OngewijzigdProduct or a "
           "TeWijzigenProduct. Include the client's current allocations.");
}

void tr353(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  const auto& v = cl->Verzoek;
  if (v.TeWijzigenProducten.empty() && v.NieuweProducten.empty())
    s.fail(v.src, "", "",
           "een verzoek om wijziging vraagt iets: ten minste één TeWijzigenProduct of NieuwProduct. Alleen "
           "ongewijzigde producten is geen verzoek.",
           "a request for change asks for something: at least one TeWijzigenProduct or NieuwProduct. Unchanged "
           "products alone are no request.");
}

void tr380(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  for (const auto& p : cl->Verzoek.TeWijzigenProducten)
    if (p.Einddatum && *p.Einddatum <= dagtekening(c))
      s.fail(p.src, "Einddatum", d(p.Einddatum),
             "de gevraagde Einddatum " + d(p.Einddatum) + " ligt niet na de Dagtekening " + d(dagtekening(c)) +
                 ". Een toewijzing laten eindigen kan alleen in de toekomst; vraag een latere datum.",
             "the requested Einddatum " + d(p.Einddatum) + " is not after the Dagtekening " + d(dagtekening(c)) +
                 ". An allocation can only be ended in the future; ask for a later date.");
}

void cd085(const Context& c, Sink& s) {
  auto b = as<m::Bericht319>(c);
  if (!b || !b->Antwoord) return;
  if (b->Antwoord->VerzoekAntwoord == "1" && !b->Antwoord->RedenAfwijzingVerzoek)
    s.fail(b->Antwoord->src, "RedenAfwijzingVerzoek", "VerzoekAntwoord 1",
           "bij een afgewezen verzoek (VerzoekAntwoord 1) hoort de RedenAfwijzingVerzoek. Vul de reden in.",
           "a rejected request (VerzoekAntwoord 1) needs the RedenAfwijzingVerzoek. Fill in the reason.");
}

void cd086(const Context& c, Sink& s) {
  auto b = as<m::Bericht319>(c);
  if (!b || !b->Antwoord) return;
  if (b->Antwoord->VerzoekAntwoord == "2" && b->Antwoord->RedenAfwijzingVerzoek)
    s.fail(b->Antwoord->src, "RedenAfwijzingVerzoek", *b->Antwoord->RedenAfwijzingVerzoek,
           "bij een aanvraag in onderzoek (VerzoekAntwoord 2) blijft RedenAfwijzingVerzoek leeg. Laat de reden weg.",
           "a request under investigation (VerzoekAntwoord 2) has no RedenAfwijzingVerzoek. Leave it out.");
}

void tr377(const Context& c, Sink& s) {
  auto b = as<m::Bericht319>(c);
  if (!b || !b->Antwoord || c.message.type->law != standard::Law::ijw) return;
  if (b->Antwoord->RedenAfwijzingVerzoek == std::optional<std::string>("8") && !b->Antwoord->Woonplaatsbeginsel)
    s.fail(b->Antwoord->src, "Woonplaatsbeginsel", "RedenAfwijzingVerzoek 8",
           "bij afwijzing wegens het woonplaatsbeginsel (reden 8) hoort de klasse Woonplaatsbeginsel met de "
           "gemeente die wel verantwoordelijk is. Neem die op.",
           "a rejection on residence grounds (reason 8) needs the Woonplaatsbeginsel class naming the responsible "
           "municipality. Include it.");
}

void tr409(const Context& c, Sink& s) {
  auto b = as<m::Bericht319>(c);
  if (!b || !b->Antwoord || !b->Antwoord->Woonplaatsbeginsel) return;
  if (b->Antwoord->RedenAfwijzingVerzoek != std::optional<std::string>("8"))
    s.fail(b->Antwoord->src, "Woonplaatsbeginsel", b->Antwoord->RedenAfwijzingVerzoek.value_or(""),
           "de klasse Woonplaatsbeginsel hoort alleen bij RedenAfwijzingVerzoek 8 (woonplaatsbeginsel). Laat "
           "hem weg.",
           "the Woonplaatsbeginsel class belongs only with RedenAfwijzingVerzoek 8 (residence). Leave it out.");
}

// ---- 323 / 325 ----

template <class F>
void for_prestaties(const Context& c, F&& f) {
  if (auto b = as<m::Bericht323>(c))
    for (const auto& cl : b->Declaratie.Clienten)
      for (const auto& p : cl.Prestaties) f(p);
  if (auto b = as<m::Bericht325>(c); b && b->DeclaratieAntwoord)
    for (const auto& cl : b->DeclaratieAntwoord->Clienten)
      for (const auto& p : cl.Prestaties) f(p);
}

void cs340(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& p = b->Declaratie.DeclaratiePeriode;
  Date first = core::first_of_month(p.Begindatum);
  Date last = core::last_of_month(first);
  if (p.Begindatum != first || p.Einddatum != last)
    s.fail(b->Declaratie.src, "DeclaratiePeriode", d(p.Begindatum) + " – " + d(p.Einddatum),
           "DeclaratiePeriode " + d(p.Begindatum) + " – " + d(p.Einddatum) +
               " is niet één kalendermaand; een declaratie beslaat precies één maand, bijvoorbeeld " + d(first) +
               " – " + d(last) + ".",
           "DeclaratiePeriode " + d(p.Begindatum) + " – " + d(p.Einddatum) +
               " is not one calendar month; a declaration covers exactly one month, e.g. " + d(first) + " – " +
               d(last) + ".");
}

void cs100(const Context& c, Sink& s) {
  const Date k2021 = year{2021} / month{1} / std::chrono::day{1};
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  if (b->Declaratie.DeclaratiePeriode.Begindatum < k2021)
    s.fail(b->Declaratie.src, "DeclaratiePeriode/Begindatum", d(b->Declaratie.DeclaratiePeriode.Begindatum),
           "de DeclaratiePeriode begint voor 2021-01-01; declaraties over eerdere perioden gaan niet via "
           "release 3.x. Declareer vanaf 2021-01-01.",
           "the DeclaratiePeriode starts before 2021-01-01; earlier periods are not declared with release 3.x. "
           "Declare from 2021-01-01.");
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.ProductPeriode.Begindatum < k2021)
      s.fail(p.src, "ProductPeriode/Begindatum", d(p.ProductPeriode.Begindatum),
             "de ProductPeriode begint voor 2021-01-01. Declareer alleen zorg vanaf 2021-01-01.",
             "the ProductPeriode starts before 2021-01-01. Only declare care from 2021-01-01.");
  });
}

void cs337(const Context& c, Sink& s) {
  for_prestaties(c, [&](const m::Prestatie& p) {
    const auto& pp = p.ProductPeriode;
    if (pp.Einddatum.year() != pp.Begindatum.year() || pp.Einddatum.month() != pp.Begindatum.month())
      s.fail(p.src, "ProductPeriode/Einddatum", d(pp.Einddatum),
             "de ProductPeriode " + d(pp.Begindatum) + " – " + d(pp.Einddatum) +
                 " loopt over een maandgrens. Splits de prestatie per kalendermaand, bijvoorbeeld tot " +
                 d(core::last_of_month(pp.Begindatum)) + ".",
             "the ProductPeriode " + d(pp.Begindatum) + " – " + d(pp.Einddatum) +
                 " crosses a month boundary. Split the prestatie per calendar month, e.g. up to " +
                 d(core::last_of_month(pp.Begindatum)) + ".");
  });
}

void tr018(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& dp = b->Declaratie.DeclaratiePeriode;
  end_before_start(s, b->Declaratie.src, "DeclaratiePeriode/Einddatum", dp.Begindatum, "Begindatum", dp.Einddatum);
  for_prestaties(c, [&](const m::Prestatie& p) {
    end_before_start(s, p.src, "ProductPeriode/Einddatum", p.ProductPeriode.Begindatum, "Begindatum",
                     p.ProductPeriode.Einddatum);
  });
}

void tr335(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const Date& dd = b->Declaratie.DeclaratieDagtekening;
  Date limit = years_before(dd, 5);
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.ProductPeriode.Einddatum < limit)
      s.fail(p.src, "ProductPeriode/Einddatum", d(p.ProductPeriode.Einddatum),
             "de ProductPeriode eindigt meer dan 5 jaar voor de DeclaratieDagtekening " + d(dd) +
                 "; zo oude zorg kan niet meer gedeclareerd worden.",
             "the ProductPeriode ends more than 5 years before the DeclaratieDagtekening " + d(dd) +
                 "; care that old can no longer be declared.");
  });
}

void tr358(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  m::Integer sum = 0;
  for_prestaties(c, [&](const m::Prestatie& p) { sum += p.IngediendBedrag.signed_cents(); });
  m::Integer total = b->Declaratie.TotaalIngediendBedrag.signed_cents();
  if (sum != total) {
    auto eur = [](m::Integer cents) {
      return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", std::abs(cents) / 100, std::abs(cents) % 100);
    };
    s.fail(b->Declaratie.src, "TotaalIngediendBedrag", std::to_string(b->Declaratie.TotaalIngediendBedrag.TotaalBedrag),
           "TotaalIngediendBedrag is " + eur(total) + " euro, maar de prestaties tellen op tot " + eur(sum) +
               " euro (debet min credit). Maak het totaal gelijk aan de som: TotaalBedrag " +
               std::to_string(std::abs(sum)) + " met DebetCredit " + (sum < 0 ? "C" : "D") + ".",
           "TotaalIngediendBedrag is " + eur(total) + " euro, but the prestaties add up to " + eur(sum) +
               " euro (debit minus credit). Make the total equal the sum: TotaalBedrag " +
               std::to_string(std::abs(sum)) + " with DebetCredit " + (sum < 0 ? "C" : "D") + ".");
  }
}

void tr315(const Context& c, Sink& s) {
  std::set<std::string> seen;
  for_prestaties(c, [&](const m::Prestatie& p) {
    const auto& v = p.ProductReferentie.VorigReferentieNummer;
    if (v && !seen.insert(*v).second)
      s.fail(p.src, "ProductReferentie/VorigReferentieNummer", *v,
             "VorigReferentieNummer " + *v + " komt vaker voor in dit bericht; een prestatie wordt maar één "
                 "keer gecrediteerd. Verwijder de dubbele creditregel.",
             "VorigReferentieNummer " + *v + " occurs more than once in this message; a prestatie is credited "
                 "only once. Remove the duplicate credit line.");
  });
}

void tr316(const Context& c, Sink& s) {
  if (!as<m::Bericht323>(c)) return;
  std::set<std::string> debits;
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.IngediendBedrag.DebetCredit == "D") debits.insert(p.ProductReferentie.ReferentieNummer);
  });
  for_prestaties(c, [&](const m::Prestatie& p) {
    const auto& v = p.ProductReferentie.VorigReferentieNummer;
    if (p.IngediendBedrag.DebetCredit == "C" && v && debits.count(*v))
      s.fail(p.src, "ProductReferentie/VorigReferentieNummer", *v,
             "deze creditregel crediteert debetregel " + *v + " uit hetzelfde bericht. Laat beide regels weg, "
                 "of stuur alleen de juiste debetregel.",
             "this credit line credits debit line " + *v + " of the same message. Leave both lines out, or send "
                 "only the right debit line.");
  });
}

void tr416(const Context& c, Sink& s) {
  if (!as<m::Bericht323>(c)) return;
  std::set<std::string> seen;
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.IngediendBedrag.DebetCredit != "D") return;
    std::string key = fmt::format("{}|{}|{}|{}|{}", p.ToewijzingNummer, p.ProductCategorie, p.ProductCode,
                                  d(p.ProductPeriode.Begindatum), d(p.ProductPeriode.Einddatum));
    if (!seen.insert(key).second)
      s.fail(p.src, "", p.ProductCategorie + "/" + p.ProductCode,
             "er staat al een debetprestatie in dit bericht voor toewijzing " + std::to_string(p.ToewijzingNummer) +
                 ", product " + p.ProductCategorie + "/" + p.ProductCode + " en periode " +
                 d(p.ProductPeriode.Begindatum) + " – " + d(p.ProductPeriode.Einddatum) +
                 ". Tel het volume op in één regel.",
             "this message already has a debit prestatie for allocation " + std::to_string(p.ToewijzingNummer) +
                 ", product " + p.ProductCategorie + "/" + p.ProductCode + " and period " +
                 d(p.ProductPeriode.Begindatum) + " – " + d(p.ProductPeriode.Einddatum) +
                 ". Add the volume up in one line.");
  });
}

void cd060(const Context& c, Sink& s) {
  for_prestaties(c, [&](const m::Prestatie& p) {
    bool credit = p.IngediendBedrag.DebetCredit == "C";
    bool has = p.ProductReferentie.VorigReferentieNummer.has_value();
    if (credit && !has)
      s.fail(p.src, "ProductReferentie/VorigReferentieNummer", "",
             "een creditprestatie noemt in VorigReferentieNummer de debetprestatie die zij crediteert. Vul het "
             "ReferentieNummer van die debetregel in.",
             "a credit prestatie names the debit it credits in VorigReferentieNummer. Fill in that debit line's "
             "ReferentieNummer.");
    if (!credit && has)
      s.fail(p.src, "ProductReferentie/VorigReferentieNummer", *p.ProductReferentie.VorigReferentieNummer,
             "alleen een creditprestatie heeft een VorigReferentieNummer. Laat het weg bij een debetregel.",
             "only a credit prestatie has a VorigReferentieNummer. Leave it out on a debit line.");
  });
}

void cd087(const Context& c, Sink& s) {
  for_prestaties(c, [&](const m::Prestatie& p) {
    bool euros = p.Eenheid == "83";
    if (!euros && !p.ProductTarief)
      s.fail(p.src, "ProductTarief", "Eenheid " + p.Eenheid,
             "bij Eenheid " + p.Eenheid + " is het ProductTarief verplicht (in eurocent per eenheid). Vul het in.",
             "with Eenheid " + p.Eenheid + " the ProductTarief is mandatory (eurocent per unit). Fill it in.");
    if (euros && p.ProductTarief)
      s.fail(p.src, "ProductTarief", std::to_string(*p.ProductTarief),
             "bij Eenheid 83 (euro's) is er geen ProductTarief: het volume is het bedrag. Laat het weg.",
             "with Eenheid 83 (euros) there is no ProductTarief: the volume is the amount. Leave it out.");
  });
}

void cs325(const Context& c, Sink& s) {
  auto check = [&](const m::Src& src, std::string_view element, m::Integer amount, const std::string& dc) {
    if (amount == 0 && dc != "D")
      s.fail(src, element, "0 " + dc,
             std::string(element) + " is 0 met DebetCredit " + dc + "; een bedrag van 0 is altijd D (debet).",
             std::string(element) + " is 0 with DebetCredit " + dc + "; an amount of 0 is always D (debit).");
  };
  if (auto b = as<m::Bericht323>(c))
    check(b->Declaratie.src, "TotaalIngediendBedrag/DebetCredit", b->Declaratie.TotaalIngediendBedrag.TotaalBedrag,
          b->Declaratie.TotaalIngediendBedrag.DebetCredit);
  if (auto b = as<m::Bericht325>(c); b && b->DeclaratieAntwoord) {
    const auto& a = *b->DeclaratieAntwoord;
    check(a.src, "TotaalIngediendBedrag/DebetCredit", a.TotaalIngediendBedrag.TotaalBedrag,
          a.TotaalIngediendBedrag.DebetCredit);
    check(a.src, "TotaalToegekendBedrag/DebetCredit", a.TotaalToegekendBedrag.TotaalBedrag,
          a.TotaalToegekendBedrag.DebetCredit);
  }
  for_prestaties(c, [&](const m::Prestatie& p) {
    check(p.src, "IngediendBedrag/DebetCredit", p.IngediendBedrag.Bedrag, p.IngediendBedrag.DebetCredit);
  });
}

void cs339(const Context& c, Sink& s) {
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.Eenheid == "83" && p.IngediendBedrag.Bedrag != p.GeleverdVolume)
      s.fail(p.src, "IngediendBedrag/Bedrag", std::to_string(p.IngediendBedrag.Bedrag),
             "bij Eenheid 83 (euro's) is het IngediendBedrag gelijk aan het GeleverdVolume (" +
                 std::to_string(p.GeleverdVolume) + " eurocent). Maak ze gelijk.",
             "with Eenheid 83 (euros) the IngediendBedrag equals the GeleverdVolume (" +
                 std::to_string(p.GeleverdVolume) + " eurocent). Make them equal.");
  });
}

void tr342(const Context& c, Sink& s) {
  auto b = as<m::Bericht325>(c);
  if (!b || !b->DeclaratieAntwoord) return;
  for (const auto& cl : b->DeclaratieAntwoord->Clienten)
    for (const auto& p : cl.Prestaties) {
      bool rejected = std::any_of(p.RetourCodes.begin(), p.RetourCodes.end(),
                                  [](const std::string& r) { return r != "0200" && r != "8001"; });
      if (!rejected)
        s.fail(p.src, "RetourCodes", p.RetourCodes.empty() ? "" : p.RetourCodes.front(),
               "een declaratie-antwoord bevat alleen afgewezen prestaties; deze prestatie heeft geen "
               "afkeurcode. Laat goedgekeurde prestaties weg.",
               "a declaration answer holds only rejected prestaties; this one has no rejection code. Leave "
               "approved prestaties out.");
    }
}

// ---- external lists ----

void tr135(const Context& c, Sink& s) {
  const auto& h = c.message.header();
  if (h.BerichtIdentificatie.Dagtekening > c.today)
    s.fail(h.src, "BerichtIdentificatie/Dagtekening", d(h.BerichtIdentificatie.Dagtekening),
           "de Dagtekening " + d(h.BerichtIdentificatie.Dagtekening) + " ligt na vandaag (" + d(c.today) +
               ", Nederlandse datum). Verstuur het bericht met de datum van vandaag of eerder.",
           "the Dagtekening " + d(h.BerichtIdentificatie.Dagtekening) + " is after today (" + d(c.today) +
               ", Dutch date). Send the message dated today or earlier.");
}

void tr346(const Context& c, Sink& s) {
  for_prestaties(c, [&](const m::Prestatie& p) {
    if (p.Eenheid == "83" || !p.ProductTarief) return;
    m::Integer expected = p.GeleverdVolume * *p.ProductTarief;
    if (p.IngediendBedrag.Bedrag != expected)
      s.fail(p.src, "IngediendBedrag/Bedrag", std::to_string(p.IngediendBedrag.Bedrag),
             fmt::format("IngediendBedrag {} is niet GeleverdVolume {} × ProductTarief {} = {} (eurocent). "
                         "Reken het bedrag opnieuw uit met het onafgeronde tarief.",
                         p.IngediendBedrag.Bedrag, p.GeleverdVolume, *p.ProductTarief, expected),
             fmt::format("IngediendBedrag {} is not GeleverdVolume {} × ProductTarief {} = {} (eurocent). "
                         "Recompute the amount with the unrounded tariff.",
                         p.IngediendBedrag.Bedrag, p.GeleverdVolume, *p.ProductTarief, expected));
  });
}

// The municipality codes of a message, each with the date on which it must
// be a CBS code (TR378: current on the (Toewijzing)Ingangsdatum).
void tr378(const Context& c, Sink& s) {
  if (!c.reference) return;
  const auto& h = c.message.header();
  bool from_gemeente = c.message.type->direction == standard::Direction::gemeente_to_aanbieder;
  const std::string& code = from_gemeente ? h.Afzender : h.Ontvanger;
  Date on = h.BerichtIdentificatie.Dagtekening;
  auto earliest = [&](const Date& x) { on = std::min(on, x); };
  if (auto cl = client<m::Bericht301>(c))
    for (const auto& p : cl->ToegewezenProducten) earliest(p.Ingangsdatum);
  if (auto cl = client<m::Bericht305>(c))
    for (const auto& p : cl->StartProducten) earliest(p.ToewijzingIngangsdatum.value_or(p.Begindatum));
  if (auto cl = client<m::Bericht307>(c))
    for (const auto& p : cl->StopProducten) earliest(p.ToewijzingIngangsdatum.value_or(p.Begindatum));
  if (auto cl = client<m::Bericht315>(c))
    for (const auto& p : cl->AangevraagdeProducten) earliest(p.ToewijzingIngangsdatum);
  if (auto b = as<m::Bericht323>(c)) earliest(b->Declaratie.DeclaratiePeriode.Begindatum);
  std::string_view element = from_gemeente ? "Afzender" : "Ontvanger";
  if (!c.reference->gemeenten.valid_on(code, on))
    s.fail(h.src, element, code,
           "gemeentecode " + code + " staat niet in de CBS-lijst die geldt op " + d(on) +
               ". Gebruik de CBS-code van de gemeente zoals die op die datum bestond (bij een herindeling de "
               "code van de nieuwe gemeente vanaf de ingangsdatum).",
           "municipality code " + code + " is not in the CBS list valid on " + d(on) +
               ". Use the municipality's CBS code as it existed on that date (after a merger, the new "
               "municipality's code from its start).");
  if (auto b = as<m::Bericht319>(c); b && b->Antwoord && b->Antwoord->Woonplaatsbeginsel) {
    const auto& w = *b->Antwoord->Woonplaatsbeginsel;
    if (!c.reference->gemeenten.valid_on(w.Gemeente, h.BerichtIdentificatie.Dagtekening))
      s.fail(w.src, "Gemeente", w.Gemeente,
             "gemeentecode " + w.Gemeente + " in Woonplaatsbeginsel staat niet in de CBS-lijst. Vul de CBS-code "
                 "van de verantwoordelijke gemeente in.",
             "municipality code " + w.Gemeente + " in Woonplaatsbeginsel is not in the CBS list. Fill in the "
                 "responsible municipality's CBS code.");
  }
}

void tr381(const Context& c, Sink& s) {
  if (!c.reference) return;
  const standard::Law law_id = c.message.type->law;
  const std::string law = wet(c);
  // The gemeente of the exchange: the sender of a 301 (or 319), else the receiver.
  const auto& h = c.message.header();
  const std::string& gemeente = h.Afzender.size() == 4 ? h.Afzender : h.Ontvanger;
  auto check = [&](const m::Src& src, std::string_view element, const std::string& cat, const std::string& code,
                   const Date& on) {
    if (c.reference->productcodes.fits(law_id, cat, code, on)) return;
    // The region's own products, for the municipalities its contracts cover.
    if (c.reference->contracts && c.reference->contracts->lists_for(law_id, gemeente, cat, code, on)) return;
    auto actual = c.reference->productcodes.categorie_of(law_id, code);
    std::string hint_nl = actual ? " Volgens de productcodelijst hoort " + code + " bij categorie " + *actual + "."
                                 : " Code " + code + " staat niet in de productcodelijst van " + law + ".";
    std::string hint_en = actual ? " By the product code list, " + code + " belongs to category " + *actual + "."
                                 : " Code " + code + " is not in the " + law + " product code list.";
    s.fail(src, element, cat + "/" + code,
           "productcode " + code + " past niet bij categorie " + cat + " op " + d(on) + "." + hint_nl,
           "product code " + code + " does not fit category " + cat + " on " + d(on) + "." + hint_en);
  };
  auto product = [&](const m::Src& src, const std::optional<m::CdtProduct>& p, const Date& on) {
    if (p && p->Code) check(src, "Product/Code", p->Categorie, *p->Code, on);
  };
  if (auto cl = client<m::Bericht301>(c))
    for (const auto& p : cl->ToegewezenProducten) product(p.src, p.Product, p.Ingangsdatum);
  if (auto cl = client<m::Bericht305>(c))
    for (const auto& p : cl->StartProducten) product(p.src, p.Product, p.Begindatum);
  if (auto cl = client<m::Bericht307>(c))
    for (const auto& p : cl->StopProducten) product(p.src, p.Product, p.Begindatum);
  if (auto cl = client<m::Bericht315>(c))
    for (const auto& p : cl->AangevraagdeProducten) product(p.src, p.Product, p.ToewijzingIngangsdatum);
  if (auto cl = client<m::Bericht317>(c))
    for (const auto& p : cl->Verzoek.NieuweProducten) product(p.src, p.Product, p.GewensteIngangsdatum);
  if (as<m::Bericht323>(c))
    for_prestaties(c, [&](const m::Prestatie& p) {
      check(p.src, "ProductCode", p.ProductCategorie, p.ProductCode, p.ProductPeriode.Begindatum);
    });
}

constexpr std::string_view kAllHeen = "301 305 307 315 317 319 323 325";

// clang-format off
const std::array kInMessageRules = {
  Rule{"CS002", "0001", kIn, "301 305 307 315 317 323 325", "Het Bsn voldoet aan de 11-proef.", "The Bsn passes the 11-check.", &cs002},
  Rule{"TR002", "0001", kIn, "301 305 307 315", "Geboortedatum ligt niet meer dan 120 jaar voor de Dagtekening, tenzij onbekend (DatumGebruik 3).", "The date of birth is at most 120 years before the Dagtekening, unless unknown (DatumGebruik 3).", &tr002},
  Rule{"CS139", "0001", kIn, "301 305 307 315", "DatumGebruik en Datum van de geboortedatum zijn met elkaar in overeenstemming (onbekende delen 01 en 1900).", "DatumGebruik and Datum of the date of birth agree (unknown parts 01 and 1900).", &cs139},
  Rule{"TR006", "0001", kIn, "301", "Een Contact bevat een Telefoon en/of Huis met Postcode.", "A Contact has a Telefoon and/or a Huis with Postcode.", &tr006},
  Rule{"TR061", "0001", kIn, "301", "De cliënt heeft ten minste één adres met Soort 01, 02 of 03.", "The client has at least one address of Soort 01, 02 or 03.", &tr061},
  Rule{"CD005", "0001", kIn, "301", "Bij een Postcode hoort een Huis (huisnummer).", "A Postcode comes with a Huis (house number).", &cd005},
  Rule{"CD007", "0001", kIn, "301", "Taal alleen en verplicht bij Communicatie Vorm 1 (tolk taal).", "Taal only and always with Communicatie Vorm 1 (language interpreter).", &cd007},
  Rule{"CD009", "0001", kIn, "301", "Een Periode alleen bij adressoort 04 (tijdelijk verblijfadres).", "A Periode only with address type 04 (temporary).", &cd009},
  Rule{"CD025", "0001", kIn, "301", "Een adres met LandCode NL heeft een Postcode.", "An address with LandCode NL has a Postcode.", &cd025},
  Rule{"CD034", "0001", kIn, "301", "Een Contact met Soort 01 (BRP) of 03 (verblijf) heeft een Adres.", "A Contact of Soort 01 (BRP) or 03 (residence) has an Adres.", &cd034},
  Rule{"CS089", "0001", kIn, "301", "Een Nederlandse postcode heeft de vorm 1234AB.", "A Dutch postcode has the form 1234AB.", &cs089},
  Rule{"CS050", "0001", kIn, "301", "NaamGebruik 1-4 met Partnernaam, anders 1 of 6.", "NaamGebruik 1-4 with a Partnernaam, otherwise 1 or 6.", &cs050},
  Rule{"CS318", "0001", kIn, "301", "NaamGebruik 6 (niet-natuurlijk persoon) niet gebruiken.", "NaamGebruik 6 (not a natural person) is not used.", &cs318},
  Rule{"CS003", "0001", kIn, "301 315 317", "Een einddatum ligt op of na de begindatum (ingangsdatum) van de periode.", "An end date is on or after the period's start date.", &cs003},
  Rule{"CD041", "0001", kIn, "301 315 317", "Bij een productcode hoort een Omvang.", "A product code comes with an Omvang.", &cd041},
  Rule{"CD075", "0001", kIn, "301 315 317", "Bij een Budget is de einddatum verplicht.", "With a Budget the end date is mandatory.", &cd075},
  Rule{"CD076", "0001", kIn, "301 315 317", "Bij Frequentie 2 (per week) is de einddatum verplicht.", "With Frequentie 2 (per week) the end date is mandatory.", &cd076},
  Rule{"CD077", "0001", kIn, "301 315 317", "Bij een Budget geen Omvang.", "No Omvang with a Budget.", &cd077},
  Rule{"CD078", "0001", kIn, "301 315 317", "Bij een Omvang geen Budget.", "No Budget with an Omvang.", &cd078},
  Rule{"CD079", "0001", kIn, "301 315 317", "Zonder Budget is het Product verplicht.", "Without a Budget the Product is mandatory.", &cd079},
  Rule{"CD080", "0001", kIn, "301", "Zonder productcode en met een einddatum na 2020 (of open) geen Omvang.", "No Omvang without a product code when the end date is after 2020 or open.", &cd080},
  Rule{"CD095", "0001", kIn, "315", "Zonder productcode en met een ToewijzingEinddatum na 2020 (of open) geen Omvang.", "No Omvang without a product code when the ToewijzingEinddatum is after 2020 or open.", &cd095},
  Rule{"CD096", "0001", kIn, "317", "Een NieuwProduct zonder productcode en met een einddatum na 2020 (of open) heeft geen Omvang.", "A NieuwProduct without a product code and an end date after 2020 or open has no Omvang.", &cd096},
  Rule{"CS338", "0001", kIn, "301 317", "Bij Eenheid 14, 16, 83 of 84 (einddatum na 2020 of open) is de Frequentie 2, 4 of 6.", "With Eenheid 14, 16, 83 or 84 (end after 2020 or open) the Frequentie is 2, 4 or 6.", &cs338},
  Rule{"CS343", "0001", kIn, "315", "Bij Eenheid 14, 16, 83 of 84 (ToewijzingEinddatum na 2020 of open) is de Frequentie 2, 4 of 6.", "With Eenheid 14, 16, 83 or 84 (ToewijzingEinddatum after 2020 or open) the Frequentie is 2, 4 or 6.", &cs343},
  Rule{"CS335", "0001", kIn, "301", "RedenWijziging 13 (verwijderd) alleen als Ingangsdatum en Einddatum gelijk zijn.", "RedenWijziging 13 (withdrawn) only when Ingangsdatum equals Einddatum.", &cs335},
  Rule{"CS336", "0001", kIn, "301", "RedenWijziging 01 (vervallen) niet gebruiken.", "RedenWijziging 01 (retired) is not used.", &cs336},
  Rule{"TR302", "0001", kIn, "301", "Een product komt alleen vaker voor in een toewijzing als de perioden niet overlappen.", "A product occurs more than once in an allocation only with periods that do not overlap.", &tr302},
  Rule{"TR386", "0001", kIn, "315", "Een product komt alleen vaker voor in een verzoek om toewijzing als de perioden niet overlappen.", "A product occurs more than once in a request only with periods that do not overlap.", &tr386},
  Rule{"TR410", "0001", kIn, "317", "Een product komt alleen vaker voor als NieuwProduct als de perioden niet overlappen.", "A product occurs more than once as NieuwProduct only with periods that do not overlap.", &tr410},
  Rule{"TR101", "0001", kIn, "301 305 307 317 323", "Binnen een bericht geen dubbele regels (logische sleutel uniek).", "No duplicate lines within a message (logical key unique).", &tr101},
  Rule{"CS058", "0001", kIn, "305 307", "StatusAanlevering is 1 (eerste aanlevering) of 3 (verwijderen).", "StatusAanlevering is 1 (first delivery) or 3 (delete).", &cs058},
  Rule{"TR134", "0001", kIn, "305 307", "De Begindatum ligt niet na de Dagtekening van het bericht.", "The Begindatum is not after the message's Dagtekening.", &tr134},
  Rule{"TR137", "0001", kIn, "307", "De Einddatum ligt op of na de Begindatum en niet na de Dagtekening.", "The Einddatum is on or after the Begindatum and not after the Dagtekening.", &tr137},
  Rule{"CD043", "0001", kIn, "315", "BeschikkingIngangsdatum alleen en verplicht bij een BeschikkingNummer.", "BeschikkingIngangsdatum only and always with a BeschikkingNummer.", &cd043},
  Rule{"CD066", "0001", kIn, "315", "Verwijzer Type 02-05 met ZorgverlenerCode: geen Naam.", "Referrer Type 02-05 with ZorgverlenerCode: no Naam.", &cd066},
  Rule{"CD067", "0001", kIn, "315", "Verwijzer Type 02-05 zonder ZorgverlenerCode: Naam verplicht.", "Referrer Type 02-05 without ZorgverlenerCode: Naam mandatory.", &cd067},
  Rule{"CD068", "0001", kIn, "315", "Verwijzer Type anders dan 02-05: geen ZorgverlenerCode.", "Referrer Type other than 02-05: no ZorgverlenerCode.", &cd068},
  Rule{"TR383", "0001", kIn, "315", "ReferentieAanbieder is uniek per AangevraagdProduct binnen het bericht.", "ReferentieAanbieder is unique per AangevraagdProduct within the message.", &tr383},
  Rule{"TR352", "0001", kIn, "317", "Een verzoek om wijziging bevat ten minste één OngewijzigdProduct of TeWijzigenProduct.", "A request for change has at least one OngewijzigdProduct or TeWijzigenProduct.", &tr352},
  Rule{"TR353", "0001", kIn, "317", "Een verzoek om wijziging bevat ten minste één TeWijzigenProduct of NieuwProduct.", "A request for change has at least one TeWijzigenProduct or NieuwProduct.", &tr353},
  Rule{"TR380", "0001", kIn, "317", "De gevraagde Einddatum van een TeWijzigenProduct ligt na de Dagtekening.", "The requested Einddatum of a TeWijzigenProduct is after the Dagtekening.", &tr380},
  Rule{"CD085", "0001", kIn, "319", "Bij VerzoekAntwoord 1 (afgewezen) is RedenAfwijzingVerzoek verplicht.", "With VerzoekAntwoord 1 (rejected) RedenAfwijzingVerzoek is mandatory.", &cd085},
  Rule{"CD086", "0001", kIn, "319", "Bij VerzoekAntwoord 2 (in onderzoek) geen RedenAfwijzingVerzoek.", "With VerzoekAntwoord 2 (under investigation) no RedenAfwijzingVerzoek.", &cd086},
  Rule{"TR377", "0001", kIn, "319", "Bij RedenAfwijzingVerzoek 8 de klasse Woonplaatsbeginsel opnemen (iJw).", "With RedenAfwijzingVerzoek 8 include the Woonplaatsbeginsel class (iJw).", &tr377},
  Rule{"TR409", "0001", kIn, "319", "Zonder RedenAfwijzingVerzoek 8 geen klasse Woonplaatsbeginsel.", "Without RedenAfwijzingVerzoek 8 no Woonplaatsbeginsel class.", &tr409},
  Rule{"CS340", "0001", kIn, "323", "De DeclaratiePeriode is precies één hele kalendermaand.", "The DeclaratiePeriode is exactly one whole calendar month.", &cs340},
  Rule{"CS100", "0001", kIn, "323", "DeclaratiePeriode en ProductPeriode beginnen op of na 2021-01-01.", "DeclaratiePeriode and ProductPeriode start on or after 2021-01-01.", &cs100},
  Rule{"CS337", "0001", kIn, "323 325", "De ProductPeriode eindigt in dezelfde kalendermaand als zij begint.", "The ProductPeriode ends in the calendar month it starts in.", &cs337},
  Rule{"TR018", "0001", kIn, "323", "Einddatum ligt op of na Begindatum.", "Einddatum is on or after Begindatum.", &tr018},
  Rule{"TR335", "0001", kIn, "323", "Een ProductPeriode eindigt niet meer dan 5 jaar voor de DeclaratieDagtekening.", "A ProductPeriode ends at most 5 years before the DeclaratieDagtekening.", &tr335},
  Rule{"TR358", "0001", kIn, "323", "TotaalIngediendBedrag is de som van de IngediendBedragen (debet min credit).", "TotaalIngediendBedrag is the sum of the IngediendBedragen (debit minus credit).", &tr358},
  Rule{"TR315", "0001", kIn, "323", "Een VorigReferentieNummer komt maar één keer voor in het bericht.", "A VorigReferentieNummer occurs only once in the message.", &tr315},
  Rule{"TR316", "0001", kIn, "323", "Debetregels worden niet in hetzelfde bericht gecrediteerd.", "Debit lines are not credited in the same message.", &tr316},
  Rule{"TR416", "0001", kIn, "323", "Eén debetprestatie per toewijzing, product en periode in een bericht.", "One debit prestatie per allocation, product and period in a message.", &tr416},
  Rule{"CD060", "0001", kIn, "323 325", "VorigReferentieNummer alleen en verplicht bij een creditprestatie.", "VorigReferentieNummer only and always on a credit prestatie.", &cd060},
  Rule{"CD087", "0001", kIn, "323 325", "ProductTarief verplicht tenzij Eenheid 83 (euro's); dan leeg.", "ProductTarief mandatory unless Eenheid 83 (euros); then empty.", &cd087},
  Rule{"CS325", "0001", kIn, "323 325", "Een bedrag 0 heeft DebetCredit D.", "An amount of 0 has DebetCredit D.", &cs325},
  Rule{"CS339", "0001", kIn, "323 325", "Bij Eenheid 83 (euro's) is IngediendBedrag gelijk aan GeleverdVolume.", "With Eenheid 83 (euros) IngediendBedrag equals GeleverdVolume.", &cs339},
  Rule{"TR342", "0001", kIn, "325", "Een declaratie-antwoord bevat alleen afgewezen prestaties.", "A declaration answer holds only rejected prestaties.", &tr342},
  Rule{"TR135", "8848", kExt, kAllHeen, "De Dagtekening ligt niet na vandaag (Nederlandse datum).", "The Dagtekening is not after today (Dutch date).", &tr135},
  Rule{"TR346", "9346", kExt, "323", "IngediendBedrag = GeleverdVolume × ProductTarief, tenzij Eenheid 83.", "IngediendBedrag = GeleverdVolume × ProductTarief, unless Eenheid 83.", &tr346},
  Rule{"TR378", "S300", kExt, "301 305 307 315 317 319 323 325", "De gemeentecode staat in de CBS-lijst die geldt op de (toewijzings)ingangsdatum.", "The municipality code is in the CBS list valid on the (allocation) start date.", &tr378},
  Rule{"TR381", "S329", kExt, "301 305 307 315 317 323", "De productcode past bij de productcategorie volgens de productcodelijst.", "The product code fits the category by the product code list.", &tr381},
};
// clang-format on

}  // namespace

std::span<const Rule> in_message_rules() { return kInMessageRules; }

}  // namespace sluis::rules
