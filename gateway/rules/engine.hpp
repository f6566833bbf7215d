// The rule engine: the standard's own rules (TR/CS/CD) as a registry of pure
// checks over the typed message (standard/model.hpp).
//
// A rule has its standard id, the message numbers it applies to (the same for
// iWmo and iJw: rules with the same number mean the same), its level and
// retourcode (in-message rules answer 0001 with the rule-set version as
// XsltVersie; external-list rules their own code; cross-message rules, in
// [ledger], theirs), a general explanation and a check. A check reports
// findings through a Sink, each naming the rule, the element path, the value
// (personal data masked), what the rule expects and how to fix it, in Dutch
// and English.
//
// The constraints of the standard on rejecting hold for every rule: OP095 (no
// rule uses information the sender cannot see: only the message itself, the
// public reference lists and the Dutch date), OP364 (a declaration never
// depends on start/stop messages) and OP080 (no rule looks at order or time of
// receipt; "today" is used only by TR135, as the standard says).
//
// Threading: the registry is immutable; check() is a pure function.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "gateway/core/date.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/standard/finding.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/standard/model.hpp"

namespace sluis::rules {

// The version of sluis's rule set, written as XsltVersie in a retour when an
// in-message rule rejected (x.y.z, RS048). Raise it when a rule changes.
inline constexpr std::string_view kRuleSetVersion = "1.0.0";

enum class Level {
  in_message,     // "bericht inhoud": retourcode 0001, header-only retour
  external_list,  // "externe bron": CBS list, product code list, tariff
  cross_message,  // "berichtoverstijgend": needs the ledger ([ledger])
};
std::string_view to_string(Level l);

struct Context {
  const standard::model::Message& message;
  core::Date today;                             // today's Dutch date (TR135)
  const ReferenceData* reference = nullptr;     // external lists; rules needing them skip when absent
  // Cross-message rules only (check_ledger): what earlier messages
  // established, and the keyed hash the ledger stores a BSN as. Rules ask
  // for a client's hash again and again: give a lookup (the pool's hashes,
  // intake::Verdict::bsn_hash) or a memo, not an HMAC per call.
  const standard::ledger::LedgerView* ledger = nullptr;
  std::function<std::string(const std::string&)> bsn_hash;
  // Cross-message rules only: the findings judged before them (the pool's),
  // so a rule can leave out what the message itself refuses (SL004, SL005).
  const standard::Findings* findings = nullptr;
};

class Sink;

struct Rule {
  std::string_view id;          // "TR018", "CS340"
  std::string_view retourcode;  // "0001", "8848", "S300"
  Level level;
  std::string_view messages;    // heenbericht numbers it applies to: "301 315 317"
  std::string_view nl, en;      // what the rule demands, for `sluisctl explain` and rules-list
  void (*check)(const Context&, Sink&);
};

// Where a check reports what it found.
class Sink {
 public:
  Sink(const Rule& rule, standard::Findings& out) : rule_(rule), out_(out) {}
  // `element` is appended to the class's path ("Einddatum",
  // "ProductPeriode/Einddatum"); `value` must already be masked when personal.
  // Returns the finding, for a rule whose retourcode is configured (SL001).
  standard::Finding& fail(const standard::model::Src& where, std::string_view element, std::string value,
                          std::string nl, std::string en);
  const Rule& rule() const { return rule_; }
  // What this run found so far (the rules before this one).
  const standard::Findings& so_far() const { return out_; }

 private:
  const Rule& rule_;
  standard::Findings& out_;
};

std::span<const Rule> registry();
const Rule* find_rule(std::string_view id);
bool applies(const Rule& rule, int message_number);

// Runs every in-message and external-list rule that applies to the message,
// in registry order: what can be judged without the ledger.
standard::Findings check(const Context& ctx);
// Runs every cross-message rule that applies (ctx.ledger must be set).
standard::Findings check_ledger(const Context& ctx);

// The rule of a finding (by its rule id), or null for xsd and sluis findings.
const Rule* rule_of(const standard::Finding& f);

}  // namespace sluis::rules
