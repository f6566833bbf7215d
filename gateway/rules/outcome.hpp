// What the rules' findings mean for the exchange: the retour or 325 that
// answers a heenbericht (IV028, IV032, IV087, IV088), and the ledger facts a
// message establishes or withdraws.
//
// A finding belongs to the deepest class whose path is a prefix of the
// finding's path (a Prestatie's finding on ".../Prestatie[2]/GeleverdVolume"
// is the Prestatie's). Levels: an in-message finding (0001) answers with the
// header alone; cross-message and external-list findings put their codes on
// their classes.
//
// Threading: pure functions.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "gateway/standard/finding.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/standard/model.hpp"

namespace sluis::rules {

using BsnHash = std::function<std::string(const std::string&)>;

// Level 2 (IV032/IV087): the header alone with retourcode 0001 and the rule
// set's version as XsltVersie. For a 323 this is a 325, else the retour.
standard::model::Message compose_0001(const standard::model::Message& heen,
                                      const standard::model::RetourHeader& retour,
                                      const standard::model::AntwoordHeader& antwoord);

// Levels 3 and 4, IV028 (302 ... 320): no finding -> the header alone without
// codes; a finding in the header -> the header alone with its codes; else the
// header with 0200 and the client with every class: its codes, 0200 when it
// passed, 0233 below a rejected class.
standard::model::Message compose_retour(const standard::model::Message& heen, const standard::Findings& findings,
                                        const standard::model::RetourHeader& retour);

// IV087/IV088 (325): all approved -> header 0200, DeclaratieAntwoord 8001 with
// both totals equal; a finding on the Declaratie -> its code, total 0; else
// header 0200, DeclaratieAntwoord 0200 with the approved total, and only the
// rejected prestaties (their codes; 0233 under a rejected client) with their
// client (0200 unless rejected itself).
standard::model::Message compose_325(const standard::model::Message& declaratie, const standard::Findings& findings,
                                     const standard::model::AntwoordHeader& antwoord);

// Whether findings reject a non-323 heenbericht as a whole (IV032: any level
// 3/4 finding does), and for a 323 whether the Declaratie itself (or the
// header) is rejected.
bool rejects_message(const standard::model::Message& m, const standard::Findings& findings);

// The classes (by path) that own a finding with a retourcode: for each such
// finding the deepest class whose path contains the finding's path.
std::set<std::string> rejected_classes(const standard::model::Message& m, const standard::Findings& findings);

// The facts an accepted message establishes. For a 323, prestaties with a
// finding are `rejected` and the others get `verdict` (approved when sluis
// answers, pending when the receiving partner will). A partner's retour or 325
// (whose heenbericht is `heen_id`) withdraws what it rejected; the ledger is
// asked for the declaration a 325 answers.
standard::ledger::Changes ledger_changes(const standard::model::Message& m, const std::string& message_id,
                                         const standard::Findings& findings, standard::ledger::Verdict verdict,
                                         const BsnHash& bsn_hash, const std::string& heen_id,
                                         const standard::ledger::LedgerView* ledger);

}  // namespace sluis::rules
