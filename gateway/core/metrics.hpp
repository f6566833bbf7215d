// Metrics in the Prometheus text exposition format, served on the plain
// loopback listener at /metrics (and on the HTTPS listener to a partner with
// role "monitoring"). Counters, gauges and histograms with bounded sets of
// label values (listener, status class, result, configured partners, laws,
// message types …) — never a message id, a BSN or anything else from a
// message, so no personal data can reach a metric (docs/metrics.md).
//
// Threading: counters, gauges and histogram observations are atomics, safe
// from any thread; families are registered during start-up (registration
// takes a lock, lookups by handle do not).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
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

// A histogram with fixed bucket bounds (seconds for durations): observe() is
// lock-free (one atomic add per bucket it falls into, the sum in
// microseconds of the unit). Rendered as _bucket{le=...} (cumulative),
// _sum and _count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  // Cumulative count per bound, then +Inf (= count).
  std::vector<std::int64_t> cumulative() const;
  double sum() const { return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6; }
  std::int64_t count() const { return count_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::int64_t>[]> buckets_;  // non-cumulative, one per bound
  std::atomic<std::int64_t> sum_micro_{0};
  std::atomic<std::int64_t> count_{0};
};

// Bucket bounds in seconds: from a millisecond (intake answers, commits) to
// a minute (a push that waits for its timeout).
inline const std::vector<double>& duration_buckets() {
  static const std::vector<double> b{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                     0.25,  0.5,    1,     2.5,  5,     10,   30, 60};
  return b;
}

class Metrics {
 public:
  enum class Type { counter, gauge, histogram };
  // Returns the series for (name, labels), creating family and series as
  // needed. labels: "listener=\"https\",status=\"2xx\"" (may be empty).
  Metric& get(const std::string& name, Type type, const std::string& help,
              const std::string& labels = {});
  // The histogram series for (name, labels); `bounds` are the family's (the
  // first registration's bounds hold for every series of the family).
  Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                       const std::string& labels = {});
  // The whole registry in Prometheus text format 0.0.4.
  std::string render() const;

  static Metrics& global();

 private:
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Metric*> series;  // by labels
    std::map<std::string, Histogram*> histograms;  // by labels (type histogram)
    std::vector<double> bounds;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::deque<Metric> storage_;  // stable addresses
  std::deque<Histogram> histogram_storage_;
};

inline Metric& counter(const std::string& name, const std::string& help,
                       const std::string& labels = {}) {
  return Metrics::global().get(name, Metrics::Type::counter, help, labels);
}
inline Metric& gauge(const std::string& name, const std::string& help,
                     const std::string& labels = {}) {
  return Metrics::global().get(name, Metrics::Type::gauge, help, labels);
}

inline Histogram& histogram(const std::string& name, const std::string& help,
                            const std::string& labels = {},
                            const std::vector<double>& bounds = duration_buckets()) {
  return Metrics::global().histogram(name, help, bounds, labels);
}

// A label value from a configured name (partner id, destination): the text
// format's escapes (backslash, double quote, newline).
std::string label_value(std::string_view v);

}  // namespace sluis::core
