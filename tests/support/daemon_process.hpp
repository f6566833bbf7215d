// Test support: runs the real sluisd as a child process the way systemd would,
// with a NOTIFY_SOCKET the test owns, stderr captured to a file, and helpers
// to wait for sd_notify states (READY=1, RELOADING=1, STOPPING=1) and for the
// exit status. Waits are event-driven (poll on the notify socket, waitpid) with
// a generous upper bound that only trips when something is broken.
//
// Like systemd, a thread of its own reads the notify socket all the time: a
// datagram socket holds few messages (net.unix.max_dgram_qlen, 10), and a
// daemon whose notifications nobody reads blocks in sd_notify (a watchdog
// pinging every 100 ms would stall after a second of a test not waiting).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sluis::test {

// A fresh directory under $TMPDIR, removed on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

std::filesystem::path bin_dir();     // $SLUIS_BIN_DIR (built gateway/ binaries)
std::filesystem::path source_dir();  // $SLUIS_SOURCE_DIR

class DaemonProcess {
 public:
  // `launcher`: a command line sluisd runs under (argv[0] a path), e.g. unshare
  // with a mount for a tiny file system; empty: sluisd itself.
  DaemonProcess(std::filesystem::path workdir, std::vector<std::string> args,
                std::map<std::string, std::string> env = {}, std::vector<std::string> launcher = {});
  ~DaemonProcess();  // SIGKILLs a daemon still running

  pid_t pid() const { return pid_; }
  // Waits for a notify datagram containing `state` (e.g. "READY=1") after the
  // one the previous successful wait matched; returns false when the daemon
  // exits first or the bound passes.
  bool wait_for(const std::string& state,
                std::chrono::milliseconds bound = std::chrono::seconds(30));
  void signal(int sig) const;
  // Waits for exit; returns the exit code (or 128+signal).
  std::optional<int> wait_exit(std::chrono::milliseconds bound = std::chrono::seconds(30));
  // Everything the daemon wrote to stderr so far.
  std::string log() const;
  // How many lines of log() hold every one of `needles` (e.g. an event and
  // "address=127.0.3.1 ").
  long count_lines(std::initializer_list<std::string_view> needles) const;
  // Every datagram received so far.
  std::vector<std::string> notifications() const;

  // As a systemd that stopped reading its notify socket: the reader thread
  // reads nothing until resume_notifications(). fill_notifications() then
  // sends filler datagrams ("FILLER=1") until the socket's queue is full and
  // returns how many; the daemon's next sd_notify blocks.
  void hold_notifications();
  void resume_notifications();
  int fill_notifications();
  // True once a thread of the daemon waits in sendmsg (x86_64 syscall 46),
  // read from /proc/<pid>/task/*/syscall; false after `bound`.
  bool blocks_in_sendmsg(std::chrono::milliseconds bound = std::chrono::seconds(10)) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path notify_path_;
  std::filesystem::path log_path_;
  int notify_fd_ = -1;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  void read_notifications();
  bool reap();  // true once the daemon has exited (waitpid, no wait)
  mutable std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<std::string> notes_;  // guarded by mu_
  std::size_t consumed_ = 0;        // notes_ before this were matched or passed by wait_for
  bool held_ = false;               // guarded by mu_
  std::condition_variable resumed_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

// Runs a command (argv[0] is a path), returns its exit code and stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace sluis::test
