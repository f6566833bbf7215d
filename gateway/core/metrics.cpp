#include "gateway/core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace sluis::core {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::int64_t>[bounds_.size()]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  // The first bound >= v (Prometheus buckets are "less than or equal").
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  if (it != bounds_.end()) buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<std::int64_t>(std::llround(v * 1e6)), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::int64_t> Histogram::cumulative() const {
  std::vector<std::int64_t> out;
  out.reserve(bounds_.size() + 1);
  std::int64_t run = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    run += buckets_[i].load(std::memory_order_relaxed);
    out.push_back(run);
  }
  // +Inf is the count; read after the buckets, so it is never below them.
  out.push_back(std::max(run, count()));
  return out;
}

std::string label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

std::string bound_text(double b) { return fmt::format("{}", b); }

}  // namespace

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                              const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto [fit, fresh] = families_.try_emplace(name, Family{Type::histogram, help, {}, {}, bounds});
  auto& series = fit->second.histograms;
  if (auto it = series.find(labels); it != series.end()) return *it->second;
  histogram_storage_.emplace_back(fit->second.bounds);
  series[labels] = &histogram_storage_.back();
  return histogram_storage_.back();
}

Metric& Metrics::get(const std::string& name, Type type, const std::string& help,
                     const std::string& labels) {
  std::lock_guard lock(mutex_);
  auto [fit, fresh] = families_.try_emplace(name, Family{type, help, {}, {}, {}});
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
    out += "# TYPE " + name +
           (f.type == Type::counter ? " counter\n" : f.type == Type::gauge ? " gauge\n" : " histogram\n");
    for (const auto& [labels, h] : f.histograms) {
      const std::string sep = labels.empty() ? "" : labels + ",";
      const auto cum = h->cumulative();
      for (std::size_t i = 0; i < cum.size(); ++i) {
        const std::string le = i < h->bounds().size() ? bound_text(h->bounds()[i]) : "+Inf";
        out += name + "_bucket{" + sep + "le=\"" + le + "\"} " + std::to_string(cum[i]) + "\n";
      }
      const std::string braces = labels.empty() ? "" : "{" + labels + "}";
      out += name + "_sum" + braces + " " + fmt::format("{}", h->sum()) + "\n";
      out += name + "_count" + braces + " " + std::to_string(cum.back()) + "\n";
    }
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
