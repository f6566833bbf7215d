// The deadline watch: the standard's owed answers (standard/deadlines.hpp,
// kept by the store with each message) that are past their due date. Each
// scan sets the gauge sluis_overdue_answers{partner,kind} and logs
// DEADLINE_ANSWER_OVERDUE once per obligation that became overdue since the
// last scan (the store notes it logged, so a restart does not log it again).
//
// Threading: one caller at a time (the app's timer). Store reads and one
// small write (mark logged) per scan; no personal data in logs or metrics.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"

namespace sluis::route {

class DeadlineWatch {
 public:
  explicit DeadlineWatch(store::DeliveryQueue& store) : store_(store) {}

  struct Scan {
    std::size_t overdue = 0;       // owed answers past their due date as of `today`
    std::size_t newly_logged = 0;  // of which the log event was written now
  };
  // `today`: the Dutch date (core::dutch_date of the clock's now).
  core::Result<Scan> scan(const core::Date& today);
  // Every configured partner's series, by every kind, at zero (start-up,
  // reload): the gauge is there before the first answer is overdue.
  void register_partners(const std::vector<std::string>& partners);

 private:
  static constexpr const char* kHelp =
      "Answers the standard requires (OP090, OP090x4, OP274, OP346) past their due date, by the partner that "
      "owes them and kind.";
  store::DeliveryQueue& store_;
  std::set<std::string> series_;  // gauge label sets set before: zeroed when none are overdue
};

}  // namespace sluis::route
