// MemoLedger: the allocations the cross-message rules ask for, remembered
// packed, come back exactly as the wrapped ledger gave them (every field, set
// or absent), are asked of it once, and take a fraction of a whole
// Allocation's memory per entry.
#define BOOST_TEST_MODULE rules_memo_ledger
#include "gateway/rules/memo_ledger.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <map>
#include <tuple>

#include "tests/support/empty_ledger.hpp"

using namespace sluis;
namespace L = standard::ledger;

namespace {

struct CountingLedger : test::EmptyLedger {
  std::map<std::tuple<Law, std::string, I>, Allocation> rows;
  mutable int asked = 0;
  std::optional<Allocation> allocation(Law law, const std::string& g, I n) const override {
    ++asked;
    auto it = rows.find({law, g, n});
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  void add(const Allocation& a) { rows[{a.law, a.gemeente, a.toewijzing_nummer}] = a; }
};

core::Date day(const char* s) { return *core::parse_date(s); }

// Every optional set, a BSN hash of 64 lowercase hex digits.
L::Allocation full() {
  L::Allocation a;
  a.law = standard::Law::ijw;
  a.gemeente = "0935";
  a.aanbieder = "87654321";
  a.toewijzing_nummer = 4711;
  a.bsn_hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f00123456789abcdef0fedcba987654321";
  a.categorie = "45";
  a.code = "45A04";
  a.ingangsdatum = day("2026-01-01");
  a.einddatum = day("2026-12-31");
  a.reden_wijziging = "01";
  a.referentie_aanbieder = "REF-17";
  a.volume = 120;
  a.eenheid = "14";
  a.frequentie = "4";
  a.budget = 1234567;
  a.toewijzingsdatum = day("2025-12-15");
  a.message_id = "m0123456789abcdef012345";
  a.verdict = L::Verdict::rejected;
  a.verwijzer_type = "02";
  a.client_turns_18_on = day("2029-03-01");
  return a;
}

// Every optional absent, empty texts, a hash that is not lowercase hex (the
// tests' own "hashes", or upper case, must come back as they were), the
// default (invalid) dates.
L::Allocation bare(std::string hash) {
  L::Allocation a;
  a.law = standard::Law::iwmo;
  a.gemeente = "0363";
  a.toewijzing_nummer = -3;
  a.bsn_hash = std::move(hash);
  return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(memo_ledger)

BOOST_AUTO_TEST_CASE(answers_exactly_what_the_ledger_gave_and_asks_it_once) {
  CountingLedger inner;
  const auto a = full();
  const auto b = bare("999999990");
  const auto c = bare("0F1E2D3C4B5A69788796A5B4C3D2E1F00123456789ABCDEF0FEDCBA987654321");
  auto d = bare("0f1e2d3c4b5a69788796a5b4c3d2e1f00123456789abcdef0fedcba98765432");  // 63 digits
  d.toewijzing_nummer = 9;
  inner.add(a);
  inner.add(b);
  auto c2 = c;
  c2.toewijzing_nummer = 8;
  inner.add(c2);
  inner.add(d);
  rules::MemoLedger memo(inner);
  for (int round = 0; round < 3; ++round) {
    BOOST_TEST_CONTEXT("round " << round) {
      auto got = memo.allocation(a.law, a.gemeente, a.toewijzing_nummer);
      BOOST_REQUIRE(got);
      BOOST_TEST((*got == a));
      BOOST_TEST(got->bsn_hash == a.bsn_hash);
      got = memo.allocation(b.law, b.gemeente, b.toewijzing_nummer);
      BOOST_REQUIRE(got);
      BOOST_TEST((*got == b));
      BOOST_TEST(!got->code.has_value());
      BOOST_TEST(!got->einddatum.has_value());
      BOOST_TEST(!got->client_turns_18_on.has_value());
      got = memo.allocation(c2.law, c2.gemeente, c2.toewijzing_nummer);
      BOOST_REQUIRE(got);
      BOOST_TEST(got->bsn_hash == c.bsn_hash);  // upper case kept
      got = memo.allocation(d.law, d.gemeente, d.toewijzing_nummer);
      BOOST_REQUIRE(got);
      BOOST_TEST((*got == d));
      // None: remembered too. Another law or gemeente is another key.
      BOOST_TEST(!memo.allocation(a.law, a.gemeente, 4712).has_value());
      BOOST_TEST(!memo.allocation(standard::Law::iwmo, a.gemeente, a.toewijzing_nummer).has_value());
      BOOST_TEST(!memo.allocation(a.law, "0344", a.toewijzing_nummer).has_value());
    }
  }
  BOOST_TEST(inner.asked == 7);
  BOOST_TEST(memo.remembered() == 7u);
}

BOOST_AUTO_TEST_CASE(an_empty_optional_text_is_not_an_absent_one_and_long_texts_are_whole) {
  CountingLedger inner;
  auto a = full();
  a.code = "";
  a.reden_wijziging = std::nullopt;
  a.referentie_aanbieder = "";
  inner.add(a);
  // A text longer than a block of the memo's texts, and one beside it.
  auto b = full();
  b.toewijzing_nummer = 4712;
  b.referentie_aanbieder = std::string(20000, 'r');
  b.verwijzer_type = "03";
  inner.add(b);
  rules::MemoLedger memo(inner);
  memo.allocation(a.law, a.gemeente, a.toewijzing_nummer);
  const auto got = memo.allocation(a.law, a.gemeente, a.toewijzing_nummer);
  BOOST_REQUIRE(got);
  BOOST_TEST((*got == a));
  BOOST_TEST((got->code && got->code->empty()));
  BOOST_TEST(!got->reden_wijziging.has_value());
  for (int round = 0; round < 2; ++round) {
    const auto long_text = memo.allocation(b.law, b.gemeente, b.toewijzing_nummer);
    BOOST_REQUIRE(long_text);
    BOOST_TEST((*long_text == b));
  }
  BOOST_TEST(memo.allocation(a.law, a.gemeente, a.toewijzing_nummer)->verwijzer_type == "02");
  BOOST_TEST(inner.asked == 2);
}

// The reason it packs: 20 000 allocations of one gemeente, provider and
// product, each with its own client hash and 301, as in a large declaration.
// A whole Allocation in a map node took about 645 bytes each (the 24 MB
// bench's heap profile: 25.8 MB for 40 000); packed, under half of that.
BOOST_AUTO_TEST_CASE(an_entry_takes_a_fraction_of_a_whole_allocation) {
  CountingLedger inner;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    auto a = full();
    a.toewijzing_nummer = 100000 + i;
    char hash[65];
    std::snprintf(hash, sizeof hash, "%064x", i * 7919 + 1);
    a.bsn_hash = hash;
    a.message_id = "import-" + std::to_string(1000000 + i);
    inner.add(a);
  }
  rules::MemoLedger memo(inner);
  for (int i = 0; i < kN; ++i) BOOST_REQUIRE(memo.allocation(standard::Law::ijw, "0935", 100000 + i));
  BOOST_TEST(memo.remembered() == static_cast<std::size_t>(kN));
  const double per_entry = static_cast<double>(memo.approximate_bytes()) / kN;
  BOOST_TEST_MESSAGE("bytes per remembered allocation: " << per_entry << " (sizeof(Allocation) alone: "
                                                         << sizeof(L::Allocation) << ")");
  BOOST_TEST(per_entry < 320.0);
  BOOST_TEST(per_entry < static_cast<double>(sizeof(L::Allocation)));
  // And each comes back whole.
  const auto got = memo.allocation(standard::Law::ijw, "0935", 100000 + kN - 1);
  BOOST_REQUIRE(got);
  BOOST_TEST((*got == inner.rows.at({standard::Law::ijw, "0935", 100000 + kN - 1})));
  BOOST_TEST(inner.asked == kN);
}

BOOST_AUTO_TEST_SUITE_END()
