// The gauges fed from the store (docs/metrics.md): the queue's depth by
// destination and state (sluis_queue_messages) and, per partner, the age of
// the oldest message in its mailbox it has not acknowledged
// (sluis_mailbox_oldest_unacknowledged_age_seconds).
//
// Every kRefresh a timer on the io thread hands one read
// (Housekeeping::queue_gauges) to the App's read pool; the read sets the
// gauges there (they are atomics) and the timer is armed again when it is
// done, so reads never pile up and the io thread never reads the store.
//
// Series: every label value the configuration names (each configured
// destination and each partner's mailbox, by every state counted; each
// partner) is there from start at zero, and a series seen once is set to zero
// when its count is gone, so a drained queue reads 0, not its last value.
//
// Threading: configure, start and stop on the io thread; the read on the
// pool. Failure: a read that fails is logged (APP_GAUGES_READ_FAILED) and
// the gauges keep their values until the next refresh.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "gateway/config/config.hpp"
#include "gateway/store/store.hpp"

namespace sluis::app {

class StoreGauges {
 public:
  static constexpr std::chrono::seconds kRefresh{15};

  StoreGauges(boost::asio::io_context& ioc, boost::asio::any_io_executor reads, store::Housekeeping& store);
  // The label values the configuration names (start-up, reload): registered at zero.
  void configure(const config::Config& cfg);
  // The first refresh now, then every kRefresh until stop().
  void start();
  void stop();

 private:
  struct Known {
    std::mutex mutex;
    std::set<std::string> queue;    // label sets of sluis_queue_messages
    std::set<std::string> oldest;   // label sets of the mailbox gauge
  };
  void refresh();
  static void apply(Known& known, const store::QueueGauges& g);

  boost::asio::io_context& ioc_;
  boost::asio::any_io_executor reads_;
  store::Housekeeping& store_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Known> known_ = std::make_shared<Known>();
  bool stopped_ = false;
};

}  // namespace sluis::app
