#include "gateway/app/app.hpp"

#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <ctime>
#include <fmt/format.h>

#include "gateway/app/events.hpp"

#ifndef SLUIS_VERSION
#define SLUIS_VERSION "0.0.0"
#endif

namespace sluis::app {

namespace asio = boost::asio;

namespace {

void notify(const std::string& state) { ::sd_notify(0, state.c_str()); }

std::uint64_t monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

std::string_view version() { return SLUIS_VERSION; }

std::vector<std::string> check_configuration(const std::filesystem::path& file) {
  try {
    config::load_config(file);
  } catch (const config::ConfigError& e) {
    return e.errors();
  }
  // Later steps (certificates, schema packs, reference data) check here too.
  return {};
}

App::App(std::filesystem::path config_file)
    : config_file_(std::move(config_file)),
      config_(std::make_shared<const config::Config>(config::load_config(config_file_))),
      signals_(ioc_),
      watchdog_(ioc_),
      drain_timer_(ioc_),
      started_(std::chrono::steady_clock::now()),
      admin_(ioc_, registry_) {
  core::set_log_level(config_->log_level);
}

App::~App() = default;

int App::run() {
  // 1. State directory (the embedded store lives here once it lands).
  std::filesystem::create_directories(config_->state_dir);
  // 2. Admin commands and socket.
  admin::add_daemon_commands(registry_, *this);
  admin_.open(config_->admin);
  // 3. Signals and watchdog.
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  wait_signals();
  start_watchdog();
  // 4. Ready.
  notify(fmt::format("READY=1\nSTATUS=serving, admin socket {}\nMAINPID={}",
                     admin_.path().string(), ::getpid()));
  core::log(events::kStarted, {{"version", version()}, {"pid", static_cast<long>(::getpid())},
                               {"config", config_->source.string()}});
  ioc_.run();
  core::log(events::kStopped, {});
  return 0;
}

void App::wait_signals() {
  signals_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec) return;  // cancelled on shutdown
    if (sig == SIGHUP) {
      reload_config();
      wait_signals();
      return;
    }
    begin_shutdown(sig == SIGTERM ? "SIGTERM" : "SIGINT");
  });
}

void App::start_watchdog() {
  std::uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  watchdog_.expires_after(std::chrono::microseconds(usec / 2));
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    notify("WATCHDOG=1");
    start_watchdog();
  });
}

void App::begin_shutdown(std::string_view why) {
  if (stopping_) return;
  stopping_ = true;
  notify("STOPPING=1");
  core::log(events::kStopping, {{"reason", why}});
  boost::system::error_code ec;
  signals_.cancel(ec);
  watchdog_.cancel();
  // Close acceptors first; in-flight work gets drain_timeout, then is cancelled.
  drain_timer_.expires_after(config_->drain_timeout);
  drain_timer_.async_wait([this](boost::system::error_code e) {
    if (e) return;  // drained in time
    core::log(events::kDrainTimeout, {{"admin_connections", admin_.active()}});
    admin_.cancel();
  });
  admin_.close([this] { drain_timer_.cancel(); });
}

void App::request_shutdown() {
  // Posted so that the admin answer to `shutdown` is written before we drain.
  asio::post(ioc_, [this] { begin_shutdown("admin shutdown"); });
}

std::vector<std::string> App::check_config(const std::filesystem::path& file) const {
  return check_configuration(file);
}

void App::apply_live(const config::Config& next, std::vector<std::string>& notes) {
  core::set_log_level(next.log_level);
  admin_.update_limits(next.admin);
  auto needs_restart = [&](bool changed, std::string_view key) {
    if (!changed) return;
    notes.push_back(fmt::format("{} changed; takes effect after a restart", key));
    core::log(events::kReloadNote, {{"key", key}});
  };
  needs_restart(next.state_dir != config_->state_dir, "state_dir");
  needs_restart(next.admin.socket != config_->admin.socket, "admin.socket");
  needs_restart(next.admin.group != config_->admin.group, "admin.group");
}

admin::ReloadOutcome App::reload_config() {
  notify(fmt::format("RELOADING=1\nMONOTONIC_USEC={}", monotonic_usec()));
  admin::ReloadOutcome out;
  try {
    auto next = std::make_shared<const config::Config>(config::load_config(config_file_));
    apply_live(*next, out.notes);
    config_ = std::move(next);
    out.ok = true;
    core::log(events::kReloaded, {{"config", config_->source.string()}, {"hash", config_->hash}});
  } catch (const config::ConfigError& e) {
    out.errors = e.errors();
    for (const auto& err : out.errors) core::log(events::kReloadFailed, {{"error", err}});
  }
  notify("READY=1");
  return out;
}

boost::json::object App::status() const {
  auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - started_);
  boost::json::array listeners;
  listeners.emplace_back("unix://" + admin_.path().string());
  return boost::json::object{
      {"version", version()},
      {"pid", ::getpid()},
      {"uptime_seconds", uptime.count()},
      {"config_file", config_->source.string()},
      {"config_hash", config_->hash},
      {"state_dir", config_->state_dir.string()},
      {"listeners", std::move(listeners)},
  };
}

}  // namespace sluis::app
