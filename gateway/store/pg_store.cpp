// The PostgreSQL engine: PgStore, the Store over one PostgreSQL database,
// shared by one or more sluisd nodes (docs/store.md, "PostgreSQL"). It ties
// the engine's pieces together as sqlite_store.cpp does for SQLite:
//
// - Writes are jobs of this node's writer: one thread with one connection,
//   each job in a transaction of its own at SERIALIZABLE, retried when the
//   server asks (a serialization failure or a deadlock: another node's commit
//   met this one). A received message's job (pg_messages.cpp) first takes
//   session advisory locks on the keys where two nodes really meet
//   (pg::serial_transaction; message_keys below). A job hears success only
//   after COMMIT returned; with synchronous_commit = on (the server's default)
//   that is after the server flushed its WAL.
// - Reads run on a small pool of connections, each read on one connection;
//   reads that must see one state (a partner's page, the steering facts) run
//   in one REPEATABLE READ READ ONLY transaction.
// - Delivery claims with a lease held by this node (pg_delivery.cpp); every
//   claim first returns expired leases of any node to queued, so a dead
//   node's messages are taken over by the next claim after its lease.
// - A lost connection (the server restarted, a failover) fails the statement
//   with store.unavailable; the connection is reset before its next use. A
//   job whose COMMIT may or may not have reached the server is reported as
//   failed and not run again: a received message's sender retries and the
//   store's idempotency answers the retry.

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "gateway/core/test_pause.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_delivery.hpp"
#include "gateway/store/pg_dump.hpp"
#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/pg_messages.hpp"
#include "gateway/store/pg_obligations.hpp"
#include "gateway/store/pg_portal.hpp"
#include "gateway/store/pg_queue.hpp"
#include "gateway/store/pg_retention.hpp"
#include "gateway/store/pg_schema.hpp"
#include "gateway/store/pg_steering.hpp"
#include "gateway/store/pg_watches.hpp"
#include "gateway/store/sql_common.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store {

namespace {

using pg::Connection;
using pg::Params;

// More keys than this and a message's job takes one key for its municipality
// and law instead: the server's lock table is shared and bounded
// (max_locks_per_transaction x max_connections), and a large declaration names
// thousands of clients. SERIALIZABLE still orders what the coarse key misses.
constexpr std::size_t kMaxKeys = 64;

// The advisory-lock keys of a received message's job: each client it names
// (the BSN hash: every allocation, request and prestatie the cross-message
// rules weigh belongs to one client), the sender's Identificatie (idempotency,
// the retour's heen) and a declaration's DeclaratieNummer.
std::vector<std::string> message_keys(const NewMessage& m) {
  std::vector<std::string> keys;
  const std::string law(standard::to_string(m.law));
  keys.push_back("ident:" + law + ":" + m.sender_code + ":" + m.identificatie);
  if (!m.declaratie_nummer.empty()) keys.push_back("decl:" + law + ":" + m.sender_code + ":" + m.declaratie_nummer);
  if (m.bsn_hashes.size() + keys.size() > kMaxKeys) {
    keys.push_back("region:" + law + ":" + m.receiver_code + ":" + m.sender_code);
  } else {
    for (const auto& h : m.bsn_hashes) keys.push_back("client:" + h);
  }
  return keys;
}

// ---- the writer --------------------------------------------------------------

// One thread, one connection; each job in its own transaction, in the order
// enqueued. `done` runs on the writer thread after COMMIT (or the failure).
class Writer {
 public:
  using Run = std::function<core::Result<void>(Connection&)>;
  using Report = std::function<void(core::Result<void>)>;

  explicit Writer(Connection c) : c_(std::move(c)), thread_([this] {
    core::name_this_thread("sluis-writer");
    loop();
  }) {}
  ~Writer() { close(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // `run` at SERIALIZABLE under session locks on `keys` (none: no locks).
  void enqueue(Run run, Report done, std::vector<std::string> keys = {}) {
    {
      std::lock_guard lock(mu_);
      if (!closing_) {
        queue_.push_back({std::move(run), std::move(done), std::move(keys)});
        ++pending_;
        cv_.notify_one();
        return;
      }
    }
    done(core::make_error(core::Errc::store_closed, "the store is closed"));
  }

  template <class T>
  void write(std::shared_ptr<T> out, Done<T> done, Run run, std::vector<std::string> keys = {}) {
    enqueue(
        std::move(run),
        [out = std::move(out), done = std::move(done)](core::Result<void> r) {
          if (r)
            done(std::move(*out));
          else
            done(r.error());
        },
        std::move(keys));
  }

  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }

  void close() {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  struct Job {
    Run run;
    Report done;
    std::vector<std::string> keys;
  };

  void loop() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing, and everything queued ran
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      core::Result<void> r;
      if (c_.lost()) r = c_.reconnect();
      if (r) {
        r = job.keys.empty() ? pg::transaction(c_, pg::Isolation::serializable, job.run, 10)
                             : pg::serial_transaction(c_, std::move(job.keys), job.run);
      }
      --pending_;
      job.done(std::move(r));
    }
  }

  Connection c_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::atomic<std::size_t> pending_{0};
  bool closing_ = false;
  std::thread thread_;  // last: it uses the members above
};

// ---- the readers -------------------------------------------------------------

// A few connections for reads from any thread; a read borrows one.
class Readers {
 public:
  explicit Readers(std::vector<Connection> cs) : free_(std::move(cs)) {}

  template <class F>
  auto with(F&& f) -> decltype(f(std::declval<Connection&>())) {
    std::optional<Connection> c;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return !free_.empty(); });
      c.emplace(std::move(free_.back()));
      free_.pop_back();
    }
    struct Back {
      Readers* self;
      std::optional<Connection>& c;
      ~Back() {
        std::lock_guard lock(self->mu_);
        self->free_.push_back(std::move(*c));
        self->cv_.notify_one();
      }
    } back{this, c};
    if (c->lost()) {
      if (auto r = c->reconnect(); !r) return r.error();
    }
    return f(*c);
  }

  // `f` in one read-only snapshot of the database.
  template <class F>
  auto snapshot(F&& f) -> decltype(f(std::declval<Connection&>())) {
    return with([&](Connection& c) -> decltype(f(c)) {
      if (auto b = c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); !b) return b.error();
      auto out = f(c);
      c.run(out ? "COMMIT" : "ROLLBACK");
      return out;
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Connection> free_;
};

core::Error illegal(const std::string& id, State from, State to) {
  return core::make_error(core::Errc::store_illegal_transition, "message " + id + " cannot go from " +
                                                                    std::string(to_string(from)) + " to " +
                                                                    std::string(to_string(to)));
}

// ---- the engine --------------------------------------------------------------

constexpr core::Errc kDryRun = core::Errc::store_dry_run;
constexpr const char* kRehearsalLockWait = "10s";

// Runs an import's work on `c`, inside the caller's transaction: the ledger
// as pg_ledger.hpp reads and writes it, the documents imported before in
// ledger_import.
core::Result<void> run_ledger_work(Connection& c, const LedgerWork& work) {
  pg::Ledger ledger(c);
  LedgerApply apply = [&ledger](const standard::ledger::Changes& ch) { return ledger.apply(ch); };
  ImportLog log;
  log.seen = [&c](const std::string& digest, int type) -> core::Result<bool> {
    auto r = c.exec("SELECT 1 FROM ledger_import WHERE digest = $1 AND type = $2", Params().text(digest).i64(type));
    if (!r) return r.error();
    return !r->empty();
  };
  log.record = [&c](const std::string& digest, int type) -> core::Result<void> {
    auto r = c.exec("INSERT INTO ledger_import (digest, type, imported_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    Params().text(digest).i64(type).text(now_utc()));
    if (!r) return r.error();
    return {};
  };
  if (auto w = work(ledger, apply, log); !w) return w;
  if (ledger.failed()) return core::make_error(core::Errc::store_busy, "ledger-import: a read of the ledger failed");
  return {};
}

class PgStore final : public Store {
 public:
  PgStore(Connection writer, std::vector<Connection> readers, Connection lead, PostgresOptions opts)
      : opts_(std::move(opts)),
        readers_(std::move(readers)),
        lead_conn_(std::move(lead)),
        leadership_(lead_conn_, kLeaderKey),
        writer_(std::move(writer)) {}

  ~PgStore() override { close(); }

  // One node of those sharing the database runs the periodic jobs: the one
  // whose session holds the advisory lock (pg::Leadership). A session the
  // server ended shows only when used, hence the ping.
  bool leads() override {
    std::lock_guard lock(lead_mu_);
    if (!lead_conn_.lost()) (void)lead_conn_.exec("SELECT 1");
    if (lead_conn_.lost() && !lead_conn_.reconnect()) return false;
    return leadership_.try_lead();
  }

  // The server keeps its own data consistent; there is no file to check.
  bool checked_at_open() const override { return true; }

  void commit(NewMessage msg, CommitDone done) override { enqueue_message(std::move(msg), false, std::move(done)); }

  void redecide(std::string id, State state, Decide decide, CommitDone done) override {
    NewMessage m;
    m.id = std::move(id);
    m.state = state;
    m.decide = std::move(decide);
    enqueue_message(std::move(m), true, std::move(done));
  }

  // A received message's job (or a held orphan's redecision) under its keys.
  // A retried transaction starts again from the message as given.
  void enqueue_message(NewMessage given, bool redecide, CommitDone done) {
    auto keys = redecide ? std::vector<std::string>{"redecide:" + given.id} : message_keys(given);
    auto outcome = std::make_shared<CommitOutcome>();
    auto original = std::make_shared<NewMessage>(std::move(given));
    writer_.write<CommitOutcome>(
        outcome, std::move(done),
        [this, original, outcome, redecide](Connection& c) -> core::Result<void> {
          *outcome = CommitOutcome{};
          // The message as given, for this attempt; its body lent, not
          // copied (a 25 MiB declaration would be held twice), and given
          // back for a retry.
          std::string body = std::move(original->body);
          NewMessage m = *original;
          m.body = std::move(body);
          pg::Ledger ledger(c);
          auto r = redecide ? pg::redecide_message(c, ledger, m, *outcome) : pg::insert_message(c, ledger, m, *outcome);
          if (!redecide) original->body = outcome->unstored ? outcome->unstored->body : std::move(m.body);
          return r;
        },
        std::move(keys));
  }

  void ledger_batch(LedgerWork work, bool keep, std::string actor, long uid, std::function<std::string()> detail,
                    Done<void> done) override {
    writer_.enqueue(
        [work = std::move(work), keep, actor = std::move(actor), uid,
         detail = std::move(detail)](Connection& c) -> core::Result<void> {
          if (auto w = run_ledger_work(c, work); !w) return w;
          // A dry run ends in a rollback: nothing it wrote stays.
          if (!keep) return core::make_error(kDryRun, "dry run: rolled back");
          return pg::audit_row(c, actor, uid, "ledger-import", "", detail());
        },
        [done = std::move(done)](core::Result<void> r) {
          if (!r && r.error().code == kDryRun)
            done(core::Result<void>());
          else
            done(std::move(r));
        });
  }

  // On a connection of its own, REPEATABLE READ: it takes no predicate locks,
  // so partners' commits on any node never fail because of it; a row they
  // hold makes it wait at most kRehearsalLockWait, then fail.
  core::Result<void> ledger_rehearsal(const LedgerWork& work) override {
    auto conn = Connection::open(opts_.conninfo);
    if (!conn) return conn.error();
    auto r = pg::transaction(
        *conn, pg::Isolation::repeatable_read,
        [&](Connection& c) -> core::Result<void> {
          if (auto t = c.run(std::string("SET LOCAL lock_timeout = '") + kRehearsalLockWait + "'"); !t) return t;
          if (auto w = run_ledger_work(c, work); !w) return w;
          return core::make_error(kDryRun, "dry run: rolled back");
        },
        1);  // not again: `work` reports progress as it goes
    if (!r && r.error().code == kDryRun) return {};
    return r;
  }

  core::Result<std::vector<Orphan>> orphans(int limit) override {
    return readers_.with([&](Connection& c) -> core::Result<std::vector<Orphan>> {
      auto rows = c.exec(
          "SELECT message_id, law, gemeente, toewijzing_nummer FROM ledger_orphan "
          "ORDER BY message_id COLLATE \"C\", toewijzing_nummer LIMIT $1",
          Params().i64(limit));
      if (!rows) return rows.error();
      std::vector<Orphan> out;
      for (int i = 0; i < rows->size(); ++i) {
        auto law = standard::parse_law(rows->text(i, 1));
        if (!law) return bad_law("orphans");
        out.push_back({rows->text(i, 0), {*law, rows->text(i, 2), rows->i64(i, 3)}});
      }
      return out;
    });
  }

  core::Result<void> read_ledger(const std::function<void(const standard::ledger::LedgerView&)>& read) override {
    return readers_.snapshot([&](Connection& c) -> core::Result<void> {
      pg::Ledger ledger(c);
      read(ledger);
      if (ledger.failed()) return core::make_error(core::Errc::store_postgresql, "a read of the ledger failed");
      return {};
    });
  }

  core::Result<std::optional<StoredMessage>> get(const std::string& id) override {
    return readers_.with([&](Connection& c) {
      return pg::one_row(c.exec(std::string("SELECT ") + kColumns + " FROM messages WHERE id = $1",
                                Params().text(id)),
                         "get");
    });
  }

  core::Result<std::optional<std::string>> body(const std::string& id) override {
    const auto pruned = [&id](const std::string& at) {
      return core::make_error(kPrunedError, "message " + id + ": its body was removed by the retention pruner at " +
                                                at + "; its metadata, findings and history remain");
    };
    // A body up to pg::kBodyPiece (every mailbox fetch but a large
    // declaration's) comes with the pruned check in one statement, one round
    // trip; only a larger one, read in pieces, needs a snapshot of its own.
    auto first = readers_.with([&](Connection& c) {
      return c.exec("SELECT pruned_at, CASE WHEN octet_length(body) <= $2 THEN body END "
                    "FROM messages WHERE id = $1",
                    Params().text(id).i64(pg::kBodyPiece), "body", pg::Format::binary);
    });
    if (!first) return first.error();
    if (first->empty()) return std::optional<std::string>();
    if (!first->null(0, 0)) return pruned(first->text(0, 0));
    if (!first->null(0, 1)) return std::optional<std::string>(first->text(0, 1));
    return readers_.snapshot([&](Connection& c) -> core::Result<std::optional<std::string>> {
      auto rows = c.exec("SELECT seq, pruned_at FROM messages WHERE id = $1", Params().text(id));
      if (!rows) return rows.error();
      if (rows->empty()) return std::optional<std::string>();
      if (!rows->null(0, 1)) return pruned(rows->text(0, 1));
      return pg::read_body(c, rows->i64(0, 0));
    });
  }

  core::Result<std::vector<StoredMessage>> mailbox(const MailboxQuery& q) override {
    return readers_.with([&](Connection& c) { return pg::mailbox(c, q); });
  }

  void ack(std::string partner, std::string id, Done<bool> done) override {
    auto found = std::make_shared<bool>(false);
    writer_.write<bool>(found, std::move(done),
                        [partner = std::move(partner), id = std::move(id), found](Connection& c) -> core::Result<void> {
                          *found = false;
                          const std::string sql =
                              std::string("SELECT state FROM messages WHERE id = $1 AND receiver_partner = $2 AND ") +
                              kInMailbox + " AND state IN (" + kUnacknowledgedStates + ",'acknowledged') FOR UPDATE";
                          auto rows = c.exec(sql, Params().text(id).text(partner));
                          if (!rows) return rows.error();
                          if (rows->empty()) return {};
                          *found = true;
                          if (parse_state(rows->text(0, 0)) == State::acknowledged) return {};  // idempotent
                          auto u = c.exec("UPDATE messages SET state = 'acknowledged', acked_at = $1 WHERE id = $2",
                                          Params().text(now_utc()).text(id));
                          if (!u) return u.error();
                          return pg::audit_row(c, "partner:" + partner, -1, "ack", id, "");
                        });
  }

  void transition(std::string id, State to, std::string actor, std::string reason, Done<void> done) override {
    writer_.enqueue(
        [id = std::move(id), to, actor = std::move(actor), reason = std::move(reason), node = opts_.node,
         lease = opts_.lease](Connection& c) -> core::Result<void> {
          auto rows = c.exec("SELECT state FROM messages WHERE id = $1 FOR UPDATE", Params().text(id));
          if (!rows) return rows.error();
          if (rows->empty()) return core::make_error(core::Errc::store_not_found, "no message " + id);
          const State from = parse_state(rows->text(0, 0)).value_or(State::received);
          if (!transition_allowed(from, to)) return illegal(id, from, to);
          Params p;
          p.text(to_string(to)).text_or_null_if_empty(reason).text(id);
          // Into delivering by hand: this node's, under a lease like a claim;
          // out of it: the lease goes.
          if (to == State::delivering)
            p.text(node).text(core::utc_text(std::chrono::system_clock::now() + lease));
          else
            p.null().null();
          auto u = c.exec(
              "UPDATE messages SET state = $1, last_error = COALESCE($2, last_error), claimed_by = $4, "
              "lease_until = $5 WHERE id = $3",
              p);
          if (!u) return u.error();
          return pg::audit_row(c, actor, -1,
                               "state " + std::string(to_string(from)) + " -> " + std::string(to_string(to)), id,
                               reason);
        },
        std::move(done));
  }

  core::Result<std::vector<StoredMessage>> by_bsn_hash(const std::string& hash) override {
    return readers_.with([&](Connection& c) {
      return pg::all_rows(c.exec(std::string("SELECT ") + kColumns +
                                     " FROM messages WHERE id IN (SELECT message_id FROM message_bsn WHERE "
                                     "bsn_hash = $1) ORDER BY seq",
                                 Params().text(hash)),
                          "by_bsn_hash");
    });
  }

  core::Result<std::optional<StoredMessage>> find(standard::Law law, int type, const std::string& sender_code,
                                                  const std::string& identificatie, const std::string& receiver_partner,
                                                  const std::string& receiver_code) override {
    return readers_.with([&](Connection& c) {
      return pg::one_row(
          c.exec(std::string("SELECT ") + kColumns +
                     " FROM messages WHERE sender_code = $1 AND law = $2 AND type = $3 AND identificatie = $4 AND "
                     "state != 'rejected' AND receiver_partner = $5 AND receiver_code = $6 ORDER BY seq DESC LIMIT 1",
                 Params()
                     .text(sender_code)
                     .text(standard::to_string(law))
                     .i64(type)
                     .text(identificatie)
                     .text(receiver_partner)
                     .text(receiver_code)),
          "find");
    });
  }

  core::Result<std::vector<PartnerMessage>> partner_messages(const PartnerQuery& q) override {
    return readers_.snapshot([&](Connection& c) { return pg::partner_messages(c, q); });
  }

  core::Result<PartnerStatus> partner_status(const PartnerStatusQuery& q) override {
    return readers_.snapshot([&](Connection& c) -> core::Result<PartnerStatus> {
      auto out = pg::partner_status(c, q);
      if (out && q.ledger) {
        pg::Ledger ledger(c);
        q.ledger(ledger);
        if (ledger.failed()) return core::make_error(core::Errc::store_postgresql, "partner_status: a ledger read failed");
      }
      return out;
    });
  }

  core::Result<std::vector<StoredMessage>> answers(const std::string& id) override {
    return readers_.with([&](Connection& c) { return pg::answers(c, id); });
  }

  void audit(std::string actor, long uid, std::string action, std::string message_id, std::string detail,
             Done<void> done) override {
    writer_.enqueue(
        [actor = std::move(actor), uid, action = std::move(action), message_id = std::move(message_id),
         detail = std::move(detail)](Connection& c) { return pg::audit_row(c, actor, uid, action, message_id, detail); },
        std::move(done));
  }

  core::Result<std::vector<AuditEntry>> audit_log(std::int64_t after, int limit) override {
    return readers_.with([&](Connection& c) -> core::Result<std::vector<AuditEntry>> {
      auto rows = c.exec("SELECT seq, at, actor, uid, action, message_id, detail FROM audit WHERE seq > $1 "
                         "ORDER BY seq LIMIT $2",
                         Params().i64(after).i64(limit));
      if (!rows) return rows.error();
      std::vector<AuditEntry> out;
      for (int i = 0; i < rows->size(); ++i)
        out.push_back({rows->i64(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 4), rows->text(i, 5),
                       rows->text(i, 6), static_cast<long>(rows->i64(i, 3))});
      return out;
    });
  }

  core::Result<std::vector<OverdueAnswer>> overdue(const std::string& as_of, const std::string& partner) override {
    return readers_.with([&](Connection& c) { return pg::overdue(c, as_of, partner); });
  }

  core::Result<SteeringFacts> steering_facts(const SteeringQuery& q) override {
    return readers_.snapshot([&](Connection& c) { return pg::steering_facts(c, q); });
  }

  void probe(Done<void> done) override {
    writer_.enqueue(
        [](Connection& c) -> core::Result<void> {
          core::pause_point("writer.probe");
          auto r = c.exec("SELECT 1");
          if (!r) return r.error();
          return {};
        },
        std::move(done));
  }

  void mark_overdue_logged(std::vector<std::int64_t> ids, Done<void> done) override {
    writer_.enqueue([ids = std::move(ids)](Connection& c) { return pg::mark_overdue_logged(c, ids, now_utc()); },
                    std::move(done));
  }

  // ---- the watches ----
  core::Result<std::vector<UnreadMessage>> unread_mailbox(int limit) override {
    return readers_.with([&](Connection& c) { return pg::unread_mailbox(c, limit); });
  }
  core::Result<std::vector<DestinationBacklog>> backlog() override {
    return readers_.with([&](Connection& c) { return pg::backlog(c); });
  }
  core::Result<std::vector<SubmissionDay>> submissions(const std::string& from_day) override {
    return readers_.with([&](Connection& c) { return pg::submissions(c, from_day); });
  }
  core::Result<std::vector<YouthAllocation>> youth_turning_18(const std::string& until) override {
    return readers_.with([&](Connection& c) { return pg::youth_turning_18(c, until); });
  }
  core::Result<std::vector<CareCandidate>> care_candidates(const CareQuery& q) override {
    return readers_.snapshot([&](Connection& c) { return pg::care_candidates(c, q); });
  }
  core::Result<std::vector<WatchCase>> watch_cases(const WatchFilter& f) override {
    return readers_.with([&](Connection& c) { return pg::watch_cases(c, f); });
  }
  void watch_sync(std::string kind, std::vector<WatchFinding> found, bool complete, std::string now,
                  std::string forget_before, Done<WatchSync> done) override {
    auto out = std::make_shared<WatchSync>();
    writer_.write<WatchSync>(out, std::move(done),
                             [out, kind = std::move(kind), found = std::move(found), complete, now = std::move(now),
                              forget_before = std::move(forget_before)](Connection& c) {
                               *out = WatchSync{};
                               return pg::watch_sync(c, kind, found, complete, now, forget_before, *out);
                             });
  }
  void watch_mark_logged(std::vector<std::int64_t> ids, std::string now, Done<void> done) override {
    writer_.enqueue([ids = std::move(ids), now = std::move(now)](
                        Connection& c) { return pg::watch_mark_logged(c, ids, now); },
                    std::move(done));
  }

  // ---- the operator's queue ----
  core::Result<std::vector<DestinationCount>> count_by_destination() override {
    return readers_.with([&](Connection& c) { return pg::count_by_destination(c); });
  }
  core::Result<std::vector<StoredMessage>> queue_list(const QueueQuery& q) override {
    return readers_.with([&](Connection& c) { return pg::queue_list(c, q); });
  }
  core::Result<std::vector<AuditEntry>> history(const std::string& message_id, int limit) override {
    return readers_.with([&](Connection& c) { return pg::history(c, message_id, limit); });
  }
  void queue_action(QueueActionRequest req, Done<QueueActionResult> done) override {
    auto out = std::make_shared<QueueActionResult>();
    writer_.write<QueueActionResult>(out, std::move(done),
                                     [req = std::move(req), out](Connection& c) -> core::Result<void> {
                                       auto acted = pg::queue_action(c, req);
                                       if (!acted) return acted.error();
                                       *out = std::move(*acted);
                                       return {};
                                     });
  }

  // ---- delivery, shared between nodes ----
  void claim(std::string destination, std::string now, int limit, Done<std::vector<Claimed>> done) override {
    auto out = std::make_shared<std::vector<Claimed>>();
    const std::string node = opts_.node;
    const auto lease = opts_.lease;
    writer_.write<std::vector<Claimed>>(
        out, std::move(done),
        [destination = std::move(destination), now = std::move(now), limit, out, node,
         lease](Connection& c) -> core::Result<void> {
          // A dead node's messages first: their leases ran out.
          if (auto r = pg::release_expired(c, now_utc()); !r) return r.error();
          const std::string until = core::utc_text(std::chrono::system_clock::now() + lease);
          auto claimed = pg::claim(c, destination, now, limit, node, until);
          if (!claimed) return claimed.error();
          *out = std::move(*claimed);
          return {};
        });
  }

  void settle(std::string id, State to, std::string next_attempt_at, std::string error, Done<void> done) override {
    writer_.enqueue(
        [node = opts_.node, id = std::move(id), to, next_attempt_at = std::move(next_attempt_at),
         error = std::move(error)](Connection& c) { return pg::settle(c, node, id, to, next_attempt_at, error); },
        std::move(done));
  }

  core::Result<std::vector<StoredMessage>> in_state(const std::string& destination, State state, int limit) override {
    return readers_.with([&](Connection& c) {
      return pg::all_rows(c.exec(std::string("SELECT ") + kColumns +
                                     " FROM messages WHERE destination = $1 AND state = $2 ORDER BY seq LIMIT $3",
                                 Params().text(destination).text(to_string(state)).i64(limit)),
                          "in_state");
    });
  }

  void release_held(std::string receiver_partner, HoldReason hold, std::string actor,
                    Done<std::int64_t> done) override {
    std::string reason(to_string(hold));
    auto n = std::make_shared<std::int64_t>(0);
    writer_.write<std::int64_t>(
        n, std::move(done),
        [receiver_partner = std::move(receiver_partner), reason = std::move(reason), actor = std::move(actor),
         n](Connection& c) -> core::Result<void> {
          auto rows = c.exec(
              "UPDATE messages SET state = 'queued', hold_reason = NULL WHERE receiver_partner = $1 AND "
              "state = 'held' AND hold_reason = $2 RETURNING id",
              Params().text(receiver_partner).text(reason));
          if (!rows) return rows.error();
          for (int i = 0; i < rows->size(); ++i)
            if (auto a = pg::audit_row(c, actor, -1, "state held -> queued", rows->text(i, 0), "released: " + reason);
                !a)
              return a;
          *n = rows->size();
          return {};
        });
  }

  // ---- retention: SQL in pg_retention.cpp, the batches prune_batches.hpp ----
  struct PruneOps {
    static auto preview(Connection& c, const PruneRequest& r) { return pg::prune_preview(c, r); }
    static auto left(Connection& c, const std::string& cutoff) { return pg::prunable_left(c, cutoff); }
    static auto batch(Connection& c, const PruneRequest& r, std::int64_t n, const std::string& now) {
      return pg::prune_batch(c, r, n, now);
    }
  };
  void prune_bodies(PruneRequest req, Done<PruneResult> done) override {
    prune_bodies_on<PruneOps>(writer_, std::move(req), std::move(done));
  }

  // A pg_dump archive (pg_dump.hpp), as sluisctl backup writes it.
  core::Result<void> backup(const std::string& path) override {
    DumpRequest r;
    r.conninfo = opts_.conninfo;
    r.target = path;
    if (auto d = dump_postgresql(r); !d) return d.error();
    return {};
  }

  std::size_t pending() const override { return writer_.pending(); }

  core::Result<QueueGauges> queue_gauges() override {
    return readers_.with([&](Connection& c) { return pg::queue_gauges(c); });
  }

  void close() override {
    writer_.close();
    std::lock_guard lock(lead_mu_);
    leadership_.resign();  // the next node need not wait for this session to end
  }

 private:
  static constexpr const char* kLeaderKey = "sluis:periodic-jobs";

  PostgresOptions opts_;
  Readers readers_;
  std::mutex lead_mu_;
  Connection lead_conn_;
  pg::Leadership leadership_;
  Writer writer_;  // last: its thread runs jobs that use the members above
};

}  // namespace

std::string describe_postgresql(const std::string& conninfo) { return pg::describe(conninfo); }

core::Result<std::unique_ptr<Store>> open_postgresql(const PostgresOptions& opts) {
  if (opts.node.empty())
    return core::make_error(core::Errc::store_postgresql, "a PostgreSQL store needs this node's name (its leases)");
  auto w = Connection::open(opts.conninfo);
  if (!w) return w.error();
  if (auto m = pg::migrate(*w); !m) return m.error();
  if (!opts.bsn_key_fingerprint.empty())
    if (auto k = pg::check_bsn_key(*w, opts.bsn_key_fingerprint); !k) return k.error();
  // This node's own claims from before a restart: the attempts died with it.
  // (A delivering message without a lease belongs to no node: also back.)
  if (opts.recover) {
    auto r = pg::transaction(*w, pg::Isolation::read_committed, [&](Connection& c) -> core::Result<void> {
      auto u = c.exec(
          "UPDATE messages SET state = 'queued', claimed_by = NULL, lease_until = NULL "
          "WHERE state = 'delivering' AND (claimed_by = $1 OR claimed_by IS NULL)",
          Params().text(opts.node));
      if (!u) return u.error();
      return {};
    });
    if (!r) return r.error();
  }
  std::vector<Connection> readers;
  for (int i = 0; i < std::max(1, opts.readers); ++i) {
    auto r = Connection::open(opts.conninfo);
    if (!r) return r.error();
    readers.push_back(std::move(*r));
  }
  auto lead = Connection::open(opts.conninfo);
  if (!lead) return lead.error();
  return std::unique_ptr<Store>(new PgStore(std::move(*w), std::move(readers), std::move(*lead), opts));
}

}  // namespace sluis::store
