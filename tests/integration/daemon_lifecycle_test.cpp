// The real sluisd, started as systemd would start it: READY on the notify
// socket, sluisctl over the admin socket, SIGHUP reloads (good and bad),
// SIGTERM drains and exits 0 with the socket file gone; --check-config and
// exit code 78. Finally the daemon's whole log is searched for the synthetic
// BSN the test fed it.
#define BOOST_TEST_MODULE daemon_lifecycle
#include <signal.h>

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <set>
#include <sstream>
#include <regex>

#include "tests/support/daemon_process.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSyntheticBsn = "999990019";  // passes the 11-check, fictional

std::string config_text(const std::string& level, const std::string& extra = "") {
  return "state_dir = \"state\"\nlog_level = \"" + level +
         "\"\ndrain_timeout = \"5s\"\n[admin]\nsocket = \"state/admin.sock\"\ngroup = \"\"\n"
         "[https]\nenabled = false\n[plain]\nport = 0\n"
         "[reference]\ncbs_gemeenten = \"" + (source_dir() / "config/reference/cbs-gemeenten.csv").string() +
         "\"\nproductcodes = \"" + (source_dir() / "config/reference/productcodes.csv").string() + "\"\n"
         "[schemas]\ndir = \"" + (source_dir() / "schemas").string() + "\"\n"
         "[secrets]\nbsn_hash_key = \"file:bsn.key\"\n" +
         extra;
}

CommandResult sluisctl(const fs::path& dir, std::vector<std::string> args) {
  std::vector<std::string> argv{(bin_dir() / "tools" / "sluisctl").string(), "--socket",
                                (dir / "state" / "admin.sock").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

}  // namespace

BOOST_AUTO_TEST_CASE(start_control_reload_and_stop) {
  ScratchDir dir("lifecycle");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));

  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
  BOOST_TEST(fs::is_socket(dir.path() / "state" / "admin.sock"));

  // status-get, human and JSON.
  auto st = sluisctl(dir.path(), {"status-get"});
  BOOST_TEST(st.exit_code == 0);
  BOOST_TEST(st.output.find("pid: " + std::to_string(d.pid())) != std::string::npos, st.output);
  auto js = sluisctl(dir.path(), {"--json", "status-get"});
  BOOST_REQUIRE(js.exit_code == 0);
  auto v = boost::json::parse(js.output);
  BOOST_TEST(v.at("arguments").at("pid").as_int64() == d.pid());
  const auto& listeners = v.at("arguments").at("listeners").as_array();
  BOOST_TEST(listeners.at(0).as_string().starts_with("http://127.0.0.1:"));
  BOOST_TEST(listeners.at(1).as_string().starts_with("unix://"));
  std::string hash1(v.at("arguments").at("config_hash").as_string());

  // Unknown command: the daemon's result 2 is a usage error.
  BOOST_TEST(sluisctl(dir.path(), {"no-such-command"}).exit_code == 64);
  // config-get never shows the secret bytes.
  auto cg = sluisctl(dir.path(), {"--json", "config-get"});
  BOOST_TEST(cg.exit_code == 0);
  BOOST_TEST(cg.output.find("0123456789abcdef") == std::string::npos);

  // Reference lists: loaded at start, reloadable.
  auto rg = sluisctl(dir.path(), {"--json", "reference-get"});
  BOOST_TEST(rg.exit_code == 0, rg.output);
  BOOST_TEST(boost::json::parse(rg.output).at("arguments").at("gemeenten").as_int64() == 345);  // 342 of 2026 and 3 merged away
  BOOST_TEST(sluisctl(dir.path(), {"reference-reload"}).exit_code == 0);

  // The store: empty queue, an online backup, written only into state/backups.
  BOOST_TEST(sluisctl(dir.path(), {"queue-summary"}).exit_code == 0);  // empty is success
  // Dutch days reach the daemon as UTC bounds; an empty list is success, as a
  // table or as CSV (the header only).
  auto days = sluisctl(dir.path(), {"queue-list", "--from", "2026-03-29", "--to", "2026-10-25"});
  BOOST_TEST(days.exit_code == 0, days.output);
  BOOST_TEST(days.output.find("no messages match") != std::string::npos, days.output);
  auto csv = sluisctl(dir.path(), {"queue-list", "--format", "csv", "--state", "held"});
  BOOST_TEST(csv.exit_code == 0, csv.output);
  BOOST_TEST(csv.output == "id,seq,received_at,law,type,state,sender_partner,receiver_partner,from,to,identificatie,"
                           "destination,delivery,attempts,next_attempt_at,hold_reason,last_error,shadow\r\n",
             csv.output);
  auto cmds = sluisctl(dir.path(), {"list-commands"});
  BOOST_TEST(cmds.exit_code == 0, cmds.output);
  BOOST_TEST(std::regex_search(cmds.output, std::regex("\nvalidate +offline ")), cmds.output);
  BOOST_TEST(std::regex_search(cmds.output, std::regex("\nqueue-list +admin ")), cmds.output);
  BOOST_TEST(sluisctl(dir.path(), {"message-show", "m00000000000000000000"}).exit_code == 1);  // no such message
  auto bk = sluisctl(dir.path(), {"backup", "copy.db"});
  BOOST_TEST(bk.exit_code == 0, bk.output);
  BOOST_TEST(fs::exists(dir.path() / "state" / "backups" / "copy.db"));
  BOOST_TEST(sluisctl(dir.path(), {"backup", "copy.db"}).exit_code == 1);  // never replaced
  auto outside = sluisctl(dir.path(), {"backup", (dir.path() / "copy.db").string()});
  BOOST_TEST(outside.exit_code == 1);
  BOOST_TEST(outside.output.find("not a path") != std::string::npos, outside.output);
  BOOST_TEST(!fs::exists(dir.path() / "copy.db"));
  BOOST_TEST(d.log().find("ADMIN_BACKUP file=" + (dir.path() / "state" / "backups" / "copy.db").string() +
                          " uid=" + std::to_string(::getuid())) != std::string::npos,
             d.log());

  // Good reload via SIGHUP: RELOADING=1 then READY=1, new hash and level.
  dir.write("sluisd.toml", config_text("debug"));
  d.signal(SIGHUP);
  BOOST_REQUIRE(d.wait_for("RELOADING=1"));
  BOOST_REQUIRE(d.wait_for("READY=1"));
  auto cg2 = boost::json::parse(sluisctl(dir.path(), {"--json", "config-get"}).output);
  BOOST_TEST(cg2.at("arguments").at("config").at("log_level").as_string() == "debug");
  BOOST_TEST(cg2.at("arguments").at("hash").as_string() != hash1);

  // Bad reload: an unknown key carrying a synthetic BSN. The old config stays,
  // the error is logged (with the BSN masked) and the daemon keeps answering.
  dir.write("sluisd.toml", config_text("info", std::string("client_") + kSyntheticBsn + " = 1\n"));
  d.signal(SIGHUP);
  BOOST_REQUIRE(d.wait_for("RELOADING=1"));
  BOOST_REQUIRE(d.wait_for("READY=1"));
  auto cg3 = boost::json::parse(sluisctl(dir.path(), {"--json", "config-get"}).output);
  BOOST_TEST(cg3.at("arguments").at("config").at("log_level").as_string() == "debug");
  BOOST_TEST(d.log().find("CONFIG_RELOAD_FAILED") != std::string::npos);

  // config-test on the bad file names the error; config-reload over the socket fails too.
  auto ct = sluisctl(dir.path(), {"config-test"});
  BOOST_TEST(ct.exit_code == 1);
  BOOST_TEST(ct.output.find("sluisd.toml:18:1: unknown key 'secrets.client_") != std::string::npos, ct.output);
  BOOST_TEST(sluisctl(dir.path(), {"config-reload"}).exit_code == 1);
  // Fixed again: reload over the socket works.
  dir.write("sluisd.toml", config_text("notice"));
  BOOST_TEST(sluisctl(dir.path(), {"config-reload"}).exit_code == 0);

  // SIGTERM: STOPPING=1, exit 0, socket file removed.
  d.signal(SIGTERM);
  auto code = d.wait_exit();
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0);
  bool stopping = false;
  for (const auto& n : d.notifications()) stopping |= n.find("STOPPING=1") != std::string::npos;
  BOOST_TEST(stopping);
  BOOST_TEST(!fs::exists(dir.path() / "state" / "admin.sock"));

  // Privacy: the synthetic BSN never reached the log in clear.
  std::string log = d.log();
  BOOST_TEST(log.find(kSyntheticBsn) == std::string::npos, log);
  BOOST_TEST(log.find("DAEMON_STOPPED") != std::string::npos);
}

// The real sluisd and sluisctl, the client run as another user (nobody) with
// setpriv: the daemon learns who it is from SO_PEERCRED alone. Every command
// but the four open ones is refused with sluisctl's exit 77; the open ones
// answer.
BOOST_AUTO_TEST_CASE(admin_commands_need_an_admin_peer) {
  if (::geteuid() != 0) {
    BOOST_TEST_MESSAGE("not root: cannot run sluisctl as another user; skipped");
    return;
  }
  ScratchDir dir("admin-peer");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
  // Let nobody reach the socket and run a copy of sluisctl: whether it may
  // connect is the file system's business, what it may do the daemon's.
  const fs::path ctl = dir.path() / "sluisctl";
  fs::copy_file(bin_dir() / "tools" / "sluisctl", ctl);
  fs::permissions(ctl, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(dir.path() / "state", fs::perms::owner_all | fs::perms::others_exec | fs::perms::group_exec);
  fs::permissions(dir.path() / "state" / "admin.sock", fs::perms::all & ~(fs::perms::owner_exec | fs::perms::group_exec |
                                                                           fs::perms::others_exec));
  // ledger-import reads its files first (as the caller): one nobody may read.
  const fs::path history = dir.write("history.xml", "<Bericht/>");
  fs::permissions(history, fs::perms::owner_all | fs::perms::others_read);
  auto as_nobody = [&](const std::string& command) {
    std::vector<std::string> argv{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                  ctl.string(), "--socket", (dir.path() / "state" / "admin.sock").string(), command};
    if (command == "ledger-import") argv.push_back(history.string());
    if (command == "contract-preview") argv.push_back(history.string());  // any readable file
    return run_command(argv);
  };

  auto list = sluisctl(dir.path(), {"--json", "list-commands"});
  BOOST_REQUIRE_EQUAL(list.exit_code, 0);
  const auto access = boost::json::parse(list.output).at("arguments").at("access").as_object();
  std::set<std::string> open;
  for (const auto& [name, kind] : access)
    if (kind.as_string() == "open") open.insert(std::string(name));
  BOOST_TEST((open == std::set<std::string>{"list-commands", "queue-summary", "reference-get", "status-get"}));
  for (const char* reads : {"message-show", "queue-list", "orphan-list", "overdue", "config-get", "config-test",
                            "contract-show", "contract-preview", "degressive-status", "report", "watches"})
    BOOST_TEST(access.at(reads).as_string() == "admin", reads);
  for (const char* changes :
       {"backup", "config-reload", "shutdown", "message-delete", "prune", "reference-reload", "ledger-import"})
    BOOST_TEST(access.at(changes).as_string() == "change", changes);

  for (const auto& [name, kind] : access) {
    auto r = as_nobody(std::string(name));
    if (kind.as_string() == "open") {
      BOOST_TEST(r.exit_code == 0, name << ": " << r.output);
    } else {
      BOOST_TEST(r.exit_code == 77, name << ": " << r.output);
      BOOST_TEST(r.output.find("not permitted") != std::string::npos, r.output);
      BOOST_TEST(r.output.find("uid 65534") != std::string::npos, r.output);
    }
  }
  BOOST_TEST(d.log().find("ADMIN_COMMAND_REFUSED command=shutdown uid=65534") != std::string::npos, d.log());
  BOOST_TEST(!fs::exists(dir.path() / "state" / "backups"));
  // Still running, and root is an admin peer.
  BOOST_TEST(sluisctl(dir.path(), {"config-get"}).exit_code == 0);
  d.signal(SIGTERM);
  BOOST_TEST(d.wait_exit().value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(admin_shutdown_command_stops_the_daemon) {
  ScratchDir dir("shutdown");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE(d.wait_for("READY=1"));
  BOOST_TEST(sluisctl(dir.path(), {"shutdown"}).exit_code == 0);
  auto code = d.wait_exit();
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0);
  BOOST_TEST(d.log().find("uid=" + std::to_string(::getuid())) != std::string::npos);
}

// The watches run from the start: `sluisctl watches` answers (nothing open on
// a fresh store: result 3, exit 0, as a table too) and refuses an unknown
// kind; the start-up scan fails nothing.
BOOST_AUTO_TEST_CASE(the_watches_answer_from_the_start) {
  ScratchDir dir("watches");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
  auto js = sluisctl(dir.path(), {"--json", "watches"});
  BOOST_TEST(js.exit_code == 0, js.output);
  auto answer = boost::json::parse(js.output).as_object();
  BOOST_TEST(answer.at("result").as_int64() == 3);
  BOOST_TEST(answer.at("arguments").at("cases").as_array().empty());
  auto table = sluisctl(dir.path(), {"watches", "--partner", "gemeente-m", "--closed"});
  BOOST_TEST(table.exit_code == 0, table.output);
  auto bad = sluisctl(dir.path(), {"watches", "--kind", "no_such_kind"});
  BOOST_TEST(bad.exit_code == 1, bad.output);
  BOOST_TEST(bad.output.find("unknown kind") != std::string::npos, bad.output);
  d.signal(SIGTERM);
  BOOST_TEST(d.wait_exit().value_or(-1) == 0);
  BOOST_TEST(d.log().find("WATCH_SCAN_FAILED") == std::string::npos, d.log());
}

// The store keeps the fingerprint of the BSN hash key it was written with
// (status-get shows it); started with another key, sluisd refuses with exit 78
// and names both fingerprints, never a key.
BOOST_AUTO_TEST_CASE(a_store_written_with_another_bsn_key_is_refused) {
  ScratchDir dir("bsnkey");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  std::string fingerprint;
  {
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
    auto js = sluisctl(dir.path(), {"--json", "status-get"});
    BOOST_REQUIRE(js.exit_code == 0);
    fingerprint = boost::json::parse(js.output).at("arguments").at("bsn_key_fingerprint").as_string().c_str();
    BOOST_TEST(std::regex_match(fingerprint, std::regex("[0-9a-f]{32}")), fingerprint);
    BOOST_TEST(js.output.find("0123456789abcdef") == std::string::npos);
    d.signal(SIGTERM);
    BOOST_REQUIRE(d.wait_exit().value_or(-1) == 0);
  }
  {  // the same key again: fine, the same fingerprint
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
    auto js = sluisctl(dir.path(), {"--json", "status-get"});
    BOOST_TEST(boost::json::parse(js.output).at("arguments").at("bsn_key_fingerprint").as_string() == fingerprint);
    d.signal(SIGTERM);
    BOOST_REQUIRE(d.wait_exit().value_or(-1) == 0);
  }
  dir.write("bsn.key", "fedcba9876543210fedcba9876543210\n");
  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  auto code = d.wait_exit();
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 78, d.log());
  const std::string log = d.log();
  BOOST_TEST(log.find("DAEMON_BSN_KEY_MISMATCH") != std::string::npos, log);
  BOOST_TEST(log.find("store=" + fingerprint) != std::string::npos, log);
  std::smatch m;
  BOOST_TEST(std::regex_search(log, m, std::regex("configured=([0-9a-f]{32})")), log);
  BOOST_TEST(m[1].str() != fingerprint);
  BOOST_TEST(log.find("fedcba9876543210") == std::string::npos, log);
  BOOST_TEST(log.find("0123456789abcdef") == std::string::npos, log);
  BOOST_TEST(!fs::exists(dir.path() / "state" / "admin.sock"));
}

BOOST_AUTO_TEST_CASE(second_daemon_on_the_same_socket_is_refused) {
  ScratchDir dir("twice");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess first(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE(first.wait_for("READY=1"));
  DaemonProcess second(dir.path(), {"--config", cfg.string()});
  auto code = second.wait_exit();
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 1);
  BOOST_TEST(second.log().find("another sluisd") != std::string::npos);
  // The first one still answers.
  BOOST_TEST(sluisctl(dir.path(), {"status-get"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(check_config_exit_codes) {
  ScratchDir dir("check");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto good = dir.write("good.toml", config_text("info"));
  auto bad = dir.write("bad.toml", "log_level = \"loud\"\n[admin]\nmax_connections = -1\n");
  std::string sluisd = (bin_dir() / "sluisd").string();
  auto ok = run_command({sluisd, "--check-config", "--config", good.string()});
  // Relative secret paths resolve against the working directory: run from dir.
  (void)ok;
  auto r = run_command({"/bin/sh", "-c", "cd '" + dir.path().string() + "' && '" + sluisd +
                                             "' --check-config --config good.toml"});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(r.output.find("OK") != std::string::npos);
  auto b = run_command({sluisd, "--check-config", "--config", bad.string()});
  BOOST_TEST(b.exit_code == 78);
  BOOST_TEST(b.output.find("bad.toml:1:13: log_level") != std::string::npos, b.output);
  BOOST_TEST(b.output.find("bad.toml:3:19: admin.max_connections: -1 is out of range") !=
                 std::string::npos,
             b.output);
  // Starting with a bad config exits 78 too (systemd: RestartPreventExitStatus=78).
  auto s = run_command({sluisd, "--config", bad.string()});
  BOOST_TEST(s.exit_code == 78);
  auto v = run_command({sluisd, "--version"});
  BOOST_TEST(v.exit_code == 0);
  BOOST_TEST(v.output.starts_with("sluisd "));
}

BOOST_AUTO_TEST_CASE(sluisctl_validate_works_offline) {
  std::string ctl = (bin_dir() / "tools" / "sluisctl").string();
  std::string schemas = (source_dir() / "schemas").string();
  auto corpus = source_dir() / "tests/conformance/xsd/ijw/323";
  std::string valid, invalid;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (e.path().extension() != ".xml") continue;
    (e.path().filename().string().starts_with("valid-") ? valid : invalid) = e.path().string();
  }
  BOOST_REQUIRE(!valid.empty() && !invalid.empty());
  auto ok = run_command({ctl, "validate", valid, "--schemas", schemas});
  BOOST_TEST(ok.exit_code == 0, ok.output);
  BOOST_TEST(ok.output.find("VALID (ijw 323 Declaratie, release 3.2)") != std::string::npos, ok.output);
  auto bad = run_command({ctl, "validate", "--json", valid, invalid, "--schemas", schemas, "--lang", "en"});
  BOOST_TEST(bad.exit_code == 1);
  // One JSON object per file, one per line.
  auto nl = bad.output.find('\n');
  auto first = boost::json::parse(bad.output.substr(0, nl));
  auto second = boost::json::parse(bad.output.substr(nl + 1));
  BOOST_TEST(first.at("verdict").as_string() == "valid");
  BOOST_TEST(second.at("verdict").as_string() == "invalid");
  BOOST_TEST(!second.at("findings").as_array().empty());
  // Without --lang every finding is explained in Dutch and in English; with it, in one.
  auto human = run_command({ctl, "validate", invalid, "--schemas", schemas});
  BOOST_TEST(human.output.find("INVALID") != std::string::npos);
  BOOST_TEST(human.output.find("  nl: Het bericht voldoet niet aan het XSD-schema bij /Bericht/") != std::string::npos,
             human.output);
  BOOST_TEST(human.output.find("  en: The message does not conform to the XSD schema at /Bericht/") !=
                 std::string::npos,
             human.output);
  auto dutch = run_command({ctl, "validate", invalid, "--schemas", schemas, "--lang", "nl"});
  BOOST_TEST(dutch.output.find("Het bericht voldoet niet") != std::string::npos, dutch.output);
  BOOST_TEST(dutch.output.find("does not conform") == std::string::npos, dutch.output);
  // --law: a message of the other law is not one of the active packs.
  BOOST_TEST(run_command({ctl, "validate", "--law", "iwmo", valid, "--schemas", schemas}).exit_code == 1);
  BOOST_TEST(run_command({ctl, "validate", "--law", "ijw", valid, "--schemas", schemas}).exit_code == 0);
  BOOST_TEST(run_command({ctl, "validate"}).exit_code == 64);
  BOOST_TEST(run_command({ctl, "validate", "/nonexistent.xml", "--schemas", schemas}).exit_code == 64);
  // The rules run too: a schema-valid declaration whose period is not one month is INVALID by CS340,
  // and an unknown municipality by TR378 (S300) once the reference lists are given.
  ScratchDir dir("validate-rules");
  std::string doc;
  {
    std::ifstream in(valid);
    std::stringstream ss;
    ss << in.rdbuf();
    doc = ss.str();
  }
  auto half = std::regex_replace(doc, std::regex("<ijw:Einddatum>2026-02-28</ijw:Einddatum>\\s*</jw323:DeclaratiePeriode>"),
                                 "<ijw:Einddatum>2026-02-15</ijw:Einddatum></jw323:DeclaratiePeriode>");
  BOOST_REQUIRE(half != doc);
  std::ofstream(dir.path() / "half.xml") << half;
  auto cs340 = run_command({ctl, "validate", (dir.path() / "half.xml").string(), "--schemas", schemas, "--lang", "en"});
  BOOST_TEST(cs340.exit_code == 1, cs340.output);
  BOOST_TEST(cs340.output.find("CS340: DeclaratiePeriode 2026-02-01 – 2026-02-15 is not one calendar month") !=
                 std::string::npos, cs340.output);
  auto unknown = std::regex_replace(doc, std::regex("<jw323:Ontvanger>[0-9]{4}</jw323:Ontvanger>"),
                                    "<jw323:Ontvanger>0001</jw323:Ontvanger>");
  std::ofstream(dir.path() / "unknown.xml") << unknown;
  std::string reference = (source_dir() / "config/reference").string();
  auto s300 = run_command({ctl, "validate", "--json", (dir.path() / "unknown.xml").string(), "--schemas", schemas,
                           "--reference", reference});
  BOOST_TEST(s300.exit_code == 1, s300.output);
  auto j = boost::json::parse(s300.output);
  bool found = false;
  for (const auto& f : j.at("findings").as_array()) found |= f.at("retourcode").as_string() == "S300";
  BOOST_TEST(found, s300.output);
  // The rule catalog and explanations work offline.
  auto list = run_command({ctl, "rules-list", "--type", "323"});
  BOOST_TEST(list.exit_code == 0, list.output);
  BOOST_TEST(std::regex_search(list.output, std::regex("\nCS340 +0001 ")), list.output);
  auto list_csv = run_command({ctl, "rules-list", "--type", "323", "--format", "csv"});
  BOOST_TEST(list_csv.output.starts_with("id,retourcode,level,messages,text\r\n"), list_csv.output);
  BOOST_TEST(list.output.find("TR006") == std::string::npos);  // a 301 rule
  auto ex = run_command({ctl, "explain", "8848", "--lang", "en"});
  BOOST_TEST(ex.exit_code == 0, ex.output);
  BOOST_TEST(ex.output.find("TR135") != std::string::npos, ex.output);
  BOOST_TEST(run_command({ctl, "explain", "XXXX"}).exit_code == 1);
}

BOOST_AUTO_TEST_CASE(watchdog_pings_when_systemd_asks_for_it) {
  ScratchDir dir("watchdog");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess d(dir.path(), {"--config", cfg.string()}, {{"WATCHDOG_USEC", "200000"}});
  BOOST_REQUIRE(d.wait_for("READY=1"));
  BOOST_TEST(d.wait_for("WATCHDOG=1"));
  BOOST_TEST(d.wait_for("WATCHDOG=1"));  // and again: a timer, not a one-off
  d.signal(SIGTERM);
  BOOST_TEST(d.wait_exit().value_or(-1) == 0);
}

namespace {

fs::path store_file(const fs::path& dir) { return dir / "state" / "sluis.db"; }

void stop_cleanly(DaemonProcess& d) {
  d.signal(SIGTERM);
  BOOST_REQUIRE(d.wait_exit().value_or(-1) == 0);
}

bool has(const std::string& log, std::string_view what) { return log.find(what) != std::string::npos; }

}  // namespace

// Restart to ready without reading the whole store: after a clean shutdown
// the integrity check runs after READY=1; after a kill, or on a file changed
// since, at the start as always; damage the marker cannot see is found by the
// background check.
BOOST_AUTO_TEST_CASE(a_clean_shutdown_moves_the_integrity_check_off_the_start_path) {
  ScratchDir dir("cleanstop");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  auto cfg = dir.write("sluisd.toml", config_text("info"));
  const fs::path marker = store_file(dir.path()).string() + ".clean";
  {  // A new store: checked at open; the clean stop leaves the marker.
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), d.log());
    BOOST_TEST(!has(d.log(), "DAEMON_STORE_CHECK_DEFERRED"), d.log());
    stop_cleanly(d);
  }
  BOOST_REQUIRE(fs::exists(marker));
  {  // Closed cleanly: the check after READY=1, and it passes.
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), d.log());
    BOOST_TEST(!fs::exists(marker), "taken at open");
    BOOST_REQUIRE_MESSAGE(d.wait_for("STATUS=serving; store integrity check passed"), d.log());
    BOOST_TEST(has(d.log(), "DAEMON_STORE_CHECK_DEFERRED"));
    BOOST_TEST(has(d.log(), "DAEMON_STORE_CHECK_PASSED"));
    auto m = sluisctl(dir.path(), {"--json", "status-get"});
    BOOST_TEST(m.exit_code == 0);
    d.signal(SIGKILL);
    d.wait_exit();
  }
  BOOST_TEST(!fs::exists(marker), "a kill leaves none");
  {  // After the kill: checked at the start.
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), d.log());
    BOOST_TEST(!has(d.log(), "DAEMON_STORE_CHECK_DEFERRED"), d.log());
    stop_cleanly(d);
  }
  BOOST_REQUIRE(fs::exists(marker));
  {  // The file changed since the clean stop (here only its time): checked at the start.
    fs::last_write_time(store_file(dir.path()), fs::last_write_time(store_file(dir.path())) + std::chrono::seconds(1));
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), d.log());
    BOOST_TEST(!has(d.log(), "DAEMON_STORE_CHECK_DEFERRED"), d.log());
    stop_cleanly(d);
  }
  BOOST_REQUIRE(fs::exists(marker));
  {  // Damage the marker cannot see (same size, same time): the background check finds it.
    const fs::path db = store_file(dir.path());
    const auto when = fs::last_write_time(db);
    const auto size = fs::file_size(db);
    BOOST_REQUIRE(size >= 8192);
    {
      std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(size - 4096));
      const std::string garbage(4096, '\x5a');
      f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    fs::last_write_time(db, when);
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), d.log());
    BOOST_REQUIRE_MESSAGE(d.wait_for("STATUS=serving; STORE DAMAGED: the integrity check failed (see the log)"), d.log());
    BOOST_TEST(has(d.log(), "DAEMON_STORE_CHECK_FAILED"), d.log());
    stop_cleanly(d);
  }
  {  // Stopped cleanly once more, but the damage stays: the marker no longer names
     // the file's content, yet its size and time match. The start after a kill
     // checks at open and refuses the damaged store.
    fs::remove(marker);
    DaemonProcess d(dir.path(), {"--config", cfg.string()});
    auto code = d.wait_exit();
    BOOST_REQUIRE(code.has_value());
    BOOST_TEST(*code != 0, d.log());
    BOOST_TEST(has(d.log(), "integrity check"), d.log());
  }
}
