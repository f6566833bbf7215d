// The cross-message rules of 3.2 ("berichtoverstijgend", control level 3):
// each compares the message with what the ledger (standard/ledger.hpp) holds
// from earlier messages, and fails at the class it concerns with its own
// retourcode. They run on the store's writer inside the transaction that
// commits the message (rules::check_ledger), so two messages never judge each
// other's half-written facts.
//
// Readings where the table is terse (docs/rules.md repeats them):
//  - gemeente and aanbieder come from the header: the heenbericht's sender and
//    receiver by the message's direction. An allocation belongs to the gemeente
//    and law by ToewijzingNummer (TR332); a prestatie or start naming one that
//    is unknown, or that another provider holds, is not related to it.
//  - TR074 applies to starts; a second stop with the same key is governed by
//    TR413-TR415 (temporary stop then definitive stop is the standard's flow).
//  - A 305/307 that deletes a class (StatusAanlevering 3) and delivers one
//    under the same key (1) corrects it (IV008; TR101 allows the pair): the
//    deletion is processed first, so TR074, TR326 and TR413-TR415 judge the
//    first delivery without the classes the message itself deletes. TR063
//    still wants the deleted class on record; a stop's deletion names its
//    RedenBeeindiging as delivered (in 3.2 part of the StopProduct's key).
//  - TR321 compares GeleverdVolume with the allocated Volume over the
//    ProductPeriode when the units are equal: per dag x days, per week x weeks
//    begun, per maand and totaal as allocated; different units are TR341.
//    TR322 sums the not-rejected prestaties (debit minus credit) of an
//    allocation with Frequentie 6 (totaal), this message's earlier lines
//    included; TR369 does the same with amounts against a Budget.
//  - TR389: a debit for the same allocation, product and period is allowed
//    again once the earlier one was credited (OP366, credit then correction).
//  - Rejected facts do not count: an allocation the provider's 302 rejected is
//    unknown, a rejected prestatie is neither a debit to credit nor volume used.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "gateway/core/redact.hpp"
#include "gateway/rules/checks.hpp"
#include "gateway/rules/engine.hpp"

namespace sluis::rules {

namespace {

namespace m = standard::model;
namespace L = standard::ledger;
using core::Date;

using checks::as;
using checks::client;
using checks::d;
using checks::kX;

standard::Law law(const Context& c) { return c.message.type->law; }
std::string gemeente(const Context& c) {
  const auto& h = c.message.header();
  return c.message.type->direction == standard::Direction::gemeente_to_aanbieder ? h.Afzender : h.Ontvanger;
}
std::string aanbieder(const Context& c) {
  const auto& h = c.message.header();
  return c.message.type->direction == standard::Direction::gemeente_to_aanbieder ? h.Ontvanger : h.Afzender;
}
std::string hash(const Context& c, const std::string& bsn) { return c.bsn_hash ? c.bsn_hash(bsn) : bsn; }

// The allocation a start, stop or prestatie names, if it is this provider's.
std::optional<L::Allocation> own_allocation(const Context& c, m::Integer nummer) {
  auto a = c.ledger->allocation(law(c), gemeente(c), nummer);
  if (!a || a->aanbieder != aanbieder(c) || a->verdict == L::Verdict::rejected) return std::nullopt;
  return a;
}

// ---- 305 / 307: start and stop of care ----

template <class P>
L::CareKey care_key(const Context& c, const std::string& bsn, const P& p) {
  L::CareKey k;
  k.law = law(c);
  k.gemeente = gemeente(c);
  k.aanbieder = aanbieder(c);
  k.bsn_hash = hash(c, bsn);
  k.toewijzing_nummer = p.ToewijzingNummer;
  if (p.Product) {
    k.categorie = p.Product->Categorie;
    k.code = p.Product->Code.value_or("");
  }
  k.toewijzing_ingangsdatum = p.ToewijzingIngangsdatum;
  k.begindatum = p.Begindatum;
  return k;
}

bool active(const std::string& status) { return status == "1" || status == "2"; }

// Whether the message deletes (StatusAanlevering 3) a line with this key: a
// correction's first delivery is judged as if that class were gone already.
template <class P>
bool deleted_here(const Context& c, const std::string& bsn, const std::vector<P>& lines, const L::CareKey& k) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const P& q) { return q.StatusAanlevering == "3" && (care_key(c, bsn, q) == k); });
}

// Calls f(bsn, product) for every StartProduct and StopProduct.
template <class F>
void for_care_lines(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht305>(c))
    for (const auto& p : cl->StartProducten) f(cl->Bsn, p);
  if (auto cl = client<m::Bericht307>(c))
    for (const auto& p : cl->StopProducten) f(cl->Bsn, p);
}

void tr019(const Context& c, Sink& s) {
  for_care_lines(c, [&](const std::string&, const auto& p) {
    if (!p.ToewijzingNummer) return;
    if (!own_allocation(c, *p.ToewijzingNummer))
      s.fail(p.src, "ToewijzingNummer", std::to_string(*p.ToewijzingNummer),
             "er is geen toewijzing " + std::to_string(*p.ToewijzingNummer) + " van gemeente " + gemeente(c) +
                 " aan aanbieder " + aanbieder(c) +
                 " bekend. Neem het ToewijzingNummer over uit het 301-bericht van de gemeente, of wacht tot de "
                 "toewijzing is ontvangen.",
             "no allocation " + std::to_string(*p.ToewijzingNummer) + " from gemeente " + gemeente(c) +
                 " to provider " + aanbieder(c) +
                 " is known. Copy the ToewijzingNummer from the gemeente's 301 message, or wait until the "
                 "allocation has arrived.");
  });
}

void tr304(const Context& c, Sink& s) {
  auto check = [&](const m::Src& src, const std::string& bsn, m::Integer nummer) {
    auto a = own_allocation(c, nummer);
    if (a && a->bsn_hash != hash(c, bsn))
      s.fail(src, "ToewijzingNummer", std::to_string(nummer),
             "toewijzing " + std::to_string(nummer) + " hoort bij een andere cliënt dan Bsn " + core::mask_bsn(bsn) +
                 ". Controleer het BSN en het ToewijzingNummer.",
             "allocation " + std::to_string(nummer) + " belongs to another client than Bsn " + core::mask_bsn(bsn) +
                 ". Check the BSN and the ToewijzingNummer.");
  };
  for_care_lines(c, [&](const std::string& bsn, const auto& p) {
    if (p.ToewijzingNummer) check(p.src, bsn, *p.ToewijzingNummer);
  });
  if (auto b = as<m::Bericht323>(c))
    for (const auto& cl : b->Declaratie.Clienten)
      for (const auto& p : cl.Prestaties) check(p.src, cl.Bsn, p.ToewijzingNummer);
}

void tr063(const Context& c, Sink& s) {
  for_care_lines(c, [&](const std::string& bsn, const auto& p) {
    if (p.StatusAanlevering != "3") return;
    auto k = care_key(c, bsn, p);
    bool earlier = false;
    if constexpr (std::is_same_v<std::decay_t<decltype(p)>, m::StartProduct>) {
      auto st = c.ledger->start(k);
      earlier = st && active(st->status);
    } else {
      auto st = c.ledger->stop(k);
      earlier = st && active(st->status);
      if (earlier && st->reden != p.RedenBeeindiging) {
        s.fail(p.src, "RedenBeeindiging", p.RedenBeeindiging,
               "met StatusAanlevering 3 verwijdert u de stop zoals die is aangeleverd, maar de stop met deze "
               "sleutel (Begindatum " + d(p.Begindatum) + ") heeft RedenBeeindiging " + st->reden + ", niet " +
                   p.RedenBeeindiging + "; RedenBeeindiging hoort bij de sleutel van een stop. Neem de stop "
                   "ongewijzigd over om haar te verwijderen, en lever de juiste in hetzelfde bericht met "
                   "StatusAanlevering 1.",
               "StatusAanlevering 3 deletes the stop as it was delivered, but the stop with this key (Begindatum " +
                   d(p.Begindatum) + ") has RedenBeeindiging " + st->reden + ", not " + p.RedenBeeindiging +
                   "; RedenBeeindiging is part of a stop's key. Copy the stop unchanged to delete it, and deliver "
                   "the right one in the same message with StatusAanlevering 1.");
        return;
      }
    }
    if (!earlier)
      s.fail(p.src, "StatusAanlevering", "3",
             "met StatusAanlevering 3 verwijdert u een eerdere aanlevering, maar er is geen aanlevering met "
             "dezelfde sleutel (ToewijzingNummer, Product, ToewijzingIngangsdatum, Begindatum " +
                 d(p.Begindatum) + ") ontvangen. Neem de sleutel ongewijzigd over uit het bericht dat u wilt "
                 "verwijderen.",
             "StatusAanlevering 3 deletes an earlier delivery, but none with the same key (ToewijzingNummer, "
             "Product, ToewijzingIngangsdatum, Begindatum " +
                 d(p.Begindatum) + ") was received. Copy the key unchanged from the message you want to delete.");
  });
}

void tr071(const Context& c, Sink& s) {
  auto cl = client<m::Bericht305>(c);
  if (!cl) return;
  for (const auto& p : cl->StartProducten) {
    if (p.StatusAanlevering != "3") continue;
    auto st = c.ledger->stop(care_key(c, cl->Bsn, p));
    if (st && active(st->status))
      s.fail(p.src, "StatusAanlevering", "3",
             "deze start (Begindatum " + d(p.Begindatum) + ") is al gestopt per " + d(st->einddatum) +
                 "; een gestopte start kunt u niet verwijderen. Verwijder eerst het stopbericht "
                 "(307 met StatusAanlevering 3).",
             "this start (Begindatum " + d(p.Begindatum) + ") was already stopped as of " + d(st->einddatum) +
                 "; a stopped start cannot be deleted. Delete the stop first (307 with StatusAanlevering 3).");
  }
}

void tr074(const Context& c, Sink& s) {
  auto cl = client<m::Bericht305>(c);
  if (!cl) return;
  for (const auto& p : cl->StartProducten) {
    if (p.StatusAanlevering != "1") continue;
    auto k = care_key(c, cl->Bsn, p);
    auto st = c.ledger->start(k);
    if (st && active(st->status) && !deleted_here(c, cl->Bsn, cl->StartProducten, k))
      s.fail(p.src, "StatusAanlevering", "1",
             "een start met dezelfde sleutel (Begindatum " + d(p.Begindatum) +
                 ") is al eerder aangeleverd. Wilt u die corrigeren: verwijder haar met StatusAanlevering 3 "
                 "en lever daarna opnieuw aan.",
             "a start with the same key (Begindatum " + d(p.Begindatum) +
                 ") was delivered before. To correct it, delete it with StatusAanlevering 3 and deliver again.");
  }
}

void tr326(const Context& c, Sink& s) {
  auto cl = client<m::Bericht305>(c);
  if (!cl) return;
  for (const auto& p : cl->StartProducten) {
    if (p.StatusAanlevering != "1" || !p.ToewijzingNummer) continue;
    auto k = care_key(c, cl->Bsn, p);
    auto same = c.ledger->start(k);
    if (same && active(same->status) && !deleted_here(c, cl->Bsn, cl->StartProducten, k)) continue;  // TR074
    auto open = c.ledger->open_starts_on(law(c), gemeente(c), aanbieder(c), *p.ToewijzingNummer);
    if (std::any_of(open.begin(), open.end(),
                    [&](const L::CareKey& o) { return !deleted_here(c, cl->Bsn, cl->StartProducten, o); }))
      s.fail(p.src, "ToewijzingNummer", std::to_string(*p.ToewijzingNummer),
             "op toewijzing " + std::to_string(*p.ToewijzingNummer) +
                 " loopt al een start zonder stop. Stuur eerst een stopbericht (307) voor die start, of "
                 "verwijder haar (305 met StatusAanlevering 3).",
             "allocation " + std::to_string(*p.ToewijzingNummer) +
                 " already has a start without a stop. Send a stop (307) for it first, or delete it (305 with "
                 "StatusAanlevering 3).");
  }
}

void tr382(const Context& c, Sink& s) {
  auto cl = client<m::Bericht307>(c);
  if (!cl) return;
  for (const auto& p : cl->StopProducten) {
    if (!active(p.StatusAanlevering)) continue;
    auto st = c.ledger->start(care_key(c, cl->Bsn, p));
    if (!st || !active(st->status))
      s.fail(p.src, "Begindatum", d(p.Begindatum),
             "er is geen start met dezelfde sleutel (ToewijzingNummer, Product, ToewijzingIngangsdatum, "
             "Begindatum " + d(p.Begindatum) +
                 "). Neem de sleutel van het startbericht ongewijzigd over in het stopbericht.",
             "there is no start with the same key (ToewijzingNummer, Product, ToewijzingIngangsdatum, Begindatum " +
                 d(p.Begindatum) + "). Copy the start message's key unchanged into the stop message.");
  }
}

// TR413-TR415: a second stop for the same start.
void stop_rules(const Context& c, Sink& s, int which) {
  auto cl = client<m::Bericht307>(c);
  if (!cl) return;
  for (const auto& p : cl->StopProducten) {
    if (!active(p.StatusAanlevering)) continue;
    auto k = care_key(c, cl->Bsn, p);
    auto st = c.ledger->stop(k);
    if (!st || !active(st->status) || deleted_here(c, cl->Bsn, cl->StopProducten, k)) continue;
    bool temporary = st->reden == "20";
    if (which == 413 && temporary && p.RedenBeeindiging == "20")
      s.fail(p.src, "RedenBeeindiging", "20",
             "deze start is al tijdelijk gestopt (RedenBeeindiging 20, per " + d(st->einddatum) +
                 "); een volgende stop is definitief: kies de echte reden van beëindiging.",
             "this start was already stopped temporarily (RedenBeeindiging 20, as of " + d(st->einddatum) +
                 "); the next stop is final: choose the actual reason for ending.");
    if (which == 414 && p.Einddatum < st->einddatum)
      s.fail(p.src, "Einddatum", d(p.Einddatum),
             "de Einddatum " + d(p.Einddatum) + " ligt voor de Einddatum " + d(st->einddatum) +
                 " van de eerdere stop. Een volgende stop eindigt op of na de eerdere.",
             "the Einddatum " + d(p.Einddatum) + " is before the Einddatum " + d(st->einddatum) +
                 " of the earlier stop. A later stop ends on or after the earlier one.");
    if (which == 415 && !temporary)
      s.fail(p.src, "StatusAanlevering", p.StatusAanlevering,
             "deze start is al definitief gestopt per " + d(st->einddatum) + " (RedenBeeindiging " + st->reden +
                 "). Corrigeren: verwijder die stop met StatusAanlevering 3 en lever opnieuw aan.",
             "this start was already stopped for good as of " + d(st->einddatum) + " (RedenBeeindiging " +
                 st->reden + "). To correct it, delete that stop with StatusAanlevering 3 and deliver again.");
  }
}
void tr413(const Context& c, Sink& s) { stop_rules(c, s, 413); }
void tr414(const Context& c, Sink& s) { stop_rules(c, s, 414); }
void tr415(const Context& c, Sink& s) { stop_rules(c, s, 415); }

// ---- 301: allocations ----

void tr332(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& p : cl->ToegewezenProducten) {
    auto a = c.ledger->allocation(law(c), gemeente(c), p.ToewijzingNummer);
    if (a && (a->aanbieder != aanbieder(c) || a->bsn_hash != hash(c, cl->Bsn)))
      s.fail(p.src, "ToewijzingNummer", std::to_string(p.ToewijzingNummer),
             "ToewijzingNummer " + std::to_string(p.ToewijzingNummer) + " is al gebruikt voor een toewijzing " +
                 "aan een andere cliënt of aanbieder. Geef elke toewijzing een eigen nummer binnen de gemeente.",
             "ToewijzingNummer " + std::to_string(p.ToewijzingNummer) + " was already used for an allocation to "
                 "another client or provider. Give every allocation its own number within the gemeente.");
  }
}

void tr385(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& p : cl->ToegewezenProducten) {
    if (p.RedenWijziging != std::optional<std::string>("13")) continue;
    if (c.ledger->has_approved_uncredited(law(c), gemeente(c), p.ToewijzingNummer))
      s.fail(p.src, "RedenWijziging", "13",
             "op toewijzing " + std::to_string(p.ToewijzingNummer) +
                 " zijn goedgekeurde, niet gecrediteerde prestaties gedeclareerd; zo'n toewijzing kan niet worden "
                 "verwijderd. Beëindig haar met een Einddatum, of laat de aanbieder eerst crediteren.",
             "allocation " + std::to_string(p.ToewijzingNummer) +
                 " has approved prestaties that were not credited; it cannot be deleted. End it with an "
                 "Einddatum, or have the provider credit them first.");
  }
}

void tr379(const Context& c, Sink& s) {
  auto cl = client<m::Bericht301>(c);
  if (!cl) return;
  for (const auto& p : cl->ToegewezenProducten) {
    if (!p.ReferentieAanbieder) continue;
    auto r = c.ledger->request(law(c), aanbieder(c), *p.ReferentieAanbieder);
    if (!r || r->gemeente != gemeente(c))
      s.fail(p.src, "ReferentieAanbieder", *p.ReferentieAanbieder,
             "ReferentieAanbieder " + *p.ReferentieAanbieder + " komt in geen verzoek (315 of 317) van aanbieder " +
                 aanbieder(c) + " aan deze gemeente voor. Vul haar alleen bij het honoreren van een verzoek, met "
                 "de referentie uit dat verzoek; laat haar anders leeg.",
             "ReferentieAanbieder " + *p.ReferentieAanbieder + " occurs in no request (315 or 317) of provider " +
                 aanbieder(c) + " to this gemeente. Fill it only when honouring a request, with that request's "
                 "reference; otherwise leave it empty.");
  }
}

// ---- 315 / 317 / 319: requests and answers ----

template <class F>
void for_request_refs(const Context& c, F&& f) {
  if (auto cl = client<m::Bericht315>(c))
    for (const auto& p : cl->AangevraagdeProducten) f(cl->Bsn, p.src, p.ReferentieAanbieder);
  if (auto cl = client<m::Bericht317>(c)) f(cl->Bsn, cl->Verzoek.src, cl->Verzoek.ReferentieAanbieder);
}

void tr347(const Context& c, Sink& s) {
  for_request_refs(c, [&](const std::string&, const m::Src& src, const std::string& ref) {
    if (c.ledger->request(law(c), aanbieder(c), ref))
      s.fail(src, "ReferentieAanbieder", ref,
             "ReferentieAanbieder " + ref + " is al gebruikt in een eerder verzoek van aanbieder " + aanbieder(c) +
                 ". Geef elk verzoek een nieuwe, unieke referentie.",
             "ReferentieAanbieder " + ref + " was already used in an earlier request of provider " + aanbieder(c) +
                 ". Give every request a new, unique reference.");
  });
}

void tr374(const Context& c, Sink& s) {
  for_request_refs(c, [&](const std::string& bsn, const m::Src& src, const std::string& ref) {
    for (const auto& r : c.ledger->open_requests(law(c), aanbieder(c), hash(c, bsn)))
      if (r.referentie != ref && r.gemeente == gemeente(c)) {
        s.fail(src, "ReferentieAanbieder", ref,
               "voor deze cliënt loopt nog verzoek " + r.referentie +
                   " van u, waarop de gemeente nog niet definitief heeft geantwoord (301 of 319). Wacht dat "
                   "antwoord af voordat u een nieuw verzoek stuurt.",
               "request " + r.referentie +
                   " of yours for this client is still open: the gemeente has not answered it finally (301 or "
                   "319). Wait for that answer before sending a new request.");
        return;
      }
  });
}

void answer_rules(const Context& c, Sink& s, int which) {
  auto b = as<m::Bericht319>(c);
  if (!b || !b->Antwoord) return;
  const auto& a = *b->Antwoord;
  auto r = c.ledger->request(law(c), aanbieder(c), a.ReferentieAanbieder);
  if (which == 355 && (!r || r->gemeente != gemeente(c)))
    s.fail(a.src, "ReferentieAanbieder", a.ReferentieAanbieder,
           "ReferentieAanbieder " + a.ReferentieAanbieder + " komt in geen verzoek (315 of 317) van aanbieder " +
               aanbieder(c) + " aan deze gemeente voor. Neem de referentie over uit het verzoek dat u beantwoordt.",
           "ReferentieAanbieder " + a.ReferentieAanbieder + " occurs in no request (315 or 317) of provider " +
               aanbieder(c) + " to this gemeente. Copy the reference from the request you answer.");
  if (!r) return;
  if (which == 359 && r->honoured)
    s.fail(a.src, "ReferentieAanbieder", a.ReferentieAanbieder,
           "verzoek " + a.ReferentieAanbieder + " is al gehonoreerd met een toewijzing (301); een antwoordbericht "
           "is dan niet meer mogelijk.",
           "request " + a.ReferentieAanbieder + " was already honoured with an allocation (301); an answer is "
           "no longer possible.");
  if (which == 360 && a.VerzoekAntwoord == "2" && !r->antwoord.empty())
    s.fail(a.src, "VerzoekAntwoord", "2",
           "op verzoek " + a.ReferentieAanbieder + " is al geantwoord; 'in onderzoek' (2) kan alleen het eerste "
           "antwoord zijn. Stuur nu een toewijzing (301) of een afwijzing (VerzoekAntwoord 1).",
           "request " + a.ReferentieAanbieder + " was already answered; 'under investigation' (2) can only be the "
           "first answer. Send an allocation (301) or a rejection (VerzoekAntwoord 1) now.");
  if (which == 365 && !r->antwoord.empty() && r->antwoord != "2")
    s.fail(a.src, "VerzoekAntwoord", a.VerzoekAntwoord,
           "op verzoek " + a.ReferentieAanbieder + " is al definitief geantwoord (VerzoekAntwoord " + r->antwoord +
               "); een tweede antwoord is niet mogelijk.",
           "request " + a.ReferentieAanbieder + " was already answered finally (VerzoekAntwoord " + r->antwoord +
               "); a second answer is not possible.");
}
void tr355(const Context& c, Sink& s) { answer_rules(c, s, 355); }
void tr359(const Context& c, Sink& s) { answer_rules(c, s, 359); }
void tr360(const Context& c, Sink& s) { answer_rules(c, s, 360); }
void tr365(const Context& c, Sink& s) { answer_rules(c, s, 365); }

// ---- 323: declarations ----

template <class F>
void for_client_prestaties(const Context& c, F&& f) {
  if (auto b = as<m::Bericht323>(c))
    for (const auto& cl : b->Declaratie.Clienten)
      for (const auto& p : cl.Prestaties) f(cl, p);
}

bool credit(const m::Prestatie& p) { return p.IngediendBedrag.DebetCredit == "C"; }

void tr333(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& dcl = b->Declaratie;
  if (c.ledger->declaration(law(c), aanbieder(c), dcl.DeclaratieNummer))
    s.fail(dcl.src, "DeclaratieNummer", dcl.DeclaratieNummer,
           "DeclaratieNummer " + dcl.DeclaratieNummer + " is al gebruikt in een eerdere declaratie van " +
               aanbieder(c) + ". Geef elke declaratie een nieuw nummer.",
           "DeclaratieNummer " + dcl.DeclaratieNummer + " was already used in an earlier declaration of " +
               aanbieder(c) + ". Give every declaration a new number.");
}

void tr314(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    const auto& ref = p.ProductReferentie.ReferentieNummer;
    if (c.ledger->prestatie(law(c), aanbieder(c), ref))
      s.fail(p.src, "ProductReferentie/ReferentieNummer", ref,
             "ReferentieNummer " + ref + " is al gebruikt voor een eerdere prestatie van " + aanbieder(c) +
                 ". Geef elke prestatie (ook een credit) een nieuw ReferentieNummer.",
             "ReferentieNummer " + ref + " was already used for an earlier prestatie of " + aanbieder(c) +
                 ". Give every prestatie (a credit too) a new ReferentieNummer.");
  });
}

void tr338(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    if (!own_allocation(c, p.ToewijzingNummer))
      s.fail(p.src, "ToewijzingNummer", std::to_string(p.ToewijzingNummer),
             "er is geen toewijzing " + std::to_string(p.ToewijzingNummer) + " van gemeente " + gemeente(c) +
                 " aan " + aanbieder(c) + " bekend. Declareer alleen op een ontvangen toewijzing (301), met het "
                 "ToewijzingNummer daaruit.",
             "no allocation " + std::to_string(p.ToewijzingNummer) + " from gemeente " + gemeente(c) + " to " +
                 aanbieder(c) + " is known. Declare only on an allocation received (301), with its "
                 "ToewijzingNummer.");
  });
}

// Rules comparing a prestatie with its allocation.
void allocation_rules(const Context& c, Sink& s, int which) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    auto a = own_allocation(c, p.ToewijzingNummer);
    if (!a) return;
    const std::string n = std::to_string(p.ToewijzingNummer);
    const auto& per = p.ProductPeriode;
    if (which == 307 && per.Begindatum < a->ingangsdatum)
      s.fail(p.src, "ProductPeriode/Begindatum", d(per.Begindatum),
             "de ProductPeriode begint " + d(per.Begindatum) + ", voor de Ingangsdatum " + d(a->ingangsdatum) +
                 " van toewijzing " + n + ". Declareer alleen zorg binnen de toewijzingsperiode.",
             "the ProductPeriode starts " + d(per.Begindatum) + ", before the Ingangsdatum " + d(a->ingangsdatum) +
                 " of allocation " + n + ". Declare only care within the allocation's period.");
    if (which == 308 && a->einddatum && per.Einddatum > *a->einddatum)
      s.fail(p.src, "ProductPeriode/Einddatum", d(per.Einddatum),
             "de ProductPeriode eindigt " + d(per.Einddatum) + ", na de Einddatum " + d(a->einddatum) +
                 " van toewijzing " + n + ". Declareer alleen zorg binnen de toewijzingsperiode.",
             "the ProductPeriode ends " + d(per.Einddatum) + ", after the Einddatum " + d(a->einddatum) +
                 " of allocation " + n + ". Declare only care within the allocation's period.");
    if (which == 339 && !a->categorie.empty() && a->categorie != p.ProductCategorie)
      s.fail(p.src, "ProductCategorie", p.ProductCategorie,
             "ProductCategorie " + p.ProductCategorie + " wijkt af van categorie " + a->categorie +
                 " in toewijzing " + n + ". Declareer de toegewezen categorie.",
             "ProductCategorie " + p.ProductCategorie + " differs from category " + a->categorie +
                 " in allocation " + n + ". Declare the allocated category.");
    if (which == 340 && a->code && *a->code != p.ProductCode)
      s.fail(p.src, "ProductCode", p.ProductCode,
             "ProductCode " + p.ProductCode + " wijkt af van productcode " + *a->code + " in toewijzing " + n +
                 ". Declareer het toegewezen product.",
             "ProductCode " + p.ProductCode + " differs from product code " + *a->code + " in allocation " + n +
                 ". Declare the allocated product.");
    if (which == 341 && a->volume && a->eenheid != p.Eenheid)
      s.fail(p.src, "Eenheid", p.Eenheid,
             "Eenheid " + p.Eenheid + " past niet bij eenheid " + a->eenheid + " van toewijzing " + n +
                 ". Declareer in de eenheid van de toewijzing.",
             "Eenheid " + p.Eenheid + " does not fit unit " + a->eenheid + " of allocation " + n +
                 ". Declare in the allocation's unit.");
    if (which == 384 && a->reden_wijziging == std::optional<std::string>("13"))
      s.fail(p.src, "ToewijzingNummer", n,
             "toewijzing " + n + " is door de gemeente verwijderd (RedenWijziging 13); daarop kunt u niet "
             "declareren. Neem contact op met de gemeente over de juiste toewijzing.",
             "allocation " + n + " was deleted by the gemeente (RedenWijziging 13); you cannot declare on it. "
             "Contact the gemeente about the right allocation.");
    if (which == 321 && !credit(p) && a->volume && a->eenheid == p.Eenheid) {
      auto days = (std::chrono::sys_days{per.Einddatum} - std::chrono::sys_days{per.Begindatum}).count() + 1;
      m::Integer limit = *a->volume;
      if (a->frequentie == "1") limit *= days;
      else if (a->frequentie == "2") limit *= (days + 6) / 7;
      if (p.GeleverdVolume > limit)
        s.fail(p.src, "GeleverdVolume", std::to_string(p.GeleverdVolume),
               fmt::format("GeleverdVolume {} is meer dan toewijzing {} toestaat in de ProductPeriode ({} {} "
                           "per frequentie {}: {}). Declareer niet meer dan toegewezen, of vraag een wijziging "
                           "aan (317).",
                           p.GeleverdVolume, n, *a->volume, a->eenheid, a->frequentie, limit),
               fmt::format("GeleverdVolume {} is more than allocation {} allows in the ProductPeriode ({} {} per "
                           "frequency {}: {}). Declare no more than allocated, or request a change (317).",
                           p.GeleverdVolume, n, *a->volume, a->eenheid, a->frequentie, limit));
    }
  });
}
void tr307(const Context& c, Sink& s) { allocation_rules(c, s, 307); }
void tr308(const Context& c, Sink& s) { allocation_rules(c, s, 308); }
void tr321(const Context& c, Sink& s) { allocation_rules(c, s, 321); }
void tr339(const Context& c, Sink& s) { allocation_rules(c, s, 339); }
void tr340(const Context& c, Sink& s) { allocation_rules(c, s, 340); }
void tr341(const Context& c, Sink& s) { allocation_rules(c, s, 341); }
void tr384(const Context& c, Sink& s) { allocation_rules(c, s, 384); }

// TR322 (volume) and TR369 (budget): what was declared on the allocation
// before, plus this message's earlier lines, plus this line. Only an
// allocation the rule can refuse on (TR322: a Volume with Frequentie 6,
// totaal; TR369: a Budget) is summed: the ledger's sum is a query per
// allocation, and most allocations of a large declaration are per week or
// per month, which TR321 judges line by line instead.
void sum_rules(const Context& c, Sink& s, bool budget) {
  std::map<m::Integer, m::Integer> in_message;
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    auto a = own_allocation(c, p.ToewijzingNummer);
    if (!a) return;
    if (budget ? !a->budget : !(a->volume && a->frequentie == "6")) return;
    m::Integer delta = budget ? p.IngediendBedrag.signed_cents() : (credit(p) ? -p.GeleverdVolume : p.GeleverdVolume);
    auto [it, fresh] = in_message.try_emplace(p.ToewijzingNummer, 0);
    if (fresh)
      it->second = budget ? c.ledger->debit_cents(law(c), gemeente(c), p.ToewijzingNummer)
                          : c.ledger->debit_volume(law(c), gemeente(c), p.ToewijzingNummer);
    it->second += delta;
    if (credit(p)) return;
    const std::string n = std::to_string(p.ToewijzingNummer);
    if (!budget && a->volume && a->frequentie == "6" && a->eenheid == p.Eenheid && it->second > *a->volume)
      s.fail(p.src, "GeleverdVolume", std::to_string(p.GeleverdVolume),
             fmt::format("met deze prestatie komt het gedeclareerde volume op toewijzing {} op {} {}, meer dan "
                         "de toegewezen {} voor de hele toewijzingsperiode. Declareer niet meer dan toegewezen, "
                         "of vraag een wijziging aan (317).",
                         n, it->second, a->eenheid, *a->volume),
             fmt::format("with this prestatie the volume declared on allocation {} comes to {} {}, more than the "
                         "{} allocated for the whole period. Declare no more than allocated, or request a change "
                         "(317).",
                         n, it->second, a->eenheid, *a->volume));
    if (budget && a->budget && it->second > *a->budget)
      s.fail(p.src, "IngediendBedrag/Bedrag", std::to_string(p.IngediendBedrag.Bedrag),
             fmt::format("met deze prestatie komt het gedeclareerde bedrag op toewijzing {} op {} eurocent, meer "
                         "dan het toegewezen budget van {} eurocent.",
                         n, it->second, *a->budget),
             fmt::format("with this prestatie the amount declared on allocation {} comes to {} eurocent, more than "
                         "the allocated budget of {} eurocent.",
                         n, it->second, *a->budget));
  });
}
void tr322(const Context& c, Sink& s) { sum_rules(c, s, false); }
void tr369(const Context& c, Sink& s) { sum_rules(c, s, true); }

void tr323(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    if (!credit(p) || !p.ProductReferentie.VorigReferentieNummer) return;
    const auto& vorig = *p.ProductReferentie.VorigReferentieNummer;
    auto deb = c.ledger->prestatie(law(c), aanbieder(c), vorig);
    bool related = deb && !deb->credit && deb->verdict != L::Verdict::rejected &&
                   deb->toewijzing_nummer == p.ToewijzingNummer && deb->categorie == p.ProductCategorie &&
                   deb->code == p.ProductCode && deb->begin == p.ProductPeriode.Begindatum &&
                   deb->eind == p.ProductPeriode.Einddatum;
    if (!related)
      s.fail(p.src, "ProductReferentie/VorigReferentieNummer", vorig,
             "er is geen (goedgekeurde) debetprestatie " + vorig + " met dezelfde toewijzing, hetzelfde product "
             "en dezelfde ProductPeriode. Een credit neemt die gegevens ongewijzigd over van de debetprestatie "
             "die zij crediteert.",
             "there is no (approved) debit prestatie " + vorig + " with the same allocation, product and "
             "ProductPeriode. A credit copies those fields unchanged from the debit it credits.");
  });
}

void tr390(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    if (!credit(p) || !p.ProductReferentie.VorigReferentieNummer) return;
    const auto& vorig = *p.ProductReferentie.VorigReferentieNummer;
    if (auto earlier = c.ledger->credit_of(law(c), aanbieder(c), vorig))
      s.fail(p.src, "IngediendBedrag/DebetCredit", "C",
             "prestatie " + vorig + " is al gecrediteerd (met " + earlier->referentie +
                 "); een prestatie wordt maar één keer gecrediteerd.",
             "prestatie " + vorig + " was already credited (by " + earlier->referentie +
                 "); a prestatie is credited only once.");
  });
}

void tr389(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    if (credit(p)) return;
    auto deb = c.ledger->debit_for(law(c), aanbieder(c), p.ToewijzingNummer, p.ProductCategorie, p.ProductCode,
                                   p.ProductPeriode.Begindatum, p.ProductPeriode.Einddatum);
    if (deb && !c.ledger->credit_of(law(c), aanbieder(c), deb->referentie))
      s.fail(p.src, "ProductPeriode", d(p.ProductPeriode.Begindatum) + " - " + d(p.ProductPeriode.Einddatum),
             "voor deze toewijzing, dit product en deze ProductPeriode is al debetprestatie " + deb->referentie +
                 " ingediend. Corrigeren gaat door die eerst te crediteren en daarna opnieuw te declareren.",
             "debit prestatie " + deb->referentie +
                 " was already submitted for this allocation, product and ProductPeriode. To correct it, credit "
                 "it first and then declare again.");
  });
}

void tr319(const Context& c, Sink& s) {
  auto b = as<m::Bericht323>(c);
  if (!b) return;
  const auto& end = b->Declaratie.DeclaratiePeriode.Einddatum;
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    if (p.ProductPeriode.Begindatum > end)
      s.fail(p.src, "ProductPeriode/Begindatum", d(p.ProductPeriode.Begindatum),
             "de ProductPeriode begint na de DeclaratiePeriode (tot " + d(end) +
                 "). Declareer zorg in de periode waarin of na de periode waarin zij is geleverd.",
             "the ProductPeriode starts after the DeclaratiePeriode (until " + d(end) +
                 "). Declare care in or after the period it was delivered in.");
  });
}


// ---- 317: verzoek om wijziging against the current allocations ----

// An allocation is current on a date when it counts (not rejected, not
// withdrawn with RedenWijziging 13) and has not ended before that date.
bool current(const L::Allocation& a, const Date& on) {
  return a.verdict != L::Verdict::rejected && a.reden_wijziging != std::optional<std::string>("13") &&
         (!a.einddatum || *a.einddatum >= on);
}

// The client's current allocation with this number, if it is one.
std::optional<L::Allocation> current_allocation(const Context& c, const std::string& bsn, m::Integer nummer) {
  auto a = own_allocation(c, nummer);
  if (!a || a->bsn_hash != hash(c, bsn) || !current(*a, c.message.header().BerichtIdentificatie.Dagtekening))
    return std::nullopt;
  return a;
}

void tr349(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  const auto& v = cl->Verzoek;
  const Date on = c.message.header().BerichtIdentificatie.Dagtekening;
  for (const auto& a : c.ledger->allocations_of(law(c), gemeente(c), aanbieder(c), hash(c, cl->Bsn))) {
    if (!current(a, on)) continue;
    bool named = std::any_of(v.OngewijzigdeProducten.begin(), v.OngewijzigdeProducten.end(),
                             [&](const auto& p) { return p.ToewijzingNummer == a.toewijzing_nummer; }) ||
                 std::any_of(v.TeWijzigenProducten.begin(), v.TeWijzigenProducten.end(),
                             [&](const auto& p) { return p.ToewijzingNummer == a.toewijzing_nummer; });
    if (!named)
      s.fail(v.src, "ReferentieAanbieder", v.ReferentieAanbieder,
             "toewijzing " + std::to_string(a.toewijzing_nummer) + " van deze cliënt is actueel maar staat niet in "
                 "het verzoek. Neem elke actuele toewijzing op: als OngewijzigdProduct of als TeWijzigenProduct.",
             "allocation " + std::to_string(a.toewijzing_nummer) + " of this client is current but missing from "
                 "the request. Include every current allocation: as OngewijzigdProduct or as TeWijzigenProduct.");
  }
}

template <class P>
void related(const Context& c, Sink& s, const std::string& bsn, const std::vector<P>& products, const char* what) {
  for (const auto& p : products)
    if (!current_allocation(c, bsn, p.ToewijzingNummer))
      s.fail(p.src, "ToewijzingNummer", std::to_string(p.ToewijzingNummer),
             std::string(what) + " noemt toewijzing " + std::to_string(p.ToewijzingNummer) +
                 ", maar dat is geen actuele toewijzing van deze gemeente aan u voor deze cliënt. Neem het "
                 "ToewijzingNummer over uit de actuele toewijzing (301).",
             std::string(what) + " names allocation " + std::to_string(p.ToewijzingNummer) +
                 ", but that is no current allocation of this gemeente to you for this client. Copy the "
                 "ToewijzingNummer from the current allocation (301).");
}
void tr350(const Context& c, Sink& s) {
  if (auto cl = client<m::Bericht317>(c)) related(c, s, cl->Bsn, cl->Verzoek.OngewijzigdeProducten, "OngewijzigdProduct");
}
void tr351(const Context& c, Sink& s) {
  if (auto cl = client<m::Bericht317>(c)) related(c, s, cl->Bsn, cl->Verzoek.TeWijzigenProducten, "TeWijzigenProduct");
}

// Calls f(product, allocation) for every TeWijzigenProduct on a current allocation.
template <class F>
void for_changes(const Context& c, F&& f) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  for (const auto& p : cl->Verzoek.TeWijzigenProducten)
    if (auto a = current_allocation(c, cl->Bsn, p.ToewijzingNummer)) f(p, *a);
}

void tr357(const Context& c, Sink& s) {
  const Date dagtekening = c.message.header().BerichtIdentificatie.Dagtekening;
  for_changes(c, [&](const m::TeWijzigenProduct& p, const L::Allocation& a) {
    if (p.GewensteIngangsdatum <= dagtekening && p.GewensteIngangsdatum != a.ingangsdatum)
      s.fail(p.src, "GewensteIngangsdatum", d(p.GewensteIngangsdatum),
             "GewensteIngangsdatum " + d(p.GewensteIngangsdatum) + " ligt niet na de dagtekening " + d(dagtekening) +
                 " en moet dan de ingangsdatum van de toewijzing zijn (" + d(a.ingangsdatum) +
                 "). Vraag een wijziging met terugwerkende kracht vanaf de ingangsdatum, of kies een datum na de "
                 "dagtekening.",
             "GewensteIngangsdatum " + d(p.GewensteIngangsdatum) + " is not after the Dagtekening " + d(dagtekening) +
                 " and must then be the allocation's Ingangsdatum (" + d(a.ingangsdatum) +
                 "). Request a retroactive change from that date, or choose a date after the Dagtekening.");
  });
}

void tr373(const Context& c, Sink& s) {
  for_changes(c, [&](const m::TeWijzigenProduct& p, const L::Allocation& a) {
    bool budget = p.Budget && a.budget && *p.Budget != *a.budget;
    bool total = p.Omvang && p.Omvang->Frequentie == "6" && a.frequentie == "6" &&
                 (!a.volume || p.Omvang->Volume != *a.volume);
    if ((budget || total) && p.GewensteIngangsdatum != a.ingangsdatum)
      s.fail(p.src, "GewensteIngangsdatum", d(p.GewensteIngangsdatum),
             "een wijziging van het budget of van het totaal over de toewijzingsperiode geldt voor de hele "
             "toewijzing: GewensteIngangsdatum moet de ingangsdatum van de toewijzing zijn (" +
                 d(a.ingangsdatum) + ").",
             "a change of the budget or of the total over the allocation period applies to the whole "
             "allocation: GewensteIngangsdatum must be the allocation's Ingangsdatum (" +
                 d(a.ingangsdatum) + ").");
  });
}

// TR375, TR411, TR412: whether a TeWijzigenProduct carries an Omvang follows
// the allocation's Product: a product code wants an Omvang (TR411); no
// Product (TR375) or no code (TR412) on an allocation running past 2020
// wants none.
void omvang_rules(const Context& c, Sink& s, int which) {
  static const Date k2020 = *core::parse_date("2020-12-31");
  for_changes(c, [&](const m::TeWijzigenProduct& p, const L::Allocation& a) {
    const bool late = !a.einddatum || *a.einddatum > k2020;
    const std::string n = std::to_string(a.toewijzing_nummer);
    if (which == 411 && a.code && !p.Omvang)
      s.fail(p.src, "Omvang", "(leeg)",
             "toewijzing " + n + " heeft productcode " + *a.code + "; vul dan de gewenste Omvang.",
             "allocation " + n + " has product code " + *a.code + "; fill in the desired Omvang.");
    if (which == 375 && a.categorie.empty() && late && p.Omvang)
      s.fail(p.src, "Omvang", std::to_string(p.Omvang->Volume),
             "toewijzing " + n + " noemt geen product; laat de Omvang dan leeg.",
             "allocation " + n + " names no product; leave the Omvang empty.");
    if (which == 412 && !a.categorie.empty() && !a.code && late && p.Omvang)
      s.fail(p.src, "Omvang", std::to_string(p.Omvang->Volume),
             "toewijzing " + n + " noemt geen productcode; laat de Omvang dan leeg.",
             "allocation " + n + " names no product code; leave the Omvang empty.");
  });
}
void tr375(const Context& c, Sink& s) { omvang_rules(c, s, 375); }
void tr411(const Context& c, Sink& s) { omvang_rules(c, s, 411); }
void tr412(const Context& c, Sink& s) { omvang_rules(c, s, 412); }

// TR361: one product (Categorie and Code) twice in a 317 only with care
// periods that do not overlap; an unchanged or changed product's period is its
// allocation's (from the GewensteIngangsdatum for a change).
void tr361(const Context& c, Sink& s) {
  auto cl = client<m::Bericht317>(c);
  if (!cl) return;
  struct Care {
    const m::Src* src;
    std::string product;
    Date begin;
    std::optional<Date> end;
  };
  std::vector<Care> care;
  for (const auto& p : cl->Verzoek.OngewijzigdeProducten)
    if (auto a = current_allocation(c, cl->Bsn, p.ToewijzingNummer); a && !a->categorie.empty())
      care.push_back({&p.src, a->categorie + "/" + a->code.value_or(""), a->ingangsdatum, a->einddatum});
  for (const auto& p : cl->Verzoek.TeWijzigenProducten)
    if (auto a = current_allocation(c, cl->Bsn, p.ToewijzingNummer); a && !a->categorie.empty())
      care.push_back({&p.src, a->categorie + "/" + a->code.value_or(""), a->ingangsdatum, p.Einddatum});
  for (const auto& p : cl->Verzoek.NieuweProducten)
    if (p.Product)
      care.push_back({&p.src, p.Product->Categorie + "/" + p.Product->Code.value_or(""), p.GewensteIngangsdatum,
                      p.Einddatum});
  auto overlap = [](const Care& x, const Care& y) {
    return (!x.end || *x.end >= y.begin) && (!y.end || *y.end >= x.begin);
  };
  for (size_t i = 0; i < care.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (care[i].product == care[j].product && overlap(care[i], care[j])) {
        s.fail(*care[i].src, "", care[i].product,
               "product " + care[i].product + " komt vaker in het verzoek voor met overlappende zorgperiodes "
               "(vanaf " + d(care[j].begin) + " en vanaf " + d(care[i].begin) + "). Laat de periodes aansluiten "
               "zonder overlap.",
               "product " + care[i].product + " occurs more than once in the request with overlapping care "
               "periods (from " + d(care[j].begin) + " and from " + d(care[i].begin) + "). Make the periods "
               "follow each other without overlap.");
        break;
      }
}

// ---- 323: ProductPeriode against the month and the allocation ----

Date first_of_month(const Date& x) { return Date{x.year(), x.month(), std::chrono::day{1}}; }
Date last_of_month(const Date& x) {
  return Date{std::chrono::year_month_day_last{x.year(), std::chrono::month_day_last{x.month()}}};
}

void tr387(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    const Date b = p.ProductPeriode.Begindatum;
    if (b == first_of_month(b)) return;
    auto a = own_allocation(c, p.ToewijzingNummer);
    if (!a || a->ingangsdatum == b) return;  // unknown (TR338), or it starts later in that month
    s.fail(p.src, "ProductPeriode/Begindatum", d(b),
           "de ProductPeriode begint op " + d(b) + "; zij begint op de eerste dag van de maand (" +
               d(first_of_month(b)) + "), of op de ingangsdatum van de toewijzing (" + d(a->ingangsdatum) +
               ") als die later in de maand ligt.",
           "the ProductPeriode begins on " + d(b) + "; it begins on the first day of the month (" +
               d(first_of_month(b)) + "), or on the allocation's Ingangsdatum (" + d(a->ingangsdatum) +
               ") when that is later in the month.");
  });
}

void tr388(const Context& c, Sink& s) {
  for_client_prestaties(c, [&](const m::Client323&, const m::Prestatie& p) {
    const Date e = p.ProductPeriode.Einddatum;
    if (e == last_of_month(e)) return;
    auto a = own_allocation(c, p.ToewijzingNummer);
    if (!a || a->einddatum == e) return;  // unknown (TR338), or it ends earlier in that month
    s.fail(p.src, "ProductPeriode/Einddatum", d(e),
           "de ProductPeriode eindigt op " + d(e) + "; zij eindigt op de laatste dag van de maand (" +
               d(last_of_month(e)) + "), of op de einddatum van de toewijzing als die eerder in de maand ligt.",
           "the ProductPeriode ends on " + d(e) + "; it ends on the last day of the month (" + d(last_of_month(e)) +
               "), or on the allocation's Einddatum when that is earlier in the month.");
  });
}

// ---- 325 (a partner's declaratie-antwoord) against the 323 it answers ----

const m::Bericht325* antwoord(const Context& c) { return as<m::Bericht325>(c); }

// The 323 a 325 answers, by its DeclaratieIdentificatie: only a declaration
// the provider sent to this 325's gemeente (its Afzender). Another gemeente's
// declaration is not found, so TR337 refuses the 325 and TR366, TR367, TR371
// and TR376 never compare with it: no gemeente judges what was declared to
// another.
std::optional<L::Declaration> answered(const Context& c) {
  auto b = antwoord(c);
  if (!b || !b->Header.DeclaratieIdentificatie) return std::nullopt;
  auto decl = c.ledger->declaration_by_id(law(c), aanbieder(c), b->Header.DeclaratieIdentificatie->Identificatie);
  if (!decl || decl->gemeente != gemeente(c)) return std::nullopt;
  return decl;
}

void tr337(const Context& c, Sink& s) {
  auto b = antwoord(c);
  if (!b || !b->Header.DeclaratieIdentificatie) return;
  const auto& id = *b->Header.DeclaratieIdentificatie;
  auto decl = answered(c);
  if (!decl || decl->dagtekening != id.Dagtekening)
    s.fail(b->Header.src, "DeclaratieIdentificatie/Identificatie", id.Identificatie,
           "DeclaratieIdentificatie " + id.Identificatie + " (" + d(id.Dagtekening) + ") is geen declaratie die " +
               aanbieder(c) + " via deze gateway aan u stuurde. Neem de BerichtIdentificatie van de 323 ongewijzigd over.",
           "DeclaratieIdentificatie " + id.Identificatie + " (" + d(id.Dagtekening) + ") is no declaration " +
               aanbieder(c) + " sent you through this gateway. Copy the 323's BerichtIdentificatie unchanged.");
}

void tr371(const Context& c, Sink& s) {
  auto b = antwoord(c);
  auto decl = answered(c);
  if (!b || !decl || !b->Header.XsdVersieDeclaratie) return;
  const auto& x = *b->Header.XsdVersieDeclaratie;
  if (x.BerichtXsdVersie != decl->bericht_xsd || x.BasisschemaXsdVersie != decl->basis_xsd)
    s.fail(b->Header.src, "XsdVersieDeclaratie", x.BerichtXsdVersie + "/" + x.BasisschemaXsdVersie,
           "XsdVersieDeclaratie " + x.BerichtXsdVersie + "/" + x.BasisschemaXsdVersie + " is niet de XsdVersie van de "
               "declaratie (" + decl->bericht_xsd + "/" + decl->basis_xsd + "). Neem die ongewijzigd over.",
           "XsdVersieDeclaratie " + x.BerichtXsdVersie + "/" + x.BasisschemaXsdVersie + " is not the declaration's "
               "XsdVersie (" + decl->bericht_xsd + "/" + decl->basis_xsd + "). Copy it unchanged.");
}

void tr376(const Context& c, Sink& s) {
  auto b = antwoord(c);
  auto decl = answered(c);
  if (!b || !decl || !b->DeclaratieAntwoord) return;
  const auto& nr = b->DeclaratieAntwoord->DeclaratieNummer;
  if (nr != decl->nummer)
    s.fail(b->DeclaratieAntwoord->src, "DeclaratieNummer", nr,
           "DeclaratieNummer " + nr + " is niet dat van de beantwoorde declaratie (" + decl->nummer + ").",
           "DeclaratieNummer " + nr + " is not that of the declaration answered (" + decl->nummer + ").");
}

// TR366/TR367: every prestatie in the 325 is one of the 323's, with its values.
void answer_prestaties(const Context& c, Sink& s, int which) {
  auto b = antwoord(c);
  auto decl = answered(c);
  if (!b || !decl || !b->DeclaratieAntwoord) return;
  for (const auto& cl : b->DeclaratieAntwoord->Clienten)
    for (const auto& p : cl.Prestaties) {
      const auto& ref = p.ProductReferentie.ReferentieNummer;
      auto x = c.ledger->prestatie(law(c), aanbieder(c), ref);
      bool ours = x && x->declaratie_nummer == decl->nummer;
      if (which == 366 && !ours)
        s.fail(p.src, "ProductReferentie/ReferentieNummer", ref,
               "prestatie " + ref + " staat niet in declaratie " + decl->nummer + ". Neem alleen prestaties uit "
               "de beantwoorde declaratie op.",
               "prestatie " + ref + " is not in declaration " + decl->nummer + ". Include only prestaties of the "
               "declaration answered.");
      if (which != 367 || !ours) continue;
      std::string differs;
      if (x->toewijzing_nummer != p.ToewijzingNummer) differs = "ToewijzingNummer";
      else if (x->categorie != p.ProductCategorie || x->code != p.ProductCode) differs = "ProductCategorie/ProductCode";
      else if (x->begin != p.ProductPeriode.Begindatum || x->eind != p.ProductPeriode.Einddatum) differs = "ProductPeriode";
      else if (x->volume != p.GeleverdVolume || x->eenheid != p.Eenheid) differs = "GeleverdVolume/Eenheid";
      else if (x->cents != p.IngediendBedrag.Bedrag || x->credit != (p.IngediendBedrag.DebetCredit == "C"))
        differs = "IngediendBedrag";
      else if (x->bsn_hash != hash(c, cl.Bsn)) differs = "Bsn";
      if (!differs.empty())
        s.fail(p.src, differs, ref,
               "prestatie " + ref + " wijkt af van de declaratie in " + differs +
                   ". Neem de prestatie ongewijzigd over uit de 323.",
               "prestatie " + ref + " differs from the declaration in " + differs +
                   ". Copy the prestatie unchanged from the 323.");
    }
}
void tr366(const Context& c, Sink& s) { answer_prestaties(c, s, 366); }
void tr367(const Context& c, Sink& s) { answer_prestaties(c, s, 367); }

// clang-format off
const Rule kCrossMessageRules[] = {
  Rule{"TR019", "9019", kX, "305 307", "Een start of stop met ToewijzingNummer hoort bij een toewijzing aan de aanbieder.", "A start or stop with a ToewijzingNummer relates to an allocation to the provider.", &tr019},
  Rule{"TR304", "8187", kX, "305 307 323", "Het Bsn is dat van de cliënt van de toewijzing.", "The Bsn is that of the allocation's client.", &tr304},
  Rule{"TR063", "9063", kX, "305 307", "StatusAanlevering 3 verwijdert een eerdere aanlevering met dezelfde sleutel.", "StatusAanlevering 3 deletes an earlier delivery with the same key.", &tr063},
  Rule{"TR071", "9071", kX, "305", "Een start die al gestopt is, wordt niet verwijderd.", "A start that was stopped is not deleted.", &tr071},
  Rule{"TR074", "9074", kX, "305", "Een eerste aanlevering (1) heeft een sleutel die nog niet ontvangen is.", "A first delivery (1) has a key not received before.", &tr074},
  Rule{"TR326", "9326", kX, "305", "Een start alleen als er geen actuele start op de toewijzing is.", "A start only when the allocation has no current start.", &tr326},
  Rule{"TR382", "9069", kX, "307", "Een stop neemt de sleutel van een ontvangen start ongewijzigd over.", "A stop copies the key of a received start unchanged.", &tr382},
  Rule{"TR413", "9413", kX, "307", "Na een tijdelijke stop (reden 20) is de volgende stop niet weer tijdelijk.", "After a temporary stop (reason 20) the next stop is not temporary again.", &tr413},
  Rule{"TR414", "9414", kX, "307", "Een volgende stop eindigt op of na de eerdere stop.", "A later stop ends on or after the earlier stop.", &tr414},
  Rule{"TR415", "9415", kX, "307", "Na een definitieve stop geen nieuwe stop voor dezelfde start.", "After a final stop no new stop for the same start.", &tr415},
  Rule{"TR332", "9332", kX, "301", "Een ToewijzingNummer is uniek binnen de gemeente en de wet.", "A ToewijzingNummer is unique within the gemeente and the law.", &tr332},
  Rule{"TR385", "9385", kX, "301", "Een toewijzing met goedgekeurde prestaties wordt niet verwijderd (RedenWijziging 13).", "An allocation with approved prestaties is not deleted (RedenWijziging 13).", &tr385},
  Rule{"TR379", "9379", kX, "301", "ReferentieAanbieder alleen bij het honoreren van een verzoek, met die referentie.", "ReferentieAanbieder only when honouring a request, with its reference.", &tr379},
  Rule{"TR347", "9347", kX, "315 317", "ReferentieAanbieder is uniek voor de aanbieder binnen de wet.", "ReferentieAanbieder is unique for the provider within the law.", &tr347},
  Rule{"TR374", "9374", kX, "315 317", "Geen nieuw verzoek zolang een verzoek voor de cliënt open is.", "No new request while a request for the client is open.", &tr374},
  Rule{"TR355", "9355", kX, "319", "Het antwoord noemt de ReferentieAanbieder van een ontvangen verzoek.", "The answer names the ReferentieAanbieder of a received request.", &tr355},
  Rule{"TR359", "9359", kX, "319", "Geen antwoordbericht op een verzoek dat al met een toewijzing is gehonoreerd.", "No answer on a request already honoured with an allocation.", &tr359},
  Rule{"TR360", "9360", kX, "319", "'In onderzoek' (2) alleen als eerste antwoord op een verzoek.", "'Under investigation' (2) only as the first answer to a request.", &tr360},
  Rule{"TR365", "9365", kX, "319", "Een tweede antwoord alleen na 'in onderzoek' (2).", "A second answer only after 'under investigation' (2).", &tr365},
  Rule{"TR333", "9333", kX, "323", "DeclaratieNummer is uniek voor de aanbieder binnen de wet.", "DeclaratieNummer is unique for the provider within the law.", &tr333},
  Rule{"TR314", "8021", kX, "323", "ReferentieNummer van een prestatie is uniek voor de aanbieder binnen de wet.", "A prestatie's ReferentieNummer is unique for the provider within the law.", &tr314},
  Rule{"TR338", "9338", kX, "323", "Een prestatie hoort bij een toewijzing aan de aanbieder.", "A prestatie relates to an allocation to the provider.", &tr338},
  Rule{"TR307", "9307", kX, "323", "De ProductPeriode begint niet voor de Ingangsdatum van de toewijzing.", "The ProductPeriode does not start before the allocation's Ingangsdatum.", &tr307},
  Rule{"TR308", "9308", kX, "323", "De ProductPeriode eindigt niet na de Einddatum van de toewijzing.", "The ProductPeriode does not end after the allocation's Einddatum.", &tr308},
  Rule{"TR339", "9339", kX, "323", "ProductCategorie is die van de toewijzing.", "ProductCategorie is the allocation's.", &tr339},
  Rule{"TR340", "9340", kX, "323", "ProductCode is die van de toewijzing, als die er een noemt.", "ProductCode is the allocation's, when it names one.", &tr340},
  Rule{"TR341", "9341", kX, "323", "Eenheid past bij de eenheid van de toewijzing.", "Eenheid fits the allocation's unit.", &tr341},
  Rule{"TR321", "9321", kX, "323", "GeleverdVolume past binnen het toegewezen Volume.", "GeleverdVolume fits within the allocated Volume.", &tr321},
  Rule{"TR322", "9322", kX, "323", "De som van GeleverdVolume op een toewijzing past binnen de toegewezen Omvang.", "The sum of GeleverdVolume on an allocation fits within the allocated Omvang.", &tr322},
  Rule{"TR369", "9369", kX, "323", "De som van de bedragen op een toewijzing past binnen het toegewezen Budget.", "The sum of amounts on an allocation fits within the allocated Budget.", &tr369},
  Rule{"TR323", "8017", kX, "323", "Een credit crediteert een eerdere (goedgekeurde) debetprestatie met dezelfde sleutelvelden.", "A credit credits an earlier (approved) debit with the same key fields.", &tr323},
  Rule{"TR389", "9389", kX, "323", "Eén debet per toewijzing, product en ProductPeriode, tenzij eerst gecrediteerd.", "One debit per allocation, product and ProductPeriode, unless credited first.", &tr389},
  Rule{"TR390", "9390", kX, "323", "Een prestatie wordt maar één keer gecrediteerd.", "A prestatie is credited only once.", &tr390},
  Rule{"TR384", "9384", kX, "323", "Niet declareren op een verwijderde toewijzing (RedenWijziging 13).", "No declaring on a deleted allocation (RedenWijziging 13).", &tr384},
  Rule{"TR319", "9319", kX, "323", "De ProductPeriode valt in de huidige of een eerdere declaratieperiode.", "The ProductPeriode falls in the current or an earlier declaration period.", &tr319},
  Rule{"TR349", "9349", kX, "317", "Het verzoek om wijziging bevat alle actuele toewijzingen van de cliënt.", "The change request contains all the client's current allocations.", &tr349},
  Rule{"TR350", "9350", kX, "317", "Een OngewijzigdProduct hoort bij een actuele toewijzing.", "An OngewijzigdProduct relates to a current allocation.", &tr350},
  Rule{"TR351", "9351", kX, "317", "Een TeWijzigenProduct hoort bij een actuele toewijzing.", "A TeWijzigenProduct relates to a current allocation.", &tr351},
  Rule{"TR357", "9357", kX, "317", "Een GewensteIngangsdatum op of voor de dagtekening is de ingangsdatum van de toewijzing.", "A GewensteIngangsdatum on or before the Dagtekening is the allocation's Ingangsdatum.", &tr357},
  Rule{"TR361", "9361", kX, "317", "Een product vaker in het verzoek alleen zonder overlappende zorgperiodes.", "A product more than once in the request only without overlapping care periods.", &tr361},
  Rule{"TR373", "9373", kX, "317", "Een gewijzigd budget of totaal geldt vanaf de ingangsdatum van de toewijzing.", "A changed budget or total applies from the allocation's Ingangsdatum.", &tr373},
  Rule{"TR375", "9375", kX, "317", "Geen Omvang als de toewijzing geen Product noemt.", "No Omvang when the allocation names no Product.", &tr375},
  Rule{"TR411", "9411", kX, "317", "Een Omvang als de toewijzing een productcode noemt.", "An Omvang when the allocation names a product code.", &tr411},
  Rule{"TR412", "9412", kX, "317", "Geen Omvang als de toewijzing geen productcode noemt.", "No Omvang when the allocation names no product code.", &tr412},
  Rule{"TR387", "9387", kX, "323", "De ProductPeriode begint op de eerste van de maand, of op de latere ingangsdatum van de toewijzing.", "The ProductPeriode begins on the first of the month, or on the allocation's later Ingangsdatum.", &tr387},
  Rule{"TR388", "9388", kX, "323", "De ProductPeriode eindigt op de laatste van de maand, of op de eerdere einddatum van de toewijzing.", "The ProductPeriode ends on the last of the month, or on the allocation's earlier Einddatum.", &tr388},
  Rule{"TR337", "", kX, "325", "De DeclaratieIdentificatie is die van een ontvangen declaratie (323).", "The DeclaratieIdentificatie is that of a declaration (323) received.", &tr337},
  Rule{"TR371", "", kX, "325", "XsdVersieDeclaratie is de XsdVersie van die declaratie.", "XsdVersieDeclaratie is that declaration's XsdVersie.", &tr371},
  Rule{"TR376", "", kX, "325", "Het DeclaratieNummer is dat van die declaratie.", "The DeclaratieNummer is that declaration's.", &tr376},
  Rule{"TR366", "9366", kX, "325", "Iedere prestatie in het antwoord staat in de declaratie.", "Every prestatie in the answer is in the declaration.", &tr366},
  Rule{"TR367", "9367", kX, "325", "Een prestatie in het antwoord heeft de waarden uit de declaratie.", "A prestatie in the answer has the declaration's values.", &tr367},
};
// clang-format on

}  // namespace

std::span<const Rule> cross_message_rules() { return kCrossMessageRules; }

}  // namespace sluis::rules
