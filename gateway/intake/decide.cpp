#include "gateway/intake/decide.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <set>

#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/intake/events.hpp"
#include "gateway/standard/deadlines.hpp"
#include "gateway/rules/ceiling_rules.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/model_writer.hpp"

namespace sluis::intake {

namespace m = standard::model;
using standard::Findings;

namespace {

bool is_level(const standard::Finding& f, rules::Level level) {
  const rules::Rule* r = rules::rule_of(f);
  return r && r->level == level;
}

// A message sluis composed, addressed back to the heenbericht's sender.
store::NewMessage produced(const m::Message& out, const store::NewMessage& heen, const Verdict& v) {
  store::NewMessage p;
  p.law = heen.law;
  p.type = out.type->number;
  p.berichtcode = out.type->berichtcode;
  p.release = out.release;
  const auto& h = out.header();
  p.sender_code = h.Afzender;
  p.receiver_code = h.Ontvanger;
  p.sender_partner = kGatewayPartner;
  p.receiver_partner = v.sender_partner;
  p.identificatie = h.BerichtIdentificatie.Identificatie;
  p.dagtekening = core::format_date(h.BerichtIdentificatie.Dagtekening);
  p.identificatie_retour = h.IdentificatieRetour.value_or("");
  p.heen_id = heen.id;
  p.body = xml::write_message(out);
  p.state = v.shadow ? store::State::held : store::State::queued;
  p.hold_reason = v.shadow ? store::HoldReason::sender_shadow : store::HoldReason::none;
  p.destination = v.answer_destination;
  p.delivery = v.answer_delivery;
  p.shadow = v.shadow;
  // The keyed hashes of the BSNs this message names, not every BSN of the
  // heenbericht: a 325 names only the clients of its rejected prestaties (an
  // all-approved one none), a retour only the clients of rejected classes.
  std::set<std::string> hashes;
  m::for_each_bsn(out, [&](const std::string& bsn) { hashes.insert(v.bsn_hash(bsn)); });
  p.bsn_hashes.assign(hashes.begin(), hashes.end());
  keep_lookup_facts(out, p);
  return p;
}

// Identifications of what sluis composes: 12 characters (LDT_IdentificatieBericht),
// "S" and 11 hex digits from the CSPRNG; drawn again while it holds a run the
// logger would mask as a BSN.
std::string new_identification() {
  for (;;) {
    std::string id = "S" + core::random_hex(6).substr(0, 11);
    if (!core::has_bsn_run(id)) return id;
  }
}

// The findings as stored: the judgement's and then the late-message
// findings, always advisory.
boost::json::array findings_json(const Findings& fs, const Findings& late) {
  boost::json::array findings = xml::to_json(fs, late);
  // The late findings stand last, before the note closing a cut list.
  std::size_t end = findings.size();
  if (end > 0 && findings.back().as_object().contains("omitted")) --end;
  for (std::size_t i = end - late.size(); i < end; ++i) findings[i].as_object()["advisory"] = true;
  return findings;
}

// `total`: every finding, also those the bounded list leaves out (as in the
// answers of xml::put_findings).
boost::json::object answer(const store::NewMessage& msg, std::string_view status, boost::json::value findings,
                           std::size_t total, const std::vector<std::string>& retour_ids) {
  boost::json::object o{{"id", msg.id},
                        {"law", standard::to_string(msg.law)},
                        {"type", msg.type},
                        {"release", msg.release},
                        {"status", status},
                        {"findings", std::move(findings)},
                        {"findings_total", total}};
  if (!retour_ids.empty()) o["retour"] = retour_ids.front();
  return o;
}

}  // namespace

void keep_lookup_facts(const m::Message& msg, store::NewMessage& out) {
  if (const auto* d = std::get_if<m::Bericht323>(&msg.body)) out.declaratie_nummer = d->Declaratie.DeclaratieNummer;
  if (const auto* a = std::get_if<m::Bericht325>(&msg.body); a && a->DeclaratieAntwoord)
    out.declaratie_nummer = a->DeclaratieAntwoord->DeclaratieNummer;
  if (!msg.type->retour && msg.type->number != 325) return;
  std::set<std::string> codes;
  m::for_each_class(msg, [&](const m::Src&, const m::Codes& cs) { codes.insert(cs.begin(), cs.end()); });
  out.retourcodes.clear();
  for (const auto& c : codes) out.retourcodes += (out.retourcodes.empty() ? "" : ",") + c;
}

std::string answer_body(const std::string& response_json, const std::string& findings_json) {
  boost::system::error_code ec;
  auto answer = boost::json::parse(response_json, ec);
  if (ec || !answer.is_object()) return response_json;
  auto* named = answer.as_object().if_contains("findings");
  if (!named || !named->is_string()) return response_json;  // an answer that holds its findings
  const bool advisory = named->as_string() == kFindingsAdvisory;
  auto findings = boost::json::parse(findings_json.empty() ? "[]" : findings_json, ec);
  if (ec || !findings.is_array()) findings = boost::json::array{};
  if (advisory)
    for (auto& f : findings.as_array())
      if (f.is_object()) f.as_object()["advisory"] = true;
  *named = std::move(findings);
  return boost::json::serialize(answer);
}

bool fails_on_pool(const Findings& fs) {
  return std::any_of(fs.begin(), fs.end(), [](const auto& f) {
    return f.origin == "xsd" || is_level(f, rules::Level::in_message);
  });
}

namespace {

store::Decision judged(const Verdict& v, const standard::ledger::LedgerView& ledger,
                       store::NewMessage& msg) {
  store::Decision d;
  msg.hold_reason = v.hold_reason;
  Findings findings = v.findings;
  Findings late;  // advice on the standard's deadlines (OP271, OP272, OP359)
  auto finish = [&](store::State state, int http, std::string_view status, bool advisory) {
    msg.state = state;
    msg.http_status = http;
    // The answer's findings are the stored ones, marked advisory or not: the
    // row keeps them once, and the stored answer names them (answer_body()
    // puts them in).
    msg.findings_json = boost::json::serialize(findings_json(findings, late));
    for (auto& p : d.produced)
      if (p.id.empty()) p.id = store::new_message_id();
    std::vector<std::string> ids;
    for (const auto& p : d.produced) ids.push_back(p.id);
    msg.response_json = boost::json::serialize(answer(msg, status, advisory ? kFindingsAdvisory : kFindingsAsStored,
                                                      findings.size() + late.size(), ids));
  };
  // The standard's deadlines of an accepted message: what it makes owed, what
  // it answers, and whether it came late (advice, never a refusal).
  auto deadlines = [&](const m::Message& accepted) {
    static const core::WerkdagCalendar kDefaultCalendar;
    auto a = standard::deadlines::assess(accepted, v.today, v.calendar ? *v.calendar : kDefaultCalendar, &ledger);
    d.obligations = std::move(a.opens);
    d.meets = std::move(a.meets);
    for (const auto& l : a.late) late.push_back(standard::deadlines::late_finding(l));
    d.late = std::move(a.late);
  };
  const m::Message* message = v.message.get();
  // Level 1: no model, no retour.
  if (!message) {
    finish(store::State::rejected, 422, "rejected", false);
    return d;
  }
  const bool heen = !message->type->retour && message->type->number != 325;
  const auto bsn_hash = [&v](const std::string& bsn) { return v.bsn_hash(bsn); };
  // The headers of what sluis composes, made only when it composes (an
  // identification costs a draw from the CSPRNG).
  auto rh = [&] { return m::RetourHeader{new_identification(), v.today, std::nullopt, message->header().XsdVersie}; };
  auto ah = [&] {
    return m::AntwoordHeader{{new_identification(), v.today}, message->header().XsdVersie, std::nullopt};
  };
  // Level 2: the header alone with 0001, at once, in both retour modes.
  if (fails_on_pool(findings)) {
    if (heen) d.produced.push_back(produced(rules::compose_0001(*message, rh(), ah()), msg, v));
    finish(store::State::rejected, 422, "rejected", false);
    return d;
  }
  if (v.header_refusal) {
    if (heen)
      d.produced.push_back(produced(message->type->number == 323
                                        ? rules::compose_325(*message, findings, ah())
                                        : rules::compose_retour(*message, findings, rh()),
                                    msg, v));
    finish(store::State::rejected, 422, "rejected", false);
    return d;
  }
  if (v.rejected && !heen) {
    // A partner's retour or 325 breaking an external-list rule: refused,
    // never answered (retours are not answered).
    finish(store::State::rejected, 422, "rejected", false);
    return d;
  }
  if (!heen) {
    // A partner's retour or 325 must agree with what it answers (TR337,
    // TR366, TR367, TR371, TR376); it is never answered itself, so a
    // disagreement refuses it with the findings.
    rules::Context ctx{*message, v.today, v.reference.get(), &ledger, bsn_hash};
    for (auto& f : rules::check_ledger(ctx)) findings.push_back(std::move(f));
    if (findings.size() > v.findings.size()) {
      finish(store::State::rejected, 422, "rejected", false);
      return d;
    }
    // Then the ledger follows its verdicts.
    d.changes = rules::ledger_changes(*message, msg.id, {}, standard::ledger::Verdict::approved,
                                      bsn_hash, v.heen_id, &ledger);
    deadlines(*message);
    finish(msg.state, 202, "accepted", false);
    return d;
  }
  // Levels 3 and 4.
  rules::Context ctx{*message, v.today, v.reference.get(), &ledger, bsn_hash, &findings};
  for (auto& f : rules::check_ledger(ctx)) findings.push_back(std::move(f));
  if (v.hold_orphans) {
    // Orphans: the allocations named but unknown (TR019 on a 305/307, TR338 on
    // a 323). The message waits for them; it is judged again when they arrive.
    for (const auto& f : findings) {
      if (f.rule != "TR019" && f.rule != "TR338") continue;
      std::int64_t nummer = 0;  // the finding's value is the ToewijzingNummer
      auto [end, ec] = std::from_chars(f.value.data(), f.value.data() + f.value.size(), nummer);
      if (ec == std::errc{} && end == f.value.data() + f.value.size())
        d.orphans.push_back({msg.law, message->header().Ontvanger, nummer});
    }
    if (!d.orphans.empty()) {
      msg.hold_reason = store::HoldReason::orphan;
      finish(store::State::held, 202, "held", true);
      return d;
    }
  }
  const bool gateway = v.receiver_retour == config::RetourMode::gateway;
  if (!gateway) {
    // The receiving partner answers; what sluis found is advice to the sender.
    d.changes = rules::ledger_changes(*message, msg.id, {}, standard::ledger::Verdict::pending,
                                      bsn_hash, {}, &ledger);
    d.changes.contract_warnings = rules::contract_warnings(ctx, msg.id);
    deadlines(*message);
    finish(msg.state, 202, "accepted", !findings.empty());
    return d;
  }
  // sluis answers for the receiver.
  m::Message reply = message->type->number == 323 ? rules::compose_325(*message, findings, ah())
                                                  : rules::compose_retour(*message, findings, rh());
  d.produced.push_back(produced(reply, msg, v));
  if (rules::rejects_message(*message, findings)) {
    finish(store::State::rejected, 422, "rejected", false);
    return d;
  }
  d.changes = rules::ledger_changes(*message, msg.id, findings, standard::ledger::Verdict::approved,
                                    bsn_hash, {}, &ledger);
  // The ceilings it reached (SL004, SL005 found them; advice), kept with it.
  d.changes.contract_warnings = rules::contract_warnings(ctx, msg.id);
  deadlines(*message);
  finish(msg.state, 202, "accepted", false);
  return d;
}

}  // namespace

store::Decide decide(Verdict v) { return decide(std::make_shared<Verdict>(std::move(v))); }

store::Decide decide(std::shared_ptr<Verdict> shared) {
  return [shared = std::move(shared)](const standard::ledger::LedgerView& ledger,
                                      store::NewMessage& msg) -> core::Result<store::Decision> {
    const Verdict& v = *shared;
    store::Decision d = judged(v, ledger, msg);
    // A shadow partner's messages are judged against the live ledger but
    // never change it, nor owe or answer anything (the receiver never sees them).
    if (v.shadow) {
      d.changes = {};
      d.obligations.clear();
      d.meets.clear();
    }
    return d;
  };
}

namespace {

core::Metric& contract_warning_counter(standard::ledger::WarningKind kind, standard::ledger::WarningLevel level) {
  return core::counter("sluis_contract_warnings_total",
                       "Budget ceilings (SL004) and contingents (SL005) a committed message reached, by kind and "
                       "level (warning: the row's waarschuwing_procent; exceeded: 100 % or more); advice only.",
                       "kind=\"" + std::string(standard::ledger::to_string(kind)) + "\",level=\"" +
                           std::string(standard::ledger::to_string(level)) + "\"");
}

core::Metric& late_counter(standard::Law law, int type) {
  return core::counter("sluis_late_messages_total",
                       "Messages received later than the standard allows (OP271, OP272, OP359), by law and type; "
                       "accepted with an advisory finding.",
                       "law=\"" + std::string(standard::to_string(law)) + "\",type=\"" + std::to_string(type) +
                           "\"");
}

}  // namespace

void report_late(const store::CommitOutcome& r, standard::Law law, int type) {
  if (r.late.empty() || r.replay) return;
  for (const auto& l : r.late)
    core::log(events::kLateMessage, {{"msg", r.id},
                                     {"rule", l.rule},
                                     {"law", standard::to_string(law)},
                                     {"type", type},
                                     {"late", l.late},
                                     {"unit", l.werkdagen ? "werkdagen" : "dagen"},
                                     {"due", core::format_date(l.due)}});
  late_counter(law, type).inc();
}

void register_contract_warning_metrics() {
  for (auto kind : {standard::ledger::WarningKind::budget, standard::ledger::WarningKind::contingent})
    for (auto level : {standard::ledger::WarningLevel::warning, standard::ledger::WarningLevel::exceeded})
      contract_warning_counter(kind, level);
  for (const auto& t : standard::all_message_types()) late_counter(t.law, t.number);
}

void report_contract_warnings(const store::CommitOutcome& r) {
  if (r.replay) return;
  for (const auto& w : r.contract_warnings) contract_warning_counter(w.kind, w.level).inc();
}

}  // namespace sluis::intake
