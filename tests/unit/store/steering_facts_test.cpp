// The steering report's facts as the SQLite store reads them
// (gateway/store/sqlite_steering.cpp): the period's messages by Dutch day with
// the retourcodes of their stored findings, shadow messages left out, owed
// answers, and the ledger's allocations, care and prestaties by their dates.
#define BOOST_TEST_MODULE store_steering_facts
#include <boost/test/unit_test.hpp>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
namespace L = standard::ledger;
namespace D = standard::deadlines;

namespace {

struct Fixture : test::TempStore {
  Fixture() : TempStore("steer") {}
};

core::Date day(const char* s) { return *core::parse_date(s); }

// A 301 that gives an allocation (from `given`), starts and stops care and
// owes a retour; the facts' own dates are chosen, the receipt is today.
store::NewMessage allocation_message(const std::string& ident) {
  auto m = test::sample_message(ident);
  m.law = standard::Law::iwmo;
  m.type = 301;
  m.sender_code = "0935";
  m.receiver_code = "87654321";
  store::Decision dec;
  L::Allocation a;
  a.gemeente = "0935";
  a.aanbieder = "87654321";
  a.toewijzing_nummer = 7;
  a.bsn_hash = "hash-client-1";
  a.categorie = "02";
  a.code = "02A01";
  a.ingangsdatum = day("2026-10-01");
  a.einddatum = day("2026-10-31");
  a.volume = 4;
  a.eenheid = "04";
  a.frequentie = "2";
  a.toewijzingsdatum = day("2026-09-28");
  a.message_id = "m";
  dec.changes.allocations.push_back(a);
  L::Stop stop;
  stop.key = {standard::Law::iwmo, "0935", "87654321", "hash-client-1", 7, "02", "02A01", day("2026-10-01"),
              day("2026-10-05")};
  stop.reden = "21";
  stop.einddatum = day("2026-10-20");
  stop.status = "1";
  dec.changes.stops.push_back(stop);
  L::Start start;
  start.key = stop.key;
  start.status = "1";
  dec.changes.starts.push_back(start);
  L::Prestatie p;
  p.aanbieder = "87654321";
  p.gemeente = "0935";
  p.referentie = "REF-1";
  p.toewijzing_nummer = 7;
  p.bsn_hash = "hash-client-1";
  p.categorie = "02";
  p.code = "02A01";
  p.begin = day("2026-10-01");
  p.eind = day("2026-10-31");
  p.volume = 3;
  p.eenheid = "04";
  p.cents = 30000;
  p.credit = true;
  p.verdict = L::Verdict::approved;
  dec.changes.prestaties.push_back(p);
  dec.obligations.push_back({D::Kind::retour, "OP090", "87654321", "0935", "301:0935:" + ident, day("2026-10-01"),
                             day("2026-10-06")});
  m.decide = [dec](const L::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> { return dec; };
  return m;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(steering_facts, Fixture)

BOOST_AUTO_TEST_CASE(messages_of_the_period_with_their_retourcodes) {
  const core::Date today = core::dutch_date(std::chrono::system_clock::now());
  auto rejected = test::sample_message("RJ-1");
  rejected.state = store::State::rejected;
  rejected.http_status = 422;
  rejected.findings_json =
      R"([{"origin":"TR338","rule":"TR338","retourcode":"9338","path":"/x","nl":"n","en":"e"},)"
      R"({"origin":"xsd","path":"/y","nl":"n","en":"e"},)"
      R"({"origin":"TR069","rule":"TR069","retourcode":"8848","path":"/z","nl":"n","en":"e"}])";
  BOOST_REQUIRE(db->commit_sync(rejected).has_value());
  auto shadow = test::sample_message("SH-1");
  shadow.shadow = true;
  BOOST_REQUIRE(db->commit_sync(shadow).has_value());
  BOOST_REQUIRE(db->commit_sync(test::sample_message("OK-1")).has_value());
  auto composed = test::sample_message("CP-1");
  composed.type = 325;
  composed.sender_code = "0935";
  composed.receiver_code = "87654321";
  composed.sender_partner = "sluis";  // composed by sluis in the gemeente's name
  BOOST_REQUIRE(db->commit_sync(composed).has_value());

  auto f = db->steering_facts({core::add_days(today, -1), today});
  BOOST_REQUIRE(f.has_value());
  BOOST_REQUIRE_EQUAL(f->messages.size(), 3u);  // the shadow message is not counted
  std::size_t by_sluis = 0;
  for (const auto& x : f->messages)
    if (x.composed) {
      ++by_sluis;
      BOOST_TEST(x.type == 325);
    }
  BOOST_TEST(by_sluis == 1u);
  std::erase_if(f->messages, [](const auto& x) { return x.composed; });
  const auto& m = f->messages[0].rejected ? f->messages[0] : f->messages[1];
  BOOST_TEST(m.type == 323);
  BOOST_TEST(m.sender_code == "87654321");
  BOOST_TEST(m.receiver_code == "0935");
  BOOST_TEST(core::format_date(m.received) == core::format_date(today));
  BOOST_TEST(m.retourcodes == (std::vector<std::string>{"9338", "8848"}), boost::test_tools::per_element());
  const auto& ok = f->messages[0].rejected ? f->messages[1] : f->messages[0];
  BOOST_TEST(!ok.rejected);
  BOOST_TEST(ok.retourcodes.empty());
  // A period that ended yesterday has none of today's messages.
  auto before = db->steering_facts({core::add_days(today, -30), core::add_days(today, -1)});
  BOOST_REQUIRE(before.has_value());
  BOOST_TEST(before->messages.empty());
}

BOOST_AUTO_TEST_CASE(ledger_facts_by_their_own_dates) {
  BOOST_REQUIRE(db->commit_sync(allocation_message("AL-1")).has_value());
  auto f = db->steering_facts({day("2026-10-01"), day("2026-10-31")});
  BOOST_REQUIRE(f.has_value());
  BOOST_REQUIRE_EQUAL(f->allocations.size(), 1u);
  const auto& a = f->allocations[0];
  BOOST_TEST(a.client == "hash-client-1");
  BOOST_TEST(a.toewijzing_nummer == 7);
  BOOST_TEST(*a.volume == 4);
  BOOST_TEST(a.frequentie == "2");
  BOOST_TEST(core::format_date(a.toewijzingsdatum) == "2026-09-28");
  BOOST_REQUIRE_EQUAL(f->starts.size(), 1u);
  BOOST_TEST(core::format_date(f->starts[0].begindatum) == "2026-10-05");
  BOOST_REQUIRE_EQUAL(f->stops.size(), 1u);
  BOOST_TEST(f->stops[0].reden == "21");
  BOOST_TEST(core::format_date(*f->stops[0].einddatum) == "2026-10-20");
  BOOST_REQUIRE_EQUAL(f->prestaties.size(), 1u);
  BOOST_TEST(f->prestaties[0].volume == -3);  // a credit counts back
  BOOST_TEST(f->prestaties[0].cents == -30000);
  BOOST_TEST(f->prestaties[0].verdict == "approved");
  BOOST_REQUIRE_EQUAL(f->answers.size(), 1u);
  BOOST_TEST(f->answers[0].kind == "retour");
  BOOST_TEST(f->answers[0].owed_by_code == "87654321");
  BOOST_TEST(!f->answers[0].met.has_value());
  // November: the allocation ended in October, the stop too; the start lies
  // within 31 days before the period (a transition's reach).
  auto nov = db->steering_facts({day("2026-11-01"), day("2026-11-30")});
  BOOST_REQUIRE(nov.has_value());
  BOOST_TEST(nov->allocations.empty());
  BOOST_TEST(nov->stops.empty());
  BOOST_TEST(nov->starts.size() == 1u);
  BOOST_TEST(nov->prestaties.empty());
  BOOST_TEST(nov->answers.empty());
  // December: the start is out of reach too.
  BOOST_TEST(db->steering_facts({day("2026-12-10"), day("2026-12-31")})->starts.empty());
}

BOOST_AUTO_TEST_SUITE_END()
