#include "gateway/rules/memo_ledger.hpp"

#include <cstring>

#include "gateway/core/digest.hpp"

namespace sluis::rules {

namespace {

namespace L = standard::ledger;

enum : std::uint8_t {
  kHasEinde = 1,
  kHasVolume = 2,
  kHasBudget = 4,
  kHasTurns18 = 8,
  kHashAsBytes = 16,
};

// The texts' blocks: the first small (a message of a few lines names a few
// allocations, and its rules run on the writer), each next one twice the
// last up to kChunk; a text longer than that gets a block of its own. Most
// texts are a few bytes, a BSN hash that is not hex or an id some tens.
constexpr std::size_t kFirstChunk = 512;
constexpr std::size_t kChunk = 16 * 1024;

}  // namespace

std::size_t MemoLedger::slot_of(std::uint8_t law, std::uint32_t gemeente, Integer n) const {
  // splitmix64's finaliser over the key: ToewijzingNummers are often
  // consecutive, and the low bits choose the slot.
  std::uint64_t x = static_cast<std::uint64_t>(n) ^ (static_cast<std::uint64_t>(gemeente) << 32) ^
                    (static_cast<std::uint64_t>(law) << 61);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = x & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.gemeente == kNone || (s.n == n && s.gemeente == gemeente && s.law == law)) return i;
  }
}

void MemoLedger::grow() const {
  std::vector<Slot> old(slots_.empty() ? 16 : 2 * slots_.size());
  old.swap(slots_);
  for (const Slot& s : old)
    if (s.gemeente != kNone) slots_[slot_of(s.law, s.gemeente, s.n)] = s;
}

std::uint32_t MemoLedger::find_text(std::string_view s) const {
  auto it = text_ids_.find(s);
  return it == text_ids_.end() ? kNone : it->second;
}

std::uint32_t MemoLedger::text_id(std::string_view s) const {
  if (auto id = find_text(s); id != kNone) return id;
  char* at = nullptr;
  if (s.size() > kChunk) {
    chunks_.push_back(std::make_unique_for_overwrite<char[]>(s.size()));
    chunk_bytes_ += s.size();
    at = chunks_.back().get();
  } else {
    if (!chunk_ || s.size() > chunk_left_) {
      chunk_size_ = chunk_ ? std::min(2 * chunk_size_, kChunk) : kFirstChunk;
      while (chunk_size_ < s.size()) chunk_size_ *= 2;
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk_size_));
      chunk_bytes_ += chunk_size_;
      chunk_ = chunks_.back().get();
      chunk_left_ = chunk_size_;
    }
    at = chunk_ + (chunk_size_ - chunk_left_);
    chunk_left_ -= s.size();
  }
  if (!s.empty()) std::memcpy(at, s.data(), s.size());
  const auto id = static_cast<std::uint32_t>(texts_.size());
  texts_.emplace_back(at, s.size());
  text_ids_.emplace(texts_.back(), id);
  return id;
}

std::uint32_t MemoLedger::opt_text(const std::optional<std::string>& s) const {
  return s ? text_id(*s) : kNone;
}

std::optional<std::string> MemoLedger::opt_text(std::uint32_t id) const {
  if (id == kNone) return std::nullopt;
  return std::string(texts_[id]);
}

MemoLedger::Packed MemoLedger::pack(const Allocation& a) const {
  auto date = [](const core::Date& d) {
    return PackedDate{static_cast<std::int16_t>(static_cast<int>(d.year())),
                      static_cast<std::uint8_t>(static_cast<unsigned>(d.month())),
                      static_cast<std::uint8_t>(static_cast<unsigned>(d.day()))};
  };
  Packed p;
  p.law = static_cast<std::uint8_t>(a.law);
  p.verdict = static_cast<std::uint8_t>(a.verdict);
  p.toewijzing_nummer = a.toewijzing_nummer;
  p.gemeente = text_id(a.gemeente);
  p.aanbieder = text_id(a.aanbieder);
  if (auto bytes = core::sha256_of_hex(a.bsn_hash)) {
    p.hash = *bytes;
    p.has |= kHashAsBytes;
  } else {
    p.bsn_hash = text_id(a.bsn_hash);
  }
  p.categorie = text_id(a.categorie);
  p.code = opt_text(a.code);
  p.ingangsdatum = date(a.ingangsdatum);
  if (a.einddatum) {
    p.has |= kHasEinde;
    p.einddatum = date(*a.einddatum);
  }
  p.reden_wijziging = opt_text(a.reden_wijziging);
  p.referentie_aanbieder = opt_text(a.referentie_aanbieder);
  if (a.volume) {
    p.has |= kHasVolume;
    p.volume = *a.volume;
  }
  p.eenheid = text_id(a.eenheid);
  p.frequentie = text_id(a.frequentie);
  if (a.budget) {
    p.has |= kHasBudget;
    p.budget = *a.budget;
  }
  p.toewijzingsdatum = date(a.toewijzingsdatum);
  p.message_id = text_id(a.message_id);
  p.verwijzer_type = text_id(a.verwijzer_type);
  if (a.client_turns_18_on) {
    p.has |= kHasTurns18;
    p.turns_18 = date(*a.client_turns_18_on);
  }
  return p;
}

MemoLedger::Allocation MemoLedger::unpack(const Packed& p) const {
  auto date = [](const PackedDate& d) {
    return core::Date{std::chrono::year{d.year}, std::chrono::month{d.month}, std::chrono::day{d.day}};
  };
  auto text = [this](std::uint32_t id) { return std::string(texts_[id]); };
  Allocation a;
  a.law = static_cast<Law>(p.law);
  a.verdict = static_cast<L::Verdict>(p.verdict);
  a.toewijzing_nummer = p.toewijzing_nummer;
  a.gemeente = text(p.gemeente);
  a.aanbieder = text(p.aanbieder);
  a.bsn_hash = (p.has & kHashAsBytes) ? core::hex(p.hash) : text(p.bsn_hash);
  a.categorie = text(p.categorie);
  a.code = opt_text(p.code);
  a.ingangsdatum = date(p.ingangsdatum);
  if (p.has & kHasEinde) a.einddatum = date(p.einddatum);
  a.reden_wijziging = opt_text(p.reden_wijziging);
  a.referentie_aanbieder = opt_text(p.referentie_aanbieder);
  if (p.has & kHasVolume) a.volume = p.volume;
  a.eenheid = text(p.eenheid);
  a.frequentie = text(p.frequentie);
  if (p.has & kHasBudget) a.budget = p.budget;
  a.toewijzingsdatum = date(p.toewijzingsdatum);
  a.message_id = text(p.message_id);
  a.verwijzer_type = text(p.verwijzer_type);
  if (p.has & kHasTurns18) a.client_turns_18_on = date(p.turns_18);
  return a;
}

std::optional<MemoLedger::Allocation> MemoLedger::allocation(Law law, const std::string& gemeente,
                                                            Integer n) const {
  const auto l = static_cast<std::uint8_t>(law);
  // A gemeente never seen has no entry yet: no text is made for a lookup.
  if (const std::uint32_t g = find_text(gemeente); g != kNone && !slots_.empty())
    if (const Slot& s = slots_[slot_of(l, g, n)]; s.gemeente != kNone) {
      if (s.at == kNone) return std::nullopt;
      return unpack(packed_[s.at]);
    }
  auto found = in_.allocation(law, gemeente, n);
  std::uint32_t at = kNone;
  if (found) {
    at = static_cast<std::uint32_t>(packed_.size());
    packed_.push_back(pack(*found));
  }
  if (4 * (used_ + 1) > 3 * slots_.size()) grow();
  const std::uint32_t g = text_id(gemeente);
  slots_[slot_of(l, g, n)] = Slot{n, g, at, l};
  ++used_;
  return found;
}

std::size_t MemoLedger::approximate_bytes() const {
  std::size_t b = chunk_bytes_ + texts_.size() * sizeof(std::string_view) +
                  packed_.size() * sizeof(Packed);
  // A node of an unordered_map: the value, the next pointer, the cached hash;
  // and a bucket pointer each.
  b += text_ids_.size() * (sizeof(std::pair<const std::string_view, std::uint32_t>) + 2 * sizeof(void*)) +
       text_ids_.bucket_count() * sizeof(void*);
  b += slots_.size() * sizeof(Slot);
  return b;
}

}  // namespace sluis::rules
