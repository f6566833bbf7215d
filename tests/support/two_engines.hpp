// Test support: one store on each engine, made and migrated the same way, to
// check that the PostgreSQL engine's functions answer what the SQLite
// engine's answer for the same rows (differential tests, label `postgresql`).
// SQLite: a fresh store file (open_sqlite makes and migrates it) and a raw
// connection to it; PostgreSQL: a fresh database of the program's server
// (tests/support/postgres.hpp), migrated. `both(sql)` runs one statement on
// each, so a test seeds them alike with SQL both engines take (plain INSERTs;
// a body as '' or a text literal).
#pragma once

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "gateway/core/digest.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_schema.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/postgres.hpp"

namespace sluis::test {

struct TwoEngines {
  TwoEngines() : dir(std::filesystem::temp_directory_path() / ("sluis-two-" + core::random_hex(6))) {
    std::filesystem::create_directories(dir);
    store::SqliteOptions o;
    o.path = (dir / "sluis.db").string();
    {
      auto s = store::open_sqlite(o);
      BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    }
    BOOST_REQUIRE(sqlite3_open(o.path.c_str(), &lite) == SQLITE_OK);
    auto c = store::pg::Connection::open(postgres().create_database());
    BOOST_REQUIRE_MESSAGE(c.has_value(), (c.has_error() ? c.error().text : std::string()));
    pg = std::make_unique<store::pg::Connection>(std::move(*c));
    auto m = store::pg::migrate(*pg);
    BOOST_REQUIRE_MESSAGE(m.has_value(), (m.has_error() ? m.error().text : std::string()));
  }
  ~TwoEngines() {
    sqlite3_close(lite);
    std::filesystem::remove_all(dir);
  }
  TwoEngines(const TwoEngines&) = delete;
  TwoEngines& operator=(const TwoEngines&) = delete;

  // One statement (or several, separated by ';') on both engines.
  void both(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(lite, sql.c_str(), nullptr, nullptr, &err);
    const std::string why = err ? err : "";
    sqlite3_free(err);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, "sqlite: " << why << "\n" << sql);
    auto r = pg->run(sql);
    BOOST_REQUIRE_MESSAGE(r.has_value(), "postgresql: " << (r.has_error() ? r.error().text : "") << "\n" << sql);
  }

  std::filesystem::path dir;
  sqlite3* lite = nullptr;
  std::unique_ptr<store::pg::Connection> pg;
};

}  // namespace sluis::test
