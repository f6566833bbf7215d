#include "gateway/route/push_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace sluis::route {

namespace urls = boost::urls;

namespace {
core::Error bad(std::string_view url, const std::string& why) {
  return core::make_error(core::Errc::route_bad_url, "url " + std::string(url) + ": " + why);
}
}  // namespace

core::Result<PushUrl> parse_push_url(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed)
    return bad(url, "not a valid URL (" + parsed.error().message() +
                        "); write https://host[:port]/path, an IPv6 address in brackets");
  const urls::url_view& u = *parsed;
  if (u.scheme_id() != urls::scheme::https) return bad(url, "a push destination needs an https:// URL");
  if (u.has_userinfo())
    return bad(url,
               "a user name or password in the URL (user@host) is refused: sluis authenticates with its client "
               "certificate (client_cert, client_key)");
  if (u.has_fragment()) return bad(url, "a fragment (#...) is never sent; remove it");
  PushUrl out;
  switch (u.host_type()) {
    case urls::host_type::name:
      if (u.encoded_host().find('%') != urls::string_view::npos)
        return bad(url, "a percent-encoded host name is refused; write the name as it is");
      out.host = std::string(u.encoded_host());
      break;
    case urls::host_type::ipv4:
      out.host = u.host_ipv4_address().to_string();
      out.ip = true;
      break;
    case urls::host_type::ipv6:
      out.host = u.host_ipv6_address().to_string();
      out.ip = true;
      break;
    case urls::host_type::ipvfuture:
      return bad(url, "an IPvFuture host is not supported");
    case urls::host_type::none:
      break;
  }
  if (out.host.empty()) return bad(url, "the URL names no host");
  out.port = "443";
  if (u.has_port() && !u.port().empty()) {
    const auto p = u.port();
    unsigned n = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (ec != std::errc() || end != p.data() + p.size() || n < 1 || n > 65535)
      return bad(url, "the port must be a number 1..65535, not '" + std::string(p) + "'");
    out.port = std::to_string(n);
  }
  out.target = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}

}  // namespace sluis::route
