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

// The SQL that takes a SQLite store of schema 16 back to the indexes of
// schema 15, or a PostgreSQL database of schema 2 back to 1's (sql_common.hpp,
// kLeanMessageIndexes), for the tests that make a store of an older schema out
// of a new one and open it again.
inline constexpr const char* kUndoSchema16 =
    "DROP INDEX messages_identification; "
    "CREATE INDEX messages_identification ON messages (sender_code, law, type, identificatie); "
    "CREATE INDEX messages_identificatie ON messages (identificatie); "
    "CREATE INDEX messages_state ON messages (state, next_attempt_at); "
    "CREATE INDEX messages_mailbox_open ON messages (receiver_partner, seq) "
    "WHERE state IN ('queued','delivering','delivered','deferred'); "
    "DROP INDEX messages_heen; CREATE INDEX messages_heen ON messages (heen_id); ";

}  // namespace sluis::test
