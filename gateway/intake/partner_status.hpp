// The partner's status page (docs/portal.md, "GET /v1/status"): one HTML page
// for the partner the client certificate names, with
//   - its rejected messages of the last kWindowDays Dutch days (today
//     included), newest first, at most kMaxRejected, each with its findings
//     explained; the count of all and a link to GET /v1/messages for the rest;
//   - the answers it still owes (the standard's deadlines), earliest due
//     first, at most kMaxOwed, each overdue or on time; counts of all;
//   - how many messages wait unacknowledged in its mailbox, since when;
//   - for a provider (a partner with an AGB code) when contract data is
//     loaded: what it is contracted for today and where it stands in this
//     year's degressive tariff.
// Never another partner's messages: every read is keyed by the partner id.
// Dutch by default, English when Accept-Language prefers it; the answer is
// personal (Cache-Control: no-store) and varies by Accept-Language. The page
// takes no query parameters (400 unknown_parameter). A partner with role
// monitoring never gets here (the listener answers 403 monitoring_only).
//
// Threading: the handler runs on the io_context; the store read (one read
// transaction: Store::partner_status, the ledger's view included) and the
// rendering run on the read pool given at construction, in one hop, awaited
// through core/async.hpp. set_reference is called on the io thread (as the
// intake's): the contracts in force are taken when a request starts and kept
// alive by the read.
// Ownership: borrows the store and the read pool (the App owns both).
// Failure: a store that cannot read answers 503 store_unavailable.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "gateway/net/http.hpp"
#include "gateway/portal/page.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/store/store.hpp"

namespace sluis::intake {

class PartnerStatusPage {
 public:
  PartnerStatusPage(store::MessageLog& store, boost::asio::any_io_executor reads);

  // Registers GET /v1/status.
  void add_routes(net::Router& router);
  // The reference data with the contracts in force (swapped on reload).
  void set_reference(std::shared_ptr<const rules::ReferenceData> reference);

  boost::asio::awaitable<net::Response> show(net::Request req, net::RequestContext ctx);

  // The rejected messages' window in Dutch days, today included, and the
  // page's bounds (GET /v1/messages pages the rest, 200 at a time).
  static constexpr int kWindowDays = 31;
  static constexpr int kMaxRejected = 200;
  static constexpr int kMaxOwed = 200;

 private:
  store::MessageLog& store_;
  boost::asio::any_io_executor reads_;
  std::shared_ptr<const rules::ReferenceData> reference_;
};

}  // namespace sluis::intake
