#include "gateway/net/http.hpp"

#include <boost/json/serialize.hpp>

namespace sluis::net {

namespace {
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t q = path.find('?');
  if (q != std::string_view::npos) path = path.substr(0, q);
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}
}  // namespace

Response json_response(http::status status, const boost::json::value& body, const Request& req) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = boost::json::serialize(body);
  res.body().push_back('\n');
  res.prepare_payload();
  return res;
}

Response error_response(http::status status, std::string_view code, std::string_view nl,
                        std::string_view en, const Request& req) {
  return json_response(
      status, boost::json::object{{"error", boost::json::object{{"code", code}, {"nl", nl}, {"en", en}}}},
      req);
}

Response store_unavailable(const Request& req, std::string_view nl, std::string_view en) {
  auto res = error_response(http::status::service_unavailable, "store_unavailable", nl, en, req);
  res.set(http::field::retry_after, "30");
  return res;
}

void Router::add(http::verb verb, std::string pattern, RouteFn fn) {
  routes_.push_back({verb, split_path(pattern), std::move(fn)});
}

boost::asio::awaitable<Response> Router::dispatch(Request req, RequestContext ctx) const {
  auto segs = split_path(req.target());
  bool path_known = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segs.size() && match; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = segs[i];
      else
        match = p == segs[i];
    }
    if (!match) continue;
    path_known = true;
    if (r.verb != req.method()) continue;
    ctx.params = std::move(params);
    co_return co_await r.fn(std::move(req), std::move(ctx));
  }
  if (path_known)
    co_return error_response(http::status::method_not_allowed, "method_not_allowed",
                             "Deze methode is op dit pad niet toegestaan.",
                             "This method is not allowed on this path.", req);
  co_return error_response(http::status::not_found, "not_found", "Onbekend pad.",
                           "Unknown path.", req);
}

}  // namespace sluis::net
