// HTTP types shared by the listeners and the handlers that plug into them
// (intake, mailbox, health): request/response, the context a request arrives
// with (who is calling), JSON answers, bilingual refusals as RFC 9457 problem
// details, a stored body's validators (ETag, Repr-Digest), and a Router that
// maps method + path pattern to a handler ("/v1/messages/{id}") and answers
// 404, or 405 with Allow, for what matches none.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/net/body_budget.hpp"
#include "gateway/net/tls.hpp"

namespace sluis::net {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class PartnerRegistry;

struct RequestContext {
  const config::Partner* partner = nullptr;           // null on the plain listener
  std::shared_ptr<const PartnerRegistry> partners;    // keeps `partner` alive
  PeerCertificate certificate;
  std::string remote;                                 // "ip:port"
  std::map<std::string, std::string> params;          // {name} segments of the route
  // Timing an exchange: a handler may set *on_written; the listener calls it
  // once the answer is written, with the seconds since the request was read
  // whole (the intake's sluis_intake_duration_seconds). A fresh slot per request.
  std::shared_ptr<std::function<void(double seconds)>> on_written;
  // The listener's bodies in flight (https.max_body_memory, BodyBudget): a
  // handler about to read a large stored body for its answer takes its size
  // first (hold_for_answer), and the listener gives it back once the answer
  // is written. Null on a listener without one (tests).
  BodyBudget* bodies = nullptr;
  std::chrono::steady_clock::duration bodies_wait{};
  std::shared_ptr<BodyBudget::Hold> answer_hold;  // a fresh slot per request
};

// Takes `bytes` of the listener's bodies in flight for the answer being made,
// waiting (in order of arrival) at most ctx.bodies_wait; false: not granted,
// answer busy(). True at once on a listener without a budget.
boost::asio::awaitable<bool> hold_for_answer(const RequestContext& ctx, std::uint64_t bytes);
// 503 busy with Retry-After (5 s): the bodies in flight filled
// https.max_body_memory for longer than the listener waits; `nl`/`en` say
// what was not done.
Response busy(const Request& req, std::string_view nl, std::string_view en);

// {"key": value, ...} with Content-Type application/json.
Response json_response(http::status status, const boost::json::value& body, const Request& req);
// The same with a body already serialized as JSON (a stored answer): sent as
// it is, not parsed and serialized again.
Response json_text_response(http::status status, std::string body, const Request& req);
// Every refusal as RFC 9457 problem details, Content-Type
// application/problem+json: {"type", "title", "status", "detail", "code",
// "nl", "en"}. `code` is the stable code; `type` the URI reference
// "/problems/<code>" (kProblemTypePrefix), a name for the problem type, not a
// page sluis serves; `title` a short English summary, the same for every
// answer with that code (problem_title); `status` the HTTP status; `detail`
// the English text, also in `en`, and `nl` the same in Dutch.
inline constexpr std::string_view kProblemTypePrefix = "/problems/";
Response error_response(http::status status, std::string_view code, std::string_view nl,
                        std::string_view en, const Request& req);
// The title of a problem code (the table in http.cpp); the status's reason
// phrase for a code not in it.
std::string_view problem_title(std::string_view code, http::status status);

// A stored body's validators, from its hex SHA-256 (the store keeps it): a
// strong ETag "\"<hex>\"" and Repr-Digest "sha-256=:<base64>:" (RFC 9530).
// Nothing is set when the digest is empty.
void set_body_digest(Response& res, std::string_view sha256_hex);
// Whether If-None-Match names the ETag set_body_digest gives for this digest
// (or is "*"): the client has the body, the answer is 304 Not Modified.
bool not_modified(const Request& req, std::string_view sha256_hex);
// 304 with the validators and nothing else.
Response not_modified_response(const Request& req, std::string_view sha256_hex);

// Content negotiation (RFC 9110 12.5): of the media types `offered`, the one
// the Accept header prefers (its q-value from the most specific range naming
// it: "text/html", "text/*", "*/*"). offered[0] is the default: the answer
// without an Accept header, when Accept names none of them, and on a tie.
std::string_view preferred_type(const Request& req, std::initializer_list<std::string_view> offered);
// Whether Accept-Language ranks English above Dutch (primary subtags; "*"
// counts for both). Dutch is the default.
bool prefers_english(const Request& req);
// A page for people: 200 text/html; charset=utf-8 with Content-Language
// `lang`, Vary: Accept, Accept-Language, Cache-Control: private, no-cache, and
// ETag/Repr-Digest of the page itself, or 304 when If-None-Match names it.
Response html_response(const Request& req, std::string page, std::string_view lang);

// 404 not_found "Onbekend bericht." / "Unknown message.": the one answer for
// an id that does not exist and for one the caller may not see (no probing).
Response unknown_message(const Request& req);

// A partner's value repeated in an error text: controls stripped, BSN-like
// numbers masked, at most 40 characters (a huge query makes no huge answer).
std::string echoed(std::string_view value);

// 503 store_unavailable with Retry-After (30 s): the store could not commit,
// read or change what was asked; nothing changed. The one answer for it
// (submit, the mailbox); `nl`/`en` say what did not happen.
inline constexpr std::string_view kTryLaterNl = "Probeer het later opnieuw.";
inline constexpr std::string_view kTryLaterEn = "Try again later.";
Response store_unavailable(const Request& req, std::string_view nl = kTryLaterNl,
                           std::string_view en = kTryLaterEn);

using RouteFn = std::function<boost::asio::awaitable<Response>(Request, RequestContext)>;

class Router {
 public:
  // pattern: "/v1/messages/{id}"; segments in braces bind to ctx.params.
  void add(http::verb verb, std::string pattern, RouteFn fn);
  boost::asio::awaitable<Response> dispatch(Request req, RequestContext ctx) const;

 private:
  struct Route {
    http::verb verb;
    std::vector<std::string> segments;
    RouteFn fn;
  };
  std::vector<Route> routes_;
};

}  // namespace sluis::net
