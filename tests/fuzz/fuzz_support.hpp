// What the fuzz targets share: where the source tree is (seed data, schemas,
// the example configuration), a quiet logger, the failure that makes libFuzzer
// (and the replay) stop with the input saved, and the privacy oracle.
//
// The privacy oracle: a BSN that an input carries only inside <Bsn> elements
// must never come back in clear in anything the gateway writes out for that
// input (findings, answers, error texts). A number that also stands elsewhere
// in the input (a ToewijzingNummer with the same digits) may be quoted there,
// so it is not checked.
#pragma once

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "gateway/core/ids.hpp"
#include "gateway/core/log.hpp"

#ifndef SLUIS_FUZZ_SOURCE_DIR
#define SLUIS_FUZZ_SOURCE_DIR "."
#endif

namespace sluis::fuzz {

// $SLUIS_SOURCE_DIR (CTest, scripts/fuzz), else the tree the target was built from.
inline std::filesystem::path source_dir() {
  const char* dir = std::getenv("SLUIS_SOURCE_DIR");
  return dir && *dir ? std::filesystem::path(dir) : std::filesystem::path(SLUIS_FUZZ_SOURCE_DIR);
}

// Log lines are dropped: the code under test logs what it logs in the daemon,
// but millions of lines would only slow the fuzzer down.
inline void quiet_logs() {
  core::set_log_sink([](std::string_view) {});
}

// A broken property: print it and abort, so that libFuzzer saves the input as
// a crash and the replay fails.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property broken: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(std::min<std::size_t>(detail.size(), 4000)), detail.data());
  std::abort();
}

// SLUIS_FUZZ_VERBOSE=1: the targets print one line per input saying what it
// got (a verdict, the answers' statuses): to see what a corpus reaches.
inline bool verbose() {
  static const bool v = [] {
    const char* e = std::getenv("SLUIS_FUZZ_VERBOSE");
    return e && *e && *e != '0';
  }();
  return v;
}

// The BSNs (passing the 11-check) that `input` holds in <Bsn> elements only.
inline std::set<std::string> bsns_only_in_bsn_elements(std::string_view input) {
  std::set<std::string> found;
  for (std::size_t at = input.find("Bsn>"); at != std::string_view::npos; at = input.find("Bsn>", at + 4)) {
    std::size_t b = at + 4;
    while (b < input.size() && (input[b] == ' ' || input[b] == '\t' || input[b] == '\n' || input[b] == '\r')) ++b;
    if (b + 9 > input.size()) continue;
    std::string_view digits = input.substr(b, 9);
    if (b + 9 < input.size() && input[b + 9] >= '0' && input[b + 9] <= '9') continue;
    if (core::bsn_elfproef(digits)) found.emplace(digits);
  }
  // Keep those whose every occurrence is the text of a Bsn element.
  for (auto it = found.begin(); it != found.end();) {
    std::size_t all = 0, in_element = 0;
    for (std::size_t p = input.find(*it); p != std::string_view::npos; p = input.find(*it, p + 1)) {
      ++all;
      std::size_t q = p;
      while (q > 0 && (input[q - 1] == ' ' || input[q - 1] == '\t' || input[q - 1] == '\n' || input[q - 1] == '\r')) --q;
      if (q >= 4 && input.substr(q - 4, 4) == "Bsn>") ++in_element;
    }
    it = all == in_element ? std::next(it) : found.erase(it);
  }
  return found;
}

// Fails when `out` (something written out for `input`) quotes one of `bsns`.
inline void check_no_bsn(const std::set<std::string>& bsns, std::string_view out, std::string_view where) {
  for (const auto& b : bsns)
    if (out.find(b) != std::string_view::npos)
      fail(std::string("a BSN in clear in ") + std::string(where), out);
}

}  // namespace sluis::fuzz
