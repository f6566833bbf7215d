// The standard's deadlines (gateway/standard/deadlines.hpp): each kind of
// obligation, what meets it, late messages, and due dates across the Dutch
// holidays. Messages are built in code; no BSN is needed (the deadlines read none).
#define BOOST_TEST_MODULE deadlines
#include <boost/test/unit_test.hpp>

#include "gateway/standard/deadlines.hpp"
#include "tests/support/empty_ledger.hpp"

namespace sluis::standard::deadlines {
std::ostream& operator<<(std::ostream& o, Kind k) { return o << to_string(k); }
}  // namespace sluis::standard::deadlines

using namespace sluis;
using namespace std::chrono;
namespace m = standard::model;
namespace D = standard::deadlines;
using standard::Law;

namespace {

core::Date d(int y, unsigned mo, unsigned dd) { return year{y} / month{mo} / day{dd}; }
std::string f(const core::Date& x) { return core::format_date(x); }

const core::WerkdagCalendar kCal;

m::Header header(int code, const std::string& afzender, const std::string& ontvanger, const std::string& ident) {
  m::Header h;
  h.BerichtCode = code;
  h.Afzender = afzender;
  h.Ontvanger = ontvanger;
  h.BerichtIdentificatie = {ident, d(2026, 3, 1)};
  return h;
}

m::Message msg(int number, m::Body body) {
  m::Message x;
  x.type = standard::find_message(Law::ijw, number);
  x.release = "3.2";
  x.body = std::move(body);
  return x;
}

m::Message vot(const std::vector<std::string>& refs) {
  m::Bericht315 b;
  b.Header = header(0, "75302186", "0917", "VOT-1");
  b.Client.emplace();
  for (const auto& r : refs) {
    m::AangevraagdProduct p;
    p.ReferentieAanbieder = r;
    b.Client->AangevraagdeProducten.push_back(p);
  }
  return msg(315, b);
}

m::Message antwoord(const std::string& ref, const std::string& verzoek_antwoord,
                    std::optional<std::string> reden = std::nullopt) {
  m::Bericht319 b;
  b.Header = header(0, "0917", "75302186", "ANTW-1");
  b.Antwoord.emplace();
  b.Antwoord->ReferentieAanbieder = ref;
  b.Antwoord->VerzoekAntwoord = verzoek_antwoord;
  b.Antwoord->RedenAfwijzingVerzoek = std::move(reden);
  return msg(319, b);
}

m::Message start(const core::Date& begin, const std::string& status = "1") {
  m::Bericht305 b;
  b.Header = header(0, "75302186", "0917", "START-1");
  b.Client.emplace();
  m::StartProduct p;
  p.src.set_path("/Bericht/Client/StartProducten/StartProduct");
  p.ToewijzingNummer = 1234;
  p.Begindatum = begin;
  p.StatusAanlevering = status;
  b.Client->StartProducten.push_back(p);
  return msg(305, b);
}

m::Message stop(const core::Date& end) {
  m::Bericht307 b;
  b.Header = header(0, "75302186", "0917", "STOP-1");
  b.Client.emplace();
  m::StopProduct p;
  p.Einddatum = end;
  p.StatusAanlevering = "1";
  b.Client->StopProducten.push_back(p);
  return msg(307, b);
}

// The ledger questions the deadlines ask; everything else unused.
struct Ledger : test::EmptyLedger {
  std::optional<standard::ledger::Request> req;
  std::optional<RequestReceipt> receipt;
  std::optional<standard::ledger::Allocation> alloc;
  std::optional<standard::ledger::Allocation> allocation(standard::Law, const std::string&, I) const override {
    return alloc;
  }
  std::optional<standard::ledger::Request> request(standard::Law, const std::string&,
                                                   const std::string&) const override {
    return req;
  }
  std::optional<RequestReceipt> request_receipt(const standard::ledger::Request&) const override { return receipt; }
};

const D::Obligation* find(const D::Assessment& a, D::Kind k) {
  for (const auto& o : a.opens)
    if (o.kind == k) return &o;
  return nullptr;
}

}  // namespace

BOOST_AUTO_TEST_CASE(kind_names_round_trip) {
  for (auto k : {D::Kind::retour, D::Kind::declaratie_antwoord, D::Kind::verzoek_antwoord,
                 D::Kind::definitief_antwoord})
    BOOST_TEST((D::parse_kind(D::to_string(k)) == k));
  BOOST_TEST(!D::parse_kind("nonsense").has_value());
}

BOOST_AUTO_TEST_CASE(request_owes_retour_and_answer_per_product) {
  // Received Thursday 2026-03-05: retour by Tuesday 10th (3 werkdagen), answer by Thursday 12th (5).
  auto a = D::assess(vot({"REF-1", "REF-2"}), d(2026, 3, 5), kCal);
  BOOST_REQUIRE(a.opens.size() == 3u);
  const auto* r = find(a, D::Kind::retour);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->rule == "OP090");
  BOOST_TEST(r->key == "315:75302186:VOT-1");
  BOOST_TEST(r->owed_by == "0917");
  BOOST_TEST(r->owed_to == "75302186");
  BOOST_TEST(f(r->opened) == "2026-03-05");
  BOOST_TEST(f(r->due) == "2026-03-10");
  BOOST_TEST(a.opens[1].kind == D::Kind::verzoek_antwoord);
  BOOST_TEST(a.opens[1].rule == "OP274");
  BOOST_TEST(a.opens[1].key == "75302186:REF-1");
  BOOST_TEST(a.opens[2].key == "75302186:REF-2");
  BOOST_TEST(f(a.opens[1].due) == "2026-03-12");
  BOOST_TEST(a.meets.empty());
  BOOST_TEST(a.late.empty());
}

BOOST_AUTO_TEST_CASE(change_request_owes_one_answer) {
  m::Bericht317 b;
  b.Header = header(0, "75302186", "0917", "VOW-1");
  b.Client.emplace();
  b.Client->Verzoek.ReferentieAanbieder = "VOW-REF";
  b.Client->Verzoek.TeWijzigenProducten.resize(2);
  auto a = D::assess(msg(317, b), d(2026, 3, 5), kCal);
  BOOST_REQUIRE(a.opens.size() == 2u);
  const auto* o = find(a, D::Kind::verzoek_antwoord);
  BOOST_REQUIRE(o);
  BOOST_TEST(o->rule == "OP346");
  BOOST_TEST(o->key == "75302186:VOW-REF");
  BOOST_TEST(f(o->due) == "2026-03-12");
}

BOOST_AUTO_TEST_CASE(retour_meets_its_heenbericht_by_the_copied_header) {
  m::Bericht315 b;
  b.Header = header(0, "75302186", "0917", "VOT-1");  // a 316 copies the 315's header
  auto a = D::assess(msg(316, b), d(2026, 3, 6), kCal);
  BOOST_TEST(a.opens.empty());
  BOOST_REQUIRE(a.meets.size() == 1u);
  BOOST_TEST(a.meets[0].kind == D::Kind::retour);
  BOOST_TEST(a.meets[0].key == "315:75302186:VOT-1");
  BOOST_TEST(f(a.meets[0].on) == "2026-03-06");
}

BOOST_AUTO_TEST_CASE(declaration_owes_325_in_10_werkdagen_and_325_meets_it) {
  m::Bericht323 b;
  b.Header = header(0, "75302186", "0917", "DECL-1");
  auto a = D::assess(msg(323, b), d(2026, 3, 5), kCal);
  BOOST_REQUIRE(a.opens.size() == 1u);
  BOOST_TEST(a.opens[0].kind == D::Kind::declaratie_antwoord);
  BOOST_TEST(a.opens[0].rule == "OP090x4");
  BOOST_TEST(a.opens[0].key == "323:75302186:DECL-1");
  BOOST_TEST(f(a.opens[0].due) == "2026-03-19");
  m::Bericht325 r;
  r.Header = header(0, "0917", "75302186", "DA-1");
  r.Header.DeclaratieIdentificatie = m::CdtBerichtIdentificatie{"DECL-1", d(2026, 3, 1)};
  auto b2 = D::assess(msg(325, r), d(2026, 3, 9), kCal);
  BOOST_TEST(b2.opens.empty());
  BOOST_REQUIRE(b2.meets.size() == 1u);
  BOOST_TEST(b2.meets[0].key == a.opens[0].key);
}

BOOST_AUTO_TEST_CASE(allocation_owes_a_retour_and_meets_the_request) {
  m::Bericht301 b;
  b.Header = header(0, "0917", "75302186", "TOE-1");
  b.Client.emplace();
  m::ToegewezenProduct p;
  p.ReferentieAanbieder = "REF-1";
  b.Client->ToegewezenProducten.push_back(p);
  b.Client->ToegewezenProducten.push_back(m::ToegewezenProduct{});  // no request behind it
  auto a = D::assess(msg(301, b), d(2026, 3, 5), kCal);
  BOOST_REQUIRE(a.opens.size() == 1u);
  BOOST_TEST(a.opens[0].kind == D::Kind::retour);
  BOOST_TEST(a.opens[0].owed_by == "75302186");
  BOOST_REQUIRE(a.meets.size() == 2u);
  BOOST_TEST(a.meets[0].kind == D::Kind::verzoek_antwoord);
  BOOST_TEST(a.meets[0].key == "75302186:REF-1");
  BOOST_TEST(a.meets[1].kind == D::Kind::definitief_antwoord);
}

BOOST_AUTO_TEST_CASE(in_onderzoek_owes_a_final_answer_8_weeks_after_the_dagtekening) {
  Ledger l;
  l.req = standard::ledger::Request{standard::Law::ijw, "75302186", "0917", "REF-1", 315, "h", "", false, "m1", ""};
  l.receipt = standard::ledger::LedgerView::RequestReceipt{d(2026, 3, 2), d(2026, 3, 3)};
  auto a = D::assess(antwoord("REF-1", "2"), d(2026, 3, 6), kCal, &l);
  const auto* o = find(a, D::Kind::definitief_antwoord);
  BOOST_REQUIRE(o);
  BOOST_TEST(o->rule == "OP274");
  BOOST_TEST(o->key == "75302186:REF-1");
  BOOST_TEST(f(o->due) == "2026-04-27");  // 2 March + 56 days
  BOOST_REQUIRE(a.meets.size() == 1u);
  BOOST_TEST(a.meets[0].kind == D::Kind::verzoek_antwoord);
  // Without the ledger: 8 weeks from the 319's receipt.
  auto b = D::assess(antwoord("REF-1", "2"), d(2026, 3, 6), kCal);
  BOOST_TEST(f(find(b, D::Kind::definitief_antwoord)->due) == "2026-05-01");
  // A 317's: OP346.
  l.req->type = 317;
  auto c = D::assess(antwoord("REF-1", "2"), d(2026, 3, 6), kCal, &l);
  BOOST_TEST(find(c, D::Kind::definitief_antwoord)->rule == "OP346");
}

BOOST_AUTO_TEST_CASE(rejection_meets_both_answers) {
  auto a = D::assess(antwoord("REF-1", "1", "4"), d(2026, 3, 6), kCal);
  BOOST_REQUIRE(a.meets.size() == 2u);
  BOOST_TEST(a.meets[0].kind == D::Kind::verzoek_antwoord);
  BOOST_TEST(a.meets[1].kind == D::Kind::definitief_antwoord);
  BOOST_TEST(!find(a, D::Kind::definitief_antwoord));
  BOOST_TEST(find(a, D::Kind::retour));  // the 320
  BOOST_TEST(a.late.empty());
}

BOOST_AUTO_TEST_CASE(woonplaatsbeginsel_refusal_after_two_weeks_is_late) {
  Ledger l;
  l.req = standard::ledger::Request{standard::Law::ijw, "75302186", "0917", "REF-1", 315, "h", "", false, "m1", ""};
  l.receipt = standard::ledger::LedgerView::RequestReceipt{d(2026, 3, 2), d(2026, 3, 3)};
  // Received 3 March: the 2 weeks run to 17 March inclusive.
  auto on_time = D::assess(antwoord("REF-1", "1", "8"), d(2026, 3, 17), kCal, &l);
  BOOST_TEST(on_time.late.empty());
  auto late = D::assess(antwoord("REF-1", "1", "8"), d(2026, 3, 20), kCal, &l);
  BOOST_REQUIRE(late.late.size() == 1u);
  BOOST_TEST(late.late[0].rule == "OP359");
  BOOST_TEST(late.late[0].late == 3);
  BOOST_TEST(!late.late[0].werkdagen);
  BOOST_TEST(f(late.late[0].due) == "2026-03-17");
  auto finding = D::late_finding(late.late[0]);
  BOOST_TEST(finding.origin == "OP359");
  BOOST_TEST(finding.retourcode.empty());
  BOOST_TEST(finding.nl.find("3 dag(en) te laat") != std::string::npos);
  BOOST_TEST(finding.en.find("not refused") != std::string::npos);
  // Another reason, or no known request: not measured.
  BOOST_TEST(D::assess(antwoord("REF-1", "1", "4"), d(2026, 3, 20), kCal, &l).late.empty());
  BOOST_TEST(D::assess(antwoord("REF-1", "1", "8"), d(2026, 3, 20), kCal).late.empty());
}

BOOST_AUTO_TEST_CASE(start_more_than_5_werkdagen_after_begindatum_is_late) {
  // Care started Monday 2 March 2026: due Monday 9 March.
  BOOST_TEST(D::assess(start(d(2026, 3, 2)), d(2026, 3, 9), kCal).late.empty());
  auto a = D::assess(start(d(2026, 3, 2)), d(2026, 3, 12), kCal);
  BOOST_REQUIRE(a.late.size() == 1u);
  BOOST_TEST(a.late[0].rule == "OP271");
  BOOST_TEST(a.late[0].late == 3);  // 10, 11, 12 March
  BOOST_TEST(a.late[0].werkdagen);
  BOOST_TEST(f(a.late[0].due) == "2026-03-09");
  BOOST_TEST(a.late[0].path == "/Bericht/Client/StartProducten/StartProduct");
  auto finding = D::late_finding(a.late[0]);
  BOOST_TEST(finding.origin == "OP271");
  BOOST_TEST(finding.value == "2026-03-02");
  BOOST_TEST(finding.nl.find("3 werkdag(en) te laat") != std::string::npos);
  BOOST_TEST(finding.nl.find("niet afgewezen") != std::string::npos);
  BOOST_TEST(finding.en.find("3 working day(s) late") != std::string::npos);
  // It still owes its retour.
  BOOST_TEST(find(a, D::Kind::retour));
  // A deletion is not a start report.
  BOOST_TEST(D::assess(start(d(2026, 3, 2), "3"), d(2026, 6, 1), kCal).late.empty());
}

BOOST_AUTO_TEST_CASE(retroactive_allocation_moves_the_start_term) {
  Ledger l;
  l.alloc = standard::ledger::Allocation{};
  l.alloc->toewijzingsdatum = d(2026, 3, 10);
  // Started 2 March, allocated on 10 March: due 17 March, not 9 March.
  BOOST_TEST(D::assess(start(d(2026, 3, 2)), d(2026, 3, 16), kCal, &l).late.empty());
  auto a = D::assess(start(d(2026, 3, 2)), d(2026, 3, 18), kCal, &l);
  BOOST_REQUIRE(a.late.size() == 1u);
  BOOST_TEST(f(a.late[0].basis) == "2026-03-10");
  BOOST_TEST(a.late[0].late == 1);
}

BOOST_AUTO_TEST_CASE(stop_more_than_5_werkdagen_after_einddatum_is_late) {
  // Ended Friday 24 April 2026; King's Day Monday 27 April is no werkdag: due Monday 4 May.
  BOOST_TEST(D::assess(stop(d(2026, 4, 24)), d(2026, 5, 4), kCal).late.empty());
  auto a = D::assess(stop(d(2026, 4, 24)), d(2026, 5, 6), kCal);
  BOOST_REQUIRE(a.late.size() == 1u);
  BOOST_TEST(a.late[0].rule == "OP272");
  BOOST_TEST(a.late[0].late == 1);  // 5 May is Bevrijdingsdag: only the 6th counts
  BOOST_TEST(D::late_finding(a.late[0]).nl.find("stopbericht") != std::string::npos);
}

// Due dates of a 315's answer (5 werkdagen) and retour (3) around the holidays.
BOOST_AUTO_TEST_CASE(due_dates_across_the_holidays) {
  auto due = [](const core::Date& received, D::Kind k) { return f(find(D::assess(vot({"R"}), received, kCal), k)->due); };
  // Easter 2026: Good Friday 3 April is a werkdag by default, Easter Monday 6 April is not.
  BOOST_TEST(due(d(2026, 4, 2), D::Kind::retour) == "2026-04-08");
  BOOST_TEST(due(d(2026, 4, 2), D::Kind::verzoek_antwoord) == "2026-04-10");
  // With Goede Vrijdag closed the answer moves a day.
  core::WerkdagCalendar closed(true, {});
  BOOST_TEST(f(find(D::assess(vot({"R"}), d(2026, 4, 2), closed), D::Kind::verzoek_antwoord)->due) == "2026-04-13");
  // Ascension Thursday 14 May 2026.
  BOOST_TEST(due(d(2026, 5, 12), D::Kind::retour) == "2026-05-18");
  // Whit Monday 25 May 2026.
  BOOST_TEST(due(d(2026, 5, 21), D::Kind::retour) == "2026-05-27");
  // King's Day on a Sunday (2025-04-27): Saturday 26 April, a weekend day anyway;
  // Monday 28 April is a werkdag.
  BOOST_TEST(due(d(2025, 4, 25), D::Kind::retour) == "2025-04-30");
  BOOST_TEST(kCal.holiday(d(2025, 4, 26)) == "Koningsdag");
  BOOST_TEST(kCal.is_werkdag(d(2025, 4, 28)));
  // King's Day 2026 on Monday 27 April, Bevrijdingsdag Tuesday 5 May.
  BOOST_TEST(due(d(2026, 4, 24), D::Kind::retour) == "2026-04-30");
  BOOST_TEST(due(d(2026, 5, 1), D::Kind::retour) == "2026-05-07");
  // Christmas and the year end: 24 Dec 2026 (Thu) -> 28, 29, 30 Dec; 5 werkdagen -> 4 Jan 2027.
  BOOST_TEST(due(d(2026, 12, 24), D::Kind::retour) == "2026-12-30");
  BOOST_TEST(due(d(2026, 12, 24), D::Kind::verzoek_antwoord) == "2027-01-04");
  // New Year 2027 on a Friday: received 31 Dec -> 4, 5, 6 Jan.
  BOOST_TEST(due(d(2026, 12, 31), D::Kind::retour) == "2027-01-06");
  // A 323 in December: 10 werkdagen across Christmas and New Year.
  m::Bericht323 b;
  b.Header = header(0, "75302186", "0917", "DECL-1");
  BOOST_TEST(f(D::assess(msg(323, b), d(2026, 12, 18), kCal).opens[0].due) == "2027-01-05");
}

BOOST_AUTO_TEST_CASE(retours_are_owed_nothing_and_owe_nothing) {
  for (int n : {302, 306, 308, 316, 318, 320}) {
    const auto* t = standard::find_message(Law::ijw, n);
    BOOST_REQUIRE(t);
    m::Message x;
    x.type = t;
    x.body = m::empty_body(n);
    x.header() = header(0, "A", "B", "I");
    auto a = D::assess(x, d(2026, 3, 5), kCal);
    BOOST_TEST(a.opens.empty(), n);
    BOOST_TEST(a.meets.size() == 1u, n);
    BOOST_TEST(a.meets[0].key == std::to_string(n - 1) + ":A:I", n);
  }
}
