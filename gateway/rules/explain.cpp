#include "gateway/rules/explain.hpp"

#include <sstream>

namespace sluis::rules {

std::vector<const Rule*> rules_for(int number) {
  std::vector<const Rule*> out;
  for (const auto& r : registry())
    if (number == 0 || applies(r, number)) out.push_back(&r);
  return out;
}

namespace {
// The rule ids a retourcode lists ("TR307 TR308").
std::vector<std::string> rule_ids(const standard::Retourcode& rc) {
  std::vector<std::string> ids;
  std::istringstream in{std::string(rc.rules)};
  for (std::string id; in >> id;) ids.push_back(id);
  return ids;
}
}  // namespace

std::optional<Explanation> explain(std::string_view code) {
  Explanation e;
  if (const Rule* r = find_rule(code)) {
    e.code = std::string(r->retourcode);
    e.retourcode = standard::find_retourcode(r->retourcode);
    e.rules.push_back(r);
  } else if (const auto* rc = standard::find_retourcode(code)) {
    e.code = std::string(code);
    e.retourcode = rc;
    for (const auto& rule : registry())
      if (rule.retourcode == code && code != "0001") e.rules.push_back(&rule);
    for (const auto& id : rule_ids(*rc))
      if (id.starts_with("TR") && !find_rule(id)) e.elsewhere.push_back(id);
  } else {
    // A rule outside the registry (cross-message, contract): explained by its retourcode.
    for (const auto& entry : standard::retourcodes()) {
      for (const auto& id : rule_ids(entry))
        if (id == code) {
          e.code = std::string(entry.code);
          e.retourcode = &entry;
          e.elsewhere.push_back(id);
        }
    }
    if (!e.retourcode) return std::nullopt;
  }
  if (e.code == "0200" || e.code == "0233" || e.code == "8001") {
    e.hint_nl =
        "Geen actie nodig: deze code zegt iets over een klasse die zelf in orde is of niet "
        "beoordeeld is.";
    e.hint_en =
        "No action needed: this code describes a class that is itself fine or was not assessed.";
  } else if (!e.rules.empty()) {
    for (const Rule* r : e.rules) {
      e.hint_nl += std::string(r->id) + ": " + std::string(r->nl) + " ";
      e.hint_en += std::string(r->id) + ": " + std::string(r->en) + " ";
    }
    e.hint_nl +=
        "Pas het genoemde element aan zodat het hieraan voldoet en verstuur het bericht opnieuw.";
    e.hint_en +=
        "Change the element named in the finding so that it complies, and send the message again.";
  } else if (e.code == "0001") {
    e.hint_nl =
        "Een regel over de inhoud van het bericht is geschonden; de bevinding noemt de regel, het "
        "element en "
        "hoe het goed moet (sluisctl rules-list toont alle regels).";
    e.hint_en =
        "A rule on the message's content was broken; the finding names the rule, the element and "
        "how to "
        "fix it (sluisctl rules-list shows every rule).";
  } else {
    e.hint_nl =
        "Deze controle vergelijkt het bericht met eerder uitgewisselde berichten (toewijzingen, "
        "meldingen, "
        "declaraties). Vergelijk het genoemde element met het eerdere bericht waarnaar het "
        "verwijst.";
    e.hint_en =
        "This check compares the message with messages exchanged before (allocations, start/stop "
        "reports, "
        "declarations). Compare the element named with the earlier message it refers to.";
  }
  return e;
}

boost::json::object to_json(const Rule& r) {
  return {{"id", r.id},
          {"level", to_string(r.level)},
          {"retourcode", r.retourcode},
          {"messages", r.messages},
          {"nl", r.nl},
          {"en", r.en}};
}

boost::json::object to_json(const Explanation& e) {
  boost::json::array rules, other;
  for (const Rule* r : e.rules) rules.push_back(to_json(*r));
  for (const auto& id : e.elsewhere) other.push_back(boost::json::value(id));
  boost::json::object o{{"code", e.code},
                        {"rules", rules},
                        {"other_rules", other},
                        {"hint_nl", e.hint_nl},
                        {"hint_en", e.hint_en}};
  o["text_nl"] = e.retourcode ? e.retourcode->text_nl : "";
  o["text_en"] = e.retourcode ? e.retourcode->text_en : "";
  return o;
}

}  // namespace sluis::rules
