#include "gateway/core/thread_name.hpp"

#include <pthread.h>

#include <cstring>

namespace sluis::core {

void name_this_thread(const char* name) {
  char cut[16] = {};
  std::memcpy(cut, name, strnlen(name, sizeof cut - 1));
  pthread_setname_np(pthread_self(), cut);
}

}  // namespace sluis::core
