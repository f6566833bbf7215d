// sluisctl's command line against a scripted admin socket: the test serves
// the answer (any result, any rows) and reads the request sluisctl sent. Every
// exit code (0, 1, 64, 69, 77, 78), --help and --version, `--opt=value` and
// `--opt value`, arguments passed through, Dutch days sent as UTC bounds,
// tables, CSV (escaped, no formulas) and --json unchanged; validate reading
// standard input. The real daemon's side is in daemon_lifecycle_test.
#define BOOST_TEST_MODULE sluisctl
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <fstream>
#include <algorithm>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/daemon_process.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

// A Unix socket that answers every connection with the answer it was given,
// after reading the whole request (sluisctl ends its sending side). The
// socket listens before the constructor returns, so no client can come early.
class ScriptedDaemon {
 public:
  explicit ScriptedDaemon(const fs::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0)
      throw std::runtime_error("cannot listen on " + path.string());
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedDaemon() {
    ::shutdown(fd_, SHUT_RDWR);  // accept() returns
    thread_.join();
    ::close(fd_);
  }
  void answer(boost::json::object a) {
    std::lock_guard lock(mu_);
    answer_ = boost::json::serialize(a);
  }
  // The last request, parsed; requests_ counts them.
  boost::json::object request() {
    std::lock_guard lock(mu_);
    return last_.empty() ? boost::json::object{} : boost::json::parse(last_).as_object();
  }
  int requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void serve() {
    for (;;) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      for (ssize_t n; (n = ::read(c, buf, sizeof buf)) > 0;) req.append(buf, static_cast<std::size_t>(n));
      std::string out;
      {
        std::lock_guard lock(mu_);
        last_ = req;
        ++requests_;
        out = answer_ + "\n";
      }
      for (std::size_t off = 0; off < out.size();) {
        ssize_t n = ::write(c, out.data() + off, out.size() - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
      ::close(c);
    }
  }
  int fd_ = -1;
  std::thread thread_;
  std::mutex mu_;
  std::string answer_ = R"({"result":0,"text":"ok","arguments":{}})";
  std::string last_;
  int requests_ = 0;
};

struct Fixture {
  ScratchDir dir{"sluisctl"};
  fs::path socket = dir.path() / "admin.sock";
  ScriptedDaemon daemon{socket};
  std::string ctl = (bin_dir() / "tools" / "sluisctl").string();

  CommandResult run(std::vector<std::string> args) {
    std::vector<std::string> argv{ctl, "--socket", socket.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  // stdout only.
  CommandResult out(const std::string& args) {
    return run_command({"/bin/sh", "-c", "exec '" + ctl + "' --socket '" + socket.string() + "' " + args + " 2>/dev/null"});
  }
  boost::json::object args() { return daemon.request()["arguments"].is_object() ? daemon.request()["arguments"].as_object() : boost::json::object{}; }
};

boost::json::object answer(int result, std::string text, boost::json::object arguments = {}) {
  return {{"result", result}, {"text", std::move(text)}, {"arguments", std::move(arguments)}};
}

bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

const char* kRows = R"json({"messages":[
  {"id":"m1","seq":7,"law":"ijw","type":323,"state":"queued","sender_partner":"zorg","receiver_partner":"gem",
   "from":"75302186","to":"0917","identificatie":"D-1","received_at":"2026-01-15T08:30:00.000Z",
   "destination":"mailbox:gem","delivery":"mailbox","attempts":0,"next_attempt_at":"","last_error":"",
   "hold_reason":"none","shadow":false},
  {"id":"m2","seq":8,"law":"iwmo","type":301,"state":"held","sender_partner":"gem","receiver_partner":"zorg",
   "from":"0917","to":"75302186","identificatie":"=HYPERLINK(\"http://x\",\"a,b\")",
   "received_at":"2026-07-01T22:30:00.000Z","destination":"push-zorg","delivery":"push","attempts":2,
   "next_attempt_at":"","last_error":"503, then a timeout","hold_reason":"operator","shadow":false}],
  "count":2,"next":8})json";

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sluisctl, Fixture)

BOOST_AUTO_TEST_CASE(exit_codes_follow_the_answer) {
  daemon.answer(answer(0, "3 commands"));
  BOOST_TEST(run({"status-get"}).exit_code == 0);
  daemon.answer(answer(3, "no messages match", {{"messages", boost::json::array{}}, {"count", 0}}));
  auto empty = run({"queue-list", "--state", "dead"});
  BOOST_TEST(empty.exit_code == 0, empty.output);  // an empty list is success
  BOOST_TEST(has(empty.output, "no messages match"), empty.output);
  BOOST_TEST(run({"queue-summary"}).exit_code == 0);
  daemon.answer(answer(3, "no message m9"));
  BOOST_TEST(run({"message-show", "m9"}).exit_code == 1);  // one message asked for, none there
  daemon.answer(answer(1, "queue-list: law must be iwmo or ijw"));
  auto no = run({"queue-list", "--law", "wlz"});
  BOOST_TEST(no.exit_code == 1);
  BOOST_TEST(has(no.output, "law must be iwmo or ijw"), no.output);
  daemon.answer(answer(1, "niet toegestaan / not permitted: queue-list ...",
                       {{"reason", "not_permitted"}, {"command", "queue-list"}}));
  auto refused = run({"queue-list"});
  BOOST_TEST(refused.exit_code == 77, refused.output);
  BOOST_TEST(has(refused.output, "not permitted"), refused.output);
  BOOST_TEST(run({"--format", "csv", "queue-list"}).exit_code == 77);
  BOOST_TEST(run({"--json", "queue-list"}).exit_code == 77);
  daemon.answer(answer(2, "unknown command 'frobnicate'; try list-commands"));
  BOOST_TEST(run({"frobnicate"}).exit_code == 64);
}

BOOST_AUTO_TEST_CASE(an_unreachable_daemon_is_69) {
  auto r = run_command({ctl, "--socket", (dir.path() / "nobody-here.sock").string(), "status-get"});
  BOOST_TEST(r.exit_code == 69, r.output);
  BOOST_TEST(has(r.output, "cannot connect"), r.output);
  auto env = run_command({"/usr/bin/env", "SLUIS_ADMIN_SOCKET=" + (dir.path() / "nobody-here.sock").string(), ctl,
                          "queue-summary"});
  BOOST_TEST(env.exit_code == 69, env.output);
}

BOOST_AUTO_TEST_CASE(usage_errors_are_64_and_send_nothing) {
  for (std::vector<std::string> bad : {std::vector<std::string>{},
                                       {"--bogus", "status-get"},
                                       {"--format", "xml", "queue-list"},
                                       {"status-get", "--format", "csv"},  // not a list
                                       {"queue-list", "--from", "01-03-2026"},
                                       {"queue-list", "--to", "2026-02-30"},
                                       {"message-show", "m1", "m2"},
                                       {"queue-summary", "m1"},
                                       {"queue-list", "--state"},  // no value
                                       {"frobnicate", "bare-word"},
                                       {"validate"},
                                       {"validate", "--lang", "de", "x.xml"},
                                       {"validate", "--unknown", "x", "x.xml"},
                                       {"ledger-import"},
                                       {"rules-list", "--type", "999"},
                                       {"explain"}}) {
    auto r = run(bad);
    std::string line;
    for (const auto& a : bad) line += a + " ";
    BOOST_TEST(r.exit_code == 64, line << ": " << r.output);
  }
  BOOST_TEST(daemon.requests() == 0);
}

BOOST_AUTO_TEST_CASE(configuration_errors_are_78) {
  auto file = dir.write("x.xml", "<x/>");
  auto bad = dir.write("bad.toml", "log_level = \"loud\"\n");
  auto v = run({"validate", "--config", bad.string(), file.string()});
  BOOST_TEST(v.exit_code == 78, v.output);
  BOOST_TEST(has(v.output, "log_level"), v.output);
  BOOST_TEST(run({"validate", "--config", (dir.path() / "missing.toml").string(), file.string()}).exit_code == 78);
  BOOST_TEST(run({"validate", "--schemas", (dir.path() / "no-packs").string(), file.string()}).exit_code == 78);
}

// ledger-import reads the files and sends them to the daemon as one request;
// the daemon's answer decides the exit code (77 for a peer not permitted).
BOOST_AUTO_TEST_CASE(ledger_import_sends_the_files_to_the_daemon) {
  auto history = dir.path() / "history";
  fs::create_directories(history / "sub");
  std::ofstream(history / "a.xml") << "<a/>";
  std::ofstream(history / "sub" / "b.csv") << "soort;wet\n";
  std::ofstream(history / "notes.txt") << "not sent";
  daemon.answer(answer(0, "2 documents: 2 imported, 0 already imported, 0 refused",
                       {{"documents", boost::json::array{{{"name", "a.xml"}, {"type", 301}, {"outcome", "imported"},
                                                           {"findings", boost::json::array{}}}}},
                        {"providers", boost::json::array{}}, {"apply", true}}));
  auto r = run({"ledger-import", "--apply", "--batch", "5", history.string()});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(daemon.request()["command"].as_string() == "ledger-import");
  auto a = args();
  BOOST_TEST(a["apply"].as_bool() == true);
  BOOST_TEST(a["batch"].as_int64() == 5);
  const auto& docs = a["documents"].as_array();
  BOOST_TEST_REQUIRE(docs.size() == 2u);
  BOOST_TEST(docs[0].at("name").as_string() == (history / "a.xml").string());
  BOOST_TEST(docs[0].at("body").as_string() == "<a/>");
  BOOST_TEST(docs[0].at("format").as_string() == "xml");
  BOOST_TEST(docs[1].at("format").as_string() == "csv");
  BOOST_TEST(has(r.output, "a.xml: imported (301)"), r.output);

  daemon.answer(answer(1, "niet toegestaan / not permitted: ledger-import ...",
                       {{"reason", "not_permitted"}, {"command", "ledger-import"}}));
  auto refused = run({"ledger-import", history.string()});
  BOOST_TEST(refused.exit_code == 77, refused.output);
  BOOST_TEST(has(refused.output, "not permitted"), refused.output);

  // --config no longer applies (the daemon's own configuration counts): usage, nothing sent.
  const int before = daemon.requests();
  auto config = run({"ledger-import", "--config", "/etc/sluis/sluisd.toml", history.string()});
  BOOST_TEST(config.exit_code == 64, config.output);
  BOOST_TEST(has(config.output, "--socket"), config.output);
  BOOST_TEST(run({"ledger-import", "--batch", "0", history.string()}).exit_code == 64);
  BOOST_TEST(daemon.requests() == before);

  // Larger than the daemon's admin.max_request: said so, and how to raise it; not sent.
  std::ofstream(history / "big.xml") << std::string(4096, 'x');
  daemon.answer(answer(0, "running configuration", {{"config", {{"admin", {{"max_request", 2048}}}}}}));
  auto big = run({"ledger-import", history.string()});
  BOOST_TEST(big.exit_code == 1, big.output);
  BOOST_TEST(has(big.output, "admin.max_request"), big.output);
  BOOST_TEST(has(big.output, "config-reload"), big.output);
  BOOST_TEST(daemon.request()["command"].as_string() == "config-get");
}

// contract-preview's files above the daemon's admin.max_request: said so with
// how to raise it, not sent; refused by the daemon mid-way: the same text.
BOOST_AUTO_TEST_CASE(a_contract_preview_above_max_request_is_not_sent) {
  const auto file = dir.path() / "tarieven.csv";
  std::ofstream(file) << "contract;wet\n" << std::string(4096, 'x');
  daemon.answer(answer(0, "running configuration", {{"config", {{"admin", {{"max_request", "2KiB"}}}}}}));
  auto big = run({"contract-preview", file.string()});
  BOOST_TEST(big.exit_code == 1, big.output);
  BOOST_TEST(has(big.output, "sluisctl contract-preview: the files are 0.0 MiB as one admin request"), big.output);
  BOOST_TEST(has(big.output, "(admin.max_request = 0.0 MiB). Raise admin.max_request"), big.output);
  BOOST_TEST(!has(big.output, "allocations (301) first"), big.output);
  BOOST_TEST(daemon.request()["command"].as_string() == "config-get");
  // The daemon's limit was raised meanwhile, then refused it after all.
  daemon.answer(answer(1, "request larger than admin.max_request (1MiB)"));
  auto refused = run({"contract-preview", file.string()});
  BOOST_TEST(refused.exit_code == 1, refused.output);
  BOOST_TEST(has(refused.output, "sluisctl contract-preview: the files are"), refused.output);
}

BOOST_AUTO_TEST_CASE(help_and_version) {
  auto h = run({"--help"});
  BOOST_TEST(h.exit_code == 0);
  for (const char* c : {"queue-list", "message-show", "validate", "ledger-import", "Exit codes", "77"})
    BOOST_TEST(has(h.output, c), c);
  auto q = run({"queue-list", "--help"});
  BOOST_TEST(q.exit_code == 0, q.output);
  BOOST_TEST(has(q.output, "usage: sluisctl queue-list"), q.output);
  BOOST_TEST(has(q.output, "--from DAY"), q.output);
  BOOST_TEST(run({"-h"}).exit_code == 0);
  BOOST_TEST(run({"validate", "--help"}).exit_code == 0);
  auto v = run({"--version"});
  BOOST_TEST(v.exit_code == 0);
  BOOST_TEST(v.output.starts_with("sluisctl "), v.output);
  BOOST_TEST(daemon.requests() == 0);
  // A command sluisctl does not know: the daemon's help text.
  daemon.answer(answer(0, "2 commands", {{"commands", {{"frobnicate", "Frobnicates the queue."}}},
                                         {"access", {{"frobnicate", "open"}}}}));
  auto f = run({"frobnicate", "--help"});
  BOOST_TEST(f.exit_code == 0, f.output);
  BOOST_TEST(has(f.output, "Frobnicates the queue."), f.output);
  BOOST_TEST(run({"other", "--help"}).exit_code == 64);
}

BOOST_AUTO_TEST_CASE(arguments_reach_the_daemon_as_before) {
  daemon.answer(answer(3, "no messages match", {{"messages", boost::json::array{}}, {"count", 0}}));
  // --opt value and --opt=value; days are Dutch days, sent as the UTC bounds.
  BOOST_TEST(run({"queue-list", "--state=held", "--partner", "gem", "--from", "2026-03-01", "--to=2026-07-01",
                  "--limit", "5"})
                 .exit_code == 0);
  BOOST_TEST(daemon.request().at("command").as_string() == "queue-list");
  auto a = args();
  BOOST_TEST(a.at("state").as_string() == "held");
  BOOST_TEST(a.at("partner").as_string() == "gem");
  BOOST_TEST(a.at("from").as_string() == "2026-02-28T23:00:00.000Z");
  BOOST_TEST(a.at("to").as_string() == "2026-07-01T21:59:59.999Z");
  BOOST_TEST(a.at("limit").as_string() == "5");
  // The common options go after the command too.
  daemon.answer(answer(0, "message m1", {{"message", {{"id", "m1"}}}}));
  BOOST_TEST(run({"message-show", "m1", "--body", "--socket", socket.string()}).exit_code == 0);
  BOOST_TEST((args() == boost::json::object{{"id", "m1"}, {"body", "yes"}}));
  BOOST_TEST(run({"message-show", "--unmask", "no", "m1"}).exit_code == 0);
  BOOST_TEST((args() == boost::json::object{{"id", "m1"}, {"unmask", "no"}}));
  daemon.answer(answer(0, "dry run", {{"changed", boost::json::array{}}, {"dry_run", true}}));
  BOOST_TEST(run({"message-delete", "m1", "--reason", "wrong municipality", "--dry-run"}).exit_code == 0);
  BOOST_TEST((args() == boost::json::object{{"id", "m1"}, {"reason", "wrong municipality"}, {"dry-run", "yes"}}));
  BOOST_TEST(run({"backup", "copy.db"}).exit_code == 0);
  BOOST_TEST((args() == boost::json::object{{"name", "copy.db"}}));
  // An argument sluisctl does not declare goes through as a string (the daemon judges it) ...
  BOOST_TEST(run({"queue-list", "--sort", "newest"}).exit_code == 0);
  BOOST_TEST(args().at("sort").as_string() == "newest");
  BOOST_TEST(run({"queue-list", "--dest", "x"}).exit_code == 0);  // no abbreviation of --destination
  BOOST_TEST((args() == boost::json::object{{"dest", "x"}}));
  // ... and so does a command sluisctl does not know.
  BOOST_TEST(run({"frobnicate", "--level", "3", "--mode=fast"}).exit_code == 0);
  BOOST_TEST(daemon.request().at("command").as_string() == "frobnicate");
  BOOST_TEST((args() == boost::json::object{{"level", "3"}, {"mode", "fast"}}));
}

BOOST_AUTO_TEST_CASE(lists_are_tables_with_totals_in_dutch_time) {
  daemon.answer(answer(0, "2 messages (more: --after 8)", boost::json::parse(kRows).as_object()));
  auto t = out("queue-list");
  BOOST_TEST(t.exit_code == 0);
  // A header, one line per message, the totals.
  std::vector<std::string> lines;
  std::istringstream in(t.output);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  BOOST_REQUIRE_EQUAL(lines.size(), 4u);
  BOOST_TEST(lines[0].starts_with("ID  RECEIVED"), t.output);
  BOOST_TEST(lines[1].starts_with("m1  2026-01-15 09:30:00  ijw"), t.output);   // CET
  BOOST_TEST(lines[2].starts_with("m2  2026-07-02 00:30:00  iwmo"), t.output);  // CEST: the next Dutch day
  BOOST_TEST(has(lines[2], "hold: operator; 503, then a timeout"), t.output);
  BOOST_TEST(lines[3] == "-- 2 messages: 1 held, 1 queued; more: run again with --after 8", t.output);
}

BOOST_AUTO_TEST_CASE(csv_is_escaped_and_json_unchanged) {
  const auto rows = boost::json::parse(kRows).as_object();
  daemon.answer(answer(0, "2 messages", rows));
  auto c = out("--format csv queue-list");
  BOOST_TEST(c.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(c.output);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  BOOST_REQUIRE_EQUAL(lines.size(), 3u);
  BOOST_TEST(lines[0] ==
             "id,seq,received_at,law,type,state,sender_partner,receiver_partner,from,to,identificatie,destination,"
             "delivery,attempts,next_attempt_at,hold_reason,last_error,shadow\r");
  BOOST_TEST(lines[1].starts_with("m1,7,2026-01-15T09:30:00+01:00,ijw,323,queued,"), c.output);
  BOOST_TEST(has(lines[2], ",\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\","), c.output);  // no formula
  BOOST_TEST(has(lines[2], "2026-07-02T00:30:00+02:00"), c.output);
  BOOST_TEST(has(lines[2], ",\"503, then a timeout\","), c.output);
  // --json: the daemon's answer as it came, UTC.
  auto j = out("--json queue-list");
  BOOST_TEST(j.exit_code == 0);
  auto v = boost::json::parse(j.output);
  BOOST_TEST(v.at("arguments").as_object() == rows);
  BOOST_TEST(v.at("result").as_int64() == 0);
  // An empty list in CSV: the header only.
  daemon.answer(answer(3, "no messages match", {{"messages", boost::json::array{}}, {"count", 0}}));
  auto e = out("queue-list --format=csv");
  BOOST_TEST(e.exit_code == 0);
  BOOST_TEST(e.output.starts_with("id,seq,received_at,"), e.output);
  BOOST_TEST(std::count(e.output.begin(), e.output.end(), '\n') == 1, e.output);
}

// report: the rows table with lights, the reasons in both languages, the
// retourcodes with their explanation; CSV one line per row, no formulas.
BOOST_AUTO_TEST_CASE(report_tables_and_csv) {
  const char* kReport = R"json({"from":"2026-11-01","to":"2026-11-30","today":"2026-12-04","gemeente":"",
    "thresholds":{"waiting_norm_days":28,"min_count":10,"rejected":[5,15],"answers":[10,25],"waiting":[10,25]},
    "rows":[{"kind":"gemeente","code":"0935","partner":"=cmd|' /C calc'!A0","light":"red",
      "reasons":[{"light":"red","nl":"1 van 3 nieuwe toewijzingen boven de wachttijdnorm (33%, grens 25%)",
                  "en":"1 of 3 new allocations over the waiting-time norm (33%, limit 25%)"}],
      "messages":{"301":3,"305":1},"submitted":3,"accepted":2,"rejected":1,
      "retourcodes":[{"retourcode":"9019","count":1,"nl":"Toewijzing onbekend","en":"Allocation unknown"}],
      "answers":[{"kind":"retour","deadline":"3 werkdagen","opened":3,"answered":2,"late":1,"overdue":1,
                  "werkdagen":{"n":2,"median":2,"p90":5}}],
      "waiting":{"allocations":3,"started":2,"over_norm":0,"waiting_past_norm":1,"days":{"n":2,"median":7,"p90":10}},
      "inflow":3,"outflow":{"19":1},"early_endings":0,"durations":[{"categorie":"15","product":"15A02","days":{"n":1,"median":46,"p90":46}}],
      "transitions":{"15A02 -> 02A05":1},
      "nacalculatie":[{"categorie":"02","product":"02A01","eenheid":"04","allocated_volume":24,"allocated_cents":0,
                       "declared_volume":17,"declared_cents":170000,"approved_cents":120000}],
      "ceilings":[],"degressive":[]}]})json";
  daemon.answer(answer(0, "1 row(s)", boost::json::parse(kReport).as_object()));
  auto t = out("report --from 2026-11-01 --to 2026-11-30 --gemeente 0935");
  BOOST_TEST(t.exit_code == 0, t.output);
  BOOST_TEST(args().at("from").as_string() == "2026-11-01");
  BOOST_TEST(args().at("gemeente").as_string() == "0935");
  BOOST_TEST(has(t.output, "KIND      CODE  PARTNER"), t.output);
  BOOST_TEST(has(t.output, "301:3 305:1"), t.output);
  BOOST_TEST(has(t.output, "1 van 3 nieuwe toewijzingen boven de wachttijdnorm (33%, grens 25%)"), t.output);
  BOOST_TEST(has(t.output, "1 of 3 new allocations over the waiting-time norm"), t.output);
  BOOST_TEST(has(t.output, "9019        1      Toewijzing onbekend"), t.output);
  BOOST_TEST(has(t.output, "15A02 -> 02A05:1"), t.output);
  BOOST_TEST(has(t.output, "1700.00"), t.output);
  BOOST_TEST(has(t.output, "-- 1 row from 2026-11-01 to 2026-11-30: 0 green, 0 orange, 1 red (waiting-time norm 28 days)"),
             t.output);
  auto c = out("--format csv report");
  BOOST_TEST(c.exit_code == 0);
  std::vector<std::string> lines;
  std::istringstream in(c.output);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  BOOST_REQUIRE_EQUAL(lines.size(), 2u);
  BOOST_TEST(lines[0].starts_with("kind,code,partner,light,reasons,submitted,"), c.output);
  BOOST_TEST(lines[1].starts_with("gemeente,0935,'=cmd|' /C calc'!A0,red,"), c.output);  // no formula
  BOOST_TEST(has(lines[1], ",301:3 305:1,9019:1,3,1,1,retour:2,3,2,7,10,0,1,19:1,0,15A02 -> 02A05:1,0,170000,120000"),
             c.output);
}

BOOST_AUTO_TEST_CASE(summary_actions_and_message_show) {
  daemon.answer(answer(0, "3 messages",
                       {{"states", {{"queued", 2}, {"held", 1}}},
                        {"destinations", {{"mailbox:gem", {{"queued", 2}}}, {"push-zorg", {{"held", 1}}}}},
                        {"total", 3}}));
  auto s = out("queue-summary");
  BOOST_TEST(s.exit_code == 0);
  BOOST_TEST(has(s.output, "STATE   MESSAGES\nqueued  2\nheld    1\n"), s.output);  // in the states' order
  BOOST_TEST(has(s.output, "push-zorg    held    1"), s.output);
  BOOST_TEST(has(s.output, "-- 3 messages"), s.output);
  BOOST_TEST(out("queue-summary --format csv").output ==
             "destination,state,messages\r\nmailbox:gem,queued,2\r\npush-zorg,held,1\r\n");

  daemon.answer(answer(0, "1 held, 1 refused",
                       {{"action", "message-hold"},
                        {"dry_run", false},
                        {"changed", {{{"id", "m1"}, {"from", "queued"}, {"to", "held"}}}},
                        {"unchanged", boost::json::array{}},
                        {"refused", {{{"id", "m2"}, {"state", "delivering"}, {"reason", "a delivery attempt runs"}}}},
                        {"more", false}}));
  auto h = out("message-hold --state queued");
  BOOST_TEST(h.exit_code == 0);
  BOOST_TEST(has(h.output, "1 held, 1 refused\nID  OUTCOME  FROM        TO    REASON\n"), h.output);
  BOOST_TEST(has(h.output, "m2  refused  delivering        a delivery attempt runs"), h.output);
  BOOST_TEST(has(h.output, "-- 1 changed, 0 unchanged, 1 refused"), h.output);

  daemon.answer(answer(0, "message m1",
                       {{"message",
                         {{"id", "m1"},
                          {"state", "queued"},
                          {"received_at", "2026-01-15T08:30:00.000Z"},
                          {"findings", boost::json::array{}},
                          {"history",
                           {{{"seq", 1}, {"at", "2026-01-15T08:30:00.000Z"}, {"actor", "intake"}, {"uid", -1},
                             {"action", "commit"}, {"detail", ""}}}},
                          {"body", "<Bericht/>"}}}}));
  auto m = out("message-show m1 --body");
  BOOST_TEST(m.exit_code == 0);
  BOOST_TEST(has(m.output, "received_at: 2026-01-15 09:30:00 (2026-01-15T08:30:00.000Z)"), m.output);
  BOOST_TEST(has(m.output, "history:\nSEQ  AT                   ACTOR   UID  ACTION  DETAIL\n1    2026-01-15 09:30:00  intake"),
             m.output);
  BOOST_TEST(has(m.output, "body:\n<Bericht/>\n"), m.output);
}

BOOST_AUTO_TEST_CASE(list_commands_shows_the_offline_ones_too) {
  const boost::json::object cmds{{"commands", {{"status-get", "Health."}, {"queue-list", "Lists."}}},
                                 {"access", {{"status-get", "open"}, {"queue-list", "admin"}}}};
  daemon.answer(answer(0, "2 commands", cmds));
  auto l = out("list-commands");
  BOOST_TEST(l.exit_code == 0);
  BOOST_TEST(has(l.output, "queue-list    admin    Lists."), l.output);
  BOOST_TEST(has(l.output, "validate      offline"), l.output);
  BOOST_TEST(has(l.output, "store-import  offline"), l.output);
  BOOST_TEST(!has(l.output, "ledger-import"), l.output);  // a daemon command: listed when the daemon lists it
  BOOST_TEST(has(l.output, "-- 6 commands: 2 answered by the daemon, 4 offline"), l.output);
  auto j = out("list-commands --json");  // the daemon's answer, unchanged
  BOOST_TEST(boost::json::parse(j.output).at("arguments").as_object() == cmds);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(validate_reads_standard_input) {
  const std::string ctl = (bin_dir() / "tools" / "sluisctl").string();
  const std::string schemas = (source_dir() / "schemas").string();
  const auto valid = source_dir() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml";
  auto r = run_command({"/bin/sh", "-c", "exec '" + ctl + "' validate --schemas '" + schemas + "' - < '" +
                                             valid.string() + "'"});
  BOOST_TEST(r.exit_code == 0, r.output);
  BOOST_TEST(has(r.output, "-: VALID (ijw 323 Declaratie, release 3.2)"), r.output);
  auto bad = run_command({"/bin/sh", "-c", "echo '<x/>' | exec '" + ctl + "' validate --schemas='" + schemas + "' -"});
  BOOST_TEST(bad.exit_code == 1, bad.output);
  BOOST_TEST(has(bad.output, "-: INVALID"), bad.output);
}
