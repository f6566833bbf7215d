// Push: HTTPS POST of the message to the receiver's endpoint (net's HTTPS
// client, net/https_client.hpp, under the one TLS policy of net/tls.hpp).
//   - sluis authenticates with its client certificate (destinations[].client_cert/key);
//   - the receiver's server certificate must chain to the CA pinned for the
//     destination (destinations[].ca, nothing else is trusted) and name the
//     URL's host (DNS name or IP address);
//   - TLS 1.2 or 1.3 with the listener's ciphers; one connection per attempt,
//     closed afterwards; the attempt ends at destinations[].timeout;
//   - headers: Content-Type: application/xml, Sluis-Message-Id (sluis's id:
//     the receiver de-duplicates by it), Sluis-Law, Sluis-Message-Type;
//   - 2xx = acknowledged; 408, 429 and 5xx, timeouts and network or TLS
//     errors = try again later; any other status = refused permanently (dead,
//     with the status and the start of the receiver's answer in the reason);
//   - the receiver's answer is read up to kMaxAnswer bytes and masked before it is kept or logged
//     (receiver_text.hpp: BSNs, words echoed from the message, printable
//     ASCII only, bounded);
//   - the URL is read by Boost.URL (push_url.hpp); userinfo is refused.
//
// Threading: attempts run as coroutines on the scheduler's executor.
#pragma once

#include <memory>
#include <optional>

#include "gateway/config/config.hpp"
#include "gateway/core/result.hpp"
#include "gateway/net/https_client.hpp"
#include "gateway/route/transport.hpp"

namespace sluis::route {

class PushTransport final : public Transport {
 public:
  // The longest receiver's answer read; a longer one fails the attempt.
  static constexpr std::size_t kMaxAnswer = 64 * 1024;

  // Loads the pinned CA and the client certificate; an error names the file.
  static core::Result<std::shared_ptr<PushTransport>> make(const config::DestinationConfig& d);

  boost::asio::awaitable<AttemptResult> deliver(const store::StoredMessage& m,
                                                const std::string& body) override;

 private:
  PushTransport(net::HttpsClient client, std::string target)
      : client_(std::move(client)), target_(std::move(target)) {}
  net::HttpsClient client_;
  std::string target_;
};

}  // namespace sluis::route
