#include "gateway/store/sqlite_writer.hpp"

#include <chrono>
#include <filesystem>

#include "gateway/core/metrics.hpp"
#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace {

// How long a durable write transaction takes, BEGIN to COMMIT returned (the
// fsync included): what every commit of its batch waited for.
core::Histogram& commit_seconds() {
  static auto& h = core::histogram("sluis_store_commit_duration_seconds",
                                   "Duration of the store writer's durable transactions, BEGIN to COMMIT "
                                   "returned (fsync included), seconds.");
  return h;
}

// Checkpoints. SQLite's automatic checkpoint runs inside the COMMIT that
// takes the WAL past 1 000 frames: the batch's callers, durable already,
// would wait for the copy into the database and its fsync (about 6 ms; the
// slowest answers under load, docs/performance.md "Latency"). The writer
// takes that over: the hook below notes the WAL's length after each commit,
// and after a batch's callers have heard their results the writer runs the
// same PASSIVE checkpoint SQLite would have run (it never blocks readers; a
// reader still on old frames leaves them for the next one). Same WAL bound,
// same I/O, no caller waiting on it. Only the writer's connection changes:
// any other connection that writes keeps SQLite's own.
constexpr int kCheckpointFrames = 1000;  // SQLite's default autocheckpoint

core::Histogram& checkpoint_seconds() {
  static auto& h = core::histogram("sluis_store_checkpoint_duration_seconds",
                                   "Duration of the store writer's WAL checkpoints (copying committed pages into "
                                   "the database file and syncing it), run after the batch's callers were "
                                   "answered, seconds.");
  return h;
}

}  // namespace

Writer::Writer(sqlite3* db, std::string path, int max_batch)
    : w_(db), path_(std::move(path)), max_batch_(max_batch) {
  commit_seconds();  // the series are there from start, at zero
  checkpoint_seconds();
  sqlite3_wal_hook(w_, &Writer::on_wal_commit, this);  // replaces the connection's autocheckpoint
  thread_ = std::thread([this] { writer_loop(); });
}

Writer::~Writer() {
  close();
  // The connection outlives this writer: it gets SQLite's own checkpoint back.
  sqlite3_wal_autocheckpoint(w_, kCheckpointFrames);
}

int Writer::on_wal_commit(void* self, sqlite3*, const char*, int frames) {
  static_cast<Writer*>(self)->wal_frames_ = frames;
  return SQLITE_OK;
}

void Writer::checkpoint_if_due() {
  if (wal_frames_ < kCheckpointFrames) return;
  const auto began = std::chrono::steady_clock::now();
  int log = 0, copied = 0;
  // A failure changes nothing committed: the frames stay in the WAL (readers
  // find them there) and the next commit tries again.
  sqlite3_wal_checkpoint_v2(w_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  wal_frames_ = 0;
  checkpoint_seconds().observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
}

void Writer::enqueue(Run run, Report done) {
  {
    std::lock_guard lock(qmu_);
    if (!closing_) {
      pending_.fetch_add(1, std::memory_order_relaxed);
      queue_.push_back({std::move(run), [this, done = std::move(done)](core::Result<void> r) {
                          pending_.fetch_sub(1, std::memory_order_relaxed);
                          done(std::move(r));
                        }});
      qcv_.notify_one();
      return;
    }
  }
  done(core::make_error(core::Errc::store_closed, "the store is shutting down"));
}

void Writer::close() {
  {
    std::lock_guard lock(qmu_);
    if (closing_) return;
    closing_ = true;
  }
  qcv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// The writer: takes every queued job (up to max_batch), runs each in its own
// savepoint inside one transaction, commits once, then reports. A job's
// `done` learns of success only after COMMIT returned, i.e. after the WAL
// was fsynced (synchronous=FULL).
void Writer::writer_loop() {
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock lock(qmu_);
      qcv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty() && closing_) return;
      while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    run_batch(batch);
    checkpoint_if_due();
  }
}

// The durable commit point. Crash argument: until COMMIT returns, nothing of
// the batch is durable and no caller has been told anything, so a crash at
// any line before loses only unacknowledged work (SQLite's WAL rolls the
// partial transaction back on the next open). COMMIT with synchronous=FULL
// returns after the WAL frames are fsynced; only then do callers hear
// "success", so everything acknowledged is on disk. A job that fails inside
// its savepoint is rolled back alone and told so; the others still commit.
//
// I/O errors and a full disk (docs/store.md, "Faults"): SQLite may answer
// them by rolling the whole transaction back itself (SQLITE_IOERR,
// SQLITE_FULL; sqlite3_get_autocommit() is then true again). Inside the batch
// that loses every job so far, and a later "SAVEPOINT job" would open, and
// its RELEASE commit, a transaction of its own: so the batch stops and every
// job fails. A failed COMMIT fails every job; a transaction SQLite left open
// is rolled back, here and again before the next BEGIN, so the next batch
// starts clean. A job hears success only when COMMIT returned SQLITE_OK (the
// converse need not hold: when an fsync fails after the WAL frames were
// written, a commit reported failed may be found after a reopen; the
// sender's resend is then an idempotent replay). The checkpoint is not part
// of the commit (checkpoint_if_due runs after the callers heard), so its
// failure fails no job.
void Writer::run_batch(std::vector<Job>& batch) {
  std::vector<core::Result<void>> results(batch.size());
  const auto began = std::chrono::steady_clock::now();
  if (!sqlite3_get_autocommit(w_)) run(w_, "ROLLBACK");
  auto begun = run(w_, "BEGIN IMMEDIATE");
  if (!begun) {
    for (auto& j : batch) j.done(begun.error());
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    run(w_, "SAVEPOINT job");
    results[i] = batch[i].run(w_);
    if (results[i])
      run(w_, "RELEASE job");
    else {
      run(w_, "ROLLBACK TO job");
      run(w_, "RELEASE job");
    }
    if (sqlite3_get_autocommit(w_)) {  // SQLite rolled the batch back
      core::Error cause = results[i]
                              ? core::Error{core::Errc::store_sqlite, "the transaction ended"}
                              : results[i].error();
      core::Error e{
          cause.code == core::Errc::store_disk_full ? cause.code : core::Errc::store_commit_failed,
          "the batch of " + std::to_string(batch.size()) + " commits to " + path_ +
              " was rolled back: " + cause.text};
      for (std::size_t j = 0; j < batch.size(); ++j)
        batch[j].done(j == i && !results[i] ? results[i].error() : e);
      return;
    }
  }
  auto committed = run(w_, "COMMIT");
  if (!committed) {
    core::Error e = commit_error(committed.error());  // before ROLLBACK resets the error code
    if (!sqlite3_get_autocommit(w_)) run(w_, "ROLLBACK");
    for (auto& j : batch) j.done(e);
    return;
  }
  // Group commit at work: jobs per durable transaction is the ratio.
  static auto& batches =
      core::counter("sluis_store_transactions_total",
                    "Durable write transactions (one fsync each) of the store's writer.");
  static auto& jobs =
      core::counter("sluis_store_transaction_jobs_total",
                    "Jobs (message commits and other writes) those transactions carried.");
  commit_seconds().observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  batches.inc();
  jobs.inc(static_cast<std::int64_t>(batch.size()));
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
}

// What a failed COMMIT tells its callers (and, through the intake's
// INTAKE_COMMIT_FAILED event, the operator): a full disk by name, with the
// directory, since freeing space there is the remedy; else what SQLite said.
core::Error Writer::commit_error(const core::Error& failed) const {
  int code = sqlite3_extended_errcode(w_);
  std::string dir = std::filesystem::path(path_).parent_path().string();
  if ((code & 0xff) == SQLITE_FULL)
    return {core::Errc::store_disk_full, "the disk holding " + dir +
                                             " is full: could not commit to " + path_ + " (" +
                                             failed.text + ")"};
  return {core::Errc::store_commit_failed, "commit to " + path_ + " failed: " + failed.text +
                                               " (SQLite error " + std::to_string(code) + ")"};
}

}  // namespace sluis::store::sqlite
