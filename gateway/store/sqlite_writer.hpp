// Internal to the SQLite engine: the writer and its group commit.
// Purpose: every write of the store (Store::commit and the rest) is a job;
// one thread takes every queued job (up to max_batch), runs each in its own
// savepoint inside one transaction and commits once: one fsync for many
// jobs. run_batch is the durable commit point; its comment gives the crash
// argument.
// Threading: enqueue() and write() from any thread; jobs and their `done`
// run on the writer thread, which the constructor starts and close() joins.
// Ownership: borrows the writer connection (its owner closes it after this
// is destroyed) and owns the thread and the queue.
// Failure: a job that fails is rolled back alone and told so; a batch SQLite
// rolled back, or a failed COMMIT, fails every job of it; after close() a job
// is refused at once with store.closed.
// Durability: a job hears success only after COMMIT returned with
// synchronous=FULL, i.e. after the WAL was fsynced.
// Not part of the store's interface.
#pragma once

#include <sqlite3.h>

#include <atomic>
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

  // The loop of the writer thread.
  void writer_loop();
  // One batch in one transaction: the durable commit point (its crash
  // argument is at its definition, sqlite_writer.cpp).
  void run_batch(std::vector<Job>& batch);
  // What a failed COMMIT tells its callers.
  core::Error commit_error(const core::Error& failed) const;

  sqlite3* w_;
  std::string path_;
  int max_batch_;
  std::mutex qmu_;
  std::condition_variable qcv_;
  std::deque<Job> queue_;
  std::atomic<std::size_t> pending_{0};  // jobs queued or in the running batch
  bool closing_ = false;
  std::thread thread_;
};

}  // namespace sluis::store::sqlite
