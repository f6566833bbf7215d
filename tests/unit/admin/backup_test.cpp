// sluisctl backup NAME: an online copy of the store, written only as
// <state_dir>/backups/NAME. A path, a name leaving the directory, a symlink
// planted under the name, an existing file and a backup directory that is a
// symlink or writable by others are all refused, and nothing is written
// outside; a valid name gives a private copy that opens as a database.
#define BOOST_TEST_MODULE admin_backup
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>

#include "gateway/admin/store_commands.hpp"
#include "tests/support/temp_store.hpp"

using namespace sluis;
namespace fs = std::filesystem;

namespace {

struct Fixture : test::TempStore {
  Fixture() : TempStore("admin-backup"), backups(dir / "backups") {
    admin::add_store_commands(registry, *db, backups, admin::BackupSource{(dir / "sluis.db").string(), {}});
    id = add("BK-1", store::State::queued);
  }
  admin::Answer backup(boost::json::object args) {
    admin::Request r;
    r.command = "backup";
    r.arguments = std::move(args);
    r.peer_uid = 1500;
    r.peer_admin = true;
    return registry.dispatch(r);
  }
  admin::Answer backup(const std::string& name) { return backup(boost::json::object{{"name", name}}); }
  // Only the copy named, or nothing, in the backup directory (no work files left).
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(backups, ec)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }
  fs::path backups;
  std::string id;
  admin::Registry registry;
};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(backup, Fixture)

BOOST_AUTO_TEST_CASE(a_plain_name_gives_a_private_copy_that_opens_as_a_database) {
  auto a = backup("nightly-2026-03-04.db");
  BOOST_REQUIRE_MESSAGE(a.result == admin::kOk, a.text);
  const fs::path copy = backups / "nightly-2026-03-04.db";
  BOOST_TEST(a.arguments.at("path").as_string() == copy.string());
  BOOST_TEST(listing() == std::vector<std::string>{"nightly-2026-03-04.db"});
  struct stat st {};
  BOOST_REQUIRE(::stat(copy.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_REQUIRE(::stat(backups.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
  // The copy is a database holding the message.
  store::SqliteOptions o;
  o.path = copy.string();
  auto c = store::open_sqlite(o);
  BOOST_REQUIRE_MESSAGE(c.has_value(), (c.has_error() ? c.error().text : ""));
  auto m = (*c)->get(id);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->has_value());
  (*c)->close();
  // On record with the caller's uid.
  auto log = db->audit_log(0, 1000);
  BOOST_REQUIRE(log.has_value());
  bool audited = false;
  for (const auto& e : *log) audited |= e.action == "backup" && e.uid == 1500 && e.detail == copy.string();
  BOOST_TEST(audited);
}

BOOST_AUTO_TEST_CASE(paths_and_names_that_leave_the_directory_are_refused) {
  const std::vector<std::string> names = {"../outside.db", "/tmp/sluis-backup-outside.db", "sub/x.db", "..", ".",
                                         ".hidden.db", "", "with space.db", "tab\tname", std::string(129, 'a')};
  for (const auto& name : names) {
    auto a = backup(name);
    BOOST_TEST(a.result == admin::kError, name);
    BOOST_TEST(a.text.find("backup") != std::string::npos, a.text);
  }
  BOOST_TEST(!fs::exists(dir / "outside.db"));
  BOOST_TEST(!fs::exists("/tmp/sluis-backup-outside.db"));
  BOOST_TEST(listing().empty());
  // The old argument (any path) is refused by name, saying where copies go.
  auto old = backup(boost::json::object{{"path", (dir / "copy.db").string()}});
  BOOST_TEST(old.result == admin::kError);
  BOOST_TEST(old.text.find(backups.string()) != std::string::npos, old.text);
  BOOST_TEST(!fs::exists(dir / "copy.db"));
  auto path = backup((dir / "copy.db").string());
  BOOST_TEST(path.text.find("not a path") != std::string::npos, path.text);
  BOOST_TEST(!fs::exists(dir / "copy.db"));
}

BOOST_AUTO_TEST_CASE(an_existing_file_or_a_planted_symlink_is_never_replaced_or_followed) {
  BOOST_REQUIRE(backup("first.db").result == admin::kOk);
  const std::string before = read(backups / "first.db");
  add("BK-2", store::State::queued);
  auto again = backup("first.db");
  BOOST_TEST(again.result == admin::kError);
  BOOST_TEST(again.text.find("exists") != std::string::npos, again.text);
  BOOST_TEST(read(backups / "first.db") == before);

  // A symlink to a file that does not exist yet, and to one that does.
  fs::create_symlink(dir / "target-new.db", backups / "evil.db");
  std::ofstream(dir / "target-old.db") << "precious";
  fs::create_symlink(dir / "target-old.db", backups / "evil2.db");
  BOOST_TEST(backup("evil.db").result == admin::kError);
  BOOST_TEST(backup("evil2.db").result == admin::kError);
  BOOST_TEST(!fs::exists(dir / "target-new.db"));
  BOOST_TEST(read(dir / "target-old.db") == "precious");
  BOOST_TEST(fs::is_symlink(fs::symlink_status(backups / "evil.db")));
  BOOST_TEST(listing() == (std::vector<std::string>{"evil.db", "evil2.db", "first.db"}));
}

BOOST_AUTO_TEST_CASE(a_backup_directory_that_is_a_symlink_or_open_to_others_is_refused) {
  const fs::path elsewhere = dir / "elsewhere";
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, backups);
  auto a = backup("x.db");
  BOOST_TEST(a.result == admin::kError);
  BOOST_TEST(a.text.find("not a plain directory") != std::string::npos, a.text);
  BOOST_TEST(fs::is_empty(elsewhere));
  fs::remove(backups);

  fs::create_directories(backups);
  fs::permissions(backups, fs::perms::owner_all | fs::perms::group_all);  // 0770
  auto b = backup("x.db");
  BOOST_TEST(b.result == admin::kError);
  BOOST_TEST(b.text.find("writable by nobody else") != std::string::npos, b.text);
  BOOST_TEST(fs::is_empty(backups));
}

BOOST_AUTO_TEST_SUITE_END()
