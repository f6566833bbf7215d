// The intake: what happens to a message between the HTTPS listener and the
// store, and the partner-facing API around it.
//
//   POST /v1/messages   bytes -> size cap -> identify + XSD (validation pool)
//                       -> who may send this (header codes vs the certificate's
//                       partner) -> rules available so far -> one store
//                       transaction -> answer. 2xx/422 only after the commit.
//   POST /v1/validate   the same checks, nothing stored (dry run)
//   GET  /v1/messages/{id}          status and findings, sender or receiver only
//   GET  /v1/messages               the partner's own messages, and
//   GET  /v1/messages/{id}/timeline its timeline: own_messages.hpp
//   GET  /v1/status                 the partner's status page: partner_status.hpp
//   GET  /v1/retourcodes/{code}     the general explanation of a retourcode
//
// The mailbox (GET /v1/mailbox..., its ack) is delivery by pull: route/mailbox.hpp.
//
// Answers (the standard's levels): not XML / unknown message -> 400, nothing
// stored; XSD failure (level 1) -> 422, stored as rejected, no retour; the
// same identification with another body (TR056, 9056) -> 422 naming the
// earlier message, stored as rejected; accepted -> 202; the identical message
// again -> the stored answer with Idempotent-Replay: true; cannot commit ->
// 503 store_unavailable with Retry-After (net::store_unavailable), nothing
// stored.
//
// Threading: handlers run on the io_context and never wait there: validation
// runs on a pool of threads (one Validator each); every store write (commit,
// redecide) goes to the store's writer thread and
// store reads (get, body, find) to the App's read pool, each awaited
// through core/async.hpp, resuming on the io_context. No thread blocks on
// another.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/intake/decide.hpp"
#include "gateway/intake/own_messages.hpp"
#include "gateway/intake/partner_status.hpp"
#include "gateway/intake/routing.hpp"
#include "gateway/net/http.hpp"
#include "gateway/net/partners.hpp"
#include "gateway/portal/message_page.hpp"
#include "gateway/rules/reference.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/schema_set.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::intake {

class Intake {
 public:
  // `reads`: where the store's reads run (the App's read pool), off the io thread.
  Intake(std::shared_ptr<const xml::SchemaSet> schemas,
         config::SchemasConfig limits, store::MessageLog& store, boost::asio::any_io_executor reads,
         std::string bsn_hash_key, int threads);
  ~Intake();

  // Registers the routes above.
  void add_routes(net::Router& router);
  // Swaps the schema set (reload); running validations finish with the old one.
  void set_schemas(std::shared_ptr<const xml::SchemaSet> schemas, config::SchemasConfig limits);
  // The working-day calendar of the standard's deadlines (config [calendar]);
  // swapped on reload. Unset: the default calendar.
  void set_calendar(std::shared_ptr<const core::WerkdagCalendar> calendar);
  // The reference lists the external-list rules use (TR378, TR381); swapped on reload.
  void set_reference(std::shared_ptr<const rules::ReferenceData> reference);
  // Routing (routing.hpp; sluisd: the routing table): decides each message's receiver and
  // destination; swapped on reload. Required before the first submission.
  void set_routes(std::shared_ptr<const Routing> routes);
  // Called (on the io_context) after a commit queued a message for a push or
  // drop destination: the delivery scheduler's wake-up.
  void set_on_queued(std::function<void()> fn);
  // Waits for running validations.
  void stop();

  boost::asio::awaitable<net::Response> submit(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> dry_run(net::Request req, net::RequestContext ctx);
  boost::asio::awaitable<net::Response> show(net::Request req, net::RequestContext ctx);
  // A stored message as a page for people (portal/message_page.hpp), drawn
  // on the validation pool with the schema set in force; `body` nullopt when
  // it was pruned. Also the mailbox's page (route::Mailbox::set_pages).
  boost::asio::awaitable<std::string> page(store::StoredMessage m, std::optional<std::string> body,
                                           portal::MessagePageOptions options);

 private:
  struct Checked;
  // What a check is for: a dry run stores nothing, so it computes no digests.
  enum class Purpose { dry_run, submit };
  boost::asio::awaitable<Checked> check(const net::Request& req, const net::RequestContext& ctx, Purpose purpose);
  // The verdict of a submission or an orphan's release (decide.hpp); moves the
  // message out of `out`.
  Verdict verdict(xml::Outcome& out, bool rejected, BsnHashes bsn_hashes,
                  const config::Partner* receiver, std::string sender_partner, bool shadow,
                  store::HoldReason hold_reason, const std::optional<Target>& answer, std::string heen_id,
                  core::Date today) const;
  // Judges held orphans again (Store::redecide); true when any changed state.
  boost::asio::awaitable<bool> release(std::vector<std::string> ids);
  boost::asio::awaitable<bool> release_one(std::string id);
  // Counters, log lines, orphan release and the delivery wake-up after a
  // commit; `wake`: something was queued for a push or drop destination.
  boost::asio::awaitable<void> after_commit(store::CommitOutcome r, std::string partner, standard::Law law, int type,
                                            bool wake);

  boost::asio::any_io_executor reads_;
  std::shared_ptr<const xml::SchemaSet> schemas_;
  std::shared_ptr<const rules::ReferenceData> reference_;
  std::shared_ptr<const core::WerkdagCalendar> calendar_;
  std::shared_ptr<const Routing> routes_;
  std::function<void()> on_queued_;
  config::SchemasConfig limits_;
  store::MessageLog& store_;
  OwnMessages own_;
  PartnerStatusPage status_;
  std::shared_ptr<const core::Hmac> bsn_mac_;
  core::NamedThreadPool pool_;
};

}  // namespace sluis::intake
