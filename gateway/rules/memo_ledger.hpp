// The ledger as one message's cross-message rules see it (check_ledger): the
// same answers as the ledger it wraps, with the lookup many rules repeat for
// every line (the allocation a prestatie, start or stop names) asked of it
// once. Lives for one check_ledger() call, inside the commit's transaction,
// so nothing it remembers can go stale.
//
// What it remembers is packed: a large declaration names tens of thousands of
// allocations (40 000 in the 24 MB bench), and a whole Allocation per entry
// (nine strings, three optional ones, each a heap block when long) held
// 25 MB for them. An entry here keeps each text once per run (gemeente,
// product, unit and the like repeat on nearly every allocation), a keyed BSN
// hash as its 32 bytes, and dates and numbers as they are; an answer is
// unpacked into the same Allocation the wrapped ledger gave.
//
// Threading: one thread at a time (a LedgerView).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/core/digest.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::rules {

class MemoLedger final : public standard::ledger::LedgerView {
 public:
  using Allocation = standard::ledger::Allocation;
  using Integer = standard::ledger::Integer;
  using Law = standard::Law;

  explicit MemoLedger(const standard::ledger::LedgerView& inner) : in_(inner) {}

  // Remembered, answered again from memory (a missing one too).
  std::optional<Allocation> allocation(Law law, const std::string& gemeente, Integer n) const override;

  // How many allocations (found or not) it remembers, and the bytes their
  // entries and texts take (for the tests and the bench's notes).
  std::size_t remembered() const { return used_; }
  std::size_t approximate_bytes() const;

  // Every other question goes to the wrapped ledger as it is.
  std::vector<Allocation> allocations_of(Law law, const std::string& gemeente, const std::string& aanbieder,
                                         const std::string& h) const override {
    return in_.allocations_of(law, gemeente, aanbieder, h);
  }
  std::optional<standard::ledger::Start> start(const standard::ledger::CareKey& k) const override {
    return in_.start(k);
  }
  std::optional<standard::ledger::Stop> stop(const standard::ledger::CareKey& k) const override {
    return in_.stop(k);
  }
  std::vector<standard::ledger::CareKey> open_starts_on(Law law, const std::string& gemeente,
                                                        const std::string& aanbieder, Integer n) const override {
    return in_.open_starts_on(law, gemeente, aanbieder, n);
  }
  std::optional<standard::ledger::Request> request(Law law, const std::string& aanbieder,
                                                   const std::string& ref) const override {
    return in_.request(law, aanbieder, ref);
  }
  std::vector<standard::ledger::Request> open_requests(Law law, const std::string& aanbieder,
                                                       const std::string& h) const override {
    return in_.open_requests(law, aanbieder, h);
  }
  std::optional<standard::ledger::Declaration> declaration(Law law, const std::string& aanbieder,
                                                           const std::string& nr) const override {
    return in_.declaration(law, aanbieder, nr);
  }
  std::optional<standard::ledger::Declaration> declaration_by_id(Law law, const std::string& aanbieder,
                                                                 const std::string& id) const override {
    return in_.declaration_by_id(law, aanbieder, id);
  }
  std::optional<standard::ledger::Prestatie> prestatie(Law law, const std::string& aanbieder,
                                                       const std::string& ref) const override {
    return in_.prestatie(law, aanbieder, ref);
  }
  Integer debit_volume(Law law, const std::string& gemeente, Integer n) const override {
    return in_.debit_volume(law, gemeente, n);
  }
  Integer debit_cents(Law law, const std::string& gemeente, Integer n) const override {
    return in_.debit_cents(law, gemeente, n);
  }
  std::optional<standard::ledger::Prestatie> debit_for(Law law, const std::string& aanbieder, Integer n,
                                                       const std::string& categorie, const std::string& code,
                                                       const core::Date& begin, const core::Date& eind) const override {
    return in_.debit_for(law, aanbieder, n, categorie, code, begin, eind);
  }
  std::optional<standard::ledger::Prestatie> credit_of(Law law, const std::string& aanbieder,
                                                       const std::string& ref) const override {
    return in_.credit_of(law, aanbieder, ref);
  }
  bool has_approved_uncredited(Law law, const std::string& gemeente, Integer n) const override {
    return in_.has_approved_uncredited(law, gemeente, n);
  }
  std::vector<standard::ledger::Prestatie> prestaties_between(const std::string& aanbieder, const core::Date& from,
                                                              const core::Date& to) const override {
    return in_.prestaties_between(aanbieder, from, to);
  }
  std::vector<standard::ledger::Prestatie> prestaties_judged(const std::string& aanbieder, const core::Date& from,
                                                             const core::Date& to) const override {
    return in_.prestaties_judged(aanbieder, from, to);
  }
  std::vector<Allocation> allocations_of_product(Law law, const std::string& aanbieder,
                                                 const std::string& categorie, const std::string& code,
                                                 const core::Date& on) const override {
    return in_.allocations_of_product(law, aanbieder, categorie, code, on);
  }

 private:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;  // no text, no entry

  // A date as its three fields: any year_month_day, valid or not, comes back
  // the same (an absent optional date is a bit in Packed::has).
  struct PackedDate {
    std::int16_t year = 0;
    std::uint8_t month = 0, day = 0;
  };
  // An allocation: texts as ids into texts_ (kNone: an absent optional), the
  // BSN hash as 32 bytes when it is 64 lowercase hex digits (else a text id).
  struct Packed {
    Integer toewijzing_nummer = 0;
    Integer volume = 0, budget = 0;
    core::Sha256 hash{};  // the keyed BSN hash as bytes (kHashAsBytes)
    std::uint32_t gemeente = kNone, aanbieder = kNone, bsn_hash = kNone, categorie = kNone, code = kNone,
                  reden_wijziging = kNone, referentie_aanbieder = kNone, eenheid = kNone, frequentie = kNone,
                  message_id = kNone, verwijzer_type = kNone;
    PackedDate ingangsdatum, einddatum, toewijzingsdatum, turns_18;
    std::uint8_t law = 0, verdict = 0;
    std::uint8_t has = 0;  // kHas* bits: the optionals that are set, and the hash as bytes
  };
  // A place in the index: open addressing in one array (a lookup is one
  // cache line, where a node-based map's scattered nodes cost a miss or two
  // each on every one of a large declaration's repeated lookups).
  struct Slot {
    Integer n = 0;
    std::uint32_t gemeente = kNone;  // a text id; kNone: the slot is empty
    std::uint32_t at = kNone;        // the entry in packed_; kNone: the ledger has none
    std::uint8_t law = 0;
  };
  std::size_t slot_of(std::uint8_t law, std::uint32_t gemeente, Integer n) const;  // its slot or the empty one
  void grow() const;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };

  std::uint32_t text_id(std::string_view s) const;             // interned
  std::uint32_t find_text(std::string_view s) const;           // kNone when never seen
  std::uint32_t opt_text(const std::optional<std::string>& s) const;
  std::optional<std::string> opt_text(std::uint32_t id) const;
  Packed pack(const Allocation& a) const;
  Allocation unpack(const Packed& p) const;

  const standard::ledger::LedgerView& in_;
  // The texts, each once; a text's id is its place in texts_, whose views
  // point into chunks_ (blocks that are filled and never moved or freed
  // before the memo is).
  mutable std::vector<std::unique_ptr<char[]>> chunks_;
  // The block small texts go into (a long text's own block is not it), its
  // size and what is free in it.
  mutable char* chunk_ = nullptr;
  mutable std::size_t chunk_size_ = 0, chunk_left_ = 0;
  mutable std::size_t chunk_bytes_ = 0;                   // every block's
  mutable std::deque<std::string_view> texts_;
  mutable std::unordered_map<std::string_view, std::uint32_t, TextHash, std::equal_to<>> text_ids_;
  mutable std::vector<Slot> slots_;  // a power of two, at most three quarters full
  mutable std::size_t used_ = 0;
  mutable std::deque<Packed> packed_;  // a deque: never copied as it grows
};

}  // namespace sluis::rules
