#include "gateway/rules/engine.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

namespace sluis::rules {

std::span<const Rule> in_message_rules();     // in_message_rules.cpp
std::span<const Rule> cross_message_rules();  // cross_message_rules.cpp
std::span<const Rule> contract_rules();       // contract_rules.cpp
std::span<const Rule> degressive_rules();     // degressive_rules.cpp
std::span<const Rule> trajectory_rules();     // trajectory_rules.cpp
std::span<const Rule> ceiling_rules();        // ceiling_rules.cpp

std::string_view to_string(Level l) {
  switch (l) {
    case Level::in_message: return "in_message";
    case Level::external_list: return "external_list";
    case Level::cross_message: return "cross_message";
  }
  return "?";
}

standard::Finding& Sink::fail(const standard::model::Src& where, std::string_view element, std::string value,
                              std::string nl, std::string en) {
  standard::Finding f;
  f.origin = std::string(rule_.id);
  f.rule = std::string(rule_.id);
  f.retourcode = std::string(rule_.retourcode);
  f.path = element.empty() ? where.path() : where.path() + "/" + std::string(element);
  f.line = where.line;
  f.column = where.column;
  f.value = std::move(value);
  f.nl = std::string(rule_.id) + ": " + nl;
  f.en = std::string(rule_.id) + ": " + en;
  out_.push_back(std::move(f));
  return out_.back();
}

std::span<const Rule> registry() {
  static const std::vector<Rule> all = [] {
    std::vector<Rule> v(in_message_rules().begin(), in_message_rules().end());
    v.insert(v.end(), contract_rules().begin(), contract_rules().end());
    v.insert(v.end(), cross_message_rules().begin(), cross_message_rules().end());
    v.insert(v.end(), degressive_rules().begin(), degressive_rules().end());
    v.insert(v.end(), trajectory_rules().begin(), trajectory_rules().end());
    v.insert(v.end(), ceiling_rules().begin(), ceiling_rules().end());
    return v;
  }();
  return all;
}

const Rule* rule_of(const standard::Finding& f) { return f.rule.empty() ? nullptr : find_rule(f.rule); }

const Rule* find_rule(std::string_view id) {
  for (const auto& r : registry())
    if (r.id == id) return &r;
  return nullptr;
}

bool applies(const Rule& rule, int number) {
  std::string n = std::to_string(number);
  std::string_view m = rule.messages;
  for (size_t pos = 0; (pos = m.find(n, pos)) != std::string_view::npos; pos += n.size())
    if ((pos == 0 || m[pos - 1] == ' ') && (pos + n.size() == m.size() || m[pos + n.size()] == ' ')) return true;
  return false;
}

namespace {
standard::Findings run(const Context& ctx, bool cross) {
  standard::Findings out;
  if (!ctx.message.type) return out;
  for (const auto& rule : registry()) {
    if ((rule.level == Level::cross_message) != cross || !applies(rule, ctx.message.type->number)) continue;
    Sink sink(rule, out);
    rule.check(ctx, sink);
  }
  return out;
}
}  // namespace

standard::Findings check(const Context& ctx) { return run(ctx, false); }

namespace {

namespace L = standard::ledger;

// The ledger as one message's rules see it: the same answers, with the
// lookups many rules repeat for every line (the allocation a prestatie, start
// or stop names) asked once. Lives for one check_ledger() call, inside the
// commit's transaction, so nothing it remembers can go stale.
class MemoLedger final : public L::LedgerView {
 public:
  explicit MemoLedger(const L::LedgerView& inner) : in_(inner) {}
  std::optional<L::Allocation> allocation(standard::Law law, const std::string& gemeente,
                                          L::Integer n) const override {
    auto key = std::tie(law, gemeente, n);
    auto it = allocations_.find(std::tuple<standard::Law, std::string, L::Integer>(key));
    if (it == allocations_.end())
      it = allocations_.emplace(std::tuple<standard::Law, std::string, L::Integer>(key), in_.allocation(law, gemeente, n)).first;
    return it->second;
  }
  std::vector<L::Allocation> allocations_of(standard::Law law, const std::string& gemeente,
                                            const std::string& aanbieder, const std::string& h) const override {
    return in_.allocations_of(law, gemeente, aanbieder, h);
  }
  std::optional<L::Start> start(const L::CareKey& k) const override { return in_.start(k); }
  std::optional<L::Stop> stop(const L::CareKey& k) const override { return in_.stop(k); }
  std::vector<L::CareKey> open_starts_on(standard::Law law, const std::string& gemeente,
                                         const std::string& aanbieder, L::Integer n) const override {
    return in_.open_starts_on(law, gemeente, aanbieder, n);
  }
  std::optional<L::Request> request(standard::Law law, const std::string& aanbieder,
                                    const std::string& ref) const override {
    return in_.request(law, aanbieder, ref);
  }
  std::vector<L::Request> open_requests(standard::Law law, const std::string& aanbieder,
                                        const std::string& h) const override {
    return in_.open_requests(law, aanbieder, h);
  }
  std::optional<L::Declaration> declaration(standard::Law law, const std::string& aanbieder,
                                            const std::string& nr) const override {
    return in_.declaration(law, aanbieder, nr);
  }
  std::optional<L::Declaration> declaration_by_id(standard::Law law, const std::string& aanbieder,
                                                  const std::string& id) const override {
    return in_.declaration_by_id(law, aanbieder, id);
  }
  std::optional<L::Prestatie> prestatie(standard::Law law, const std::string& aanbieder,
                                        const std::string& ref) const override {
    return in_.prestatie(law, aanbieder, ref);
  }
  L::Integer debit_volume(standard::Law law, const std::string& gemeente, L::Integer n) const override {
    return in_.debit_volume(law, gemeente, n);
  }
  L::Integer debit_cents(standard::Law law, const std::string& gemeente, L::Integer n) const override {
    return in_.debit_cents(law, gemeente, n);
  }
  std::optional<L::Prestatie> debit_for(standard::Law law, const std::string& aanbieder, L::Integer n,
                                        const std::string& categorie, const std::string& code, const L::Date& begin,
                                        const L::Date& eind) const override {
    return in_.debit_for(law, aanbieder, n, categorie, code, begin, eind);
  }
  std::optional<L::Prestatie> credit_of(standard::Law law, const std::string& aanbieder,
                                        const std::string& ref) const override {
    return in_.credit_of(law, aanbieder, ref);
  }
  bool has_approved_uncredited(standard::Law law, const std::string& gemeente, L::Integer n) const override {
    return in_.has_approved_uncredited(law, gemeente, n);
  }
  std::vector<L::Prestatie> prestaties_between(const std::string& aanbieder, const L::Date& from,
                                               const L::Date& to) const override {
    return in_.prestaties_between(aanbieder, from, to);
  }
  std::vector<L::Prestatie> prestaties_judged(const std::string& aanbieder, const L::Date& from,
                                              const L::Date& to) const override {
    return in_.prestaties_judged(aanbieder, from, to);
  }
  std::vector<L::Allocation> allocations_of_product(standard::Law law, const std::string& aanbieder,
                                                    const std::string& categorie, const std::string& code,
                                                    const L::Date& on) const override {
    return in_.allocations_of_product(law, aanbieder, categorie, code, on);
  }

 private:
  const L::LedgerView& in_;
  mutable std::map<std::tuple<standard::Law, std::string, L::Integer>, std::optional<L::Allocation>> allocations_;
};

}  // namespace

standard::Findings check_ledger(const Context& ctx) {
  if (!ctx.ledger) return {};
  MemoLedger memo(*ctx.ledger);
  // The caller's hash as it is (Context::bsn_hash): a map of its own here
  // held a second copy of a large declaration's 40 000 hashes.
  Context c{ctx.message, ctx.today, ctx.reference, &memo, ctx.bsn_hash, ctx.findings};
  return run(c, true);
}

}  // namespace sluis::rules
