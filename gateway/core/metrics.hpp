// Metrics in the Prometheus text exposition format, served on the plain
// loopback listener at /metrics. Counters and gauges with a fixed, small set
// of label values (listener, status class, result …) — never a code, an id or
// anything from a message, so no personal data can reach a metric.
//
// Threading: counters and gauges are atomics, safe from any thread; families
// are registered during start-up (registration takes a lock, lookups by
// handle do not).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace sluis::core {

class Metric {
 public:
  void inc(std::int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  void dec(std::int64_t n = 1) { v_.fetch_sub(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { v_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> v_{0};
};

class Metrics {
 public:
  enum class Type { counter, gauge };
  // Returns the series for (name, labels), creating family and series as
  // needed. labels: "listener=\"https\",status=\"2xx\"" (may be empty).
  Metric& get(const std::string& name, Type type, const std::string& help,
              const std::string& labels = {});
  // The whole registry in Prometheus text format 0.0.4.
  std::string render() const;

  static Metrics& global();

 private:
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Metric*> series;  // by labels
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::deque<Metric> storage_;  // stable addresses
};

inline Metric& counter(const std::string& name, const std::string& help,
                       const std::string& labels = {}) {
  return Metrics::global().get(name, Metrics::Type::counter, help, labels);
}
inline Metric& gauge(const std::string& name, const std::string& help,
                     const std::string& labels = {}) {
  return Metrics::global().get(name, Metrics::Type::gauge, help, labels);
}

}  // namespace sluis::core
