#define BOOST_TEST_MODULE admin
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "gateway/admin/client.hpp"
#include "gateway/admin/daemon_commands.hpp"
#include "gateway/admin/server.hpp"

using namespace sluis;
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

class FakeDaemon : public admin::DaemonControl {
 public:
  explicit FakeDaemon(config::Config c) : cfg(std::move(c)) {}
  boost::json::object status() const override { return {{"version", "test"}, {"pid", 42}}; }
  std::shared_ptr<const config::Config> current_config() const override {
    return std::make_shared<const config::Config>(cfg);
  }
  admin::ConfigCheck check_config(const fs::path& file) const override {
    checked = file;
    if (file.filename() == "bad.toml") return {{"bad.toml:1:1: unknown key 'x'"}, {}};
    if (file.filename() == "small.toml") return {{}, {"codes.csv: holds only 5 product codes"}};
    return {};
  }
  admin::ReloadOutcome reload_config() override {
    ++reloads;
    admin::ReloadOutcome o;
    o.ok = reload_ok;
    if (!o.ok) o.errors = {"sluisd.toml:3:1: unknown key 'y'"};
    return o;
  }
  void request_shutdown() override { shutdown_requested = true; }

  config::Config cfg;
  mutable fs::path checked;
  int reloads = 0;
  bool reload_ok = true;
  bool shutdown_requested = false;
};

// Read from TOML like any configuration: config-get shows what was read.
// The read_timeout of most cases: short, so the silent-client case ends soon.
constexpr const char* kReadTimeout = "300ms";

config::Config test_config(const fs::path& dir, const std::string& read_timeout = kReadTimeout) {
  std::ofstream(dir / "bsn.key") << "supersecretbytes-0123";
  config::Config c = config::parse_config(
      "[admin]\nsocket = \"" + (dir / "admin.sock").string() +
          "\"\n"
          "group = \"\"\n"  // no group change in tests
          "max_connections = 2\nread_timeout = \"" +
          read_timeout + "\"\nmax_request = \"4KiB\"\n"
          "[secrets]\nbsn_hash_key = \"file:" +
          (dir / "bsn.key").string() + "\"\n",
      "t.toml");
  c.source = dir / "sluisd.toml";
  return c;
}

// A server on its own io_context thread, as sluisd runs it.
// `read_timeout`: how long the server waits for a request on a connection.
struct Fixture {
  explicit Fixture(const std::string& read_timeout = kReadTimeout)
      : dir(fs::temp_directory_path() / ("sluis-admin-test-" + std::to_string(::getpid()))),
        daemon((fs::create_directories(dir), test_config(dir, read_timeout))),
        server(ioc, registry) {
    admin::add_daemon_commands(registry, daemon);
    server.open(daemon.cfg.admin);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Fixture() {
    std::promise<void> closed;
    asio::post(ioc, [&] { server.close([&] { closed.set_value(); }); });
    closed.get_future().wait();
    thread.join();
    fs::remove_all(dir);
  }
  admin::Answer call(const std::string& cmd, boost::json::object args = {}) {
    return admin::call(daemon.cfg.admin.socket, cmd, args);
  }
  admin::Answer raw(std::string_view bytes) {
    auto text = admin::call_raw(daemon.cfg.admin.socket, bytes);
    return admin::answer_from_json(boost::json::parse(text));
  }

  fs::path dir;
  FakeDaemon daemon;
  asio::io_context ioc;
  admin::Registry registry;
  admin::Server server;
  std::thread thread;
};

// Idle connections that hold their place for a minute: a case that needs
// them held must not race the 300 ms a loaded machine may take between them.
struct PatientFixture : Fixture {
  PatientFixture() : Fixture("60s") {}
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(admin_protocol, Fixture)

BOOST_AUTO_TEST_CASE(socket_has_mode_0660) {
  auto perms = fs::status(daemon.cfg.admin.socket).permissions();
  BOOST_CHECK(perms == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                        fs::perms::group_write));
}

BOOST_AUTO_TEST_CASE(list_commands_names_every_command) {
  auto a = call("list-commands");
  BOOST_TEST(a.result == 0);
  const auto& cmds = a.arguments.at("commands").as_object();
  for (const char* c :
       {"list-commands", "status-get", "config-test", "config-get", "config-reload", "shutdown"})
    BOOST_TEST(cmds.contains(c), c);
}

BOOST_AUTO_TEST_CASE(status_get_returns_the_daemon_status) {
  auto a = call("status-get");
  BOOST_TEST(a.result == 0);
  BOOST_TEST(a.arguments.at("pid").as_int64() == 42);
}

BOOST_AUTO_TEST_CASE(config_test_checks_the_named_or_running_file) {
  auto a = call("config-test");
  BOOST_TEST(a.result == 0);
  BOOST_TEST(daemon.checked == daemon.cfg.source);
  auto b = call("config-test", {{"file", (dir / "bad.toml").string()}});
  BOOST_TEST(b.result == 1);
  BOOST_TEST(b.arguments.at("errors").as_array().at(0).as_string() ==
             "bad.toml:1:1: unknown key 'x'");
  // Warnings do not refuse the file; the answer lists them.
  auto w = call("config-test", {{"file", (dir / "small.toml").string()}});
  BOOST_TEST(w.result == 0);
  BOOST_TEST(w.text.find("is valid (1 warning(s))") != std::string::npos, w.text);
  BOOST_TEST(w.arguments.at("warnings").as_array().at(0).as_string() == "codes.csv: holds only 5 product codes");
  BOOST_TEST(!w.arguments.contains("errors"));
}

BOOST_AUTO_TEST_CASE(config_get_shows_config_without_secret_bytes) {
  BOOST_TEST_REQUIRE(daemon.cfg.secrets.bsn_hash_key.reveal() == "supersecretbytes-0123");
  auto a = call("config-get");
  BOOST_TEST(a.result == 0);
  std::string text = boost::json::serialize(a.arguments);
  BOOST_TEST(text.find("supersecretbytes") == std::string::npos);
  BOOST_TEST(a.arguments.at("config").at("admin").at("socket").as_string() ==
             daemon.cfg.admin.socket.string());
}

BOOST_AUTO_TEST_CASE(config_reload_reports_success_and_failure) {
  BOOST_TEST(call("config-reload").result == 0);
  daemon.reload_ok = false;
  auto a = call("config-reload");
  BOOST_TEST(a.result == 1);
  BOOST_TEST(a.arguments.at("errors").as_array().size() == 1u);
  BOOST_TEST(daemon.reloads == 2);
}

BOOST_AUTO_TEST_CASE(shutdown_asks_the_daemon_to_stop) {
  BOOST_TEST(call("shutdown").result == 0);
  BOOST_CHECK(daemon.shutdown_requested);
}

BOOST_AUTO_TEST_CASE(unknown_command_is_unsupported) {
  auto a = call("queue-frobnicate");
  BOOST_TEST(a.result == 2);
  BOOST_TEST(a.text.find("queue-frobnicate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_requests_get_clear_errors) {
  auto a = raw("{\"command\": ");
  BOOST_TEST(a.result == 1);
  BOOST_TEST(a.text.find("incomplete JSON") != std::string::npos);
  a = raw("not json");
  BOOST_TEST(a.result == 1);
  BOOST_TEST(a.text.find("not valid JSON") != std::string::npos);
  a = raw("[1,2]");
  BOOST_TEST(a.text.find("expected a JSON object") != std::string::npos);
  a = raw("{\"command\": 5}");
  BOOST_TEST(a.text.find("\"command\" must be a string") != std::string::npos);
  a = raw("{\"command\": \"status-get\", \"arguments\": []}");
  BOOST_TEST(a.text.find("\"arguments\" must be an object") != std::string::npos);
  a = raw("");
  BOOST_TEST(a.text == "empty request");
  // The daemon stays healthy.
  BOOST_TEST(call("status-get").result == 0);
}

BOOST_AUTO_TEST_CASE(oversized_request_is_refused) {
  std::string big = "{\"command\": \"status-get\", \"arguments\": {\"pad\": \"" +
                    std::string(8192, 'x') + "\"}}";
  auto a = raw(big);
  BOOST_TEST(a.result == 1);
  BOOST_TEST(a.text.find("larger than admin.max_request (4KiB)") != std::string::npos);
  BOOST_TEST(call("status-get").result == 0);
}

BOOST_AUTO_TEST_CASE(request_without_eof_is_answered_once_complete) {
  // A client that keeps its write side open still gets its answer.
  asio::io_context io;
  asio::local::stream_protocol::socket s(io);
  s.connect(daemon.cfg.admin.socket.string());
  std::string req = R"({"command":"status-get"})";
  asio::write(s, asio::buffer(req));
  std::string answer;
  boost::system::error_code ec;
  asio::read(s, asio::dynamic_buffer(answer), ec);
  BOOST_TEST(boost::json::parse(answer).at("result").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(silent_client_is_closed_after_read_timeout) {
  asio::io_context io;
  asio::local::stream_protocol::socket s(io);
  s.connect(daemon.cfg.admin.socket.string());
  std::string answer;
  boost::system::error_code ec;
  // Blocks until the server closes the connection after read_timeout.
  asio::read(s, asio::dynamic_buffer(answer), ec);
  BOOST_CHECK(ec == asio::error::eof || ec == asio::error::connection_reset);
  BOOST_TEST(answer.empty());
  BOOST_TEST(call("status-get").result == 0);
}

BOOST_FIXTURE_TEST_CASE(connections_beyond_the_cap_are_refused, PatientFixture) {
  asio::io_context io;
  asio::local::stream_protocol::socket a(io), b(io);
  a.connect(daemon.cfg.admin.socket.string());
  b.connect(daemon.cfg.admin.socket.string());
  // Two idle connections hold the cap (2); the third is refused with a text.
  auto third = call("status-get");
  BOOST_TEST(third.result == 1);
  BOOST_TEST(third.text.find("too many admin connections") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(second_server_on_the_same_socket_is_refused) {
  asio::io_context io2;
  admin::Registry r2;
  admin::Server s2(io2, r2);
  BOOST_CHECK_EXCEPTION(s2.open(daemon.cfg.admin), std::runtime_error, [](const auto& e) {
    return std::string(e.what()).find("another sluisd") != std::string::npos;
  });
  BOOST_TEST(call("status-get").result == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(stale_socket_is_replaced_and_regular_file_is_not) {
  fs::path dir = fs::temp_directory_path() / ("sluis-admin-stale-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  config::Config cfg = test_config(dir);
  {
    // A socket file nobody listens on, as a crashed daemon leaves it.
    asio::io_context io;
    asio::local::stream_protocol::acceptor acc(io, cfg.admin.socket.string());
    acc.close();
  }
  BOOST_REQUIRE(fs::exists(fs::symlink_status(cfg.admin.socket)));
  {
    asio::io_context io;
    admin::Registry r;
    admin::Server s(io, r);
    BOOST_CHECK_NO_THROW(s.open(cfg.admin));
    s.close({});
  }
  std::ofstream(cfg.admin.socket) << "not a socket";
  {
    asio::io_context io;
    admin::Registry r;
    admin::Server s(io, r);
    BOOST_CHECK_THROW(s.open(cfg.admin), std::runtime_error);
  }
  BOOST_TEST(fs::is_regular_file(cfg.admin.socket));
  fs::remove_all(dir);
}
