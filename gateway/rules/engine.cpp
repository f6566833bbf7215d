#include "gateway/rules/engine.hpp"

#include <algorithm>
#include <vector>

namespace sluis::rules {

std::span<const Rule> in_message_rules();     // in_message_rules.cpp
std::span<const Rule> cross_message_rules();  // cross_message_rules.cpp

std::string_view to_string(Level l) {
  switch (l) {
    case Level::in_message: return "in_message";
    case Level::external_list: return "external_list";
    case Level::cross_message: return "cross_message";
  }
  return "?";
}

void Sink::fail(const standard::model::Src& where, std::string_view element, std::string value, std::string nl,
                std::string en) {
  standard::Finding f;
  f.origin = std::string(rule_.id);
  f.rule = std::string(rule_.id);
  f.retourcode = std::string(rule_.retourcode);
  f.path = element.empty() ? where.path : where.path + "/" + std::string(element);
  f.line = where.line;
  f.column = where.column;
  f.value = std::move(value);
  f.nl = std::string(rule_.id) + ": " + nl;
  f.en = std::string(rule_.id) + ": " + en;
  out_.push_back(std::move(f));
}

std::span<const Rule> registry() {
  static const std::vector<Rule> all = [] {
    std::vector<Rule> v(in_message_rules().begin(), in_message_rules().end());
    v.insert(v.end(), cross_message_rules().begin(), cross_message_rules().end());
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

standard::Findings check_ledger(const Context& ctx) {
  if (!ctx.ledger) return {};
  return run(ctx, true);
}

}  // namespace sluis::rules
