// The judgement of one submission inside its store transaction: the part of
// the intake that needs the ledger. Given what the validation pool found (XSD,
// in-message and external-list rules), it runs the cross-message rules against
// the ledger, decides the message's state and answer by the standard's levels,
// composes the retour or 325 when sluis answers, and names the ledger facts
// the message establishes. See docs/api.yaml (answers) and docs/rules.md.
//
//   level 1 (XSD)            rejected, 422, no retour (IV028)
//   level 2 (in-message)     rejected, 422, header-only retour with 0001 and
//                            XsltVersie = the rule-set version, to the sender
//                            (both retour modes; not for a partner's retour)
//   level 3/4, receiver retour = "gateway"
//                            sluis composes the retour (IV028) or 325
//                            (IV087/IV088) and delivers it to the sender; a
//                            finding rejects a 301-319 whole (422) and a 323
//                            only on its header or Declaratie; accepted
//                            prestaties count as approved, rejected ones not
//   level 3/4, receiver retour = "partner"
//                            accepted (202), the findings are advisory; the
//                            partner's own retour or 325 updates the ledger
//
// Threading: the returned function runs on the store's writer thread.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/date.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/finding.hpp"
#include "gateway/standard/model.hpp"
#include "gateway/store/store.hpp"

namespace sluis::intake {

// The keyed hashes of a message's BSNs, by BSN (a large declaration has
// thousands of clients; the rules ask for each client's hash many times), as
// their 32 bytes: the hex the store keeps is the message's (NewMessage::
// bsn_hashes), and a second hex copy here held 2.6 MB for 40 000 clients.
using BsnHashes = std::unordered_map<std::string, core::Sha256>;

struct Verdict {
  std::shared_ptr<const standard::model::Message> message;  // null when XSD-invalid
  standard::Findings findings;  // from the pool: xsd, in-message, external-list
  bool rejected = false;        // an xsd or rule finding was made on the pool
  config::RetourMode receiver_retour = config::RetourMode::partner;
  std::string sender_partner;
  bool shadow = false;
  std::string heen_id;          // a retour's heenbericht
  // Where what sluis composes in answer goes (the sender's route or mailbox).
  std::string answer_destination;
  std::optional<config::DestinationKind> answer_delivery;
  // Why the message is held, none when it is not; an orphan held by the
  // decision gets orphan.
  store::HoldReason hold_reason = store::HoldReason::none;
  core::Date today{};  // the Dutch day of receipt: the deadlines run from it
  // The working-day calendar of the deadlines (standard/deadlines.hpp); null:
  // the default calendar (no Goede Vrijdag, no closing days).
  std::shared_ptr<const core::WerkdagCalendar> calendar;
  // The reference data (lists and contracts) the pool judged with: the
  // contract rules of the cross-message stage read the same snapshot.
  std::shared_ptr<const rules::ReferenceData> reference;
  // The keyed BSN hash (secrets.bsn_hash_key), and the hashes of the
  // message's BSNs computed on the validation pool already (bsn, hash), so the
  // store's writer does not compute them again (shared: a verdict is copied
  // for the decider, and a large declaration has tens of thousands; null: none).
  std::shared_ptr<const core::Hmac> bsn_mac;
  std::shared_ptr<const BsnHashes> bsn_hashes;
  // A header-level refusal found outside the rules: the store named an
  // earlier message with this identification and another body (TR056, 9056,
  // the finding is in `findings`). Answered with the header-only retour (or
  // 325) carrying that code, in both retour modes: the message never reaches
  // the receiver, so sluis is the only one who can answer.
  bool header_refusal = false;
  // The receiver's orphans = "hold": a 305/307/323 naming allocations sluis
  // does not know (9019, 9338) is held until they arrive instead of judged.
  bool hold_orphans = false;

  // The keyed hash of a BSN: the pool's, else computed.
  std::string bsn_hash(const std::string& bsn) const {
    if (bsn_hashes)
      if (auto known = bsn_hashes->find(bsn); known != bsn_hashes->end()) return core::hex(known->second);
    return bsn_mac->hex(bsn);
  }

  // The receiving partner's terms (retour, orphans); defaults without one.
  void answered_by(const config::Partner* receiver) {
    receiver_retour = receiver ? receiver->retour : config::RetourMode::partner;
    hold_orphans = receiver && receiver->orphans == config::OrphanMode::hold;
  }
};

store::Decide decide(Verdict v);
// The same over a shared verdict: the caller may keep a weak reference, to
// reach the verdict again when the store hands the message back unjudged
// (TR056), without keeping the model alive while the store judges.
store::Decide decide(std::shared_ptr<Verdict> v);

// Logs (INTAKE_LATE_MESSAGE, once per late class) and counts
// (sluis_late_messages_total{law,type}, once per message) what a commit found
// late (CommitOutcome::late: OP271, OP272, OP359). Call after the commit.
void report_late(const store::CommitOutcome& r, standard::Law law, int type);
// sluis_contract_warnings_total and sluis_late_messages_total (every law and
// type of the catalogue): every series at zero from start; then the ceilings
// (SL004, SL005) a committed message reached.
void register_contract_warning_metrics();
void report_contract_warnings(const store::CommitOutcome& r);

// The answer a sender is given, from what the store keeps of it. The stored
// answer (NewMessage::response_json) does not repeat the message's findings
// (NewMessage::findings_json): its "findings" names them, kFindingsAsStored
// or kFindingsAdvisory (each marked "advisory": true), and answer_body() puts
// them in, in their place. An answer stored whole (by a build before this
// form, or composed elsewhere) is returned as it is.
inline constexpr const char* kFindingsAsStored = "as-stored";
inline constexpr const char* kFindingsAdvisory = "as-stored-advisory";
std::string answer_body(const std::string& response_json, const std::string& findings_json);

// Whether the pool's findings reject the message before the ledger is asked:
// an XSD finding (level 1) or an in-message rule's (level 2).
bool fails_on_pool(const standard::Findings& findings);

// What the store keeps of a message for its partners' lookup (GET
// /v1/messages): a 323's or 325's DeclaratieNummer, and the RetourCodes a
// retour or 325 carries (sorted, distinct, comma-separated).
void keep_lookup_facts(const standard::model::Message& m, store::NewMessage& out);

// The partner name sluis stores as the sender of what it composes.
inline constexpr const char* kGatewayPartner = "sluis";

}  // namespace sluis::intake
