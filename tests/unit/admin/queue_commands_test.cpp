// The queue commands over a real SQLite store: queue-summary, queue-list,
// message-show (history, masked body, --unmask, audited; admin peers only)
// and the message actions, single and bulk with --dry-run; and the admin
// server telling the command layer that its own user is an admin peer.
#define BOOST_TEST_MODULE admin_queue
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <future>
#include <thread>

#include "gateway/admin/body_mask.hpp"
#include "gateway/admin/client.hpp"
#include "gateway/admin/server.hpp"
#include "gateway/admin/store_commands.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/clock.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
namespace fs = std::filesystem;
namespace asio = boost::asio;
using store::State;

namespace {

// Synthetic personal data: 111222333 passes the 11-check and is nobody's.
const std::string kBody =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<jw315:Bericht xmlns:jw315=\"http://www.istandaarden.nl/ijw/3_2/jw315/schema\">\n"
    "  <jw315:Client>\n"
    "    <jw315:Bsn>111222333</jw315:Bsn>\n"
    "    "
    "<jw315:Geboortedatum><jw315:Datum>2012-03-04</jw315:Datum><jw315:DatumGebruik>1</"
    "jw315:DatumGebruik>"
    "</jw315:Geboortedatum>\n"
    "    <jw315:Naam><jw315:Geslachtsnaam><jw315:Achternaam>Jansen</jw315:Achternaam>"
    "<jw315:Voorvoegsel>van</jw315:Voorvoegsel></jw315:Geslachtsnaam>"
    "<jw315:Voornamen>Pieter</jw315:Voornamen><jw315:Voorletters>PJ</jw315:Voorletters></"
    "jw315:Naam>\n"
    "    <!-- aangemeld door Pieter -->\n"
    "    <jw315:Contactgegevens><jw315:Adres><jw315:Straatnaam>Dorpsstraat</jw315:Straatnaam>"
    "<jw315:Postcode>1234AB</jw315:Postcode></jw315:Adres></jw315:Contactgegevens>\n"
    "  </jw315:Client>\n"
    "  "
    "<jw315:Product><jw315:Categorie>45</jw315:Categorie><jw315:Code>45A09</jw315:Code></"
    "jw315:Product>\n"
    "</jw315:Bericht>\n";

struct Fixture : test::TempStore {
  Fixture() : TempStore("admin-queue") { admin::add_store_commands(registry, *db, dir / "backups", admin::BackupSource{(dir / "sluis.db").string(), {}}); }
  std::string add(const std::string& ident, State state,
                  const std::string& destination = "gemeente-m-mailbox",
                  store::HoldReason hold_reason = store::HoldReason::none, const std::string& body = kBody) {
    return TempStore::add(ident, state, destination, hold_reason, body);
  }
  admin::Answer run(const std::string& cmd, boost::json::object args = {}, bool admin_peer = true,
                    uid_t uid = 1500) {
    admin::Request r;
    r.command = cmd;
    r.arguments = std::move(args);
    r.peer_uid = uid;
    r.peer_admin = admin_peer;
    return registry.dispatch(r);
  }
  State state_of(const std::string& id) { return (*db->get(id))->state; }
  long audit_count(const std::string& id, const std::string& action) {
    long n = 0;
    for (const auto& e : *db->history(id, 1000)) n += e.action == action;
    return n;
  }

  admin::Registry registry;
};

std::string text_of(const boost::json::value& v) {
  return boost::json::serialize(v);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mask_body_hides_bsn_names_birth_date_and_contact_keeps_the_rest) {
  auto m = admin::mask_body(kBody);
  for (const char* secret :
       {"111222333", "Jansen", "Pieter", "2012-03-04", "Dorpsstraat", "1234AB", "PJ<"})
    BOOST_TEST(m.find(secret) == std::string::npos, secret);
  BOOST_TEST(m.find("<jw315:Bsn>*********</jw315:Bsn>") != std::string::npos);
  BOOST_TEST(m.find("<jw315:Achternaam>J*****</jw315:Achternaam>") != std::string::npos);
  BOOST_TEST(m.find("****-**-**") != std::string::npos);
  BOOST_TEST(m.find("<jw315:Code>45A09</jw315:Code>") != std::string::npos);
  BOOST_TEST(m.find("<jw315:Categorie>45</jw315:Categorie>") != std::string::npos);
  BOOST_TEST(m.find("(comment masked)") != std::string::npos);
  // A BSN outside the named elements is still scrubbed; CDATA is masked too.
  auto stray = admin::mask_body(
      "<a><Opmerking>111222333</Opmerking><Voornamen><![CDATA[Pieter]]></Voornamen></a>");
  BOOST_TEST(stray.find("111222333") == std::string::npos);
  BOOST_TEST(stray.find("Pieter") == std::string::npos);
  // Unbalanced input does not crash and still masks.
  BOOST_TEST(admin::mask_body("<Bsn>111222333").find("111222333") == std::string::npos);
}

BOOST_FIXTURE_TEST_SUITE(queue_commands, Fixture)

BOOST_AUTO_TEST_CASE(queue_summary_counts_per_state_and_destination) {
  BOOST_TEST(run("queue-summary").result == admin::kEmpty);
  add("Q-1", State::queued, "dest-a");
  add("Q-2", State::queued, "dest-a");
  add("Q-3", State::held, "dest-b", store::HoldReason::receiver_not_live);
  add("Q-4", State::rejected, "");
  auto a = run("queue-summary");
  BOOST_TEST(a.result == admin::kOk);
  BOOST_TEST(a.arguments.at("states").at("queued").as_int64() == 2);
  BOOST_TEST(a.arguments.at("total").as_int64() == 4);
  const auto& d = a.arguments.at("destinations").as_object();
  BOOST_TEST(d.at("dest-a").at("queued").as_int64() == 2);
  BOOST_TEST(d.at("dest-b").at("held").as_int64() == 1);
  BOOST_TEST(d.at("(none)").at("rejected").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(queue_list_filters_pages_and_shows_no_personal_data) {
  for (int i = 0; i < 3; ++i) add("L-" + std::to_string(i), State::queued, "dest-a");
  add("L-h", State::held, "dest-a", store::HoldReason::by_operator);
  auto a = run("queue-list", {{"state", "queued"}, {"limit", "2"}});
  BOOST_TEST(a.result == admin::kOk);
  BOOST_TEST(a.arguments.at("messages").as_array().size() == 2u);
  BOOST_REQUIRE(a.arguments.contains("next"));
  auto next = a.arguments.at("next").as_int64();
  auto b =
      run("queue-list", {{"state", "queued"}, {"limit", "2"}, {"after", std::to_string(next)}});
  BOOST_TEST(b.arguments.at("messages").as_array().size() == 1u);
  BOOST_TEST(!b.arguments.contains("next"));
  const auto& row = b.arguments.at("messages").as_array()[0].as_object();
  for (const char* k : {"id", "seq", "state", "law", "type", "sender_partner", "receiver_partner",
                        "destination", "received_at", "attempts", "hold_reason", "last_error"})
    BOOST_TEST(row.contains(k), k);
  BOOST_TEST(!row.contains("body"));
  BOOST_TEST(text_of(b.arguments).find("111222333") == std::string::npos);
  BOOST_TEST(text_of(b.arguments).find("Jansen") == std::string::npos);
  BOOST_TEST(run("queue-list", {{"state", "dead"}}).result == admin::kEmpty);
  BOOST_TEST(run("queue-list", {{"partner", "aanbieder-a"}, {"law", "ijw"}, {"type", "323"}})
                 .arguments.at("count")
                 .as_int64() == 4);
}

BOOST_AUTO_TEST_CASE(queue_list_refuses_bad_arguments) {
  BOOST_TEST(run("queue-list", {{"stat", "queued"}}).result == admin::kError);  // typo: never "all"
  BOOST_TEST(run("queue-list", {{"state", "waiting"}}).result == admin::kError);
  BOOST_TEST(run("queue-list", {{"from", "02-11-2026"}}).result == admin::kError);
  BOOST_TEST(run("queue-list", {{"from", "2026-11-03"}, {"to", "2026-11-02"}}).result ==
             admin::kError);
  BOOST_TEST(run("queue-list", {{"type", "999"}}).result == admin::kError);
  BOOST_TEST(run("queue-list", {{"limit", "0"}}).result == admin::kError);
  BOOST_TEST(run("queue-list", {{"law", "wlz"}}).result == admin::kError);
}

// sluisctl sends the bounds of a Dutch day as UTC instants: both inclusive,
// to the millisecond, next to the UTC days of before.
BOOST_AUTO_TEST_CASE(queue_list_takes_utc_instants_as_bounds) {
  add("I-1", State::queued, "dest-a");
  auto all = run("queue-list");
  BOOST_REQUIRE(all.result == admin::kOk);
  const std::string at(all.arguments.at("messages").as_array()[0].at("received_at").as_string());
  const auto t = *core::parse_utc_text(at);
  const auto ms = std::chrono::milliseconds(1);
  auto count = [&](const std::string& from, const std::string& to) {
    auto a = run("queue-list", {{"from", from}, {"to", to}});
    return a.result == admin::kOk ? a.arguments.at("count").as_int64() : a.result == admin::kEmpty ? 0 : -1;
  };
  BOOST_TEST(count(at, at) == 1);
  BOOST_TEST(count(core::utc_text(t + ms), core::utc_text(t + 1000 * ms)) == 0);
  BOOST_TEST(count(core::utc_text(t - 1000 * ms), core::utc_text(t - ms)) == 0);
  BOOST_TEST(count(at.substr(0, 10), core::utc_text(t)) == 1);  // a day and an instant
  BOOST_TEST(count(at.substr(0, 19) + "Z", at.substr(0, 10)) == 1);  // no fraction: the store's form
  BOOST_TEST(count(core::utc_text(t + ms), core::utc_text(t)) == -1);  // to before from
  BOOST_TEST(count(at.substr(0, 10) + "T25:00:00Z", "") == -1);
}

BOOST_AUTO_TEST_CASE(message_show_has_history_and_no_body_by_default) {
  auto id = add("S-1", State::queued);
  BOOST_TEST(run("message-hold", {{"id", id}}, true, 1234).result == admin::kOk);
  auto a = run("message-show", {{"id", id}});
  BOOST_TEST(a.result == admin::kOk);
  const auto& m = a.arguments.at("message").as_object();
  BOOST_TEST(m.at("state").as_string() == "held");
  BOOST_TEST(m.at("hold_reason").as_string() == "operator");
  BOOST_TEST(m.at("destination").as_string() == "gemeente-m-mailbox");
  BOOST_TEST(m.contains("findings"));
  BOOST_TEST(m.contains("attempts"));
  BOOST_TEST(!m.contains("body"));
  const auto& h = m.at("history").as_array();
  BOOST_REQUIRE(h.size() == 2u);
  BOOST_TEST(h[1].at("action").as_string() == "state queued -> held");
  BOOST_TEST(h[1].at("uid").as_int64() == 1234);
  BOOST_TEST(run("message-show", {{"id", "m-none"}}).result == admin::kEmpty);
}

BOOST_AUTO_TEST_CASE(message_show_body_is_masked_and_unmask_needs_an_admin_peer) {
  auto id = add("S-2", State::queued);
  auto a = run("message-show", {{"id", id}, {"body", "yes"}});
  BOOST_REQUIRE(a.result == admin::kOk);
  const auto& m = a.arguments.at("message").as_object();
  std::string body(m.at("body").as_string());
  BOOST_TEST(m.at("body_masked").as_bool());
  BOOST_TEST(body.find("111222333") == std::string::npos);
  BOOST_TEST(body.find("Jansen") == std::string::npos);
  BOOST_TEST(body.find("45A09") != std::string::npos);
  BOOST_TEST(audit_count(id, "body") == 1);

  // Not an admin peer: refused, nothing shown, nothing audited; not even the
  // masked body or the metadata.
  for (const char* flag : {"unmask", "body"}) {
    auto refused = run("message-show", {{"id", id}, {flag, "yes"}}, false, 1500);
    BOOST_TEST(refused.result == admin::kError);
    BOOST_TEST(refused.arguments.at("reason").as_string() == "not_permitted");
    BOOST_TEST(refused.text.find("admin.group") != std::string::npos);
    BOOST_TEST(!refused.arguments.contains("message"));
    BOOST_TEST(text_of(admin::to_json(refused)).find("111222333") == std::string::npos);
  }
  BOOST_TEST(audit_count(id, "unmask") == 0);
  BOOST_TEST(audit_count(id, "body") == 1);

  auto clear = run("message-show", {{"id", id}, {"unmask", "yes"}}, true, 0);
  BOOST_REQUIRE(clear.result == admin::kOk);
  BOOST_TEST(std::string(clear.arguments.at("message").at("body").as_string()) == kBody);
  BOOST_TEST(!clear.arguments.at("message").at("body_masked").as_bool());
  BOOST_TEST(audit_count(id, "unmask") == 1);
  auto h = *db->history(id, 100);
  BOOST_TEST(h.back().uid == 0);
  BOOST_TEST(h.back().actor == "admin");

  BOOST_TEST(run("message-show", {{"id", id}, {"body", "maybe"}}).result == admin::kError);
}

BOOST_AUTO_TEST_CASE(single_actions_answer_changed_or_refused_with_reason) {
  auto id = add("A-1", State::queued);
  auto a = run("message-hold", {{"id", id}});
  BOOST_TEST(a.result == admin::kOk);
  BOOST_TEST(a.arguments.at("changed").as_array().size() == 1u);
  BOOST_TEST(a.arguments.at("changed").as_array()[0].at("to").as_string() == "held");
  BOOST_TEST((state_of(id) == State::held));

  auto shadow = add("A-2", State::held, "d", store::HoldReason::receiver_shadow);
  auto r = run("message-release", {{"id", shadow}});
  BOOST_TEST(r.result == admin::kError);
  BOOST_TEST(r.text.find("shadow mode") != std::string::npos);
  BOOST_TEST(r.arguments.at("refused").as_array()[0].at("reason").as_string().size() > 0u);

  BOOST_TEST(run("message-release", {{"id", id}}).result == admin::kOk);
  auto retry = run("message-retry", {{"id", id}});
  BOOST_TEST(retry.result == admin::kOk);  // queued: unchanged
  BOOST_TEST(retry.arguments.at("unchanged").as_array().size() == 1u);
  BOOST_TEST(run("message-requeue", {{"id", id}}).result == admin::kError);  // not dead
  BOOST_TEST(run("message-hold", {{"id", "m-none"}}).result == admin::kError);
  BOOST_TEST(run("message-hold").result == admin::kError);  // neither ID nor filter
  BOOST_TEST(run("message-hold", {{"id", id}, {"state", "queued"}}).result ==
             admin::kError);  // both
  BOOST_TEST(run("message-hold", {{"id", id}, {"limit", "5"}}).result == admin::kError);
  BOOST_TEST((state_of(id) == State::queued));
}

BOOST_AUTO_TEST_CASE(delete_needs_a_reason_and_is_audited) {
  auto id = add("D-1", State::held, "d", store::HoldReason::by_operator);
  auto no = run("message-delete", {{"id", id}});
  BOOST_TEST(no.result == admin::kError);
  BOOST_TEST(no.text.find("reason") != std::string::npos);
  BOOST_TEST(run("message-delete", {{"id", id}, {"reason", "  "}}).result == admin::kError);
  BOOST_TEST(db->get(id)->has_value());
  auto q = add("D-2", State::queued);
  auto refused = run("message-delete", {{"id", q}, {"reason", "duplicate"}});
  BOOST_TEST(refused.result == admin::kError);
  BOOST_TEST(refused.text.find("hold it first") != std::string::npos);
  auto yes =
      run("message-delete", {{"id", id}, {"reason", "duplicate sent by mistake"}}, true, 321);
  BOOST_TEST(yes.result == admin::kOk);
  BOOST_TEST(yes.arguments.at("changed").as_array()[0].at("to").as_string() == "deleted");
  BOOST_TEST(!db->get(id)->has_value());
  auto h = *db->history(id, 100);
  BOOST_TEST(h.back().action == "delete");
  BOOST_TEST(h.back().uid == 321);
  BOOST_TEST(h.back().detail.find("duplicate sent by mistake") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bulk_actions_with_dry_run) {
  auto a = add("B-1", State::queued, "dest-bulk");
  auto b = add("B-2", State::queued, "dest-bulk");
  auto c = add("B-3", State::queued, "dest-other");
  auto dry = run("message-hold", {{"destination", "dest-bulk"}, {"dry-run", "yes"}});
  BOOST_TEST(dry.result == admin::kOk);
  BOOST_TEST(dry.arguments.at("dry_run").as_bool());
  BOOST_TEST(dry.arguments.at("changed").as_array().size() == 2u);
  BOOST_TEST(dry.text.find("nothing changed") != std::string::npos);
  BOOST_TEST((state_of(a) == State::queued));
  BOOST_TEST((state_of(b) == State::queued));

  auto done = run("message-hold", {{"destination", "dest-bulk"}}, true, 99);
  BOOST_TEST(done.result == admin::kOk);
  BOOST_TEST(done.arguments.at("changed").as_array().size() == 2u);
  BOOST_TEST((state_of(a) == State::held));
  BOOST_TEST((state_of(b) == State::held));
  BOOST_TEST((state_of(c) == State::queued));
  BOOST_TEST(db->history(a, 10)->back().uid == 99);

  // A shadow hold among them: listed as refused with its reason.
  add("B-4", State::held, "dest-bulk", store::HoldReason::sender_shadow);
  auto rel = run("message-release", {{"destination", "dest-bulk"}});
  BOOST_TEST(rel.result == admin::kOk);
  BOOST_TEST(rel.arguments.at("changed").as_array().size() == 2u);
  BOOST_TEST(rel.arguments.at("refused").as_array().size() == 1u);
  // Only refusals: result 1.
  auto only = run("message-release", {{"destination", "dest-bulk"}});
  BOOST_TEST(only.result == admin::kError);
  // Nothing selected: result 3.
  BOOST_TEST(run("message-requeue", {{"destination", "dest-bulk"}}).result == admin::kEmpty);
  // A mistyped filter key is refused rather than widening the action.
  BOOST_TEST(run("message-hold", {{"destinaton", "dest-bulk"}}).result == admin::kError);
  // Bulk delete: a reason still required.
  BOOST_TEST(run("message-delete", {{"destination", "dest-bulk"}, {"state", "held"}}).result ==
             admin::kError);
}

BOOST_AUTO_TEST_SUITE_END()

// Through the socket: the server tells the commands who the peer is; this
// process is the daemon's own user, so --unmask is allowed and audited with
// its uid.
BOOST_AUTO_TEST_CASE(server_marks_its_own_user_as_admin_peer) {
  Fixture f;
  config::Config cfg = config::parse_config("", "t.toml");
  cfg.admin.socket = f.dir / "admin.sock";
  cfg.admin.group = "";
  asio::io_context ioc;
  admin::Server server(ioc, f.registry);
  server.open(cfg.admin);
  std::thread t([&] { ioc.run(); });
  auto id = f.add("N-1", State::queued);
  auto a = admin::call(cfg.admin.socket, "message-show", {{"id", id}, {"unmask", "yes"}});
  std::promise<void> closed;
  asio::post(ioc, [&] { server.close([&] { closed.set_value(); }); });
  closed.get_future().wait();
  t.join();
  BOOST_TEST(a.result == admin::kOk);
  BOOST_TEST(f.db->history(id, 10)->back().action == "unmask");
  BOOST_TEST(f.db->history(id, 10)->back().uid == static_cast<long>(::geteuid()));
}

BOOST_FIXTURE_TEST_CASE(release_retry_and_requeue_wake_delivery_hold_and_dry_runs_do_not, Fixture) {
  admin::Registry woken;
  int wakes = 0;
  admin::add_store_commands(woken, *db, dir / "backups", admin::BackupSource{(dir / "sluis.db").string(), {}}, [&wakes] { ++wakes; });
  auto call = [&](const std::string& cmd, boost::json::object args) {
    admin::Request r;
    r.command = cmd;
    r.arguments = std::move(args);
    r.peer_uid = 1500;
    r.peer_admin = true;
    return woken.dispatch(r);
  };
  auto held = add("W-1", State::held, "d", store::HoldReason::by_operator);
  BOOST_TEST(call("message-release", {{"id", held}, {"dry-run", "yes"}}).result == admin::kOk);
  BOOST_TEST(wakes == 0);
  BOOST_TEST(call("message-release", {{"id", held}}).result == admin::kOk);
  BOOST_TEST(wakes == 1);
  BOOST_TEST(call("message-hold", {{"id", held}}).result == admin::kOk);
  BOOST_TEST(wakes == 1);
  auto dead = add("W-2", State::dead, "d");
  BOOST_TEST(call("message-requeue", {{"id", dead}}).result == admin::kOk);
  BOOST_TEST(wakes == 2);
  auto deferred = add("W-3", State::deferred, "d");
  BOOST_TEST(call("message-retry", {{"id", deferred}}).result == admin::kOk);
  BOOST_TEST(wakes == 3);
}

namespace {

// A connection's Job as the admin server gives it: records the progress lines
// and says "cancelled" once `cancel_after` lines were shown (0: never).
struct RecordingJob : admin::Job {
  int cancel_after = 0;
  std::vector<std::int64_t> lines;
  bool cancelled() override { return cancel_after > 0 && static_cast<int>(lines.size()) >= cancel_after; }
  void progress(std::int64_t done, std::int64_t, std::string_view) override { lines.push_back(done); }
};

}  // namespace

// A bulk action goes in transactions of --batch messages past a seq cursor:
// refusals stay behind it (no loop over them), a progress line comes between
// batches, delivery is woken per batch that queued something, and a caller
// gone stops the run at the next boundary with what it did in the answer.
BOOST_FIXTURE_TEST_CASE(bulk_actions_go_in_batches_with_progress_and_cancel, Fixture) {
  std::vector<std::string> ops;
  for (int i = 0; i < 5; ++i) {
    ops.push_back(add("BB-" + std::to_string(i), State::held, "dest-batch", store::HoldReason::by_operator));
    add("BS-" + std::to_string(i), State::held, "dest-batch", store::HoldReason::sender_shadow);
  }
  admin::Registry woken;
  int wakes = 0;
  admin::add_store_commands(woken, *db, dir / "backups", admin::BackupSource{(dir / "sluis.db").string(), {}}, [&wakes] { ++wakes; });
  RecordingJob watch;
  admin::Request r;
  r.command = "message-release";
  r.arguments = {{"destination", "dest-batch"}, {"batch", "3"}};
  r.peer_uid = 1500;
  r.peer_admin = true;
  r.job = &watch;
  auto rel = woken.dispatch(r);
  BOOST_TEST(rel.result == admin::kOk, rel.text);
  BOOST_TEST(rel.arguments.at("changed").as_array().size() == 5u);
  BOOST_TEST(rel.arguments.at("refused").as_array().size() == 5u);
  BOOST_TEST(!rel.arguments.at("more").as_bool());
  BOOST_TEST((watch.lines == std::vector<std::int64_t>{3, 6, 9}));
  BOOST_TEST(wakes == 3);  // the three batches that released someone; the last refused only
  for (const auto& id : ops) BOOST_TEST((state_of(id) == State::queued));

  // --limit counts across batches; more says the rest is still there.
  auto some = run("message-hold", {{"destination", "dest-batch"}, {"batch", "2"}, {"limit", "3"}});
  BOOST_TEST(some.arguments.at("changed").as_array().size() == 3u);
  BOOST_TEST(some.arguments.at("more").as_bool());

  // Cancelled after the first batch: two held, the rest untouched.
  RecordingJob gone;
  gone.cancel_after = 1;
  r.command = "message-hold";
  r.arguments = {{"destination", "dest-batch"}, {"state", "queued"}, {"batch", "1"}};
  r.job = &gone;
  auto held = woken.dispatch(r);
  BOOST_TEST(held.result == admin::kError, held.text);
  BOOST_TEST(held.arguments.at("cancelled").as_bool());
  BOOST_TEST(held.arguments.at("changed").as_array().size() == 1u);
  BOOST_TEST(held.text.find("cancelled after 1 messages examined, 1 held") != std::string::npos, held.text);
  int still_queued = 0;
  for (const auto& id : ops) still_queued += state_of(id) == State::queued ? 1 : 0;
  BOOST_TEST(still_queued == 1);  // 3 held by --limit 3, 1 by the cancelled run

  BOOST_TEST(run("message-hold", {{"destination", "dest-batch"}, {"batch", "0"}}).result == admin::kError);
  BOOST_TEST(run("message-hold", {{"id", ops[0]}, {"batch", "2"}}).result == admin::kError);
}
