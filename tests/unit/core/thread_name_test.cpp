// core/thread_name.hpp: a thread carries the name it gave itself (cut to
// Linux's 15 characters), and every thread of a pool is named once, each a
// different thread.
#include "gateway/core/thread_name.hpp"

#include <pthread.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/test/unit_test.hpp>
#include <future>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>

using namespace sluis;

namespace {

std::string own_name() {
  char name[32] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(thread_name)

BOOST_AUTO_TEST_CASE(a_thread_carries_its_name_cut_to_15_characters) {
  std::string short_name, long_name;
  std::thread([&] {
    core::name_this_thread("sluis-writer");
    short_name = own_name();
    core::name_this_thread("sluis-a-name-longer-than-fifteen");
    long_name = own_name();
  }).join();
  BOOST_TEST(short_name == "sluis-writer");
  BOOST_TEST(long_name == "sluis-a-name-lo");
}

BOOST_AUTO_TEST_CASE(every_thread_of_a_pool_is_named) {
  constexpr int kThreads = 3;
  core::NamedThreadPool pool(kThreads, "sluis-validate");
  // Three jobs held until all three run: one on each of the pool's threads.
  std::latch all(kThreads);
  std::mutex mu;
  std::set<std::string> names;
  std::set<std::thread::id> ids;
  for (int i = 0; i < kThreads; ++i)
    boost::asio::post(pool, [&] {
      {
        std::lock_guard lock(mu);
        names.insert(own_name());
        ids.insert(std::this_thread::get_id());
      }
      all.arrive_and_wait();
    });
  pool.join();
  BOOST_TEST(ids.size() == static_cast<std::size_t>(kThreads));
  BOOST_TEST(names == std::set<std::string>{"sluis-validate"});
}

BOOST_AUTO_TEST_SUITE_END()
