#include "gateway/standard/deadlines.hpp"

#include <type_traits>

namespace sluis::standard::deadlines {

namespace m = standard::model;
using core::Date;

namespace {

constexpr std::pair<Kind, std::string_view> kKindNames[] = {{Kind::retour, "retour"},
                                                            {Kind::declaratie_antwoord, "declaratie_antwoord"},
                                                            {Kind::verzoek_antwoord, "verzoek_antwoord"},
                                                            {Kind::definitief_antwoord, "definitief_antwoord"}};

std::string heen_key(int number, const std::string& afzender, const std::string& identificatie) {
  return std::to_string(number) + ":" + afzender + ":" + identificatie;
}

std::string request_key(const std::string& aanbieder, const std::string& referentie) {
  return aanbieder + ":" + referentie;
}

bool after(const Date& a, const Date& b) { return core::to_days(a) > core::to_days(b); }

}  // namespace

std::string_view to_string(Kind k) {
  for (const auto& [kind, name] : kKindNames)
    if (kind == k) return name;
  return "?";
}

std::optional<Kind> parse_kind(std::string_view s) {
  for (const auto& [kind, name] : kKindNames)
    if (name == s) return kind;
  return std::nullopt;
}

Assessment assess(const m::Message& msg, const Date& received, const core::WerkdagCalendar& cal,
                  const ledger::LedgerView* ledger) {
  Assessment a;
  if (!msg.type) return a;
  const m::Header& h = msg.header();
  const Law law = msg.type->law;
  const int number = msg.type->number;
  const std::string& ident = h.BerichtIdentificatie.Identificatie;
  auto owe = [&](Kind kind, std::string rule, std::string key, Date due) {
    a.opens.push_back({kind, std::move(rule), h.Ontvanger, h.Afzender, std::move(key), received, due});
  };
  auto meet = [&](Kind kind, std::string key) { a.meets.push_back({kind, std::move(key), received}); };

  // OP090 / OP090x4: the retour or 325 of a heenbericht.
  if (!msg.type->retour && msg.type->answered_by != 0 && msg.type->answer_werkdagen > 0) {
    const bool declaratie = msg.type->answered_by == 325;
    owe(declaratie ? Kind::declaratie_antwoord : Kind::retour, declaratie ? "OP090x4" : "OP090",
        heen_key(number, h.Afzender, ident), cal.add_werkdagen(received, msg.type->answer_werkdagen));
  }
  // A retour copies its heenbericht's header (IV028).
  if (msg.type->retour) meet(Kind::retour, heen_key(number - 1, h.Afzender, ident));
  // A 325 names its 323 (IV087); it travels back, so the 323's sender is its Ontvanger.
  if (number == 325 && h.DeclaratieIdentificatie)
    meet(Kind::declaratie_antwoord, heen_key(323, h.Ontvanger, h.DeclaratieIdentificatie->Identificatie));

  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if (msg.type->retour) return;  // retours answer nothing of the content
        if constexpr (std::is_same_v<B, m::Bericht315>) {
          // OP274: per requested product. The aanbieder sends the 315.
          if (!b.Client) return;
          const Date due = cal.add_werkdagen(received, kAnswerRequestWerkdagen);
          for (const auto& p : b.Client->AangevraagdeProducten)
            owe(Kind::verzoek_antwoord, "OP274", request_key(h.Afzender, p.ReferentieAanbieder), due);
        } else if constexpr (std::is_same_v<B, m::Bericht317>) {
          // OP346: for the whole request.
          if (!b.Client) return;
          owe(Kind::verzoek_antwoord, "OP346", request_key(h.Afzender, b.Client->Verzoek.ReferentieAanbieder),
              cal.add_werkdagen(received, kAnswerRequestWerkdagen));
        } else if constexpr (std::is_same_v<B, m::Bericht301>) {
          // An allocation answering a request, finally. The gemeente sends it.
          if (!b.Client) return;
          for (const auto& p : b.Client->ToegewezenProducten)
            if (p.ReferentieAanbieder) {
              meet(Kind::verzoek_antwoord, request_key(h.Ontvanger, *p.ReferentieAanbieder));
              meet(Kind::definitief_antwoord, request_key(h.Ontvanger, *p.ReferentieAanbieder));
            }
        } else if constexpr (std::is_same_v<B, m::Bericht319>) {
          if (!b.Antwoord) return;
          const auto& an = *b.Antwoord;
          const std::string key = request_key(h.Ontvanger, an.ReferentieAanbieder);
          std::optional<ledger::Request> request;
          std::optional<ledger::LedgerView::RequestReceipt> receipt;
          if (ledger) request = ledger->request(law, h.Ontvanger, an.ReferentieAanbieder);
          if (request) receipt = ledger->request_receipt(*request);
          meet(Kind::verzoek_antwoord, key);
          if (an.VerzoekAntwoord == "2") {
            // In onderzoek: the final answer within 8 weeks of the request's Dagtekening.
            const Date from = receipt ? receipt->dagtekening : received;
            owe(Kind::definitief_antwoord, request && request->type == 317 ? "OP346" : "OP274", key,
                core::add_days(from, kFinalAnswerDays));
            return;
          }
          meet(Kind::definitief_antwoord, key);
          // OP359: a woonplaatsbeginsel refusal within 2 weeks of the request's receipt.
          if (an.VerzoekAntwoord == "1" && an.RedenAfwijzingVerzoek == "8" && receipt) {
            const Date due = core::add_days(receipt->received, kWoonplaatsbeginselDays);
            if (after(received, due)) {
              const int days = static_cast<int>((core::to_days(received) - core::to_days(due)).count());
              a.late.push_back({"OP359", an.src.path(), an.src.line, an.src.column, receipt->received, due, received,
                                days, false});
            }
          }
        } else if constexpr (std::is_same_v<B, m::Bericht305>) {
          // OP271: the start within 5 werkdagen (of a retroactive allocation's date if later).
          if (!b.Client) return;
          for (const auto& p : b.Client->StartProducten) {
            if (p.StatusAanlevering == "3") continue;
            Date basis = p.Begindatum;
            if (ledger && p.ToewijzingNummer)
              if (auto al = ledger->allocation(law, h.Ontvanger, *p.ToewijzingNummer))
                if (after(al->toewijzingsdatum, basis)) basis = al->toewijzingsdatum;
            const Date due = cal.add_werkdagen(basis, kLateReportWerkdagen);
            if (after(received, due))
              a.late.push_back({"OP271", p.src.path(), p.src.line, p.src.column, basis, due, received,
                                cal.werkdagen_between(due, received), true});
          }
        } else if constexpr (std::is_same_v<B, m::Bericht307>) {
          // OP272: the stop within 5 werkdagen after the care ended.
          if (!b.Client) return;
          for (const auto& p : b.Client->StopProducten) {
            if (p.StatusAanlevering == "3") continue;
            const Date due = cal.add_werkdagen(p.Einddatum, kLateReportWerkdagen);
            if (after(received, due))
              a.late.push_back({"OP272", p.src.path(), p.src.line, p.src.column, p.Einddatum, due, received,
                                cal.werkdagen_between(due, received), true});
          }
        }
      },
      msg.body);
  return a;
}

Finding late_finding(const Late& l) {
  Finding f;
  f.origin = l.rule;
  f.rule = l.rule;
  f.path = l.path;
  f.line = l.line;
  f.column = l.column;
  f.value = core::format_date(l.basis);
  const std::string n = std::to_string(l.late);
  const std::string basis = core::format_date(l.basis), due = core::format_date(l.due);
  if (l.rule == "OP359") {
    f.nl = "Deze afwijzing op grond van het woonplaatsbeginsel is " + n +
           " dag(en) te laat: het verzoek is ontvangen op " + basis + ", de wettelijke termijn van 2 weken liep tot en met " +
           due + " (OP359). Het bericht is niet afgewezen; wijs zulke verzoeken voortaan binnen 2 weken af.";
    f.en = "This refusal on the woonplaatsbeginsel is " + n + " day(s) late: the request was received on " + basis +
           ", the legal term of 2 weeks ran until " + due +
           " inclusive (OP359). The message is not refused; refuse such requests within 2 weeks from now on.";
    return f;
  }
  const bool start = l.rule == "OP271";
  f.nl = std::string(start ? "Dit startbericht" : "Dit stopbericht") + " is " + n + " werkdag(en) te laat: de " +
         (start ? "ondersteuning startte" : "ondersteuning eindigde") + " op " + basis +
         ", het bericht had uiterlijk " + due + " verzonden moeten zijn (binnen 5 werkdagen, " + l.rule +
         "). Het bericht is niet afgewezen; meld een " + (start ? "start" : "stop") +
         " voortaan binnen 5 werkdagen.";
  f.en = std::string(start ? "This start message" : "This stop message") + " is " + n + " working day(s) late: " +
         (start ? "care started" : "care ended") + " on " + basis + ", the message was due by " + due +
         " (within 5 working days, " + l.rule + "). The message is not refused; report a " +
         (start ? "start" : "stop") + " within 5 working days from now on.";
  return f;
}

}  // namespace sluis::standard::deadlines
