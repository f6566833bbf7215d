// The clean-shutdown marker (store/clean_shutdown.hpp) and the store's use of
// it: trusted only when it names the file as it is, taken at every open that
// trusts it, left only by a store that closed without error.
#define BOOST_TEST_MODULE store_clean_shutdown
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "gateway/store/clean_shutdown.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/daemon_process.hpp"

using namespace sluis;
namespace fs = std::filesystem;

namespace {
std::string file(const test::ScratchDir& dir) { return (dir.path() / "s.db").string(); }
}  // namespace

BOOST_AUTO_TEST_CASE(the_marker_names_the_file_as_it_is) {
  test::ScratchDir dir("marker");
  const std::string db = file(dir);
  std::ofstream(db) << "content";
  BOOST_TEST(!store::take_clean_marker(db), "no marker: not clean");
  BOOST_REQUIRE(store::leave_clean_marker(db));
  BOOST_TEST(store::take_clean_marker(db));
  BOOST_TEST(!fs::exists(store::clean_marker_path(db)), "taken means removed");
  BOOST_TEST(!store::take_clean_marker(db), "taken once");

  BOOST_REQUIRE(store::leave_clean_marker(db));
  std::ofstream(db, std::ios::app) << "more";  // written to since
  BOOST_TEST(!store::take_clean_marker(db));

  BOOST_REQUIRE(store::leave_clean_marker(db));
  fs::last_write_time(db, fs::last_write_time(db) - std::chrono::seconds(5));  // its time changed
  BOOST_TEST(!store::take_clean_marker(db));

  BOOST_REQUIRE(store::leave_clean_marker(db));
  const std::string copy = db + ".copy";
  fs::copy_file(db, copy);
  fs::rename(copy, db);  // replaced: another inode
  BOOST_TEST(!store::take_clean_marker(db));

  BOOST_REQUIRE(store::leave_clean_marker(db));
  std::ofstream(db + "-wal") << "frames";  // a log with pages beside it
  BOOST_TEST(!store::take_clean_marker(db));
  BOOST_TEST(!store::leave_clean_marker(db), "nor is one left while the log holds pages");

  fs::remove(db + "-wal");
  BOOST_REQUIRE(store::leave_clean_marker(db));
  std::ofstream(store::clean_marker_path(db)) << "something else\n";
  BOOST_TEST(!store::take_clean_marker(db), "a marker of another shape");
}

BOOST_AUTO_TEST_CASE(the_store_trusts_a_clean_close_only_when_asked) {
  test::ScratchDir dir("trust");
  store::SqliteOptions o;
  o.path = file(dir);
  o.trust_clean_shutdown = true;
  {
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s);
    BOOST_TEST((*s)->checked_at_open(), "a new store: no marker, checked");
  }
  BOOST_TEST(fs::exists(store::clean_marker_path(o.path)), "closed without error: marker left");
  {
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE(s);
    BOOST_TEST(!(*s)->checked_at_open(), "the marker names the file: not checked at open");
    BOOST_TEST(!fs::exists(store::clean_marker_path(o.path)), "taken at open");
  }
  // A tool (or a test) that does not trust the marker checks, and leaves it alone.
  store::SqliteOptions tool = o;
  tool.trust_clean_shutdown = false;
  {
    auto s = store::open_sqlite(tool);
    BOOST_REQUIRE(s);
    BOOST_TEST((*s)->checked_at_open());
  }
  BOOST_TEST(fs::exists(store::clean_marker_path(o.path)), "the daemon's marker is still there");
  BOOST_TEST(!fs::exists(o.path + ".clean.tmp"));
}
