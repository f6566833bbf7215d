#include "gateway/core/assert.hpp"

#include <cstdlib>
#include <string>

#include "gateway/core/events.hpp"
#include "gateway/core/log.hpp"

namespace sluis::core {

namespace {
thread_local bool tl_must_not_block = false;
}  // namespace

void assert_failed(const char* condition, std::string_view what, const char* file, int line) {
  log(events::kAssertFailed, {{"check", condition},
                              {"what", what},
                              {"at", std::string(file) + ":" + std::to_string(line)}});
  std::abort();
}

bool must_not_block() {
  return tl_must_not_block;
}

NonBlockingThread::NonBlockingThread() : was_(tl_must_not_block) {
  tl_must_not_block = true;
}

NonBlockingThread::~NonBlockingThread() {
  tl_must_not_block = was_;
}

}  // namespace sluis::core
