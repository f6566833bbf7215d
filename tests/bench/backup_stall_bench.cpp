// Benchmark (label bench; prints numbers, never fails on time): the io thread
// of a real sluisd while `sluisctl backup` copies a store of 200 000 messages
// (issue #21). The store is filled before sluisd starts, through
// store::open_sqlite and Store::commit (group commit, many in flight), at the
// path the daemon's config names (state/sluis.db): small synthetic messages
// from the provider "zorg" to the gemeente "gem"'s mailbox (no BSN), the last
// 2 000 queued, the rest acknowledged. Then, over one TLS keep-alive
// connection as the gemeente, requests go back to back: GET /v1/whoami, GET
// /v1/mailbox/{id} and POST /v1/mailbox/{id}/ack, round the queued messages.
// It measures their latency while the backup runs, and for an equally long
// window without it right after, and prints the store size, the backup time,
// max and p99 of both windows (whoami alone: the io thread; fetch + ack: the
// read pool and the writer too) and the ratio with/without. Asserted (exit 1)
// is only correctness: every request answered 200, the backup answered ok.
// SLUIS_BENCH_MESSAGES scales the store (default 200000).
#include <algorithm>
#include <atomic>
#include <boost/beast/http/message.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/route/table.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"
#include "tests/support/test_gateway.hpp"
#include "tests/support/tls_client.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using sluis::test::TestGateway;
using sluis::test::TlsClient;

namespace {

constexpr long kQueued = 2000;  // the mailbox load cycles through these

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

long messages_wanted() {
  const char* v = std::getenv("SLUIS_BENCH_MESSAGES");
  long n = v ? std::atol(v) : 200000;
  return std::max(n, kQueued);
}

// Fills the store file sluisd will open; returns the ids of the queued messages.
std::vector<std::string> fill(const fs::path& file, long n) {
  fs::create_directories(file.parent_path());
  sluis::store::SqliteOptions opts;
  opts.path = file.string();
  opts.max_batch = 1024;
  auto s = sluis::store::open_sqlite(opts);
  if (!s) throw std::runtime_error("open: " + s.error().text);
  std::mutex mu;
  std::condition_variable cv;
  long in_flight = 0, failed = 0;
  std::vector<std::string> queued;
  auto t0 = Clock::now();
  for (long i = 0; i < n; ++i) {
    auto m = sluis::test::sample_message("BENCH-" + std::to_string(i),
                                         "<Bericht><Header>" + std::to_string(i) +
                                             "</Header><Client>synthetic</Client></Bericht>" +
                                             std::string(180, ' '));
    m.sender_partner = "zorg";
    m.sender_code = "75302186";
    m.receiver_partner = "gem";
    m.receiver_code = "0917";
    m.destination = std::string(sluis::route::kMailboxPrefix) + "gem";
    m.delivery = sluis::config::DestinationKind::mailbox;
    const bool open = i >= n - kQueued;
    m.state = open ? sluis::store::State::queued : sluis::store::State::acknowledged;
    {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return in_flight < 8192; });
      ++in_flight;
    }
    (*s)->commit(std::move(m), [&, open](sluis::core::Result<sluis::store::CommitOutcome> r) {
      std::lock_guard l(mu);
      if (!r)
        ++failed;
      else if (open)
        queued.push_back(r->id);
      --in_flight;
      cv.notify_all();
    });
  }
  std::unique_lock l(mu);
  cv.wait(l, [&] { return in_flight == 0; });
  l.unlock();
  (*s)->close();
  std::printf("  fill through Store::commit (max_batch 1024, 8192 in flight): %ld in %.1f s\n", n,
              ms_since(t0) / 1000);
  if (failed) throw std::runtime_error(std::to_string(failed) + " commits failed");
  return queued;
}

struct Window {
  std::vector<double> whoami, mailbox;  // ms per request
  double slowest_at = 0;                // ms into the window when the slowest request started
  double slowest = 0;
  long not_ok = 0;
  double ms = 0;
};

struct Stats {
  double max = 0, p99 = 0;
  std::size_t n = 0;
};

Stats stats(std::vector<double> v) {
  Stats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.n = v.size();
  s.max = v.back();
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  return s;
}

// Requests back to back until `done` says stop (checked after each round).
template <class Done>
Window load(TlsClient& c, const std::vector<std::string>& ids, std::size_t& next, Done done) {
  Window w;
  auto start = Clock::now();
  auto one = [&](const std::string& req, std::vector<double>& into) {
    auto t = Clock::now();
    c.write(req);
    auto res = c.response();
    into.push_back(ms_since(t));
    if (into.back() > w.slowest) {
      w.slowest = into.back();
      w.slowest_at = std::chrono::duration<double, std::milli>(t - start).count();
    }
    if (res.result_int() != 200) {
      if (w.not_ok++ == 0) std::printf("  answered %d: %s\n", res.result_int(), res.body().c_str());
    }
  };
  do {
    const std::string& id = ids[next++ % ids.size()];
    one(sluis::test::kWhoami, w.whoami);
    one("GET /v1/mailbox/" + id + " HTTP/1.1\r\nHost: sluis\r\n\r\n", w.mailbox);
    one("POST /v1/mailbox/" + id + "/ack HTTP/1.1\r\nHost: sluis\r\nContent-Length: 0\r\n\r\n",
        w.mailbox);
  } while (!done());
  w.ms = ms_since(start);
  return w;
}

void print(const char* what, const Window& w) {
  auto a = stats(w.whoami), b = stats(w.mailbox);
  std::printf(
      "  %-16s %6.1f s: whoami n=%zu max %.1f ms p99 %.1f ms; mailbox fetch+ack n=%zu max %.1f ms "
      "p99 %.1f ms; the slowest request started %.2f s into the window\n",
      what, w.ms / 1000, a.n, a.max, a.p99, b.n, b.max, b.p99, w.slowest_at / 1000);
}

double ratio(double a, double b) {
  return b > 0 ? a / b : 0;
}

}  // namespace

int main() try {
  const long n = messages_wanted();
  std::printf("backup stall: a store of %ld messages backed up under mailbox load\n", n);
  std::vector<std::string> ids;
  fs::path store_file;
  // The store is filled when the config is first written: before sluisd starts.
  TestGateway g("backup-bench", [&](TestGateway& t) {
    if (store_file.empty()) {
      store_file = t.dir.path() / "state" / "sluis.db";
      ids = fill(store_file, n);
    }
    return t.corpus_partners();
  });
  std::error_code ec;
  auto size = fs::file_size(store_file, ec);
  std::printf("  store %s: %.1f MiB (WAL %.1f MiB)\n", store_file.filename().c_str(),
              static_cast<double>(size) / (1 << 20),
              static_cast<double>(fs::file_size(store_file.string() + "-wal", ec)) / (1 << 20));

  TlsClient c(g, "gemeente", std::chrono::seconds(60));
  c.handshake();
  std::size_t next = 0;
  int warm = 0;
  load(c, ids, next, [&] { return ++warm >= 100; });  // warm-up, not counted

  // During the backup.
  std::atomic<bool> finished{false};
  double backup_ms = 0;
  auto backup = std::async(std::launch::async, [&] {
    auto t = Clock::now();
    auto r = g.sluisctl({"backup", "bench.db"});
    backup_ms = ms_since(t);
    finished = true;
    return r;
  });
  Window during = load(c, ids, next, [&] { return finished.load(); });
  auto r = backup.get();
  const bool backup_ok =
      r.exit_code == 0 && r.output.find("backup written to") != std::string::npos;
  if (!backup_ok) std::printf("  backup failed (exit %d): %s\n", r.exit_code, r.output.c_str());
  auto copy = g.dir.path() / "state" / "backups" / "bench.db";
  std::printf("  backup (sluisctl backup, start to exit): %.1f s, copy %.1f MiB\n",
              backup_ms / 1000, static_cast<double>(fs::file_size(copy, ec)) / (1 << 20));

  // An equally long window without it.
  auto quiet_start = Clock::now();
  Window quiet = load(c, ids, next, [&] { return ms_since(quiet_start) >= during.ms; });

  print("during backup", during);
  print("without backup", quiet);
  auto dw = stats(during.whoami), qw = stats(quiet.whoami), dm = stats(during.mailbox),
       qm = stats(quiet.mailbox);
  std::printf("  ratio during/without: whoami max %.1fx p99 %.1fx; mailbox max %.1fx p99 %.1fx\n",
              ratio(dw.max, qw.max), ratio(dw.p99, qw.p99), ratio(dm.max, qm.max),
              ratio(dm.p99, qm.p99));

  const bool stopped = g.stop() == 0;
  const long not_ok = during.not_ok + quiet.not_ok;
  if (not_ok) std::printf("FAIL: %ld requests not answered 200\n", not_ok);
  if (!stopped) std::printf("FAIL: sluisd did not exit 0\n");
  return not_ok == 0 && backup_ok && stopped ? 0 : 1;
} catch (const std::exception& e) {
  std::printf("FAIL: %s\n", e.what());
  return 1;
}
