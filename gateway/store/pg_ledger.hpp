// Internal to the PostgreSQL engine: the ledger tables' reads and writes, as
// sqlite_ledger.hpp is for SQLite (the tables are in pg_schema.cpp). The rules'
// LedgerView over them and the writer of a message's ledger changes, both on
// the connection of the message's transaction, so a rule sees every earlier
// commit and the facts commit with the message. Every method answers what the
// SQLite engine's answers for the same rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/store/pg.hpp"

namespace sluis::store::pg {

class Ledger final : public standard::ledger::LedgerView {
 public:
  explicit Ledger(Connection& c) : c_(&c) {}
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
  std::optional<standard::ledger::Declaration> declaration_by_id(
      standard::Law law, const std::string& aanbieder, const std::string& identificatie) const override;
  std::optional<standard::ledger::Prestatie> prestatie(standard::Law law, const std::string& aanbieder,
                                                       const std::string& referentie) const override;
  Integer debit_volume(standard::Law law, const std::string& gemeente,
                       Integer toewijzing_nummer) const override;
  Integer debit_cents(standard::Law law, const std::string& gemeente,
                      Integer toewijzing_nummer) const override;
  std::optional<standard::ledger::Prestatie> debit_for(standard::Law law, const std::string& aanbieder,
                                                       Integer toewijzing_nummer,
                                                       const std::string& categorie, const std::string& code,
                                                       const Date& begin, const Date& eind) const override;
  std::optional<standard::ledger::Prestatie> credit_of(standard::Law law, const std::string& aanbieder,
                                                       const std::string& referentie) const override;
  bool has_approved_uncredited(standard::Law law, const std::string& gemeente,
                               Integer toewijzing_nummer) const override;
  std::vector<standard::ledger::Prestatie> prestaties_between(const std::string& aanbieder, const Date& from,
                                                              const Date& to) const override;
  std::vector<standard::ledger::Prestatie> prestaties_judged(const std::string& aanbieder, const Date& from,
                                                             const Date& to) const override;
  std::vector<standard::ledger::Allocation> allocations_of_product(standard::Law law,
                                                                   const std::string& aanbieder,
                                                                   const std::string& categorie,
                                                                   const std::string& code,
                                                                   const Date& on) const override;

  // Writes a message's ledger changes (upserts by each record's key); the
  // first error, with the rest not written.
  core::Result<void> apply(const standard::ledger::Changes& changes);
  // A read failed since construction: the caller must not commit on what the
  // rules concluded from it.
  bool failed() const { return failed_; }
  void clear_failed() { failed_ = false; }

 private:
  Connection* c_;
  mutable bool failed_ = false;
};

}  // namespace sluis::store::pg
