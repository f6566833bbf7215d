#include "gateway/core/errc.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gateway/core/result.hpp"

using namespace sluis::core;

BOOST_AUTO_TEST_CASE(every_errc_has_its_own_stable_string) {
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < kErrcNames.size(); ++i) {
    const auto [code, name] = kErrcNames[i];
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(static_cast<std::size_t>(code) == i);
      BOOST_TEST(to_string(code) == name);
      BOOST_TEST(!name.empty());
      // module.reason: lower case, one dot, neither end empty.
      const auto dot = name.find('.');
      BOOST_TEST((dot != std::string_view::npos && dot > 0 && dot + 1 < name.size()));
      BOOST_TEST(name.find('.', dot + 1) == std::string_view::npos);
      BOOST_TEST(name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_.") == std::string_view::npos);
      BOOST_TEST(seen.insert(name).second, name << " is listed twice");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_strings_operators_and_partners_see_stay_the_same) {
  BOOST_TEST(to_string(Errc::store_disk_full) == "store.disk_full");
  BOOST_TEST(to_string(Errc::store_commit_failed) == "store.commit_failed");
  BOOST_TEST(to_string(Errc::store_pruned) == "store.pruned");
  BOOST_TEST(to_string(Errc::route_client_key) == "route.client_key");
  BOOST_TEST(to_string(Errc::core_exception) == "core.exception");
  std::ostringstream os;
  os << Errc::schemas_tampered;
  BOOST_TEST(os.str() == "schemas.tampered");
}

BOOST_AUTO_TEST_CASE(a_thrown_error_names_its_code) {
  Result<int> r = make_error(Errc::store_busy, "the store is busy");
  try {
    (void)r.value();
    BOOST_FAIL("value() of an error did not throw");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) == "store.busy: the store is busy");
  }
}
