// A ledger that knows nothing: every question of standard::ledger::LedgerView
// answered empty. Tests derive from it and answer only the questions the
// code under test asks.
#pragma once

#include "gateway/standard/ledger.hpp"

namespace sluis::test {

struct EmptyLedger : standard::ledger::LedgerView {
  using Law = standard::Law;
  using I = standard::ledger::Integer;
  using Allocation = standard::ledger::Allocation;
  using Prestatie = standard::ledger::Prestatie;
  using Request = standard::ledger::Request;
  using Declaration = standard::ledger::Declaration;
  using CareKey = standard::ledger::CareKey;

  std::optional<Allocation> allocation(Law, const std::string&, I) const override { return std::nullopt; }
  std::vector<Allocation> allocations_of(Law, const std::string&, const std::string&,
                                         const std::string&) const override {
    return {};
  }
  std::optional<standard::ledger::Start> start(const CareKey&) const override { return std::nullopt; }
  std::optional<standard::ledger::Stop> stop(const CareKey&) const override { return std::nullopt; }
  std::vector<CareKey> open_starts_on(Law, const std::string&, const std::string&, I) const override { return {}; }
  std::optional<Request> request(Law, const std::string&, const std::string&) const override { return std::nullopt; }
  std::vector<Request> open_requests(Law, const std::string&, const std::string&) const override { return {}; }
  std::optional<Declaration> declaration(Law, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
  std::optional<Declaration> declaration_by_id(Law, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
  std::optional<Prestatie> prestatie(Law, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
  I debit_volume(Law, const std::string&, I) const override { return 0; }
  I debit_cents(Law, const std::string&, I) const override { return 0; }
  std::optional<Prestatie> debit_for(Law, const std::string&, I, const std::string&, const std::string&,
                                     const core::Date&, const core::Date&) const override {
    return std::nullopt;
  }
  std::optional<Prestatie> credit_of(Law, const std::string&, const std::string&) const override {
    return std::nullopt;
  }
  bool has_approved_uncredited(Law, const std::string&, I) const override { return false; }
  std::vector<Prestatie> prestaties_between(const std::string&, const core::Date&, const core::Date&) const override {
    return {};
  }
  std::vector<Prestatie> prestaties_judged(const std::string&, const core::Date&, const core::Date&) const override {
    return {};
  }
  std::vector<Allocation> allocations_of_product(Law, const std::string&, const std::string&, const std::string&,
                                                 const core::Date&) const override {
    return {};
  }
};

}  // namespace sluis::test
