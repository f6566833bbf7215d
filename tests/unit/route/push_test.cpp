// Push without a network: the destination URL read by Boost.URL (userinfo
// refused, IPv6 literals, ports, paths, queries) and the receiver's error
// answer made fit for last_error and the log (BSNs of any shape, words the
// message carried, control characters and broken UTF-8, length).
#define BOOST_TEST_MODULE route_push
#include <boost/test/unit_test.hpp>

#include "gateway/route/push_url.hpp"
#include "gateway/route/receiver_text.hpp"

using namespace sluis;

namespace {

route::PushUrl url(const std::string& text) {
  auto u = route::parse_push_url(text);
  BOOST_REQUIRE_MESSAGE(u.has_value(), text << ": " << (u.has_error() ? u.error().text : ""));
  return *u;
}

std::string refusal(const std::string& text) {
  auto u = route::parse_push_url(text);
  BOOST_REQUIRE_MESSAGE(!u.has_value(), text << " was accepted as host " << (u ? u->host : ""));
  BOOST_TEST(u.error().code == core::Errc::route_bad_url);
  return u.error().text;
}

// Synthetic: passes the 11-check, nobody's.
constexpr const char* kBsn = "999978366";

const std::string kSent =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<jw315:Bericht xmlns:jw315=\"http://www.istandaarden.nl/ijw/3_2/jw315/schema\"><jw315:Client>"
    "<jw315:Bsn>999978366</jw315:Bsn><jw315:Naam><jw315:Geslachtsnaam><jw315:Achternaam>Jansen</jw315:Achternaam>"
    "<jw315:Voorvoegsel>van der</jw315:Voorvoegsel></jw315:Geslachtsnaam><jw315:Voornamen>Pieter "
    "Çelik</jw315:Voornamen></jw315:Naam><!-- aangemeld door Marloes --><jw315:Product><jw315:Code>45A09</jw315:Code>"
    "</jw315:Product><jw315:Identificatie>DECL-2602-01</jw315:Identificatie></jw315:Client></jw315:Bericht>";

}  // namespace

BOOST_AUTO_TEST_CASE(userinfo_never_becomes_the_host_and_is_refused) {
  for (const char* u : {"https://user@host.example/in", "https://user:secret@host.example:8443/in",
                        "https://evil.example@127.0.0.1/in", "https://@host.example/"}) {
    auto why = refusal(u);
    BOOST_TEST(why.find("user name or password") != std::string::npos, why);
  }
}

BOOST_AUTO_TEST_CASE(hosts_ports_paths_and_queries) {
  auto a = url("https://ontvanger.example.nl/sluis/in");
  BOOST_TEST(a.host == "ontvanger.example.nl");
  BOOST_TEST(a.port == "443");
  BOOST_TEST(a.target == "/sluis/in");
  BOOST_TEST(!a.ip);
  auto b = url("https://127.0.0.1:9443");
  BOOST_TEST(b.host == "127.0.0.1");
  BOOST_TEST(b.port == "9443");
  BOOST_TEST(b.target == "/");
  BOOST_TEST(b.ip);
  auto c = url("https://[::1]:8443/in?partner=0917&x=%20y");
  BOOST_TEST(c.host == "::1");
  BOOST_TEST(c.port == "8443");
  BOOST_TEST(c.target == "/in?partner=0917&x=%20y");
  BOOST_TEST(c.ip);
  auto d = url("https://[2001:db8::7]/a/b");
  BOOST_TEST(d.host == "2001:db8::7");
  BOOST_TEST(d.port == "443");
  auto e = url("HTTPS://Host.Example:443/");
  BOOST_TEST(e.port == "443");
  BOOST_TEST(url("https://host.example:/in").port == "443");  // an empty port is the default
}

BOOST_AUTO_TEST_CASE(what_is_not_a_push_url_is_refused_with_a_reason) {
  BOOST_TEST(refusal("http://host.example/in").find("https://") != std::string::npos);
  BOOST_TEST(refusal("https://host.example:0/").find("port") != std::string::npos);
  BOOST_TEST(refusal("https://host.example:65536/").find("port") != std::string::npos);
  BOOST_TEST(refusal("https://host.example/in#frag").find("fragment") != std::string::npos);
  BOOST_TEST(refusal("https://[::1/in").find("not a valid URL") != std::string::npos);
  BOOST_TEST(refusal("https://ho st/").find("not a valid URL") != std::string::npos);
  BOOST_TEST(refusal("https:///in").find("no host") != std::string::npos);
  BOOST_TEST(refusal("https://h%6Fst.example/").find("percent-encoded") != std::string::npos);
  BOOST_TEST(refusal("https://[v7.abc]/").find("IPvFuture") != std::string::npos);
  BOOST_TEST(refusal("host.example/in").find("not a valid URL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_bsn_in_any_shape_is_masked) {
  for (std::string shape : {"999978366", "999.978.366", "999 978 366", "99-99-78-366", "9999 78366"}) {
    auto t = route::receiver_text("client " + shape + " onbekend", "");
    BOOST_TEST(t == "client ********* onbekend", shape << " -> " << t);
  }
  // Next to other numbers, and an 8-digit one whose leading zero was dropped.
  BOOST_TEST(route::receiver_text("HTTP 400 999 978 366 ref 12", "") == "HTTP 400 ********* ref 12");
  BOOST_TEST(route::receiver_text("bsn=12345672;", "") == "bsn=*********;");  // 012345672 passes the check
  // Numbers that are no BSN stay readable: codes, amounts, dates, AGB codes.
  BOOST_TEST(route::receiver_text("AGB 87654321 bedrag 126990 op 2026-03-04 code 45A09", "") ==
             "AGB 87654321 bedrag 126990 op 2026-03-04 code 45A09");
}

BOOST_AUTO_TEST_CASE(words_echoed_from_the_message_are_masked_codes_stay) {
  auto t = route::receiver_text(
      "<fout>Client JANSEN, Pieter (van der Jansen) met bsn 999978366: product 45A09 bij DECL-2602-01 onbekend; "
      "Marloes gebeld</fout>",
      kSent);
  for (const char* secret : {"JANSEN", "Jansen", "Pieter", "Marloes", kBsn}) BOOST_TEST(t.find(secret) == std::string::npos, t);
  BOOST_TEST(t.find("J*****") != std::string::npos, t);
  BOOST_TEST(t.find("45A09") != std::string::npos, t);
  BOOST_TEST(t.find("onbekend") != std::string::npos, t);
  BOOST_TEST(t.find("<fout>Client") != std::string::npos, t);  // markup words of the answer are not the message's
}

BOOST_AUTO_TEST_CASE(only_printable_text_of_bounded_length) {
  std::string answer = "fout\r\nX-Forged: 1\x01\x7f en \xff\xfe\xc3 kapot  \t teken";
  auto t = route::receiver_text(answer, "");
  BOOST_TEST(t == "fout X-Forged: 1? en ? kapot teken");
  // A non-ASCII name: masked as an echo, then only ASCII is kept.
  auto n = route::receiver_text("naam Çelik", kSent);
  BOOST_TEST(n.find("elik") == std::string::npos, n);
  // Long answers are cut after masking: a BSN at the cut is never half shown.
  std::string pad(195, 'x');
  auto l = route::receiver_text(pad + " " + kBsn + " en nog veel meer tekst", "");
  BOOST_TEST(l.size() == route::kMaxReceiverText + 3);
  BOOST_TEST(l.ends_with("..."));
  BOOST_TEST(l.find("9999") == std::string::npos, l);
  BOOST_TEST(route::receiver_text(std::string(100000, 'a'), kSent).size() == route::kMaxReceiverText + 3);
  BOOST_TEST(route::receiver_text("", kSent).empty());
}
