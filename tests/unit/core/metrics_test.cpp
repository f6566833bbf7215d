#include <boost/test/unit_test.hpp>
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
