#include "gateway/store/pg_dump.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "gateway/store/pg.hpp"

extern char** environ;

namespace sluis::store {

namespace {

constexpr std::size_t kStderrKept = 4096;  // the end of what a child wrote on stderr
constexpr int kPollMs = 200;

core::Error failed(const std::string& text) { return core::make_error(core::Errc::store_postgresql, text); }

// The last non-empty line of a child's stderr, at most 300 characters.
std::string last_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  if (auto nl = s.rfind('\n'); nl != std::string::npos) s.erase(0, nl + 1);
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

// The environment of the child: ours, with libpq's variable of each keyword
// the connection string sets in place of any inherited one.
core::Result<std::vector<std::string>> environment(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    PQfreemem(err);  // libpq's words may quote the string: not passed on
    return failed("the store's connection string cannot be parsed by libpq");
  }
  std::vector<std::string> set;
  std::set<std::string> names;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val || !o->envvar) continue;
    set.push_back(std::string(o->envvar) + "=" + o->val);
    names.insert(o->envvar);
  }
  PQconninfoFree(opts);
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view v(*e);
    auto eq = v.find('=');
    if (eq != std::string_view::npos && names.contains(std::string(v.substr(0, eq)))) continue;
    env.emplace_back(v);
  }
  env.insert(env.end(), set.begin(), set.end());
  return env;
}

struct Exit {
  int status = 0;
  bool stopped = false;  // go_on said stop: the child was sent SIGTERM
  std::string stderr_tail;
};

// Runs argv[0] (found in PATH) with `env`; stdin and stdout on /dev/null,
// stderr kept (its end). Asks go_on between reads and every kPollMs.
core::Result<Exit> run(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                       const std::function<bool()>& go_on) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return failed(std::string("cannot make a pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  // Nothing else of sluisd's: Asio's sockets are not close-on-exec, and a
  // child holding the HTTPS listener would keep its port from a restarted
  // sluisd (and partners' connections open).
  posix_spawn_file_actions_addclosefrom_np(&fa, 3);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none, reset;
  sigemptyset(&none);
  sigemptyset(&reset);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2}) sigaddset(&reset, s);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &reset);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &fa, &at, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return failed("cannot run " + argv[0] + ": " + std::strerror(rc) +
                  (rc == ENOENT ? " (not in PATH; Debian: apt-get install postgresql-client)" : ""));
  }
  Exit out;
  for (;;) {
    if (!out.stopped && go_on && !go_on()) {
      ::kill(pid, SIGTERM);
      out.stopped = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int n = ::poll(&p, 1, kPollMs);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;
    char buf[4096];
    const ssize_t k = n > 0 ? ::read(fds[0], buf, sizeof buf) : -1;
    if (k > 0) {
      out.stderr_tail.append(buf, static_cast<std::size_t>(k));
      if (out.stderr_tail.size() > 2 * kStderrKept) out.stderr_tail.erase(0, out.stderr_tail.size() - kStderrKept);
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    break;  // end of stderr: the child has exited (or closed it)
  }
  ::close(fds[0]);
  while (::waitpid(pid, &out.status, 0) < 0 && errno == EINTR) {
  }
  return out;
}

std::string how(const Exit& e) {
  std::string s = WIFEXITED(e.status)     ? "exit status " + std::to_string(WEXITSTATUS(e.status))
                  : WIFSIGNALED(e.status) ? std::string("signal ") + ::strsignal(WTERMSIG(e.status))
                                          : "status " + std::to_string(e.status);
  const std::string line = last_line(e.stderr_tail);
  return line.empty() ? s : s + ": " + line;
}

bool succeeded(const Exit& e) { return WIFEXITED(e.status) && WEXITSTATUS(e.status) == 0; }

}  // namespace

core::Result<BackupResult> dump_postgresql(const DumpRequest& r) {
  struct stat st {};
  if (::lstat(r.target.c_str(), &st) == 0)
    return core::make_error(core::Errc::store_backup_exists, r.target + " exists already");
  auto env = environment(r.conninfo);
  if (!env) return env.error();
  const std::string server = pg::describe(r.conninfo);
  auto remove_target = [&] { ::unlink(r.target.c_str()); };

  auto dumped = run({r.pg_dump, "--format=custom", "--no-password", "--lock-wait-timeout=60000", "--file=" + r.target},
                    *env, r.go_on);
  if (!dumped) {
    remove_target();
    return dumped.error();
  }
  if (dumped->stopped) {
    remove_target();
    return core::make_error(kBackupCancelled, "backup cancelled");
  }
  if (!succeeded(*dumped)) {
    remove_target();
    return failed("pg_dump of " + server + " failed (" + how(*dumped) + ")");
  }
  // The archive counts once pg_restore reads its whole table of contents.
  auto listed = run({r.pg_restore, "--list", r.target}, *env, {});
  if (!listed || !succeeded(*listed)) {
    remove_target();
    if (!listed) return listed.error();
    return core::make_error(core::Errc::store_backup_corrupt,
                            "pg_restore cannot read the archive pg_dump wrote (" + how(*listed) + ")");
  }
  BackupResult out;
  if (::stat(r.target.c_str(), &st) == 0) out.bytes = st.st_size;
  return out;
}

}  // namespace sluis::store
