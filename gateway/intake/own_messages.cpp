#include "gateway/intake/own_messages.hpp"

#include <algorithm>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdio>
#include <set>

#include "gateway/core/async.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::intake {

namespace asio = boost::asio;
namespace http = net::http;
namespace json = boost::json;

namespace {

// The audit rows read for a timeline (a message has a handful; an operator's
// many actions on one are cut here).
constexpr int kHistoryMax = 1000;
// The longest identification looked up (the standard's are at most 20).
constexpr std::size_t kMaxIdentificatie = 64;

using net::echoed;

// The keyset cursor: the seq of the last message of a page, as "c" and hex
// digits. Opaque to partners: only an earlier answer's `next` is valid.
std::string cursor_of(std::int64_t seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "c%llx", static_cast<unsigned long long>(seq));
  return buf;
}

std::optional<std::int64_t> parse_cursor(std::string_view s) {
  if (s.size() < 2 || s.size() > 17 || s.front() != 'c') return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), v, 16);
  if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// A comma-separated list of codes as an array.
json::array codes_json(std::string_view codes) {
  json::array out;
  while (!codes.empty()) {
    auto comma = codes.find(',');
    out.emplace_back(codes.substr(0, comma));
    if (comma == std::string_view::npos) break;
    codes.remove_prefix(comma + 1);
  }
  return out;
}

// How many findings a message has and their retourcodes (no values, no texts:
// a value can be personal data).
json::object findings_summary(const std::string& findings_json) {
  std::int64_t count = 0;
  std::set<std::string> codes;
  boost::system::error_code ec;
  auto v = json::parse(findings_json.empty() ? "[]" : findings_json, ec);
  if (!ec && v.is_array())
    for (const auto& f : v.as_array()) {
      if (!f.is_object()) continue;
      const auto& o = f.as_object();
      if (const auto* omitted = o.if_contains("omitted"); omitted && omitted->is_int64()) {
        count += omitted->as_int64();  // the note closing a cut list: that many more
        continue;
      }
      ++count;
      if (const auto* code = o.if_contains("retourcode");
          code && code->is_string() && !code->as_string().empty())
        codes.insert(std::string(code->as_string()));
    }
  json::array list;
  for (const auto& c : codes) list.emplace_back(c);
  return {{"count", count}, {"retourcodes", std::move(list)}};
}

// A retour or answer as an entry names it.
json::object answer_json(const store::StoredMessage& a) {
  json::object o{{"id", a.id}, {"type", a.type}, {"received_at", a.received_at}};
  // Known for what was stored from schema 14 on.
  if (!a.retourcodes.empty()) {
    auto codes = codes_json(a.retourcodes);
    o["all_0200"] = codes.size() == 1 && codes.front().as_string() == "0200";
    o["retourcodes"] = std::move(codes);
  }
  return o;
}

bool sent_by(const store::StoredMessage& m, const std::string& partner) {
  return m.sender_partner == partner;
}

json::object entry_json(const store::PartnerMessage& p, const std::string& partner) {
  const auto& m = p.message;
  const bool sent = sent_by(m, partner);
  json::object o{
      {"id", m.id},
      {"law", standard::to_string(m.law)},
      {"type", m.type},
      {"direction", sent ? "sent" : "received"},
      {"other_party", json::object{{"partner", sent ? m.receiver_partner : m.sender_partner},
                                   {"code", sent ? m.receiver_code : m.sender_code}}},
      {"identificatie", m.identificatie},
      {"received_at", m.received_at},
      {"status", store::to_string(store::status_of(m))},
      {"state", store::to_string(m.state)},
      {"findings", findings_summary(m.findings_json)}};
  if (!m.identificatie_retour.empty()) o["identificatie_retour"] = m.identificatie_retour;
  if (!m.declaratie_nummer.empty()) o["declaratie_nummer"] = m.declaratie_nummer;
  o["retour"] = p.retour ? json::value(answer_json(*p.retour)) : json::value(nullptr);
  return o;
}

// A bad query parameter: 400 with its code and the texts.
struct BadParameter {
  std::string code, nl, en;
};

const std::set<std::string, std::less<>> kParameters{"status", "state",         "type",  "since",
                                                     "until",  "identificatie", "limit", "after"};

// The query of GET /v1/messages, checked; or what is wrong with it.
std::variant<store::PartnerQuery, BadParameter> parse_query(std::string_view target,
                                                            const std::string& partner) {
  store::PartnerQuery q;
  q.partner = partner;
  q.limit = OwnMessages::kDefaultLimit;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return BadParameter{"bad_target", "De URL is ongeldig.", "The URL is not valid."};
  std::set<std::string> seen;
  std::string since_text, until_text;
  for (const auto& p : url->params()) {
    const std::string key = p.key;
    const std::string value = p.has_value ? std::string(p.value) : std::string();
    const std::string shown = echoed(value);
    if (!kParameters.contains(key))
      return BadParameter{
          "unknown_parameter",
          "Onbekende parameter \"" + echoed(key) +
              "\"; GET /v1/messages kent status, state, type, since, until, identificatie, limit "
              "en "
              "after.",
          "Unknown parameter \"" + echoed(key) +
              "\"; GET /v1/messages knows status, state, type, since, until, identificatie, limit "
              "and after."};
    if (!seen.insert(key).second)
      return BadParameter{"duplicate_parameter",
                          key + " staat meer dan eens in de query; geef het één keer.",
                          key + " appears more than once in the query; give it once."};
    if (value.empty()) continue;  // an empty value is no filter (?status=&state=)
    if (key == "status") {
      auto s = store::parse_status(value);
      if (!s)
        return BadParameter{
            "bad_status",
            "status \"" + shown + "\" bestaat niet: kies accepted, rejected, held of composed.",
            "status \"" + shown +
                "\" does not exist: choose accepted, rejected, held or composed."};
      q.status = s;
    } else if (key == "state") {
      auto s = store::parse_state(value);
      if (!s)
        return BadParameter{
            "bad_state",
            "state \"" + shown +
                "\" bestaat niet: kies received, queued, delivering, delivered, acknowledged, "
                "deferred, held, dead of rejected.",
            "state \"" + shown +
                "\" does not exist: choose received, queued, delivering, delivered, acknowledged, "
                "deferred, held, dead or rejected."};
      q.state = s;
    } else if (key == "type") {
      int t = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), t);
      if (ec != std::errc{} || end != value.data() + value.size() ||
          (!standard::find_message(standard::Law::iwmo, t) &&
           !standard::find_message(standard::Law::ijw, t)))
        return BadParameter{
            "bad_type",
            "type \"" + shown +
                "\" is geen berichttype van iWmo of iJw 3.2 (301 tot en met 325, "
                "bijvoorbeeld 323).",
            "type \"" + shown + "\" is no message type of iWmo or iJw 3.2 (301 to 325, e.g. 323)."};
      q.type = t;
    } else if (key == "since" || key == "until") {
      // A Dutch day (its 00:00 in Europe/Amsterdam; `until` takes the whole
      // day) or an RFC 3339 instant.
      std::optional<core::TimePoint> t;
      if (auto day = core::parse_date(value); day && value.size() == 10)
        t = core::dutch_midnight(key == "since" ? *day : core::add_days(*day, 1));
      else
        t = core::parse_rfc3339(value);
      if (!t)
        return BadParameter{
            "bad_" + key,
            key + " \"" + shown +
                "\" is geen dag of tijdstip: geef een Nederlandse dag als JJJJ-MM-DD (2026-11-01) "
                "of "
                "een tijdstip volgens RFC 3339 (2026-11-01T09:00:00+01:00).",
            key + " \"" + shown +
                "\" is not a day or an instant: give a Dutch day as YYYY-MM-DD (2026-11-01) or an "
                "RFC 3339 instant (2026-11-01T09:00:00+01:00)."};
      (key == "since" ? q.since : q.until) = core::utc_text(*t);
      (key == "since" ? since_text : until_text) = shown;
    } else if (key == "identificatie") {
      const bool printable = std::all_of(value.begin(), value.end(),
                                         [](unsigned char c) { return c > 0x20 && c != 0x7f; });
      if (value.size() > kMaxIdentificatie || !printable)
        return BadParameter{
            "bad_identificatie",
            "identificatie is een Identificatie, IdentificatieRetour of DeclaratieNummer: 1 tot " +
                std::to_string(kMaxIdentificatie) + " tekens zonder spaties.",
            "identificatie is an Identificatie, IdentificatieRetour or DeclaratieNummer: 1 to " +
                std::to_string(kMaxIdentificatie) + " characters without spaces."};
      q.identificatie = value;
    } else if (key == "limit") {
      int n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n < 1 ||
          n > OwnMessages::kMaxLimit)
        return BadParameter{"bad_limit",
                            "limit \"" + shown + "\": geef een aantal van 1 tot en met " +
                                std::to_string(OwnMessages::kMaxLimit) + " (standaard " +
                                std::to_string(OwnMessages::kDefaultLimit) + ").",
                            "limit \"" + shown + "\": give a number from 1 to " +
                                std::to_string(OwnMessages::kMaxLimit) + " (default " +
                                std::to_string(OwnMessages::kDefaultLimit) + ")."};
      q.limit = n;
    } else if (key == "after") {
      auto c = parse_cursor(value);
      if (!c)
        return BadParameter{
            "bad_cursor",
            "after \"" + shown + "\" is geen cursor: neem \"next\" uit het vorige antwoord over.",
            "after \"" + shown + "\" is not a cursor: copy \"next\" from the previous answer."};
      q.before = *c;
    }
  }
  if (!q.since.empty() && !q.until.empty() && q.since >= q.until)
    return BadParameter{"bad_range",
                        "since (" + since_text + ") ligt niet voor until (" + until_text +
                            "); er valt niets tussen.",
                        "since (" + since_text + ") is not before until (" + until_text +
                            "); nothing lies between."};
  return q;
}

// One event of a timeline.
json::object event(std::string_view name, const std::string& at) {
  return {{"event", name}, {"at", at}};
}

}  // namespace

OwnMessages::OwnMessages(store::MessageLog& store, asio::any_io_executor reads)
    : store_(store), reads_(std::move(reads)) {}

void OwnMessages::add_routes(net::Router& r) {
  r.add(http::verb::get, "/v1/messages",
        [this](net::Request q, net::RequestContext c) { return list(std::move(q), std::move(c)); });
  r.add(http::verb::get, "/v1/messages/{id}/timeline",
        [this](net::Request q, net::RequestContext c) {
          return timeline(std::move(q), std::move(c));
        });
}

asio::awaitable<net::Response> OwnMessages::list(net::Request req, net::RequestContext ctx) {
  auto parsed = parse_query(req.target(), ctx.partner->id);
  if (auto* bad = std::get_if<BadParameter>(&parsed))
    co_return net::error_response(http::status::bad_request, bad->code, bad->nl, bad->en, req);
  store::PartnerQuery q = std::get<store::PartnerQuery>(std::move(parsed));
  const int limit = q.limit;
  q.limit = limit + 1;  // one ahead: is there a further page?
  auto read = [this, q] { return store_.partner_messages(q); };
  auto rows = co_await core::async_run(reads_, std::move(read), asio::use_awaitable);
  if (!rows) co_return net::store_unavailable(req);
  const bool more = static_cast<int>(rows->size()) > limit;
  if (more) rows->resize(static_cast<std::size_t>(limit));
  json::array list;
  for (const auto& p : *rows) list.emplace_back(entry_json(p, ctx.partner->id));
  json::object body{{"messages", std::move(list)}};
  if (more) body["next"] = cursor_of(rows->back().message.seq);
  co_return net::json_response(http::status::ok, body, req);
}

asio::awaitable<net::Response> OwnMessages::timeline(net::Request req, net::RequestContext ctx) {
  const std::string id = ctx.params["id"];
  const std::string& partner = ctx.partner->id;
  auto read_row = [this, id] { return store_.get(id); };
  auto m = co_await core::async_run(reads_, std::move(read_row), asio::use_awaitable);
  if (!m) co_return net::store_unavailable(req);
  // A third party gets what an unknown id gets: ids do not tell existence.
  if (!m->has_value() || !store::visible_to(**m, partner)) co_return net::unknown_message(req);
  const store::StoredMessage& msg = **m;
  auto read_history = [this, id] { return store_.history(id, kHistoryMax); };
  auto history = co_await core::async_run(reads_, std::move(read_history), asio::use_awaitable);
  auto read_answers = [this, id] { return store_.answers(id); };
  auto answers = co_await core::async_run(reads_, std::move(read_answers), asio::use_awaitable);
  if (!history || !answers) co_return net::store_unavailable(req);

  json::array events;
  const bool composed = store::status_of(msg) == store::Status::composed;
  if (composed) {
    auto e = event("composed", msg.received_at);
    if (!msg.heen_id.empty()) e["answers"] = msg.heen_id;
    events.push_back(std::move(e));
  } else {
    events.push_back(event("received", msg.received_at));
  }
  // The audit rows (store.hpp: history) as the events a partner may see:
  // never who acted (operators), never a detail.
  bool orphan = false;
  for (const auto& a : *history) orphan = orphan || (a.action == "held" && a.actor == "sluis");
  std::size_t judged_at = 0;  // the last judged event's index (+1), for its composed retour
  bool delivered = false, acknowledged = false;
  std::int64_t fetches = 0;
  std::size_t fetched_at = 0;
  auto ends_in = [](const std::string& action, std::string_view to) {
    return action.starts_with("state ") && action.ends_with(std::string("-> ") + std::string(to));
  };
  for (std::size_t i = 0; i < history->size(); ++i) {
    const auto& a = (*history)[i];
    if (i == 0 && !composed) {
      // The commit's row: the state the judgement gave it.
      auto e = event("judged", a.at);
      e["status"] = a.action == "rejected" ? "rejected" : orphan ? "held" : "accepted";
      events.push_back(std::move(e));
      judged_at = events.size();
      continue;
    }
    if (a.action == "released") {  // a held orphan judged again (detail: its new state)
      auto e = event("judged", a.at);
      e["status"] = a.detail == "rejected" ? "rejected" : "accepted";
      events.push_back(std::move(e));
      judged_at = events.size();
      continue;
    }
    if (!delivered &&
        (ends_in(a.action, "delivered") || a.action == "state delivering -> acknowledged")) {
      delivered = true;
      auto e = event("delivered", a.at);
      if (msg.attempts > 0) e["attempts"] = msg.attempts;
      events.push_back(std::move(e));
    }
    if (a.action == "mailbox-read" && fetches++ == 0) {
      events.push_back(event("fetched", a.at));
      fetched_at = events.size();
    }
    if (!acknowledged && (a.action == "ack" || ends_in(a.action, "acknowledged"))) {
      acknowledged = true;
      events.push_back(event("acknowledged", a.at));
    }
    if (ends_in(a.action, "dead")) events.push_back(event("dead", a.at));
  }
  if (fetched_at) events[fetched_at - 1].as_object()["count"] = fetches;
  // What answers it, as far as the caller may see it (a retour sluis
  // composed for the sender is not the receiver's).
  for (const auto& a : *answers) {
    if (!store::visible_to(a, partner)) continue;
    if (judged_at && a.sender_partner == "sluis" &&
        !events[judged_at - 1].as_object().contains("retour"))
      events[judged_at - 1].as_object()["retour"] = a.id;
    auto e = event("answered", a.received_at);
    for (auto& [k, v] : answer_json(a)) e[k] = v;
    e["status"] = store::to_string(store::status_of(a));
    events.push_back(std::move(e));
  }
  std::stable_sort(events.begin(), events.end(), [](const json::value& x, const json::value& y) {
    return x.as_object().at("at").as_string() < y.as_object().at("at").as_string();
  });
  json::object body{{"id", msg.id},
                    {"law", standard::to_string(msg.law)},
                    {"type", msg.type},
                    {"direction", sent_by(msg, partner) ? "sent" : "received"},
                    {"status", store::to_string(store::status_of(msg))},
                    {"state", store::to_string(msg.state)},
                    {"events", std::move(events)}};
  co_return net::json_response(http::status::ok, body, req);
}

}  // namespace sluis::intake
