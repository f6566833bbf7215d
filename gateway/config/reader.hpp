// TableReader: typed, range-checked access to one TOML table, driven by the
// table of keys.hpp that describes it: each key is read with the default and
// range its entry declares, and finish() refuses every key the entry list does
// not name (with its position) and checks that every listed key was read.
// Internal to the config module (config.cpp); not a public API.
//
// Every value a reader returns is also recorded, formatted as config-get shows
// it (durations "30s", sizes "25MiB", secrets by their reference only), so the
// effective configuration is drawn from the same reads and the same tables:
// effective() renders it in the tables' order.
//
// Failure: bad values become error texts ("file:line:col: key: text") in the
// shared list; reading a key the table does not list, with the wrong type, or
// leaving a listed key unread is a programming error: std::logic_error.
#pragma once

#include <boost/json/object.hpp>
#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/config/keys.hpp"

namespace sluis::config::detail {

// What the reads of one table recorded; sub-tables and arrays of tables nest.
struct Recorded {
  std::map<std::string, boost::json::value, std::less<>> values;
  std::map<std::string, std::shared_ptr<Recorded>, std::less<>> tables;
  std::map<std::string, std::vector<std::shared_ptr<Recorded>>, std::less<>> arrays;
};

class TableReader {
 public:
  // `table` may be null (the section is absent): every key takes its default.
  TableReader(const toml::table* table, const Section& section, std::string file,
              std::string prefix, std::vector<std::string>& errors);

  // The key with the default and range of its table entry.
  std::string string(std::string_view key);
  bool boolean(std::string_view key);
  std::int64_t integer(std::string_view key);
  Duration duration(std::string_view key);
  std::uint64_t size(std::string_view key);
  // Absolute; relative paths resolved against the working directory.
  std::filesystem::path path(std::string_view key);
  std::vector<std::string> strings(std::string_view key);
  // Each element must lie in the entry's min..max (the caller words the error).
  std::vector<std::int64_t> integers(std::string_view key);
  // A value that must be one of the entry's choices.
  std::string one_of(std::string_view key);

  // Keys whose default depends on where sluisd runs (Key::computed): the
  // caller computes it.
  std::filesystem::path path(std::string_view key, const std::filesystem::path& computed);
  std::int64_t integer(std::string_view key, std::int64_t computed);
  std::string string(std::string_view key, std::string computed);
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> computed);
  // A secret reference ("file:…" or "credential:…"), read now; `computed` when absent.
  Secret secret(std::string_view key, std::string computed);

  // Sub-table [<section>.key]; a reader over an empty table when absent.
  TableReader table(std::string_view key);
  // Each element of an array of tables ([[<section>.key]]).
  void each_table(std::string_view key, const std::function<void(TableReader&)>& fn);

  // Reports a custom error at the key's position (or the table's).
  void error_at(std::string_view key, const std::string& text);
  // Refuses every key that was not read; checks every listed key was.
  void finish();

  // The values read so far, every key of the table and of its sub-tables in
  // the order keys.hpp lists them (call after finish()).
  boost::json::object effective() const;

 private:
  const Key& spec(std::string_view key, std::initializer_list<KeyType> types, bool computed) const;
  const Section& subsection(std::string_view key) const;
  const toml::node* get(std::string_view key);
  std::string where(const toml::source_region& r) const;
  std::string name(std::string_view key) const;
  void type_error(std::string_view key, const toml::node& n, std::string_view expected);
  std::string string_or(std::string_view key, std::string def);
  Duration duration_read(std::string_view key);
  std::uint64_t size_read(std::string_view key);
  Secret secret_read(std::string_view key, std::string computed);
  std::int64_t integer_in(std::string_view key, std::int64_t def, std::int64_t min,
                          std::int64_t max);
  std::filesystem::path path_or(std::string_view key, const std::filesystem::path& def);
  template <class T>
  T put(std::string_view key, T value);
  template <class T>
  std::vector<T> array(std::string_view key, std::vector<T> def, std::string_view expected);

  const toml::table* table_;
  const Section* section_;
  std::string file_;
  std::string prefix_;
  std::vector<std::string>* errors_;
  std::set<std::string, std::less<>> seen_;
  std::shared_ptr<Recorded> recorded_ = std::make_shared<Recorded>();
};

std::optional<Duration> parse_duration(std::string_view s);
std::optional<std::uint64_t> parse_size(std::string_view s);

}  // namespace sluis::config::detail
