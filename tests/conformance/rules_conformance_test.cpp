// The rules of 3.2 as data-driven cases, and their coverage.
//
// tests/conformance/rules/<RULE>.case holds the cases of one rule:
//   # comment
//   base ijw/323/valid-declaratie.xml      (relative to tests/conformance/xsd; default for the cases below)
//   today 2026-11-24                       (Dutch date for TR135; default 2026-11-24)
//   case fail <name>                       (the rule must report; `case pass` it must not)
//   set /Bericht/.../Element value         (edits of the base message's model)
//   remove /Bericht/.../Element
//   at /Bericht/.../Element                (fail: one finding has this path)
//   given ijw/301/valid-toewijzing.xml     (an earlier message: the set/remove lines after it edit it)
//   then                                   (back to editing the case's own message)
// A case with `given` messages is judged like the gateway judges when it
// answers itself (retour = "gateway"): each earlier message is checked against
// the ledger so far and its ledger changes (what it established, with its
// rejected classes not counting) are written to an in-memory SQLite ledger;
// then the case's message runs the in-message and the cross-message rules.
// A base path starting with "ledger/" is under tests/conformance/rules.
// Coverage: every TR/CD/CS/RS rule of the 3.2 list (rules/RULE-IDS) is implemented with at least one passing and
// one failing case, or listed in rules/NOT-APPLICABLE with its reason.
#define BOOST_TEST_MODULE rules_conformance
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/explain.hpp"
#include "gateway/rules/outcome.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

namespace fs = std::filesystem;
using namespace sluis;

namespace {

using sluis::test::source;
fs::path cases_dir() { return source() / "tests/conformance/rules"; }
using sluis::test::slurp;

struct Edit {
  std::string path;
  std::optional<std::string> value;
};

struct Given {
  std::string base;
  std::vector<Edit> edits;
};

struct Case {
  std::string rule, name, file;
  int line = 0;
  bool fail = false;
  std::string base, today = "2026-11-24", at;
  std::vector<Edit> edits;
  std::vector<Given> givens;
  bool editing_given = false;  // while loading: set/remove go to the last given
};

std::vector<Case> load_cases() {
  std::vector<Case> out;
  for (const auto& e : fs::directory_iterator(cases_dir())) {
    if (e.path().extension() != ".case") continue;
    std::ifstream in(e.path());
    std::string line, base, today = "2026-11-24";
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      std::string word;
      ls >> word;
      std::string rest;
      std::getline(ls >> std::ws, rest);
      if (word == "base") (out.empty() || out.back().file != e.path().filename() ? base : out.back().base) = rest;
      else if (word == "today") (out.empty() || out.back().file != e.path().filename() ? today : out.back().today) = rest;
      else if (word == "case") {
        Case c;
        c.rule = e.path().stem().string();
        c.file = e.path().filename().string();
        c.line = n;
        c.fail = rest.rfind("fail", 0) == 0;
        BOOST_REQUIRE_MESSAGE(c.fail || rest.rfind("pass", 0) == 0, c.file << ":" << n << ": case pass|fail <name>");
        c.name = rest.substr(5);
        c.base = base;
        c.today = today;
        out.push_back(c);
      } else if (word == "set" || word == "remove") {
        BOOST_REQUIRE_MESSAGE(!out.empty() && out.back().file == e.path().filename(), e.path() << ":" << n);
        Edit ed;
        if (word == "set") {
          auto sp = rest.find(' ');
          ed.path = rest.substr(0, sp);
          ed.value = sp == std::string::npos ? "" : rest.substr(sp + 1);
        } else {
          ed.path = rest;
        }
        auto& c = out.back();
        (c.editing_given ? c.givens.back().edits : c.edits).push_back(ed);
      } else if (word == "given") {
        BOOST_REQUIRE_MESSAGE(!out.empty() && out.back().file == e.path().filename(), e.path() << ":" << n);
        out.back().givens.push_back(Given{rest, {}});
        out.back().editing_given = true;
      } else if (word == "then") {
        out.back().editing_given = false;
      } else if (word == "at") {
        out.back().at = rest;
      } else {
        BOOST_FAIL(e.path().string() + ":" + std::to_string(n) + ": unknown line: " + line);
      }
    }
  }
  return out;
}

// The ledger a case's earlier messages build: the store's own SQLite ledger
// tables and LedgerView, in memory.
struct MemoryLedger {
  MemoryLedger() {
    BOOST_REQUIRE(sqlite3_open(":memory:", &db) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, store::sqlite::kLedgerSchema, nullptr, nullptr, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, store::sqlite::kLedgerDebitSchema, nullptr, nullptr, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, store::sqlite::kLedgerTariffSchema, nullptr, nullptr, nullptr) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, store::sqlite::kLedgerIntakeFactsSchema, nullptr, nullptr, nullptr) == SQLITE_OK);
    view = std::make_unique<store::sqlite::Ledger>(db);
  }
  ~MemoryLedger() {
    view.reset();
    sqlite3_close(db);
  }
  static std::string hash(const std::string& bsn) { return core::hmac_sha256_hex("case-key", bsn); }
  // What the message establishes when sluis answers for the receiver: a
  // heenbericht rejected whole establishes nothing; a retour or 325 withdraws
  // what it rejected from the latest heenbericht.
  void record(const standard::model::Message& m, const standard::Findings& found) {
    const bool heen = !m.type->retour && m.type->number != 325;
    std::string id = "given-" + std::to_string(++count);
    if (heen && rules::rejects_message(m, found)) return;
    auto changes = rules::ledger_changes(m, id, found, standard::ledger::Verdict::approved, &MemoryLedger::hash,
                                         heen ? std::string() : last_heen, view.get());
    BOOST_REQUIRE(view->apply(changes).has_value());
    if (heen) last_heen = id;
  }
  sqlite3* db = nullptr;
  std::unique_ptr<store::sqlite::Ledger> view;
  int count = 0;
  std::string last_heen;
};

struct Fixture {
  Fixture() {
    cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    validator = std::make_unique<xml::Validator>(*s, cfg);
    config::ReferenceConfig ref;  // the lists sluisd loads, read the way it reads them
    ref.cbs_gemeenten = source() / "config/reference/cbs-gemeenten.csv";
    ref.productcodes = source() / "config/reference/productcodes.csv";
    // With the example region's contracts (config/contracts/), which hold the
    // corpus's providers at the corpus's tariffs (TR418, SL001).
    config::ContractsConfig contracts;
    contracts.catalogue = source() / "config/contracts/catalogus.csv";
    contracts.coverage = source() / "config/contracts/gemeenten.csv";
    contracts.tariffs = source() / "config/contracts/tarieven.csv";
    reference = *rules::load_reference(ref, contracts);
  }
  standard::model::Message read(const std::string& rel) {
    fs::path file = rel.rfind("ledger/", 0) == 0 ? cases_dir() / rel : source() / "tests/conformance/xsd" / rel;
    auto o = validator->validate(slurp(file), xml::ReadModel::yes);
    BOOST_REQUIRE_MESSAGE(o.message.has_value(), rel << " does not read");
    return *o.message;
  }
  standard::model::Message edited(const std::string& base, const std::vector<Edit>& edits) {
    BOOST_REQUIRE(!base.empty());
    auto msg = read(base);
    for (const auto& e : edits) {
      auto r = xml::edit_model(msg, e.path, e.value ? std::optional<std::string_view>(*e.value) : std::nullopt);
      BOOST_REQUIRE_MESSAGE(r.has_value(), e.path << ": " << (r.has_error() ? r.error().text : std::string()));
    }
    standard::model::locate(msg);
    return msg;
  }
  // Every rule: in-message and external-list, then cross-message against the ledger.
  standard::Findings judge(const standard::model::Message& m, const core::Date& today, MemoryLedger& ledger) {
    auto found = rules::check(rules::Context{m, today, &reference, nullptr, {}});
    for (auto& f : rules::check_ledger(rules::Context{m, today, &reference, ledger.view.get(), &MemoryLedger::hash}))
      found.push_back(std::move(f));
    return found;
  }
  xml::XercesRuntime runtime;
  config::SchemasConfig cfg;
  std::unique_ptr<xml::Validator> validator;
  rules::ReferenceData reference;
};

std::string describe(const standard::Findings& fs) {
  std::string s;
  for (const auto& f : fs) s += "\n  " + f.rule + " " + f.path + ": " + f.en;
  return s;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(rules_conformance, Fixture)

BOOST_AUTO_TEST_CASE(every_case) {
  auto cases = load_cases();
  BOOST_TEST(!cases.empty());
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.file << ":" << c.line << " " << (c.fail ? "fail " : "pass ") << c.name) {
      BOOST_REQUIRE_MESSAGE(rules::find_rule(c.rule), "no rule " << c.rule << " in the registry");
      auto today = core::parse_date(c.today);
      BOOST_REQUIRE(today.has_value());
      auto msg = edited(c.base, c.edits);
      MemoryLedger ledger;
      for (std::size_t i = 0; i < c.givens.size(); ++i) {
        auto earlier = edited(c.givens[i].base, c.givens[i].edits);
        BOOST_TEST_CONTEXT("given " << i + 1 << " " << c.givens[i].base) {
          auto found = judge(earlier, *today, ledger);
          for (const auto& f : found)
            BOOST_REQUIRE_MESSAGE(rules::rule_of(f) && rules::rule_of(f)->level != rules::Level::in_message,
                                  "an earlier message breaks an in-message rule:" << describe(found));
          ledger.record(earlier, found);
        }
      }
      auto findings = judge(msg, *today, ledger);
      standard::Findings mine;
      for (const auto& f : findings)
        if (f.rule == c.rule) mine.push_back(f);
      if (c.fail) {
        BOOST_TEST(!mine.empty(), "expected " << c.rule << "; got" << describe(findings));
        for (const auto& f : mine) {
          // Every finding explains itself in both languages and points somewhere.
          BOOST_TEST(f.nl.size() > 20u);
          BOOST_TEST(f.en.size() > 20u);
          BOOST_TEST(f.path.rfind("/Bericht", 0) == 0u);
          BOOST_TEST(f.retourcode == std::string(rules::find_rule(c.rule)->retourcode));
          // No BSN in clear: no 9-digit run that passes the 11-check (a
          // ToewijzingNummer has 9 digits too, and is no personal data).
          static const std::regex nine("[0-9]{9}");
          for (std::sregex_iterator it(f.value.begin(), f.value.end(), nine), end; it != end; ++it)
            BOOST_TEST(!core::bsn_elfproef(it->str()), "a BSN leaked: " << f.value);
        }
        if (!c.at.empty()) {
          bool found = false;
          for (const auto& f : mine) found |= f.path == c.at;
          BOOST_TEST(found, "no " << c.rule << " finding at " << c.at << describe(mine));
        }
      } else {
        BOOST_TEST(mine.empty(), "unexpected" << describe(mine));
      }
    }
  }
}

// The corpus's valid heenberichten break no rule: the rules agree with the
// examples the schemas were written from.
BOOST_AUTO_TEST_CASE(valid_corpus_passes_every_rule) {
  for (const auto& e : fs::recursive_directory_iterator(source() / "tests/conformance/xsd")) {
    if (e.path().extension() != ".xml" || !e.path().filename().string().starts_with("valid")) continue;
    std::string rel = e.path().lexically_relative(source() / "tests/conformance/xsd").string();
    auto msg = read(rel);
    auto findings = rules::check(rules::Context{msg, *core::parse_date("2026-11-24"), &reference, nullptr, {}});
    BOOST_TEST(findings.empty(), rel << describe(findings));
  }
}

BOOST_AUTO_TEST_CASE(coverage_of_the_3_2_rule_list) {
  std::set<std::string> listed;
  std::regex id(R"(\b(TR|CD|CS|RS)[0-9]{3}\b)");
  std::string ids_text = slurp(cases_dir() / "RULE-IDS");  // the ids of the 3.2 rule list
  for (std::sregex_iterator it(ids_text.begin(), ids_text.end(), id), end; it != end; ++it) listed.insert(it->str());
  BOOST_TEST(listed.size() > 100u);

  std::map<std::string, std::string> not_applicable;
  std::istringstream na(slurp(cases_dir() / "NOT-APPLICABLE"));
  std::string line;
  while (std::getline(na, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find_first_of(" \t");
    std::string rid = line.substr(0, sp);
    std::string reason = sp == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", sp));
    BOOST_TEST(reason.size() > 15u, rid << " is listed without a reason");
    not_applicable[rid] = reason;
  }
  std::map<std::string, std::pair<int, int>> counts;  // rule -> (pass, fail)
  for (const auto& c : load_cases()) (c.fail ? counts[c.rule].second : counts[c.rule].first)++;
  for (const auto& rid : listed) {
    BOOST_TEST_CONTEXT(rid) {
      bool implemented = rules::find_rule(rid) != nullptr;
      bool excused = not_applicable.count(rid) > 0;
      BOOST_TEST((implemented || excused), rid << " is neither implemented nor listed in rules/NOT-APPLICABLE");
      BOOST_TEST(!(implemented && excused), rid << " is implemented and also listed as not applicable");
      if (implemented) {
        BOOST_TEST(counts[rid].first >= 1, rid << " has no passing case");
        BOOST_TEST(counts[rid].second >= 1, rid << " has no failing case");
      }
    }
  }
}

// TR135 (8848) against the Dutch date of the instant of receipt: around
// midnight in Amsterdam and across both 2026 DST changes, whatever the
// machine's own time zone.
BOOST_AUTO_TEST_CASE(tr135_around_dutch_midnight_and_dst) {
  core::init_dutch_time();
  auto msg = read("ijw/323/valid-declaratie.xml");
  auto at = [](const char* iso_utc) {
    std::tm tm{};
    strptime(iso_utc, "%Y-%m-%dT%H:%M:%S", &tm);
    return std::chrono::system_clock::from_time_t(timegm(&tm));
  };
  struct Step {
    const char* utc;        // instant of receipt
    const char* dagtekening;
    bool rejected;
  };
  const Step steps[] = {
      {"2026-11-23T22:59:59", "2026-11-24", true},   // 23:59:59 CET: still the 23rd in Amsterdam
      {"2026-11-23T23:00:00", "2026-11-24", false},  // 00:00 CET on the 24th (UTC still says the 23rd)
      {"2026-03-28T22:59:59", "2026-03-29", true},   // last second of the 28th, CET
      {"2026-03-28T23:00:00", "2026-03-29", false},  // night of the spring change
      {"2026-07-01T21:59:59", "2026-07-02", true},   // 23:59:59 CEST
      {"2026-07-01T22:00:00", "2026-07-02", false},  // 00:00 CEST
      {"2026-10-24T21:59:59", "2026-10-25", true},   // before the autumn change, CEST
      {"2026-10-24T22:00:00", "2026-10-25", false},  // 00:00 CEST on the 25th; 03:00 CEST becomes 02:00 CET later
  };
  for (const auto& st : steps) {
    BOOST_TEST_CONTEXT(st.utc << " dagtekening " << st.dagtekening) {
      auto m = msg;
      BOOST_REQUIRE(xml::edit_model(m, "/Bericht/Header/BerichtIdentificatie/Dagtekening", st.dagtekening));
      auto found = rules::check(rules::Context{m, core::dutch_date(at(st.utc)), &reference, nullptr, {}});
      bool tr135 = false;
      for (const auto& f : found) tr135 |= f.rule == "TR135" && f.retourcode == "8848";
      BOOST_TEST(tr135 == st.rejected);
    }
  }
}

// Every rule's retourcode is in the WJ001 list, and every code of that list
// explains itself with the standard's text and a hint.
BOOST_AUTO_TEST_CASE(retourcodes_and_explanations) {
  BOOST_TEST(standard::retourcodes().size() == 59u);
  for (const auto& r : rules::registry()) {
    // The 325 consistency checks have no retourcode in 3.2 ("n.v.t."): a 325
    // is never answered, sluis refuses a bad one with the findings.
    // SL001 is sluis's own rule: its retourcode is the region's setting
    // ([contracts] uncontracted_retourcode), none by default (advice).
    // SL004 and SL005 (budget ceiling, contingent) are always advice.
    static const std::set<std::string_view> without{"TR337", "TR371", "TR376", "SL001", "SL004", "SL005"};
    if (without.count(r.id))
      BOOST_TEST(r.retourcode.empty(), r.id);
    else
      BOOST_TEST(standard::find_retourcode(r.retourcode) != nullptr, r.id << " " << r.retourcode);
    BOOST_TEST(r.nl.size() > 10u);
    BOOST_TEST(r.en.size() > 10u);
  }
  for (const auto& rc : standard::retourcodes()) {
    auto e = rules::explain(rc.code);
    BOOST_REQUIRE(e.has_value());
    BOOST_TEST(!e->hint_nl.empty());
    BOOST_TEST(!e->hint_en.empty());
    BOOST_TEST(rules::to_json(*e).at("text_nl").as_string() == std::string(rc.text_nl));
  }
  auto e = rules::explain("9346");
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST(e->rules.size() == 1u);
  BOOST_TEST(e->rules.front()->id == "TR346");
  auto r = rules::explain("TR322");  // a cross-message rule, in the registry
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->code == "9322");
  BOOST_TEST(r->rules.size() == 1u);
  BOOST_TEST(r->elsewhere.empty());
  auto later = rules::explain("TR318");  // not enforced: explained by its code
  BOOST_REQUIRE(later.has_value());
  BOOST_TEST(later->elsewhere.size() == 1u);
  BOOST_TEST(!rules::explain("TR999").has_value());
  BOOST_TEST(rules::rules_for(323).size() < rules::registry().size());
}

BOOST_AUTO_TEST_SUITE_END()
