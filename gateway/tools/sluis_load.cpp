// sluis-load: a load generator for sluis's HTTPS API (and for any HTTPS
// endpoint with mutual TLS, such as the nginx baseline of the benchmark).
//
//   sluis-load --url https://127.0.0.1:8443/v1/messages --cert C --key K --ca CA
//              --body FILE [--unique TOKEN] [--connections 32] [--seconds 10 | --requests N]
//              [--rate PER_SECOND]
//   sluis-load --url ... --cert C --key K --ca CA --idle N [--hold SECONDS]
//
// Load mode: `connections` keep-alive TLS connections each POST the body
// (Content-Type: application/xml) one request after the other; with --unique
// every occurrence of TOKEN in the body is replaced by a fresh value per
// request (distinct message identifications): "L", a tag of four letters and
// digits drawn for this run, and the request number (at most 11 characters up
// to a million requests, so that "D" + value is still a DeclaratieNummer), so
// a second run against the same store sends new messages, not replays of the
// first one's. Prints one JSON line:
// {"requests", "seconds", "per_second", "p50_ms", "p99_ms", "max_ms", "status": {code: n}, "errors"}.
// With --rate R the load is open-loop: request i is due at start + i/R
// whatever the answers do (request i goes out on connection i mod
// `connections`), and its latency counts from when it was due, so a server
// that falls behind is charged for the queue it makes (no coordinated
// omission); the output adds "rate" and "late" (requests sent more than 1 ms
// after they were due, because their connection was still busy).
// In both, the clock (the schedule, "seconds", the run's length) starts when
// every connection has done its TLS handshake: a partner's client keeps its
// connections, so the figures are of requests, not of 32 handshakes at once
// (a connection the server closes is made again inside the run, and that
// time counts). A connection that fails (refused, reset, timed out) is made
// again after 50 ms; after 3 failures in a row with no answer between them
// the connection gives up for the rest of the run, so that a run against a
// server that is down ends (with --requests too) instead of retrying
// forever. Each failure counts in "errors".
// Idle mode: opens N TLS connections (handshake done, no request), prints
// {"idle": n, "failed": m} when all are up, then holds them for --hold seconds
// (default 10) so that the server's memory can be read.
// Exit 0 when it ran, 64 on usage errors. Loopback use; a request is never
// sent twice.
// Region mode (--region-setup DIR, --region DIR): a simulated region of
// municipalities and providers, see region.hpp.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/tools/region.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;

namespace {

struct Options {
  std::string host = "127.0.0.1", port = "8443", target = "/v1/messages";
  std::string cert, key, ca, body_file, unique;
  std::string run_tag;  // drawn once per run (with_unique)
  int connections = 32;
  double seconds = 10;
  long requests = 0;
  int idle = 0;
  double hold = 10;
  double rate = 0;  // open-loop requests per second; 0: closed loop
};

struct Results {
  std::vector<double> latencies_ms;
  std::map<int, long> status;
  long errors = 0;
  long late = 0;
  std::atomic<long> counter{0};
};

bool parse_url(const std::string& url, Options& o) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return false;
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto auth = rest.substr(0, slash);
  o.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = auth.rfind(':');
  o.host = auth.substr(0, colon);
  o.port = colon == std::string::npos ? "443" : auth.substr(colon + 1);
  return !o.host.empty();
}

asio::awaitable<void> connect(Stream& s, const Options& o) {
  asio::ip::tcp::resolver r(co_await asio::this_coro::executor);
  auto eps = co_await r.async_resolve(o.host, o.port, asio::use_awaitable);
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
  co_await beast::get_lowest_layer(s).async_connect(eps, asio::use_awaitable);
  // As curl and nginx do: the request's TLS records (header, body) go out at once.
  beast::get_lowest_layer(s).socket().set_option(asio::ip::tcp::no_delay(true));
  co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
}

// Four base-36 characters, different in every run (1.7 million values).
std::string draw_run_tag() {
  constexpr char kDigits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::random_device rd;
  std::uint32_t v = rd() % (36u * 36u * 36u * 36u);
  std::string tag(4, '0');
  for (auto& c : tag) {
    c = kDigits[v % 36];
    v /= 36;
  }
  return tag;
}

std::string with_unique(const std::string& body, const std::string& token, const std::string& tag, long n) {
  if (token.empty()) return body;
  std::string out = body, value = "L" + tag + std::to_string(n);
  for (auto at = out.find(token); at != std::string::npos; at = out.find(token, at + value.size()))
    out.replace(at, token.size(), value);
  return out;
}

// When the run starts: once the last connection is up (workers wait on
// `gate`, which the last one cancels). One io thread: no lock.
struct Schedule {
  explicit Schedule(asio::io_context& ioc, int connections) : gate(ioc, Clock::time_point::max()), waiting(connections) {}
  asio::steady_timer gate;
  int waiting;
  Clock::time_point start, end;
};

// A worker's first connection: made, then the gate passed whether it was
// made or not (so the run does not wait for a connection that failed), then
// its failure, if any, thrown.
asio::awaitable<void> connect_then_gate(Stream& s, const Options& o, Schedule& sched) {
  std::exception_ptr failed;
  try {
    co_await connect(s, o);
  } catch (...) {
    failed = std::current_exception();
  }
  if (--sched.waiting == 0) {
    sched.start = Clock::now();
    sched.end = sched.start + std::chrono::milliseconds(static_cast<long>(o.seconds * 1000));
    sched.gate.cancel();
  } else {
    boost::system::error_code ec;
    co_await sched.gate.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (failed) std::rethrow_exception(failed);
}

constexpr int kFailuresInARow = 3;
constexpr auto kRetryPause = std::chrono::milliseconds(50);

asio::awaitable<void> worker(asio::ssl::context& ctx, const Options& o, const std::string& body, Results& res,
                             int c, Schedule& sched) {
  auto ex = co_await asio::this_coro::executor;
  long slot = 0;  // open loop: how many of this connection's slots have gone
  bool first = true;
  int failures = 0;  // in a row, with no answer between
  for (;;) {  // one connection; reconnect when the server closes it
    Stream s(ex, ctx);
    try {
      if (first) {
        first = false;
        co_await connect_then_gate(s, o, sched);
      } else {
        co_await connect(s, o);
      }
      const Clock::time_point start = sched.start, end = sched.end;
      beast::flat_buffer buf;
      for (;;) {
        long n = 0;
        Clock::time_point due{};
        if (o.rate > 0) {  // open loop: this connection's next slot on the schedule
          n = slot++ * o.connections + c;
          due = start + std::chrono::nanoseconds(static_cast<long long>(n * 1e9 / o.rate));
          if ((o.requests > 0 && n >= o.requests) || (o.requests == 0 && due >= end)) co_return;
          if (due > Clock::now()) {
            asio::steady_timer t(ex, due);
            co_await t.async_wait(asio::use_awaitable);
          } else if (Clock::now() - due > std::chrono::milliseconds(1)) {
            ++res.late;
          }
        } else {
          n = res.counter.fetch_add(1);
          if ((o.requests > 0 && n >= o.requests) || (o.requests == 0 && Clock::now() >= end)) co_return;
        }
        http::request<http::string_body> req{http::verb::post, o.target, 11};
        req.set(http::field::host, o.host);
        req.set(http::field::content_type, "application/xml");
        req.keep_alive(true);
        req.body() = with_unique(body, o.unique, o.run_tag, n);
        req.prepare_payload();
        // One write, so header and body leave as one TLS record, as a client
        // that serialises first does (Beast's serializer, into one buffer).
        std::ostringstream wire;
        wire << req;
        const std::string bytes = wire.str();
        auto t0 = o.rate > 0 ? due : Clock::now();
        beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
        co_await asio::async_write(s, asio::buffer(bytes), asio::use_awaitable);
        http::response<http::string_body> rsp;
        co_await http::async_read(s, buf, rsp, asio::use_awaitable);
        res.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        ++res.status[rsp.result_int()];
        failures = 0;
        if (!rsp.keep_alive()) break;
      }
    } catch (const std::exception&) {
      ++res.errors;
      if (o.requests == 0 && Clock::now() >= sched.end) co_return;
      if (++failures >= kFailuresInARow) {
        std::cerr << "sluis-load: connection " << c << " gave up after " << kFailuresInARow << " failures in a row\n";
        co_return;
      }
    }
    // The pause is here, not in the handler: C++20 allows no co_await in a catch block.
    if (failures > 0) {
      asio::steady_timer pause(ex, kRetryPause);
      co_await pause.async_wait(asio::use_awaitable);
    }
  }
}

asio::awaitable<void> idle_one(asio::ssl::context& ctx, const Options& o, std::vector<std::unique_ptr<Stream>>& keep,
                               int& failed, int& pending) {
  auto s = std::make_unique<Stream>(co_await asio::this_coro::executor, ctx);
  try {
    co_await connect(*s, o);
    beast::get_lowest_layer(*s).expires_never();
    keep.push_back(std::move(s));
  } catch (const std::exception&) {
    ++failed;
  }
  --pending;
}

// What an exception that ended a coroutine said (stderr; a load run has no log).
void report(const char* what, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    std::cerr << "sluis-load: " << what << " ended: " << ex.what() << "\n";
  } catch (...) {
    std::cerr << "sluis-load: " << what << " ended with an exception of unknown type\n";
  }
}

int usage() {
  std::cerr << "usage: sluis-load --url URL --cert C --key K --ca CA --body FILE [--unique TOKEN]\n"
               "                  [--connections N] [--seconds S | --requests N] [--rate PER_SECOND]\n"
               "       sluis-load --url URL --cert C --key K --ca CA --idle N [--hold SECONDS]\n"
               "       sluis-load --region-setup DIR [--municipalities 6] [--providers 12] [--seed S]\n"
               "                  [--cbs config/reference/cbs-gemeenten.csv] [--push-port P]\n"
               "       sluis-load --region DIR --url URL [--url URL ...] [--rate EPISODES_PER_SECOND] [--seconds 20] [--drain 120]\n"
               "                  [--stop-file FILE] [--seed S] [--corpus tests/conformance] [--schemas schemas]\n"
               "                  [--progress SECONDS]\n";
  return 64;
}

}  // namespace

// sluis-load --region-setup DIR ... / --region DIR ... (region.hpp).
int region_main(int argc, char** argv) {
  const std::string mode = argv[1];
  sluis::region::SetupOptions setup;
  sluis::region::RunOptions run;
  setup.dir = run.dir = argv[2];
  int urls = 0;  // the first --url replaces the default node
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    try {
      if (mode == "--region-setup" && a == "--municipalities") setup.municipalities = std::stoi(next());
      else if (mode == "--region-setup" && a == "--providers") setup.providers = std::stoi(next());
      else if (mode == "--region-setup" && a == "--cbs") setup.cbs = next();
      else if (mode == "--region-setup" && a == "--push-port") setup.push_port = std::stoi(next());
      else if (a == "--seed") setup.seed = run.seed = static_cast<unsigned>(std::stoul(next()));
      else if (mode == "--region" && a == "--url") {
        Options u;
        if (!parse_url(next(), u)) return usage();
        if (!urls++) run.nodes.clear();
        run.nodes.push_back({u.host, u.port});
      } else if (mode == "--region" && a == "--rate") run.rate = std::stod(next());
      else if (mode == "--region" && a == "--seconds") run.seconds = std::stod(next());
      else if (mode == "--region" && a == "--drain") run.drain = std::stod(next());
      else if (mode == "--region" && a == "--stop-file") run.stop_file = next();
      else if (mode == "--region" && a == "--corpus") run.corpus = next();
      else if (mode == "--region" && a == "--schemas") run.schemas = next();
      else if (mode == "--region" && a == "--progress") run.progress = std::stod(next());
      else return usage();
    } catch (const std::exception&) {
      return usage();
    }
  }
  return mode == "--region-setup" ? sluis::region::setup(setup) : sluis::region::run(run);
}

int main(int argc, char** argv) {
  if (argc >= 3 && (std::string(argv[1]) == "--region-setup" || std::string(argv[1]) == "--region"))
    return region_main(argc, argv);
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    try {
      if (a == "--url") {
        if (!parse_url(next(), o)) return usage();
      } else if (a == "--cert") o.cert = next();
      else if (a == "--key") o.key = next();
      else if (a == "--ca") o.ca = next();
      else if (a == "--body") o.body_file = next();
      else if (a == "--unique") o.unique = next();
      else if (a == "--connections") o.connections = std::stoi(next());
      else if (a == "--seconds") o.seconds = std::stod(next());
      else if (a == "--requests") o.requests = std::stol(next());
      else if (a == "--idle") o.idle = std::stoi(next());
      else if (a == "--hold") o.hold = std::stod(next());
      else if (a == "--rate") o.rate = std::stod(next());
      else return usage();
    } catch (const std::exception&) {
      return usage();
    }
  }
  if (o.cert.empty() || o.key.empty() || o.ca.empty() || (o.idle == 0 && o.body_file.empty()) || o.rate < 0 ||
      o.connections < 1)
    return usage();
  o.run_tag = draw_run_tag();
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  ctx.load_verify_file(o.ca);
  ctx.use_certificate_chain_file(o.cert);
  ctx.use_private_key_file(o.key, asio::ssl::context::pem);
  asio::io_context ioc;

  if (o.idle > 0) {
    std::vector<std::unique_ptr<Stream>> keep;
    int failed = 0, pending = o.idle;
    // At most 200 handshakes at once, so the server's accept queue keeps up.
    int started = 0;
    std::function<void()> more = [&] {
      while (started < o.idle && started - (o.idle - pending) < 200) {
        ++started;
        // idle_one counts its own failures; one that escapes it (not a
        // std::exception) is counted here, so the wait below ends.
        asio::co_spawn(ioc, idle_one(ctx, o, keep, failed, pending), [&](std::exception_ptr e) {
          if (e) {
            report("an idle connection", e);
            ++failed;
            --pending;
          }
          more();
        });
      }
    };
    more();
    while (pending > 0) ioc.run_one();
    std::cout << boost::json::serialize(boost::json::object{{"idle", keep.size()}, {"failed", failed}}) << std::endl;
    asio::steady_timer t(ioc, std::chrono::milliseconds(static_cast<long>(o.hold * 1000)));
    t.wait();
    return 0;
  }

  std::ifstream in(o.body_file, std::ios::binary);
  if (!in) {
    std::cerr << "sluis-load: cannot read " << o.body_file << "\n";
    return 64;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string body = ss.str();
  Results res;
  Schedule sched(ioc, o.connections);
  for (int c = 0; c < o.connections; ++c)
    asio::co_spawn(ioc, worker(ctx, o, body, res, c, sched), [&res](std::exception_ptr e) {
      if (!e) return;
      report("a worker", e);  // its connection's requests stop; counted as an error
      ++res.errors;
    });
  ioc.run();
  double secs = std::chrono::duration<double>(Clock::now() - sched.start).count();
  auto& l = res.latencies_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) { return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(p * l.size()))]; };
  boost::json::object status;
  for (auto [code, n] : res.status) status[std::to_string(code)] = n;
  std::cout << boost::json::serialize(boost::json::object{{"requests", l.size()},
                                                          {"seconds", secs},
                                                          {"per_second", l.size() / secs},
                                                          {"p50_ms", pct(0.50)},
                                                          {"p99_ms", pct(0.99)},
                                                          {"max_ms", l.empty() ? 0.0 : l.back()},
                                                          {"rate", o.rate},
                                                          {"late", res.late},
                                                          {"status", status},
                                                          {"errors", res.errors}})
            << std::endl;
  return 0;
}
