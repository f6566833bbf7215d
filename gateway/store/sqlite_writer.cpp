#include "gateway/store/sqlite_writer.hpp"

#include <chrono>
#include <filesystem>

#include "gateway/core/metrics.hpp"
#include "gateway/core/thread_name.hpp"
#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace {

// How long a durable write transaction takes, BEGIN to its WAL synced after
// COMMIT: what every commit of its batch waited for.
core::Histogram& commit_seconds() {
  static auto& h = core::histogram("sluis_store_commit_duration_seconds",
                                   "Duration of the store writer's durable transactions, BEGIN to the WAL "
                                   "synced after COMMIT (fsync included), seconds.");
  return h;
}

// SQLite's default for its automatic checkpoint (wal_autocheckpoint).
constexpr int kCheckpointPages = 1000;

}  // namespace

Writer::Writer(sqlite3* db, std::string path, int max_batch)
    : w_(db), path_(std::move(path)), max_batch_(max_batch) {
  commit_seconds();  // the series is there from start, at zero
  // Replaces SQLite's automatic checkpoint, which would run inside COMMIT,
  // under the deferral (checkpoint_if_due runs it after).
  sqlite3_wal_hook(w_, &Writer::on_wal_commit, this);
  syncer_ = std::thread([this] { syncer_loop(); });
  thread_ = std::thread([this] { writer_loop(); });
}

int Writer::on_wal_commit(void* self, sqlite3*, const char*, int pages) {
  static_cast<Writer*>(self)->wal_pages_.store(pages, std::memory_order_relaxed);
  return SQLITE_OK;
}

Writer::~Writer() {
  close();
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
  {
    std::lock_guard lock(smu_);
    syncer_closing_ = true;
  }
  scv_.notify_all();
  if (syncer_.joinable()) syncer_.join();
}

// The writer: takes every queued job (up to max_batch), runs each in its own
// savepoint inside one transaction, commits once, then hands the batch to the
// syncer. A job's `done` learns of success only after COMMIT returned and the
// WAL holding it was fsynced.
void Writer::writer_loop() {
  core::name_this_thread("sluis-writer");
  for (;;) {
    std::vector<Job> batch;
    {
      std::unique_lock lock(qmu_);
      qcv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty() && closing_) return;
      take_queued(batch);
    }
    run_batch(batch);
  }
}

void Writer::take_queued(std::vector<Job>& batch) {
  while (!queue_.empty() && static_cast<int>(batch.size()) < max_batch_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
}

bool Writer::join_while_syncing(std::vector<Job>& batch) {
  if (static_cast<int>(batch.size()) >= max_batch_) return false;
  std::unique_lock lock(qmu_);
  if (unsynced_ == 0) return false;  // the syncer is free: commit now
  qcv_.wait(lock, [this] { return closing_ || !queue_.empty() || unsynced_ == 0; });
  if (unsynced_ == 0 || closing_ || queue_.empty()) return false;
  take_queued(batch);
  return true;
}

// The commit. Crash argument: until COMMIT returns, nothing of the batch is
// durable and no caller has been told anything, so a crash at any line before
// loses only unacknowledged work (SQLite's WAL rolls the partial transaction
// back on the next open). COMMIT writes the WAL frames and, with
// synchronous=FULL, would fsync them; the WAL shim defers that fsync
// (wal_vfs.hpp) and the syncer does it, while this thread runs the next
// batch. Only after it do callers hear "success", so everything acknowledged
// is on disk. Until then the frames are in the file (other connections may
// read them) but may not survive a power cut; a cut keeps a prefix of the
// WAL's transactions (each frame's checksum covers the ones before it), so a
// batch can be lost only with every batch after it, none of them
// acknowledged. A job that fails inside its savepoint is rolled back alone and
// told so; the others still commit.
//
// I/O errors and a full disk (docs/store.md, "Faults"): SQLite may answer
// them by rolling the whole transaction back itself (SQLITE_IOERR,
// SQLITE_FULL; sqlite3_get_autocommit() is then true again). Inside the batch
// that loses every job so far, and a later "SAVEPOINT job" would open, and
// its RELEASE commit, a transaction of its own: so the batch stops and every
// job fails. A failed COMMIT fails every job; a transaction SQLite left open
// is rolled back, here and again before the next BEGIN, so the next batch
// starts clean. A job hears success only when COMMIT returned SQLITE_OK and
// the WAL's fsync after it succeeded (the converse need not hold: when that
// fsync fails, the frames COMMIT published stay in the store, which may or
// may not survive a power cut; the sender's resend is then an idempotent
// replay).
void Writer::run_batch(std::vector<Job>& batch) {
  std::vector<core::Result<void>> results;
  const auto began = std::chrono::steady_clock::now();
  if (!sqlite3_get_autocommit(w_)) run(w_, "ROLLBACK");
  auto begun = run(w_, "BEGIN IMMEDIATE");
  if (!begun) {
    for (auto& j : batch) j.done(begun.error());
    return;
  }
  std::size_t i = 0;
  do {
    results.resize(batch.size());
    for (; i < batch.size(); ++i) {
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
    // While the syncer still syncs the batch before, the jobs that arrive
    // meanwhile join this transaction: under load the batches stay as large
    // as when COMMIT waited for its own fsync, and the judging of the next
    // batch runs beside that fsync instead of after it.
  } while (join_while_syncing(batch));
  WalSyncDeferral::Owed owed;
  core::Result<void> committed;
  {
    WalSyncDeferral defer;
    committed = run(w_, "COMMIT");
    owed = defer.owed();
  }
  if (!committed) {
    core::Error e = commit_error(committed.error());  // before ROLLBACK resets the error code
    if (!sqlite3_get_autocommit(w_)) run(w_, "ROLLBACK");
    for (auto& j : batch) j.done(e);
    return;
  }
  {
    std::lock_guard lock(qmu_);
    ++unsynced_;
  }
  {
    std::lock_guard lock(smu_);
    committed_.push_back({owed, std::move(batch), std::move(results), began});
  }
  scv_.notify_one();
  checkpoint_if_due();
}

void Writer::checkpoint_if_due() {
  if (wal_pages_.load(std::memory_order_relaxed) < kCheckpointPages) return;
  wal_pages_.store(0, std::memory_order_relaxed);
  // PASSIVE, as SQLite's own: copies what no reader still needs; a failure
  // costs nothing committed (the frames stay in the WAL for the next try).
  sqlite3_wal_checkpoint_v2(w_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

void Writer::syncer_loop() {
  core::name_this_thread("sluis-sync");
  // Group commit at work: jobs per durable transaction is the ratio.
  static auto& batches =
      core::counter("sluis_store_transactions_total",
                    "Durable write transactions (one fsync each) of the store's writer.");
  static auto& jobs =
      core::counter("sluis_store_transaction_jobs_total",
                    "Jobs (message commits and other writes) those transactions carried.");
  for (;;) {
    std::deque<Committed> ready;
    {
      std::unique_lock lock(smu_);
      scv_.wait(lock, [this] { return syncer_closing_ || !committed_.empty(); });
      if (committed_.empty()) return;  // closing, and the writer has stopped
      ready.swap(committed_);
    }
    // One sync for every batch committed since the last: the file is the same
    // and a sync covers every byte written to it before.
    WalSyncDeferral::Owed owed;
    for (const auto& c : ready)
      if (c.owed.file != nullptr) owed = c.owed;
    const int rc = sync_owed(owed);
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(qmu_);
      unsynced_ -= ready.size();
    }
    qcv_.notify_all();  // a writer holding its batch open commits it now
    for (auto& c : ready) {
      if (rc == SQLITE_OK) {
        commit_seconds().observe(std::chrono::duration<double>(now - c.began).count());
        batches.inc();
        jobs.inc(static_cast<std::int64_t>(c.batch.size()));
      }
      for (std::size_t i = 0; i < c.batch.size(); ++i)
        c.batch[i].done(rc != SQLITE_OK && c.results[i] ? core::Result<void>(sync_error(rc)) : std::move(c.results[i]));
    }
  }
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

// The WAL's frames were written but their sync failed: whether they are on
// disk is unknown (a resend is an idempotent replay if they are).
core::Error Writer::sync_error(int rc) const {
  return {core::Errc::store_commit_failed, "commit to " + path_ + " failed: the sync of its WAL: " +
                                               sqlite3_errstr(rc) + " (SQLite error " + std::to_string(rc) + ")"};
}

}  // namespace sluis::store::sqlite
