// Fuzz target "admin": the admin socket's protocol from the bytes a client
// sends to the answer it gets back, without the socket: the server's own
// request reader (admin::RequestReader, admin.max_request, fed in the 4 KiB
// pieces the server reads), then admin::answer_request — the registry's
// parsing of {"command", "arguments", "progress"}, the access check and the
// command's handler — and the answer's JSON as the server writes it.
//
// The registry holds the daemon's command families wired as sluisd wires
// them, to a throwaway SQLite store in a temporary directory (a few sample
// messages committed first): store, queue, deadline, watch, retention,
// reference, contract and report commands, and the daemon commands
// (config-test runs sluisd's own check, app::check_config_file). What stands
// in for the running daemon: status-get answers a fixed object, config-reload
// answers "not here", shutdown does nothing, the reference lists and
// contracts are the repo's examples, the report's watch counts are empty. The caller
// is an admin peer (the access check itself is one comparison, covered by the
// unit tests); `ledger-import` (app/import_command) is not registered.
//
// Properties beyond "no crash, no leak, no UB, no exception out of a
// handler": the answer's result is one of Kea's codes (0..3).
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>

#include "gateway/admin/contract_commands.hpp"
#include "gateway/admin/daemon_commands.hpp"
#include "gateway/admin/deadline_commands.hpp"
#include "gateway/admin/queue_commands.hpp"
#include "gateway/admin/reference_commands.hpp"
#include "gateway/admin/registry.hpp"
#include "gateway/admin/report_commands.hpp"
#include "gateway/admin/retention_commands.hpp"
#include "gateway/admin/server.hpp"
#include "gateway/admin/store_commands.hpp"
#include "gateway/admin/watch_commands.hpp"
#include "gateway/app/config_check.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/schema_set.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
namespace fs = std::filesystem;

namespace {

constexpr const char* kConfig = R"(
[https]
enabled = false
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["87654321"]
[[partners.certificates]]
spki_sha256 = "1111111111111111111111111111111111111111111111111111111111111111"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["0935"]
[[partners.certificates]]
spki_sha256 = "2222222222222222222222222222222222222222222222222222222222222222"
)";

struct Daemon final : admin::DaemonControl {
  boost::json::object status() const override { return {{"state", "running"}, {"fuzz", true}}; }
  std::shared_ptr<const config::Config> current_config() const override { return config; }
  admin::ConfigCheck check_config(const fs::path& file) const override {
    auto checked = app::check_config_file(file);
    return {std::move(checked.errors), std::move(checked.warnings)};
  }
  admin::ReloadOutcome reload_config() override { return {false, {"not in the fuzz target"}, {}}; }
  void request_shutdown() override {}
  std::shared_ptr<const config::Config> config;
};

struct World {
  World() : dir(fs::temp_directory_path() / ("sluis-fuzz-admin-" + core::random_hex(6))) {
    fuzz::quiet_logs();
    fs::create_directories(dir / "backups");
    fs::permissions(dir / "backups", fs::perms::owner_all);
    const auto src = fuzz::source_dir();
    daemon.config = std::make_shared<const config::Config>(config::parse_config(kConfig, "fuzz.toml"));
    store::SqliteOptions o;
    o.path = (dir / "sluis.db").string();
    auto s = store::open_sqlite(o);
    if (!s) fuzz::fail("the store does not open", s.error().text);
    db = std::move(*s);
    for (int i = 0; i < 4; ++i) {
      auto m = test::sample_message("FUZZ-" + std::to_string(i));
      m.state = i % 2 ? store::State::queued : store::State::held;
      m.destination = "gem-mailbox";
      m.delivery = config::DestinationKind::mailbox;
      if (!db->commit_sync(std::move(m))) fuzz::fail("a sample message does not commit");
    }
    config::ReferenceConfig ref;
    ref.cbs_gemeenten = src / "config/reference/cbs-gemeenten.csv";
    ref.productcodes = src / "config/reference/productcodes.csv";
    contracts.catalogue = src / "config/contracts/catalogus.csv";
    contracts.coverage = src / "config/contracts/gemeenten.csv";
    contracts.tariffs = src / "config/contracts/tarieven.csv";
    contracts.ceilings = src / "config/contracts/plafonds.csv";
    contracts.degressive = src / "config/contracts/degressief.csv";
    reference = rules::load_reference(ref, contracts);

    auto read_ledger = [this](const std::function<void(const standard::ledger::LedgerView&)>& read) {
      return db->read_ledger(read);
    };
    admin::add_daemon_commands(registry, daemon);
    admin::add_store_commands(registry, *db, dir / "backups", admin::BackupSource{o.path, {}});
    admin::add_deadline_commands(registry, *db);
    admin::add_watch_commands(registry, *db);
    admin::add_retention_commands(registry, *db, [] { return config::Duration(std::chrono::hours(24 * 365)); });
    admin::add_reference_commands(
        registry, {[this] { return boost::json::object{{"gemeenten", reference->gemeenten.size()}}; },
                   [] { return std::string(); }});
    admin::add_contract_commands(
        registry, {[this](const std::string& id) -> std::optional<admin::ContractPartner> {
                     for (const auto& p : daemon.config->partners)
                       if (p.id == id) return admin::ContractPartner{p.codes, reference};
                     return std::nullopt;
                   },
                   read_ledger, [this] { return admin::PreviewContext{contracts, reference}; }});
    // The report's context as App::report_context() builds it.
    admin::add_report_commands(registry, {db.get(), [this] {
                                            admin::ReportContext c;
                                            for (const auto& p : daemon.config->partners) {
                                              c.partner_codes[p.id] = p.codes;
                                              for (const auto& code : p.codes) c.parties[code] = {p.id};
                                            }
                                            c.thresholds = daemon.config->steering;
                                            c.calendar = std::make_shared<const core::WerkdagCalendar>();
                                            c.data = reference;
                                            return c;
                                          },
                                          read_ledger,
                                          [] { return core::Result<std::vector<steering::WatchCount>>(
                                                   std::vector<steering::WatchCount>{}); }});
    peer.uid = ::getuid();
    peer.gid = ::getgid();
    peer.admin = true;
  }
  ~World() {
    db->close();
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  xml::XercesRuntime xerces;  // config-test loads schema packs
  fs::path dir;
  Daemon daemon;
  std::unique_ptr<store::Store> db;
  config::ContractsConfig contracts;
  std::shared_ptr<const rules::ReferenceData> reference;
  admin::Registry registry;
  admin::Peer peer;
};

World& world() {
  static World w;
  return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  const char* bytes = reinterpret_cast<const char*>(data);
  // admin.max_request's default (1 MiB) is above any input the fuzzer makes:
  // a smaller bound lets the refusal of a large request be reached too.
  admin::RequestReader reader(32 * 1024);
  bool done = false;
  for (std::size_t at = 0; at < size && !done; at += 4096)
    done = reader.feed(bytes + at, std::min<std::size_t>(4096, size - at));
  if (!done) reader.end();
  admin::Answer answer;
  if (reader.parsed()) {
    bool lines = false;
    answer = admin::answer_request(w.registry, reader.release(), w.peer, nullptr, &lines);
  } else if (reader.refusal()) {
    answer = *reader.refusal();
  } else {
    fuzz::fail("the reader neither parsed nor refused");
  }
  if (answer.result < admin::kOk || answer.result > admin::kEmpty) fuzz::fail("a result outside 0..3");
  const std::string written = boost::json::serialize(admin::to_json(answer));
  if (fuzz::verbose()) std::fprintf(stderr, "  %s\n", written.substr(0, 160).c_str());
  return 0;
}
