#include "gateway/admin/queue_commands.hpp"

#include <boost/json/parse.hpp>
#include <charconv>
#include <initializer_list>
#include <set>

#include "gateway/admin/body_mask.hpp"
#include "gateway/admin/events.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::admin {

namespace {

constexpr int kListDefault = 100, kListMax = 1000;
constexpr int kBulkDefault = 1000, kBulkMax = 10000;
// Messages per writer transaction of a bulk action: each batch is short, so
// partners' commits, fetches and acks interleave with a long bulk action.
constexpr int kBatchDefault = 100, kBatchMax = 1000;
constexpr int kHistoryMax = 1000;
constexpr const char* kActor = "admin";
constexpr std::initializer_list<const char*> kFilterKeys = {
    "state", "partner", "law", "type", "from", "to", "destination"};

// Refuses an argument the command does not know: a mistyped filter key must
// not silently select more.
std::string unknown_argument(const Request& r,
                             std::initializer_list<std::initializer_list<const char*>> known) {
  for (const auto& [k, v] : r.arguments) {
    bool found = false;
    for (const auto& group : known)
      for (const char* name : group) found = found || k == name;
    if (!found) return "unknown argument '" + std::string(k) + "' for " + r.command;
  }
  return {};
}

bool parse_int(const std::string& s, std::int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The filter keys of a request; an error text when one is malformed.
std::string parse_filter(const Request& r, store::QueueFilter& f) {
  if (auto s = string_arg(r, "state"); !s.empty()) {
    f.state = store::parse_state(s);
    if (!f.state)
      return "unknown state '" + s +
             "' (received, queued, delivering, delivered, acknowledged, deferred, held, dead, "
             "rejected)";
  }
  f.partner = string_arg(r, "partner");
  if (auto l = string_arg(r, "law"); !l.empty()) {
    f.law = standard::parse_law(l);
    if (!f.law) return "law must be iwmo or ijw";
  }
  if (auto t = string_arg(r, "type"); !t.empty()) {
    std::int64_t n = 0;
    if (!parse_int(t, n) || n < 301 || n > 325) return "type must be a message number 301 ... 325";
    f.type = static_cast<int>(n);
  }
  // from and to: a UTC day (the whole day) or a UTC instant (sluisctl sends
  // the first and the last millisecond of a Dutch day), both inclusive.
  for (auto [name, out] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
    *out = string_arg(r, name);
    if (out->empty() || core::parse_date(*out)) continue;
    auto t = core::parse_utc_text(*out);
    if (!t)
      return std::string(name) + " must be a UTC day YYYY-MM-DD or a UTC instant YYYY-MM-DDTHH:MM:SS.mmmZ";
    *out = core::utc_text(*t);  // the store's form, so that the texts compare as times
  }
  auto first = f.from.size() == 10 ? f.from + "T00:00:00.000Z" : f.from;
  auto last = f.to.size() == 10 ? f.to + "T23:59:59.999Z" : f.to;
  if (!f.from.empty() && !f.to.empty() && last < first) return "to lies before from";
  f.destination = string_arg(r, "destination");
  return {};
}

// A positive number argument (`limit`, `batch`) with a default and a ceiling.
std::string parse_count(const Request& r, const char* name, int dflt, int max, int& out) {
  std::int64_t n = 0;
  auto e = count_arg(r, name, dflt, max, n);
  out = static_cast<int>(n);
  return e;
}

std::string parse_limit(const Request& r, int dflt, int max, int& out) {
  return parse_count(r, "limit", dflt, max, out);
}

// One message's metadata (queue-list rows and message-show): never the body,
// never a BSN or a name.
boost::json::object metadata(const store::StoredMessage& m) {
  boost::json::object o{{"id", m.id},
                        {"seq", m.seq},
                        {"law", standard::to_string(m.law)},
                        {"type", m.type},
                        {"state", store::to_string(m.state)},
                        {"sender_partner", m.sender_partner},
                        {"receiver_partner", m.receiver_partner},
                        {"from", m.sender_code},
                        {"to", m.receiver_code},
                        {"identificatie", m.identificatie},
                        {"received_at", m.received_at},
                        {"destination", m.destination},
                        {"delivery", m.delivery ? config::to_string(*m.delivery) : ""},
                        {"attempts", m.attempts},
                        {"next_attempt_at", m.next_attempt_at},
                        {"last_error", core::scrub(m.last_error)},
                        {"hold_reason", store::to_string(m.hold_reason)},
                        {"shadow", m.shadow}};
  return o;
}

boost::json::object describe(const store::StoredMessage& m) {
  auto o = metadata(m);
  boost::system::error_code ec;
  auto findings = boost::json::parse(m.findings_json.empty() ? "[]" : m.findings_json, ec);
  o["release"] = m.release;
  o["berichtcode"] = m.berichtcode;
  o["dagtekening"] = m.dagtekening;
  o["identificatie_retour"] = m.identificatie_retour;
  o["heen_id"] = m.heen_id;
  if (!m.pruned_at.empty()) o["pruned_at"] = m.pruned_at;  // the retention pruner removed the body
  o["acked_at"] = m.acked_at;
  o["size"] = m.size;
  o["sha256"] = m.sha256;
  o["http_status"] = m.http_status;
  o["findings"] = ec ? boost::json::value(boost::json::array{}) : findings;
  return o;
}

// One count query: the per-state totals are the sums over destinations.
Answer queue_summary(store::OperatorQueue& db) {
  auto per_dest = db.count_by_destination();
  if (!per_dest) return error(per_dest.error().text);
  boost::json::object states, destinations;
  std::int64_t total = 0;
  for (const auto& d : *per_dest) {
    auto& n = states[store::to_string(d.state)];
    n = (n.is_int64() ? n.as_int64() : 0) + d.count;
    total += d.count;
    auto& slot = destinations[d.destination.empty() ? "(none)" : d.destination];
    if (!slot.is_object()) slot = boost::json::object{};
    slot.as_object()[store::to_string(d.state)] = d.count;
  }
  boost::json::object args{{"states", states}, {"destinations", destinations}, {"total", total}};
  if (total == 0) return Answer{kEmpty, "no messages", std::move(args)};
  return ok(std::to_string(total) + " messages", std::move(args));
}

Answer queue_list(store::OperatorQueue& db, const Request& r) {
  if (auto e = unknown_argument(r, {kFilterKeys, {"after", "limit"}}); !e.empty()) return error(e);
  store::QueueQuery q;
  if (auto e = parse_filter(r, q.filter); !e.empty()) return error("queue-list: " + e);
  if (auto e = parse_limit(r, kListDefault, kListMax, q.limit); !e.empty())
    return error("queue-list: " + e);
  if (auto a = string_arg(r, "after"); !a.empty())
    if (!parse_int(a, q.after) || q.after < 0)
      return error("queue-list: after must be a cursor (a seq) from next");
  const int page = q.limit;
  q.limit = page + 1;  // one more says whether there is a next page
  auto rows = db.queue_list(q);
  if (!rows) return error(rows.error().text);
  bool more = static_cast<int>(rows->size()) > page;
  if (more) rows->resize(static_cast<std::size_t>(page));
  boost::json::array list;
  for (const auto& m : *rows) list.push_back(metadata(m));
  boost::json::object args{{"messages", list}, {"count", static_cast<std::int64_t>(rows->size())}};
  if (more) args["next"] = rows->back().seq;
  if (rows->empty()) return Answer{kEmpty, "no messages match", std::move(args)};
  return ok(std::to_string(rows->size()) + " messages" +
                (more ? " (more: --after " + std::to_string(rows->back().seq) + ")" : ""),
            std::move(args));
}

// message-show --html: the page a partner gets, masked unless --unmask; the
// read is audited first, and without an audit row there is no page.
Answer message_page(store::OperatorQueue& db, const Request& r, const store::StoredMessage& m, bool unmask,
                    const MessagePage& page) {
  const std::string lang = string_arg(r, "lang").empty() ? "nl" : string_arg(r, "lang");
  if (lang != "nl" && lang != "en") return error("message-show: --lang is nl or en, not \"" + lang + "\"");
  if (!page) return Answer{kUnsupported, "message-show --html: this daemon draws no pages", {}};
  auto b = db.body(m.id);
  if (!b && b.error().code != store::kPrunedError) return error(b.error().text);
  if (b && !b->has_value()) return Answer{kEmpty, "no message " + m.id, {}};
  auto audited = db.audit(kActor, static_cast<long>(r.peer_uid), unmask ? "unmask" : "page-read", m.id,
                          unmask ? "message-show --html --unmask" : "message-show --html (masked)");
  if (!audited)
    return error("message-show: the read could not be audited, so the page is not shown: " + audited.error().text);
  std::string html = page(m, b ? &**b : nullptr, unmask, lang == "en");
  return ok("message " + m.id + " as a page", {{"html", std::move(html)}});
}

Answer message_show(store::OperatorQueue& db, const Request& r, const MessagePage& page) {
  if (auto e = unknown_argument(r, {{"id", "body", "unmask", "html", "lang"}}); !e.empty()) return error(e);
  std::string id = string_arg(r, "id");
  if (id.empty())
    return error("message-show needs an id: sluisctl message-show ID [--body] [--unmask] [--html [--lang nl|en]]");
  auto body = flag_arg(r, "body");
  auto unmask = flag_arg(r, "unmask");
  auto html = flag_arg(r, "html");
  if (!body || !unmask || !html)
    return error("message-show: --body, --unmask and --html take yes or no (or no value)");
  if (*html && *body) return error("message-show: --html and --body are two views; ask for one");
  if (!*html && !string_arg(r, "lang").empty()) return error("message-show: --lang goes with --html");
  auto m = db.get(id);
  if (!m) return error(m.error().text);
  if (!m->has_value()) return Answer{kEmpty, "no message " + id, {}};
  if (*html) return message_page(db, r, **m, *unmask, page);
  auto o = describe(**m);
  auto hist = db.history(id, kHistoryMax);
  if (!hist) return error(hist.error().text);
  boost::json::array h;
  for (const auto& a : *hist)
    h.push_back(boost::json::object{{"seq", a.seq},
                                    {"at", a.at},
                                    {"actor", a.actor},
                                    {"uid", a.uid},
                                    {"action", a.action},
                                    {"detail", core::scrub(a.detail)}});
  o["history"] = std::move(h);
  if (*body || *unmask) {
    auto b = db.body(id);
    if (!b && b.error().code == store::kPrunedError)  // nothing to show, nothing read
      return ok("message " + id + "; no body: the retention pruner removed it at " + (*m)->pruned_at,
                {{"message", std::move(o)}});
    if (!b) return error(b.error().text);
    if (!b->has_value()) return Answer{kEmpty, "no message " + id, {}};
    // Who read a body is on record; reading it in clear first of all. Fail
    // closed: no audit row, no body.
    auto audited = db.audit(kActor, static_cast<long>(r.peer_uid), *unmask ? "unmask" : "body", id,
                            *unmask ? "message-show --unmask" : "message-show --body (masked)");
    if (!audited)
      return error("message-show: the read could not be audited, so the body is not shown: " +
                   audited.error().text);
    o["body"] = *unmask ? **b : mask_body(**b);
    o["body_masked"] = !*unmask;
  }
  return ok("message " + id, {{"message", std::move(o)}});
}

const char* done_word(store::QueueAction a) {
  switch (a) {
    case store::QueueAction::hold:
      return "held";
    case store::QueueAction::release:
      return "released";
    case store::QueueAction::retry:
      return "queued for a retry";
    case store::QueueAction::requeue:
      return "requeued";
    case store::QueueAction::remove:
      return "deleted";
  }
  return "changed";
}

bool wakes_delivery(store::QueueAction a) {
  return a == store::QueueAction::release || a == store::QueueAction::retry ||
         a == store::QueueAction::requeue;
}

struct BulkRun {
  store::QueueActionResult result;
  bool cancelled = false;
  std::int64_t changed = 0;
};

// A bulk action in batches of `batch` messages, each its own writer
// transaction (check and change of one message never straddle two), oldest
// first by a seq cursor, up to q.limit in all. Between batches: delivery is
// woken for what came back to queued, a progress line, the queue.batch pause
// point, and the cancel check. A failed batch stops the run: what earlier
// batches did stays done and is in the answer.
core::Result<BulkRun> run_bulk(store::OperatorQueue& db, store::QueueActionRequest q, int batch,
                               const Request& r, const std::function<void()>& on_queued) {
  Job& j = job(r);
  BulkRun run;
  const int limit = q.limit;
  std::int64_t examined = 0;
  while (true) {
    q.limit = std::min(batch, limit - static_cast<int>(examined));
    auto res = db.queue_action(q);
    if (!res) {
      if (examined == 0) return res.error();
      return core::make_error(res.error().code,
                              res.error().text + " (after " + std::to_string(run.changed) +
                                  " messages changed in earlier batches; they stay changed)");
    }
    std::int64_t changed = 0;
    for (auto& it : res->items) {
      changed += it.changed ? 1 : 0;
      run.result.items.push_back(std::move(it));
    }
    examined += static_cast<std::int64_t>(res->items.size());
    run.changed += changed;
    if (!q.dry_run && changed > 0 && on_queued && wakes_delivery(q.action)) on_queued();
    if (!res->more) break;  // nothing left beyond this batch
    if (examined >= limit) {
      run.result.more = true;
      break;
    }
    q.after = res->last_seq;
    j.progress(examined, 0, q.dry_run ? "messages examined (dry run)" : "messages examined");
    core::pause_point("queue.batch");
    if (j.cancelled()) {
      run.cancelled = true;
      run.result.more = true;
      break;
    }
  }
  return run;
}

// message-hold, -release, -retry, -requeue, -delete: one ID or a filter.
Answer queue_action(store::OperatorQueue& db, const Request& r, store::QueueAction action,
                    const std::function<void()>& on_queued) {
  const bool is_delete = action == store::QueueAction::remove;
  if (auto e = unknown_argument(r, {kFilterKeys, {"id", "limit", "batch", "dry-run", "reason"}});
      !e.empty())
    return error(e);
  store::QueueActionRequest q;
  q.action = action;
  q.actor = kActor;
  q.uid = static_cast<long>(r.peer_uid);
  q.id = string_arg(r, "id");
  q.reason = string_arg(r, "reason");
  auto dry = flag_arg(r, "dry-run");
  if (!dry) return error(r.command + ": --dry-run takes yes or no (or no value)");
  q.dry_run = *dry;
  store::QueueFilter f;
  if (auto e = parse_filter(r, f); !e.empty()) return error(r.command + ": " + e);
  if (!q.id.empty() && !f.empty()) return error(r.command + ": give an ID or a filter, not both");
  if (q.id.empty() && f.empty())
    return error(r.command + " needs an ID (sluisctl " + r.command +
                 " ID) or a filter (--state, --partner, --law, "
                 "--type, --from, --to, --destination) for a bulk change; add --dry-run to see "
                 "what it would do");
  if (is_delete && q.reason.find_first_not_of(" \t") == std::string::npos)
    return error("message-delete needs a reason: --reason TEXT (it is audited)");
  int batch = kBatchDefault;
  if (!f.empty()) {
    q.filter = f;
    if (auto e = parse_limit(r, kBulkDefault, kBulkMax, q.limit); !e.empty())
      return error(r.command + ": " + e);
    if (auto e = parse_count(r, "batch", kBatchDefault, kBatchMax, batch); !e.empty())
      return error(r.command + ": " + e);
  } else if (r.arguments.contains("limit") || r.arguments.contains("batch")) {
    return error(r.command + ": limit and batch apply to a filter, not to one ID");
  }
  bool cancelled = false;
  core::Result<store::QueueActionResult> res = store::QueueActionResult{};
  if (q.filter) {
    auto bulk = run_bulk(db, q, batch, r, on_queued);
    if (!bulk) return error(r.command + " failed: " + bulk.error().text);
    cancelled = bulk->cancelled;
    res = std::move(bulk->result);
  } else {
    res = db.queue_action(q);
    if (!res) return error(r.command + " failed, nothing changed: " + res.error().text);
  }

  boost::json::array changed, unchanged, refused;
  for (const auto& it : res->items) {
    if (!it.refused.empty())
      refused.push_back(boost::json::object{
          {"id", it.id}, {"state", store::to_string(it.from)}, {"reason", it.refused}});
    else if (it.changed)
      changed.push_back(
          boost::json::object{{"id", it.id},
                              {"from", store::to_string(it.from)},
                              {"to", is_delete ? "deleted" : store::to_string(it.to)}});
    else
      unchanged.push_back(boost::json::object{{"id", it.id}, {"state", store::to_string(it.from)}});
  }
  const std::size_t n_changed = changed.size(), n_refused = refused.size();
  // Messages back in queued: delivery need not wait for its next scan (a
  // bulk run woke it after each batch).
  if (!q.filter && !q.dry_run && n_changed > 0 && on_queued && wakes_delivery(action)) on_queued();
  boost::json::object args{
      {"action", r.command},    {"dry_run", q.dry_run}, {"changed", std::move(changed)},
      {"unchanged", unchanged}, {"refused", refused},   {"more", res->more}};
  const std::string verb = done_word(action);

  if (!q.filter) {
    if (res->items.empty()) return {kError, "no message " + q.id, std::move(args)};
    const auto& it = res->items.front();
    if (!it.refused.empty())
      return {kError, "message " + q.id + " not " + verb + ": " + it.refused, std::move(args)};
    if (!it.changed)
      return ok("message " + q.id + " is " + std::string(store::to_string(it.from)) +
                    " already (due now); unchanged",
                std::move(args));
    return ok(std::string(q.dry_run ? "dry run: message " + q.id + " would be " + verb +
                                          "; nothing changed"
                                    : "message " + q.id + " " + verb),
              std::move(args));
  }
  if (cancelled) {
    const std::string text = cancelled_after(static_cast<std::int64_t>(res->items.size()), 0,
                                             "messages examined, " + std::to_string(n_changed) +
                                                 (q.dry_run ? " would be " : " ") + verb);
    core::log(events::kCancelled, {{"command", r.command},
                                   {"uid", static_cast<long>(r.peer_uid)},
                                   {"done", static_cast<std::int64_t>(res->items.size())},
                                   {"total", std::int64_t{0}}});
    if (!q.dry_run)
      db.audit(kActor, static_cast<long>(r.peer_uid), r.command, "", r.command + ": " + text);
    args["cancelled"] = true;
    return {kError, r.command + ": " + text, std::move(args)};
  }
  if (res->items.empty())
    return Answer{kEmpty, "no messages match the filter for " + r.command, std::move(args)};
  std::string text = (q.dry_run ? "dry run: " + std::to_string(n_changed) + " would be " + verb
                                : std::to_string(n_changed) + " " + verb) +
                     ", " + std::to_string(n_refused) + " refused" +
                     (res->more ? "; more match (raise --limit or run again)" : "") +
                     (q.dry_run ? "; nothing changed" : "");
  return {n_changed == 0 && n_refused > 0 ? kError : kOk, std::move(text), std::move(args)};
}

}  // namespace

void add_queue_commands(Registry& registry, store::OperatorQueue& db,
                        std::function<void()> on_queued, MessagePage page) {
  const std::string filter_help =
      "filter: --state S --partner P (sender or receiver) --law iwmo|ijw --type 301..325 --from "
      "YYYY-MM-DD "
      "--to YYYY-MM-DD (days of receipt, inclusive: sluisctl takes Dutch days; on the socket UTC days or "
      "UTC instants) --destination D";
  const std::string bulk_help =
      " One ID, or a " + filter_help + " (bulk, at most --limit N, default 1000, in store "
      "transactions of --batch N, default 100, with progress and cancel between them)" +
      "; --dry-run lists what would change and changes nothing. Answer: changed, "
      "unchanged, refused (with reasons), more.";
  registry.add("queue-summary", "Messages per state, and per destination and state.", Access::open,
               [&db](const Request&) { return queue_summary(db); });
  registry.add(
      "queue-list",
      "Metadata of the messages a filter selects (never bodies or personal data), oldest first; " +
          filter_help +
          "; paging --limit N (default 100, at most 1000) --after CURSOR (the answer's next).",
      Access::admin, [&db](const Request& r) { return queue_list(db, r); });
  registry.add("message-show",
               "One message: metadata, findings, attempts, last_error, hold_reason, destination "
               "and its history "
               "(the audit rows). --body adds the body with personal data masked (audited); "
               "--unmask shows it in "
               "clear (audited as unmask). --html [--lang nl|en]: the message as the page a partner gets "
               "(masked unless --unmask; audited).",
               Access::admin, [&db, page](const Request& r) { return message_show(db, r, page); });
  registry.add("message-hold",
               "Hold queued or deferred messages (hold_reason operator)." + bulk_help, Access::change,
               [&db, on_queued](const Request& r) { return queue_action(db, r, store::QueueAction::hold, on_queued); });
  registry.add(
      "message-release",
      "Release held messages to queued: operator and receiver_not_live holds only (shadow holds "
      "are never "
      "delivered; orphans wait for their allocation)." +
          bulk_help,
      Access::change, [&db, on_queued](const Request& r) { return queue_action(db, r, store::QueueAction::release, on_queued); });
  registry.add("message-retry",
               "Deferred messages to queued, due now (a queued one is left unchanged)." + bulk_help,
               Access::change,
               [&db, on_queued](const Request& r) { return queue_action(db, r, store::QueueAction::retry, on_queued); });
  registry.add(
      "message-requeue", "Dead messages back to queued, next attempt cleared." + bulk_help, Access::change,
      [&db, on_queued](const Request& r) { return queue_action(db, r, store::QueueAction::requeue, on_queued); });
  registry.add(
      "message-delete",
      "Delete held, dead or rejected messages with their BSN hashes; --reason TEXT required "
      "(audited). "
      "Refused for queued/deferred (hold first), delivering, delivered and acknowledged messages, "
      "and "
      "for messages other stored messages answer or whose ledger facts later messages are judged "
      "against." +
          bulk_help,
      Access::change, [&db, on_queued](const Request& r) { return queue_action(db, r, store::QueueAction::remove, on_queued); });
}

}  // namespace sluis::admin
