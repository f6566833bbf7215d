// A declaration of many clients, made in code: the 325 sluis composes for it
// (IV087/IV088: only rejected prestaties and their clients, 0233 under a
// rejected client, the granted total of the rest, 8001 when all pass), which
// class owns a finding (the deepest whose path holds it), also with tens of
// thousands of findings, and the ledger reads of TR322 and TR369, which sum
// only the allocations they can refuse on.
#define BOOST_TEST_MODULE rules_declaration_answer
#include <boost/test/unit_test.hpp>

#include <map>

#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"
#include "tests/support/empty_ledger.hpp"

using namespace sluis;
namespace m = standard::model;
namespace L = standard::ledger;

namespace {

core::Date day(const char* s) {
  return *core::parse_date(s);
}

// `clients` clients of `per_client` prestaties each, on allocations
// 500000001, 500000002, ... (one per prestatie), 1000 eurocent each.
m::Message declaration(int clients, int per_client) {
  m::Bericht323 b;
  b.Header.BerichtCode = 490;
  b.Header.BerichtVersie = 3;
  b.Header.BerichtSubversie = 2;
  b.Header.Afzender = "75302186";
  b.Header.Ontvanger = "0917";
  b.Header.BerichtIdentificatie = {"DECL-1", day("2026-11-03")};
  b.Header.XsdVersie = {"0.1.0", "0.1.0"};
  auto& d = b.Declaratie;
  d.DeclaratieNummer = "D1";
  d.DeclaratiePeriode = {day("2026-10-01"), day("2026-10-31")};
  d.DeclaratieDagtekening = day("2026-11-03");
  int n = 0;
  long next = 99000000;  // the BSNs: 990000000 on, those passing the 11-check
  for (int c = 0; c < clients; ++c) {
    m::Client323 cl;
    for (;; ++next) {
      const std::string digits = std::to_string(next);
      int sum = 0;
      for (int k = 0; k < 8; ++k) sum += (9 - k) * (digits[static_cast<std::size_t>(k)] - '0');
      if (sum % 11 <= 9) {
        cl.Bsn = digits + std::to_string(sum % 11);
        ++next;
        break;
      }
    }
    for (int p = 0; p < per_client; ++p) {
      ++n;
      m::Prestatie x;
      x.ProductReferentie.ReferentieNummer = "R" + std::to_string(n);
      x.ToewijzingNummer = 500000000 + n;
      x.ProductCategorie = "45";
      x.ProductCode = "45A04";
      x.ProductPeriode = {day("2026-10-01"), day("2026-10-31")};
      x.GeleverdVolume = 10;
      x.Eenheid = "01";
      x.ProductTarief = 100;
      x.IngediendBedrag = {1000, "D"};
      cl.Prestaties.push_back(x);
    }
    d.Clienten.push_back(cl);
  }
  d.TotaalIngediendBedrag = {1000 * n, "D"};
  m::Message msg{standard::find_message(standard::Law::ijw, 323), "3.2", std::move(b)};
  m::locate(msg);
  return msg;
}

const m::Declaratie& of(const m::Message& msg) {
  return std::get<m::Bericht323>(msg.body).Declaratie;
}

const m::DeclaratieAntwoord& answer(const m::Message& antwoord) {
  return *std::get<m::Bericht325>(antwoord.body).DeclaratieAntwoord;
}

standard::Finding finding(const std::string& path, const std::string& code) {
  standard::Finding f;
  f.origin = f.rule = "TEST";
  f.retourcode = code;
  f.path = path;
  return f;
}

const m::AntwoordHeader kAntwoord{
    {"S0000000001", day("2026-11-04")}, {"0.1.0", "0.1.0"}, std::nullopt};

}  // namespace

BOOST_AUTO_TEST_SUITE(the_325)

BOOST_AUTO_TEST_CASE(all_granted_names_no_client) {
  auto decl = declaration(3, 2);
  // Advice refuses nothing: it is no reason to name a client.
  standard::Finding advice = finding(of(decl).Clienten[1].Prestaties[0].src.path(), "");
  advice.advisory = true;
  auto out = rules::compose_325(decl, {advice}, kAntwoord);
  const auto& b = std::get<m::Bericht325>(out.body);
  BOOST_TEST(b.Header.RetourCodes == m::Codes{"0200"});
  const auto& da = answer(out);
  BOOST_TEST(da.Clienten.empty());
  BOOST_TEST(da.RetourCodes == m::Codes{"8001"});
  BOOST_TEST(da.TotaalToegekendBedrag.TotaalBedrag == 6000);
  BOOST_TEST(da.DeclaratieNummer == "D1");
  BOOST_TEST(b.Header.Afzender == "0917");
  BOOST_TEST(b.Header.Ontvanger == "75302186");
}

BOOST_AUTO_TEST_CASE(only_rejected_prestaties_and_their_clients) {
  auto decl = declaration(4, 3);
  const auto& cl = of(decl).Clienten;
  auto out = rules::compose_325(
      decl,
      {// client 1: its second prestatie, on an element below it (owned by the prestatie)
       finding(cl[0].Prestaties[1].src.path() + "/GeleverdVolume", "9321"),
       finding(cl[0].Prestaties[1].src.path() + "/ToewijzingNummer", "8187"),
       // client 3 itself: every prestatie of it not judged (0233)
       finding(cl[2].src.path() + "/Bsn", "9304")},
      kAntwoord);
  const auto& da = answer(out);
  BOOST_TEST(da.RetourCodes == m::Codes{"0200"});
  BOOST_REQUIRE(da.Clienten.size() == 2u);
  // Client 1 with its rejected prestatie alone; client 2 and 4 are not named.
  BOOST_TEST(da.Clienten[0].Bsn == cl[0].Bsn);
  BOOST_TEST(da.Clienten[0].RetourCodes == m::Codes{"0200"});
  BOOST_REQUIRE(da.Clienten[0].Prestaties.size() == 1u);
  BOOST_TEST(da.Clienten[0].Prestaties[0].ProductReferentie.ReferentieNummer == "R2");
  BOOST_TEST((da.Clienten[0].Prestaties[0].RetourCodes == m::Codes{"9321", "8187"}));
  // Client 3 whole, its prestaties 0233.
  BOOST_TEST(da.Clienten[1].Bsn == cl[2].Bsn);
  BOOST_TEST(da.Clienten[1].RetourCodes == m::Codes{"9304"});
  BOOST_REQUIRE(da.Clienten[1].Prestaties.size() == 3u);
  for (const auto& p : da.Clienten[1].Prestaties) BOOST_TEST(p.RetourCodes == m::Codes{"0233"});
  // Granted: 12 prestaties less the 1 + 3 rejected, 1000 eurocent each.
  BOOST_TEST(da.TotaalToegekendBedrag.TotaalBedrag == 8000);
  BOOST_TEST(da.TotaalToegekendBedrag.DebetCredit == "D");
  BOOST_TEST(da.TotaalIngediendBedrag.TotaalBedrag == 12000);
}

BOOST_AUTO_TEST_CASE(a_finding_on_the_declaratie_answers_it_whole) {
  auto decl = declaration(2, 2);
  auto out = rules::compose_325(decl, {finding("/Bericht/Declaratie/DeclaratieNummer", "9333")},
                                kAntwoord);
  const auto& da = answer(out);
  BOOST_TEST(da.RetourCodes == m::Codes{"9333"});
  BOOST_TEST(da.Clienten.empty());
  BOOST_TEST(da.TotaalToegekendBedrag.TotaalBedrag == 0);
}

BOOST_AUTO_TEST_CASE(a_finding_on_the_header_leaves_the_header_alone) {
  auto decl = declaration(2, 2);
  auto out = rules::compose_325(
      decl, {finding("/Bericht/Header/BerichtIdentificatie/Identificatie", "9056")}, kAntwoord);
  const auto& b = std::get<m::Bericht325>(out.body);
  BOOST_TEST(!b.DeclaratieAntwoord.has_value());
  BOOST_TEST(b.Header.RetourCodes == m::Codes{"9056"});
}

BOOST_AUTO_TEST_CASE(the_0001_answer_is_the_header_alone) {
  auto decl = declaration(2, 2);
  auto out = rules::compose_0001(decl, {}, kAntwoord);
  const auto& b = std::get<m::Bericht325>(out.body);
  BOOST_TEST(!b.DeclaratieAntwoord.has_value());
  BOOST_TEST(b.Header.RetourCodes == m::Codes{"0001"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(the_owner_of_a_finding)

BOOST_AUTO_TEST_CASE(is_the_deepest_class_at_a_slash) {
  auto decl = declaration(25, 1);
  const auto& cl = of(decl).Clienten;
  const std::string prestatie20 = cl[19].Prestaties[0].src.path();
  auto owners =
      rules::rejected_classes(decl, {finding(prestatie20 + "/IngediendBedrag/Bedrag", "9346")});
  BOOST_TEST((owners == std::set<std::string>{prestatie20}));
  owners = rules::rejected_classes(decl, {finding(cl[1].src.path() + "/Bsn", "9304")});
  BOOST_TEST((owners == std::set<std::string>{cl[1].src.path()}));
  // Above every class (the Declaratie): the finding's own path.
  owners =
      rules::rejected_classes(decl, {finding("/Bericht/Declaratie/TotaalIngediendBedrag", "0001")});
  BOOST_TEST((owners == std::set<std::string>{"/Bericht/Declaratie/TotaalIngediendBedrag"}));
  // The header is a class.
  owners = rules::rejected_classes(decl, {finding("/Bericht/Header/Afzender", "9056")});
  BOOST_TEST((owners == std::set<std::string>{"/Bericht/Header"}));
  // A finding without a retourcode (advice) owns nothing.
  BOOST_TEST(rules::rejected_classes(decl, {finding(prestatie20, "")}).empty());
}

BOOST_AUTO_TEST_CASE(thousands_of_findings_on_thousands_of_classes) {
  // Every prestatie of 20 000 refused: each finding finds its owner by a
  // lookup per level of its path, not by a pass over the 30 001 classes.
  auto decl = declaration(10000, 2);
  standard::Findings fs;
  for (const auto& c : of(decl).Clienten)
    for (const auto& p : c.Prestaties) fs.push_back(finding(p.src.path() + "/ProductTarief", "0611"));
  auto owners = rules::rejected_classes(decl, fs);
  BOOST_TEST(owners.size() == 20000u);
  auto out = rules::compose_325(decl, fs, kAntwoord);
  BOOST_TEST(answer(out).Clienten.size() == 10000u);
  BOOST_TEST(answer(out).TotaalToegekendBedrag.TotaalBedrag == 0);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// Every prestatie's allocation, as `kind` says: per month (Frequentie 4),
// in total (Frequentie 6) or a Budget; counts the sums the rules ask for.
struct Ledger : test::EmptyLedger {
  enum class Kind { per_month, total, budget } kind = Kind::per_month;
  mutable int volume_sums = 0, cent_sums = 0;
  I already = 0;  // what earlier messages declared on each allocation
  std::optional<Allocation> allocation(Law law, const std::string& gemeente, I n) const override {
    Allocation a;
    a.law = law;
    a.gemeente = gemeente;
    a.aanbieder = "75302186";
    a.toewijzing_nummer = n;
    a.categorie = "45";
    a.code = "45A04";
    a.ingangsdatum = day("2026-01-01");
    if (kind == Kind::budget) {
      a.budget = 5000;
    } else {
      a.volume = 60;
      a.eenheid = "01";
      a.frequentie = kind == Kind::total ? "6" : "4";
    }
    return a;
  }
  I debit_volume(Law, const std::string&, I) const override {
    ++volume_sums;
    return already;
  }
  I debit_cents(Law, const std::string&, I) const override {
    ++cent_sums;
    return already;
  }
};

standard::Findings of_rule(const standard::Findings& fs, const std::string& rule) {
  standard::Findings out;
  for (const auto& f : fs)
    if (f.rule == rule) out.push_back(f);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(the_sums_of_tr322_and_tr369)

BOOST_AUTO_TEST_CASE(are_not_read_for_allocations_per_month) {
  auto decl = declaration(300, 2);
  Ledger ledger;
  auto found = rules::check_ledger(rules::Context{decl, day("2026-11-04"), nullptr, &ledger, {}});
  BOOST_TEST(ledger.volume_sums == 0);
  BOOST_TEST(ledger.cent_sums == 0);
  BOOST_TEST(of_rule(found, "TR322").empty());
  BOOST_TEST(of_rule(found, "TR369").empty());
}

BOOST_AUTO_TEST_CASE(are_read_once_per_allocation_in_total_and_refuse_beyond_it) {
  auto decl = declaration(300, 2);
  Ledger ledger;
  ledger.kind = Ledger::Kind::total;
  auto found = rules::check_ledger(rules::Context{decl, day("2026-11-04"), nullptr, &ledger, {}});
  BOOST_TEST(ledger.volume_sums == 600);
  BOOST_TEST(ledger.cent_sums == 0);
  BOOST_TEST(of_rule(found, "TR322").empty());
  // 55 of the 60 minutes declared before: the 10 of each prestatie exceed it.
  ledger.already = 55;
  found = rules::check_ledger(rules::Context{decl, day("2026-11-04"), nullptr, &ledger, {}});
  BOOST_TEST(of_rule(found, "TR322").size() == 600u);
}

BOOST_AUTO_TEST_CASE(a_budget_is_summed_in_cents) {
  auto decl = declaration(300, 2);
  Ledger ledger;
  ledger.kind = Ledger::Kind::budget;
  ledger.already = 4500;
  auto found = rules::check_ledger(rules::Context{decl, day("2026-11-04"), nullptr, &ledger, {}});
  BOOST_TEST(ledger.volume_sums == 0);
  BOOST_TEST(ledger.cent_sums == 600);
  // 4500 + 1000 > 5000 on every allocation.
  BOOST_TEST(of_rule(found, "TR369").size() == 600u);
}

BOOST_AUTO_TEST_SUITE_END()
