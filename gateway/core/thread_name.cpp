#include "gateway/core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace sluis::core {

void name_this_thread(const char* name) {
  std::string n(name);
  if (n.size() > 15) n.resize(15);
  pthread_setname_np(pthread_self(), n.c_str());
}

}  // namespace sluis::core
