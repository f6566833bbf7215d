// Test support: a SQLite store in a fresh temporary directory (removed
// afterwards), and the pieces store and admin tests build messages from.
#pragma once

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "gateway/core/date.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"

namespace sluis::test {

struct TempStore {
  explicit TempStore(const std::string& tag)
      : dir(std::filesystem::temp_directory_path() / ("sluis-" + tag + "-" + core::random_hex(6))) {
    std::filesystem::create_directories(dir);
    open();
  }
  ~TempStore() {
    db.reset();
    std::filesystem::remove_all(dir);
  }
  // Opens the store (again: close first), with the daemon's start-up recovery.
  void open() {
    db.reset();
    store::SqliteOptions o;
    o.path = (dir / "sluis.db").string();
    auto s = store::open_sqlite(o);
    BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
    db = std::move(*s);
  }
  // A sample message committed in `state`, routed to a mailbox `destination`; its id.
  std::string add(const std::string& ident, store::State state,
                  const std::string& destination = "gemeente-m-mailbox", store::HoldReason hold_reason = store::HoldReason::none,
                  const std::string& body = "<Bericht>x</Bericht>") {
    auto m = sample_message(ident, body);
    m.state = state;
    m.destination = destination;
    m.delivery = sluis::config::DestinationKind::mailbox;
    m.hold_reason = hold_reason;
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE(r.has_value());
    return r->id;
  }
  std::filesystem::path dir;
  std::unique_ptr<store::Store> db;
};

// A judgement that records one allocation (ijw, gemeente 0935, aanbieder
// 87654321, category 45, from 2026-01-01) whose source is the message: a ledger fact later messages are
// judged against.
inline store::Decide allocation_decider(std::int64_t toewijzing_nummer, std::string bsn_hash,
                                        const char* toewijzingsdatum = "2026-01-01") {
  return [=](const standard::ledger::LedgerView&, store::NewMessage& m) -> core::Result<store::Decision> {
    store::Decision d;
    standard::ledger::Allocation a;
    a.law = standard::Law::ijw;
    a.gemeente = "0935";
    a.aanbieder = "87654321";
    a.toewijzing_nummer = toewijzing_nummer;
    a.bsn_hash = bsn_hash;
    a.categorie = "45";
    a.ingangsdatum = *core::parse_date("2026-01-01");
    a.toewijzingsdatum = *core::parse_date(toewijzingsdatum);
    a.message_id = m.id;
    d.changes.allocations.push_back(a);
    return d;
  };
}

}  // namespace sluis::test
