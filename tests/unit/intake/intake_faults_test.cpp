// The intake without a daemon, where a failure has to be made on purpose: a
// failure after the commit (the sender still gets the committed answer), a
// mailbox read whose audit cannot be written (not served: 503; the mailbox is
// route::Mailbox), an ack the store cannot write (503), and the body's
// way from the request to the store (no copy of it on the way: counted by the
// process's allocator and SQLite's).
//
// The Intake runs as in sluisd: an io_context on the test thread, its
// validation pool, a SQLite store (on the fault-injecting VFS) and a routing
// table from a config with two partners.
#define BOOST_TEST_MODULE intake_faults
#include <sqlite3.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>

#include "gateway/app/table_routing.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/intake/intake.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/route/mailbox.hpp"
#include "gateway/store/fault_vfs.hpp"
#include "gateway/xml/schema_set.hpp"
#include "tests/support/files.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;
namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace http = net::http;

// ---- allocations of at least a threshold's size, by the process and by SQLite ----

namespace {
std::atomic<std::size_t> big_from{static_cast<std::size_t>(-1)};
std::atomic<int> big_news{0};
std::atomic<int> big_sqlite{0};
sqlite3_mem_methods sqlite_default{};

void* sqlite_malloc(int n) {
  if (static_cast<std::size_t>(n) >= big_from) ++big_sqlite;
  return sqlite_default.xMalloc(n);
}
void* sqlite_realloc(void* p, int n) {
  if (static_cast<std::size_t>(n) >= big_from) ++big_sqlite;
  return sqlite_default.xRealloc(p, n);
}
}  // namespace

void* operator new(std::size_t n) {
  if (n >= big_from) ++big_news;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

struct Counting {
  explicit Counting(std::size_t from) {
    big_news = 0;
    big_sqlite = 0;
    big_from = from;
  }
  ~Counting() { big_from = static_cast<std::size_t>(-1); }
};

// SQLite's allocator is wrapped before SQLite starts; Xerces runs for the module.
struct Global {
  Global() {
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default);
    sqlite3_mem_methods counting = sqlite_default;
    counting.xMalloc = &sqlite_malloc;
    counting.xRealloc = &sqlite_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &counting);
    store::FaultVfs::install();
  }
  xml::XercesRuntime xerces;
};
BOOST_TEST_GLOBAL_FIXTURE(Global);

using test::corpus;

// The provider 75302186 sends to gemeente 0917 (the corpus' partners).
constexpr const char* kConfig = R"(
[https]
enabled = false
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["75302186"]
[[partners.certificates]]
spki_sha256 = "1111111111111111111111111111111111111111111111111111111111111111"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["0917"]
[[partners.certificates]]
spki_sha256 = "2222222222222222222222222222222222222222222222222222222222222222"
)";

struct Fixture {
  Fixture()
      : dir(fs::temp_directory_path() / ("sluis-intake-" + core::random_hex(6))),
        config(config::parse_config(kConfig, "intake_faults_test.toml")) {
    fs::create_directories(dir);
    store::SqliteOptions o;
    o.path = (dir / "sluis.db").string();
    o.vfs = store::FaultVfs::kName;
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    db = std::move(*s);
    auto schemas = xml::SchemaSet::load(test::schemas_config());
    BOOST_REQUIRE(schemas.has_value());
    intake = std::make_unique<intake::Intake>(*schemas, test::schemas_config(), *db,
                                              reads.get_executor(), "test-key-0123456789abcdef", 1);
    intake->set_routes(std::make_shared<const app::TableRouting>(config));
    mailbox = std::make_unique<route::Mailbox>(*db, reads.get_executor());
  }
  ~Fixture() {
    store::FaultVfs::disarm();
    intake->stop();
    intake.reset();
    mailbox.reset();
    db->close();
    db.reset();
    fs::remove_all(dir);
  }

  const config::Partner* partner(const std::string& id) const {
    for (const auto& p : config.partners)
      if (p.id == id) return &p;
    return nullptr;
  }

  net::Request request(http::verb verb, const std::string& target, std::string body = {}) const {
    net::Request req{verb, target, 11};
    if (!body.empty()) req.set(http::field::content_type, "application/xml");
    req.body() = std::move(body);
    return req;
  }

  // Runs a handler to its answer on the test thread's io_context.
  template <class Handler>
  net::Response run(Handler handler, net::Request req, const std::string& who,
                    std::map<std::string, std::string> params = {}) {
    return run_on(*intake, handler, std::move(req), who, std::move(params));
  }
  template <class Object, class Handler>
  net::Response run_on(Object& object, Handler handler, net::Request req, const std::string& who,
                       std::map<std::string, std::string> params = {}) {
    net::RequestContext ctx;
    ctx.partner = partner(who);
    ctx.params = std::move(params);
    auto answer =
        asio::co_spawn(ioc, (object.*handler)(std::move(req), std::move(ctx)), asio::use_future);
    ioc.restart();
    ioc.run();
    return answer.get();  // rethrows what escaped the handler
  }

  fs::path dir;
  config::Config config;
  asio::io_context ioc;
  std::unique_ptr<store::Store> db;
  asio::thread_pool reads{1};
  std::unique_ptr<intake::Intake> intake;
  std::unique_ptr<route::Mailbox> mailbox;
};

boost::json::value json(const net::Response& r) { return boost::json::parse(r.body()); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(intake_faults, Fixture)

// A failure after the commit (here: the delivery wake-up throws) is logged;
// the sender gets the answer that was committed, never "not processed".
BOOST_AUTO_TEST_CASE(a_failure_after_the_commit_still_answers_what_was_committed) {
  int woken = 0;
  intake->set_on_queued([&woken] {
    ++woken;
    throw std::runtime_error("wake-up failed");
  });
  // A push destination, so the commit wakes delivery.
  config = config::parse_config(std::string(kConfig) +
                                    "[[destinations]]\nid = \"gem-push\"\nkind = \"push\"\npartner = \"gem\"\n"
                                    "url = \"https://127.0.0.1:9/in\"\nca = \"/nonexistent/ca.pem\"\n"
                                    "[[routes]]\nreceivers = [\"0917\"]\ndestination = \"gem-push\"\n",
                                "intake_faults_test.toml");
  intake->set_routes(std::make_shared<const app::TableRouting>(config));
  net::Response res;
  BOOST_REQUIRE_NO_THROW(res = run(&intake::Intake::submit,
                                   request(http::verb::post, "/v1/messages", corpus("ijw/323/valid-declaratie.xml")),
                                   "zorg"));
  BOOST_TEST(woken == 1);
  BOOST_TEST(static_cast<int>(res.result()) == 202, res.body());
  auto v = json(res);
  BOOST_TEST(res[http::field::location] == "/v1/messages/" + std::string(v.at("id").as_string()));
  BOOST_TEST(v.at("status").as_string() == "accepted");
  auto stored = db->get(std::string(v.at("id").as_string()));
  BOOST_REQUIRE(stored.has_value() && stored->has_value());
  BOOST_CHECK((*stored)->state == store::State::queued);
  BOOST_TEST((*stored)->destination == "gem-push");
}

// The mailbox read audit fails closed: no audit row, no body.
BOOST_AUTO_TEST_CASE(a_mailbox_read_that_cannot_be_audited_is_not_served) {
  auto sent = run(&intake::Intake::submit,
                  request(http::verb::post, "/v1/messages", corpus("ijw/323/valid-declaratie.xml")), "zorg");
  BOOST_REQUIRE_MESSAGE(static_cast<int>(sent.result()) == 202, sent.body());
  const std::string id(json(sent).at("id").as_string());
  store::FaultVfs::arm(store::FaultVfs::Fault::write_error);
  auto res = run_on(*mailbox, &route::Mailbox::body, request(http::verb::get, "/v1/mailbox/" + id),
                    "gem", {{"id", id}});
  store::FaultVfs::disarm();
  BOOST_TEST(static_cast<int>(res.result()) == 503, res.body());
  BOOST_TEST(res.body().find("Bericht") == std::string::npos);
  BOOST_TEST(res[http::field::content_type] == "application/problem+json");
  BOOST_TEST(json(res).at("code").as_string() == "audit_unavailable");
  BOOST_TEST(json(res).at("type").as_string() == "/problems/audit_unavailable");
  BOOST_TEST(json(res).at("status").as_int64() == 503);
  BOOST_TEST(json(res).at("detail") == json(res).at("en"));
  BOOST_TEST(!json(res).at("title").as_string().empty());
  BOOST_TEST(!json(res).at("nl").as_string().empty());
  BOOST_TEST(!json(res).at("en").as_string().empty());
  BOOST_CHECK((*db->get(id))->state == store::State::queued);  // not marked delivered either
  // Once the audit can be written, the body is served and the read recorded.
  auto again = run_on(*mailbox, &route::Mailbox::body,
                      request(http::verb::get, "/v1/mailbox/" + id), "gem", {{"id", id}});
  BOOST_TEST(static_cast<int>(again.result()) == 200);
  BOOST_TEST((again.body() == corpus("ijw/323/valid-declaratie.xml")));
  auto reads = [&] {
    int n = 0;
    for (const auto& e : *db->history(id, 100)) n += e.action == "mailbox-read";
    return n;
  };
  BOOST_TEST(reads() == 1);
  // The body's validators, from the digest of its bytes.
  const std::string sha = core::sha256_hex(corpus("ijw/323/valid-declaratie.xml"));
  BOOST_TEST(again[http::field::etag] == "\"" + sha + "\"");
  BOOST_TEST(again["Repr-Digest"] == "sha-256=:" + core::hex_to_base64(sha) + ":");
  // The client that has it: 304, nothing served, no read recorded.
  auto cached = request(http::verb::get, "/v1/mailbox/" + id);
  cached.set(http::field::if_none_match, "\"other\", W/\"" + sha + "\"");
  auto unchanged = run_on(*mailbox, &route::Mailbox::body, std::move(cached), "gem", {{"id", id}});
  BOOST_TEST(static_cast<int>(unchanged.result()) == 304);
  BOOST_TEST(unchanged.body().empty());
  BOOST_TEST(unchanged[http::field::etag] == "\"" + sha + "\"");
  BOOST_TEST(reads() == 1);
  // Another ETag: served again, and recorded.
  auto stale = request(http::verb::get, "/v1/mailbox/" + id);
  stale.set(http::field::if_none_match, "\"" + std::string(64, '0') + "\"");
  auto served = run_on(*mailbox, &route::Mailbox::body, std::move(stale), "gem", {{"id", id}});
  BOOST_TEST(static_cast<int>(served.result()) == 200);
  BOOST_TEST(reads() == 2);
}

// An ack the store cannot write is the one store_unavailable answer (503 with
// Retry-After, net::store_unavailable), as for a commit; the message stays
// unacknowledged, and the partner's retry acknowledges it.
BOOST_AUTO_TEST_CASE(an_ack_the_store_cannot_write_is_store_unavailable_with_retry_after) {
  auto sent = run(&intake::Intake::submit,
                  request(http::verb::post, "/v1/messages", corpus("ijw/323/valid-declaratie.xml")),
                  "zorg");
  BOOST_REQUIRE_MESSAGE(static_cast<int>(sent.result()) == 202, sent.body());
  const std::string id(json(sent).at("id").as_string());
  store::FaultVfs::arm(store::FaultVfs::Fault::write_error);
  auto res = run_on(*mailbox, &route::Mailbox::ack,
                    request(http::verb::post, "/v1/mailbox/" + id + "/ack"), "gem", {{"id", id}});
  store::FaultVfs::disarm();
  BOOST_TEST(static_cast<int>(res.result()) == 503, res.body());
  BOOST_TEST(json(res).at("code").as_string() == "store_unavailable");
  BOOST_TEST(res[http::field::retry_after] == "30");
  BOOST_CHECK((*db->get(id))->state == store::State::queued);
  auto again = run_on(*mailbox, &route::Mailbox::ack,
                      request(http::verb::post, "/v1/mailbox/" + id + "/ack"), "gem", {{"id", id}});
  BOOST_TEST(static_cast<int>(again.result()) == 200, again.body());
  BOOST_CHECK((*db->get(id))->state == store::State::acknowledged);
}

// The body goes from the request to the store without another copy: during a
// submission the process allocates nothing of the body's size beyond what
// validating it allocates by itself, and SQLite only the one buffer it builds
// the row in (the body is bound, not copied, into the statement).
BOOST_AUTO_TEST_CASE(a_large_body_is_not_copied_on_its_way_to_the_store) {
  // A valid declaration made 4 MiB large by a comment before its root.
  std::string body = corpus("ijw/323/valid-declaratie.xml");
  body.insert(body.find("<jw323:Bericht"), "<!--" + std::string(4u << 20, 'x') + "-->\n");
  body.replace(body.find("DECL-2602-01"), 12, "DECL-2602-77");
  const std::size_t big = body.size() / 2;
  int validating = 0;
  {
    xml::Validator validator(*xml::SchemaSet::load(test::schemas_config()), test::schemas_config());
    const auto today = core::dutch_date(std::chrono::system_clock::now());
    // Set up by a small message first, as the pool's is below; the large
    // body then grows Xerces' buffers as it will there.
    intake::judge(validator, corpus("ijw/323/valid-declaratie.xml"), today, nullptr);
    Counting c(big);
    auto outcome = intake::judge(validator, body, today, nullptr);
    validating = big_news;
    BOOST_REQUIRE_MESSAGE(outcome.verdict == xml::Verdict::valid,
                          (outcome.findings.empty() ? std::string("?") : outcome.findings.front().en));
  }
  // The pool thread's validator is set up by a first submission, too.
  BOOST_REQUIRE(static_cast<int>(run(&intake::Intake::submit,
                                     request(http::verb::post, "/v1/messages", corpus("ijw/323/valid-declaratie.xml")),
                                     "zorg")
                                     .result()) == 202);
  auto req = request(http::verb::post, "/v1/messages", body);
  net::Response res;
  int submitting = 0, in_sqlite = 0;
  {
    Counting c(big);
    res = run(&intake::Intake::submit, std::move(req), "zorg");
    submitting = big_news;
    in_sqlite = big_sqlite;
  }
  BOOST_TEST(static_cast<int>(res.result()) == 202, res.body());
  BOOST_TEST(submitting <= validating, "the intake allocated " << submitting - validating << " copies of the body");
  BOOST_TEST(in_sqlite <= 1, "SQLite allocated " << in_sqlite << " copies of the body");
  // And what was stored is the body, byte for byte.
  auto stored = db->body(std::string(json(res).at("id").as_string()));
  BOOST_REQUIRE(stored.has_value() && stored->has_value());
  BOOST_TEST((**stored == body));
}

BOOST_AUTO_TEST_SUITE_END()
