// One way of handing a message to its receiver (scheduler.hpp): push (HTTPS
// POST) and drop (a file in a directory). The mailbox needs no transport: the
// receiver pulls.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "gateway/store/store.hpp"

namespace sluis::route {

struct AttemptResult {
  enum Kind {
    acknowledged,  // the receiver confirmed it has the message (push: 2xx)
    delivered,     // handed over; acknowledged later (drop: when the file is picked up)
    retry,         // failed for now: back off and try again
    refused,       // refused permanently: dead
  };
  Kind kind = retry;
  std::string error;  // why it failed (operator text; never message content)
};

class Transport {
 public:
  virtual ~Transport() = default;
  // One attempt. Must not throw; runs on the scheduler's executor.
  virtual boost::asio::awaitable<AttemptResult> deliver(const store::StoredMessage& m, const std::string& body) = 0;
  // For transports that deliver and see the pickup later (drop): whether the
  // receiver has taken the message. Default: never asked.
  virtual bool picked_up(const store::StoredMessage&) { return false; }
};

}  // namespace sluis::route
