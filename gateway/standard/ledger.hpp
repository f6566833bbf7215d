// The ledger: what the exchange has established so far, as the stateful
// (cross-message) rules of 3.2 need it. Its records are domain facts, so they
// live with the model: the rules read them through LedgerView, the store
// writes them (store/, in the same transaction as the message that made
// them) and implements the view over its tables.
//
// A BSN is never a ledger field: records carry the keyed hash of it (HMAC,
// the store's key), so "the same client" is a hash comparison.
//
// Which messages make which facts (rules/ledger_changes.cpp):
//   301  Allocation per ToegewezenProduct (replaces the earlier one with the
//        same gemeente, law, ToewijzingNummer); a 301 honouring a 315/317
//        closes that request (ReferentieAanbieder)
//   305  Start per StartProduct by its logical key; StatusAanlevering 3 deletes
//   307  Stop per StopProduct by the same key; StatusAanlevering 3 deletes
//        (a message's deletions before its first deliveries: a correction)
//   315, 317  Request (open) by ReferentieAanbieder; 319 records the answer
//   323  Declaration and one Prestatie per line, status approved, rejected or
//        pending (partner answers) by the verdicts
//   302-320, 325  a partner's retour: the classes it rejected stop counting
//        (allocation, start, stop withdrawn; prestaties rejected)
//
// Threading: plain values; a LedgerView is used by one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::standard::ledger {

using core::Date;
using Integer = std::int64_t;

// Status of a fact that the receiver judges (a partner's retour or 325).
enum class Verdict { pending, approved, rejected };
std::string_view to_string(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view s);

// A ToegewezenProduct as the latest 301 that named it set it.
struct Allocation {
  Law law = Law::iwmo;
  std::string gemeente, aanbieder;
  Integer toewijzing_nummer = 0;
  std::string bsn_hash;
  std::string categorie;              // empty when the 301 named no Product
  std::optional<std::string> code;
  Date ingangsdatum{};
  std::optional<Date> einddatum;
  std::optional<std::string> reden_wijziging;
  std::optional<std::string> referentie_aanbieder;
  std::optional<Integer> volume;      // Omvang
  std::string eenheid, frequentie;
  std::optional<Integer> budget;      // eurocent
  Date toewijzingsdatum{};
  std::string message_id;             // the 301 that set it
  Verdict verdict = Verdict::approved;  // rejected: the provider's 302 refused it
  // Kept at intake, since bodies are pruned after the retention period:
  // the Verwijzer/Type (COD327) of the 315 this allocation honours (its
  // ReferentieAanbieder); empty when it honours none (the referrer mix), and
  // for iJw the day the client turns 18 (Geboortedatum + 18 years; 1 March
  // for 29 February), instead of the birth date itself (the care-continuity
  // watch); none for iWmo.
  std::string verwijzer_type;
  std::optional<Date> client_turns_18_on;
  bool operator==(const Allocation&) const = default;
};

// The logical key of a start or stop (TR074, TR382): ToewijzingNummer,
// Product, ToewijzingIngangsdatum and Begindatum for the client.
struct CareKey {
  Law law = Law::iwmo;
  std::string gemeente, aanbieder, bsn_hash;
  std::optional<Integer> toewijzing_nummer;
  std::string categorie, code;
  std::optional<Date> toewijzing_ingangsdatum;
  Date begindatum{};
  bool operator==(const CareKey&) const = default;
};

struct Start {
  CareKey key;
  std::string status;       // StatusAanlevering of the latest delivery: 1, 2 (or 3: deleted)
  std::string message_id;
};

struct Stop {
  CareKey key;
  std::string reden;        // RedenBeeindiging (20: temporary)
  Date einddatum{};
  std::string status;
  std::string message_id;
};

// A 315 or 317 by the provider's ReferentieAanbieder, and what came of it.
struct Request {
  Law law = Law::iwmo;
  std::string aanbieder, gemeente;
  std::string referentie;   // ReferentieAanbieder
  int type = 315;
  std::string bsn_hash;
  std::string antwoord;     // VerzoekAntwoord of the latest 319 (empty: none)
  bool honoured = false;    // a 301 carried this ReferentieAanbieder
  std::string message_id;
  std::string verwijzer_type;  // Verwijzer/Type (COD327) of a 315's product; empty for a 317
};

struct Declaration {
  Law law = Law::iwmo;
  std::string aanbieder, gemeente;
  std::string nummer;           // DeclaratieNummer
  std::string identificatie;    // the 323's BerichtIdentificatie
  Date dagtekening{};
  Date periode_begin{}, periode_eind{};
  Integer totaal_cents = 0;     // signed
  std::string bericht_xsd, basis_xsd;  // XsdVersie of the 323 (TR371)
  bool answered = false;        // a 325 arrived or was composed
  std::string message_id;
};

struct Prestatie {
  Law law = Law::iwmo;
  std::string aanbieder, gemeente;
  std::string referentie;           // ProductReferentie/ReferentieNummer
  std::string vorig_referentie;
  Integer toewijzing_nummer = 0;
  std::string bsn_hash;
  std::string categorie, code;
  Date begin{}, eind{};
  Integer volume = 0;
  std::string eenheid;
  Integer cents = 0;                // IngediendBedrag, unsigned
  std::optional<Integer> tarief;    // ProductTarief, eurocent (absent for Eenheid 83)
  bool credit = false;
  Verdict verdict = Verdict::pending;
  std::string declaratie_nummer;
  std::string message_id;
};

// A budget ceiling or contingent of the region's contracts reached by a
// message (rules SL004, SL005; docs/contracts.md): advice, never a refusal,
// kept with the message for the steering reports. No client data.
enum class WarningKind { budget, contingent };
enum class WarningLevel { warning, exceeded };  // exceeded: at or over 100 %
std::string_view to_string(WarningKind k);
std::string_view to_string(WarningLevel l);

struct ContractWarning {
  Law law = Law::iwmo;               // the message's
  std::string aanbieder, contract;
  WarningKind kind = WarningKind::budget;
  int year = 0;                      // budget: the calendar year; contingent: 0
  std::string categorie, code;       // contingent: the product; budget: empty
  WarningLevel level = WarningLevel::warning;
  Integer maximum = 0;               // budget: eurocent; contingent: allocations
  Integer amount = 0;                // the position with this message
  int percent = 0;                   // amount / maximum, whole per cent (rounded down)
  int waarschuwing_procent = 90;
  std::string row;                   // "plafonds.csv:12"
  std::string message_id;
};

// What one message changes in the ledger. Upserts by each record's key.
struct Changes {
  std::vector<Allocation> allocations;
  std::vector<Start> starts;
  std::vector<Stop> stops;
  std::vector<Request> requests;
  std::vector<Declaration> declarations;
  std::vector<Prestatie> prestaties;
  // Verdicts arriving later (a partner's 325): prestatie referentie -> verdict
  struct PrestatieVerdict {
    Law law = Law::iwmo;
    std::string aanbieder, referentie;
    Verdict verdict;
  };
  std::vector<PrestatieVerdict> prestatie_verdicts;
  // A partner's 325: every prestatie of the declaration gets `verdict` (applied
  // before prestatie_verdicts, which name the exceptions).
  struct DeclarationVerdict {
    Law law = Law::iwmo;
    std::string aanbieder, nummer;
    Verdict verdict;
  };
  std::vector<DeclarationVerdict> declaration_verdicts;
  // A partner's retour rejecting classes of its heenbericht: an allocation (302)
  // or a start/stop (306/308) stops counting.
  struct AllocationVerdict {
    Law law = Law::iwmo;
    std::string gemeente;
    Integer toewijzing_nummer = 0;
  };
  std::vector<AllocationVerdict> rejected_allocations;
  std::vector<CareKey> rejected_starts, rejected_stops;
  // A retour rejecting the whole heenbericht (header code): every fact it made.
  std::vector<std::string> rejected_messages;
  // Budget ceilings and contingents this message reached (written with it).
  std::vector<ContractWarning> contract_warnings;
  bool empty() const {
    return allocations.empty() && starts.empty() && stops.empty() && requests.empty() && declarations.empty() &&
           prestaties.empty() && prestatie_verdicts.empty() && declaration_verdicts.empty() &&
           rejected_allocations.empty() && rejected_starts.empty() && rejected_stops.empty() &&
           rejected_messages.empty() && contract_warnings.empty();
  }
};

// Read-only questions the cross-message rules ask. Implemented by the store
// inside the transaction that will commit the message (so a rule sees every
// earlier commit and nothing half-done), and by an in-memory ledger in tests.
class LedgerView {
 public:
  virtual ~LedgerView() = default;
  virtual std::optional<Allocation> allocation(Law law, const std::string& gemeente,
                                               Integer toewijzing_nummer) const = 0;
  // Current (not withdrawn with RedenWijziging 13, not rejected) allocations
  // of a client from a gemeente to a provider.
  virtual std::vector<Allocation> allocations_of(Law law, const std::string& gemeente,
                                                 const std::string& aanbieder, const std::string& bsn_hash) const = 0;
  virtual std::optional<Start> start(const CareKey& key) const = 0;
  virtual std::optional<Stop> stop(const CareKey& key) const = 0;
  // The keys of the starts (status 1 or 2) on the allocation that have no
  // stop (status 1 or 2) yet (TR326, which leaves out a start the message
  // itself deletes: a correction).
  virtual std::vector<CareKey> open_starts_on(Law law, const std::string& gemeente,
                                              const std::string& aanbieder, Integer toewijzing_nummer) const = 0;
  virtual std::optional<Request> request(Law law, const std::string& aanbieder,
                                         const std::string& referentie) const = 0;
  // The Dagtekening of the request's message and the Dutch day sluis received
  // it (the standard's deadlines, standard/deadlines.hpp); nullopt when not
  // known (an imported request, or a view without messages).
  struct RequestReceipt {
    Date dagtekening{};
    Date received{};
  };
  virtual std::optional<RequestReceipt> request_receipt(const Request&) const { return std::nullopt; }
  // Requests of the provider for the client that are not answered finally.
  virtual std::vector<Request> open_requests(Law law, const std::string& aanbieder,
                                             const std::string& bsn_hash) const = 0;
  virtual std::optional<Declaration> declaration(Law law, const std::string& aanbieder,
                                                 const std::string& nummer) const = 0;
  virtual std::optional<Declaration> declaration_by_id(Law law, const std::string& aanbieder,
                                                       const std::string& identificatie) const = 0;
  virtual std::optional<Prestatie> prestatie(Law law, const std::string& aanbieder,
                                             const std::string& referentie) const = 0;
  // The not-rejected debit prestaties of an allocation: their summed volume
  // (TR322) and amount (TR369).
  virtual Integer debit_volume(Law law, const std::string& gemeente, Integer toewijzing_nummer) const = 0;
  virtual Integer debit_cents(Law law, const std::string& gemeente, Integer toewijzing_nummer) const = 0;
  // A not-rejected debit for the same allocation, product and period (TR389).
  virtual std::optional<Prestatie> debit_for(Law law, const std::string& aanbieder,
                                             Integer toewijzing_nummer, const std::string& categorie,
                                             const std::string& code, const Date& begin, const Date& eind) const = 0;
  // A credit whose VorigReferentieNummer is `referentie` (TR390).
  virtual std::optional<Prestatie> credit_of(Law law, const std::string& aanbieder,
                                             const std::string& referentie) const = 0;
  // Approved debit prestaties on the allocation not credited since (TR385).
  virtual bool has_approved_uncredited(Law law, const std::string& gemeente,
                                       Integer toewijzing_nummer) const = 0;
  // The not-rejected prestaties (debits and credits, both laws) of a provider
  // whose ProductPeriode begins in [from, to], in the contract rules' counting
  // order: Begindatum, then receipt (the message id, which begins with the
  // millisecond sluis received it), then ReferentieNummer (the degressive tariff and budget ceilings count them).
  virtual std::vector<Prestatie> prestaties_between(const std::string& aanbieder, const Date& from,
                                                    const Date& to) const = 0;
  // The same with the rejected prestaties as well (a preview replays what
  // was judged either way).
  virtual std::vector<Prestatie> prestaties_judged(const std::string& aanbieder, const Date& from,
                                                   const Date& to) const = 0;
  // The allocations of a product of a law to a provider (every gemeente) that
  // count on `on`: not rejected, not withdrawn (RedenWijziging 13), Ingangsdatum
  // on or before and Einddatum (if any) on or after it (contingents, SL005).
  virtual std::vector<Allocation> allocations_of_product(Law law, const std::string& aanbieder,
                                                         const std::string& categorie,
                                                         const std::string& code,
                                                         const Date& on) const = 0;
};

}  // namespace sluis::standard::ledger
