// Small helpers shared by tests and benchmarks: the source tree and whole files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace sluis::test {

// SLUIS_SOURCE_DIR is set by CTest for every test (tests/CMakeLists.txt).
inline std::filesystem::path source() {
  const char* dir = std::getenv("SLUIS_SOURCE_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::current_path();
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file of the conformance corpus: `rel` under tests/conformance/xsd.
inline std::string corpus(const std::string& rel) {
  return slurp(source() / "tests/conformance/xsd" / rel);
}

}  // namespace sluis::test
