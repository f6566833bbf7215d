// The partner mailbox: delivery by pull. A partner whose messages are routed
// to its mailbox (route/table.hpp: delivery "mailbox", the default) fetches
// them over HTTPS:
//
//   GET  /v1/mailbox[?after&limit&state]  the calling partner's messages, a
//                                         page in seq order; `next`, the
//                                         cursor to the following page, only
//                                         when there is one (read one ahead)
//   GET  /v1/mailbox/{id}                 the XML byte for byte, with ETag and
//                                         Repr-Digest from its stored SHA-256
//                                         (304 on a matching If-None-Match);
//                                         audited; the first fetch makes a
//                                         queued message delivered
//                                         With Accept: text/html the message
//                                         as a page (masked; set_pages),
//                                         audited, not a fetch: it changes
//                                         no state
//   POST /v1/mailbox/{id}/ack             idempotent acknowledgement
//
// A partner sees only what the mailbox lists: routed to its mailbox (not its
// push or drop destination), not shadow, released to it (not held or
// rejected); anything else is the same 404 as an unknown id.
//
// Threading: the handlers run on the io_context and never wait there: the
// store's reads (the page, the row, the body) run on the read pool given at
// construction, its writes (the read's audit, the transition, the ack) on the
// store's writer, each awaited through core/async.hpp.
// Ownership: borrows the store and the read pool; the App owns all three.
// Failure: a store that cannot read or write answers 503 store_unavailable
// (net::store_unavailable); a read that cannot be audited is not served (503
// audit_unavailable); a pruned body is 410. Nothing is lost: the message
// stays in the mailbox until acknowledged.
// Durability: an ack and the audit of a read are durable before the answer.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>

#include "gateway/net/http.hpp"
#include "gateway/store/store.hpp"

namespace sluis::route {

class Mailbox {
 public:
  Mailbox(store::MailboxStore& store, boost::asio::any_io_executor reads);

  // Registers the routes above.
  void add_routes(net::Router& router);

  // Draws a stored message as a page (sluisd: intake::Intake::page): the
  // message, its body (nullopt when pruned), English or Dutch. Unset: the
  // mailbox answers XML whatever the Accept header asks.
  using Pages = std::function<boost::asio::awaitable<std::string>(store::StoredMessage, std::optional<std::string>,
                                                                  bool english)>;
  void set_pages(Pages pages) { pages_ = std::move(pages); }

  boost::asio::awaitable<net::Response> list(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> body(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> ack(net::Request req, net::RequestContext ctx);

 private:
  store::MailboxStore& store_;
  boost::asio::any_io_executor reads_;
  Pages pages_;
};

}  // namespace sluis::route
