// The standard's deadlines in the store (gateway/store/sqlite_obligations.cpp):
// obligations opened with their message, met by a later answer (by key or by
// heen_id) or by a retour composed in the same transaction, the overdue list,
// logged once; and route::DeadlineWatch over it.
#define BOOST_TEST_MODULE store_obligations
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <future>

#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/route/deadline_watch.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
using namespace std::chrono;
namespace fs = std::filesystem;
namespace D = standard::deadlines;

namespace {

core::Date d(int y, unsigned mo, unsigned dd) { return year{y} / month{mo} / day{dd}; }

struct Fixture {
  Fixture() : dir(fs::temp_directory_path() / ("sluis-obl-" + core::random_hex(6))) {
    fs::create_directories(dir);
    auto s = store::open_sqlite((dir / "sluis.db").string());
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    db = std::move(*s);
  }
  ~Fixture() {
    db.reset();
    fs::remove_all(dir);
  }
  fs::path dir;
  std::unique_ptr<store::Store> db;
};

// A 315 from the provider to the gemeente, received on 5 March 2026 (a
// Thursday): retour due 10 March, answer due 12 March.
store::NewMessage request(const std::string& ident, const std::string& ref) {
  auto m = test::sample_message(ident, "<Bericht>" + ident + "</Bericht>");
  m.type = 315;
  m.berichtcode = 0;
  store::Decision dec;
  dec.obligations.push_back({D::Kind::retour, "OP090", "0935", "87654321", "315:87654321:" + ident,
                             d(2026, 3, 5), d(2026, 3, 10)});
  dec.obligations.push_back({D::Kind::verzoek_antwoord, "OP274", "0935", "87654321", "87654321:" + ref,
                             d(2026, 3, 5), d(2026, 3, 12)});
  m.decide = [dec](const standard::ledger::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
    return dec;
  };
  return m;
}

// The gemeente's answer (a 301 or 319) meeting the request by key.
store::NewMessage answer_of(const std::string& ident, const std::string& ref, int type = 319) {
  auto m = test::sample_message(ident, "<Bericht>" + ident + "</Bericht>");
  m.type = type;
  m.sender_code = "0935";
  m.receiver_code = "87654321";
  m.sender_partner = "gemeente-m";
  m.receiver_partner = "aanbieder-a";
  store::Decision dec;
  dec.meets.push_back({D::Kind::verzoek_antwoord, "87654321:" + ref, d(2026, 3, 9)});
  m.decide = [dec](const standard::ledger::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
    return dec;
  };
  return m;
}

std::vector<std::string> kinds(const std::vector<store::OverdueAnswer>& v) {
  std::vector<std::string> out;
  for (const auto& o : v) out.push_back(o.kind);
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(obligations, Fixture)

BOOST_AUTO_TEST_CASE(open_obligations_become_overdue_the_day_after_their_due_date) {
  auto r = db->commit_sync(request("VOT-1", "REF-1"));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(db->overdue("2026-03-10", "")->empty());  // the retour's due date: still on time
  auto o = db->overdue("2026-03-11", "");
  BOOST_REQUIRE(o.has_value());
  BOOST_REQUIRE(o->size() == 1u);
  const auto& x = o->front();
  BOOST_TEST(x.kind == "retour");
  BOOST_TEST(x.rule == "OP090");
  BOOST_TEST(standard::to_string(x.law) == "ijw");
  BOOST_TEST(x.type == 315);
  BOOST_TEST(x.message_id == r->id);
  BOOST_TEST(x.owed_by == "gemeente-m");
  BOOST_TEST(x.owed_by_code == "0935");
  BOOST_TEST(x.owed_to == "aanbieder-a");
  BOOST_TEST(x.owed_to_code == "87654321");
  BOOST_TEST(x.opened_on == "2026-03-05");
  BOOST_TEST(x.due_on == "2026-03-10");
  BOOST_TEST(!x.logged);
  BOOST_TEST(db->overdue("2026-03-13", "")->size() == 2u);
  // The partner filter.
  BOOST_TEST(db->overdue("2026-03-13", "gemeente-m")->size() == 2u);
  BOOST_TEST(db->overdue("2026-03-13", "aanbieder-a")->empty());
}

BOOST_AUTO_TEST_CASE(an_answer_meets_by_key_and_a_retour_by_heen_id) {
  auto r = db->commit_sync(request("VOT-1", "REF-1"));
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE(db->commit_sync(answer_of("ANTW-1", "REF-1")).has_value());
  BOOST_TEST((kinds(*db->overdue("2026-04-01", "")) == std::vector<std::string>{"retour"}));
  // The gemeente's own 316 names the 315 by heen_id.
  auto retour = test::sample_message("VOT-1", "<Bericht>316</Bericht>");
  retour.type = 316;
  retour.sender_code = "0935";
  retour.sender_partner = "gemeente-m";
  retour.receiver_partner = "aanbieder-a";
  retour.heen_id = r->id;
  BOOST_REQUIRE(db->commit_sync(retour).has_value());
  BOOST_TEST(db->overdue("2026-04-01", "")->empty());
}

BOOST_AUTO_TEST_CASE(an_answer_for_another_request_meets_nothing) {
  BOOST_REQUIRE(db->commit_sync(request("VOT-1", "REF-1")).has_value());
  BOOST_REQUIRE(db->commit_sync(answer_of("ANTW-1", "REF-9")).has_value());
  BOOST_TEST(db->overdue("2026-04-01", "")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_rejected_retour_meets_nothing) {
  auto r = db->commit_sync(request("VOT-1", "REF-1"));
  auto retour = test::sample_message("VOT-1", "<Bericht>316</Bericht>");
  retour.type = 316;
  retour.heen_id = r->id;
  retour.state = store::State::rejected;
  BOOST_REQUIRE(db->commit_sync(retour).has_value());
  BOOST_TEST(db->overdue("2026-04-01", "")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_retour_composed_in_the_same_transaction_meets_the_obligation) {
  auto m = request("VOT-1", "REF-1");
  auto inner = m.decide;
  m.decide = [inner](const standard::ledger::LedgerView& l, store::NewMessage& msg) -> core::Result<store::Decision> {
    auto dec = inner(l, msg);
    auto p = test::sample_message("S00000000001", "<Bericht>316 by sluis</Bericht>");
    p.type = 316;
    p.sender_partner = "sluis";
    p.receiver_partner = "aanbieder-a";
    dec->produced.push_back(p);  // heen_id: set by the store to this message
    return dec;
  };
  auto r = db->commit_sync(m);
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE(r->produced_ids.size() == 1u);
  // The retour is met; the content answer is still owed.
  BOOST_TEST((kinds(*db->overdue("2026-04-01", "")) == std::vector<std::string>{"verzoek_antwoord"}));
}

BOOST_AUTO_TEST_CASE(meets_in_the_same_batch_see_the_obligation) {
  // Two commits queued back to back may share one group-commit transaction.
  std::promise<void> a, b;
  db->commit(request("VOT-1", "REF-1"), [&](auto) { a.set_value(); });
  db->commit(answer_of("ANTW-1", "REF-1", 301), [&](auto) { b.set_value(); });
  a.get_future().wait();
  b.get_future().wait();
  BOOST_TEST((kinds(*db->overdue("2026-04-01", "")) == std::vector<std::string>{"retour"}));
}

BOOST_AUTO_TEST_CASE(a_held_orphan_opens_nothing) {
  auto m = request("VOT-1", "REF-1");
  auto inner = m.decide;
  m.decide = [inner](const standard::ledger::LedgerView& l, store::NewMessage& msg) -> core::Result<store::Decision> {
    auto dec = inner(l, msg);
    dec->orphans.push_back({standard::Law::ijw, "0935", 1});
    msg.state = store::State::held;
    return dec;
  };
  BOOST_REQUIRE(db->commit_sync(m).has_value());
  BOOST_TEST(db->overdue("2026-04-01", "")->empty());
}

BOOST_AUTO_TEST_CASE(late_messages_come_back_with_the_outcome) {
  auto m = request("VOT-1", "REF-1");
  auto inner = m.decide;
  m.decide = [inner](const standard::ledger::LedgerView& l, store::NewMessage& msg) -> core::Result<store::Decision> {
    auto dec = inner(l, msg);
    dec->late.push_back({"OP271", "/Bericht/Client", 0, 0, d(2026, 3, 2), d(2026, 3, 9), d(2026, 3, 12), 3, true});
    return dec;
  };
  auto r = db->commit_sync(m);
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE(r->late.size() == 1u);
  BOOST_TEST(r->late[0].rule == "OP271");
  BOOST_TEST(r->late[0].late == 3);
}

BOOST_AUTO_TEST_CASE(overdue_is_logged_once) {
  BOOST_REQUIRE(db->commit_sync(request("VOT-1", "REF-1")).has_value());
  auto o = db->overdue("2026-03-11", "");
  BOOST_REQUIRE(o->size() == 1u);
  BOOST_REQUIRE(db->mark_overdue_logged({o->front().id}).has_value());
  auto again = db->overdue("2026-03-13", "");
  BOOST_REQUIRE(again->size() == 2u);
  BOOST_TEST(again->at(0).logged);
  BOOST_TEST(!again->at(1).logged);
}

BOOST_AUTO_TEST_CASE(deadline_watch_sets_the_gauge_and_logs_each_once) {
  BOOST_REQUIRE(db->commit_sync(request("VOT-1", "REF-1")).has_value());
  BOOST_REQUIRE(db->commit_sync(request("VOT-2", "REF-2")).has_value());
  route::DeadlineWatch watch(*db);
  auto gauge = [](const char* kind) -> std::int64_t {
    return core::gauge("sluis_overdue_answers", "", std::string("partner=\"gemeente-m\",kind=\"") + kind + "\"")
        .value();
  };
  auto s1 = watch.scan(d(2026, 3, 11));
  BOOST_REQUIRE(s1.has_value());
  BOOST_TEST(s1->overdue == 2u);
  BOOST_TEST(s1->newly_logged == 2u);
  BOOST_TEST(gauge("retour") == 2);
  BOOST_TEST(gauge("verzoek_antwoord") == 0);
  auto s2 = watch.scan(d(2026, 3, 11));
  BOOST_TEST(s2->overdue == 2u);
  BOOST_TEST(s2->newly_logged == 0u);  // logged once, not every scan
  auto s3 = watch.scan(d(2026, 3, 13));
  BOOST_TEST(s3->overdue == 4u);
  BOOST_TEST(s3->newly_logged == 2u);
  BOOST_TEST(gauge("verzoek_antwoord") == 2);
  // Answered: the gauge goes back to zero.
  BOOST_REQUIRE(db->commit_sync(answer_of("ANTW-1", "REF-1")).has_value());
  BOOST_REQUIRE(db->commit_sync(answer_of("ANTW-2", "REF-2")).has_value());
  watch.scan(d(2026, 3, 13));
  BOOST_TEST(gauge("verzoek_antwoord") == 0);
  BOOST_TEST(gauge("retour") == 2);
}

BOOST_AUTO_TEST_SUITE_END()
