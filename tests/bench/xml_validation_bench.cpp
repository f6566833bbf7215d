// Benchmark (label bench; prints numbers, never fails on time): documents per
// second validated by sluis's validator against xmllint --schema on the same
// document in the same run, as a ratio.
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/xml/validator.hpp"
#include "tests/support/schemas.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main() {
  fs::path src = sluis::test::source();
  fs::path doc_file = src / "tests/conformance/xsd/ijw/323/valid-declaratie.xml";
  const std::string doc = sluis::test::slurp(doc_file);
  constexpr int kDocs = 400;

  sluis::xml::XercesRuntime runtime;
  sluis::config::SchemasConfig cfg = sluis::test::schemas_config();
  auto set = sluis::xml::SchemaSet::load(cfg);
  if (!set) {
    std::cerr << set.error().text << "\n";
    return 1;
  }
  sluis::xml::Validator v(*set, cfg);
  auto t0 = Clock::now();
  for (int i = 0; i < kDocs; ++i)
    if (v.validate(doc).verdict != sluis::xml::Verdict::valid) return 1;
  double ours = std::chrono::duration<double>(Clock::now() - t0).count();

  // xmllint validates many files in one process: pass the same file kDocs times.
  std::string cmd = "xmllint --noout --schema " + (src / "schemas/ijw/3.2/jw323.xsd").string();
  for (int i = 0; i < kDocs; ++i) cmd += " " + doc_file.string();
  cmd += " 2>/dev/null";
  auto t1 = Clock::now();
  int rc = std::system(cmd.c_str());
  double theirs = std::chrono::duration<double>(Clock::now() - t1).count();
  if (rc != 0) {
    std::cerr << "xmllint failed\n";
    return 1;
  }
  std::printf("xml validation of a %zu-byte iJw 323, %d documents (one thread)\n", doc.size(), kDocs);
  std::printf("  sluis validator : %8.1f docs/s\n", kDocs / ours);
  std::printf("  xmllint --schema: %8.1f docs/s (includes one schema compile)\n", kDocs / theirs);
  std::printf("  ratio sluis/xmllint: %.2f\n", theirs / ours);
  return 0;
}
