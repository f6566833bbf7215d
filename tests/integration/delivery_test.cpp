// Routing and delivery end to end: a real sluisd, a receiver's HTTPS endpoint
// (tests/support/push-receiver.py: mutual TLS, pinned CA) and a drop
// directory. A provider's 323 routed to the municipality's push endpoint
// arrives once with its id; failures back off and recover; a crash during a
// delivery redelivers under the same id; an intermediary's drop destination
// holds messages until it is live, then files appear whole; a code that
// routes nowhere is refused; a message an operator releases or requeues is
// pushed at once, not at the scheduler's next scan.
#define BOOST_TEST_MODULE delivery
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include "tests/support/files.hpp"
#include "tests/support/test_gateway.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The receiver's endpoint as a child process.
struct Receiver {
  explicit Receiver(const TestGateway& g) : dir(g.dir.path() / "receiver") {
    fs::create_directories(dir);
    pid = ::fork();
    if (pid == 0) {
      std::string script = (source_dir() / "tests/support/push-receiver.py").string();
      ::execlp("python3", "python3", script.c_str(), dir.c_str(), g.pki("server.pem").c_str(),
               g.pki("server.key").c_str(), g.pki("ca.pem").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 1000 && !fs::exists(dir / "port"); ++i) std::this_thread::sleep_for(10ms);
    if (!fs::exists(dir / "port")) throw std::runtime_error("push-receiver.py did not start");
    port = slurp(dir / "port");
  }
  ~Receiver() {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  void mode(const std::string& m) const {
    std::ofstream(dir / "mode.tmp") << m;
    fs::rename(dir / "mode.tmp", dir / "mode");
  }
  // Ids of requests answered 2xx (received.jsonl), in order.
  std::vector<std::string> received() const {
    std::vector<std::string> ids;
    std::istringstream in(slurp(dir / "received.jsonl"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) ids.emplace_back(boost::json::parse(line).at("id").as_string());
    return ids;
  }
  std::string record(const std::string& id) const {
    std::istringstream in(slurp(dir / "received.jsonl"));
    for (std::string line; std::getline(in, line);)
      if (line.find(id) != std::string::npos) return line;
    return {};
  }
  // Ids of every request as it arrived (started.log).
  std::vector<std::string> started() const {
    std::vector<std::string> ids;
    std::istringstream in(slurp(dir / "started.log"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) ids.push_back(line);
    return ids;
  }
  fs::path dir;
  pid_t pid = -1;
  std::string port;
};

Receiver* rx = nullptr;
bool regio_live = false;

std::string partners(TestGateway& g) {
  if (!rx) rx = new Receiver(g);  // the PKI exists now; the config needs the receiver's port
  std::ostringstream c;
  c << g.corpus_partners()
    << g.partner("regio", "intermediair", "\"0935\", \"0938\"", "notenrolled.pem",
                 std::string("mode = \"") + (regio_live ? "live" : "not_enrolled") + "\"\n")
    << g.partner("gem2", "gemeente", "\"0928\"", "shadow.pem")
    // The same endpoint, but the CA pinned for it is not the one that signed its certificate.
    << "[[destinations]]\nid = \"gem2-push\"\nkind = \"push\"\npartner = \"gem2\"\n"
    << "url = \"https://127.0.0.1:" << rx->port << "/sluis/in\"\nca = \"" << g.pki("other-ca.pem") << "\"\n"
    << "client_cert = \"" << g.pki("stranger.pem") << "\"\nclient_key = \"" << g.pki("stranger.key") << "\"\n"
    << "[[routes]]\nreceivers = [\"0928\"]\ndestination = \"gem2-push\"\n"
    << "[[destinations]]\nid = \"gem-push\"\nkind = \"push\"\npartner = \"gem\"\n"
    << "url = \"https://127.0.0.1:" << rx->port << "/sluis/in\"\nca = \"" << g.pki("ca.pem") << "\"\n"
    << "client_cert = \"" << g.pki("stranger.pem") << "\"\nclient_key = \"" << g.pki("stranger.key") << "\"\n"
    // No timeout of its own: a short one times an attempt out on a loaded machine, and the counts
    // below expect one attempt per message; the default (30 s) does not.
    << "concurrency = 2\n"
    << "[[destinations]]\nid = \"regio-drop\"\nkind = \"drop\"\npartner = \"regio\"\n"
    << "directory = \"" << (g.dir.path() / "drop").string() << "\"\n"
    << "[[routes]]\nlaw = \"ijw\"\ntypes = [323]\nreceivers = [\"0917\"]\ndestination = \"gem-push\"\n"
    << "[[routes]]\nreceivers = [\"0935\", \"0938\"]\ndestination = \"regio-drop\"\n";
  return c.str();
}

const char* kDelivery =
    "[delivery]\nmin_backoff = \"200ms\"\nmax_backoff = \"400ms\"\nmax_lifetime = \"1h\"\n"
    "scan_interval = \"50ms\"\npickup_interval = \"50ms\"\n";

TestGateway* g = nullptr;

struct Global {
  Global() { g = new TestGateway("delivery", partners, kDelivery); }
  ~Global() {
    g->daemon->signal(SIGTERM);
    g->daemon->wait_exit();
    delete g;
    delete rx;
  }
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

int serial = 0;
// A provider's 323 with a fresh identification, to `ontvanger`.
std::string declaration(const std::string& ontvanger) {
  std::string xml = slurp(source_dir() / "tests/conformance/xsd/ijw/323/valid-declaratie.xml");
  xml = std::regex_replace(xml, std::regex("Identificatie>DECL-2602-01<"),
                           "Identificatie>DLV-" + std::to_string(++serial) + "<");
  return std::regex_replace(xml, std::regex("<jw323:Ontvanger>0917<"), "<jw323:Ontvanger>" + ontvanger + "<");
}

std::string submit(const std::string& ontvanger) {
  auto h = g->post_xml("provider", "/v1/messages", declaration(ontvanger));
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  return std::string(boost::json::parse(h.body).at("id").as_string());
}

boost::json::object show(const std::string& id, const TestGateway& on = *g) {
  auto r = on.sluisctl({"--json", "message-show", id});
  return boost::json::parse(r.output).at("arguments").at("message").as_object();
}

std::string state_of(const std::string& id, const TestGateway& on = *g) {
  return std::string(show(id, on).at("state").as_string());
}

// Polls until `state` (bounded; the scheduler scans every 50 ms).
bool reaches(const std::string& id, const std::string& state, std::chrono::seconds bound = 20s,
             const TestGateway& on = *g) {
  auto end = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < end) {
    if (state_of(id, on) == state) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

template <class F>
bool until(F cond, std::chrono::seconds bound = 20s) {
  auto end = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_declaration_is_pushed_once_with_its_id_and_acknowledged) {
  rx->mode("ok");
  auto id = submit("0917");
  BOOST_REQUIRE_MESSAGE(reaches(id, "acknowledged"), g->daemon->log());
  auto m = show(id);
  BOOST_TEST(m.at("attempts").as_int64() == 1);
  auto rec = boost::json::parse(rx->record(id)).as_object();
  BOOST_TEST(rec.at("law").as_string() == "ijw");
  BOOST_TEST(rec.at("type").as_string() == "323");
  BOOST_TEST(rec.at("client").as_string() == "stranger");  // sluis's client certificate
  // Byte for byte: the receiver got what the provider sent.
  BOOST_TEST(rec.at("size").as_int64() == m.at("size").as_int64());
  BOOST_TEST(rec.at("sha256").as_string() == m.at("sha256").as_string());
  // Pushed, so not in the municipality's mailbox as well.
  auto mb = g->curl("gemeente", "/v1/mailbox");
  BOOST_TEST(mb.body.find(id) == std::string::npos, mb.body);
  BOOST_TEST(g->curl("gemeente", "/v1/mailbox/" + id).status == 404);
  auto r = rx->received();
  BOOST_TEST(std::count(r.begin(), r.end(), id) == 1);
}

BOOST_AUTO_TEST_CASE(the_municipalitys_325_goes_back_to_the_providers_mailbox) {
  // The 325 answering the first pushed declaration (DLV-1), sent by the municipality.
  std::string xml = slurp(source_dir() / "tests/conformance/xsd/ijw/325/valid-prestatie-rejected.xml");
  xml = std::regex_replace(xml, std::regex("Identificatie>DECL-2602-01<"), "Identificatie>DLV-1<");
  auto h = g->post_xml("gemeente", "/v1/messages", xml);
  BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
  std::string id(boost::json::parse(h.body).at("id").as_string());
  auto m = show(id);
  BOOST_TEST(std::string(m.at("destination").as_string()) == "mailbox:zorg");
  auto mb = g->curl("provider", "/v1/mailbox");
  BOOST_TEST(mb.body.find(id) != std::string::npos, mb.body);
  auto body = g->curl("provider", "/v1/mailbox/" + id);
  BOOST_TEST(body.status == 200);
  BOOST_TEST(body.body == xml);
  BOOST_TEST(g->curl("provider", "/v1/mailbox/" + id + "/ack", {"-X", "POST"}).status == 200);
  BOOST_TEST(state_of(id) == "acknowledged");
}

BOOST_AUTO_TEST_CASE(a_receiver_answering_500_is_retried_with_backoff_until_it_recovers) {
  rx->mode("500");
  auto id = submit("0917");
  BOOST_REQUIRE(until([&] { return show(id).at("attempts").as_int64() >= 3; }));
  auto m = show(id);
  BOOST_TEST(std::string(m.at("state").as_string()) != "acknowledged");
  BOOST_TEST(std::string(m.at("last_error").as_string()).find("HTTP 500") != std::string::npos);
  rx->mode("ok");
  BOOST_REQUIRE(reaches(id, "acknowledged"));
  auto r = rx->received();
  BOOST_TEST(std::count(r.begin(), r.end(), id) == 1);
  // Each attempt is timed by kind and result (sluis_delivery_attempt_duration_seconds).
  BOOST_TEST(until([&] {
    return g->metric("sluis_delivery_attempt_duration_seconds_count{kind=\"push\",result=\"deferred\"}") >= 3 &&
           g->metric("sluis_delivery_attempt_duration_seconds_count{kind=\"push\",result=\"delivered\"}") >= 1;
  }));
  BOOST_TEST(g->metric("sluis_delivery_attempt_duration_seconds_count{kind=\"drop\",result=\"dead\"}") == 0);
  // The push destinations' pinned CAs and sluis's client certificate: their expiry, in the future.
  const long now = static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (const auto& [file, kind] : {std::pair<std::string, std::string>{"other-ca.pem", "push_ca"},
                                   {"ca.pem", "push_ca"},
                                   {"stranger.pem", "client"}})
    BOOST_TEST(g->metric("sluis_tls_certificate_expiry_seconds{file=\"" + g->pki(file) + "\",kind=\"" + kind +
                         "\"}") > now,
               file);
}

BOOST_AUTO_TEST_CASE(a_permanent_refusal_is_dead_with_a_reason_and_can_be_requeued) {
  rx->mode("403");
  auto id = submit("0917");
  BOOST_REQUIRE(reaches(id, "dead"));
  auto m = show(id);
  std::string reason(m.at("last_error").as_string());
  BOOST_TEST(reason.find("refused by the receiver") != std::string::npos, reason);
  BOOST_TEST(reason.find("HTTP 403") != std::string::npos, reason);
  rx->mode("ok");
  auto rq = g->sluisctl({"message-requeue", id});
  BOOST_TEST(rq.exit_code == 0, rq.output);
  BOOST_REQUIRE(reaches(id, "acknowledged"));
}

// A receiver that answers with the client's BSN (in spellings core::scrub
// alone misses), control characters and broken UTF-8: what sluis keeps and
// logs of it is masked printable text; message-show still answers JSON.
BOOST_AUTO_TEST_CASE(a_receivers_error_answer_is_scrubbed_before_it_is_kept_or_logged) {
  rx->mode("echo");
  auto id = submit("0917");
  BOOST_REQUIRE_MESSAGE(reaches(id, "dead"), g->daemon->log());
  auto m = show(id);  // parses: the answer is valid JSON
  std::string reason(m.at("last_error").as_string());
  BOOST_TEST(reason.find("HTTP 400: client ********* (*********) onbekend X-Forged: yes? ") != std::string::npos,
             reason);
  BOOST_TEST(reason.size() < 400u, reason);
  for (const char* shape : {"999978366", "999.978.366", "999 978 366"}) {
    BOOST_TEST(reason.find(shape) == std::string::npos, reason);
    BOOST_TEST(g->daemon->log().find(shape) == std::string::npos, shape);
  }
  for (char c : reason) BOOST_TEST((c >= 0x20 && c < 0x7f), reason);
  // Not in the store's files either (the stored message itself holds the
  // BSN as sent, so only the spellings the receiver made up are looked for).
  for (const char* file : {"sluis.db", "sluis.db-wal"}) {
    std::string raw = slurp(g->dir.path() / "state" / file);
    BOOST_TEST(raw.find("999.978.366") == std::string::npos, file);
    BOOST_TEST(raw.find("999 978 366") == std::string::npos, file);
    BOOST_TEST(raw.find("X-Forged: yes\r") == std::string::npos, file);
  }
  rx->mode("ok");
  BOOST_TEST(g->sluisctl({"message-requeue", id}).exit_code == 0);
  BOOST_REQUIRE(reaches(id, "acknowledged"));
}

BOOST_AUTO_TEST_CASE(a_crash_during_delivery_redelivers_under_the_same_id) {
  rx->mode("hang");
  auto id = submit("0917");
  BOOST_REQUIRE(until([&] {
    auto s = rx->started();
    return std::count(s.begin(), s.end(), id) == 1;
  }));
  BOOST_TEST(state_of(id) == "delivering");
  g->daemon->signal(SIGKILL);
  g->daemon->wait_exit();
  rx->mode("ok");
  g->daemon = std::make_unique<DaemonProcess>(g->dir.path(), std::vector<std::string>{"--config", "sluisd.toml"});
  BOOST_REQUIRE_MESSAGE(g->daemon->wait_for("READY=1"), g->daemon->log());
  BOOST_REQUIRE(reaches(id, "acknowledged"));
  // Delivered twice under one id (at least once); a receiver keeping the ids
  // it has seen takes it exactly once.
  auto s = rx->started();
  BOOST_TEST(std::count(s.begin(), s.end(), id) >= 2);
  auto r = rx->received();
  std::set<std::string> distinct(r.begin(), r.end());
  BOOST_TEST(distinct.count(id) == 1u);
}

BOOST_AUTO_TEST_CASE(an_intermediary_not_live_gets_its_messages_when_it_goes_live) {
  auto a = submit("0935");
  auto b = submit("0938");
  for (const auto& id : {a, b}) {
    BOOST_TEST(state_of(id) == "held");
    BOOST_TEST(std::string(show(id).at("hold_reason").as_string()) == "receiver_not_live");
    BOOST_TEST(std::string(show(id).at("destination").as_string()) == "regio-drop");
  }
  BOOST_TEST(!fs::exists(g->dir.path() / "drop" / (a + ".xml")));
  regio_live = true;
  g->write_config();
  auto reload = g->sluisctl({"config-reload"});
  BOOST_REQUIRE_MESSAGE(reload.exit_code == 0, reload.output);
  for (const auto& id : {a, b}) {
    BOOST_REQUIRE(reaches(id, "delivered"));
    auto file = g->dir.path() / "drop" / (id + ".xml");
    BOOST_TEST(slurp(file).find("<jw323:Ontvanger>09") != std::string::npos);
    // The back office takes the file: sluis sees the pickup.
    fs::remove(file);
    BOOST_TEST(reaches(id, "acknowledged"));
  }
  // Only whole files under sluis's ids, no temporary left behind.
  for (const auto& e : fs::directory_iterator(g->dir.path() / "drop"))
    BOOST_TEST(e.path().filename().string().front() != '.', e.path());
}

BOOST_AUTO_TEST_CASE(an_endpoint_whose_certificate_the_pinned_ca_did_not_sign_gets_nothing) {
  rx->mode("ok");
  auto id = submit("0928");
  BOOST_REQUIRE(until([&] { return show(id).at("attempts").as_int64() >= 1 && state_of(id) == "deferred"; }));
  std::string error(show(id).at("last_error").as_string());
  BOOST_TEST(error.find("TLS handshake") != std::string::npos, error);
  BOOST_TEST(error.find("certificate verify failed") != std::string::npos, error);
  auto s = rx->started();
  BOOST_TEST(std::count(s.begin(), s.end(), id) == 0);  // not a byte of it reached the endpoint
}

BOOST_AUTO_TEST_CASE(a_code_that_routes_nowhere_is_refused_with_a_finding) {
  auto h = g->post_xml("provider", "/v1/messages", declaration("0363"));
  BOOST_TEST(h.status == 422, h.body);
  auto v = boost::json::parse(h.body).as_object();
  BOOST_TEST(v.at("status").as_string() == "refused");
  bool named = false;
  for (const auto& f : v.at("findings").as_array())
    named |= f.at("path").as_string() == "/Bericht/Header/Ontvanger" && f.at("value").as_string() == "0363";
  BOOST_TEST(named, h.body);
}

// A second sluisd whose scheduler scans every ten minutes and backs off for an
// hour: a message the operator releases or requeues is pushed at once
// (delivery is woken by the command), not at the next scan. It pushes to the
// same receiver, with the first gateway's CA pinned and its client
// certificate.
BOOST_AUTO_TEST_CASE(a_released_or_requeued_message_is_pushed_at_once_not_at_the_next_scan) {
  TestGateway slow(
      "delivery-slow",
      [](TestGateway& t) {
        std::ostringstream c;
        c << t.corpus_partners() << "[[destinations]]\nid = \"gem-push\"\nkind = \"push\"\npartner = \"gem\"\n"
          << "url = \"https://127.0.0.1:" << rx->port << "/sluis/in\"\nca = \"" << g->pki("ca.pem") << "\"\n"
          << "client_cert = \"" << g->pki("stranger.pem") << "\"\nclient_key = \"" << g->pki("stranger.key")
          << "\"\n"
          << "[[routes]]\nlaw = \"ijw\"\ntypes = [323]\nreceivers = [\"0917\"]\ndestination = \"gem-push\"\n";
        return c.str();
      },
      "[delivery]\nmin_backoff = \"1h\"\nmax_backoff = \"2h\"\nmax_lifetime = \"24h\"\n"
      "scan_interval = \"10m\"\npickup_interval = \"1h\"\n");
  auto post = [&] {
    auto h = slow.post_xml("provider", "/v1/messages", declaration("0917"));
    BOOST_REQUIRE_MESSAGE(h.status == 202, h.body);
    return std::string(boost::json::parse(h.body).at("id").as_string());
  };
  // Held after a failed attempt (its retry an hour away), then released.
  rx->mode("500");
  auto held = post();
  BOOST_REQUIRE_MESSAGE(reaches(held, "deferred", 20s, slow), slow.daemon->log());
  BOOST_TEST(slow.sluisctl({"message-hold", held}).exit_code == 0);
  BOOST_TEST(state_of(held, slow) == "held");
  rx->mode("ok");
  auto rel = slow.sluisctl({"message-release", held});
  BOOST_TEST(rel.exit_code == 0, rel.output);
  BOOST_REQUIRE_MESSAGE(reaches(held, "acknowledged", 20s, slow), slow.daemon->log());
  BOOST_TEST(show(held, slow).at("attempts").as_int64() == 2);
  // Dead after a refusal, then requeued.
  rx->mode("403");
  auto dead = post();
  BOOST_REQUIRE_MESSAGE(reaches(dead, "dead", 20s, slow), slow.daemon->log());
  rx->mode("ok");
  BOOST_TEST(slow.sluisctl({"message-requeue", dead}).exit_code == 0);
  BOOST_REQUIRE_MESSAGE(reaches(dead, "acknowledged", 20s, slow), slow.daemon->log());
  auto r = rx->received();
  BOOST_TEST(std::count(r.begin(), r.end(), held) == 1);
  BOOST_TEST(std::count(r.begin(), r.end(), dead) == 1);
  BOOST_TEST((slow.stop() == 0));
}
