// The `prune` admin command over a real SQLite store: a dry run changes
// nothing, a run removes the bodies past store.retention and is audited with
// the caller's uid, a second run finds nothing (result 3), bad arguments are
// refused; message-show of a pruned message says so instead of failing.
#define BOOST_TEST_MODULE admin_retention
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>

#include "gateway/admin/retention_commands.hpp"
#include "gateway/admin/store_commands.hpp"
#include "gateway/core/digest.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
namespace fs = std::filesystem;
using store::State;

namespace {

struct Fixture : test::TempStore {
  Fixture() : TempStore("admin-retention") {
    admin::add_store_commands(registry, *db, dir / "backups", admin::BackupSource{(dir / "sluis.db").string(), {}});
    admin::add_retention_commands(registry, *db, [this] { return retention; });
  }
  admin::Answer run(const std::string& cmd, boost::json::object args = {}) {
    admin::Request r;
    r.command = cmd;
    r.arguments = std::move(args);
    r.peer_uid = 1500;
    r.peer_admin = true;
    return registry.dispatch(r);
  }
  bool has_body(const std::string& id) { return db->body(id).has_value(); }

  // Negative: the cutoff lies in the future, so every message just stored is "older".
  config::Duration retention = -std::chrono::hours(1);
  admin::Registry registry;
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(prune_dry_run_run_and_again, Fixture) {
  auto rejected = add("P-1", State::rejected);
  auto queued = add("P-2", State::queued);
  auto dry = run("prune", {{"dry-run", "yes"}});
  BOOST_TEST(dry.result == admin::kOk, dry.text);
  BOOST_TEST(dry.arguments.at("pruned").as_int64() == 1);
  BOOST_TEST(dry.arguments.at("dry_run").as_bool());
  BOOST_TEST(has_body(rejected));

  auto done = run("prune");
  BOOST_TEST(done.result == admin::kOk, done.text);
  BOOST_TEST(done.arguments.at("pruned").as_int64() == 1);
  BOOST_TEST(!done.arguments.at("more").as_bool());
  BOOST_TEST(!has_body(rejected));
  BOOST_TEST(has_body(queued));
  bool audited = false;
  for (const auto& e : *db->history(rejected, 100))
    audited = audited || (e.action == "prune" && e.actor == "admin" && e.uid == 1500);
  BOOST_TEST(audited);

  BOOST_TEST(run("prune").result == admin::kEmpty);

  // message-show --body: the metadata, and no body, with when it went.
  auto show = run("message-show", {{"id", rejected}, {"body", "yes"}});
  BOOST_TEST(show.result == admin::kOk, show.text);
  BOOST_TEST(show.text.find("retention pruner") != std::string::npos, show.text);
  const auto& m = show.arguments.at("message").as_object();
  BOOST_TEST(!m.contains("body"));
  BOOST_TEST(!m.at("pruned_at").as_string().empty());
}

BOOST_FIXTURE_TEST_CASE(prune_respects_the_retention_and_refuses_bad_arguments, Fixture) {
  retention = std::chrono::hours(24 * 62);
  auto id = add("R-1", State::rejected);
  auto r = run("prune");
  BOOST_TEST(r.result == admin::kEmpty, r.text);
  BOOST_TEST(r.arguments.at("retention").as_string() == "62d");
  BOOST_TEST(has_body(id));
  BOOST_TEST(run("prune", {{"limit", "0"}}).result == admin::kError);
  BOOST_TEST(run("prune", {{"limit", "ten"}}).result == admin::kError);
  BOOST_TEST(run("prune", {{"state", "queued"}}).result == admin::kError);
  BOOST_TEST(run("prune", {{"dry-run", "maybe"}}).result == admin::kError);
}

namespace {

// A connection's Job as the admin server gives it: records the progress lines
// and says "cancelled" once `cancel_after` lines were shown (0: never).
struct RecordingJob : admin::Job {
  int cancel_after = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> lines;
  bool cancelled() override { return cancel_after > 0 && static_cast<int>(lines.size()) >= cancel_after; }
  void progress(std::int64_t done, std::int64_t total, std::string_view) override { lines.emplace_back(done, total); }
};

}  // namespace

// In batches of --batch bodies, each its own transaction: a progress line after
// each with the total known at the start; a caller gone after the first batch
// stops the run there, what it removed stays removed and the answer says so.
BOOST_FIXTURE_TEST_CASE(prune_goes_in_batches_with_progress_and_stops_when_cancelled, Fixture) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(add("PB-" + std::to_string(i), State::acknowledged));
  RecordingJob watch;
  admin::Request r;
  r.command = "prune";
  r.arguments = {{"batch", "2"}};
  r.peer_uid = 1500;
  r.peer_admin = true;
  r.job = &watch;
  auto all = registry.dispatch(r);
  BOOST_TEST(all.result == admin::kOk, all.text);
  BOOST_TEST(all.arguments.at("pruned").as_int64() == 5);
  using Line = std::pair<std::int64_t, std::int64_t>;
  BOOST_TEST((watch.lines == std::vector<Line>{{2, 5}, {4, 5}}));
  for (const auto& id : ids) BOOST_TEST(!has_body(id));

  std::vector<std::string> more;
  for (int i = 0; i < 5; ++i) more.push_back(add("PC-" + std::to_string(i), State::rejected));
  RecordingJob gone;
  gone.cancel_after = 1;
  r.job = &gone;
  auto stopped = registry.dispatch(r);
  BOOST_TEST(stopped.result == admin::kError, stopped.text);
  BOOST_TEST(stopped.text.find("cancelled after 2 of 5 bodies removed") != std::string::npos, stopped.text);
  BOOST_TEST(stopped.arguments.at("cancelled").as_bool());
  BOOST_TEST(stopped.arguments.at("pruned").as_int64() == 2);
  BOOST_TEST(stopped.arguments.at("more").as_bool());
  int left = 0;
  for (const auto& id : more) left += has_body(id) ? 1 : 0;
  BOOST_TEST(left == 3);
  BOOST_TEST(run("prune", {{"batch", "0"}}).result == admin::kError);
  BOOST_TEST(run("prune", {{"batch", "x"}}).result == admin::kError);
}
