#include "gateway/config/reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sluis::config::detail {

namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Longest suffixes first so "ms" is not read as "s" with a bad number.
constexpr Unit kDurationUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
constexpr Unit kSizeUnits[] = {{"KiB", 1ULL << 10},
                               {"MiB", 1ULL << 20},
                               {"GiB", 1ULL << 30},
                               {"KB", 1000},
                               {"MB", 1000'000},
                               {"GB", 1000'000'000},
                               {"B", 1}};

std::optional<std::uint64_t> parse_with_units(std::string_view s, const Unit* units, size_t n) {
  std::size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits == 0 || digits > 15) return std::nullopt;
  std::string_view unit = s.substr(digits);
  std::uint64_t number = std::stoull(std::string(s.substr(0, digits)));
  for (std::size_t i = 0; i < n; ++i)
    if (units[i].suffix == unit) return number * units[i].factor;
  return std::nullopt;
}

std::string read_file(const std::filesystem::path& p, std::string& error) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    error = fmt::format("cannot read {}", p.string());
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `sub`'s last name when it is a sub-table or array of tables of `parent`.
std::optional<std::string_view> child_name(const Section& sub, const Section& parent) {
  const auto dot = sub.name.rfind('.');
  const std::string_view up = dot == std::string_view::npos ? "" : sub.name.substr(0, dot);
  if (sub.name.empty() || up != parent.name) return std::nullopt;
  return dot == std::string_view::npos ? sub.name : sub.name.substr(dot + 1);
}

boost::json::value shown(bool v) { return v; }
boost::json::value shown(std::int64_t v) { return v; }
boost::json::value shown(std::uint64_t bytes) { return boost::json::string(format_size(bytes)); }
boost::json::value shown(Duration d) { return boost::json::string(format_duration(d)); }
boost::json::value shown(const std::string& v) { return boost::json::string(v); }
boost::json::value shown(const std::filesystem::path& p) { return boost::json::string(p.string()); }
boost::json::value shown(const Secret& s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s.reference() + " (redacted)");
}
template <class T>
boost::json::value shown(const std::vector<T>& v) {
  boost::json::array a;
  for (const auto& e : v) a.push_back(shown(e));
  return a;
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view s) {
  auto v = parse_with_units(s, kDurationUnits, std::size(kDurationUnits));
  if (!v) return std::nullopt;
  return Duration(static_cast<Duration::rep>(*v));
}

std::optional<std::uint64_t> parse_size(std::string_view s) {
  return parse_with_units(s, kSizeUnits, std::size(kSizeUnits));
}

TableReader::TableReader(const toml::table* table, const Section& section, std::string file,
                         std::string prefix, std::vector<std::string>& errors)
    : table_(table),
      section_(&section),
      file_(std::move(file)),
      prefix_(std::move(prefix)),
      errors_(&errors) {}

const Key& TableReader::spec(std::string_view key, std::initializer_list<KeyType> types,
                             bool computed) const {
  const Key* k = find_key(*section_, key);
  if (!k)
    throw std::logic_error(
        fmt::format("config reader: [{}] {} is not in the key table", section_->name, key));
  if (std::find(types.begin(), types.end(), k->type) == types.end())
    throw std::logic_error(
        fmt::format("config reader: [{}] {} is read as another type", section_->name, key));
  if (computed != !k->computed.empty())
    throw std::logic_error(fmt::format("config reader: [{}] {}: the default is {}computed",
                                       section_->name, key, computed ? "not " : ""));
  return *k;
}

const Section& TableReader::subsection(std::string_view key) const {
  std::string full =
      section_->name.empty() ? std::string(key) : fmt::format("{}.{}", section_->name, key);
  const Section* s = find_section(full);
  if (!s) throw std::logic_error(fmt::format("config reader: [{}] is not in the key table", full));
  return *s;
}

std::string TableReader::where(const toml::source_region& r) const {
  if (r.begin.line == 0) return file_;
  return fmt::format("{}:{}:{}", file_, r.begin.line, r.begin.column);
}

std::string TableReader::name(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

const toml::node* TableReader::get(std::string_view key) {
  seen_.emplace(key);
  if (!table_) return nullptr;
  return table_->get(key);
}

void TableReader::error_at(std::string_view key, const std::string& text) {
  const toml::node* n = table_ ? table_->get(key) : nullptr;
  toml::source_region r = n ? n->source() : (table_ ? table_->source() : toml::source_region{});
  errors_->push_back(fmt::format("{}: {}: {}", where(r), name(key), text));
}

void TableReader::type_error(std::string_view key, const toml::node& n, std::string_view expected) {
  errors_->push_back(fmt::format("{}: {}: expected {}, found a {}", where(n.source()), name(key),
                                 expected,
                                 toml::impl::node_type_friendly_names[static_cast<int>(n.type())]));
}

std::string TableReader::string_or(std::string_view key, std::string def) {
  const toml::node* n = get(key);
  if (!n) return def;
  if (auto v = n->value<std::string>()) return *v;
  type_error(key, *n, "a string");
  return def;
}

template <class T>
T TableReader::put(std::string_view key, T value) {
  recorded_->values.insert_or_assign(std::string(key), shown(value));
  return value;
}

std::string TableReader::string(std::string_view key) {
  return put(key, string_or(key, std::string(spec(key, {KeyType::string}, false).text)));
}

std::string TableReader::string(std::string_view key, std::string computed) {
  spec(key, {KeyType::string}, true);
  return put(key, string_or(key, std::move(computed)));
}

bool TableReader::boolean(std::string_view key) {
  const bool def = spec(key, {KeyType::boolean}, false).number != 0;
  const toml::node* n = get(key);
  if (!n) return put(key, def);
  if (n->is_boolean()) return put(key, *n->value<bool>());
  type_error(key, *n, "true or false");
  return put(key, def);
}

std::int64_t TableReader::integer_in(std::string_view key, std::int64_t def, std::int64_t min,
                                     std::int64_t max) {
  const toml::node* n = get(key);
  if (!n) return def;
  if (!n->is_integer()) {
    type_error(key, *n, fmt::format("an integer in {}..{}", min, max));
    return def;
  }
  std::int64_t v = *n->value<std::int64_t>();
  if (v < min || v > max) {
    error_at(key, fmt::format("{} is out of range; allowed {}..{}", v, min, max));
    return def;
  }
  return v;
}

std::int64_t TableReader::integer(std::string_view key) {
  const Key& k = spec(key, {KeyType::integer}, false);
  return put(key, integer_in(key, k.number, k.min, k.max));
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t computed) {
  const Key& k = spec(key, {KeyType::integer}, true);
  return put(key, integer_in(key, computed, k.min, k.max));
}

Duration TableReader::duration(std::string_view key) { return put(key, duration_read(key)); }

Duration TableReader::duration_read(std::string_view key) {
  const Key& k = spec(key, {KeyType::duration}, false);
  const Duration def(k.number), min(k.min), max(k.max);
  const toml::node* n = get(key);
  if (!n) return def;
  auto s = n->value<std::string>();
  std::string range = fmt::format("{}..{}", format_duration(min), format_duration(max));
  if (!s) {
    type_error(key, *n, fmt::format("a duration string such as \"30s\" in {}", range));
    return def;
  }
  auto d = parse_duration(*s);
  if (!d) {
    error_at(key,
             fmt::format("\"{}\" is not a duration; write a whole number with ms, s, m, h or d "
                         "(e.g. \"30s\"), allowed {}",
                         *s, range));
    return def;
  }
  if (*d < min || *d > max) {
    error_at(key, fmt::format("\"{}\" is out of range; allowed {}", *s, range));
    return def;
  }
  return *d;
}

std::uint64_t TableReader::size(std::string_view key) { return put(key, size_read(key)); }

std::uint64_t TableReader::size_read(std::string_view key) {
  const Key& k = spec(key, {KeyType::size}, false);
  const auto def = static_cast<std::uint64_t>(k.number), min = static_cast<std::uint64_t>(k.min),
             max = static_cast<std::uint64_t>(k.max);
  const toml::node* n = get(key);
  if (!n) return def;
  auto s = n->value<std::string>();
  std::string range = fmt::format("{}..{}", format_size(min), format_size(max));
  if (!s) {
    type_error(key, *n, fmt::format("a size string such as \"25MiB\" in {}", range));
    return def;
  }
  auto v = parse_size(*s);
  if (!v) {
    error_at(key,
             fmt::format("\"{}\" is not a size; write a whole number with B, KiB, MiB, GiB, KB, "
                         "MB or GB (e.g. \"25MiB\"), allowed {}",
                         *s, range));
    return def;
  }
  if (*v < min || *v > max) {
    error_at(key, fmt::format("\"{}\" is out of range; allowed {}", *s, range));
    return def;
  }
  return *v;
}

std::filesystem::path TableReader::path_or(std::string_view key, const std::filesystem::path& def) {
  std::string s = string_or(key, def.string());
  if (s.empty()) return {};
  std::filesystem::path p(s);
  if (p.is_relative()) p = std::filesystem::current_path() / p;
  return p.lexically_normal();
}

std::filesystem::path TableReader::path(std::string_view key) {
  return put(key, path_or(key, std::filesystem::path(spec(key, {KeyType::path}, false).text)));
}

std::filesystem::path TableReader::path(std::string_view key,
                                        const std::filesystem::path& computed) {
  spec(key, {KeyType::path}, true);
  return put(key, path_or(key, computed));
}

Secret TableReader::secret(std::string_view key, std::string computed) {
  return put(key, secret_read(key, std::move(computed)));
}

Secret TableReader::secret_read(std::string_view key, std::string computed) {
  spec(key, {KeyType::secret}, true);
  std::string ref = string_or(key, std::move(computed));
  if (ref.empty()) return {};
  std::filesystem::path file;
  if (ref.starts_with("file:")) {
    file = ref.substr(5);
    if (file.is_relative()) file = std::filesystem::current_path() / file;
  } else if (ref.starts_with("credential:")) {
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (!dir || !*dir) {
      error_at(key, fmt::format("\"{}\" names a systemd credential but $CREDENTIALS_DIRECTORY is "
                                "not set (add LoadCredential= to the unit)",
                                ref));
      return {};
    }
    file = std::filesystem::path(dir) / ref.substr(11);
  } else {
    error_at(key, "a secret is never written inline; write \"file:/path\" or \"credential:NAME\"");
    return {};
  }
  std::string err;
  std::string value = read_file(file, err);
  if (!err.empty()) {
    error_at(key, err);
    return {};
  }
  // A trailing newline from `echo > file` is not part of the key.
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
  if (value.size() < 16) {
    error_at(key, fmt::format("the secret in {} is shorter than 16 bytes", file.string()));
    return {};
  }
  return Secret(ref, std::move(value));
}

template <class T>
std::vector<T> TableReader::array(std::string_view key, std::vector<T> def,
                                  std::string_view expected) {
  const toml::node* n = get(key);
  if (!n) return def;
  const toml::array* a = n->as_array();
  if (!a) {
    type_error(key, *n, expected);
    return def;
  }
  std::vector<T> out;
  for (const toml::node& e : *a) {
    if (auto v = e.value<T>())
      out.push_back(*v);
    else
      errors_->push_back(
          fmt::format("{}: {}: expected {}", where(e.source()), name(key), expected));
  }
  return out;
}

std::vector<std::string> TableReader::strings(std::string_view key) {
  const Key& k = spec(key, {KeyType::strings, KeyType::paths}, false);
  return put(key, array<std::string>(key, {k.list.begin(), k.list.end()}, "an array of strings"));
}

std::vector<std::string> TableReader::strings(std::string_view key,
                                              std::vector<std::string> computed) {
  spec(key, {KeyType::strings, KeyType::paths}, true);
  return put(key, array<std::string>(key, std::move(computed), "an array of strings"));
}

std::vector<std::int64_t> TableReader::integers(std::string_view key) {
  spec(key, {KeyType::integers}, false);
  return put(key, array<std::int64_t>(key, {}, "an array of integers"));
}

std::string TableReader::one_of(std::string_view key) {
  const Key& k = spec(key, {KeyType::choice}, false);
  std::string def(k.text);
  std::string v = string_or(key, def);
  for (auto a : k.choices)
    if (a == v) return put(key, v);
  error_at(key,
           fmt::format("\"{}\" is not allowed; choose one of: {}", v, fmt::join(k.choices, ", ")));
  return put(key, def);
}

TableReader TableReader::table(std::string_view key) {
  const Section& sub = subsection(key);
  const toml::node* n = get(key);
  const toml::table* t = nullptr;
  if (n) {
    t = n->as_table();
    if (!t) type_error(key, *n, "a table");
  }
  TableReader r(t, sub, file_, name(key), *errors_);
  recorded_->tables.insert_or_assign(std::string(key), r.recorded_);
  return r;
}

void TableReader::each_table(std::string_view key, const std::function<void(TableReader&)>& fn) {
  const Section& sub = subsection(key);
  auto& entries = recorded_->arrays[std::string(key)];
  const toml::node* n = get(key);
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) {
    type_error(key, *n, "an array of tables ([[" + name(key) + "]])");
    return;
  }
  std::size_t i = 0;
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    std::string item = fmt::format("{}[{}]", name(key), i++);
    if (!t) {
      errors_->push_back(fmt::format("{}: {}: expected a table", where(e.source()), item));
      continue;
    }
    TableReader r(t, sub, file_, item, *errors_);
    entries.push_back(r.recorded_);
    fn(r);
    r.finish();
  }
}

void TableReader::finish() {
  // The table is the one list of keys: the reader must have asked for each.
  for (const Key& k : section_->keys)
    if (!seen_.count(k.name))
      throw std::logic_error(
          fmt::format("config reader: [{}] {} was not read", section_->name, k.name));
  for (const Section& sub : sections()) {
    const auto last = child_name(sub, *section_);
    if (!last) continue;
    if (!seen_.count(*last))
      throw std::logic_error(fmt::format("config reader: [{}] was not read", sub.name));
  }
  if (!table_) return;
  for (const auto& [k, v] : *table_) {
    if (seen_.count(k.str())) continue;
    errors_->push_back(fmt::format("{}: unknown key '{}'", where(k.source()), name(k.str())));
  }
}

namespace {

boost::json::object render(const Section& section, const Recorded& r) {
  boost::json::object out;
  for (const Key& k : section.keys)
    if (auto it = r.values.find(k.name); it != r.values.end()) out[k.name] = it->second;
  for (const Section& sub : sections()) {
    const auto child = child_name(sub, section);
    if (!child) continue;
    const std::string_view last = *child;
    if (sub.array) {
      boost::json::array a;
      if (auto it = r.arrays.find(last); it != r.arrays.end())
        for (const auto& e : it->second) a.push_back(render(sub, *e));
      out[last] = std::move(a);
    } else if (auto it = r.tables.find(last); it != r.tables.end()) {
      out[last] = render(sub, *it->second);
    }
  }
  return out;
}

}  // namespace

boost::json::object TableReader::effective() const { return render(*section_, *recorded_); }

}  // namespace sluis::config::detail
