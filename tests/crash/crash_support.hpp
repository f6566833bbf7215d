// What the store's crash tests share (store_crash_test: SIGKILL;
// store_power_cut_test: a simulated power cut): a child that commits messages
// on several threads and reports each acknowledged one on a pipe, the
// parent's reading of those reports, and the check of the store afterwards.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/digest.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

namespace sluis::test::crash {

inline std::string body_for(int i) {
  return "<Bericht n=\"" + std::to_string(i) + "\">" + std::string(3500, 'p') + "</Bericht>";
}

// Commits messages C-<start>, C-<start+1>, ... on four threads (so commits
// are batched, group commit, when the end comes) and writes "<i>\n" to `fd`
// after each commit that returned success. Never returns.
[[noreturn]] inline void commit_forever(store::Store& s, int fd, int start) {
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int i = start + t;; i += 4) {
        store::NewMessage m = sample_message("C-" + std::to_string(i), body_for(i));
        auto r = s.commit_sync(m);
        if (!r) _exit(4);
        std::string line = std::to_string(i) + "\n";
        if (::write(fd, line.data(), line.size()) < 0) _exit(5);
      }
    });
  for (auto& t : ts) t.join();
  _exit(0);
}

// Takes the "<i>\n" lines out of `buf` into `acked`; returns the next unused
// number. Other lines stay in `buf`.
inline int take_acks(std::string& buf, std::set<int>& acked, int next) {
  std::string rest;
  std::size_t pos;
  while ((pos = buf.find('\n')) != std::string::npos) {
    std::string line = buf.substr(0, pos);
    buf.erase(0, pos + 1);
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) {
      int i = std::stoi(line);
      acked.insert(i);
      next = std::max(next, i + 1);
    } else {
      rest += line + "\n";
    }
  }
  buf = rest;
  return next;
}

struct StoreCheck {
  bool opened = false;
  std::string open_error;
  std::string integrity;  // PRAGMA integrity_check's first line ("ok")
  int present = 0;
  int broken = 0;   // a row whose body or digest is not what was committed
  int missing = 0;  // acknowledged, not there
};

// Opens the store as a tool does (its own integrity check at open), then
// runs PRAGMA integrity_check and compares every row with what was committed.
inline StoreCheck check_store(const std::string& path, const std::set<int>& acked) {
  StoreCheck c;
  {
    auto s = store::open_sqlite(path);
    c.opened = s.has_value();
    if (!c.opened) {
      c.open_error = s.error().text;
      return c;
    }
  }
  sqlite3* h = nullptr;
  sqlite3_open(path.c_str(), &h);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr);
  if (sqlite3_step(st) == SQLITE_ROW) c.integrity = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  std::set<int> present;
  sqlite3_prepare_v2(h, "SELECT identificatie, body, sha256 FROM messages", -1, &st, nullptr);
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string ident(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    int i = std::stoi(ident.substr(2));
    std::string b(static_cast<const char*>(sqlite3_column_blob(st, 1)),
                  static_cast<std::size_t>(sqlite3_column_bytes(st, 1)));
    if (b != body_for(i) || core::sha256_hex(b) != reinterpret_cast<const char*>(sqlite3_column_text(st, 2)))
      ++c.broken;
    present.insert(i);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  c.present = static_cast<int>(present.size());
  for (int i : acked) c.missing += present.count(i) ? 0 : 1;
  return c;
}

}  // namespace sluis::test::crash
