// Src: the element path a class of the model was read from, held as a shared
// shape and the numbers of its numbered steps (standard/model.hpp).
#define BOOST_TEST_MODULE standard_model_src_test
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/standard/model.hpp"

namespace m = sluis::standard::model;

BOOST_AUTO_TEST_CASE(a_path_reads_back_as_written) {
  for (const char* text : {"/Bericht", "/Bericht/Header", "/Bericht/Client/StartProducten/StartProduct",
                           "/Bericht/Declaratie/Clienten/Client[12]/Prestaties/Prestatie[3]",
                           "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[40000]",
                           "/Bericht/Client[1]/Contactgegevens/Contact"}) {
    m::Src s(text, 7, 9);
    BOOST_TEST(s.path() == text);
    BOOST_TEST(s.placed());
    BOOST_TEST(s.line == 7);
    BOOST_TEST(s.column == 9);
  }
  m::Src none;
  BOOST_TEST(!none.placed());
  BOOST_TEST(none.path() == "");
  BOOST_TEST(m::Src("").path() == "");
}

BOOST_AUTO_TEST_CASE(set_path_keeps_line_and_column) {
  m::Src s("/Bericht/Client", 4, 2);
  s.set_path("/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]");
  BOOST_TEST(s.path() == "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]");
  BOOST_TEST(s.line == 4);
  BOOST_TEST(s.column == 2);
  s.set_path("");
  BOOST_TEST(!s.placed());
}

// What the reader does: each element's path made from its parent's, step by
// step, numbered as the validator counts siblings (1: no number written).
BOOST_AUTO_TEST_CASE(below_makes_the_path_step_by_step) {
  m::Src root;
  auto bericht = root.below("Bericht", 1);
  BOOST_REQUIRE(bericht);
  auto client = bericht->below("Declaratie", 1)->below("Clienten", 1)->below("Client", 12);
  BOOST_REQUIRE(client);
  auto first = client->below("Prestaties", 1)->below("Prestatie", 1);
  auto third = client->below("Prestaties", 1)->below("Prestatie", 3);
  BOOST_REQUIRE(first);
  BOOST_REQUIRE(third);
  BOOST_TEST(client->path() == "/Bericht/Declaratie/Clienten/Client[12]");
  BOOST_TEST(first->path() == "/Bericht/Declaratie/Clienten/Client[12]/Prestaties/Prestatie");
  BOOST_TEST(third->path() == "/Bericht/Declaratie/Clienten/Client[12]/Prestaties/Prestatie[3]");
  // The parent is unchanged by what is made below it.
  BOOST_TEST(client->path() == "/Bericht/Declaratie/Clienten/Client[12]");
  // Two numbered steps are the most a path holds: a third is refused, an
  // unnumbered step below them is not.
  BOOST_TEST(!third->below("Extra", 2).has_value());
  auto leaf = third->below("ProductPeriode", 1);
  BOOST_REQUIRE(leaf);
  BOOST_TEST(leaf->path() == "/Bericht/Declaratie/Clienten/Client[12]/Prestaties/Prestatie[3]/ProductPeriode");
}

BOOST_AUTO_TEST_CASE(a_text_that_is_no_element_path_is_refused) {
  for (const char* bad : {"Bericht", "/Bericht//Client", "/Bericht/", "/Bericht/Client[", "/Bericht/Client[]",
                          "/Bericht/Client[x]", "/Bericht/Client[2", "/Bericht/Client[-1]",
                          "/A[1]/B[2]/C[3]"})
    BOOST_CHECK_THROW(m::Src{bad}, std::invalid_argument);
}

// The shapes are shared between threads (the validation pool reads models on
// several): made concurrently, every path still reads back as its own.
BOOST_AUTO_TEST_CASE(threads_make_paths_at_the_same_time) {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &wrong] {
      for (int i = 1; i <= 2000; ++i) {
        const std::string text = "/Bericht/T" + std::to_string(i % 50) + "/Clienten/Client[" + std::to_string(i) +
                                 "]/Prestaties/Prestatie[" + std::to_string(t + 2) + "]";
        if (m::Src(text).path() != text) ++wrong[t];
      }
    });
  for (auto& th : threads) th.join();
  for (int w : wrong) BOOST_TEST(w == 0);
}
