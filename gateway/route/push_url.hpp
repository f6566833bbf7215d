// The push destination's URL (destinations[].url), read by Boost.URL's RFC
// 3986 parser, never by hand: https only; host a DNS name, an IPv4 address or
// an IPv6 literal in brackets; port 1..65535 (default 443); the path and
// query become the request target. Refused, with a reason the config error
// shows: userinfo (https://user@host/, https://user:pass@host/: sluis
// authenticates with its client certificate, and a user name must never be
// taken for the host), a fragment, an IPvFuture or percent-encoded host, and
// anything that is not a URI.
//
// Threading: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

namespace sluis::route {

struct PushUrl {
  std::string host;    // DNS name or IP address as text (IPv6 without brackets)
  std::string port;    // "443" unless given
  std::string target;  // "/" when the URL has no path; with "?query" when it has one
  bool ip = false;     // host is an IP address (no SNI; the certificate must name the address)
};

core::Result<PushUrl> parse_push_url(std::string_view url);

}  // namespace sluis::route
