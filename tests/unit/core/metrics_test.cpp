#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "gateway/core/metrics.hpp"

using namespace sluis::core;

BOOST_AUTO_TEST_CASE(renders_prometheus_text) {
  Metrics m;
  m.get("sluis_test_total", Metrics::Type::counter, "Things counted.", "kind=\"a\"").inc(3);
  m.get("sluis_test_total", Metrics::Type::counter, "Things counted.", "kind=\"b\"").inc();
  m.get("sluis_open", Metrics::Type::gauge, "Open things.").set(7);
  std::string text = m.render();
  BOOST_TEST(text ==
             "# HELP sluis_open Open things.\n# TYPE sluis_open gauge\nsluis_open 7\n"
             "# HELP sluis_test_total Things counted.\n# TYPE sluis_test_total counter\n"
             "sluis_test_total{kind=\"a\"} 3\nsluis_test_total{kind=\"b\"} 1\n");
}

BOOST_AUTO_TEST_CASE(same_series_is_one_metric_and_counts_from_threads) {
  Metrics m;
  Metric& a = m.get("x_total", Metrics::Type::counter, "x");
  BOOST_TEST(&a == &m.get("x_total", Metrics::Type::counter, "x"));
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) a.inc();
    });
  for (auto& t : ts) t.join();
  BOOST_TEST(a.value() == 4000);
}

namespace {

// The samples of a rendered text: "name{labels}" -> value, every line that is
// not a comment parsed back as the text format says (name, optional labels,
// one space, value).
std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    BOOST_REQUIRE(sp != std::string::npos);
    out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(histogram_renders_cumulative_buckets_sum_and_count) {
  Metrics m;
  auto& h = m.histogram("sluis_wait_seconds", "Waits.", {0.1, 1, 10}, "outcome=\"ok\"");
  m.histogram("sluis_wait_seconds", "Waits.", {0.1, 1, 10}, "outcome=\"failed\"");  // stays at zero
  for (double v : {0.05, 0.1, 0.5, 2.0, 100.0}) h.observe(v);
  const std::string text = m.render();
  BOOST_TEST(text.find("# TYPE sluis_wait_seconds histogram\n") != std::string::npos);
  auto s = parse_samples(text);
  // le is "less than or equal": 0.1 falls into the 0.1 bucket.
  BOOST_TEST(s.at("sluis_wait_seconds_bucket{outcome=\"ok\",le=\"0.1\"}") == 2);
  BOOST_TEST(s.at("sluis_wait_seconds_bucket{outcome=\"ok\",le=\"1\"}") == 3);
  BOOST_TEST(s.at("sluis_wait_seconds_bucket{outcome=\"ok\",le=\"10\"}") == 4);
  BOOST_TEST(s.at("sluis_wait_seconds_bucket{outcome=\"ok\",le=\"+Inf\"}") == 5);
  BOOST_TEST(s.at("sluis_wait_seconds_count{outcome=\"ok\"}") == 5);
  BOOST_TEST(s.at("sluis_wait_seconds_sum{outcome=\"ok\"}") == 102.65, boost::test_tools::tolerance(1e-9));
  // A series registered and never observed is there, at zero.
  BOOST_TEST(s.at("sluis_wait_seconds_bucket{outcome=\"failed\",le=\"+Inf\"}") == 0);
  BOOST_TEST(s.at("sluis_wait_seconds_count{outcome=\"failed\"}") == 0);
  BOOST_TEST(s.at("sluis_wait_seconds_sum{outcome=\"failed\"}") == 0);
}

BOOST_AUTO_TEST_CASE(histogram_without_labels_and_from_threads) {
  Metrics m;
  auto& h = m.histogram("sluis_commit_seconds", "Commits.", duration_buckets());
  BOOST_TEST(&h == &m.histogram("sluis_commit_seconds", "Commits.", duration_buckets()));
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i)
    ts.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) h.observe(0.003);
    });
  for (auto& t : ts) t.join();
  auto s = parse_samples(m.render());
  BOOST_TEST(s.at("sluis_commit_seconds_count") == 4000);
  BOOST_TEST(s.at("sluis_commit_seconds_bucket{le=\"0.0025\"}") == 0);
  BOOST_TEST(s.at("sluis_commit_seconds_bucket{le=\"0.005\"}") == 4000);
  BOOST_TEST(s.at("sluis_commit_seconds_bucket{le=\"60\"}") == 4000);
  BOOST_TEST(s.at("sluis_commit_seconds_sum") == 12.0, boost::test_tools::tolerance(1e-9));
  // Buckets never decrease.
  double last = 0;
  for (const auto& b : duration_buckets()) {
    double v = s.at("sluis_commit_seconds_bucket{le=\"" + fmt::format("{}", b) + "\"}");
    BOOST_TEST(v >= last);
    last = v;
  }
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
  BOOST_TEST(label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  BOOST_TEST(label_value("gemeente-0363") == "gemeente-0363");
}
