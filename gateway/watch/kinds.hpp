// The watches' kinds: one table with each kind's name (the metric's and the
// log's watch= label, the store's watch_case.kind, `sluisctl watches --kind`),
// what a case means and what to do about it, in Dutch and English like
// sluis's other explanations (docs/watches.md says the same at length).
//
// Threading: constants only.
#pragma once

#include <span>
#include <string_view>

namespace sluis::watch {

struct Kind {
  std::string_view name;
  std::string_view watch;  // the family in docs/watches.md: unread_answers, queues, certificates ...
  std::string_view meaning_nl, meaning_en;
  std::string_view action_nl, action_en;
};

inline constexpr std::string_view kUnreadAnswer = "unread_answer";
inline constexpr std::string_view kQueueGrowing = "queue_growing";
inline constexpr std::string_view kQueueDead = "queue_dead";
inline constexpr std::string_view kCertificateExpiry = "certificate_expiry";
inline constexpr std::string_view kCrlStale = "crl_stale";
inline constexpr std::string_view kRejectionBurst = "rejection_burst";
inline constexpr std::string_view kCarePast18 = "care_past_18";
inline constexpr std::string_view kAllocationUnstarted = "allocation_unstarted";
inline constexpr std::string_view kAllocationUncorrected = "allocation_uncorrected";
inline constexpr std::string_view kAllocationEnding = "allocation_ending";
inline constexpr std::string_view kRequestRefused = "request_refused";

inline constexpr Kind kKinds[] = {
    {kUnreadAnswer, "unread_answers",
     "Een bericht (retour, 325 of ander bericht) staat langer dan het ingestelde aantal werkdagen "
     "onopgehaald of onbevestigd in de mailbox van de partner.",
     "A message (a retour, 325 or any other) has sat in the partner's mailbox unfetched or "
     "unacknowledged for longer than the configured number of werkdagen.",
     "Neem contact op met de partner: haal de mailbox op (GET /v1/mailbox) en bevestig elk bericht "
     "(POST /v1/mailbox/{id}/ack). Een onbekeken 304 betekent afgekeurde declaraties die niet "
     "worden hersteld.",
     "Contact the partner: fetch the mailbox (GET /v1/mailbox) and acknowledge each message "
     "(POST /v1/mailbox/{id}/ack). An unread 304 means rejected declarations nobody corrects."},
    {kQueueGrowing, "queues",
     "Het aantal uitgestelde berichten van een bestemming, of de leeftijd van het oudste, groeit "
     "scan na scan.",
     "A destination's deferred count, or the age of its oldest deferred message, has grown at "
     "every one of the last scans.",
     "Bekijk de fout (sluisctl queue-list --state deferred --destination ID) en herstel de "
     "bestemming (adres, certificaat, schijf); daarna sluisctl message-retry.",
     "Look at the error (sluisctl queue-list --state deferred --destination ID) and mend the "
     "destination (address, certificate, disk); then sluisctl message-retry."},
    {kQueueDead, "queues",
     "Een bestemming heeft opgegeven (dead) berichten: die worden niet meer afgeleverd.",
     "A destination has dead messages: they will not be delivered any more.",
     "Zoek de reden (sluisctl message-show ID), herstel de bestemming en bied opnieuw aan "
     "(sluisctl message-requeue), of verwijder met reden (message-remove).",
     "Find the reason (sluisctl message-show ID), mend the destination and requeue "
     "(sluisctl message-requeue), or remove with a reason (message-remove)."},
    {kCertificateExpiry, "certificates",
     "Een certificaat (server, CA-bundel, CA van een partner, push-CA of clientcertificaat) "
     "verloopt binnen de ingestelde dagen.",
     "A certificate (server, CA bundle, a partner's issuer CA, a push CA or client certificate) "
     "expires within the configured days.",
     "Vraag tijdig een nieuw certificaat aan (of vraag de partner erom), zet het in de configuratie "
     "en laad opnieuw (sluisctl config-reload).",
     "Obtain a new certificate in time (or ask the partner for one), put it in the configuration "
     "and reload (sluisctl config-reload)."},
    {kCrlStale, "certificates",
     "Een CRL (https.tls.crl) moet binnenkort vernieuwd worden of is verlopen; met een verlopen CRL "
     "weigert de listener alle clientcertificaten.",
     "A CRL (https.tls.crl) is due for renewal soon or has expired; with an expired CRL the "
     "listener refuses every client certificate.",
     "Haal de nieuwe CRL op bij de uitgever, vervang het bestand en laad opnieuw (sluisctl "
     "config-reload).",
     "Fetch the new CRL from its issuer, replace the file and reload (sluisctl config-reload)."},
    {kRejectionBurst, "rejection_burst",
     "Het aandeel afgekeurde berichten van een partner in het laatste venster ligt ver boven zijn "
     "normale aandeel in de vensters ervoor.",
     "A partner's share of rejected messages in the last window is far above its normal share in "
     "the windows before.",
     "Bekijk de afgekeurde berichten (sluisctl queue-list --state rejected --partner ID) en hun "
     "retourcodes (sluisctl explain); bel de partner: vaak een nieuwe softwareversie of een "
     "gewijzigde productcode.",
     "Look at the rejected messages (sluisctl queue-list --state rejected --partner ID) and their "
     "retourcodes (sluisctl explain); call the partner: often new software or a changed product "
     "code."},
    {kCarePast18, "care_continuity",
     "Een jeugdhulptoewijzing (iJw) loopt door na de dag waarop de cliënt 18 wordt, zonder einddatum "
     "daarvoor en zonder stopbericht.",
     "A youth-care (iJw) allocation runs on past the day its client turns 18, with no end date "
     "before it and no stop message.",
     "De gemeente besluit tijdig over het vervolg: verlengde jeugdhulp, of overgang naar Wmo of Wlz; "
     "daarna een 301 met de juiste einddatum, of een nieuwe toewijzing onder de juiste wet.",
     "The gemeente decides on what follows in time: extended youth care, or a move to the Wmo or "
     "the Wlz; then a 301 with the right end date, or a new allocation under the right law."},
    {kAllocationUnstarted, "care_continuity",
     "Een nieuwe toewijzing is langer dan de wachttijdnorm geleden ingegaan en er is nog geen "
     "startbericht (305).",
     "A new allocation took effect longer ago than the waiting-time norm and no start (305) has "
     "come.",
     "De aanbieder start de zorg of meldt de start met een 305; kan hij niet leveren, dan overlegt "
     "hij met de gemeente (overbruggingszorg, een andere aanbieder).",
     "The provider starts the care or reports its start with a 305; when it cannot deliver it "
     "talks to the gemeente (bridging care, another provider)."},
    {kAllocationUncorrected, "care_continuity",
     "De aanbieder keurde een toewijzing af in zijn 302 en de gemeente stuurde binnen het "
     "ingestelde aantal werkdagen geen verbeterde 301.",
     "The provider rejected an allocation in its 302 and the gemeente sent no corrected 301 within "
     "the configured number of werkdagen.",
     "De gemeente bekijkt de retourcodes van de 302 (sluisctl message-show) en stuurt een "
     "verbeterde 301 met hetzelfde ToewijzingNummer, of trekt de toewijzing in.",
     "The gemeente looks at the 302's retourcodes (sluisctl message-show) and sends a corrected 301 "
     "with the same ToewijzingNummer, or withdraws the allocation."},
    {kAllocationEnding, "care_continuity",
     "Een toewijzing eindigt binnen het ingestelde aantal weken, zonder stopbericht en zonder "
     "vervolgtoewijzing voor dezelfde cliënt en productcategorie.",
     "An allocation ends within the configured number of weeks, with no stop and no following "
     "allocation for the same client and product category.",
     "De gemeente beoordeelt tijdig of de zorg verder moet (herindicatie) en stuurt dan een nieuwe "
     "of verlengde toewijzing; eindigt de zorg, dan meldt de aanbieder dat met een 307.",
     "The gemeente assesses in time whether care must go on (re-assessment) and then sends a new or "
     "extended allocation; when care ends, the provider reports it with a 307."},
    {kRequestRefused, "care_continuity",
     "De gemeente wees een verzoek om toewijzing of wijziging (315/317) af in haar 319; het blijft "
     "het ingestelde aantal dagen zichtbaar.",
     "The gemeente refused a request for allocation or change (315/317) in its 319; it stays "
     "visible for the configured number of days.",
     "De gemeente gaat na of de cliënt elders zorg krijgt (leveringsplicht, overbrugging); de "
     "aanbieder leest de RedenAfwijzingVerzoek en overlegt bij twijfel met de gemeente.",
     "The gemeente checks that the client gets care elsewhere (duty of delivery, bridging); the "
     "provider reads the RedenAfwijzingVerzoek and talks to the gemeente when in doubt."},
};

// The kind named `name`; nullptr when there is none.
const Kind* find_kind(std::string_view name);
inline std::span<const Kind> kinds() { return kKinds; }

}  // namespace sluis::watch
