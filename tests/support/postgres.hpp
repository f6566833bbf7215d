// Test support: a throwaway PostgreSQL server for one test program (CTest
// label `postgresql`), started from Debian's postgresql-15 binaries
// (/usr/lib/postgresql/15/bin, or $SLUIS_PG_BIN).
//
// - initdb makes a cluster in a fresh temporary directory; the server listens
//   on a Unix socket in that directory only (no TCP), and the directory is
//   removed at the end.
// - initdb and the server refuse to run as root: when the tests run as root,
//   initdb runs as Debian's dedicated `postgres` user through runuser, and the
//   server is started as that user too (its directory is that user's).
// - The server is a child of the test program with a parent-death signal
//   (PR_SET_PDEATHSIG, SIGQUIT): a test program that crashes or is killed by
//   CTest's timeout leaves no server behind. The signal follows the thread
//   that started the server: start it from the test's main thread.
// - Text collates by ICU's nl-NL, as a Dutch operator's server would, not in
//   byte order: the engine's queries must not depend on the server's locale.
// - fsync is off: the tests check the store's logic and what PostgreSQL does
//   when it stops or restarts, not the disk's durability under a power cut
//   (the SQLite engine's power-cut tests do that).
// - Without PostgreSQL installed, the program prints why and exits with 77,
//   which CTest reports as "Skipped" (SKIP_RETURN_CODE), never as passed.
//   With SLUIS_REQUIRE_POSTGRESQL=1 (scripts/test sets it: CI installs
//   PostgreSQL and must run these tests) it fails instead.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace sluis::test {

class PostgresServer {
 public:
  // initdb and start; the first database is "postgres", the superuser "sluis".
  PostgresServer();
  ~PostgresServer();  // stops the server (fast shutdown) and removes its directory
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The connection string of database `dbname` (no password: trust on the socket).
  std::string conninfo(const std::string& dbname = "postgres") const;
  // A new, empty database with a fresh name; its connection string.
  std::string create_database();

  // Fast shutdown (SIGINT: open sessions are ended, the server stops cleanly)
  // or, with `immediate`, SIGQUIT (no checkpoint: recovery at the next start,
  // as after a crash). Returns when the server has exited.
  void stop(bool immediate = false);
  // Starts the server again on the same cluster; returns when it accepts connections.
  void start();
  bool running() const { return pid_ > 0; }

 private:
  std::filesystem::path dir_;  // the socket, the log; data/ is the cluster
  std::filesystem::path bin_;
  uid_t uid_ = 0;  // the server's user (and gid_): the caller, or postgres when root
  gid_t gid_ = 0;
  pid_t pid_ = -1;
  int databases_ = 0;
};

// The one server of a test program, started on first use.
PostgresServer& postgres();

}  // namespace sluis::test
