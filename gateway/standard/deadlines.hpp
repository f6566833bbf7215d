// The standard's deadlines (reactietermijnen, istandaarden README §1.3): which
// answers a message makes owed, which owed answers it gives, and whether it
// came later than the standard allows. Pure: a typed message, the Dutch date
// it was received and the working-day calendar in; values out. The store
// keeps the obligations (store/sqlite_obligations.cpp); route/deadline_watch
// reports the overdue ones; the intake reports late messages as advice.
//
// Obligations (who owes: the message's receiver, Ontvanger):
//   retour               OP090    every heenbericht with a retour (301->302,
//                                 305->306, 307->308, 315->316, 317->318,
//                                 319->320) within 3 werkdagen
//   declaratie_antwoord  OP090x4  a 325 within 10 werkdagen after a 323
//   verzoek_antwoord     OP274    a 301 or 319 within 5 werkdagen after a 315,
//                                 per AangevraagdProduct (ReferentieAanbieder)
//                        OP346    the same after a 317 (its one Verzoek)
//   definitief_antwoord  OP274/OP346 after a 319 "in onderzoek"
//                                 (VerzoekAntwoord 2): a 301 or a 319
//                                 afgewezen (VerzoekAntwoord 1) within 8 weeks
//                                 of the request's Dagtekening (when the ledger
//                                 does not know the request: 8 weeks after the
//                                 319's receipt)
// "Within N werkdagen" = by the end of the Nth working day after the day of
// receipt (core::WerkdagCalendar::add_werkdagen): the due date is the last
// day on time; the obligation is overdue from the day after.
//
// Keys (what the answer names, so a later message finds the obligation):
//   retour               "<heen number>:<Afzender>:<Identificatie>": a retour
//                        copies the heenbericht's header (IV028); the store also
//                        closes it by the retour's heen_id
//   declaratie_antwoord  "323:<Afzender>:<Identificatie>" of the 323; a 325
//                        names it by Ontvanger and DeclaratieIdentificatie
//   verzoek/definitief   "<aanbieder>:<ReferentieAanbieder>" (unique per
//                        aanbieder and law, OP361); 301 products and the 319
//                        carry the ReferentieAanbieder
//
// Late messages, measured on arrival and reported as advice (never refused):
//   OP271  a 305 StartProduct received more than 5 werkdagen after its
//          Begindatum; when the ledger's allocation has a later
//          Toewijzingsdatum (a retroactive 301) the term runs from that date
//          instead (the 301's receipt is not in the ledger; its Toewijzingsdatum
//          is the nearest fact, and never later than the receipt)
//   OP272  a 307 StopProduct received more than 5 werkdagen after its Einddatum
//   OP359  a 319 afgewezen with RedenAfwijzingVerzoek 8 (woonplaatsbeginsel)
//          received more than 2 weeks (14 days) after the request's receipt:
//          the legal term is in calendar days, and the only moment sluis can
//          tell whether it was kept is when the refusal arrives; a refusal that
//          never comes is already overdue as verzoek_antwoord (OP274)
// Deletions (StatusAanlevering 3) are not measured: they report no start or stop.
//
// Threading: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/calendar.hpp"
#include "gateway/core/date.hpp"
#include "gateway/standard/finding.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/standard/model.hpp"

namespace sluis::standard::deadlines {

enum class Kind { retour, declaratie_antwoord, verzoek_antwoord, definitief_antwoord };
std::string_view to_string(Kind k);
std::optional<Kind> parse_kind(std::string_view s);

// An answer the message makes owed.
struct Obligation {
  Kind kind = Kind::retour;
  std::string rule;     // "OP090", "OP090x4", "OP274", "OP346"
  std::string owed_by;  // code that owes the answer: the message's Ontvanger
  std::string owed_to;  // code it is owed to: the message's Afzender
  std::string key;      // see above
  core::Date opened{};  // the day of receipt
  core::Date due{};     // the last day on time
  bool operator==(const Obligation&) const = default;
};

// An owed answer the message gives.
struct Meet {
  Kind kind = Kind::retour;
  std::string key;
  core::Date on{};  // the day of receipt of the answer
  bool operator==(const Meet&) const = default;
};

// A message (or one of its products) that came later than the standard allows.
struct Late {
  std::string rule;     // "OP271", "OP272", "OP359"
  std::string path;     // the class it is about ("/Bericht/Client/StartProducten/StartProduct[2]")
  int line = 0, column = 0;
  core::Date basis{};   // the day the term runs from
  core::Date due{};     // the last day on time
  core::Date received{};
  int late = 0;         // werkdagen (OP271, OP272) or days (OP359) after `due`
  bool werkdagen = true;
};

struct Assessment {
  std::vector<Obligation> opens;
  std::vector<Meet> meets;
  std::vector<Late> late;
};

inline constexpr int kLateReportWerkdagen = 5;     // OP271, OP272
inline constexpr int kFinalAnswerDays = 8 * 7;     // 319 "in onderzoek" -> final answer
inline constexpr int kWoonplaatsbeginselDays = 14;  // OP359

// What message `m`, received on the Dutch date `received`, owes, answers and
// is late for. `ledger` (optional) answers the request's Dagtekening and
// receipt (definitief_antwoord, OP359) and the allocation's Toewijzingsdatum
// (OP271); without it those fall back as documented above.
Assessment assess(const model::Message& m, const core::Date& received, const core::WerkdagCalendar& calendar,
                  const ledger::LedgerView* ledger = nullptr);

// The advisory finding for a late message (origin and rule = the OP rule, no
// retourcode): how late, from which date, and that it is not refused. No
// personal data: dates and counts only.
Finding late_finding(const Late& l);

}  // namespace sluis::standard::deadlines
