// The fuzz targets' replay (CTest label fuzz-smoke): runs one target's entry
// point over every file of the given directories (recursively) and files,
// as libFuzzer would run them, so that the seed corpora and every crash ever
// found run in every test build (GCC, sanitizers on). A broken property
// aborts, and a sanitizer report fails the run as it would the fuzzer.
//
//   fuzz_replay TARGET [--ext=.xml] PATH...   (TARGET: message, http, admin, config, csv)
//
// --ext=SUFFIX: of the directories named after it, only files ending in SUFFIX
// (the conformance corpus holds an .expect beside each message).
//
// Each target's source is compiled here with LLVMFuzzerTestOneInput renamed
// to sluis_fuzz_<target> (tests/fuzz/CMakeLists.txt), so one executable holds
// them all.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int sluis_fuzz_message(const std::uint8_t*, std::size_t);
extern "C" int sluis_fuzz_http(const std::uint8_t*, std::size_t);
extern "C" int sluis_fuzz_admin(const std::uint8_t*, std::size_t);
extern "C" int sluis_fuzz_config(const std::uint8_t*, std::size_t);
extern "C" int sluis_fuzz_csv(const std::uint8_t*, std::size_t);

namespace {

using Target = int (*)(const std::uint8_t*, std::size_t);

struct Named {
  std::string_view name;
  Target fn;
};
constexpr Named kTargets[] = {{"message", sluis_fuzz_message},
                              {"http", sluis_fuzz_http},
                              {"admin", sluis_fuzz_admin},
                              {"config", sluis_fuzz_config},
                              {"csv", sluis_fuzz_csv}};

void collect(const std::filesystem::path& p, std::string_view ext, std::vector<std::filesystem::path>& out) {
  namespace fs = std::filesystem;
  if (fs::is_directory(p)) {
    for (const auto& e : fs::recursive_directory_iterator(p))
      if (e.is_regular_file() && e.path().filename().string().front() != '.' &&
          e.path().filename() != "README.md" && e.path().string().ends_with(ext))
        out.push_back(e.path());
  } else if (fs::is_regular_file(p)) {
    out.push_back(p);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fuzz_replay TARGET PATH...\n");
    return 2;
  }
  const std::string_view name = argv[1];
  const auto* t = std::find_if(std::begin(kTargets), std::end(kTargets), [&](const Named& n) { return n.name == name; });
  if (t == std::end(kTargets)) {
    std::fprintf(stderr, "fuzz_replay: no target '%s'\n", argv[1]);
    return 2;
  }
  std::vector<std::filesystem::path> files;
  std::string_view ext;
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--ext="))
      ext = arg.substr(6);
    else
      collect(argv[i], ext, files);
  }
  std::sort(files.begin(), files.end());
  const auto start = std::chrono::steady_clock::now();
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "%s\n", f.c_str());
    t->fn(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fuzz_replay %s: %zu inputs in %.2f s\n", argv[1], files.size(), s);
  return files.empty() ? 1 : 0;
}
