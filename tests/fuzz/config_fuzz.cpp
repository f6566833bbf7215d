// Fuzz target "config": the configuration reader (config/config.cpp,
// config/reader.cpp) on arbitrary bytes, as `sluisd --check-config`,
// `config-test` and a reload read a file: config::parse_config, then what the
// daemon builds from an accepted configuration first — its effective view
// (config-get, config_json) and the routing table (route::Table).
//
// Properties beyond "no crash, no leak, no UB": a refused file raises
// config::ConfigError, nothing else (a std::logic_error would be the reader's
// programming error), with at least one error, each naming the file first
// ("fuzz.toml:line:col: ..." or "fuzz.toml: ..."); no other exception escapes.
//
// Secrets: a `file:` secret reference reads that file as the daemon would;
// the fuzzer only finds paths that exist on the machine, and reads nothing
// into an answer (errors name the path, never the content).
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gateway/config/config.hpp"
#include "gateway/config/config_json.hpp"
#include "gateway/route/table.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace sluis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = (fuzz::quiet_logs(), true);
  (void)quiet;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string name = "fuzz.toml";
  try {
    config::Config cfg = config::parse_config(text, name);
    (void)boost::json::serialize(config::to_json(cfg));
    route::Table table(cfg);
  } catch (const config::ConfigError& e) {
    if (e.errors().empty()) fuzz::fail("ConfigError without errors");
    for (const auto& err : e.errors())
      if (!err.starts_with(name + ":")) fuzz::fail("a config error that does not start with the file's name", err);
  }
  return 0;
}
