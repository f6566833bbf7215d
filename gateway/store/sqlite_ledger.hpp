// Internal to the SQLite engine: the ledger tables (schema version 2), the
// rules' LedgerView over them and the writer of a message's ledger changes.
// Both run on the writer connection inside the message's transaction, so a
// rule sees every earlier commit and the facts commit with the message.
#pragma once

#include <sqlite3.h>


#include "gateway/core/result.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::store::sqlite {

// Migration 1 -> 2: the ledger tables.
extern const char* const kLedgerSchema;
// Migration 2 -> 3: held messages waiting for an allocation (orphans = "hold").
extern const char* const kOrphanSchema;
// Migration 6 -> 7: the index TR389's "declared before?" reads (debit_for).
// Every ledger read names its index (INDEXED BY): without statistics SQLite
// preferred a two-column prefix of a WITHOUT ROWID primary key, i.e. a scan of
// every prestatie of the provider, to the index the query was written for.
extern const char* const kLedgerDebitSchema;
// Migration 10 -> 11: the declared ProductTarief of a prestatie, and the index
// the contract rules read a provider's prestaties of a year by
// (prestaties_between).
extern const char* const kLedgerTariffSchema;
// Migration 11 -> 12: the budget ceiling and contingent warnings a message
// reached (ledger_contract_warning), and the index a contingent counts a
// provider's allocations of a product by (allocations_of_product).
extern const char* const kLedgerCeilingSchema;
// Migration 12 -> 13 (with the watch_case table): the facts kept at intake,
// ledger_allocation.verwijzer_type and client_turns_18_on, ledger_request.verwijzer_type.
extern const char* const kLedgerIntakeFactsSchema;
// Migration 14 -> 15 (with the mailbox index): the prestatie indexes the
// rules read hold only the prestaties that count. ledger_prestatie_debit
// (TR389's debit_for) the debits not rejected; ledger_prestatie_allocation
// (TR322/TR369's sums, has_approved_uncredited) the prestaties not rejected.
// A prestatie declared and rejected again and again under one allocation,
// product and period made each of those reads walk every rejected copy.
extern const char* const kLedgerCountedSchema;

class Ledger final : public standard::ledger::LedgerView {
 public:
  explicit Ledger(sqlite3* db) : db_(db) {}
  ~Ledger() override = default;
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  using Integer = standard::ledger::Integer;
  using Date = standard::ledger::Date;

  std::optional<standard::ledger::Allocation> allocation(standard::Law law, const std::string& gemeente,
                                                         Integer toewijzing_nummer) const override;
  std::vector<standard::ledger::Allocation> allocations_of(standard::Law law, const std::string& gemeente,
                                                           const std::string& aanbieder,
                                                           const std::string& bsn_hash) const override;
  std::optional<standard::ledger::Start> start(const standard::ledger::CareKey& key) const override;
  std::optional<standard::ledger::Stop> stop(const standard::ledger::CareKey& key) const override;
  std::vector<standard::ledger::CareKey> open_starts_on(standard::Law law, const std::string& gemeente,
                                                        const std::string& aanbieder,
                                                        Integer toewijzing_nummer) const override;
  std::optional<standard::ledger::Request> request(standard::Law law, const std::string& aanbieder,
                                                   const std::string& referentie) const override;
  std::optional<RequestReceipt> request_receipt(const standard::ledger::Request& r) const override;
  std::vector<standard::ledger::Request> open_requests(standard::Law law, const std::string& aanbieder,
                                                       const std::string& bsn_hash) const override;
  std::optional<standard::ledger::Declaration> declaration(standard::Law law, const std::string& aanbieder,
                                                           const std::string& nummer) const override;
  std::optional<standard::ledger::Declaration> declaration_by_id(standard::Law law,
                                                                 const std::string& aanbieder,
                                                                 const std::string& identificatie) const override;
  std::optional<standard::ledger::Prestatie> prestatie(standard::Law law, const std::string& aanbieder,
                                                       const std::string& referentie) const override;
  Integer debit_volume(standard::Law law, const std::string& gemeente, Integer toewijzing_nummer) const override;
  Integer debit_cents(standard::Law law, const std::string& gemeente, Integer toewijzing_nummer) const override;
  std::optional<standard::ledger::Prestatie> debit_for(standard::Law law, const std::string& aanbieder,
                                                       Integer toewijzing_nummer, const std::string& categorie,
                                                       const std::string& code, const Date& begin,
                                                       const Date& eind) const override;
  std::optional<standard::ledger::Prestatie> credit_of(standard::Law law, const std::string& aanbieder,
                                                       const std::string& referentie) const override;
  bool has_approved_uncredited(standard::Law law, const std::string& gemeente,
                               Integer toewijzing_nummer) const override;
  std::vector<standard::ledger::Prestatie> prestaties_between(const std::string& aanbieder,
                                                              const Date& from,
                                                              const Date& to) const override;
  std::vector<standard::ledger::Prestatie> prestaties_judged(const std::string& aanbieder,
                                                             const Date& from,
                                                             const Date& to) const override;
  std::vector<standard::ledger::Allocation> allocations_of_product(standard::Law law,
                                                                   const std::string& aanbieder,
                                                                   const std::string& categorie,
                                                                   const std::string& code,
                                                                   const Date& on) const override;

  // Writes a message's ledger changes (upserts by each record's key).
  core::Result<void> apply(const standard::ledger::Changes& changes);
  // A read failed since construction: the caller must not commit on what the
  // rules concluded from it.
  bool failed() const { return failed_; }
  void clear_failed() { failed_ = false; }

 private:
  sqlite3* db_;
  mutable bool failed_ = false;
};

}  // namespace sluis::store::sqlite
