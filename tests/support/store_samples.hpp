// A synthetic message for store tests and benchmarks (no BSN, no XML meaning).
#pragma once

#include <string>

#include "gateway/store/store.hpp"

namespace sluis::test {

inline store::NewMessage sample_message(const std::string& identificatie,
                                        const std::string& body = "<Bericht>x</Bericht>") {
  store::NewMessage m;
  m.law = standard::Law::ijw;
  m.type = 323;
  m.berichtcode = 490;
  m.release = "3.2";
  m.sender_code = "87654321";
  m.receiver_code = "0935";
  m.sender_partner = "aanbieder-a";
  m.receiver_partner = "gemeente-m";
  m.identificatie = identificatie;
  m.dagtekening = "2026-11-02";
  m.body = body;
  m.state = store::State::queued;
  m.http_status = 202;
  m.response_json = R"({"status":"accepted"})";
  return m;
}

}  // namespace sluis::test
