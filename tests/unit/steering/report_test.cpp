// The steering report (gateway/steering/report.hpp) over a seeded set of
// facts: every number checked against a hand computation written beside it.
#define BOOST_TEST_MODULE steering_report
#include "gateway/steering/report.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/steering_sample.hpp"

namespace sluis::steering {
std::ostream& operator<<(std::ostream& o, Light l) { return o << to_string(l); }
}  // namespace sluis::steering

using namespace sluis;
using test::day;
using test::seeded;

namespace {

steering::Thresholds thresholds() {
  steering::Thresholds t;
  t.min_count = 3;
  t.rejected_orange = 30;
  t.rejected_red = 50;
  return t;  // answers 10/25, waiting 10/25, norm 28 days: the defaults
}

const std::map<std::string, steering::Party> kParties{
    {"0935", {"gem-a"}}, {"87654321", {"aanb-a"}}, {"12345678", {"aanb-b"}}};

steering::Report november(steering::Filter f = {day("2026-11-01"), day("2026-11-30"), "", {}}) {
  static const core::WerkdagCalendar kCalendar;
  return steering::build(seeded(), f, kParties, thresholds(), kCalendar, day("2026-12-04"));
}

const steering::Row& row(const steering::Report& r, const std::string& code) {
  for (const auto& x : r.rows)
    if (x.code == code) return x;
  BOOST_FAIL("no row " + code);
  return r.rows.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(rows_gemeenten_first_in_code_order_no_ranking) {
  auto r = november();
  std::vector<std::string> codes;
  for (const auto& x : r.rows) codes.push_back(x.code);
  BOOST_TEST(codes == (std::vector<std::string>{"0363", "0935", "12345678", "87654321"}), boost::test_tools::per_element());
  BOOST_TEST(row(r, "0935").partner == "gem-a");
  BOOST_TEST(row(r, "0363").partner.empty());
  BOOST_TEST(row(r, "0935").gemeente);
  BOOST_TEST(!row(r, "87654321").gemeente);
}

BOOST_AUTO_TEST_CASE(messages_by_type_sent_and_received) {
  auto r = november();
  const auto& g = row(r, "0935");
  BOOST_TEST(g.messages.at(301) == 3u);  // sent three
  BOOST_TEST(g.messages.at(305) == 1u);  // received
  BOOST_TEST(g.messages.at(323) == 2u);
  BOOST_TEST(g.messages.at(325) == 1u);  // composed by sluis in its name: not submitted
  BOOST_TEST(g.submitted == 3u);
  BOOST_TEST(g.accepted == 2u);
  BOOST_TEST(g.rejected == 1u);
  BOOST_TEST(g.composed == 1u);
  const auto& a = row(r, "87654321");
  BOOST_TEST(a.messages.at(301) == 2u);
  BOOST_TEST(a.messages.at(325) == 1u);
  BOOST_TEST(a.composed == 0u);
  BOOST_TEST(a.submitted == 3u);
  BOOST_TEST(a.accepted == 1u);
  BOOST_TEST(a.rejected == 2u);
  const auto& b = row(r, "12345678");
  BOOST_TEST(b.messages.at(301) == 1u);
  BOOST_TEST(b.messages.at(307) == 1u);
  BOOST_TEST(b.submitted == 1u);
  BOOST_TEST(row(r, "0363").submitted == 0u);
}

BOOST_AUTO_TEST_CASE(top_retourcodes_by_count_of_what_the_row_sent) {
  auto r = november();
  const auto& a = row(r, "87654321").retourcodes;
  BOOST_REQUIRE_EQUAL(a.size(), 2u);
  BOOST_TEST(a[0].code == "8848");
  BOOST_TEST(a[0].count == 3u);
  BOOST_TEST(a[1].code == "9019");
  BOOST_TEST(a[1].count == 1u);
  BOOST_REQUIRE_EQUAL(row(r, "0935").retourcodes.size(), 1u);
  // The explanation comes with the JSON.
  auto j = steering::to_json(r);
  const auto& rows = j.at("rows").as_array();
  const auto& first = rows[3].as_object().at("retourcodes").as_array()[0].as_object();
  BOOST_TEST(first.at("retourcode").as_string() == "8848");
  BOOST_TEST(!first.at("nl").as_string().empty());
  BOOST_TEST(!first.at("en").as_string().empty());
}

BOOST_AUTO_TEST_CASE(turnaround_in_werkdagen_against_the_deadlines) {
  auto r = november();
  const auto& a = row(r, "87654321").turnaround;
  BOOST_REQUIRE_EQUAL(a.size(), 1u);
  BOOST_TEST(a[0].kind == "retour");
  BOOST_TEST(a[0].opened == 3u);
  BOOST_TEST(a[0].answered == 2u);
  BOOST_TEST(a[0].late == 1u);
  BOOST_TEST(a[0].overdue == 1u);
  // 5 Nov (Thu) -> 9 Nov (Mon): 2 werkdagen; 6 Nov (Fri) -> 13 Nov (Fri): 5.
  BOOST_TEST(a[0].werkdagen.n == 2u);
  BOOST_TEST(*a[0].werkdagen.median == 2);
  BOOST_TEST(*a[0].werkdagen.p90 == 5);
  const auto& g = row(r, "0935").turnaround;  // map order: declaratie_antwoord, verzoek_antwoord
  BOOST_REQUIRE_EQUAL(g.size(), 2u);
  BOOST_TEST(g[0].kind == "declaratie_antwoord");
  BOOST_TEST(*g[0].werkdagen.median == 5);  // 10 Nov (Tue) -> 17 Nov (Tue)
  BOOST_TEST(g[1].kind == "verzoek_antwoord");
  BOOST_TEST(g[1].answered == 0u);
  BOOST_TEST(g[1].overdue == 0u);  // due 7 December, judged on the 4th
  BOOST_TEST(!g[1].werkdagen.median.has_value());
}

BOOST_AUTO_TEST_CASE(waiting_time_from_allocation_to_start) {
  auto r = november();
  const auto& g = row(r, "0935").waiting;
  // New in November: allocation 1 (given 2 Nov, started 9 Nov: 7 days),
  // 2 (given 3 Nov, from 10 Nov, started 20 Nov: 10 days), 4 (given 2 Nov,
  // no start, 32 days by 4 December: past the 28-day norm). 3 was given in
  // October, 5 is a change.
  BOOST_TEST(g.allocations == 3u);
  BOOST_TEST(g.started == 2u);
  BOOST_TEST(g.over_norm == 0u);
  BOOST_TEST(g.waiting_past_norm == 1u);
  BOOST_TEST(*g.days.median == 7);
  BOOST_TEST(*g.days.p90 == 10);
  BOOST_TEST(row(r, "0935").inflow == 3u);
  // Referrers of the new allocations: 02A01 by a huisarts (02), by the gemeente
  // (01), and one (allocation 4) honouring no request that named one.
  const auto& ref = row(r, "0935").referrers.at("02A01");
  BOOST_TEST(ref.at("02") == 1u);
  BOOST_TEST(ref.at("01") == 1u);
  BOOST_TEST(ref.at("-") == 1u);
  BOOST_TEST(row(r, "87654321").referrers.at("02A01").size() == 2u);
  BOOST_TEST(row(r, "87654321").inflow == 2u);
  BOOST_TEST(row(r, "12345678").waiting.waiting_past_norm == 1u);
  BOOST_TEST(row(r, "0363").inflow == 0u);
}

BOOST_AUTO_TEST_CASE(outflow_early_endings_durations_and_transitions) {
  auto r = november();
  const auto& a = row(r, "87654321");
  BOOST_TEST(a.outflow.at("19") == 1u);
  BOOST_TEST(a.outflow.at("20") == 1u);
  BOOST_TEST(a.outflow.at("33") == 1u);
  BOOST_TEST(a.early_endings == 1u);  // Jeugdwet 33; 19 is to plan, 20 temporary
  BOOST_REQUIRE_EQUAL(a.durations.size(), 2u);
  BOOST_TEST(a.durations[0].code == "15A02");
  BOOST_TEST(*a.durations[0].days.median == 46);  // 1 Oct .. 15 Nov
  BOOST_TEST(a.durations[1].code == "45A03");
  BOOST_TEST(*a.durations[1].days.median == 30);
  BOOST_TEST(a.transitions.size() == 1u);
  BOOST_TEST(a.transitions.at("15A02 -> 02A05") == 1u);  // residential to ambulant, the next day
  const auto& g = row(r, "0363");
  BOOST_TEST(g.outflow.at("21") == 1u);
  BOOST_TEST(g.early_endings == 1u);  // Wmo 21
  BOOST_TEST(*g.durations.at(0).days.median == 324);  // 1 Jan .. 20 Nov
}

BOOST_AUTO_TEST_CASE(declared_against_allocated) {
  auto r = november();
  const auto& n = row(r, "87654321").nacalculatie;
  BOOST_REQUIRE_EQUAL(n.size(), 2u);
  // 02A01 in hours: allocation 1, 4 per week over 30 days = 17.1 -> 17;
  // allocation 2, 10 per month over 21 days = 6.9 -> 7.
  BOOST_TEST(n[0].code == "02A01");
  BOOST_TEST(n[0].eenheid == "04");
  BOOST_TEST(n[0].allocated_volume == 24);
  BOOST_TEST(n[0].declared_volume == 17);  // 16 - 4 (credit) + 5
  BOOST_TEST(n[0].declared_cents == 170000);
  BOOST_TEST(n[0].approved_cents == 120000);
  // The budget of €3 000 over 123 days, 30 of them in November; the
  // rejected prestatie is not declared.
  BOOST_TEST(n[1].code == "15A02");
  BOOST_TEST(n[1].allocated_cents == 73171);
  BOOST_TEST(n[1].declared_cents == 0);
  const auto& b = row(r, "12345678").nacalculatie;
  BOOST_REQUIRE_EQUAL(b.size(), 2u);
  BOOST_TEST(b[0].allocated_volume == 200);  // 20 minutes a day, 2..11 Nov
  BOOST_TEST(b[1].allocated_volume == 30);   // 365 in the year, 30 days of it
}

BOOST_AUTO_TEST_CASE(traffic_lights_with_reasons_only_for_orange_and_red) {
  auto r = november();
  const auto& g = row(r, "0935");
  // 1 of 3 rejected: 33% (orange from 30); 1 of 3 new allocations waiting
  // past the norm: 33% (red from 25); its one owed answer is too few to tell.
  BOOST_TEST(g.light == steering::Light::red);
  BOOST_REQUIRE_EQUAL(g.reasons.size(), 2u);
  BOOST_TEST(g.reasons[0].light == steering::Light::orange);
  BOOST_TEST(g.reasons[0].en == "1 of 3 submitted messages rejected (33%, limit 30%)");
  BOOST_TEST(g.reasons[0].nl == "1 van 3 ingezonden berichten afgekeurd (33%, grens 30%)");
  BOOST_TEST(g.reasons[1].light == steering::Light::red);
  BOOST_TEST(g.reasons[1].en == "1 of 3 new allocations over the waiting-time norm (33%, limit 25%)");
  const auto& a = row(r, "87654321");
  // 2 of 3 rejected (67%); 1 late + 1 overdue of 3 owed answers (67%).
  BOOST_TEST(a.light == steering::Light::red);
  BOOST_REQUIRE_EQUAL(a.reasons.size(), 2u);
  BOOST_TEST(a.reasons[1].en == "2 of 3 required answers late or overdue (67%, limit 25%)");
  // Too few to tell: green, no reason.
  BOOST_TEST(row(r, "12345678").light == steering::Light::green);
  BOOST_TEST(row(r, "12345678").reasons.empty());
  BOOST_TEST(row(r, "0363").light == steering::Light::green);
}

BOOST_AUTO_TEST_CASE(gemeente_filter_keeps_only_its_traffic) {
  auto r = november({day("2026-11-01"), day("2026-11-30"), "0935", {}});
  std::vector<std::string> codes;
  for (const auto& x : r.rows) codes.push_back(x.code);
  BOOST_TEST(codes == (std::vector<std::string>{"0935", "12345678", "87654321"}), boost::test_tools::per_element());
  const auto& b = row(r, "12345678");
  BOOST_TEST(b.messages.count(307) == 0u);  // sent to 0363
  BOOST_TEST(b.outflow.empty());
  BOOST_TEST(b.nacalculatie.size() == 1u);  // allocation 4 only
}

BOOST_AUTO_TEST_CASE(partner_filter_keeps_only_its_rows) {
  auto r = november({day("2026-11-01"), day("2026-11-30"), "", {"87654321"}});
  BOOST_REQUIRE_EQUAL(r.rows.size(), 1u);
  BOOST_TEST(r.rows[0].submitted == 3u);
}

BOOST_AUTO_TEST_CASE(quantiles_by_nearest_rank) {
  auto q = steering::quantiles({10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
  BOOST_TEST(q.n == 10u);
  BOOST_TEST(*q.median == 5);
  BOOST_TEST(*q.p90 == 9);
  auto one = steering::quantiles({4});
  BOOST_TEST(*one.median == 4);
  BOOST_TEST(*one.p90 == 4);
  BOOST_TEST(!steering::quantiles({}).median.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
