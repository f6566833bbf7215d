// Reading a message's namespace (gateway/standard/catalog.hpp): the law,
// release and message it names, and nothing for what it does not.
#define BOOST_TEST_MODULE catalog
#include <boost/test/unit_test.hpp>

#include "gateway/standard/catalog.hpp"

using namespace sluis;
using standard::Law;
using standard::parse_namespace;

BOOST_AUTO_TEST_CASE(a_message_namespace_names_law_release_and_message) {
  auto m = parse_namespace("http://www.istandaarden.nl/ijw/3_2/jw301/schema");
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST((m->law == Law::ijw));
  BOOST_TEST(m->release == "3.2");
  BOOST_TEST(m->number == 301);
  auto b = parse_namespace("http://www.istandaarden.nl/iwmo/3_2/basisschema/schema");
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST((b->law == Law::iwmo));
  BOOST_TEST(b->number == 0);
  BOOST_TEST(parse_namespace(standard::message_namespace(*standard::find_message(Law::iwmo, 319), "3.2"))->number == 319);
}

// The prefix and the suffix share the '/' of ".../schema": removing both
// took more than the view held and read past the namespace's end (found by
// the message fuzz target: tests/fuzz/crashes/message/namespace-prefix-meets-suffix).
BOOST_AUTO_TEST_CASE(a_namespace_shorter_than_its_ends_is_none) {
  for (const char* ns : {"http://www.istandaarden.nl/schema", "http://www.istandaarden.nl//schema",
                         "http://www.istandaarden.nl/", "/schema", "", "http://www.istandaarden.nl/ijw/schema",
                         "http://www.istandaarden.nl/ijw/3_2/jw999/schema", "http://www.istandaarden.nl/ijw/3_2/wmo301/schema",
                         "http://www.istandaarden.nl/ijw/_2/jw301/schema"})
    BOOST_TEST(!parse_namespace(ns).has_value(), ns);
}
