#include "gateway/net/http.hpp"

#include "gateway/core/redact.hpp"

#include <algorithm>
#include <cctype>
#include <boost/json/serialize.hpp>

#include "gateway/core/digest.hpp"

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
  return json_text_response(status, boost::json::serialize(body), req);
}

Response json_text_response(http::status status, std::string body, const Request& req) {
  Response res{status, req.version()};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.body().push_back('\n');
  res.prepare_payload();
  return res;
}

namespace {
// Every problem code sluis answers with, and its title (docs/api.yaml lists
// them under the Problem schema; tests/integration/api_contract_test.py
// checks each answer's title against that list).
struct ProblemType {
  std::string_view code, title;
};
constexpr ProblemType kProblemTypes[] = {
    {"audit_unavailable", "Fetch could not be recorded"},
    {"bad_cursor", "Invalid cursor"},
    {"bad_date", "Invalid date"},
    {"bad_identificatie", "Invalid identificatie filter"},
    {"bad_limit", "Invalid limit"},
    {"bad_range", "Invalid time range"},
    {"bad_since", "Invalid since"},
    {"bad_state", "Invalid state filter"},
    {"bad_status", "Invalid status filter"},
    {"bad_target", "Invalid URL"},
    {"bad_type", "Invalid message type filter"},
    {"bad_until", "Invalid until"},
    {"bad_year", "Invalid year"},
    {"body_too_large", "Message too large"},
    {"busy", "Gateway busy"},
    {"certificate_rejected", "Certificate no longer accepted"},
    {"duplicate_parameter", "Parameter given twice"},
    {"header_too_large", "Request header too large"},
    {"internal_error", "Internal error"},
    {"method_not_allowed", "Method not allowed"},
    {"monitoring_only", "Monitoring partners may only read metrics"},
    {"no_contracts", "No contract data loaded"},
    {"not_a_provider", "Only for care providers"},
    {"not_enrolled", "Partner not enrolled"},
    {"not_found", "Not found"},
    {"not_monitoring", "Metrics are for monitoring partners only"},
    {"pruned", "Message content removed after retention"},
    {"rate_limited", "Too many requests"},
    {"saturated", "Gateway saturated"},
    {"store_unavailable", "Store unavailable"},
    {"unknown_certificate", "Certificate not registered"},
    {"unknown_code", "Unknown retourcode or rule"},
    {"unknown_parameter", "Unknown parameter"},
};

std::string etag_of(std::string_view sha256_hex) {
  return "\"" + std::string(sha256_hex) + "\"";
}
}  // namespace

std::string_view problem_title(std::string_view code, http::status status) {
  for (const auto& p : kProblemTypes)
    if (p.code == code) return p.title;
  return http::obsolete_reason(status);
}

Response error_response(http::status status, std::string_view code, std::string_view nl,
                        std::string_view en, const Request& req) {
  auto res = json_response(
      status,
      boost::json::object{{"type", std::string(kProblemTypePrefix) + std::string(code)},
                          {"title", problem_title(code, status)},
                          {"status", static_cast<int>(status)},
                          {"detail", en},
                          {"code", code},
                          {"nl", nl},
                          {"en", en}},
      req);
  res.set(http::field::content_type, "application/problem+json");
  return res;
}

void set_body_digest(Response& res, std::string_view sha256_hex) {
  if (sha256_hex.empty()) return;
  res.set(http::field::etag, etag_of(sha256_hex));
  res.set("Repr-Digest", "sha-256=:" + core::hex_to_base64(sha256_hex) + ":");
}

bool not_modified(const Request& req, std::string_view sha256_hex) {
  if (sha256_hex.empty()) return false;
  const std::string_view header = req[http::field::if_none_match];
  const std::string mine = etag_of(sha256_hex);
  // A comma-separated list of entity tags, compared weakly (RFC 9110 13.1.2).
  std::size_t i = 0;
  while (i < header.size()) {
    std::size_t j = header.find(',', i);
    if (j == std::string_view::npos) j = header.size();
    std::string_view tag = header.substr(i, j - i);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == mine) return true;
    i = j + 1;
  }
  return false;
}

Response not_modified_response(const Request& req, std::string_view sha256_hex) {
  Response res{http::status::not_modified, req.version()};
  res.keep_alive(req.keep_alive());
  set_body_digest(res, sha256_hex);
  return res;
}

namespace {

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// One element of an Accept or Accept-Language list: its range and q (1000ths;
// a malformed q counts as 0, so a garbled element asks for nothing).
struct Ranged {
  std::string_view range;
  int q = 1000;
};

std::vector<Ranged> ranged_list(std::string_view header) {
  std::vector<Ranged> out;
  std::size_t i = 0;
  while (i <= header.size() && out.size() < 64) {  // a header of hundreds of elements is not read whole
    std::size_t j = header.find(',', i);
    if (j == std::string_view::npos) j = header.size();
    std::string_view element = header.substr(i, j - i);
    i = j + 1;
    std::size_t semi = element.find(';');
    Ranged r{trim(element.substr(0, semi))};
    if (r.range.empty()) continue;
    while (semi != std::string_view::npos) {
      std::size_t next = element.find(';', semi + 1);
      std::string_view param = trim(element.substr(semi + 1, next == std::string_view::npos ? next : next - semi - 1));
      semi = next;
      if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') continue;
      std::string_view v = param.substr(2);
      // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      int q = -1;
      if (!v.empty() && (v[0] == '0' || v[0] == '1')) {
        q = (v[0] - '0') * 1000;
        if (v.size() > 1) {
          if (v[1] != '.' || v.size() > 5) q = -1;
          int scale = 100;
          for (std::size_t k = 2; q >= 0 && k < v.size(); ++k, scale /= 10) {
            if (v[k] < '0' || v[k] > '9') q = -1;
            else q += (v[k] - '0') * scale;
          }
        }
      }
      r.q = q < 0 || q > 1000 ? 0 : q;
    }
    out.push_back(r);
  }
  return out;
}

// The q the list gives `type` ("text/html"): from its most specific range; -1 when none names it.
int q_of_type(const std::vector<Ranged>& list, std::string_view type) {
  const std::string_view major = type.substr(0, type.find('/'));
  int best_rank = -1, q = -1;
  for (const auto& r : list) {
    int rank = -1;
    if (iequals(r.range, type)) rank = 2;
    else if (r.range.size() == major.size() + 2 && iequals(r.range.substr(0, major.size()), major) &&
             r.range.substr(major.size()) == "/*")
      rank = 1;
    else if (r.range == "*/*")
      rank = 0;
    if (rank > best_rank) best_rank = rank, q = r.q;
  }
  return q;
}

int q_of_language(const std::vector<Ranged>& list, std::string_view primary) {
  int best_rank = -1, q = -1;
  for (const auto& r : list) {
    int rank = -1;
    std::string_view p = r.range.substr(0, r.range.find('-'));
    if (iequals(p, primary)) rank = r.range.size() == p.size() ? 2 : 1;
    else if (r.range == "*") rank = 0;
    if (rank > best_rank) best_rank = rank, q = r.q;
  }
  return q;
}

}  // namespace

std::string_view preferred_type(const Request& req, std::initializer_list<std::string_view> offered) {
  const std::string_view dflt = *offered.begin();
  auto header = req[http::field::accept];
  if (trim(header).empty()) return dflt;
  const auto list = ranged_list(header);
  std::string_view best = dflt;
  int best_q = 0;
  for (auto type : offered) {
    int q = q_of_type(list, type);
    if (q > best_q) best = type, best_q = q;
  }
  return best;
}

bool prefers_english(const Request& req) {
  const auto list = ranged_list(req[http::field::accept_language]);
  return q_of_language(list, "en") > std::max(0, q_of_language(list, "nl"));
}

Response html_response(const Request& req, std::string page, std::string_view lang) {
  const std::string sha = core::sha256_hex(page);
  auto with_headers = [&](Response& res) {
    res.set(http::field::vary, "Accept, Accept-Language");
    res.set(http::field::cache_control, "private, no-cache");
    res.set(http::field::content_language, lang);
  };
  if (not_modified(req, sha)) {
    auto res = not_modified_response(req, sha);
    with_headers(res);
    return res;
  }
  Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  with_headers(res);
  set_body_digest(res, sha);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(page);
  res.prepare_payload();
  return res;
}

std::string echoed(std::string_view value) {
  std::string v = core::scrub_bsns(core::strip_controls(value));
  return v.size() <= 40 ? v : v.substr(0, 40) + "...";
}

Response unknown_message(const Request& req) {
  return error_response(http::status::not_found, "not_found", "Onbekend bericht.", "Unknown message.", req);
}

Response store_unavailable(const Request& req, std::string_view nl, std::string_view en) {
  auto res = error_response(http::status::service_unavailable, "store_unavailable", nl, en, req);
  res.set(http::field::retry_after, "30");
  return res;
}

Response busy(const Request& req, std::string_view nl, std::string_view en) {
  auto res = error_response(http::status::service_unavailable, "busy",
                            "De gateway verwerkt nu zoveel berichten tegelijk als zijn geheugen toelaat; " +
                                std::string(nl) + " Probeer het later opnieuw.",
                            "The gateway is handling as many messages at once as its memory allows; " +
                                std::string(en) + " Try again later.",
                            req);
  res.set(http::field::retry_after, "5");
  return res;
}

boost::asio::awaitable<bool> hold_for_answer(const RequestContext& ctx, std::uint64_t bytes) {
  if (!ctx.bodies || !ctx.answer_hold) co_return true;
  auto taken = co_await ctx.bodies->take(bytes, std::chrono::steady_clock::now() + ctx.bodies_wait);
  if (!taken) co_return false;
  *ctx.answer_hold = std::move(*taken);
  co_return true;
}

void Router::add(http::verb verb, std::string pattern, RouteFn fn) {
  routes_.push_back({verb, split_path(pattern), std::move(fn)});
}

boost::asio::awaitable<Response> Router::dispatch(Request req, RequestContext ctx) const {
  auto segs = split_path(req.target());
  std::vector<http::verb> allowed;  // the methods of the routes whose path matches
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
    if (r.verb != req.method()) {
      if (std::find(allowed.begin(), allowed.end(), r.verb) == allowed.end())
        allowed.push_back(r.verb);
      continue;
    }
    ctx.params = std::move(params);
    co_return co_await r.fn(std::move(req), std::move(ctx));
  }
  if (!allowed.empty()) {
    std::string allow;
    for (auto v : allowed) allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(v));
    auto res =
        error_response(http::status::method_not_allowed, "method_not_allowed",
                       "Deze methode is op dit pad niet toegestaan; toegestaan: " + allow + ".",
                       "This method is not allowed on this path; allowed: " + allow + ".", req);
    res.set(http::field::allow, allow);
    co_return res;
  }
  co_return error_response(http::status::not_found, "not_found", "Onbekend pad.",
                           "Unknown path.", req);
}

}  // namespace sluis::net
