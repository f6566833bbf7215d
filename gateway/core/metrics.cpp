#include "gateway/core/metrics.hpp"

namespace sluis::core {

Metric& Metrics::get(const std::string& name, Type type, const std::string& help,
                     const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto [fit, fresh] = families_.try_emplace(name, Family{type, help, {}});
  auto& series = fit->second.series;
  if (auto it = series.find(labels); it != series.end()) return *it->second;
  storage_.emplace_back();
  series[labels] = &storage_.back();
  return storage_.back();
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + (f.type == Type::counter ? " counter\n" : " gauge\n");
    for (const auto& [labels, m] : f.series) {
      out += name;
      if (!labels.empty()) {
        out += '{';
        out += labels;
        out += '}';
      }
      out += " " + std::to_string(m->value()) + "\n";
    }
  }
  return out;
}

Metrics& Metrics::global() {
  static Metrics m;
  return m;
}

}  // namespace sluis::core
