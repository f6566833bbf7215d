// Routing and delivery without a daemon: the routing table, the backoff
// policy, and the scheduler against a real SQLite store with a manual clock
// and transports the test controls (receiver up, down, slow, refusing).
#define BOOST_TEST_MODULE route
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "gateway/config/config.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/route/backoff.hpp"
#include "gateway/route/drop.hpp"
#include "gateway/route/scheduler.hpp"
#include "gateway/route/table.hpp"
#include "tests/support/store_samples.hpp"

using namespace sluis;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

core::Date day(const char* s) { return *core::parse_date(s); }

config::Config routing_config() {
  return config::parse_config(R"(
[https]
enabled = false
[[partners]]
id = "gemeente-a"
role = "gemeente"
codes = ["0935"]
mode = "not_enrolled"
[[partners]]
id = "regio-bureau"
role = "intermediair"
codes = ["0917", "0928", "0938", "0965"]
mode = "not_enrolled"
[[partners]]
id = "aanbieder-z"
role = "aanbieder"
codes = ["87654321"]
mode = "not_enrolled"
[[destinations]]
id = "regio-push"
kind = "push"
partner = "regio-bureau"
url = "https://127.0.0.1:9443/in"
ca = "/nonexistent/ca.pem"
[[destinations]]
id = "a-drop"
kind = "drop"
partner = "gemeente-a"
directory = "/tmp/x"
[[routes]]
law = "ijw"
types = [323]
receivers = ["0935"]
destination = "a-drop"
from = "2027-01-01"
[[routes]]
receivers = ["0917", "0928", "0938", "0965"]
destination = "regio-push"
until = "2026-12-31"
)",
                              "routing.toml");
}

struct Dir {
  Dir() : path(fs::temp_directory_path() / ("sluis-route-" + core::random_hex(6))) { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
  fs::path path;
};

// A transport whose behaviour the test sets; it records every attempt.
struct FakeTransport final : route::Transport {
  std::function<route::AttemptResult(const store::StoredMessage&)> answer = [](const store::StoredMessage&) {
    return route::AttemptResult{route::AttemptResult::acknowledged, {}};
  };
  std::chrono::milliseconds delay{0};  // a slow receiver
  std::function<bool(const store::StoredMessage&)> pickup;  // picked_up(); unset: never
  int pickups = 0;
  std::vector<std::string> seen;
  bool picked_up(const store::StoredMessage& m) override {
    ++pickups;
    return pickup ? pickup(m) : false;
  }
  asio::awaitable<route::AttemptResult> deliver(const store::StoredMessage& m, const std::string&) override {
    seen.push_back(m.id);
    if (delay.count() > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor, delay);
      co_await t.async_wait(asio::use_awaitable);
    }
    co_return answer(m);
  }
};

struct Fixture {
  Fixture() {
    auto s = store::open_sqlite((dir.path / "sluis.db").string());
    BOOST_REQUIRE(s.has_value());
    db = std::move(*s);
  }
  std::string queue(const std::string& ident, const std::string& destination) {
    auto m = test::sample_message(ident);
    m.destination = destination;
    m.delivery = sluis::config::DestinationKind::push;
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE(r.has_value());
    return r->id;
  }
  store::StoredMessage row(const std::string& id) { return **db->get(id); }
  // Runs what is ready on the io_context (attempts that do not wait).
  void settle() {
    ioc.restart();
    ioc.poll();
  }
  Dir dir;
  std::unique_ptr<store::Store> db;
  asio::io_context ioc;
  core::ManualClock clock{std::chrono::system_clock::now()};
};

}  // namespace

BOOST_AUTO_TEST_CASE(first_matching_route_wins_within_its_dates_else_the_owner_mailbox) {
  auto cfg = routing_config();
  route::Table t(cfg);
  // The intermediary's push destination serves four municipalities until the end of 2026.
  for (const char* code : {"0917", "0928", "0938", "0965"}) {
    auto r = t.resolve(standard::Law::iwmo, 301, code, day("2026-12-31"));
    BOOST_REQUIRE(r);
    BOOST_TEST(r->destination == "regio-push");
    BOOST_TEST(r->partner->id == "regio-bureau");
    BOOST_TEST((r->kind == config::DestinationKind::push));
  }
  // After that the rule is out of force: the owner's (the intermediary's) mailbox.
  auto after = t.resolve(standard::Law::iwmo, 301, "0917", day("2027-01-01"));
  BOOST_REQUIRE(after);
  BOOST_TEST(after->destination == "mailbox:regio-bureau");
  // iJw 323 for 0935 goes to the drop directory from 2027 on; before, and
  // for other types or the other law, to the mailbox.
  BOOST_TEST(t.resolve(standard::Law::ijw, 323, "0935", day("2027-01-01"))->destination == "a-drop");
  BOOST_TEST(t.resolve(standard::Law::ijw, 323, "0935", day("2026-12-31"))->destination == "mailbox:gemeente-a");
  BOOST_TEST(t.resolve(standard::Law::ijw, 305, "0935", day("2027-02-01"))->destination == "mailbox:gemeente-a");
  BOOST_TEST(t.resolve(standard::Law::iwmo, 323, "0935", day("2027-02-01"))->destination == "mailbox:gemeente-a");
  // A code nobody owns and no route covers routes nowhere.
  BOOST_TEST(!t.resolve(standard::Law::ijw, 301, "0999", day("2027-01-01")));
  BOOST_TEST(t.resolve(standard::Law::ijw, 302, "87654321", day("2027-01-01"))->destination == "mailbox:aanbieder-z");
}

BOOST_AUTO_TEST_CASE(routes_naming_unknown_destinations_or_partners_are_refused) {
  try {
    config::parse_config(R"(
[https]
enabled = false
[[destinations]]
id = "d"
kind = "drop"
partner = "nobody"
directory = "/tmp/x"
[[routes]]
receivers = ["0935"]
destination = "nowhere"
[[routes]]
receivers = ["12"]
types = [299]
destination = "d"
from = "2027-02-30"
)",
                         "bad.toml");
    BOOST_FAIL("accepted a bad routing table");
  } catch (const config::ConfigError& e) {
    std::string all = e.what();
    BOOST_TEST(all.find("partner \"nobody\" is not configured") != std::string::npos, all);
    BOOST_TEST(all.find("route to \"nowhere\": no such destination") != std::string::npos, all);
    BOOST_TEST(all.find("\"12\" is neither a CBS") != std::string::npos, all);
    BOOST_TEST(all.find("299 is not a message number") != std::string::npos, all);
    BOOST_TEST(all.find("\"2027-02-30\" is not a date") != std::string::npos, all);
  }
}

BOOST_AUTO_TEST_CASE(backoff_doubles_from_min_to_max_and_lifetime_ends_in_dead) {
  route::Policy p{1min, 10min, 1h};
  BOOST_TEST(route::backoff(p, 1).count() == std::chrono::milliseconds(1min).count());
  BOOST_TEST(route::backoff(p, 2).count() == std::chrono::milliseconds(2min).count());
  BOOST_TEST(route::backoff(p, 4).count() == std::chrono::milliseconds(8min).count());
  BOOST_TEST(route::backoff(p, 5).count() == std::chrono::milliseconds(10min).count());
  BOOST_TEST(route::backoff(p, 60).count() == std::chrono::milliseconds(10min).count());
  auto t0 = std::chrono::system_clock::now();
  auto a = route::after_failure(p, t0, t0 + 5min, 3, "HTTP 503", false);
  BOOST_TEST((a.state == store::State::deferred));
  BOOST_TEST((a.at == t0 + 5min + 4min));
  auto dead = route::after_failure(p, t0, t0 + 1h, 9, "HTTP 503", false);
  BOOST_TEST((dead.state == store::State::dead));
  BOOST_TEST(dead.reason.find("lifetime of 1h (9 attempts); last error: HTTP 503") != std::string::npos, dead.reason);
  auto refused = route::after_failure(p, t0, t0, 1, "HTTP 400", true);
  BOOST_TEST((refused.state == store::State::dead));
  BOOST_TEST(refused.reason.find("refused by the receiver") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_message_is_delivered_once_and_acknowledged, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 4, t}}, {1min, 1h, 24h}, 1s, 1s);
  auto id = queue("D1", "d");
  auto other = queue("D2", "elsewhere");  // another destination's message is not this lane's
  s.scan();
  settle();
  BOOST_TEST(t->seen == std::vector<std::string>{id});
  auto m = row(id);
  BOOST_TEST(store::to_string(m.state) == "acknowledged");
  BOOST_TEST(m.attempts == 1);
  BOOST_TEST(store::to_string(row(other).state) == "queued");
  s.scan();  // nothing due any more
  settle();
  BOOST_TEST(t->seen.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(receiver_down_then_up_backs_off_exponentially, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  bool up = false;
  t->answer = [&](const store::StoredMessage&) {
    return up ? route::AttemptResult{route::AttemptResult::acknowledged, {}}
              : route::AttemptResult{route::AttemptResult::retry, "cannot connect to 127.0.0.1:9: Connection refused"};
  };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 4, t}}, {1min, 1h, 24h}, 1s, 1s);
  auto id = queue("B1", "d");
  std::vector<std::string> next;  // next_attempt_at after each failure
  auto expect_wait = [&](std::chrono::minutes wait) {
    auto m = row(id);
    BOOST_TEST(store::to_string(m.state) == "deferred");
    BOOST_TEST(m.next_attempt_at == core::utc_text(clock.now() + wait));
    BOOST_TEST(m.last_error.find("Connection refused") != std::string::npos);
    // Not due before its time: a scan a second early claims nothing.
    clock.advance(wait - 1s);
    s.scan();
    settle();
    BOOST_TEST(store::to_string(row(id).state) == "deferred");
    clock.advance(1s);
  };
  s.scan();
  settle();
  expect_wait(1min);
  s.scan();
  settle();
  expect_wait(2min);
  s.scan();
  settle();
  expect_wait(4min);
  up = true;
  s.scan();
  settle();
  auto m = row(id);
  BOOST_TEST(store::to_string(m.state) == "acknowledged");
  BOOST_TEST(m.attempts == 4);
  BOOST_TEST(t->seen.size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_receiver_failing_forever_ends_dead_after_the_lifetime, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  t->answer = [](const store::StoredMessage&) {
    return route::AttemptResult{route::AttemptResult::retry, "127.0.0.1:9443 answered HTTP 500: oops"};
  };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 4, t}}, {10min, 1h, 6h}, 1s, 1s);
  auto id = queue("L1", "d");
  clock.set(*core::parse_utc_text(row(id).received_at));
  for (int i = 0; i < 100 && store::to_string(row(id).state) != "dead"; ++i) {
    s.scan();
    settle();
    clock.advance(1h);
  }
  auto m = row(id);
  BOOST_TEST(store::to_string(m.state) == "dead");
  BOOST_TEST(m.last_error.find("not delivered within the lifetime of 6h") != std::string::npos, m.last_error);
  BOOST_TEST(m.last_error.find("HTTP 500") != std::string::npos);
  // 10m, 20m, 40m, then hourly: attempts at 0h..6h on the hourly clock.
  BOOST_TEST(m.attempts == 7);
}

BOOST_FIXTURE_TEST_CASE(a_permanent_refusal_is_dead_at_once, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  t->answer = [](const store::StoredMessage&) {
    return route::AttemptResult{route::AttemptResult::refused, "answered HTTP 403: not ours"};
  };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 4, t}}, {1min, 1h, 24h}, 1s, 1s);
  auto id = queue("R1", "d");
  s.scan();
  settle();
  auto m = row(id);
  BOOST_TEST(store::to_string(m.state) == "dead");
  BOOST_TEST(m.last_error.find("HTTP 403") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_slow_receiver_does_not_delay_others, Fixture) {
  auto slow = std::make_shared<FakeTransport>();
  slow->delay = 1h;  // never answers within the test
  auto fast = std::make_shared<FakeTransport>();
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"slow", 2, slow}, {"fast", 2, fast}}, {1min, 1h, 24h}, 1s, 1s);
  std::vector<std::string> slow_ids, fast_ids;
  for (int i = 0; i < 5; ++i) slow_ids.push_back(queue("S" + std::to_string(i), "slow"));
  for (int i = 0; i < 6; ++i) fast_ids.push_back(queue("F" + std::to_string(i), "fast"));
  s.scan();
  settle();
  // The slow lane is full (2 in flight, 3 waiting); the fast lane delivered all
  // six, taking the next as each attempt freed a slot.
  BOOST_TEST(s.in_flight("slow") == 2);
  BOOST_TEST(slow->seen.size() == 2u);
  for (const auto& id : fast_ids) BOOST_TEST(store::to_string(row(id).state) == "acknowledged");
  int delivering = 0, queued = 0;
  for (const auto& id : slow_ids) {
    auto st = store::to_string(row(id).state);
    delivering += st == "delivering";
    queued += st == "queued";
  }
  BOOST_TEST(delivering == 2);
  BOOST_TEST(queued == 3);
}

// A transport must not throw; when one does anyway (a fault, a non-std
// exception), the attempt's root catches it: the message is deferred with a
// reason, the slot is given back and the lane keeps delivering.
BOOST_FIXTURE_TEST_CASE(an_exception_in_one_delivery_does_not_stall_the_lane, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  t->answer = [](const store::StoredMessage& m) -> route::AttemptResult {
    if (m.identificatie == "X1") throw std::runtime_error("drop directory vanished\nforged line 999978366");
    if (m.identificatie == "X2") throw 42;  // not even a std::exception
    return {route::AttemptResult::acknowledged, {}};
  };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 1, t}}, {1min, 1h, 24h}, 1s, 1s);  // one slot: a lost slot stalls the lane
  auto x1 = queue("X1", "d");
  auto x2 = queue("X2", "d");
  auto later = queue("X3", "d");
  s.scan();
  settle();
  BOOST_TEST(t->seen.size() == 3u);
  BOOST_TEST(s.in_flight("d") == 0);
  BOOST_TEST(store::to_string(row(later).state) == "acknowledged");
  auto m1 = row(x1);
  BOOST_TEST(store::to_string(m1.state) == "deferred");
  BOOST_TEST(m1.last_error.find("delivery attempt failed: drop directory vanished") != std::string::npos, m1.last_error);
  BOOST_TEST(m1.last_error.find('\n') == std::string::npos);
  BOOST_TEST(m1.last_error.find("999978366") == std::string::npos, m1.last_error);
  auto m2 = row(x2);
  BOOST_TEST(store::to_string(m2.state) == "deferred");
  BOOST_TEST(m2.last_error.find("an exception of unknown type") != std::string::npos, m2.last_error);
  // Retried with backoff like any failed attempt.
  clock.advance(1min);
  t->answer = [](const store::StoredMessage&) { return route::AttemptResult{route::AttemptResult::acknowledged, {}}; };
  s.scan();
  settle();
  BOOST_TEST(store::to_string(row(x1).state) == "acknowledged");
  BOOST_TEST(store::to_string(row(x2).state) == "acknowledged");
}

// The periodic work on the delivery thread (scan, pickup check) runs from a
// timer; an exception in one turn loses that turn only: the timer is armed
// again, and messages queued afterwards are still delivered. Before, the
// exception left the handler, ended the delivery thread's run() and with it
// every later delivery.
BOOST_FIXTURE_TEST_CASE(an_exception_in_a_periodic_scan_does_not_end_the_scans, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  t->answer = [](const store::StoredMessage& m) {
    return route::AttemptResult{m.identificatie == "DROPPED" ? route::AttemptResult::delivered
                                                             : route::AttemptResult::acknowledged,
                                {}};
  };
  t->pickup = [](const store::StoredMessage&) -> bool { throw std::runtime_error("pickup check failed"); };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 1, t}}, {1min, 1h, 24h}, 5ms, 1ms);
  auto until = [&](auto done) {
    ioc.restart();
    for (auto end = std::chrono::steady_clock::now() + 20s; !done() && std::chrono::steady_clock::now() < end;)
      ioc.run_for(10ms);
    return done();
  };
  auto dropped = queue("DROPPED", "d");  // delivered, not acknowledged: the pickup check asks about it
  s.start();
  BOOST_REQUIRE(until([&] { return t->pickups >= 3; }));  // it threw three times, the timer went on
  BOOST_TEST(store::to_string(row(dropped).state) == "delivered");
  auto later = queue("LATER", "d");
  BOOST_TEST(until([&] { return store::to_string(row(later).state) == "acknowledged"; }));
  s.stop();
  ioc.restart();
  ioc.poll();
}

BOOST_FIXTURE_TEST_CASE(new_and_deferred_messages_both_progress, Fixture) {
  auto t = std::make_shared<FakeTransport>();
  std::set<std::string> failing;
  t->answer = [&](const store::StoredMessage& m) {
    return failing.count(m.identificatie) ? route::AttemptResult{route::AttemptResult::retry, "HTTP 503"}
                                          : route::AttemptResult{route::AttemptResult::acknowledged, {}};
  };
  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 1, t}}, {1min, 1h, 24h}, 1s, 1s);
  failing = {"OLD"};
  auto old = queue("OLD", "d");
  s.scan();
  settle();
  BOOST_TEST(store::to_string(row(old).state) == "deferred");
  failing.clear();
  clock.advance(1min);
  // The deferred message is due; a newer one arrives: both are delivered
  // through the one slot, earliest due first (the new one was received
  // before the retry's time).
  auto fresh = queue("NEW", "d");
  s.scan();
  settle();
  BOOST_TEST(store::to_string(row(old).state) == "acknowledged");
  BOOST_TEST(store::to_string(row(fresh).state) == "acknowledged");
  BOOST_TEST((t->seen == std::vector<std::string>{old, fresh, old}));
}

BOOST_FIXTURE_TEST_CASE(a_crash_during_delivery_redelivers_under_the_same_id, Fixture) {
  auto id = queue("C1", "d");
  auto claimed = db->claim("d", core::utc_text(clock.now()), 10);
  BOOST_REQUIRE(claimed.has_value());
  BOOST_REQUIRE(claimed->size() == 1u);
  BOOST_TEST(store::to_string(row(id).state) == "delivering");
  // The daemon dies here; the store is opened again with recovery.
  db->close();
  db.reset();
  auto s = store::open_sqlite((dir.path / "sluis.db").string());
  BOOST_REQUIRE(s.has_value());
  db = std::move(*s);
  BOOST_TEST(store::to_string(row(id).state) == "queued");
  auto again = db->claim("d", core::utc_text(clock.now()), 10);
  BOOST_REQUIRE(again->size() == 1u);
  BOOST_TEST((*again)[0].message.id == id);  // the receiver de-duplicates by this id
  BOOST_TEST((*again)[0].message.attempts == 2);
}

BOOST_FIXTURE_TEST_CASE(held_for_a_receiver_not_live_until_released, Fixture) {
  auto m = test::sample_message("H1");
  m.state = store::State::held;
  m.hold_reason = store::HoldReason::receiver_not_live;
  m.destination = "d";
  auto shadow = test::sample_message("H2");
  shadow.state = store::State::held;
  shadow.hold_reason = store::HoldReason::sender_shadow;
  shadow.destination = "d";
  auto held = db->commit_sync(std::move(m))->id;
  auto kept = db->commit_sync(std::move(shadow))->id;
  BOOST_TEST(store::to_string(row(held).hold_reason) == "receiver_not_live");
  BOOST_TEST(db->claim("d", core::utc_text(clock.now()), 10)->empty());
  auto n = db->release_held("gemeente-m", store::HoldReason::receiver_not_live, "sluis");
  BOOST_TEST(*n == 1);
  BOOST_TEST(store::to_string(row(held).state) == "queued");
  BOOST_TEST(store::to_string(row(kept).state) == "held");  // a shadow partner's message is never delivered
  auto c = db->claim("d", core::utc_text(clock.now()), 10);
  BOOST_REQUIRE(c->size() == 1u);
  BOOST_TEST((*c)[0].message.id == held);
}

BOOST_FIXTURE_TEST_CASE(drop_files_appear_whole_and_pickup_acknowledges, Fixture) {
  auto drop_dir = dir.path / "drop";
  fs::create_directories(drop_dir);
  auto drop = std::make_shared<route::DropTransport>(drop_dir);
  // A reader polling the directory while a large file is written never sees
  // a partial file under a name it would read.
  const std::string body(8 << 20, 'x');
  std::atomic<bool> done{false};
  std::atomic<int> partial{0}, whole{0};
  std::thread reader([&] {
    while (!done) {
      for (const auto& e : fs::directory_iterator(drop_dir)) {
        auto name = e.path().filename().string();
        if (name.starts_with(".")) continue;
        std::error_code ec;
        auto size = fs::file_size(e.path(), ec);
        if (ec) continue;  // picked up meanwhile
        (size == body.size() ? whole : partial)++;
      }
    }
  });
  for (int i = 0; i < 5; ++i) {
    std::string id = "mdrop" + std::to_string(i);
    BOOST_TEST(drop->write(id, body).empty());
    fs::remove(drop->file_of(id));
  }
  done = true;
  reader.join();
  BOOST_TEST(partial.load() == 0);

  route::Scheduler s(ioc.get_executor(), *db, clock);
  s.configure({{"d", 4, drop}}, {1min, 1h, 24h}, 1s, 1s);
  auto id = queue("P1", "d");
  s.scan();
  // The file work runs on the transport's own thread: wait for the attempt.
  for (int i = 0; i < 500 && store::to_string(row(id).state) == "delivering"; ++i) {
    ioc.restart();
    ioc.run_for(10ms);
  }
  BOOST_TEST(store::to_string(row(id).state) == "delivered");
  std::ifstream in(drop->file_of(id));
  std::string got((std::istreambuf_iterator<char>(in)), {});
  BOOST_TEST(got == "<Bericht>x</Bericht>");
  BOOST_TEST(!fs::exists(drop_dir / ("." + id + ".xml.tmp")));
  s.check_pickups();
  BOOST_TEST(store::to_string(row(id).state) == "delivered");  // not taken yet
  fs::remove(drop->file_of(id));
  s.check_pickups();
  BOOST_TEST(store::to_string(row(id).state) == "acknowledged");
}

BOOST_AUTO_TEST_CASE(drop_refuses_to_name_a_file_after_anything_but_an_id) {
  Dir d;
  route::DropTransport drop(d.path);
  BOOST_TEST(!drop.write("../etc/passwd", "x").empty());
  BOOST_TEST(!drop.write("", "x").empty());
  BOOST_TEST(fs::is_empty(d.path));
}
