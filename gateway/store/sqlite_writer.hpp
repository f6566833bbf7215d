// Internal to the SQLite engine: the writer and its group commit.
// Purpose: every write of the store (Store::commit and the rest) is a job;
// one thread takes every queued job (up to max_batch), runs each in its own
// savepoint inside one transaction and commits once: one fsync for many
// jobs. run_batch is the durable commit point; its comment gives the crash
// argument.
// Threading: enqueue() and write() from any thread; jobs run on the writer
// thread, their `done` on the syncer thread (sluis-sync), which syncs the WAL
// of the batches the writer committed while the writer runs the next batch;
// the constructor starts both and close() joins them.
// Ownership: borrows the writer connection (its owner closes it after this
// is destroyed) and owns the threads and the queues.
// Failure: a job that fails is rolled back alone and told so; a batch SQLite
// rolled back, a failed COMMIT or a failed sync of its WAL fails every job of
// it; after close() a job is refused at once with store.closed.
// Durability: a job hears success only after its batch's COMMIT returned and
// the WAL holding it was fsynced (synchronous=FULL, the sync deferred to the
// syncer: wal_vfs.hpp).
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"
#include "gateway/store/wal_vfs.hpp"

namespace sluis::store::sqlite {

class Writer {
 public:
  using Run = std::function<core::Result<void>(sqlite3*)>;
  using Report = std::function<void(core::Result<void>)>;

  // Starts the writer thread on `db`; `path` names the store in error texts.
  Writer(sqlite3* db, std::string path, int max_batch);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // `run` on the writer thread in its own savepoint; `done` hears its result
  // after the batch is durable (or failed).
  void enqueue(Run run, Report done);

  // A job whose result the job itself leaves in `*out`: `done` hears it
  // after the batch is durable, or the job's or the batch's error.
  template <class T>
  void write(std::shared_ptr<T> out, Done<T> done, Run run) {
    enqueue(std::move(run), [out = std::move(out), done = std::move(done)](core::Result<void> r) {
      if (r)
        done(std::move(*out));
      else
        done(r.error());
    });
  }

  // Jobs queued or in the running batch.
  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }

  // Runs what is queued, then stops the thread; later jobs fail store.closed.
  void close();

 private:
  struct Job {
    std::function<core::Result<void>(sqlite3*)> run;
    std::function<void(core::Result<void>)> done;
  };
  // A committed batch waiting for the sync of its WAL.
  struct Committed {
    WalSyncDeferral::Owed owed;  // the sync COMMIT deferred (none: it synced itself)
    std::vector<Job> batch;
    std::vector<core::Result<void>> results;
    std::chrono::steady_clock::time_point began;
  };

  // The loop of the writer thread.
  void writer_loop();
  // Moves queued jobs into `batch`, up to max_batch. Under qmu_.
  void take_queued(std::vector<Job>& batch);
  // While a committed batch waits for its sync: waits for a new job (or the
  // sync) and moves what is queued into `batch`; false when the batch is to
  // be committed now (the syncer is free, the batch is full, or closing).
  bool join_while_syncing(std::vector<Job>& batch);
  // The loop of the syncer thread: syncs what the writer committed, then
  // tells the batches' callers, in commit order.
  void syncer_loop();
  // Copies the WAL into the database once it holds kCheckpointPages: SQLite's
  // automatic checkpoint, run by the writer after a batch, outside the
  // deferral (the checkpoint must sync the WAL before it copies).
  void checkpoint_if_due();
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int pages);
  // One batch in one transaction: the durable commit point (its crash
  // argument is at its definition, sqlite_writer.cpp).
  void run_batch(std::vector<Job>& batch);
  // What a failed COMMIT tells its callers.
  core::Error commit_error(const core::Error& failed) const;
  // What a failed sync of the WAL after COMMIT tells them.
  core::Error sync_error(int rc) const;

  sqlite3* w_;
  std::string path_;
  int max_batch_;
  std::mutex qmu_;
  std::condition_variable qcv_;
  std::deque<Job> queue_;
  std::atomic<std::size_t> pending_{0};  // jobs queued or in the running batch
  bool closing_ = false;
  std::size_t unsynced_ = 0;  // batches committed and not yet synced (under qmu_)
  std::atomic<int> wal_pages_{0};  // pages in the WAL after the last commit (the WAL hook)
  std::mutex smu_;
  std::condition_variable scv_;
  std::deque<Committed> committed_;
  bool syncer_closing_ = false;
  std::thread syncer_;
  std::thread thread_;
};

}  // namespace sluis::store::sqlite
