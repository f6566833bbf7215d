#include <algorithm>
#include <map>
#include <unordered_set>

#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"

namespace sluis::rules {

namespace m = standard::model;
using standard::Finding;
using standard::Findings;

namespace {

constexpr const char* kNoRemarks = "0200";   // geen opmerkingen over deze berichtklasse
constexpr const char* kNotJudged = "0233";   // berichtklasse is niet beoordeeld
constexpr const char* kTechnical = "0001";   // bericht is afgekeurd om technische redenen
constexpr const char* kAllGranted = "8001";  // declaratie is volledig toegewezen

bool within(const std::string& path, const std::string& cls) {
  return path.size() >= cls.size() && path.compare(0, cls.size(), cls) == 0 &&
         (path.size() == cls.size() || path[cls.size()] == '/');
}

// Class path -> the retourcodes of the findings it owns (the deepest class
// whose path contains the finding's path), in finding order, each once.
std::map<std::string, m::Codes> codes_by_class(const m::Message& msg, const Findings& findings) {
  // Advice alone (or nothing) owns no class: no walk over every class of a large message.
  if (std::none_of(findings.begin(), findings.end(),
                   [](const Finding& f) { return !f.retourcode.empty(); }))
    return {};
  std::unordered_set<std::string> classes;
  m::for_each_class(msg, [&](const m::Src& src, const m::Codes&) { classes.insert(src.path()); });
  std::map<std::string, m::Codes> out;
  for (const auto& f : findings) {
    if (f.retourcode.empty()) continue;
    // The owner is the longest class path the finding's path is within: its
    // prefixes at '/' from the longest down (a lookup each, not a pass over
    // every class per finding: a 323 can have 80 000 classes and as many findings).
    std::string key = f.path;
    bool owned = false;
    for (;;) {
      if (classes.count(key)) {
        owned = true;
        break;
      }
      const auto slash = key.rfind('/');
      if (key.empty() || slash == std::string::npos) break;
      key.resize(slash);
    }
    // Findings above every class (the 323's Declaratie) belong to the header's
    // sibling: callers look them up by their own path.
    if (!owned) key = f.path;
    auto& codes = out[key];
    if (std::find(codes.begin(), codes.end(), f.retourcode) == codes.end()) codes.push_back(f.retourcode);
  }
  return out;
}

// The header's class path (a message made in code may not be located).
std::string header_of(const m::Message& msg) {
  return msg.header().src.placed() ? msg.header().src.path() : "/Bericht/Header";
}

}  // namespace

std::set<std::string> rejected_classes(const m::Message& msg, const Findings& findings) {
  std::set<std::string> out;
  for (const auto& [cls, codes] : codes_by_class(msg, findings)) out.insert(cls);
  return out;
}

bool rejects_message(const m::Message& msg, const Findings& findings) {
  bool any = std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return !f.retourcode.empty(); });
  if (!any) return false;
  if (msg.type->number != 323) return true;
  // A 323 is rejected whole only for a finding on its header or Declaratie
  // (not on a client or prestatie below it).
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) {
    return !f.retourcode.empty() && !within(f.path, "/Bericht/Declaratie/Clienten");
  });
}

m::Message compose_0001(const m::Message& heen, const m::RetourHeader& retour, const m::AntwoordHeader& antwoord) {
  m::Message out;
  if (heen.type->number == 323) {
    out = m::make_325_without_clients(heen, antwoord);
  } else {
    out = m::make_retour(heen, retour);
  }
  m::drop_classes(out);
  out.header().RetourCodes = {kTechnical};
  out.header().XsltVersie = std::string(kRuleSetVersion);
  return out;
}

m::Message compose_retour(const m::Message& heen, const Findings& findings, const m::RetourHeader& retour) {
  m::Message out = m::make_retour(heen, retour);
  auto codes = codes_by_class(heen, findings);
  const std::string header_path = header_of(heen);
  if (codes.empty() || codes.count(header_path)) {
    // All approved, or the header itself is wrong: the header alone.
    m::drop_classes(out);
    if (codes.count(header_path)) out.header().RetourCodes = codes[header_path];
    return out;
  }
  // Below the header: every class of the client with its status. A class
  // under a rejected class was not judged (0233).
  std::vector<std::string> rejected;
  m::for_each_class(out, [&](m::Src& src, m::Codes& c) {
    std::string path = src.path();
    auto it = codes.find(path);
    if (it != codes.end()) {
      c = it->second;
      rejected.push_back(std::move(path));
      return;
    }
    bool below = std::any_of(rejected.begin(), rejected.end(), [&](const std::string& r) { return within(path, r); });
    c = {below ? kNotJudged : kNoRemarks};
  });
  out.header().RetourCodes = {kNoRemarks};
  return out;
}

m::Message compose_325(const m::Message& declaratie, const Findings& findings, const m::AntwoordHeader& antwoord) {
  // The clients are copied below, only those the 325 names (a large 323 is not copied whole).
  m::Message out = m::make_325_without_clients(declaratie, antwoord);
  const auto& decl = std::get<m::Bericht323>(declaratie.body);
  auto& b = std::get<m::Bericht325>(out.body);
  auto& da = *b.DeclaratieAntwoord;
  auto codes = codes_by_class(declaratie, findings);
  const std::string header_path = header_of(declaratie);
  if (codes.count(header_path)) {
    // A finding on the header: the header alone with its codes.
    b.DeclaratieAntwoord.reset();
    b.Header.RetourCodes = codes[header_path];
    return out;
  }
  b.Header.RetourCodes = {kNoRemarks};
  // Findings on the Declaratie (not on a client or prestatie).
  m::Codes on_declaratie;
  for (const auto& f : findings)
    if (!f.retourcode.empty() && within(f.path, "/Bericht/Declaratie") &&
        !within(f.path, "/Bericht/Declaratie/Clienten") &&
        std::find(on_declaratie.begin(), on_declaratie.end(), f.retourcode) == on_declaratie.end())
      on_declaratie.push_back(f.retourcode);
  if (!on_declaratie.empty()) {
    da.RetourCodes = on_declaratie;
    da.TotaalToegekendBedrag = {0, "D"};
    return out;
  }
  // Only rejected prestaties are answered (TR342): a rejected client with
  // all its prestaties (0233, not judged), and of every other client the
  // prestaties with codes; approved ones count towards the granted total.
  m::Integer granted = 0;
  for (const auto& cl : decl.Declaratie.Clienten) {
    auto client_codes = codes.find(cl.src.path());
    const bool client_rejected = client_codes != codes.end();
    m::Client323 rc;
    for (const auto& p : cl.Prestaties) {
      auto it = codes.find(p.src.path());
      if (client_rejected) {
        rc.Prestaties.push_back(p);
        rc.Prestaties.back().RetourCodes = {kNotJudged};
      } else if (it != codes.end()) {
        rc.Prestaties.push_back(p);
        rc.Prestaties.back().RetourCodes = it->second;
      } else {
        granted += p.IngediendBedrag.signed_cents();
      }
    }
    if (rc.Prestaties.empty()) continue;
    rc.src = cl.src;
    rc.Bsn = cl.Bsn;
    rc.RetourCodes = client_rejected ? client_codes->second : m::Codes{kNoRemarks};
    da.Clienten.push_back(std::move(rc));
  }
  if (da.Clienten.empty()) {
    da.RetourCodes = {kAllGranted};
    da.TotaalToegekendBedrag = decl.Declaratie.TotaalIngediendBedrag;
    return out;
  }
  da.RetourCodes = {kNoRemarks};
  da.TotaalToegekendBedrag = {granted < 0 ? -granted : granted, granted < 0 ? "C" : "D"};
  return out;
}

}  // namespace sluis::rules
