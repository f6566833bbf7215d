#include "gateway/intake/intake.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "gateway/core/assert.hpp"
#include "gateway/core/async.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/metrics.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/intake/decide.hpp"
#include "gateway/intake/events.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/rules/explain.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::intake {

namespace asio = boost::asio;
namespace http = net::http;
using standard::Finding;

namespace {

// What the validation pool hands back: the verdict, and the digests the
// store keeps, computed here rather than on the io thread or the writer.
struct Pooled {
  xml::Outcome outcome;
  std::string sha256;                                          // of the body
  BsnHashes bsn_hashes;
};

// What a caller will store, so the pool computes only that: a submission
// stores the body's digest and its clients' BSN hashes, a released orphan
// (stored already) only the hashes the rules ask for, a dry run neither.
enum class Digests { none, bsns, body_and_bsns };

// A stored message as a page, on the pool (Intake::page).
asio::awaitable<std::string> draw_on_pool(std::shared_ptr<const xml::SchemaSet> schemas, config::SchemasConfig limits,
                                          store::StoredMessage m, std::optional<std::string> body,
                                          portal::MessagePageOptions options) {
  co_return portal::render_message(m, body ? &*body : nullptr, schemas, limits, options);
}

// One Validator per pool thread, rebuilt when the schema set changes. XSD and
// rules both run here on the pool (judge.hpp): a finding of either rejects
// the message (422). `body` is a view: the awaiting coroutine owns the bytes
// and keeps them until this returns (a 25 MiB body is not copied for it).
asio::awaitable<Pooled> validate_on_pool(std::shared_ptr<const xml::SchemaSet> schemas, config::SchemasConfig limits,
                                         std::string_view body, std::shared_ptr<const rules::ReferenceData> reference,
                                         core::Date today, std::shared_ptr<const core::Hmac> bsn_mac,
                                         Digests digests) {
  thread_local std::shared_ptr<const xml::SchemaSet> tl_set;
  thread_local std::unique_ptr<xml::Validator> tl_validator;
  if (tl_set != schemas || !tl_validator) {
    tl_validator = std::make_unique<xml::Validator>(schemas, limits);
    tl_set = schemas;
  }
  Pooled p;
  p.outcome = judge(*tl_validator, body, today, reference.get());
  if (p.outcome.identity && digests != Digests::none) {
    if (digests == Digests::body_and_bsns) p.sha256 = core::sha256_hex(body);
    for (const auto& bsn : p.outcome.identity->bsns)
      if (!p.bsn_hashes.contains(bsn)) p.bsn_hashes.emplace(bsn, bsn_mac->digest(bsn));
  }
  co_return p;
}

Finding sluis_finding(std::string path, std::string nl, std::string en, std::string rule = {},
                      std::string retourcode = {}) {
  Finding f;
  f.origin = rule.empty() ? "sluis" : rule;  // a rule's finding names the rule as its origin
  f.rule = std::move(rule);
  f.retourcode = std::move(retourcode);
  f.path = std::move(path);
  f.nl = std::move(nl);
  f.en = std::move(en);
  return f;
}

std::string codes_text(const config::Partner& p) {
  std::string s;
  for (const auto& c : p.codes) s += (s.empty() ? "" : ", ") + c;
  return s;
}

boost::json::object message_json(const store::StoredMessage& m, std::string_view status) {
  boost::system::error_code ec;
  auto findings = boost::json::parse(m.findings_json.empty() ? "[]" : m.findings_json, ec);
  return {{"id", m.id},
          {"law", standard::to_string(m.law)},
          {"type", m.type},
          {"status", status},
          {"state", store::to_string(m.state)},
          {"received_at", m.received_at},
          {"findings", ec ? boost::json::value(boost::json::array{}) : findings}};
}

// Why a message is held rather than queued (empty: it is not): partner modes.
// A shadow partner's exchange runs on its old channel as well, so what it
// sends or is sent here is never delivered; a receiver that is not enrolled
// yet gets its messages once it is live (Store::release_held).
store::HoldReason hold_reason(bool sender_shadow, const config::Partner* receiver) {
  using H = store::HoldReason;
  if (sender_shadow) return H::sender_shadow;
  if (receiver && receiver->mode == config::PartnerMode::shadow) return H::receiver_shadow;
  if (receiver && receiver->mode == config::PartnerMode::not_enrolled) return H::receiver_not_live;
  return H::none;
}

// Whether a destination kind is one the delivery scheduler works (it is woken
// for it); a mailbox waits for its partner.
bool scheduled(const std::optional<Target>& t) {
  return t && t->kind != config::DestinationKind::mailbox;
}

// The outcomes of a submission as sluis_intake_duration_seconds names them:
// stored as accepted or rejected, refused (nothing stored), an idempotent
// replay, or 503 (the store could not commit).
constexpr std::string_view kOutcomes[] = {"accepted", "rejected", "refused", "replay", "unavailable"};

core::Histogram& intake_seconds(std::string_view outcome) {
  return core::histogram("sluis_intake_duration_seconds",
                         "Time from a submission read whole (POST /v1/messages) to its answer written, by "
                         "outcome, seconds.",
                         "outcome=\"" + std::string(outcome) + "\"");
}

// Committed messages by law, type and outcome: bounded by the catalogue.
core::Metric& by_type_counter(standard::Law law, int type, bool accepted) {
  return core::counter("sluis_intake_messages_by_type_total",
                       "Messages committed by the intake, by law, message type and outcome.",
                       "law=\"" + std::string(standard::to_string(law)) + "\",type=\"" + std::to_string(type) +
                           "\",outcome=\"" + (accepted ? "accepted" : "rejected") + "\"");
}

// Times the submission's exchange: observed by the listener once the answer
// is written (net::RequestContext::on_written).
void time_answer(const net::RequestContext& ctx, std::string_view outcome) {
  if (!ctx.on_written) return;
  *ctx.on_written = [&h = intake_seconds(outcome)](double seconds) { h.observe(seconds); };
}

// The answer to a committed submission, as committed: its status and body,
// and on a 202 the accepted message's URL (Location: GET /v1/messages/{id}).
net::Response committed_answer(int status, std::string_view body, const std::string& id,
                               const net::Request& req) {
  auto res = net::json_text_response(static_cast<http::status>(status), std::string(body), req);
  if (res.result() == http::status::accepted) res.set(http::field::location, "/v1/messages/" + id);
  return res;
}

// What the checks made of a submission before the store's judgement: stored
// as accepted (delivered, perhaps with warnings), stored as rejected (a retour
// says why), or refused at the door (not stored; the HTTP answer says why).
// The store's own outcome (held, a replay) follows from the commit.
enum class Judged { accepted, rejected, refused };

// The dry run's "status" for each.
std::string_view dry_run_status(Judged j) {
  switch (j) {
    case Judged::accepted:
      return "valid";
    case Judged::rejected:
      return "invalid";
    case Judged::refused:
      return "refused";
  }
  return "refused";
}

}  // namespace

// What the checks decided about one submission.
struct Intake::Checked {
  xml::Outcome outcome;
  std::string sha256;
  BsnHashes bsn_hashes;
  http::status status = http::status::accepted;
  Judged verdict = Judged::refused;
  Finding extra;        // a sluis or rule finding added by the checks
  bool has_extra = false;
  std::string receiver_partner;
  const config::Partner* receiver = nullptr;  // who receives it (valid while `routes` lives)
  std::optional<Target> target;               // where it goes
  std::optional<Target> answer;               // where a retour sluis composes for it goes
  std::shared_ptr<const Routing> routes;      // the table the targets point into
  std::string heen_id;
};

Intake::Intake(std::shared_ptr<const xml::SchemaSet> schemas,
               config::SchemasConfig limits, store::MessageLog& store, asio::any_io_executor reads,
               std::string bsn_hash_key, int threads)
    : reads_(std::move(reads)),
      schemas_(std::move(schemas)),
      limits_(std::move(limits)),
      store_(store),
      own_(store, reads_),
      status_(store, reads_),
      bsn_mac_(std::make_shared<const core::Hmac>(bsn_hash_key)),
      pool_(static_cast<std::size_t>(threads), "sluis-validate") {
  register_contract_warning_metrics();
  for (auto o : kOutcomes) intake_seconds(o);
  core::counter("sluis_retours_composed_total", "Retours and 325s sluis composed (level 2, TR056, or answering).");
  core::counter("sluis_orphans_held_total", "305/307/323 held waiting for an allocation (orphans = \"hold\").");
  core::counter("sluis_orphans_released_total", "Held orphans judged again when their allocation arrived.");
  for (const auto& t : standard::all_message_types()) {
    by_type_counter(t.law, t.number, true);
    by_type_counter(t.law, t.number, false);
  }
  for (const char* o : {"accepted", "rejected"})
    core::counter("sluis_intake_messages_total", "Messages committed by the intake, by outcome.",
                  std::string("outcome=\"") + o + "\"");
}

Intake::~Intake() { stop(); }

void Intake::stop() { pool_.join(); }

void Intake::set_calendar(std::shared_ptr<const core::WerkdagCalendar> calendar) {
  calendar_ = std::move(calendar);
}

void Intake::set_routes(std::shared_ptr<const Routing> routes) {
  routes_ = std::move(routes);
}

void Intake::set_on_queued(std::function<void()> fn) { on_queued_ = std::move(fn); }

void Intake::set_reference(std::shared_ptr<const rules::ReferenceData> reference) {
  status_.set_reference(reference);
  reference_ = std::move(reference);
}

void Intake::set_schemas(std::shared_ptr<const xml::SchemaSet> schemas, config::SchemasConfig limits) {
  schemas_ = std::move(schemas);
  limits_ = std::move(limits);
}

void Intake::add_routes(net::Router& r) {
  using V = http::verb;
  r.add(V::post, "/v1/messages", [this](net::Request q, net::RequestContext c) { return submit(std::move(q), std::move(c)); });
  r.add(V::post, "/v1/validate", [this](net::Request q, net::RequestContext c) { return dry_run(std::move(q), std::move(c)); });
  r.add(V::get, "/v1/messages/{id}",
        [this](net::Request q, net::RequestContext c) { return show(std::move(q), std::move(c)); });
  own_.add_routes(r);  // GET /v1/messages, GET /v1/messages/{id}/timeline
  status_.add_routes(r);  // GET /v1/status
  r.add(V::get, "/v1/retourcodes/{code}",
        [](net::Request q, net::RequestContext c) -> asio::awaitable<net::Response> {
          // The general explanation of a retourcode or rule id (WJ001 text, rules, how to fix).
          auto e = rules::explain(c.params["code"]);
          if (!e)
            co_return net::error_response(
                http::status::not_found, "unknown_code",
                c.params["code"] + " is geen retourcode van 3.2 en geen regel die sluis kent.",
                c.params["code"] + " is no retourcode of 3.2 and no rule sluis knows.", q);
          co_return net::json_response(http::status::ok, rules::to_json(*e), q);
        });
}

asio::awaitable<Intake::Checked> Intake::check(const net::Request& req, const net::RequestContext& ctx,
                                               Purpose purpose) {
  Checked c;
  auto ct = req[http::field::content_type];
  if (!ct.starts_with("application/xml") && !ct.starts_with("text/xml")) {
    c.status = http::status::unsupported_media_type;
    c.verdict = Judged::refused;
    c.extra = sluis_finding("/", "Stuur het bericht met Content-Type: application/xml.",
                            "Send the message with Content-Type: application/xml.");
    c.has_extra = true;
    co_return c;
  }
  // Identify and validate on the pool; back on the io_context afterwards.
  // The pool reads the body in place: `req` lives in the caller's frame,
  // which waits here until the pool is done with it.
  Pooled pooled = co_await asio::co_spawn(pool_,
                                          validate_on_pool(schemas_, limits_, std::string_view(req.body()), reference_,
                                                           core::dutch_date(std::chrono::system_clock::now()), bsn_mac_,
                                                           purpose == Purpose::dry_run ? Digests::none : Digests::body_and_bsns),
                                          asio::use_awaitable);
  c.outcome = std::move(pooled.outcome);
  c.sha256 = std::move(pooled.sha256);
  c.bsn_hashes = std::move(pooled.bsn_hashes);
  if (c.outcome.verdict == xml::Verdict::not_xml || c.outcome.verdict == xml::Verdict::unknown_message) {
    c.status = http::status::bad_request;
    c.verdict = Judged::refused;
    co_return c;
  }
  const auto& id = *c.outcome.identity;
  const auto& type = *id.type;
  const auto& partner = *ctx.partner;
  const auto today = core::dutch_date(std::chrono::system_clock::now());
  c.routes = routes_;
  // Who may send what: the standard copies the heenbericht's header into its
  // retour (IV028), so a retour is sent by its Ontvanger.
  if (!type.retour) {
    if (!net::PartnerRegistry::acts_for(partner, id.afzender)) {
      c.status = http::status::forbidden;
      c.verdict = Judged::refused;
      c.extra = sluis_finding("/Bericht/Header/Afzender",
                              "Afzender " + id.afzender + " is geen code van partner " + partner.id + " (" +
                                  codes_text(partner) + "); u kunt alleen berichten versturen namens uw eigen codes.",
                              "Afzender " + id.afzender + " is not a code of partner " + partner.id + " (" +
                                  codes_text(partner) + "); you can only send messages for your own codes.");
      c.has_extra = true;
      co_return c;
    }
    // Routing decides the receiver (not the header alone): the route for the
    // Ontvanger code, or the mailbox of the partner owning it.
    if (auto t = c.routes->resolve(type.law, type.number, id.ontvanger, today)) {
      c.target = t;
      c.receiver = t->partner;
      c.receiver_partner = t->partner->id;
    } else if (c.outcome.verdict == xml::Verdict::valid) {
      c.status = http::status::unprocessable_entity;
      c.verdict = Judged::refused;
      c.extra = sluis_finding("/Bericht/Header/Ontvanger",
                              "Ontvanger " + id.ontvanger + " is niet aangesloten op deze gateway (geen route voor " +
                                  std::string(standard::to_string(type.law)) + " " + std::to_string(type.number) +
                                  " naar deze code); het bericht kan niet worden afgeleverd en is niet opgeslagen.",
                              "Ontvanger " + id.ontvanger + " is not connected to this gateway (no route for " +
                                  std::string(standard::to_string(type.law)) + " " + std::to_string(type.number) +
                                  " to this code); the message cannot be delivered and was not stored.");
      c.extra.value = id.ontvanger;
      c.has_extra = true;
      co_return c;
    }
  } else {
    if (!net::PartnerRegistry::acts_for(partner, id.ontvanger)) {
      c.status = http::status::forbidden;
      c.verdict = Judged::refused;
      c.extra = sluis_finding("/Bericht/Header/Ontvanger",
                              "Een retourbericht verstuurt de Ontvanger van het heenbericht; " + id.ontvanger +
                                  " is geen code van partner " + partner.id + " (" + codes_text(partner) + ").",
                              "A retour is sent by the Ontvanger of the heenbericht; " + id.ontvanger +
                                  " is not a code of partner " + partner.id + " (" + codes_text(partner) + ").");
      c.has_extra = true;
      co_return c;
    }
    if (c.outcome.verdict == xml::Verdict::valid) {
      // Only the partner that received the heenbericht answers it, under the
      // code it was sent to: the store finds only a heenbericht sent to this
      // partner as this Ontvanger. A heenbericht sent to someone else gets
      // the same answer as one that does not exist (here and in the dry
      // run), so a partner learns nothing about others' exchanges.
      auto lookup = [this, law = type.law, heen_type = type.number - 1, afzender = id.afzender,
                     identificatie = id.identificatie, partner_id = partner.id,
                     ontvanger = id.ontvanger] {
        return store_.find(law, heen_type, afzender, identificatie, partner_id, ontvanger);
      };
      auto heen = co_await core::async_run(reads_, std::move(lookup), asio::use_awaitable);
      if (!heen || !heen->has_value() || (*heen)->dagtekening != id.dagtekening) {
        c.status = http::status::unprocessable_entity;
        c.verdict = Judged::refused;
        c.extra = sluis_finding(
            "/Bericht/Header/BerichtIdentificatie",
            "Dit retourbericht hoort bij geen heenbericht dat via deze gateway aan u is gestuurd (Afzender " +
                id.afzender + ", bericht " + std::to_string(type.number - 1) + ", Identificatie " +
                id.identificatie + ", Dagtekening " + id.dagtekening + ", Ontvanger " + id.ontvanger +
                "). Neem de header van het heenbericht ongewijzigd over (IV028).",
            "This retour matches no heenbericht sent to you through this gateway (Afzender " + id.afzender +
                ", message " + std::to_string(type.number - 1) + ", Identificatie " + id.identificatie +
                ", Dagtekening " + id.dagtekening + ", Ontvanger " + id.ontvanger +
                "). Copy the heenbericht's header unchanged (IV028).");
        c.has_extra = true;
        co_return c;
      }
      c.heen_id = (*heen)->id;
      c.receiver_partner = (*heen)->sender_partner;
      // A retour goes back to the heenbericht's sender: by the route for its
      // code (the retour's Afzender), else to that partner's mailbox.
      c.target = c.routes->back_to(c.receiver_partner, type.law, type.number, id.afzender, today);
      if (c.target) c.receiver = c.target->partner;
    }
  }
  // What sluis composes in answer goes back to the sender of this message.
  if (!type.retour) {
    c.answer = c.routes->back_to(partner.id, type.law, type.number + 1, id.afzender, today);
  }
  if (c.outcome.verdict == xml::Verdict::invalid) {
    c.status = http::status::unprocessable_entity;
    c.verdict = Judged::rejected;
  } else {
    c.status = http::status::accepted;
    c.verdict = Judged::accepted;
  }
  co_return c;
}

// The one place a verdict is built: for a submission and for an orphan's
// release (the message out of the pool, where it and its answer go).
Verdict Intake::verdict(xml::Outcome& out, bool rejected, BsnHashes bsn_hashes,
                        const config::Partner* receiver, std::string sender_partner, bool shadow,
                        store::HoldReason hold_reason, const std::optional<Target>& answer,
                        std::string heen_id, core::Date today) const {
  Verdict v;
  v.message = out.message
                  ? std::make_shared<const standard::model::Message>(std::move(*out.message))
                  : nullptr;
  v.findings = out.findings;
  v.rejected = rejected;
  v.answered_by(receiver);
  v.sender_partner = std::move(sender_partner);
  v.shadow = shadow;
  v.hold_reason = hold_reason;
  if (answer) {
    v.answer_destination = answer->destination;
    v.answer_delivery = answer->kind;
  }
  v.heen_id = std::move(heen_id);
  v.today = today;
  v.bsn_mac = bsn_mac_;
  v.bsn_hashes = std::make_shared<const BsnHashes>(std::move(bsn_hashes));
  v.calendar = calendar_;
  v.reference = reference_;
  return v;
}

asio::awaitable<net::Response> Intake::dry_run(net::Request req, net::RequestContext ctx) {
  Checked c = co_await check(req, ctx, Purpose::dry_run);
  if (c.has_extra) c.outcome.findings.push_back(c.extra);
  boost::json::object body = xml::to_json(c.outcome);
  body["status"] = dry_run_status(c.verdict);
  body["stored"] = false;
  co_return net::json_response(c.status == http::status::accepted ? http::status::ok : c.status, body, req);
}

asio::awaitable<net::Response> Intake::submit(net::Request req, net::RequestContext ctx) {
  Checked c = co_await check(req, ctx, Purpose::submit);
  if (c.has_extra) c.outcome.findings.push_back(c.extra);
  if (c.verdict == Judged::refused) {
    core::log(events::kRefused, {{"partner", ctx.partner->id}, {"status", static_cast<int>(c.status)}});
    time_answer(ctx, "refused");
    boost::json::object body = xml::to_json(c.outcome);
    body["status"] = "refused";
    co_return net::json_response(c.status, body, req);
  }
  const auto& id = *c.outcome.identity;
  const standard::Law law = id.type->law;
  store::NewMessage m;
  m.law = law;
  m.type = id.type->number;
  m.berichtcode = id.type->berichtcode;
  m.release = id.release;
  m.sender_code = id.afzender;
  m.receiver_code = id.ontvanger;
  m.sender_partner = ctx.partner->id;
  m.receiver_partner = c.receiver_partner;
  m.identificatie = id.identificatie;
  m.dagtekening = id.dagtekening;
  m.identificatie_retour = id.identificatie_retour;
  m.heen_id = c.heen_id;
  m.retour = id.type->retour;
  if (c.outcome.message) keep_lookup_facts(*c.outcome.message, m);
  // The checks are done: the body moves on to the store (no copy; the
  // request keeps only its header for the answer).
  m.body = std::move(req.body());
  m.shadow = ctx.partner->mode == config::PartnerMode::shadow;
  if (c.target) {
    m.destination = c.target->destination;
    m.delivery = c.target->kind;
  }
  m.hold_reason = hold_reason(m.shadow, c.receiver);
  // Levels 1 and 2 reject here; level 3/4 findings are weighed in decide().
  m.state = c.verdict == Judged::rejected && fails_on_pool(c.outcome.findings) ? store::State::rejected
            : m.hold_reason != store::HoldReason::none                    ? store::State::held
                                                                          : store::State::queued;
  m.sha256 = c.sha256;
  m.bsn_hashes.reserve(c.bsn_hashes.size());
  for (const auto& [bsn, hash] : c.bsn_hashes) m.bsn_hashes.push_back(core::hex(hash));
  m.findings_json = boost::json::serialize(xml::to_json(c.outcome.findings));
  m.http_status = static_cast<int>(c.status);

  // The message moves into the store's job; a TR056 conflict hands it back
  // (CommitOutcome::unstored) for the second commit.
  auto commit = [&](store::NewMessage msg) {
    return core::async_done<store::CommitOutcome>(
        [this, msg = std::move(msg)](store::CommitDone done) mutable {
          store_.commit(std::move(msg), std::move(done));
        },
        asio::use_awaitable);
  };
  auto unavailable = [&](const core::Error& e) {
    time_answer(ctx, "unavailable");
    core::log(events::kCommitFailed,
              {{"partner", ctx.partner->id}, {"error", core::to_string(e.code)}});
    return net::store_unavailable(
        req,
        "Het bericht kon niet veilig worden opgeslagen en is niet aangenomen; "
        "probeer het later opnieuw.",
        "The message could not be stored safely and was not accepted; try again later.");
  };

  // The answer is decided inside the store transaction (cross-message rules
  // see the ledger as every earlier commit left it), stored with the message
  // so a replay gets the same one, and sent only after the commit.
  m.id = store::new_message_id();
  // The verdict goes with the message alone: kept here too, its model and
  // BSN hashes would outlive the judgement for as long as the commit takes
  // (the store gives the decider back once it has judged). A TR056
  // conflict hands the message back unjudged, its decider and verdict with
  // it; the weak reference reaches the verdict then.
  auto shared = std::make_shared<Verdict>(verdict(c.outcome, c.verdict == Judged::rejected, std::move(c.bsn_hashes),
                                                  c.receiver, ctx.partner->id, m.shadow, m.hold_reason, c.answer,
                                                  c.heen_id, core::dutch_date(std::chrono::system_clock::now())));
  const std::weak_ptr<Verdict> unjudged = shared;
  m.decide = decide(std::move(shared));
  auto r = co_await commit(std::move(m));
  if (!r) co_return unavailable(r.error());
  if (r->replay) {
    auto res = committed_answer(r->existing->http_status,
                                answer_body(r->existing->response_json, r->existing->findings_json),
                                r->existing->id, req);
    res.set("Idempotent-Replay", "true");
    time_answer(ctx, "replay");
    co_return res;
  }
  if (r->conflict) {
    // TR056 (9056): the identification was used before for another message.
    const store::StoredMessage& earlier = *r->conflict;  // read before r is committed again
    SLUIS_ASSERT(r->unstored.has_value(), "the store hands a conflicting message back (store.hpp)");
    store::NewMessage again = std::move(*r->unstored);
    c.outcome.findings.push_back(sluis_finding(
        "/Bericht/Header/BerichtIdentificatie/Identificatie",
        "Identificatie " + id.identificatie + " is al gebruikt voor een ander " + std::to_string(again.type) +
            "-bericht van " + again.sender_code + " (bericht " + earlier.id + ", ontvangen " + earlier.received_at +
            "). Geef elk bericht een eigen Identificatie (TR056).",
        "Identificatie " + id.identificatie + " was already used for another " + std::to_string(again.type) +
            " message from " + again.sender_code + " (message " + earlier.id + ", received " + earlier.received_at +
            "). Give every message its own Identificatie (TR056).",
        "TR056", "9056"));
    c.outcome.findings.back().value = id.identificatie;
    again.state = store::State::rejected;
    // The store found the conflict before judging: the decider it handed
    // back holds the verdict still. It now decides the refusal.
    const auto v = unjudged.lock();
    SLUIS_ASSERT(v && again.decide, "a message the store hands back unjudged keeps its decider (store.hpp)");
    v->findings = c.outcome.findings;
    v->header_refusal = true;
    r = co_await commit(std::move(again));
    if (!r) co_return unavailable(r.error());
  }
  // Committed: the sender hears what was stored, whatever fails from here on
  // (a 500 "not processed" would make it send a stored message again).
  auto res = committed_answer(r->http_status, answer_body(r->response_json, r->findings_json), r->id, req);
  const std::string msg_id = r->id;
  time_answer(ctx, r->state == store::State::rejected ? "rejected" : "accepted");
  const bool wake = scheduled(c.target) || (!r->produced_ids.empty() && scheduled(c.answer));
  try {
    co_await after_commit(std::move(*r), ctx.partner->id, law, id.type->number, wake);
  } catch (...) {  // std or not: the answer still stands
    core::log(events::kAfterCommitFailed,
              {{"msg", msg_id}, {"partner", ctx.partner->id}, {"error", core::describe(std::current_exception())}});
  }
  co_return res;
}

// What follows a commit: counters and log lines, the held orphans it
// releases, waking delivery. Nothing here changes the sender's answer.
asio::awaitable<void> Intake::after_commit(store::CommitOutcome r, std::string partner, standard::Law law, int type,
                                           bool wake) {
  bool accepted = r.state != store::State::rejected;
  core::counter("sluis_intake_messages_total", "Messages committed by the intake, by outcome.",
                accepted ? "outcome=\"accepted\"" : "outcome=\"rejected\"")
      .inc();
  by_type_counter(law, type, accepted).inc();
  core::counter("sluis_retours_composed_total", "Retours and 325s sluis composed (level 2, TR056, or answering).")
      .inc(static_cast<std::int64_t>(r.produced_ids.size()));
  core::log(accepted ? events::kAccepted : events::kRejected,
            {{"msg", r.id}, {"partner", partner}, {"type", type}, {"law", standard::to_string(law)}});
  for (const auto& rid : r.produced_ids) core::log(events::kRetourComposed, {{"msg", rid}, {"heen", r.id}});
  report_late(r, law, type);
  report_contract_warnings(r);
  if (r.orphan) {
    core::log(events::kOrphanHeld, {{"msg", r.id}, {"partner", partner}});
    core::counter("sluis_orphans_held_total", "305/307/323 held waiting for an allocation (orphans = \"hold\").").inc();
  }
  // Held orphans this message's allocations release are judged again before
  // its sender hears back, so what it was told is already true for them.
  if (!r.released.empty() && co_await release(r.released)) wake = true;
  if (on_queued_ && wake) on_queued_();
}

asio::awaitable<bool> Intake::release(std::vector<std::string> ids) {
  bool any = false;
  for (const auto& id : ids) {
    // One orphan's failure leaves it held and the others still go.
    try {
      any = co_await release_one(id) || any;
    } catch (const std::exception& e) {
      core::log(events::kOrphanReleaseFailed, {{"msg", id}, {"error", e.what()}});
    }
  }
  co_return any;
}

asio::awaitable<bool> Intake::release_one(std::string id) {
  auto read_row = [this, id] { return store_.get(id); };
  auto stored = co_await core::async_run(reads_, std::move(read_row), asio::use_awaitable);
  auto read_body = [this, id] { return store_.body(id); };
  auto body = co_await core::async_run(reads_, std::move(read_body), asio::use_awaitable);
  if (!stored || !*stored || !body || !*body) {
    core::log(events::kOrphanReleaseFailed, {{"msg", id}, {"error", "not readable"}});
    co_return false;
  }
  const store::StoredMessage& s = **stored;
  auto today = core::dutch_date(std::chrono::system_clock::now());
  Pooled pooled = co_await asio::co_spawn(pool_, validate_on_pool(schemas_, limits_, **body, reference_, today, bsn_mac_,
                                                                      Digests::bsns),
                                          asio::use_awaitable);
  xml::Outcome& out = pooled.outcome;
  if (!out.message) {
    core::log(events::kOrphanReleaseFailed, {{"msg", id}, {"error", "no longer reads"}});
    co_return false;
  }
  const auto routes = routes_;
  const config::Partner* owner = routes->partner(s.receiver_partner);
  const store::HoldReason reason = hold_reason(s.shadow, owner);
  const auto state = reason == store::HoldReason::none ? store::State::queued : store::State::held;
  auto answer = routes->back_to(s.sender_partner, s.law, s.type + 1, s.sender_code, today);
  Verdict v = verdict(out, out.verdict != xml::Verdict::valid, std::move(pooled.bsn_hashes), owner,
                      s.sender_partner, s.shadow, reason, answer, "", today);
  // A local, not a temporary inside the co_await expression: as a temporary
  // its captures were destroyed twice (heap-use-after-free under ASan, GCC 12).
  auto start = [this, id, state, d = decide(std::move(v))](store::CommitDone done) mutable {
    store_.redecide(id, state, std::move(d), std::move(done));
  };
  auto r = co_await core::async_done<store::CommitOutcome>(std::move(start), asio::use_awaitable);
  if (!r) {
    core::log(events::kOrphanReleaseFailed,
              {{"msg", id}, {"error", core::to_string(r.error().code)}});
    co_return false;
  }
  if (r->state == store::State::received) co_return false;  // no longer a held orphan
  core::log(events::kOrphanReleased, {{"msg", id}, {"state", std::string(store::to_string(r->state))}});
  core::counter("sluis_orphans_released_total", "Held orphans judged again when their allocation arrived.").inc();
  for (const auto& rid : r->produced_ids) core::log(events::kRetourComposed, {{"msg", rid}, {"heen", id}});
  report_late(*r, s.law, s.type);
  report_contract_warnings(*r);
  co_return true;
}

asio::awaitable<net::Response> Intake::show(net::Request req, net::RequestContext ctx) {
  const std::string id = ctx.params["id"];
  auto read = [this, id] { return store_.get(id); };
  auto m = co_await core::async_run(reads_, std::move(read), asio::use_awaitable);
  // Only its sender, and its receiver once it was passed on to it
  // (store::visible_to); anyone else gets the same 404 as for an id that
  // does not exist (no probing).
  if (!m || !m->has_value() || !store::visible_to(**m, ctx.partner->id))
    co_return net::unknown_message(req);
  const std::string status(store::to_string(store::status_of(**m)));
  if (net::preferred_type(req, {"application/json", "text/html"}) != "text/html") {
    auto res = net::json_response(http::status::ok, message_json(**m, status), req);
    res.set(http::field::vary, "Accept");
    co_return res;
  }
  // The body read for the page counts among the listener's bodies in flight.
  if (!co_await net::hold_for_answer(ctx, static_cast<std::uint64_t>((*m)->size)))
    co_return net::busy(req, "de pagina is niet gemaakt.", "the page was not made.");
  auto read_body = [this, id] { return store_.body(id); };
  auto body = co_await core::async_run(reads_, std::move(read_body), asio::use_awaitable);
  if (!body && body.error().code != store::kPrunedError) co_return net::store_unavailable(req);
  if (body && !body->has_value()) co_return net::store_unavailable(req);
  portal::MessagePageOptions o;
  o.lang = net::prefers_english(req) ? portal::Lang::en : portal::Lang::nl;
  o.status = status;
  std::optional<std::string> b;
  if (body) b = std::move(**body);
  auto html = co_await page(std::move(**m), std::move(b), o);
  // The client has this page already: 304, nothing shown, nothing audited.
  if (net::not_modified(req, core::sha256_hex(html)))
    co_return net::html_response(req, std::move(html), portal::lang_code(o.lang));
  // The page shows the message's content (masked): reading it is audited
  // like a mailbox fetch, and fails closed the same way.
  const std::string actor = "partner:" + ctx.partner->id;
  auto record = [this, actor, id](store::Done<void> done) {
    store_.audit(actor, -1, "page-read", id, "GET /v1/messages/{id} as text/html (masked)", std::move(done));
  };
  if (auto audited = co_await core::async_done<void>(std::move(record), asio::use_awaitable); !audited)
    co_return net::store_unavailable(req, "Het lezen kon niet worden vastgelegd; de pagina is daarom niet getoond.",
                                     "The read could not be recorded, so the page was not served.");
  co_return net::html_response(req, std::move(html), portal::lang_code(o.lang));
}

asio::awaitable<std::string> Intake::page(store::StoredMessage m, std::optional<std::string> body,
                                          portal::MessagePageOptions options) {
  co_return co_await asio::co_spawn(pool_, draw_on_pool(schemas_, limits_, std::move(m), std::move(body), std::move(options)),
                                    asio::use_awaitable);
}

}  // namespace sluis::intake
