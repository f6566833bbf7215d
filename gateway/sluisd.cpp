// sluisd: the iWmo/iJw message-exchange gateway. A thin shell: parse the
// command line, build the App, run it, map failures to exit codes
// (0 ok, 1 runtime failure, 64 usage, 78 configuration error: systemd's unit
// has RestartPreventExitStatus=78 so a bad config does not restart-loop).
#include <boost/program_options.hpp>
#include <exception>
#include <iostream>

#include "gateway/app/app.hpp"
#include "gateway/config/example.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/log.hpp"
#include "gateway/xml/schema_set.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  constexpr int kExitUsage = 64, kExitConfig = 78;
  po::options_description opts("sluisd options");
  opts.add_options()("help,h", "show this help")("version", "print the version and exit")(
      "config,c", po::value<std::string>()->default_value("/etc/sluis/sluisd.toml"),
      "configuration file")("check-config",
                            "check the configuration (and everything it names) and exit: 0 valid, "
                            "78 invalid")(
      "print-config-example", po::value<std::string>(),
      "print the documented example configuration NAME (development or production) and exit");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "sluisd: " << e.what() << "\n" << opts;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "sluisd " << sluis::app::version() << "\n";
    return 0;
  }
  if (vm.count("print-config-example")) {
    auto kind = sluis::config::example_named(vm["print-config-example"].as<std::string>());
    if (!kind) {
      std::cerr << "sluisd: --print-config-example takes development or production\n";
      return kExitUsage;
    }
    std::cout << sluis::config::render_example(*kind);
    return 0;
  }
  const std::string file = vm["config"].as<std::string>();
  try {
    // Native journal entries under systemd (stderr is the journal's stream),
    // the line on stderr otherwise.
    sluis::core::init_log_output();
    sluis::core::init_dutch_time();
    sluis::xml::XercesRuntime xerces;
    if (vm.count("check-config")) {
      auto checked = sluis::app::check_config_file(file);
      for (const auto& e : checked.errors) std::cerr << e << "\n";
      for (const auto& w : checked.warnings) std::cerr << "warning: " << w << "\n";
      if (!checked.errors.empty()) return kExitConfig;
      std::cout << "OK " << file << "\n";
      return 0;
    }
    sluis::app::App app(file);
    return app.run();
  } catch (const sluis::config::ConfigError& e) {
    for (const auto& err : e.errors()) std::cerr << err << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "sluisd: " << e.what() << "\n";
    return 1;
  }
}
