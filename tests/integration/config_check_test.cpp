// One check path: `sluisd --check-config`, the admin command `config-test`,
// `config-reload` and SIGHUP refuse the same broken file with the same errors,
// whether the file does not parse or names things that cannot be loaded (a
// schema pack and a reference list that do not exist: before the check was
// shared, a reload took such a file). The running configuration stays.
#define BOOST_TEST_MODULE config_check
#include <signal.h>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "tests/support/daemon_process.hpp"

using namespace sluis::test;
namespace fs = std::filesystem;

namespace {

std::string config_text(const std::string& level, const std::string& schemas_extra = "",
                        const std::string& productcodes = "") {
  return "state_dir = \"state\"\nlog_level = \"" + level +
         "\"\n[admin]\nsocket = \"state/admin.sock\"\ngroup = \"\"\n"
         "[https]\nenabled = false\n[plain]\nport = 0\n"
         "[reference]\ncbs_gemeenten = \"" +
         (source_dir() / "config/reference/cbs-gemeenten.csv").string() + "\"\nproductcodes = \"" +
         (productcodes.empty() ? (source_dir() / "config/reference/productcodes.csv").string()
                               : productcodes) +
         "\"\n[schemas]\ndir = \"" + (source_dir() / "schemas").string() + "\"\n" + schemas_extra +
         "[secrets]\nbsn_hash_key = \"file:bsn.key\"\n";
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

std::vector<std::string> strings(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

// How the log writes a value with blanks or quotes.
std::string logged(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(check_config_config_test_and_reload_give_the_same_errors) {
  ScratchDir dir("config-check");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  const fs::path cfg = dir.write("sluisd.toml", config_text("info"));
  DaemonProcess d(dir.path(), {"--config", cfg.string()});
  BOOST_REQUIRE_MESSAGE(d.wait_for("READY=1"), "no READY=1; log:\n" << d.log());
  const std::string sluisd = (bin_dir() / "sluisd").string();
  const std::string ctl = (bin_dir() / "tools" / "sluisctl").string();
  auto sluisctl = [&](const std::string& command) {
    return run_command(
        {ctl, "--socket", (dir.path() / "state" / "admin.sock").string(), "--json", command});
  };

  const std::vector<std::pair<std::string, std::string>> broken = {
      // Refused by the reader: an unknown key and a value out of range.
      {"does not parse", config_text("info", "max_depth = 2\nmax_deepth = 64\n")},
      // Parses, but what it names cannot be loaded.
      {"names what does not exist",
       config_text("debug", "packs = [\"iwmo/9.9\"]\n",
                   (dir.path() / "no-such-productcodes.csv").string())},
  };
  std::size_t reloads = 0;
  for (const auto& [what, text] : broken) {
    BOOST_TEST_CONTEXT("a file that " << what) {
      dir.write("sluisd.toml", text);
      // sluisd --check-config, from the daemon's working directory.
      auto check = run_command({"/bin/sh", "-c",
                                "cd '" + dir.path().string() + "' && '" + sluisd +
                                    "' --check-config --config '" + cfg.string() + "' 2>&1"});
      BOOST_TEST(check.exit_code == 78);
      const std::vector<std::string> expected = lines(check.output);
      BOOST_TEST_REQUIRE(expected.size() >= 2u, check.output);
      for (const auto& e : expected) BOOST_TEST(e.starts_with(cfg.string() + ":"), e);

      // config-test over the admin socket: the same list.
      auto test = sluisctl("config-test");
      BOOST_TEST(test.exit_code == 1);
      auto tj = boost::json::parse(test.output);
      BOOST_TEST(strings(tj.at("arguments").at("errors")) == expected,
                 boost::test_tools::per_element());

      // config-reload: refused with the same list; the running configuration stays.
      auto reload = sluisctl("config-reload");
      BOOST_TEST(reload.exit_code == 1);
      auto rj = boost::json::parse(reload.output);
      BOOST_TEST(strings(rj.at("arguments").at("errors")) == expected,
                 boost::test_tools::per_element());
      BOOST_TEST(d.wait_for("READY=1"));  // the reload's notifications
      ++reloads;

      // SIGHUP: the same errors, each logged as CONFIG_RELOAD_FAILED before READY=1.
      d.signal(SIGHUP);
      BOOST_REQUIRE(d.wait_for("RELOADING=1"));
      BOOST_REQUIRE(d.wait_for("READY=1"));
      ++reloads;
      const std::string log = d.log();
      BOOST_TEST(count(log, "CONFIG_RELOAD_FAILED") == expected.size() * reloads, log);
      for (const auto& e : expected) {
        // The file's path is left out: the log's scrubber may mask digits in it.
        const std::string rest = e.substr(cfg.string().size());
        BOOST_TEST(count(log, logged(rest)) >= 2u, rest);  // config-reload and SIGHUP
      }
      auto cg = boost::json::parse(sluisctl("config-get").output);
      BOOST_TEST(cg.at("arguments").at("config").at("log_level").as_string() == "info");
    }
  }

  // The fixed file passes all of them. It names the repository's development
  // product list: a warning, the same from both checks, but no refusal.
  dir.write("sluisd.toml", config_text("notice"));
  auto ok = run_command({"/bin/sh", "-c",
                         "cd '" + dir.path().string() + "' && '" + sluisd +
                             "' --check-config --config '" + cfg.string() + "' 2>&1"});
  BOOST_TEST(ok.exit_code == 0, ok.output);
  const std::string warning = (source_dir() / "config/reference/productcodes.csv").string() +
                              ": holds only 5 product codes, like a development list";
  BOOST_TEST(ok.output.find("warning: " + warning) != std::string::npos, ok.output);
  BOOST_TEST(ok.output.find("OK " + cfg.string()) != std::string::npos, ok.output);
  auto tested = sluisctl("config-test");
  BOOST_TEST(tested.exit_code == 0, tested.output);
  BOOST_TEST(tested.output.find(warning) != std::string::npos, tested.output);
  BOOST_TEST(d.log().find("CONFIG_WARNING") != std::string::npos);  // at start
  BOOST_TEST(sluisctl("config-reload").exit_code == 0);
  auto cg = boost::json::parse(sluisctl("config-get").output);
  BOOST_TEST(cg.at("arguments").at("config").at("log_level").as_string() == "notice");
  d.signal(SIGTERM);
  BOOST_TEST(d.wait_exit().value_or(-1) == 0);
}

// A broken contracts file is refused by the check with its file and line,
// under [contracts]; the example region of the repository passes.
BOOST_AUTO_TEST_CASE(check_config_reads_the_contracts) {
  ScratchDir dir("config-check-contracts");
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  const fs::path contracts = source_dir() / "config/contracts";
  auto section = [&](const fs::path& tariffs) {
    return "[contracts]\ncatalogue = \"" + (contracts / "catalogus.csv").string() + "\"\ncoverage = \"" +
           (contracts / "gemeenten.csv").string() + "\"\ntariffs = \"" + tariffs.string() + "\"\n";
  };
  const std::string sluisd = (bin_dir() / "sluisd").string();
  auto check = [&](const std::string& text) {
    const fs::path cfg = dir.write("sluisd.toml", text);
    return run_command({"/bin/sh", "-c",
                        "cd '" + dir.path().string() + "' && '" + sluisd + "' --check-config --config '" +
                            cfg.string() + "' 2>&1"});
  };
  auto ok = check(config_text("info", section(contracts / "tarieven.csv")));
  BOOST_TEST(ok.exit_code == 0, ok.output);
  const fs::path bad = dir.write(
      "tarieven.csv",
      "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;geforceerd;reden\n"
      "parkstad;ijw;45;45A01;;8640;2026-07-01;;;\n");
  auto refused = check(config_text("info", section(bad)));
  BOOST_TEST(refused.exit_code == 78);
  BOOST_TEST(refused.output.find("[contracts] " + bad.string() +
                                 ":2: ingangsdatum 2026-07-01 is not 1 January") != std::string::npos,
             refused.output);
  // Two of the three files: refused by the reader.
  auto partial = check(config_text("info", "[contracts]\ncatalogue = \"" + (contracts / "catalogus.csv").string() +
                                               "\"\n"));
  BOOST_TEST(partial.exit_code == 78);
  BOOST_TEST(partial.output.find("catalogue, coverage and tariffs are set together") != std::string::npos,
             partial.output);
}
