// The answers every handler shares (net/http.hpp): refusals as RFC 9457
// problem details, the Router's 404 and its 405 with Allow, and a stored
// body's validators (ETag, Repr-Digest, If-None-Match).
#define BOOST_TEST_MODULE net_http
#include "gateway/net/http.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include "gateway/core/digest.hpp"

using namespace sluis;
namespace asio = boost::asio;
namespace http = net::http;

namespace {

net::Response dispatch(const net::Router& router, http::verb verb, std::string target) {
  asio::io_context ioc;
  auto f =
      asio::co_spawn(ioc, router.dispatch(net::Request{verb, target, 11}, {}), asio::use_future);
  ioc.run();
  return f.get();
}

net::Router router() {
  net::Router r;
  auto ok = [](net::Request req, net::RequestContext) -> asio::awaitable<net::Response> {
    co_return net::json_response(http::status::ok, boost::json::object{{"ok", true}}, req);
  };
  r.add(http::verb::post, "/v1/messages", ok);
  r.add(http::verb::get, "/v1/mailbox/{id}", ok);
  r.add(http::verb::post, "/v1/mailbox/{id}/ack", ok);
  r.add(http::verb::get, "/v1/things", ok);
  r.add(http::verb::delete_, "/v1/things", ok);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_refusal_is_problem_json_with_the_code_and_both_texts) {
  net::Request req{http::verb::get, "/", 11};
  auto res = net::error_response(http::status::bad_request, "bad_limit", "limit is fout.",
                                 "limit is wrong.", req);
  BOOST_TEST(res.result_int() == 400);
  BOOST_TEST(res[http::field::content_type] == "application/problem+json");
  BOOST_TEST(res[http::field::cache_control] == "no-store");
  auto v = boost::json::parse(res.body()).as_object();
  BOOST_TEST(v.at("type").as_string() == "/problems/bad_limit");
  BOOST_TEST(v.at("title").as_string() == "Invalid limit");
  BOOST_TEST(v.at("status").as_int64() == 400);
  BOOST_TEST(v.at("detail").as_string() == "limit is wrong.");
  BOOST_TEST(v.at("code").as_string() == "bad_limit");
  BOOST_TEST(v.at("nl").as_string() == "limit is fout.");
  BOOST_TEST(v.at("en").as_string() == "limit is wrong.");
  BOOST_TEST(v.size() == 7u);
  // The title belongs to the code, not to the text of one answer.
  auto other = net::error_response(http::status::bad_request, "bad_limit", "x", "y", req);
  BOOST_TEST(boost::json::parse(other.body()).at("title") == v.at("title"));
  // A code outside the table gets its status's reason phrase.
  BOOST_TEST(net::problem_title("no_such_code", http::status::conflict) == "Conflict");
}

BOOST_AUTO_TEST_CASE(a_known_path_with_another_method_is_405_with_allow) {
  auto r = router();
  auto res = dispatch(r, http::verb::get, "/v1/messages");
  BOOST_TEST(res.result_int() == 405);
  BOOST_TEST(res[http::field::allow] == "POST");
  BOOST_TEST(boost::json::parse(res.body()).at("code").as_string() == "method_not_allowed");
  BOOST_TEST(boost::json::parse(res.body()).at("en").as_string().find("POST") != std::string::npos);
  // Every method of the path, once, in the order the routes were added.
  auto two = dispatch(r, http::verb::put, "/v1/things?x=1");
  BOOST_TEST(two.result_int() == 405);
  BOOST_TEST(two[http::field::allow] == "GET, DELETE");
  BOOST_TEST(dispatch(r, http::verb::post, "/v1/mailbox/abc")[http::field::allow] == "GET");
  BOOST_TEST(dispatch(r, http::verb::get, "/v1/mailbox/abc/ack")[http::field::allow] == "POST");
  BOOST_TEST(dispatch(r, http::verb::get, "/v1/mailbox/abc").result_int() == 200);
}

BOOST_AUTO_TEST_CASE(an_unknown_path_is_404_without_allow) {
  auto res = dispatch(router(), http::verb::get, "/v1/nothing");
  BOOST_TEST(res.result_int() == 404);
  BOOST_TEST(res.count(http::field::allow) == 0u);
  BOOST_TEST(res[http::field::content_type] == "application/problem+json");
  BOOST_TEST(boost::json::parse(res.body()).at("status").as_int64() == 404);
}

BOOST_AUTO_TEST_CASE(a_body_has_a_strong_etag_and_repr_digest_from_its_sha256) {
  const std::string sha = core::sha256_hex("<Bericht/>");
  net::Request req{http::verb::get, "/v1/mailbox/x", 11};
  net::Response res{http::status::ok, 11};
  net::set_body_digest(res, sha);
  BOOST_TEST(res[http::field::etag] == "\"" + sha + "\"");
  BOOST_TEST(res["Repr-Digest"] == "sha-256=:" + core::hex_to_base64(sha) + ":");
  net::Response none{http::status::ok, 11};
  net::set_body_digest(none, "");
  BOOST_TEST(none.count(http::field::etag) == 0u);

  BOOST_TEST(!net::not_modified(req, sha));  // no If-None-Match
  for (const std::string& header :
       {"\"" + sha + "\"", "W/\"" + sha + "\"", "\"a\", \"" + sha + "\"", std::string("*")}) {
    req.set(http::field::if_none_match, header);
    BOOST_TEST(net::not_modified(req, sha), header);
  }
  for (const std::string& header : {std::string("\"a\""), sha, "\"" + sha + "x\""}) {
    req.set(http::field::if_none_match, header);
    BOOST_TEST(!net::not_modified(req, sha), header);
  }
  req.set(http::field::if_none_match, "*");
  BOOST_TEST(!net::not_modified(req, ""));  // nothing to compare with
  auto nm = net::not_modified_response(req, sha);
  BOOST_TEST(nm.result_int() == 304);
  BOOST_TEST(nm.body().empty());
  BOOST_TEST(nm[http::field::etag] == "\"" + sha + "\"");
}

namespace {
net::Request with(net::http::field f, std::string_view value) {
  net::Request r{net::http::verb::get, "/v1/messages/x", 11};
  r.set(f, value);
  return r;
}
std::string_view pick(std::string_view accept) {
  return net::preferred_type(with(net::http::field::accept, accept), {"application/json", "text/html"});
}
bool english(std::string_view languages) {
  return net::prefers_english(with(net::http::field::accept_language, languages));
}
}  // namespace

BOOST_AUTO_TEST_CASE(accept_picks_by_q_value_with_the_default_on_ties_and_nonsense) {
  BOOST_TEST(net::preferred_type(net::Request{}, {"application/json", "text/html"}) == "application/json");
  BOOST_TEST(pick("") == "application/json");
  BOOST_TEST(pick("text/html") == "text/html");
  BOOST_TEST(pick("TEXT/HTML") == "text/html");
  BOOST_TEST(pick("text/*") == "text/html");
  BOOST_TEST(pick("*/*") == "application/json");
  BOOST_TEST(pick("text/html;q=0.5, application/json") == "application/json");
  BOOST_TEST(pick("application/json;q=0.4, text/html;q=0.9") == "text/html");
  BOOST_TEST(pick("text/html;q=0.5, application/json;q=0.5") == "application/json");  // a tie
  // A browser's Accept.
  BOOST_TEST(pick("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8") == "text/html");
  // The most specific range decides: text/html refused although */* is welcome.
  BOOST_TEST(pick("text/html;q=0, */*") == "application/json");
  BOOST_TEST(pick("text/*;q=0.1, text/html") == "text/html");
  // Not offered, or nothing usable: the default (no 406).
  BOOST_TEST(pick("image/png") == "application/json");
  BOOST_TEST(pick("text/html;q=0") == "application/json");
  BOOST_TEST(pick("text/html;q=2") == "application/json");
  BOOST_TEST(pick("text/html;q=0.12345") == "application/json");
  BOOST_TEST(pick("text/html;q=garbage") == "application/json");
  BOOST_TEST(pick(",,;;, ;q=1") == "application/json");
  BOOST_TEST(pick("text/html ; level=1 ; q=1.000") == "text/html");
  // Only the first 64 elements are read.
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "a/b" + std::to_string(i) + ",";
  BOOST_TEST(pick(many + "text/html") == "application/json");
}

BOOST_AUTO_TEST_CASE(accept_language_chooses_english_only_when_ranked_above_dutch) {
  BOOST_TEST(!english(""));
  BOOST_TEST(english("en"));
  BOOST_TEST(english("en-GB,en;q=0.9"));
  BOOST_TEST(english("EN-us"));
  BOOST_TEST(!english("nl"));
  BOOST_TEST(!english("nl-NL,nl;q=0.9,en;q=0.8"));
  BOOST_TEST(english("en, nl;q=0.5"));
  BOOST_TEST(!english("en;q=0.5, nl"));
  BOOST_TEST(!english("en;q=0.5, nl;q=0.5"));  // a tie: Dutch
  BOOST_TEST(!english("*"));
  BOOST_TEST(!english("de, fr"));
  BOOST_TEST(english("de, en;q=0.1"));
  BOOST_TEST(!english("en;q=0"));
}

BOOST_AUTO_TEST_CASE(a_page_has_its_own_validators_language_and_vary) {
  net::Request req{net::http::verb::get, "/v1/messages/x", 11};
  auto res = net::html_response(req, "<p>x</p>", "en");
  BOOST_TEST(res.result_int() == 200);
  BOOST_TEST(res[net::http::field::content_type] == "text/html; charset=utf-8");
  BOOST_TEST(res[net::http::field::content_language] == "en");
  BOOST_TEST(res[net::http::field::vary] == "Accept, Accept-Language");
  const std::string etag = "\"" + core::sha256_hex("<p>x</p>") + "\"";
  BOOST_TEST(res[net::http::field::etag] == etag);
  req.set(net::http::field::if_none_match, etag);
  auto again = net::html_response(req, "<p>x</p>", "en");
  BOOST_TEST(again.result_int() == 304);
  BOOST_TEST(again.body().empty());
  BOOST_TEST(again[net::http::field::vary] == "Accept, Accept-Language");
}
