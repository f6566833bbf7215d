// TableReader: typed, range-checked access to one TOML table that remembers
// which keys were read, so that finish() can refuse every unknown key with its
// position. Internal to the config module (sections.cpp); not a public API.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"

namespace sluis::config::detail {

class TableReader {
 public:
  TableReader(const toml::table* table, std::string file, std::string prefix,
              std::vector<std::string>& errors);

  std::string string(std::string_view key, std::string def);
  bool boolean(std::string_view key, bool def);
  std::int64_t integer(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max);
  Duration duration(std::string_view key, Duration def, Duration min, Duration max);
  std::uint64_t size(std::string_view key, std::uint64_t def, std::uint64_t min, std::uint64_t max);
  // Absolute path; relative ones resolved against base (default: working directory).
  std::filesystem::path path(std::string_view key, std::filesystem::path def,
                             const std::filesystem::path& base = {});
  // A secret reference ("file:…" or "credential:…"), read now; `def` when absent.
  Secret secret(std::string_view key, std::string def = {});
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> def);
  std::vector<std::int64_t> integers(std::string_view key, std::vector<std::int64_t> def);
  // A value that must be one of `allowed`.
  std::string one_of(std::string_view key, std::string def, const std::vector<std::string>& allowed);
  // Sub-table; a reader over an empty table when absent.
  TableReader table(std::string_view key);
  // Each element of an array of tables ([[key]]).
  void each_table(std::string_view key, const std::function<void(TableReader&)>& fn);

  // Reports a custom error at the key's position (or the table's).
  void error_at(std::string_view key, const std::string& text);
  // Refuses every key that was not read.
  void finish();

 private:
  const toml::node* get(std::string_view key);
  std::string where(const toml::source_region& r) const;
  std::string name(std::string_view key) const;
  void type_error(std::string_view key, const toml::node& n, std::string_view expected);
  template <class T>
  std::vector<T> array(std::string_view key, std::vector<T> def, std::string_view expected);

  const toml::table* table_;
  std::string file_;
  std::string prefix_;
  std::vector<std::string>* errors_;
  std::set<std::string, std::less<>> seen_;
};

std::optional<Duration> parse_duration(std::string_view s);
std::optional<std::uint64_t> parse_size(std::string_view s);

}  // namespace sluis::config::detail
