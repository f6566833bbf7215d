// Test support: a real sluisd with a throw-away PKI (tests/support/make-test-pki.sh),
// a config written by the test (listeners on free ports, the repository's
// schemas and reference lists), and helpers to call it with curl as a given
// client certificate. Throws std::runtime_error when it cannot start.
//
// With SLUIS_TEST_ENGINE=postgresql in the environment the store is a fresh
// database of the test program's PostgreSQL server (postgres.hpp; its
// connection string in a secret file, [store] engine = "postgresql"): CTest
// runs a suite a second time that way (label `postgresql`, the test's name
// with _pg). Such a suite must reach the store only through sluisd.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"
#include "tests/support/files.hpp"

namespace sluis::test {

struct Http {
  int curl_exit = -1;
  int status = 0;
  std::string body;     // response body (curl -o -)
  std::string headers;  // response headers (curl -D)
};

class TestGateway {
 public:
  // `partners` returns the [[partners]] TOML (it may call spki()/pki()).
  // `launcher`: see DaemonProcess (the first start only). `https_toml`: more
  // key lines for the [https] table (limits). `env`: more environment for
  // sluisd (WATCHDOG_USEC, the test pause points).
  TestGateway(const std::string& tag, std::function<std::string(TestGateway&)> partners,
              std::string extra_toml = {}, std::vector<std::string> launcher = {},
              std::string https_toml = {}, std::map<std::string, std::string> env = {});
  ~TestGateway();

  std::string pki(const std::string& file) const;  // path of a PKI file
  std::string spki(const std::string& cert) const;  // SPKI SHA-256 of a PKI certificate
  // A [[partners]] block recognised by the SPKI of PKI certificate `cert`;
  // `codes` as TOML array items ("\"0917\""), `extra` more key lines.
  std::string partner(const std::string& id, const std::string& role, const std::string& codes,
                      const std::string& cert, const std::string& extra = "") const;
  // The two partners the conformance corpus exchanges messages between:
  // "zorg" (aanbieder 75302186, provider.pem) and "gem" (gemeente 0917,
  // gemeente.pem, with `gem_extra`).
  std::string corpus_partners(const std::string& gem_extra = "") const;
  void write_config(const std::string& crl = "crl.pem");

  // curl as client `who` ("" for no certificate) on the HTTPS listener.
  Http curl(const std::string& who, const std::string& path, std::vector<std::string> extra = {}) const;
  // POST an XML body from a string as `who`.
  Http post_xml(const std::string& who, const std::string& path, const std::string& xml) const;
  CommandResult sluisctl(std::vector<std::string> args) const;
  // One series' value from the plain listener's /metrics, e.g.
  // sluis_http_connections{listener="https"}; -1 when it is not there.
  long metric(const std::string& series) const;
  // Stops sluisd gracefully (SIGTERM) and says how it exited (nullopt: not
  // in time). A test's last word on the daemon: it must exit 0.
  std::optional<int> stop();

  ScratchDir dir;
  std::string https_url, plain_url;
  // [schemas] of the next write_config: the root of the packs (default the
  // repository's schemas/) and the active packs (default the daemon's).
  std::filesystem::path schemas_dir;
  std::vector<std::string> schema_packs;
  std::unique_ptr<DaemonProcess> daemon;
  // The PostgreSQL database's connection string; empty on SQLite.
  std::string postgresql;

 private:
  std::function<std::string(TestGateway&)> partners_;
  std::string extra_, https_;
  mutable int posts_ = 0;
};

}  // namespace sluis::test
