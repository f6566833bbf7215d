#include "gateway/store/sqlite_writer.hpp"

#include <chrono>
#include <filesystem>

#include "gateway/core/metrics.hpp"
#include "gateway/core/thread_name.hpp"
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

}  // namespace

Writer::Writer(sqlite3* db, std::string path, int max_batch)
    : w_(db), path_(std::move(path)), max_batch_(max_batch), thread_([this] { writer_loop(); }) {
  commit_seconds();  // the series is there from start, at zero
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
}

// The writer: takes every queued job (up to max_batch), runs each in its own
// savepoint inside one transaction, commits once, then reports. A job's
// `done` learns of success only after COMMIT returned, i.e. after the WAL
// was fsynced (synchronous=FULL).
void Writer::writer_loop() {
  core::name_this_thread("sluis-writer");
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
// converse need not hold: when the autocheckpoint after a durable COMMIT
// fails, or an fsync fails after the WAL frames were written, a commit
// reported failed may be found after a reopen; the sender's resend is then
// an idempotent replay).
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
