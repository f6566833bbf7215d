#include "tests/support/postgres.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sluis::test {

namespace fs = std::filesystem;

namespace {

bool required() {
  const char* r = std::getenv("SLUIS_REQUIRE_POSTGRESQL");
  return r && std::string(r) == "1";
}

// No PostgreSQL to test with: a skip (exit 77), or a failure when required.
[[noreturn]] void unavailable(const std::string& why) {
  if (required()) throw std::runtime_error("PostgreSQL is required (SLUIS_REQUIRE_POSTGRESQL=1): " + why);
  std::fprintf(stderr, "SKIP: %s\n", why.c_str());
  std::fflush(stderr);
  std::_Exit(77);
}

std::string tail_of(const fs::path& log) {
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

struct Argv {
  explicit Argv(std::vector<std::string> a) : args(std::move(a)) {
    for (auto& s : args) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  std::vector<std::string> args;
  std::vector<char*> ptrs;
};

// Forks and execs `argv` with stdout and stderr appended to `log`, as
// `uid`/`gid` when `drop` (the caller is root), with SIGQUIT as its
// parent-death signal when `tie` (a server). The child's pid.
pid_t spawn(const Argv& argv, const fs::path& log, bool drop, uid_t uid, gid_t gid, bool tie) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + log.string());
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec. The parent-death
    // signal after the change of user: changing credentials clears it.
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    if (drop && (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
    if (tie && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(126);
    ::execv(argv.ptrs[0], argv.ptrs.data());
    ::_exit(127);
  }
  ::close(fd);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

PostgresServer::PostgresServer() {
  const char* env_bin = std::getenv("SLUIS_PG_BIN");
  bin_ = env_bin && *env_bin ? fs::path(env_bin) : fs::path("/usr/lib/postgresql/15/bin");
  if (!fs::exists(bin_ / "initdb") || !fs::exists(bin_ / "postgres"))
    unavailable("no PostgreSQL server in " + bin_.string() + " (Debian package postgresql-15)");
  const bool root = ::geteuid() == 0;
  uid_ = ::geteuid();
  gid_ = ::getegid();
  if (root) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) unavailable("running as root, and there is no user postgres to run PostgreSQL as");
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  }
  std::string tmpl = (fs::temp_directory_path() / "sluis-pg-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (root && ::chown(dir_.c_str(), uid_, gid_) != 0) throw std::runtime_error("chown " + dir_.string() + " failed");
  std::vector<std::string> initdb;
  if (root) initdb = {"/usr/sbin/runuser", "-u", "postgres", "--"};
  // Text sorts by a Dutch ICU collation, as on a real server, not byte by
  // byte: a query whose order must be SQLite's (bytes) has to say COLLATE "C".
  for (const char* a : {"initdb", "-D", "", "-U", "sluis", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                        "--locale-provider=icu", "--icu-locale=nl-NL", "--no-sync", "--no-instructions"})
    initdb.emplace_back(a);
  initdb[root ? 4 : 0] = (bin_ / "initdb").string();
  initdb[root ? 6 : 2] = (dir_ / "data").string();
  const fs::path log = dir_ / "initdb.log";
  if (int rc = wait_exit(spawn(Argv(initdb), log, false, 0, 0, false)); rc != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + "): " + tail_of(log));
  start();
}

PostgresServer::~PostgresServer() {
  if (running()) stop();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::conninfo(const std::string& dbname) const {
  return "host=" + dir_.string() + " port=5432 user=sluis dbname=" + dbname;
}

std::string PostgresServer::create_database() {
  const std::string name = "t" + std::to_string(++databases_);
  PGconn* c = PQconnectdb(conninfo().c_str());
  PGresult* r = PQstatus(c) == CONNECTION_OK ? PQexec(c, ("CREATE DATABASE " + name).c_str()) : nullptr;
  const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  const std::string why = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("CREATE DATABASE " + name + " failed: " + why);
  return conninfo(name);
}

void PostgresServer::start() {
  if (running()) return;
  const Argv argv({(bin_ / "postgres").string(), "-D", (dir_ / "data").string(), "-k", dir_.string(), "-p", "5432",
                   "-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=60"});
  const fs::path log = dir_ / "server.log";
  pid_ = spawn(argv, log, ::geteuid() == 0, uid_, gid_, true);
  // Ready when it answers a ping; bounded, and a server that exits is an error at once.
  const std::string info = conninfo();
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(info.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the PostgreSQL server exited at start: " + tail_of(log));
    }
    if (std::chrono::steady_clock::now() > until) {
      stop(true);
      throw std::runtime_error("the PostgreSQL server did not accept connections within 60 s: " + tail_of(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void PostgresServer::stop(bool immediate) {
  if (!running()) return;
  ::kill(pid_, immediate ? SIGQUIT : SIGINT);
  wait_exit(pid_);
  pid_ = -1;
}

PostgresServer& postgres() {
  static PostgresServer server;
  return server;
}

}  // namespace sluis::test
