// Push: HTTPS POST of the message to the receiver's endpoint (Beast client).
//   - sluis authenticates with its client certificate (destinations[].client_cert/key);
//   - the receiver's server certificate must chain to the CA pinned for the
//     destination (destinations[].ca, nothing else is trusted) and name the
//     URL's host (DNS name or IP address);
//   - TLS 1.2 or 1.3; one connection per attempt, closed afterwards;
//   - headers: Content-Type: application/xml, Sluis-Message-Id (sluis's id:
//     the receiver de-duplicates by it), Sluis-Law, Sluis-Message-Type;
//   - 2xx = acknowledged; 408, 429 and 5xx, timeouts and network or TLS
//     errors = try again later; any other status = refused permanently (dead,
//     with the status and the start of the receiver's answer in the reason);
//   - the receiver's answer is masked before it is kept or logged
//     (receiver_text.hpp: BSNs, words echoed from the message, printable
//     ASCII only, bounded);
//   - the URL is read by Boost.URL (push_url.hpp); userinfo is refused.
//
// Threading: attempts run as coroutines on the scheduler's executor.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/core/result.hpp"
#include "gateway/route/transport.hpp"

namespace sluis::route {

class PushTransport final : public Transport {
 public:
  // Loads the pinned CA and the client certificate; an error names the file.
  static core::Result<std::shared_ptr<PushTransport>> make(const config::DestinationConfig& d);

  boost::asio::awaitable<AttemptResult> deliver(const store::StoredMessage& m, const std::string& body) override;

 private:
  PushTransport() : ctx_(boost::asio::ssl::context::tls_client) {}
  boost::asio::ssl::context ctx_;
  std::string host_, port_, target_;
  bool ip_ = false;  // host_ is an IP address
  config::Duration timeout_{};
};

}  // namespace sluis::route
