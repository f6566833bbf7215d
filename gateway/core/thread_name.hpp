// Thread names, as `top -H`, `ps -T`, /proc/PID/task/TID/comm and perf show
// them, so that an operator (and a benchmark) sees which of sluisd's threads
// is busy. The list, with what each thread runs: docs/architecture.md,
// "Where each kind of work runs".
//
// Purpose: one name per job. The io thread keeps the process's name
// (sluisd); the others are sluis-writer, sluis-validate, sluis-reads,
// sluis-admin, sluis-delivery, sluis-watches, sluis-notify, sluis-drop and
// sluis-integrity.
// Threading: name_this_thread names the calling thread; a NamedThreadPool
// names each of its threads once, before it takes other work.
// Failure: none reported (a name is a label: a kernel that refuses it leaves
// the thread as it was).
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <latch>
#include <memory>

namespace sluis::core {

// Linux keeps 15 characters; longer names are cut.
void name_this_thread(const char* name);

// An Asio thread pool whose threads all carry one name. The size is given
// once, here: naming posts one job per thread and each job holds its thread
// until all have started, so the jobs land on `threads` different threads.
// A count larger than the pool would wait forever; this keeps the two equal.
// The constructor returns when every thread is named.
class NamedThreadPool : public boost::asio::thread_pool {
 public:
  NamedThreadPool(std::size_t threads, const char* name) : boost::asio::thread_pool(threads) {
    // Shared with the jobs: the last one may still be in count_down() when
    // wait() returns here.
    struct Latches {
      explicit Latches(std::ptrdiff_t n) : started(n), named(n) {}
      std::latch started, named;
    };
    auto l = std::make_shared<Latches>(static_cast<std::ptrdiff_t>(threads));
    for (std::size_t i = 0; i < threads; ++i)
      boost::asio::post(*this, [l, name] {
        name_this_thread(name);
        l->started.arrive_and_wait();
        l->named.count_down();
      });
    l->named.wait();
  }
};

}  // namespace sluis::core
