#include "tests/support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace sluis::test {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

ScratchDir::ScratchDir(const std::string& tag) {
  std::string tmpl = (fs::temp_directory_path() / ("sluis-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path ScratchDir::write(const std::string& name, const std::string& content) const {
  fs::path p = path_ / name;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

fs::path bin_dir() {
  const char* d = std::getenv("SLUIS_BIN_DIR");
  if (!d) throw std::runtime_error("SLUIS_BIN_DIR not set (run the test through ctest)");
  return d;
}

fs::path source_dir() {
  const char* d = std::getenv("SLUIS_SOURCE_DIR");
  if (!d) throw std::runtime_error("SLUIS_SOURCE_DIR not set (run the test through ctest)");
  return d;
}

namespace {

std::vector<char*> c_argv(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int g_ids = 0;
int next_id() { return ++g_ids; }
int last_id() { return g_ids; }

}  // namespace

DaemonProcess::DaemonProcess(fs::path workdir, std::vector<std::string> args,
                             std::map<std::string, std::string> env, std::vector<std::string> launcher)
    : dir_(std::move(workdir)),
      notify_path_(dir_ / ("notify-" + std::to_string(next_id()) + ".sock")),
      log_path_(dir_ / ("sluisd-" + std::to_string(last_id()) + ".log")) {
  notify_fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, notify_path_.c_str(), sizeof addr.sun_path - 1);
  if (::bind(notify_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind the notify socket: " + std::string(std::strerror(errno)));

  // Environment: ours, plus NOTIFY_SOCKET and the test's additions.
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    if (kv.starts_with("NOTIFY_SOCKET=")) continue;
    envs.emplace_back(kv);
  }
  envs.push_back("NOTIFY_SOCKET=" + notify_path_.string());
  for (const auto& [k, v] : env) envs.push_back(k + "=" + v);

  std::vector<std::string> argv = std::move(launcher);
  argv.push_back((bin_dir() / "sluisd").string());
  argv.insert(argv.end(), args.begin(), args.end());

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, log_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
  posix_spawn_file_actions_addchdir_np(&fa, dir_.c_str());
  auto a = c_argv(argv);
  auto e = c_argv(envs);
  int rc = ::posix_spawn(&pid_, a[0], &fa, nullptr, a.data(), e.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start sluisd: " + std::string(std::strerror(rc)));
  reader_ = std::thread([this] { read_notifications(); });
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0 && !exited_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  resumed_.notify_all();
  if (reader_.joinable()) reader_.join();
  if (notify_fd_ >= 0) ::close(notify_fd_);
}

// The reader thread: every datagram into notes_, at once (poll wakes it; the
// 100 ms slice only bounds how long the destructor waits for it to stop).
void DaemonProcess::read_notifications() {
  while (!stop_) {
    {
      std::unique_lock lock(mu_);
      resumed_.wait(lock, [this] { return !held_ || stop_; });
    }
    pollfd p{notify_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t got = ::recv(notify_fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (got <= 0) continue;
    {
      std::lock_guard lock(mu_);
      notes_.emplace_back(buf, static_cast<size_t>(got));
    }
    arrived_.notify_all();
  }
}

void DaemonProcess::hold_notifications() {
  std::lock_guard lock(mu_);
  held_ = true;
}

void DaemonProcess::resume_notifications() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
  }
  resumed_.notify_all();
}

int DaemonProcess::fill_notifications() {
  int s = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, notify_path_.c_str(), sizeof addr.sun_path - 1);
  int n = 0;
  while (n < 100000 && ::sendto(s, "FILLER=1", 8, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&addr),
                                sizeof addr) == 8)
    ++n;
  ::close(s);
  return n;
}

bool DaemonProcess::blocks_in_sendmsg(std::chrono::milliseconds bound) const {
  const auto until = std::chrono::steady_clock::now() + bound;
  const fs::path tasks = fs::path("/proc") / std::to_string(pid_) / "task";
  do {
    std::error_code ec;
    for (const auto& t : fs::directory_iterator(tasks, ec)) {
      std::ifstream in(t.path() / "syscall");
      std::string nr;
      if (in >> nr && nr == "46") return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < until);
  return false;
}

std::vector<std::string> DaemonProcess::notifications() const {
  std::lock_guard lock(mu_);
  return notes_;
}

bool DaemonProcess::reap() {
  if (exited_) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  return exited_;
}

bool DaemonProcess::wait_for(const std::string& state, std::chrono::milliseconds bound) {
  auto deadline = Clock::now() + bound;
  std::unique_lock lock(mu_);
  for (;;) {
    for (; consumed_ < notes_.size(); ++consumed_) {
      std::istringstream lines(notes_[consumed_]);
      for (std::string line; std::getline(lines, line);)
        if (line == state) {
          ++consumed_;
          return true;
        }
    }
    if (Clock::now() >= deadline) return false;
    // Woken by a datagram; in slices of 100 ms so that an exit is noticed too.
    arrived_.wait_for(lock, std::min<std::chrono::nanoseconds>(deadline - Clock::now(),
                                                               std::chrono::milliseconds(100)));
    if (consumed_ == notes_.size() && reap()) return false;
  }
}

void DaemonProcess::signal(int sig) const { ::kill(pid_, sig); }

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds bound) {
  auto deadline = Clock::now() + bound;
  std::unique_lock lock(mu_);
  while (!reap()) {
    if (Clock::now() > deadline) return std::nullopt;
    arrived_.wait_for(lock, std::chrono::milliseconds(20));  // a slice between two waitpid
  }
  return exit_code_;
}

std::string DaemonProcess::log() const {
  std::ifstream in(log_path_);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long DaemonProcess::count_lines(std::initializer_list<std::string_view> needles) const {
  std::istringstream in(log());
  long n = 0;
  for (std::string line; std::getline(in, line);) {
    bool all = true;
    for (auto needle : needles) all = all && line.find(needle) != std::string::npos;
    if (all) ++n;
  }
  return n;
}

CommandResult run_command(const std::vector<std::string>& argv_in) {
  std::vector<std::string> argv = argv_in;
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
  auto a = c_argv(argv);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, a[0], &fa, nullptr, a.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  CommandResult out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) out.output.append(buf, static_cast<size_t>(n));
  ::close(pipefd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

}  // namespace sluis::test
