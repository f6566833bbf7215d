#include "gateway/route/mailbox.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>

#include "gateway/core/async.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/log.hpp"
#include "gateway/route/events.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::route {

namespace asio = boost::asio;
namespace http = net::http;

namespace {

// The first value of `key` in the target's query, percent-decoded (Boost.URL);
// "" when it is absent or the target does not parse.
std::string query_param(std::string_view target, std::string_view key) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return {};
  auto params = url->params();
  auto it = params.find(key);
  return it == params.end() || !(*it).has_value ? std::string() : std::string((*it).value);
}

}  // namespace

Mailbox::Mailbox(store::MailboxStore& store, asio::any_io_executor reads)
    : store_(store), reads_(std::move(reads)) {}

void Mailbox::add_routes(net::Router& r) {
  using V = http::verb;
  r.add(V::get, "/v1/mailbox",
        [this](net::Request q, net::RequestContext c) { return list(std::move(q), std::move(c)); });
  r.add(V::get, "/v1/mailbox/{id}",
        [this](net::Request q, net::RequestContext c) { return body(std::move(q), std::move(c)); });
  r.add(V::post, "/v1/mailbox/{id}/ack",
        [this](net::Request q, net::RequestContext c) { return ack(std::move(q), std::move(c)); });
}

asio::awaitable<net::Response> Mailbox::list(net::Request req, net::RequestContext ctx) {
  store::MailboxQuery q;
  q.partner = ctx.partner->id;
  auto after = query_param(req.target(), "after");
  auto limit = query_param(req.target(), "limit");
  auto state = query_param(req.target(), "state");
  auto parse = [](const std::string& s, std::int64_t& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
  };
  std::int64_t n = 0;
  if (!after.empty() && !parse(after, q.after))
    co_return net::error_response(http::status::bad_request, "bad_cursor",
                                  "after moet een cursor uit een eerder antwoord zijn.",
                                  "after must be a cursor from an earlier answer.", req);
  if (!limit.empty() && (!parse(limit, n) || n < 1 || n > 1000))
    co_return net::error_response(http::status::bad_request, "bad_limit",
                                  "limit moet tussen 1 en 1000 liggen.",
                                  "limit must be between 1 and 1000.", req);
  if (n) q.limit = static_cast<int>(n);
  if (!state.empty() && state != "unacked" && state != "all")
    co_return net::error_response(http::status::bad_request, "bad_state",
                                  "state is unacked of all.", "state is unacked or all.", req);
  q.unacked_only = state != "all";
  // One more row than the page holds: when it comes, there is a next page
  // and `next` is the cursor to it; when it does not, this is the last page
  // and `next` is absent (an answer that merely fills the page is not taken
  // for "more", so a client never asks for an empty page to learn it is done).
  const std::size_t page_size = static_cast<std::size_t>(q.limit);
  q.limit += 1;
  auto page = [this, q] { return store_.mailbox(q); };
  auto rows = co_await core::async_run(reads_, std::move(page), asio::use_awaitable);
  if (!rows) co_return net::store_unavailable(req);
  const bool more = rows->size() > page_size;
  if (more) rows->resize(page_size);
  boost::json::array list;
  for (const auto& m : *rows)
    list.emplace_back(boost::json::object{{"id", m.id},
                                          {"law", standard::to_string(m.law)},
                                          {"type", m.type},
                                          {"from", m.sender_code},
                                          {"received_at", m.received_at},
                                          {"acked", m.state == store::State::acknowledged}});
  boost::json::object answer{{"messages", std::move(list)}};
  if (more) answer["next"] = std::to_string(rows->back().seq);
  co_return net::json_response(http::status::ok, answer, req);
}

asio::awaitable<net::Response> Mailbox::body(net::Request req, net::RequestContext ctx) {
  const std::string id = ctx.params["id"];
  auto read_row = [this, id] { return store_.get(id); };
  auto m = co_await core::async_run(reads_, std::move(read_row), asio::use_awaitable);
  // Only what the mailbox lists: routed to this partner's mailbox (not to its
  // push or drop destination) and released to it (not held, not rejected).
  auto listed = [&](const store::StoredMessage& s) {
    using S = store::State;
    return s.receiver_partner == ctx.partner->id && !s.shadow &&
           (!s.delivery || *s.delivery == config::DestinationKind::mailbox) &&
           (s.state == S::queued || s.state == S::delivering || s.state == S::delivered ||
            s.state == S::deferred || s.state == S::acknowledged);
  };
  if (!m || !m->has_value() || !listed(**m)) co_return net::unknown_message(req);
  const bool page = pages_ && net::preferred_type(req, {"application/xml", "text/html"}) == "text/html";
  // The client has this body already (If-None-Match names its ETag, the
  // body's digest in the row): 304 serves nothing, so it is not audited and
  // changes no state, and the body is not read for it; the fetch that gave
  // the client the body was audited and marked it delivered. (A pruned body
  // is answered 410 below.) A page is drawn first, for its ETag.
  if (!page && (*m)->pruned_at.empty() && net::not_modified(req, (*m)->sha256)) {
    auto res = net::not_modified_response(req, (*m)->sha256);
    res.set(http::field::vary, "Accept");
    co_return res;
  }
  // The body read for the answer counts among the listener's bodies in flight.
  if (!co_await net::hold_for_answer(ctx, static_cast<std::uint64_t>((*m)->size)))
    co_return net::busy(req, "het bericht is niet gelezen.", "the message was not read.");
  auto read_body = [this, id] { return store_.body(id); };
  auto body = co_await core::async_run(reads_, std::move(read_body), asio::use_awaitable);
  // Removed by the retention pruner (store.retention): gone for good.
  if (!body && body.error().code == store::kPrunedError)
    co_return net::error_response(
        http::status::gone, "pruned",
        "De inhoud van dit bericht is verwijderd na de bewaartermijn (" + (*m)->pruned_at +
            "); de gegevens over het bericht blijven bewaard.",
        "The content of this message was removed after the retention period (" + (*m)->pruned_at +
            "); the data about the message are kept.",
        req);
  if (!body || !body->has_value()) co_return net::store_unavailable(req);
  // A page: its ETag is its own digest; a 304 is not a read.
  std::string html;
  const bool english = page && net::prefers_english(req);
  if (page) {
    html = co_await pages_(**m, std::move(**body), english);
    if (net::not_modified(req, core::sha256_hex(html))) co_return net::html_response(req, std::move(html), english ? "en" : "nl");
  }
  // Reading a body is audited, and fails closed like the admin path: a read
  // that cannot be recorded is not served. The first fetch marks the message
  // delivered.
  const std::string actor = "partner:" + ctx.partner->id;
  auto record = [this, actor, id, page](store::Done<void> done) {
    if (page) store_.audit(actor, -1, "page-read", id, "GET /v1/mailbox/{id} as text/html (masked)", std::move(done));
    else store_.audit(actor, -1, "mailbox-read", id, "", std::move(done));
  };
  if (auto audited = co_await core::async_done<void>(std::move(record), asio::use_awaitable);
      !audited) {
    core::log(events::kAuditFailed, {{"msg", id},
                                     {"partner", ctx.partner->id},
                                     {"error", core::to_string(audited.error().code)}});
    auto res =
        net::error_response(http::status::service_unavailable, "audit_unavailable",
                            "Het ophalen kon niet worden vastgelegd; het bericht is daarom niet "
                            "uitgeleverd. Probeer het later opnieuw.",
                            "The fetch could not be recorded, so the message was not served. "
                            "Try again later.",
                            req);
    res.set(http::field::retry_after, "30");
    co_return res;
  }
  // A page is for a person's eyes: the partner's software has not fetched
  // the message, so its state stays.
  if (page) co_return net::html_response(req, std::move(html), english ? "en" : "nl");
  if ((*m)->state == store::State::queued) {
    // Its outcome changes nothing for the partner: the body is served.
    auto delivered = [this, actor, id](store::Done<void> done) {
      store_.transition(id, store::State::delivered, actor, "", std::move(done));
    };
    co_await core::async_done<void>(std::move(delivered), asio::use_awaitable);
  }
  core::log(events::kBodyRead, {{"msg", id}, {"partner", ctx.partner->id}});
  net::Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "application/xml");
  res.set(http::field::vary, "Accept");
  net::set_body_digest(res, (*m)->sha256);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(**body);
  res.prepare_payload();
  co_return res;
}

asio::awaitable<net::Response> Mailbox::ack(net::Request req, net::RequestContext ctx) {
  const std::string id = ctx.params["id"];
  auto acknowledge = [this, partner = ctx.partner->id, id](store::Done<bool> done) {
    store_.ack(partner, id, std::move(done));
  };
  auto ok = co_await core::async_done<bool>(std::move(acknowledge), asio::use_awaitable);
  if (!ok) co_return net::store_unavailable(req);
  if (!*ok) co_return net::unknown_message(req);
  co_return net::json_response(http::status::ok, boost::json::object{{"id", id}, {"acked", true}},
                               req);
}

}  // namespace sluis::route
