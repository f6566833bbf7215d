// The status page renderer (gateway/steering/status_page.hpp) over the seeded
// facts: every section, the figures of the hand-computed report, the
// retourcodes with their explanation, and every text HTML-escaped.
#define BOOST_TEST_MODULE steering_status_page
#include "gateway/steering/status_page.hpp"

#include <boost/test/unit_test.hpp>

#include "tests/support/steering_sample.hpp"

using namespace sluis;
using test::day;

namespace {

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

steering::StatusData data(std::map<std::string, steering::Party> parties) {
  static const core::WerkdagCalendar kCalendar;
  steering::Thresholds t;
  t.min_count = 3;
  steering::StatusData d;
  d.version = "1.2.3<b>";
  d.generated = "2026-12-04 10:00:00 CET";
  d.facts = test::seeded();
  d.report = steering::build(d.facts, {day("2026-11-01"), day("2026-11-30"), "", {}}, parties, t, kCalendar,
                             day("2026-12-04"));
  d.queues = {{"mailbox:aanb-a", store::State::queued, 3}, {"", store::State::rejected, 2}};
  d.watches = {{"unread_answers", "aanb-a", 2, "twee <ongelezen>", "two <unread>"}};
  d.certificates = {{"server", "2026-12-10", 6}};
  return d;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_section_with_its_figures) {
  const std::string html = steering::render_status_page(data({{"0935", {"gem-a"}}, {"87654321", {"aanb-a"}}}));
  BOOST_TEST(html.starts_with("<!DOCTYPE html>\n<html lang=\"nl\">"));
  for (const char* s : {"queues", "per-day", "retourcodes", "answers", "waiting", "lights", "watches", "certificates"})
    BOOST_TEST(has(html, std::string("<section id=\"") + s + "\">"), s);
  // Retourcodes over all senders: 8848 three times, 9019 twice, with the standard's text.
  BOOST_TEST(has(html, "<td>8848</td><td class=\"n\">3</td>"), html);
  BOOST_TEST(has(html, "<td>9019</td><td class=\"n\">2</td>"), html);
  // Waiting over the gemeente rows: 3 new, 2 started within the norm, 1 waiting past it.
  BOOST_TEST(has(html, "<p>3 nieuwe toewijzingen, 2 gestart: 2 binnen en 0 boven de norm van 28 dagen; 1 wachten"),
             html);
  // The retour answers: 3 opened, 2 answered, 1 late, 1 overdue.
  BOOST_TEST(has(html, "<tr><td>retour</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td>"
                       "<td class=\"n\">1</td>"),
             html);
  // One bar pair per day of November: 30 green rectangles (some of height 0).
  std::size_t bars = 0;
  for (std::size_t at = 0; (at = html.find("<rect class=\"green\" x=", at)) != std::string::npos; ++at) ++bars;
  BOOST_TEST(bars >= 30u);
  // The certificate that expires within 7 days gets a red dot.
  BOOST_TEST(has(html, "<td>server</td><td>2026-12-10</td><td class=\"n\"><svg"), html);
}

BOOST_AUTO_TEST_CASE(every_text_is_escaped) {
  const std::string html = steering::render_status_page(data({{"87654321", {"<script>alert(1)</script>"}}}));
  BOOST_TEST(!has(html, "<script"));
  BOOST_TEST(has(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), html);
  BOOST_TEST(has(html, "1.2.3&lt;b&gt;"));
  BOOST_TEST(has(html, "twee &lt;ongelezen&gt;"));
}
