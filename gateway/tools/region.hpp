// sluis-load's region simulation: municipalities and providers of a
// synthetic region, each with its own client certificate, exchanging the
// chain's messages with sluis through its HTTPS API, and checking every
// answer and every delivery against what the simulation knows it should be.
//
//   sluis-load --region-setup DIR [--municipalities 6] [--providers 12] [--seed S]
//              [--cbs config/reference/cbs-gemeenten.csv] [--push-port P]
//   sluis-load --region DIR --url https://127.0.0.1:8443 [--url ...] [--rate 1] [--seconds 20]
//              [--drain 120] [--stop-file FILE] [--seed S] [--corpus tests/conformance]
//              [--schemas schemas] [--progress SECONDS]
//
// Setup writes DIR/pki (a CA, a server certificate for localhost and
// 127.0.0.1, one client certificate per partner), DIR/partners.toml (the
// [[partners]], [[destinations]], [[routes]] and [contracts] blocks a
// sluisd.toml includes), DIR/contracts (the region's contract: catalogue,
// coverage, tariffs) and DIR/region.json (what the run reads). Municipalities carry
// real CBS codes (Zuid-Limburg first, from the reference list); providers
// fictional AGB codes. Partners alternate between `retour = "gateway"` and
// `"partner"`; the second municipality and the second provider receive by
// drop directory (DIR/drop/<id>), with --push-port the third ones by push to
// the run's own HTTPS receiver on that port, the others by mailbox.
//
// With several --url (several sluisd nodes sharing one database), partner i
// talks to the i-th modulo their number: each node serves some of the region;
// after a failed connection or request a partner goes on with the next node.
//
// A run starts `rate` care episodes per second for `seconds` (or until
// `stop_file` exists, whichever comes first), then lets the started ones
// finish (at most `drain` seconds). docs/simulation.md
// describes an episode and what is checked. It prints
// one JSON report; exit 0 when the report has no mismatch, 1 when it has,
// 64 on usage errors.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sluis::region {

struct SetupOptions {
  std::filesystem::path dir;
  int municipalities = 6;
  int providers = 12;
  unsigned seed = 1;
  std::filesystem::path cbs = "config/reference/cbs-gemeenten.csv";
  int push_port = 0;  // > 0: two partners receive by push at https://127.0.0.1:push_port/<id>
};

struct RunOptions {
  std::filesystem::path dir;
  struct Node {
    std::string host, port;
  };
  std::vector<Node> nodes{{"127.0.0.1", "8443"}};  // --url, each once
  double rate = 1;        // episodes started per second
  double seconds = 20;    // how long new episodes start
  // When not empty: no new episode once this file exists (a test that kills
  // sluisd ends the window after its last kill, however long the kills took).
  std::filesystem::path stop_file;
  double drain = 120;     // then at most this long for the started ones to finish
  unsigned seed = 1;
  std::filesystem::path corpus = "tests/conformance";
  std::filesystem::path schemas = "schemas";
  double progress = 0;    // > 0: a progress line every this many seconds
};

// Both return the process exit code (0, 1 or 64) and write their own errors to stderr.
int setup(const SetupOptions& o);
int run(const RunOptions& o);

}  // namespace sluis::region
