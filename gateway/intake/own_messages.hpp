// A partner's own messages (docs/portal.md): what the calling partner sent
// and what was passed on to it, never another's.
//
//   GET /v1/messages[?status&state&type&since&until&identificatie&limit&after]
//       newest first, each with its status, state, other party, retour and a
//       summary of its findings (count and retourcodes); a page of `limit`
//       (default 50, at most 200) and `next`, a cursor for `after`, only when
//       a further page exists
//   GET /v1/messages/{id}/timeline
//       received, judged, delivered, fetched, acknowledged, answered: times,
//       states and ids only; for its sender and its receiver, anyone else 404
//
// Who sees what is store::visible_to (the sender; the receiver once the
// message was passed on to it), the status word store::status_of, both also
// behind GET /v1/messages/{id}. Every bad parameter is a 400 naming it, in
// Dutch and English.
//
// Threading: the handlers run on the io_context; the store's reads run on
// the read pool given at construction, awaited through core/async.hpp.
// Ownership: borrows the store and the read pool (the App owns both).
// Failure: a store that cannot read answers 503 store_unavailable.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "gateway/net/http.hpp"
#include "gateway/store/store.hpp"

namespace sluis::intake {

class OwnMessages {
 public:
  OwnMessages(store::MessageLog& store, boost::asio::any_io_executor reads);

  // Registers the two routes above.
  void add_routes(net::Router& router);

  boost::asio::awaitable<net::Response> list(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> timeline(net::Request req, net::RequestContext ctx);

  // A page's bounds: `limit` when none is asked for, and the most one may ask.
  static constexpr int kDefaultLimit = 50;
  static constexpr int kMaxLimit = 200;

 private:
  store::MessageLog& store_;
  boost::asio::any_io_executor reads_;
};

}  // namespace sluis::intake
