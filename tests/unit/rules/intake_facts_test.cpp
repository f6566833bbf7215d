// The facts a message leaves in the ledger at intake for the watches and the
// report (schema 13), from the iJw conformance messages: a 315's products
// keep their Verwijzer/Type, the 301 honouring them takes it over, and an iJw
// 301's allocations keep the day the client turns 18 (Geboortedatum + 18
// years; 1 March for 29 February), never the birth date; an iWmo 301 keeps no
// such day.
#define BOOST_TEST_MODULE rules_intake_facts
#include <boost/test/unit_test.hpp>

#include "gateway/rules/outcome.hpp"
#include "gateway/xml/model_reader.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

using namespace sluis;
namespace L = standard::ledger;

namespace {

// The ledger's answer to request(); ledger_changes asks nothing else of a 301.
struct Ledger : L::LedgerView {
  std::optional<L::Allocation> alloc;
  using I = L::Integer;
  std::optional<L::Allocation> allocation(standard::Law, const std::string&, I n) const override {
    if (alloc && alloc->toewijzing_nummer == n) return alloc;
    return std::nullopt;
  }
  std::vector<L::Allocation> allocations_of(standard::Law, const std::string&, const std::string&,
                                            const std::string&) const override {
    return {};
  }
  std::optional<L::Start> start(const L::CareKey&) const override { return {}; }
  std::optional<L::Stop> stop(const L::CareKey&) const override { return {}; }
  std::vector<L::CareKey> open_starts_on(standard::Law, const std::string&, const std::string&,
                                         I) const override {
    return {};
  }
  std::optional<L::Request> request(standard::Law, const std::string& aanbieder,
                                    const std::string& referentie) const override {
    for (const auto& r : requests)
      if (r.aanbieder == aanbieder && r.referentie == referentie) return r;
    return std::nullopt;
  }
  std::vector<L::Request> requests;
  std::vector<L::Request> open_requests(standard::Law, const std::string&,
                                        const std::string&) const override {
    return {};
  }
  std::optional<L::Declaration> declaration(standard::Law, const std::string&,
                                            const std::string&) const override {
    return {};
  }
  std::optional<L::Declaration> declaration_by_id(standard::Law, const std::string&,
                                                  const std::string&) const override {
    return {};
  }
  std::optional<L::Prestatie> prestatie(standard::Law, const std::string&,
                                        const std::string&) const override {
    return {};
  }
  I debit_volume(standard::Law, const std::string&, I) const override { return 0; }
  I debit_cents(standard::Law, const std::string&, I) const override { return 0; }
  std::optional<L::Prestatie> debit_for(standard::Law, const std::string&, I, const std::string&,
                                        const std::string&, const core::Date&,
                                        const core::Date&) const override {
    return {};
  }
  std::optional<L::Prestatie> credit_of(standard::Law, const std::string&,
                                        const std::string&) const override {
    return {};
  }
  bool has_approved_uncredited(standard::Law, const std::string&, I) const override {
    return false;
  }
  std::vector<L::Prestatie> prestaties_between(const std::string&, const core::Date&,
                                               const core::Date&) const override {
    return {};
  }
  std::vector<L::Prestatie> prestaties_judged(const std::string&, const core::Date&,
                                              const core::Date&) const override {
    return {};
  }
  std::vector<L::Allocation> allocations_of_product(standard::Law, const std::string&, const std::string&,
                                                    const std::string&, const core::Date&) const override {
    return {};
  }
};

struct Fixture {
  Fixture() {
    auto cfg = test::schemas_config();
    auto s = xml::SchemaSet::load(cfg);
    BOOST_REQUIRE(s.has_value());
    validator = std::make_unique<xml::Validator>(*s, cfg);
  }
  standard::model::Message read(const char* corpus, std::vector<std::pair<std::string, std::string>> edits = {}) {
    auto o = validator->validate(test::slurp(test::source() / "tests/conformance/xsd" / corpus), xml::ReadModel::yes);
    BOOST_REQUIRE(o.message.has_value());
    auto msg = *o.message;
    for (const auto& [path, value] : edits) BOOST_REQUIRE(xml::edit_model(msg, path, value).has_value());
    standard::model::locate(msg);
    return msg;
  }
  L::Changes changes(const standard::model::Message& m) {
    return rules::ledger_changes(m, "m-1", {}, L::Verdict::approved, [](const std::string&) { return "hash"; }, "",
                                 &ledger);
  }
  xml::XercesRuntime runtime;
  std::unique_ptr<xml::Validator> validator;
  Ledger ledger;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(intake_facts, Fixture)

BOOST_AUTO_TEST_CASE(a_request_keeps_its_referrer_and_the_allocation_honouring_it_takes_it_over) {
  auto req = changes(read("ijw/315/valid-vot.xml"));
  BOOST_REQUIRE(req.requests.size() == 2u);
  for (const auto& r : req.requests) BOOST_TEST(r.verwijzer_type == "02");
  ledger.requests = req.requests;
  auto alloc = changes(read("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE(alloc.allocations.size() == 2u);
  for (const auto& a : alloc.allocations) {
    BOOST_TEST(a.verwijzer_type == "02");
    // Born 2013-08-29.
    BOOST_REQUIRE(a.client_turns_18_on.has_value());
    BOOST_TEST(core::format_date(*a.client_turns_18_on) == "2031-08-29");
  }
  // Honoured requests are written back with their referrer.
  BOOST_REQUIRE(alloc.requests.size() == 2u);
  BOOST_TEST(alloc.requests[0].honoured);
  BOOST_TEST(alloc.requests[0].verwijzer_type == "02");
}

BOOST_AUTO_TEST_CASE(an_allocation_honouring_no_known_request_has_no_referrer) {
  auto alloc = changes(read("ijw/301/valid-toewijzing.xml"));
  BOOST_REQUIRE(!alloc.allocations.empty());
  BOOST_TEST(alloc.allocations[0].verwijzer_type.empty());
}

BOOST_AUTO_TEST_CASE(born_on_29_february_turns_18_on_1_march) {
  auto alloc = changes(read("ijw/301/valid-toewijzing.xml", {{"/Bericht/Client/Geboortedatum/Datum", "2008-02-29"}}));
  BOOST_REQUIRE(!alloc.allocations.empty());
  BOOST_TEST(core::format_date(*alloc.allocations[0].client_turns_18_on) == "2026-03-01");
  alloc = changes(read("ijw/301/valid-toewijzing.xml", {{"/Bericht/Client/Geboortedatum/Datum", "2012-02-29"}}));
  BOOST_TEST(core::format_date(*alloc.allocations[0].client_turns_18_on) == "2030-03-01");
}

BOOST_AUTO_TEST_CASE(an_iwmo_allocation_keeps_no_birthday) {
  auto alloc = changes(read("iwmo/301/valid-toewijzing.xml"));
  BOOST_REQUIRE(!alloc.allocations.empty());
  for (const auto& a : alloc.allocations) BOOST_TEST(!a.client_turns_18_on.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
