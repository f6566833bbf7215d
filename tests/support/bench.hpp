// Helpers shared by the benchmarks: memory of this process (VmRSS, VmHWM)
// and generated declarations (fictional BSNs that pass the 11-check).
#pragma once

#include <malloc.h>

#include <chrono>
#include <fstream>
#include <string>

#include "gateway/core/ids.hpp"
#include "gateway/standard/model.hpp"

namespace sluis::test::bench {

namespace m = sluis::standard::model;
using Clock = std::chrono::steady_clock;

inline long status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::string(key).size()));
  return 0;
}
inline long rss_kib() { return status_kib("VmRSS:"); }
// Bytes malloc has handed out and not had back (its arenas and its mmapped
// blocks): what a structure holds, where RSS would hide memory reused.
inline std::size_t heap_bytes() {
  auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}
// Resets the peak RSS (VmHWM) so that the next phase's peak can be read.
inline void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

inline double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

inline std::string next_bsn(long& n) {
  for (;;) {
    std::string s = std::to_string(n++);
    if (sluis::core::bsn_elfproef(s)) return s;
  }
}

// A 323 grown from the corpus declaration to `clients` x `per_client` prestaties.
inline m::Message big_declaration(const m::Message& seed, int clients, int per_client) {
  m::Message msg = seed;
  auto& d = std::get<m::Bericht323>(msg.body).Declaratie;
  m::Prestatie proto = d.Clienten.front().Prestaties.front();
  // A declaration that breaks no rule: amount = volume x tariff, one line per allocation.
  proto.IngediendBedrag = {proto.GeleverdVolume * proto.ProductTarief.value_or(1), "D"};
  d.Clienten.clear();
  long bsn = 999900000;
  m::Integer total = 0;
  for (int c = 0; c < clients; ++c) {
    m::Client323 cl;
    cl.Bsn = next_bsn(bsn);
    for (int p = 0; p < per_client; ++p) {
      proto.ProductReferentie.ReferentieNummer = "R" + std::to_string(c) + "-" + std::to_string(p);
      proto.ToewijzingNummer = 100000000 + static_cast<m::Integer>(c) * per_client + p;
      cl.Prestaties.push_back(proto);
      total += proto.IngediendBedrag.Bedrag;
    }
    d.Clienten.push_back(std::move(cl));
  }
  d.TotaalIngediendBedrag = {total, "D"};
  return msg;
}


}  // namespace sluis::test::bench
