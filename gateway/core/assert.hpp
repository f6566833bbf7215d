// Invariants (style.md §3, rule 1): SLUIS_ASSERT(condition, what) checks a
// condition that holds unless the code itself is wrong (a broken contract
// between modules, never bad input or a failing disk: those are Result
// values). When it does not hold it logs CORE_ASSERT_FAILED (the condition,
// `what`, file:line; never personal data) and aborts, so systemd restarts
// sluisd and the tests fail loudly. Always on, in Debug (the tests) and in
// Release: each check is a comparison, and going on past a broken invariant
// is worse than a restart.
//
// Threads that must not block: NonBlockingThread marks the calling thread
// for its lifetime (sluisd marks the HTTPS io thread while it runs the
// io_context); must_not_block() is true there. Code that waits on another
// thread (the store's blocking wrappers) asserts it is not on such a thread,
// so a handler that would stall every partner fails every HTTPS test instead.
//
// Threading: any thread; the mark is per thread (thread_local).
#pragma once

#include <string_view>

namespace sluis::core {

[[noreturn]] void assert_failed(const char* condition, std::string_view what, const char* file,
                                int line);

// True on a thread marked by a live NonBlockingThread.
bool must_not_block();

class NonBlockingThread {
 public:
  NonBlockingThread();
  ~NonBlockingThread();
  NonBlockingThread(const NonBlockingThread&) = delete;
  NonBlockingThread& operator=(const NonBlockingThread&) = delete;

 private:
  bool was_;
};

}  // namespace sluis::core

#define SLUIS_ASSERT(condition, what) \
  ((condition) ? static_cast<void>(0) \
               : ::sluis::core::assert_failed(#condition, (what), __FILE__, __LINE__))
