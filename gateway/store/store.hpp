// The message store: every message sluis received (accepted or rejected),
// byte for byte, with its state, findings and answer; the mailbox view per
// partner; and an append-only audit log. One interface, Store (contract tests
// are written against it); engines: SQLite now (embedded default), PostgreSQL
// for several gateways later.
//
// Roles: Store is the sum of role interfaces, and each module takes only the
// role it uses (the compiler then proves it uses nothing else). A method may
// be in several roles; the engine implements it once.
//   MessageLog     intake: intake::Intake commits and redecides messages and
//                  reads them back (get, body, find), and a partner's own
//                  messages (partner_messages, answers, history: GET
//                  /v1/messages and a timeline; partner_status: GET
//                  /v1/status); intake::ledger_import
//                  writes ledger facts (ledger_batch). Also by_bsn_hash.
//   MailboxStore   route::Mailbox, a partner's pull: mailbox pages, get and
//                  body, ack, transition to delivered, the read's audit row.
//   DeliveryQueue  route::Delivery, route::Scheduler, route::DeadlineWatch:
//                  claim, settle, in_state, release_held; overdue and
//                  mark_overdue_logged; and Retention for the prune timer.
//   OperatorQueue  admin::add_queue_commands, add_store_commands,
//                  add_deadline_commands, add_retention_commands: counts,
//                  queue_list, history, queue_action, orphans, overdue, get,
//                  body, audit and audit_log; and Retention for `prune`.
//   Housekeeping   App, which owns the Store: probe (watchdog), pending
//                  (backpressure), close, backup, queue_gauges (the metrics'
//                  queue gauges, app/store_gauges.hpp); and Retention.
//   WatchStore     watch::Watches (the watch thread) and admin's `watches`:
//                  the detectors' facts and the watch_case table.
//   Retention      prune_bodies alone: store::prune_retention (retention.hpp)
//                  takes it; a virtual base of the three roles above it, so
//                  the delivery timer and the admin command share one pruner.
//
// Message states and their machine, and message ids: state.hpp.
//
// Durability: a commit's callback runs only after the transaction is on disk
// (SQLite: WAL + synchronous=FULL, fsync at COMMIT). Commits are queued to one
// writer thread that batches them (group commit: one fsync for many).
//
// Threading: every method may be called from any thread. Every write (commit,
// redecide, transition, audit, ack, queue_action, claim, settle, release_held,
// mark_overdue_logged, ledger_batch, prune_bodies) has one calling convention:
// a virtual method that returns at once and calls its `done` (a Done<T>) once,
// from the writer thread, after the write is durable or has failed (after
// close(): at once, on the caller's thread, with the error store.closed). The
// caller re-posts to its own executor (core/async.hpp turns such a method into
// an awaitable). `done` must not block and must not wait on the store. Each
// write also has a non-virtual blocking wrapper with the same name (commit's
// is commit_sync), in the write's role (audit's: OperatorQueue), for tools and
// tests only: it waits for the writer, so it is never called on a thread that
// must not block (the HTTPS io thread) nor from a `done`. Reads run on the
// caller's thread on a separate connection. The store knows no XML and no
// network.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/destination_kind.hpp"
#include "gateway/core/result.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/deadlines.hpp"
#include "gateway/standard/ledger.hpp"
#include "gateway/store/state.hpp"
#include "gateway/store/steering_facts.hpp"

namespace sluis::store {

struct NewMessage;

// What a message's judgement adds to its transaction: the ledger facts it
// establishes and the messages sluis produces in answer (a retour or 325),
// all committed with the message or not at all.
// An allocation a held message waits for (orphans = "hold").
struct OrphanKey {
  standard::Law law = standard::Law::iwmo;
  std::string gemeente;
  std::int64_t toewijzing_nummer = 0;
};

struct Decision {
  standard::ledger::Changes changes;
  std::vector<NewMessage> produced;
  // Non-empty: the message is held until these allocations arrive (its state
  // set to held by the decider); nothing else of the decision applies.
  std::vector<OrphanKey> orphans;
  // The standard's deadlines (standard/deadlines.hpp): the answers this
  // message makes owed (kept in the obligations table, owed by its
  // receiver_partner) and the owed answers it gives (closed). A message stored
  // with a heen_id (a retour, composed or a partner's) also closes its
  // heenbericht's retour and 325 obligations. `late` is reported back in
  // CommitOutcome::late, not stored.
  std::vector<standard::deadlines::Obligation> obligations;
  std::vector<standard::deadlines::Meet> meets;
  std::vector<standard::deadlines::Late> late;
};
// Runs on the writer inside the message's transaction, after the idempotency
// and identification checks, with a view of the ledger as every earlier commit
// left it. It may change the message (state, findings, answer) before it is
// inserted. An error rolls the message back and is reported to `done`.
// It judges the typed model it holds, not NewMessage::body: on SQLite a body
// over 1 MiB is already stored and its memory given back when a new message
// is judged (sqlite_messages.cpp, write_body_first).
using Decide = std::function<core::Result<Decision>(const standard::ledger::LedgerView&, NewMessage&)>;

// Ledger work outside any message (ledger-import): reads the ledger and
// writes changes through `apply`, all in one transaction.
using LedgerApply = std::function<core::Result<void>(const standard::ledger::Changes&)>;
// ledger-import's record of the documents it established, in the same
// transaction as their ledger facts (table ledger_import): `seen` says whether
// a document (the SHA-256 of its canonical content, hex, and its type) was
// imported before, `record` notes one now. A re-run after a failure or a
// cancel skips what is recorded.
struct ImportLog {
  std::function<core::Result<bool>(const std::string& digest, int type)> seen;
  std::function<core::Result<void>(const std::string& digest, int type)> record;
};
using LedgerWork = std::function<core::Result<void>(const standard::ledger::LedgerView&,
                                                    const LedgerApply&, const ImportLog&)>;

struct NewMessage {
  std::string id;              // chosen by the caller (opaque, unique), or empty: the store picks one
  standard::Law law = standard::Law::iwmo;
  int type = 0;                // 301 ... 325
  int berichtcode = 0;
  std::string release;         // "3.2"
  std::string sender_code;     // header Afzender (heen) / the sender's code
  std::string receiver_code;
  std::string sender_partner;  // partner id that submitted it
  std::string receiver_partner;  // partner id it goes to (empty: none known)
  std::string identificatie;   // BerichtIdentificatie/Identificatie
  std::string dagtekening;     // YYYY-MM-DD
  std::string identificatie_retour;  // retours only
  std::string heen_id;         // retours: the stored heenbericht they answer
  // A partner's retour (302 ... 320): it carries its heenbericht's header, so
  // its identification is the heenbericht's and says nothing about who
  // answers. Idempotency and TR056 then also key on who answers
  // (receiver_code, the retour's Ontvanger, and sender_partner): no other
  // partner's retour can make the real receiver's a replay or a 9056.
  bool retour = false;
  std::string body;            // the message, byte for byte (bound to SQLite without a copy)
  std::string sha256;          // hex SHA-256 of body when the caller has it; empty: the store computes it
  State state = State::received;
  std::string findings_json = "[]";
  int http_status = 0;         // the answer given to the sender
  // That answer's body, for idempotent replays. The intake keeps its findings
  // out of it (they are findings_json; intake/decide.hpp, answer_body()).
  std::string response_json;
  bool shadow = false;
  // Where it goes (route/): the destination's id and kind; none for rejected
  // messages. A held message says why in hold_reason (state.hpp); stored only
  // while it is held.
  std::string destination;
  std::optional<config::DestinationKind> delivery;
  HoldReason hold_reason = HoldReason::none;
  std::vector<std::string> bsn_hashes;  // HMAC of every BSN in the message (never the BSN)
  // Kept for the partner's own lookup (GET /v1/messages): a 323's or 325's
  // DeclaratieNummer, and the RetourCodes a retour or 325 carries (sorted,
  // distinct, comma-separated); empty otherwise.
  std::string declaratie_nummer;
  std::string retourcodes;
  // Optional: the cross-message judgement (see Decision). The SQLite engine
  // drops it once it has run (what it captured is freed before the rows the
  // decision makes); PostgreSQL's keeps it for a job it runs again.
  Decide decide;
};

struct StoredMessage {
  std::string id;
  std::int64_t seq = 0;        // mailbox cursor order
  standard::Law law = standard::Law::iwmo;
  int type = 0;
  int berichtcode = 0;
  std::string release;
  std::string sender_code, receiver_code, sender_partner, receiver_partner;
  std::string identificatie, dagtekening, identificatie_retour, heen_id;
  std::string sha256;
  std::int64_t size = 0;
  std::string received_at;     // UTC, ISO 8601
  State state = State::received;
  int attempts = 0;
  std::string next_attempt_at, last_error, acked_at;
  std::string findings_json, response_json;
  int http_status = 0;
  bool shadow = false;
  std::string destination;
  std::optional<config::DestinationKind> delivery;  // none: not routed
  HoldReason hold_reason = HoldReason::none;
  std::string lifetime_from;   // set by message-requeue: the delivery lifetime counts from here
  std::string pruned_at;       // UTC: the retention pruner removed the body (Store::prune_bodies); else empty
  std::string declaratie_nummer, retourcodes;  // as NewMessage (schema 14; empty before)
};

// A message taken for a delivery attempt (Store::claim), with its body.
struct Claimed {
  StoredMessage message;
  std::string body;
};

struct CommitOutcome {
  std::string id;
  bool replay = false;  // the identical message was stored before: `existing` is that one
  std::optional<StoredMessage> existing;
  // Same sender, law, type and identification but another body (TR056 / 9056):
  // the earlier message; nothing was stored.
  std::optional<StoredMessage> conflict;
  // With `conflict`: the message as it was given (body included, its decider
  // not run), handed back so the caller can commit it again as rejected
  // without copying the body.
  std::optional<NewMessage> unstored;
  // The message as stored (after `decide`): what the sender is told.
  State state = State::received;
  int http_status = 0;
  std::string response_json, findings_json;
  std::vector<std::string> produced_ids;  // the retours stored with it
  bool orphan = false;  // held, waiting for an allocation (Decision::orphans)
  // Held messages waiting for an allocation this commit brought: the caller
  // judges them again (Store::redecide).
  std::vector<std::string> released;
  // The message came later than the standard allows (Decision::late): the
  // caller logs and counts it after the commit.
  std::vector<standard::deadlines::Late> late;
  // The budget ceilings and contingents it reached (Decision's ledger
  // changes, stored with it): the caller counts them after the commit.
  std::vector<standard::ledger::ContractWarning> contract_warnings;
};

// An owed answer past its due date (Store::overdue). Dates are YYYY-MM-DD
// (Dutch dates); no personal data.
struct OverdueAnswer {
  std::int64_t id = 0;
  std::string kind;          // standard::deadlines::Kind
  std::string rule;          // OP090, OP090x4, OP274, OP346
  standard::Law law = standard::Law::iwmo;
  int type = 0;              // the message that made it owed (315 ...)
  std::string message_id;    // that message
  std::string owed_by;       // partner id of its receiver (empty: none known)
  std::string owed_by_code;  // its Ontvanger
  std::string owed_to;       // partner id of its sender
  std::string owed_to_code;  // its Afzender
  std::string opened_on;     // the day of receipt
  std::string due_on;        // the last day on time
  bool logged = false;       // the overdue log event was written
};

// How a write reports (see "Threading" above): called once, from the writer thread.
template <class T>
using Done = std::function<void(core::Result<T>)>;
using CommitDone = Done<CommitOutcome>;

struct MailboxQuery {
  std::string partner;
  std::int64_t after = 0;  // seq cursor
  int limit = 100;
  bool unacked_only = true;
};

struct AuditEntry {
  std::int64_t seq = 0;
  std::string at, actor, action, message_id, detail;
  long uid = -1;
};

// ---- the operator's queue (sluisctl queue-list, message-hold ...) ----

// Which messages (queue-list and the bulk actions). Empty fields match all.
struct QueueFilter {
  std::optional<State> state;
  std::string partner;      // the sender's or the receiver's partner id
  std::optional<standard::Law> law;  // none: both laws
  int type = 0;             // 301 ... 325; 0: any
  std::string from, to;     // received_at: UTC days YYYY-MM-DD or utc_text instants, inclusive
  std::string destination;  // destination id
  bool empty() const {
    return !state && partner.empty() && !law && type == 0 && from.empty() && to.empty() &&
           destination.empty();
  }
};

struct QueueQuery {
  QueueFilter filter;
  std::int64_t after = 0;  // seq cursor: messages with seq > after, in seq order
  int limit = 100;
};

struct DestinationCount {
  std::string destination;  // empty: not routed (rejected, or stored before routing)
  State state = State::received;
  std::int64_t count = 0;
};

// What the metrics show of the queue (docs/metrics.md): the messages not at
// an end state (every state but acknowledged and rejected) by destination and
// state, and per partner the receipt time of the first message in its
// mailbox (mailbox order) it has not acknowledged.
struct QueueGauges {
  std::vector<DestinationCount> backlog;
  struct Oldest {
    std::string partner;
    std::string received_at;  // UTC, ISO 8601
  };
  std::vector<Oldest> oldest_unacknowledged;
};

// The operator's actions on queued messages:
//   hold     queued | deferred -> held (hold_reason operator)
//   release  held -> queued, for operator and receiver_not_live holds only
//   retry    deferred -> queued, due now (a queued message is left as it is)
//   requeue  dead -> queued, next attempt cleared
//   remove   deletes a held, dead or rejected message with its BSN hashes;
//            refused while other messages or ledger facts refer to it
enum class QueueAction { hold, release, retry, requeue, remove };
std::string_view to_string(QueueAction a);

struct QueueActionRequest {
  QueueAction action = QueueAction::hold;
  std::string id;                     // one message, or
  std::optional<QueueFilter> filter;  // every message it selects that the action applies to
  int limit = 1000;                   // bulk: at most this many, in seq order
  std::int64_t after = 0;             // bulk: only messages with seq > after (a batch cursor)
  bool dry_run = false;               // say what would change, change nothing
  std::string actor;                  // audited with uid
  long uid = -1;
  std::string reason;                 // remove: required; audited (scrubbed of BSNs)
};

struct QueueActionResult {
  struct Item {
    std::string id;
    State from = State::received;
    State to = State::received;  // == from when unchanged or refused
    bool changed = false;        // (dry run: would change)
    std::string refused;         // why not, for the operator; empty when not refused
  };
  std::vector<Item> items;  // in seq order; a single id not found: no item
  bool more = false;        // bulk: the filter selects more than `limit`
  std::int64_t last_seq = 0;  // bulk: seq of the last item; the next batch's `after`
};

// ---- retention (Store::prune_bodies) ----

// Which bodies to remove: messages in state acknowledged or rejected (final
// states: nothing will deliver, redecide or fetch-and-ack them again) received
// before `cutoff`. Never a message in any other state.
struct PruneRequest {
  std::string cutoff;          // UTC, core::utc_text: received_at before this
  std::int64_t limit = 1000;   // at most this many bodies in this call; <= 0: no limit
  int batch = 1000;            // bodies per writer transaction (commits run in between)
  bool dry_run = false;        // count what this call would remove; change nothing
  std::string actor = "sluis";  // audited with uid and reason, one row per pruned message
  long uid = -1;
  std::string reason;          // e.g. "retention 62d"
};

struct PruneResult {
  std::int64_t pruned = 0;  // bodies removed (dry run: that would be removed)
  std::int64_t bytes = 0;   // their size (the `size` column)
  bool more = false;        // more bodies qualify than `limit` allowed
};

// ---- watches (watch/, docs/watches.md) ----

// A message in a partner's mailbox not acknowledged (Store::unread_mailbox):
// routed to the mailbox, not shadow, in state queued, delivering, delivered or
// deferred. No personal data.
struct UnreadMessage {
  std::string id;
  standard::Law law = standard::Law::iwmo;
  int type = 0;
  std::string sender_partner;    // who sent it (sluis itself for a composed retour: the heenbericht's receiver)
  std::string receiver_partner;  // whose mailbox it is in
  State state = State::queued;   // queued: never fetched; delivered: fetched, not acknowledged
  // When it became available in the mailbox (UTC): its receipt, or, when it
  // was held (orphan, receiver not live, operator), its last release.
  std::string available_at;
};

// Deferred and dead messages of one push or drop destination (Store::backlog).
struct DestinationBacklog {
  std::string destination;
  std::string partner;                 // its receiver_partner (of the oldest)
  std::int64_t deferred = 0;
  std::string oldest_deferred_at;      // received_at of the oldest deferred message (UTC); empty: none
  std::int64_t dead = 0;
  std::string oldest_dead_id;          // the oldest dead message; empty: none
};

// One partner's messages per UTC day of receipt (Store::submissions): how many
// it sent and how many of those sluis rejected.
struct SubmissionDay {
  std::string partner;  // sender_partner
  std::string day;      // YYYY-MM-DD of received_at (UTC)
  std::int64_t total = 0;
  std::int64_t rejected = 0;
};

// A youth-care (iJw) allocation that runs past the day its client turns 18
// (Store::youth_turning_18). No BSN: the allocation's key and dates only.
struct YouthAllocation {
  std::string gemeente, aanbieder;  // codes
  std::int64_t toewijzing_nummer = 0;
  std::string einddatum;            // YYYY-MM-DD; empty: open-ended
  std::string turns_18_on;          // YYYY-MM-DD (ledger_allocation.client_turns_18_on)
};

// An allocation or request the care-continuity watches look at
// (Store::care_candidates). No BSN: keys and dates only.
struct CareCandidate {
  enum class What {
    unstarted,  // a new allocation with no start, waiting since `day`
    rejected,   // an allocation its provider's 302 refused on `day`, no corrected 301 since
    ending,     // an allocation ending on `day` with no stop and no successor
    refused,    // a request (315/317) its 319 refused on `day`, not honoured since
  };
  What what = What::unstarted;
  standard::Law law = standard::Law::iwmo;
  std::string gemeente, aanbieder;  // codes
  std::string key;                  // ToewijzingNummer, or the request's ReferentieAanbieder
  std::string day;                  // YYYY-MM-DD, as `what` says
};
// Dutch days (YYYY-MM-DD) bounding what care_candidates reads.
struct CareQuery {
  std::string today;
  std::string waiting_before;  // unstarted: waiting since before this day
  std::string ending_until;    // ending: Einddatum from today up to this day
  std::string since;           // rejected, refused, unstarted: not older than this day
};

// What a detector found this scan: one case. No BSN, no name: the key is a
// message id, destination, certificate name or hashed key.
struct WatchFinding {
  std::string case_key;  // unique within the kind while the case is open
  std::string partner;   // the partner concerned; "" for sluis itself
  std::string subject;   // what the case is about (a message id, a destination, a file name)
  std::string detail;    // key=value facts for the operator (updated each scan)
};

// A case of a watch (the watch_case table): opened when a detector first
// found it, logged once (logged_at), closed when a scan no longer finds it.
struct WatchCase {
  std::int64_t id = 0;
  std::string kind;  // watch::Kind's name (unread_answer, queue_growing ...)
  std::string case_key, partner, subject, detail;
  std::string opened_at;  // UTC
  std::string logged_at;  // UTC; empty: the log event is not written yet
  std::string closed_at;  // UTC; empty: open
};

struct WatchFilter {
  std::string kind;     // empty: every kind
  std::string partner;  // empty: every partner
  bool include_closed = false;
  int limit = 1000;
};

// The outcome of one detector's scan (Store::watch_sync).
struct WatchSync {
  std::vector<WatchCase> open;  // every open case of the kind after the sync, by id
  std::int64_t opened = 0;
  std::int64_t closed = 0;
};

// ---- a partner's own messages (GET /v1/messages, docs/portal.md) ----

// What the intake answered about a message (the submit answer's "status"),
// as its row says it: rejected; held, waiting for an allocation (orphans =
// "hold"); accepted (every other message a partner sent); composed: sluis
// made it (a retour or 325) and nobody submitted it.
enum class Status { accepted, rejected, held, composed };
std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view s);
Status status_of(const StoredMessage& m);
// Whether `partner` may see the message: it sent it, or the message was
// passed on to it (its receiver; not shadow, and not received, held or
// rejected, which the receiver never gets). The SQL of partner_messages()
// selects the same (sqlite_portal.cpp).
bool visible_to(const StoredMessage& m, std::string_view partner);

struct PartnerQuery {
  std::string partner;              // whose messages: sent by it or passed on to it
  std::optional<Status> status;
  std::optional<State> state;
  int type = 0;                     // 0: any
  std::string since, until;         // received_at: since <= received_at < until (UTC text); empty: open
  std::string identificatie;        // Identificatie, IdentificatieRetour or DeclaratieNummer; empty: any
  std::int64_t before = 0;          // keyset cursor: seq < before; 0: from the newest
  int limit = 50;
};

struct PartnerMessage {
  StoredMessage message;
  // The retour (or 325) answering it: the latest not rejected of the type
  // its message type is answered by (catalog: answered_by).
  std::optional<StoredMessage> retour;
};

// ---- a partner's status page (GET /v1/status, docs/portal.md) ----

// What one read snapshot gives the status page of `partner`.
struct PartnerStatusQuery {
  std::string partner;
  std::string since;       // UTC text: rejected messages received at or after this
  std::string today;       // Dutch day YYYY-MM-DD: an open obligation due before it is overdue
  int max_rejected = 200;  // at most this many rejected messages listed (all are counted)
  int max_owed = 200;      // at most this many owed answers listed (all are counted)
  // When set, runs with a view of the ledger inside the same read
  // transaction (the provider's degressive position), after the reads above.
  std::function<void(const standard::ledger::LedgerView&)> ledger;
};

struct PartnerStatus {
  // Sent by the partner (shadow too, as GET /v1/messages lists them), state
  // rejected, received since `since`: newest first, with their findings.
  std::vector<StoredMessage> rejected;
  std::int64_t rejected_total = 0;
  // The answers the partner owes (open obligations owed_by it), earliest due
  // first, in OverdueAnswer's shape: overdue when due_on is before `today`.
  std::vector<OverdueAnswer> owed;
  std::int64_t owed_total = 0;
  std::int64_t overdue_total = 0;
  // Its mailbox (GET /v1/mailbox): messages waiting unacknowledged, and when
  // the oldest of them was received (UTC; empty when none).
  std::int64_t mailbox_waiting = 0;
  std::string mailbox_oldest_at;
};

// ---- the roles (see the header comment) ----

// The retention pruner's one call, shared by the roles that run or may run
// it (DeliveryQueue, OperatorQueue, Housekeeping): store::prune_retention
// (retention.hpp) takes it. A virtual base, so a Store holds one of it.
class Retention {
 public:
  virtual ~Retention() = default;

  // Removes the bodies the request selects, oldest first, in transactions of
  // `batch` bodies on the writer (queued commits run between them). The row
  // stays with its metadata, sha256, size, findings, answer and BSN hashes
  // (search and idempotent replays still find it), and so do ledger facts,
  // obligations and audit; the body becomes empty and pruned_at is set. Each
  // pruned message gets an audit row ("prune"). Idempotent: a pruned message
  // is not selected again. body() of a pruned message is the error
  // kPrunedError. A dry run reads on the writer too (nothing written).
  // (sqlite_retention.cpp)
  virtual void prune_bodies(PruneRequest r, Done<PruneResult> done) = 0;
  core::Result<PruneResult> prune_bodies(const PruneRequest& r);  // blocking

  // Whether this node runs the periodic jobs (the retention pruner, the
  // deadline watch's log lines, the watches): always with one node (SQLite);
  // on a database several nodes share, exactly one of them at a time (the
  // PostgreSQL engine: an advisory lock, taken over when its node dies). May
  // reach the database; call from the job's own thread, not the io thread.
  virtual bool leads() { return true; }
};

// What intake writes and reads: intake::Intake (commit, redecide, and the
// reads around them) and intake::ledger_import (ledger_batch).
class MessageLog {
 public:
  virtual ~MessageLog() = default;

  // One transaction: idempotency check, the message row, its BSN hashes, an
  // audit entry. `done` runs after the commit is durable (or failed).
  // Idempotency (replay) and TR056 (conflict) compare a message only with
  // messages of the same kind, shadow or live: a shadow partner's messages
  // stay, held, as the record of its shadow period, and never make what it
  // sends once live a replay or a 9056 (nor the other way round).
  virtual void commit(NewMessage msg, CommitDone done) = 0;
  // Blocking (tools and tests only).
  core::Result<CommitOutcome> commit_sync(NewMessage msg);
  // Judges the held orphan `id` again in one transaction: the stored message
  // (its row, body and BSN hashes) with `state` as its state before the
  // judgement, `decide` against the ledger as it is now; the row's state and
  // answer, its ledger changes and retours commit together. A message no
  // longer held as an orphan is left alone (CommitOutcome.state = received).
  virtual void redecide(std::string id, State state, Decide decide, CommitDone done) = 0;

  virtual core::Result<std::optional<StoredMessage>> get(const std::string& id) = 0;
  // The body byte for byte; nullopt: no such message; the error kPrunedError:
  // removed by the retention pruner (StoredMessage::pruned_at).
  virtual core::Result<std::optional<std::string>> body(const std::string& id) = 0;
  virtual core::Result<std::vector<StoredMessage>> by_bsn_hash(const std::string& hash) = 0;
  // An audit row (a partner reading a message as a page: "page-read").
  virtual void audit(std::string actor, long uid, std::string action, std::string message_id,
                     std::string detail, Done<void> done) = 0;
  // Runs `read` with a view of the ledger on the read connection, inside one
  // read transaction (a consistent snapshot): operators' and partners'
  // questions about the ledger (degressive-status, GET /v1/degressive).
  // Blocking: the admin thread or the reads executor, never the io thread.
  // An error when a read failed (what `read` saw is then incomplete).
  virtual core::Result<void> read_ledger(
      const std::function<void(const standard::ledger::LedgerView&)>& read) = 0;
  // The latest accepted (not rejected) message of that sender, law, type and
  // identification that was sent to `receiver_partner` under its code
  // `receiver_code`: the heenbericht a retour from that receiver answers. A
  // heenbericht sent to anyone else is not found: answering it is its
  // receiver's alone.
  virtual core::Result<std::optional<StoredMessage>> find(standard::Law law, int type,
                                                          const std::string& sender_code,
                                                          const std::string& identificatie,
                                                          const std::string& receiver_partner,
                                                          const std::string& receiver_code) = 0;
  // A partner's own messages (PartnerQuery), newest first (seq descending),
  // at most q.limit, each with its retour. Read by the indexes on the
  // sender's and the receiver's partner (or, with an identification, on it).
  virtual core::Result<std::vector<PartnerMessage>> partner_messages(const PartnerQuery& q) = 0;
  // What GET /v1/status shows a partner (PartnerStatusQuery), from one read
  // transaction; each list bounded by the query, each count whole.
  virtual core::Result<PartnerStatus> partner_status(const PartnerStatusQuery& q) = 0;
  // The messages answering `id`, oldest first: its retours and 325s (heen_id)
  // and the answers that met what it made owed (obligation.met_by: a 319 to
  // a 315, a 301 to a 315).
  virtual core::Result<std::vector<StoredMessage>> answers(const std::string& id) = 0;
  // As OperatorQueue::history: a message's timeline (GET /v1/messages/{id}/timeline).
  virtual core::Result<std::vector<AuditEntry>> history(const std::string& message_id, int limit) = 0;
  // Runs `work` on the writer in one transaction. keep = false rolls back
  // everything it wrote (a dry run); keep = true commits it with an audit
  // entry (action "ledger-import", the actor, uid and `detail()` asked after
  // the work, on the writer).
  virtual void ledger_batch(LedgerWork work, bool keep, std::string actor, long uid,
                            std::function<std::string()> detail, Done<void> done) = 0;
  core::Result<void> ledger_batch(LedgerWork work, bool keep, const std::string& actor, long uid,
                                  const std::function<std::string()>& detail);  // blocking
  // The dry run of an import where the store has no file to copy
  // (PostgreSQL): `work` runs once, on a connection of its own (never this
  // node's writer: partners are not kept waiting), in one REPEATABLE READ
  // transaction that is rolled back whatever `work` returns; a row another
  // transaction holds makes it wait at most 10 s, then fail. Blocking, on
  // the caller's thread. The SQLite engine refuses (Errc::store_sqlite): its
  // dry run judges a copy of the file.
  virtual core::Result<void> ledger_rehearsal(const LedgerWork& work);
};

// A partner's mailbox (delivery by pull): route::Mailbox. It runs on the io
// thread and awaits every call; the blocking wrappers here are for tests.
class MailboxStore {
 public:
  virtual ~MailboxStore() = default;

  virtual core::Result<std::vector<StoredMessage>> mailbox(const MailboxQuery& q) = 0;
  virtual core::Result<std::optional<StoredMessage>> get(const std::string& id) = 0;
  // As MessageLog::body.
  virtual core::Result<std::optional<std::string>> body(const std::string& id) = 0;
  // Acknowledges a message the partner received; idempotent. False when the
  // message is not in that partner's mailbox.
  virtual void ack(std::string partner, std::string id, Done<bool> done) = 0;
  core::Result<bool> ack(const std::string& partner, const std::string& id);  // blocking
  // A legal state change (transition_allowed), audited as `actor`; `reason`
  // (when not empty) goes to last_error.
  virtual void transition(std::string id, State to, std::string actor, std::string reason,
                          Done<void> done) = 0;
  core::Result<void> transition(const std::string& id, State to, const std::string& actor,
                                const std::string& reason);  // blocking
  // An audit row (the mailbox's "mailbox-read"); blocking: OperatorQueue::audit.
  virtual void audit(std::string actor, long uid, std::string action, std::string message_id,
                     std::string detail, Done<void> done) = 0;
};

// The delivery thread's queue: route::Delivery, route::Scheduler and
// route::DeadlineWatch; Delivery's retention timer prunes through Retention.
// They run on the delivery thread and use the blocking wrappers.
class DeliveryQueue : public virtual Retention {
 public:
  // Takes up to `limit` messages for `destination` that are due at `now`
  // (queued, or deferred with next_attempt_at <= now; earliest due first, so
  // new and deferred messages both progress): each goes to delivering with
  // attempts + 1, in one transaction. `now` is core::utc_text.
  virtual void claim(std::string destination, std::string now, int limit,
                     Done<std::vector<Claimed>> done) = 0;
  core::Result<std::vector<Claimed>> claim(const std::string& destination, const std::string& now,
                                           int limit);  // blocking
  // The end of an attempt on a delivering message: delivered or acknowledged
  // (error empty), deferred until next_attempt_at, or dead; the error goes to
  // last_error and, with the attempt number, to the audit log.
  virtual void settle(std::string id, State to, std::string next_attempt_at, std::string error,
                      Done<void> done) = 0;
  core::Result<void> settle(const std::string& id, State to, const std::string& next_attempt_at,
                            const std::string& error);  // blocking
  // Messages of `destination` in `state`, oldest first (drop pickup checks).
  virtual core::Result<std::vector<StoredMessage>> in_state(const std::string& destination, State state,
                                                            int limit) = 0;
  // Held messages to `receiver_partner` with hold_reason `reason` go to
  // queued (its routing unchanged): the receiver went live. Audited as `actor`.
  // Returns how many.
  virtual void release_held(std::string receiver_partner, HoldReason reason, std::string actor,
                            Done<std::int64_t> done) = 0;
  core::Result<std::int64_t> release_held(const std::string& receiver_partner, HoldReason reason,
                                          const std::string& actor);  // blocking
  // ---- deadlines (standard/deadlines.hpp, route/deadline_watch) ----
  // Obligations not met whose due date is before `as_of` (YYYY-MM-DD, a Dutch
  // date), owed by `partner` (empty: every partner); by partner, then due date.
  virtual core::Result<std::vector<OverdueAnswer>> overdue(const std::string& as_of, const std::string& partner) = 0;
  // Notes that the overdue log event for these obligations was written, so it
  // is written once.
  virtual void mark_overdue_logged(std::vector<std::int64_t> ids, Done<void> done) = 0;
  core::Result<void> mark_overdue_logged(const std::vector<std::int64_t>& ids);  // blocking
};

// The operator's view and actions (sluisctl): admin's queue, store, deadline
// and retention commands (admin::add_*_commands). They run on the admin
// thread and use the blocking wrappers.
class OperatorQueue : public virtual Retention {
 public:
  // Counts per destination and state (queue-summary; per-state totals are their sums).
  virtual core::Result<std::vector<DestinationCount>> count_by_destination() = 0;
  // Messages the filter selects, in seq order, metadata only (queue-list).
  virtual core::Result<std::vector<StoredMessage>> queue_list(const QueueQuery& q) = 0;
  virtual core::Result<std::optional<StoredMessage>> get(const std::string& id) = 0;
  // As MessageLog::body.
  virtual core::Result<std::optional<std::string>> body(const std::string& id) = 0;
  // The audit rows of one message, oldest first: its commit, state changes,
  // delivery attempts, reads and operator actions (message-show).
  virtual core::Result<std::vector<AuditEntry>> history(const std::string& message_id,
                                                        int limit) = 0;
  // An operator action on one message or on every message a filter selects,
  // in one transaction; each change audited with the request's actor and uid.
  // Refusals are items, not errors; an error means nothing was changed.
  virtual void queue_action(QueueActionRequest r, Done<QueueActionResult> done) = 0;
  core::Result<QueueActionResult> queue_action(const QueueActionRequest& r);  // blocking
  // Held orphans and the allocations they wait for (sluisctl orphan-list).
  struct Orphan {
    std::string message_id;
    OrphanKey waits_for;
  };
  virtual core::Result<std::vector<Orphan>> orphans(int limit) = 0;
  // As DeliveryQueue::overdue (sluisctl overdue).
  virtual core::Result<std::vector<OverdueAnswer>> overdue(const std::string& as_of,
                                                           const std::string& partner) = 0;
  virtual void audit(std::string actor, long uid, std::string action, std::string message_id,
                     std::string detail, Done<void> done) = 0;
  core::Result<void> audit(const std::string& actor, long uid, const std::string& action,
                           const std::string& message_id, const std::string& detail);  // blocking
  virtual core::Result<std::vector<AuditEntry>> audit_log(std::int64_t after, int limit) = 0;
  // The facts of a steering report for a period (steering_facts.hpp), from
  // one read snapshot (sluisctl report).
  virtual core::Result<SteeringFacts> steering_facts(const SteeringQuery& q) = 0;
};

// The watches (watch/): the facts their detectors read and the cases they
// keep. The watch thread uses the blocking wrappers; admin reads watch_cases.
class WatchStore {
 public:
  virtual ~WatchStore() = default;
  // Unacknowledged messages in partners' mailboxes, oldest first, at most `limit`.
  virtual core::Result<std::vector<UnreadMessage>> unread_mailbox(int limit) = 0;
  // Destinations with deferred or dead messages.
  virtual core::Result<std::vector<DestinationBacklog>> backlog() = 0;
  // Per sender partner and UTC day from `from_day` (YYYY-MM-DD) on: messages
  // received and rejected (state rejected; shadow messages not counted).
  virtual core::Result<std::vector<SubmissionDay>> submissions(const std::string& from_day) = 0;
  // Approved iJw allocations whose client turns 18 on or before `until`
  // (YYYY-MM-DD) while the allocation runs on past that day (no Einddatum, or
  // one after it) and no stop (307) ends the care before it.
  virtual core::Result<std::vector<YouthAllocation>> youth_turning_18(const std::string& until) = 0;
  // The care-continuity candidates (CareCandidate's four kinds) the query bounds.
  virtual core::Result<std::vector<CareCandidate>> care_candidates(const CareQuery& q) = 0;
  // Cases as the filter selects, open first, then by id.
  virtual core::Result<std::vector<WatchCase>> watch_cases(const WatchFilter& f) = 0;
  // One transaction for one detector's scan of `kind`: a finding with no open
  // case of its key opens one (opened_at = now); an open case's detail and
  // partner follow its finding; when `complete` (the detector saw
  // everything), an open case no finding names is closed (closed_at = now).
  // Closed cases closed before `forget_before` (UTC text) are deleted.
  virtual void watch_sync(std::string kind, std::vector<WatchFinding> found, bool complete, std::string now,
                          std::string forget_before, Done<WatchSync> done) = 0;
  core::Result<WatchSync> watch_sync(const std::string& kind, const std::vector<WatchFinding>& found,
                                     bool complete, const std::string& now,
                                     const std::string& forget_before);  // blocking
  // Notes that the log event of these cases was written (logged_at = now).
  virtual void watch_mark_logged(std::vector<std::int64_t> ids, std::string now, Done<void> done) = 0;
  core::Result<void> watch_mark_logged(const std::vector<std::int64_t>& ids, const std::string& now);  // blocking
  // As Retention::leads: the watches scan only on the node that leads.
  virtual bool leads() { return true; }
};

// The store's own upkeep: what App (the composition root, which owns the
// Store) calls for the watchdog, backpressure and shutdown, and backup.
class Housekeeping : public virtual Retention {
 public:
  // An online copy of the database at `path` (must not exist yet), made and
  // checked as sqlite_backup.hpp says (its own connection, nothing partial
  // left on failure), or on PostgreSQL a pg_dump archive (pg_dump.hpp).
  // sluisd's `backup` command calls backup_sqlite / dump_postgresql itself,
  // for progress and cancel.
  virtual core::Result<void> backup(const std::string& path) = 0;
  // Writes queued for the writer or in its running batch (backpressure: the
  // HTTPS listener stops reading bodies while this is at store.max_queue).
  virtual std::size_t pending() const = 0;
  // A job that writes nothing, through the writer like every write: `done`
  // hears it when the writer got to it (the daemon's watchdog: the writer
  // makes progress). Test pause point writer.probe (core/test_pause.hpp).
  virtual void probe(Done<void> done) = 0;
  // Stops the writer after the queued commits are done.
  virtual void close() = 0;
  // The queue's gauges (QueueGauges): a read, on the caller's thread (the
  // App's read pool, on a timer); on SQLite it reads index entries only: a
  // seek per destination and per partner and the backlog's entries.
  virtual core::Result<QueueGauges> queue_gauges() = 0;
};

// Every role in one object: what open_sqlite returns and App owns (and the
// contract tests use). One override in the engine serves every role that
// declares the method; the using-declarations pick one role's name for the
// methods several roles declare, so a call through Store& is not ambiguous.
class Store : public MessageLog,
              public MailboxStore,
              public DeliveryQueue,
              public OperatorQueue,
              public Housekeeping,
              public WatchStore {
 public:
  using DeliveryQueue::overdue;
  using MessageLog::body;
  using MessageLog::get;
  using OperatorQueue::audit;
  using OperatorQueue::history;

  // Whether open ran PRAGMA quick_check; false when it trusted a clean
  // shutdown's marker (SqliteOptions::trust_clean_shutdown), and the caller
  // checks in the background (check_copy).
  virtual bool checked_at_open() const = 0;
};

struct SqliteOptions {
  std::string path;
  int busy_timeout_ms = 5000;
  int max_batch = 256;      // commits per transaction (group commit)
  // The daemon's own open: messages left "delivering" by a crash return to
  // "queued". A tool opening the store next to a running daemon (sluisctl
  // ledger-import) passes false.
  bool recover = true;
  // The SQLite VFS by name; empty: the default. Tests and benchmarks only
  // ("sluis-fault", fault_vfs.hpp); no configuration key sets it.
  std::string vfs;
  // The fingerprint of secrets.bsn_hash_key (core::bsn_key_fingerprint), so
  // that a store is never used with another key than the one it was written
  // with: the first open with a fingerprint records it; an open with another
  // one is refused (core::Errc::store_bsn_key, both fingerprints in the text).
  // Empty: not checked (tools that hash no BSN, tests).
  std::string bsn_key_fingerprint;
  // The daemon's own open: after a clean shutdown (clean_shutdown.hpp: the
  // marker names the file as it is) the integrity check is left to the
  // caller, off the start path; at the store's destruction, when both
  // connections close without error, the marker is left for the next start.
  // False (tools, tests): the check always runs at open, no marker is left.
  bool trust_clean_shutdown = false;
};

// Opens (creating or migrating) the SQLite store. Refuses a database of a newer
// schema version or one that fails the integrity check (PRAGMA quick_check,
// unless trust_clean_shutdown found the marker of a clean shutdown), with a
// clear text.
// Messages left "delivering" by a crash return to "queued".
core::Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& opts);
// The same with every option at its default.
core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path);

struct PostgresOptions {
  // libpq's connection string (keywords or a postgresql:// URI). It may hold
  // a password: never shown; errors name the server without it.
  std::string conninfo;
  // This node's name: it holds its delivery claims' leases under it, and at
  // open its own claims from before a restart go back to queued. Unique per
  // node sharing a database, and the same across a node's restarts.
  std::string node;
  // How long a claim is this node's: a message delivering under a lease that
  // ran out (its node died or stalled) goes back to queued at the next claim
  // of any node. Longer than the longest delivery attempt.
  std::chrono::seconds lease{300};
  int readers = 4;          // connections for reads from any thread
  bool recover = true;      // as SqliteOptions::recover, for this node's claims
  std::string bsn_key_fingerprint;  // as SqliteOptions::bsn_key_fingerprint
};

// Opens the PostgreSQL store (docs/store.md, "PostgreSQL"): connects, runs
// the forward-only migrations (refusing a database of a newer schema), checks
// the BSN key's fingerprint, returns this node's own claims to queued and
// opens the read connections. The error names the server, never a password.
core::Result<std::unique_ptr<Store>> open_postgresql(const PostgresOptions& opts);
// The server a connection string names, for logs: host, port, database and
// user, never a password.
std::string describe_postgresql(const std::string& conninfo);

// The error code of body() for a message whose body the retention pruner removed.
inline constexpr core::Errc kPrunedError = core::Errc::store_pruned;

// The schema version this build writes (PRAGMA user_version).
inline constexpr int kSchemaVersion = 16;

}  // namespace sluis::store
