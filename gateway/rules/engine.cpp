#include "gateway/rules/engine.hpp"

#include <algorithm>
#include <vector>

#include "gateway/rules/memo_ledger.hpp"

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

// The memo (memo_ledger.hpp) asks the store for each allocation once.
standard::Findings check_ledger(const Context& ctx) {
  if (!ctx.ledger) return {};
  MemoLedger memo(*ctx.ledger);
  // The caller's hash as it is (Context::bsn_hash): a map of its own here
  // held a second copy of a large declaration's 40 000 hashes.
  Context c{ctx.message, ctx.today, ctx.reference, &memo, ctx.bsn_hash, ctx.findings};
  return run(c, true);
}

}  // namespace sluis::rules
