// The message store: every message sluis received (accepted or rejected),
// byte for byte, with its state, findings and answer; the mailbox view per
// partner; and an append-only audit log. One interface (contract tests are
// written against it); engines: SQLite now (embedded default), PostgreSQL
// for several gateways later.
//
// Message states (one set of names everywhere, Postfix qmgr style):
//
//   received --> queued --> delivering --> delivered --> acknowledged
//                  ^  |          |
//                  |  +--> held  +--> deferred --> delivering
//                  |       |     |
//                  +-------+     +--> dead  (lifetime exceeded / refused permanently)
//   rejected  (did not pass; kept for the sender to read; final)
//
//   received      committed, not yet routed
//   queued        routed, waiting for delivery (mailbox messages wait here until fetched)
//   delivering    a delivery attempt is running (back to queued after a crash)
//   delivered     the receiver has it (pushed, dropped, or fetched from its mailbox)
//   acknowledged  the receiver acknowledged it (mailbox ack, push 2xx with id)
//   deferred      an attempt failed; next_attempt_at says when the next one is
//   held          operator, partner mode (shadow) or receiver not yet live
//   dead          given up; last_error says why (an operator can requeue)
//   rejected      refused at intake; findings say why
//
// Illegal transitions are refused (transition() returns an error).
//
// Durability: a commit's callback runs only after the transaction is on disk
// (SQLite: WAL + synchronous=FULL, fsync at COMMIT). Commits are queued to one
// writer thread that batches them (group commit: one fsync for many).
//
// Threading: every method may be called from any thread. commit() returns at
// once and calls `done` from the writer thread; the caller re-posts to its own
// executor. Reads run on the caller's thread on a separate connection.
// The store knows no XML and no network.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/standard/ledger.hpp"

namespace sluis::store {

enum class State { received, queued, delivering, delivered, acknowledged, deferred, held, dead, rejected };
std::string_view to_string(State s);
std::optional<State> parse_state(std::string_view s);
bool transition_allowed(State from, State to);

struct NewMessage;

// What a message's judgement adds to its transaction: the ledger facts it
// establishes and the messages sluis produces in answer (a retour or 325),
// all committed with the message or not at all.
// An allocation a held message waits for (orphans = "hold").
struct OrphanKey {
  std::string law, gemeente;
  std::int64_t toewijzing_nummer = 0;
};

struct Decision {
  standard::ledger::Changes changes;
  std::vector<NewMessage> produced;
  // Non-empty: the message is held until these allocations arrive (its state
  // set to held by the decider); nothing else of the decision applies.
  std::vector<OrphanKey> orphans;
};
// Runs on the writer inside the message's transaction, after the idempotency
// and identification checks, with a view of the ledger as every earlier commit
// left it. It may change the message (state, findings, answer) before it is
// inserted. An error rolls the message back and is reported to `done`.
using Decide = std::function<core::Result<Decision>(const standard::ledger::LedgerView&, NewMessage&)>;

// Ledger work outside any message (sluisctl ledger-import): reads the ledger
// and writes changes through `apply`, all in one transaction.
using LedgerApply = std::function<core::Result<void>(const standard::ledger::Changes&)>;
using LedgerWork = std::function<core::Result<void>(const standard::ledger::LedgerView&, const LedgerApply&)>;

struct NewMessage {
  std::string id;              // chosen by the caller (opaque, unique), or empty: the store picks one
  std::string law;             // "iwmo" | "ijw"
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
  std::string body;            // the message, byte for byte
  State state = State::received;
  std::string findings_json = "[]";
  int http_status = 0;         // the answer given to the sender
  std::string response_json;   // that answer's body, for idempotent replays
  bool shadow = false;
  std::vector<std::string> bsn_hashes;  // HMAC of every BSN in the message (never the BSN)
  Decide decide;               // optional: the cross-message judgement (see Decision)
};

struct StoredMessage {
  std::string id;
  std::int64_t seq = 0;        // mailbox cursor order
  std::string law;
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
};

struct CommitOutcome {
  std::string id;
  bool replay = false;  // the identical message was stored before: `existing` is that one
  std::optional<StoredMessage> existing;
  // Same sender, law, type and identification but another body (TR056 / 9056):
  // the earlier message; nothing was stored.
  std::optional<StoredMessage> conflict;
  // The message as stored (after `decide`): what the sender is told.
  State state = State::received;
  int http_status = 0;
  std::string response_json;
  std::vector<std::string> produced_ids;  // the retours stored with it
  bool orphan = false;  // held, waiting for an allocation (Decision::orphans)
  // Held messages waiting for an allocation this commit brought: the caller
  // judges them again (Store::redecide).
  std::vector<std::string> released;
};

using CommitDone = std::function<void(core::Result<CommitOutcome>)>;

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

class Store {
 public:
  virtual ~Store() = default;

  // One transaction: idempotency check, the message row, its BSN hashes, an
  // audit entry. `done` runs after the commit is durable (or failed).
  virtual void commit(NewMessage msg, CommitDone done) = 0;
  // Blocking convenience for tools and tests.
  core::Result<CommitOutcome> commit_sync(NewMessage msg);
  // Judges the held orphan `id` again in one transaction: the stored message
  // (its row, body and BSN hashes) with `state` as its state before the
  // judgement, `decide` against the ledger as it is now; the row's state and
  // answer, its ledger changes and retours commit together. A message no
  // longer held as an orphan is left alone (CommitOutcome.state = received).
  virtual void redecide(std::string id, State state, Decide decide, CommitDone done) = 0;

  virtual core::Result<std::optional<StoredMessage>> get(const std::string& id) = 0;
  virtual core::Result<std::optional<std::string>> body(const std::string& id) = 0;
  virtual core::Result<std::vector<StoredMessage>> mailbox(const MailboxQuery& q) = 0;
  // Acknowledges a message the partner received; idempotent. False when the
  // message is not in that partner's mailbox.
  virtual core::Result<bool> ack(const std::string& partner, const std::string& id) = 0;
  virtual core::Result<void> transition(const std::string& id, State to, const std::string& actor,
                                        const std::string& reason) = 0;
  virtual core::Result<std::vector<StoredMessage>> by_bsn_hash(const std::string& hash) = 0;
  // The latest accepted (not rejected) message of that sender, law, type and
  // identification: the heenbericht a retour answers.
  virtual core::Result<std::optional<StoredMessage>> find(const std::string& law, int type,
                                                          const std::string& sender_code,
                                                          const std::string& identificatie) = 0;
  virtual core::Result<void> audit(const std::string& actor, long uid, const std::string& action,
                                   const std::string& message_id, const std::string& detail) = 0;
  virtual core::Result<std::vector<AuditEntry>> audit_log(std::int64_t after, int limit) = 0;
  // Held orphans and the allocations they wait for (sluisctl orphan-list).
  struct Orphan {
    std::string message_id;
    OrphanKey waits_for;
  };
  virtual core::Result<std::vector<Orphan>> orphans(int limit) = 0;
  // Counts per state (queue-summary, metrics).
  virtual core::Result<std::vector<std::pair<State, std::int64_t>>> count_by_state() = 0;
  // Runs `work` on the writer in one transaction. keep = false rolls back
  // everything it wrote (a dry run); keep = true commits it with an audit
  // entry (action "ledger-import", the actor, uid and `detail()` asked after
  // the work). Blocking.
  virtual core::Result<void> ledger_batch(LedgerWork work, bool keep, const std::string& actor, long uid,
                                          const std::function<std::string()>& detail) = 0;
  // An online copy of the database at `path` (must not exist yet).
  virtual core::Result<void> backup(const std::string& path) = 0;
  // Stops the writer after the queued commits are done.
  virtual void close() = 0;
};

struct SqliteOptions {
  std::string path;
  int busy_timeout_ms = 5000;
  int max_batch = 256;      // commits per transaction (group commit)
  // The daemon's own open: messages left "delivering" by a crash return to
  // "queued". A tool opening the store next to a running daemon (sluisctl
  // ledger-import) passes false.
  bool recover = true;
};

// Opens (creating or migrating) the SQLite store. Refuses a database of a newer
// schema version or one that fails the integrity check, with a clear text.
// Messages left "delivering" by a crash return to "queued".
core::Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& opts);

// A fresh opaque message id ("m" + 20 hex digits from the CSPRNG).
std::string new_message_id();

// The schema version this build writes (PRAGMA user_version).
inline constexpr int kSchemaVersion = 3;

}  // namespace sluis::store
