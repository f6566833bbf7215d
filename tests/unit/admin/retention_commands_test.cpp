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
    admin::add_store_commands(registry, *db, dir / "backups", (dir / "sluis.db").string());
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
