#include <algorithm>

#include "gateway/rules/outcome.hpp"

namespace sluis::rules {

namespace m = standard::model;
namespace L = standard::ledger;
using standard::Findings;

namespace {

bool rejected_codes(const m::Codes& codes) {
  return std::any_of(codes.begin(), codes.end(), [](const std::string& c) { return c != "0200"; });
}

// The day someone born on `born` turns 18; 1 March for 29 February in a year
// that has none. Empty for a date that is not a day.
std::optional<standard::ledger::Date> turns_18_on(const standard::ledger::Date& born) {
  if (!born.ok()) return std::nullopt;
  const standard::ledger::Date d = born + std::chrono::years{18};
  if (d.ok()) return d;
  return standard::ledger::Date{d.year() / std::chrono::March / 1};
}

struct Parties {
  standard::Law law;
  std::string gemeente, aanbieder;
};
Parties parties(const m::Message& msg) {
  const auto& h = msg.header();
  bool from_gemeente = msg.type->direction == standard::Direction::gemeente_to_aanbieder;
  return {msg.type->law, from_gemeente ? h.Afzender : h.Ontvanger,
          from_gemeente ? h.Ontvanger : h.Afzender};
}

template <class P>
L::CareKey care_key(const Parties& w, const std::string& bsn_hash, const P& p) {
  L::CareKey k{w.law, w.gemeente, w.aanbieder, bsn_hash, p.ToewijzingNummer, {}, {}, p.ToewijzingIngangsdatum,
               p.Begindatum};
  if (p.Product) {
    k.categorie = p.Product->Categorie;
    k.code = p.Product->Code.value_or("");
  }
  return k;
}

// A 305/307 that deletes a class and delivers one under the same key corrects
// it (IV008): the deletion is processed first, wherever it stands in the
// message, so the store (which writes a start or stop by its key, the later
// write replacing the earlier) keeps the new delivery.
template <class T>
void deletions_first(std::vector<T>& lines) {
  std::stable_partition(lines.begin(), lines.end(), [](const T& x) { return x.status == "3"; });
}

// A partner's retour: what it rejected stops counting.
void withdraw(const m::Message& msg, const Parties& w, const BsnHash& hash, const std::string& heen_id,
              const L::LedgerView* ledger, L::Changes& c) {
  const auto& h = msg.header();
  if (msg.type->number == 325) {
    const auto* b = std::get_if<m::Bericht325>(&msg.body);
    if (!b || !ledger || !b->Header.DeclaratieIdentificatie) return;
    auto decl = ledger->declaration_by_id(w.law, w.aanbieder, b->Header.DeclaratieIdentificatie->Identificatie);
    if (!decl) return;
    bool whole = rejected_codes(h.RetourCodes) || !b->DeclaratieAntwoord ||
                 rejected_codes(b->DeclaratieAntwoord->RetourCodes);
    bool granted_all = b->DeclaratieAntwoord && b->DeclaratieAntwoord->RetourCodes ==
                                                    m::Codes{"8001"};
    c.declaration_verdicts.push_back(
        {w.law, w.aanbieder, decl->nummer, whole && !granted_all ? L::Verdict::rejected : L::Verdict::approved});
    if (b->DeclaratieAntwoord && !whole)
      for (const auto& cl : b->DeclaratieAntwoord->Clienten)
        for (const auto& p : cl.Prestaties)
          if (!p.RetourCodes.empty())
            c.prestatie_verdicts.push_back({w.law, w.aanbieder, p.ProductReferentie.ReferentieNummer,
                                            L::Verdict::rejected});
    return;
  }
  if (rejected_codes(h.RetourCodes) && std::find(h.RetourCodes.begin(), h.RetourCodes.end(), "0200") ==
                                           h.RetourCodes.end()) {
    if (!heen_id.empty()) c.rejected_messages.push_back(heen_id);
    return;
  }
  if (const auto* b = std::get_if<m::Bericht301>(&msg.body); b && b->Client)
    for (const auto& p : b->Client->ToegewezenProducten)
      if (rejected_codes(p.RetourCodes) || rejected_codes(b->Client->RetourCodes))
        c.rejected_allocations.push_back({w.law, w.gemeente, p.ToewijzingNummer});
  if (const auto* b = std::get_if<m::Bericht305>(&msg.body); b && b->Client)
    for (const auto& p : b->Client->StartProducten)
      if (rejected_codes(p.RetourCodes) || rejected_codes(b->Client->RetourCodes))
        c.rejected_starts.push_back(care_key(w, hash(b->Client->Bsn), p));
  if (const auto* b = std::get_if<m::Bericht307>(&msg.body); b && b->Client)
    for (const auto& p : b->Client->StopProducten)
      if (rejected_codes(p.RetourCodes) || rejected_codes(b->Client->RetourCodes))
        c.rejected_stops.push_back(care_key(w, hash(b->Client->Bsn), p));
  // A rejected request or answer (316, 318, 320) withdraws the whole heenbericht's facts.
  if (msg.type->number == 316 || msg.type->number == 318 || msg.type->number == 320)
    if (!heen_id.empty()) {
      bool any = false;
      m::for_each_class(msg, [&](const m::Src&, const m::Codes& codes) { any = any || rejected_codes(codes); });
      if (any) c.rejected_messages.push_back(heen_id);
    }
}

}  // namespace

L::Changes ledger_changes(const m::Message& msg, const std::string& id, const Findings& findings, L::Verdict verdict,
                          const BsnHash& hash, const std::string& heen_id, const L::LedgerView* ledger) {
  L::Changes c;
  if (!msg.type) return c;
  const Parties w = parties(msg);
  const std::set<std::string> rejected = rejected_classes(msg, findings);
  if (msg.type->retour || msg.type->number == 325) {
    withdraw(msg, w, hash, heen_id, ledger, c);
    return c;
  }
  std::visit(
      [&](const auto& b) {
        using B = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<B, m::Bericht301>) {
          if (!b.Client) return;
          for (const auto& p : b.Client->ToegewezenProducten) {
            L::Allocation a;
            a.law = w.law;
            a.gemeente = w.gemeente;
            a.aanbieder = w.aanbieder;
            a.toewijzing_nummer = p.ToewijzingNummer;
            a.bsn_hash = hash(b.Client->Bsn);
            if (p.Product) {
              a.categorie = p.Product->Categorie;
              a.code = p.Product->Code;
            }
            a.ingangsdatum = p.Ingangsdatum;
            a.einddatum = p.Einddatum;
            a.reden_wijziging = p.RedenWijziging;
            a.referentie_aanbieder = p.ReferentieAanbieder;
            if (p.Omvang) {
              a.volume = p.Omvang->Volume;
              a.eenheid = p.Omvang->Eenheid;
              a.frequentie = p.Omvang->Frequentie;
            }
            a.budget = p.Budget;
            a.toewijzingsdatum = p.Toewijzingsdatum;
            a.message_id = id;
            if (w.law == standard::Law::ijw) a.client_turns_18_on = turns_18_on(b.Client->Geboortedatum.Datum);
            // Honouring a request closes it (TR359, TR374); the allocation
            // keeps the request's referrer.
            std::optional<L::Request> honoured;
            if (p.ReferentieAanbieder && ledger) honoured = ledger->request(w.law, w.aanbieder, *p.ReferentieAanbieder);
            if (honoured) a.verwijzer_type = honoured->verwijzer_type;
            c.allocations.push_back(std::move(a));
            if (honoured) {
              honoured->honoured = true;
              c.requests.push_back(*honoured);
            }
          }
        } else if constexpr (std::is_same_v<B, m::Bericht305>) {
          if (!b.Client) return;
          for (const auto& p : b.Client->StartProducten)
            c.starts.push_back({care_key(w, hash(b.Client->Bsn), p), p.StatusAanlevering, id});
          deletions_first(c.starts);
        } else if constexpr (std::is_same_v<B, m::Bericht307>) {
          if (!b.Client) return;
          for (const auto& p : b.Client->StopProducten)
            c.stops.push_back(
                {care_key(w, hash(b.Client->Bsn), p), p.RedenBeeindiging, p.Einddatum, p.StatusAanlevering, id});
          deletions_first(c.stops);
        } else if constexpr (std::is_same_v<B, m::Bericht315>) {
          if (!b.Client) return;
          for (const auto& p : b.Client->AangevraagdeProducten)
            c.requests.push_back({w.law, w.aanbieder, w.gemeente, p.ReferentieAanbieder, 315, hash(b.Client->Bsn),
                                  "", false, id, p.Verwijzer.Type});
        } else if constexpr (std::is_same_v<B, m::Bericht317>) {
          if (!b.Client) return;
          c.requests.push_back({w.law, w.aanbieder, w.gemeente, b.Client->Verzoek.ReferentieAanbieder, 317,
                                hash(b.Client->Bsn), "", false, id, ""});  // a 317 names no Verwijzer
        } else if constexpr (std::is_same_v<B, m::Bericht319>) {
          if (!b.Antwoord || !ledger) return;
          if (auto r = ledger->request(w.law, w.aanbieder, b.Antwoord->ReferentieAanbieder)) {
            r->antwoord = b.Antwoord->VerzoekAntwoord;
            c.requests.push_back(*r);
          }
        } else if constexpr (std::is_same_v<B, m::Bericht323>) {
          const auto& d = b.Declaratie;
          c.declarations.push_back({w.law, w.aanbieder, w.gemeente, d.DeclaratieNummer,
                                    b.Header.BerichtIdentificatie.Identificatie,
                                    b.Header.BerichtIdentificatie.Dagtekening, d.DeclaratiePeriode.Begindatum,
                                    d.DeclaratiePeriode.Einddatum, d.TotaalIngediendBedrag.signed_cents(),
                                    b.Header.XsdVersie.BerichtXsdVersie, b.Header.XsdVersie.BasisschemaXsdVersie,
                                    verdict != L::Verdict::pending, id});
          // One record per prestatie, reserved at once: a record is some 600 bytes, and a
          // vector doubling its way to 40 000 of them holds up to 1.6x that at the peak.
          std::size_t n = 0;
          for (const auto& cl : d.Clienten) n += cl.Prestaties.size();
          c.prestaties.reserve(c.prestaties.size() + n);
          for (const auto& cl : d.Clienten)
            for (const auto& p : cl.Prestaties) {
              L::Prestatie x;
              x.law = w.law;
              x.aanbieder = w.aanbieder;
              x.gemeente = w.gemeente;
              x.referentie = p.ProductReferentie.ReferentieNummer;
              x.vorig_referentie = p.ProductReferentie.VorigReferentieNummer.value_or("");
              x.toewijzing_nummer = p.ToewijzingNummer;
              x.bsn_hash = hash(cl.Bsn);
              x.categorie = p.ProductCategorie;
              x.code = p.ProductCode;
              x.begin = p.ProductPeriode.Begindatum;
              x.eind = p.ProductPeriode.Einddatum;
              x.volume = p.GeleverdVolume;
              x.eenheid = p.Eenheid;
              x.cents = p.IngediendBedrag.Bedrag;
              x.tarief = p.ProductTarief;
              x.credit = p.IngediendBedrag.DebetCredit == "C";
              x.verdict = !rejected.empty() && (rejected.count(p.src.path()) || rejected.count(cl.src.path()))
                              ? L::Verdict::rejected
                              : verdict;
              x.declaratie_nummer = d.DeclaratieNummer;
              x.message_id = id;
              c.prestaties.push_back(std::move(x));
            }
        }
      },
      msg.body);
  return c;
}

}  // namespace sluis::rules
