// Benchmark (label bench; prints numbers, never fails on time): commits/s of
// 3.5 KB messages through the store's group commit with concurrent writers,
// against a plain SQLite loop with one transaction per insert (same WAL and
// synchronous=FULL) on the same file system in the same run, as a ratio.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "gateway/core/digest.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main() {
  fs::path dir = fs::temp_directory_path() / ("sluis-bench-" + sluis::core::random_hex(4));
  fs::create_directories(dir);
  const std::string body(3500, 'x');
  constexpr int kThreads = 32, kEach = 60, kRaw = 600;

  auto s = sluis::store::open_sqlite((dir / "store.db").string());
  if (!s) return 1;
  std::vector<double> lat;
  std::mutex lm;
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        sluis::store::NewMessage m = sluis::test::sample_message("B" + std::to_string(t) + "-" + std::to_string(i), body);
        auto a = Clock::now();
        if (!(*s)->commit_sync(m)) std::abort();
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
        std::lock_guard l(lm);
        lat.push_back(ms);
      }
    });
  for (auto& t : ts) t.join();
  double grouped = std::chrono::duration<double>(Clock::now() - t0).count();
  (*s)->close();

  sqlite3* db = nullptr;
  sqlite3_open((dir / "raw.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE m (id TEXT, body BLOB);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m VALUES (?, ?)", -1, &st, nullptr);
  auto t1 = Clock::now();
  for (int i = 0; i < kRaw; ++i) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    std::string id = std::to_string(i);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double raw = std::chrono::duration<double>(Clock::now() - t1).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  fs::remove_all(dir);

  std::sort(lat.begin(), lat.end());
  double grouped_rate = kThreads * kEach / grouped, raw_rate = kRaw / raw;
  std::printf("store commits of 3.5 KB messages, WAL + synchronous=FULL, %s\n", dir.parent_path().c_str());
  std::printf("  group commit, %d writers: %8.0f commits/s (p50 %.2f ms, p99 %.2f ms)\n", kThreads, grouped_rate,
              lat[lat.size() / 2], lat[lat.size() * 99 / 100]);
  std::printf("  raw SQLite, 1 txn/insert: %8.0f commits/s\n", raw_rate);
  std::printf("  ratio group/raw: %.2f\n", grouped_rate / raw_rate);
  return 0;
}
