#define BOOST_TEST_MODULE config
#include "gateway/config/config.hpp"

#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "gateway/config/config_json.hpp"
#include "gateway/config/example.hpp"
#include "gateway/config/keys.hpp"

using namespace sluis::config;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Collects the errors of a config text that must be refused.
std::vector<std::string> errors_of(std::string_view text) {
  try {
    parse_config(text, "test.toml");
  } catch (const ConfigError& e) {
    return e.errors();
  }
  BOOST_FAIL("config was accepted: " << text);
  return {};
}

// Runs of blanks as one blank, none at the ends.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool contains(const std::vector<std::string>& errs, std::string_view needle) {
  for (const auto& e : errs)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() / ("sluis-config-test-" + std::to_string(::getpid()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& content) {
    std::ofstream(path / name) << content;
    return path / name;
  }
  fs::path path;
};

}  // namespace

BOOST_AUTO_TEST_CASE(empty_file_gives_documented_defaults) {
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  Config c = parse_config("", "empty.toml");
  BOOST_TEST(c.state_dir == fs::current_path() / "var");
  BOOST_TEST(c.admin.socket == fs::current_path() / "var" / "sluisd.sock");
  BOOST_TEST(c.admin.group == "sluis-admin");
  BOOST_TEST(c.admin.max_connections == 16);
  BOOST_CHECK(c.admin.read_timeout == 30s);
  BOOST_TEST(c.admin.max_request == 1u << 20);
  BOOST_CHECK(c.drain_timeout == 10s);
  BOOST_CHECK(c.log_level == sluis::core::Level::info);
  BOOST_CHECK(c.secrets.bsn_hash_key.empty());
  BOOST_TEST(c.hash.size() == 64u);
}

BOOST_AUTO_TEST_CASE(systemd_directories_are_the_defaults_under_systemd) {
  ::setenv("STATE_DIRECTORY", "/var/lib/sluis", 1);
  ::setenv("RUNTIME_DIRECTORY", "/run/sluis", 1);
  Config c = parse_config("", "x.toml");
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  BOOST_TEST(c.state_dir == fs::path("/var/lib/sluis"));
  BOOST_TEST(c.admin.socket == fs::path("/run/sluis/sluisd.sock"));
}

BOOST_AUTO_TEST_CASE(values_with_units) {
  Config c = parse_config(R"(
state_dir = "/srv/sluis"
drain_timeout = "1500ms"
log_level = "debug"
[admin]
socket = "/tmp/x.sock"
max_connections = 4
read_timeout = "2m"
max_request = "64KiB"
)",
                          "t.toml");
  BOOST_TEST(c.state_dir == fs::path("/srv/sluis"));
  BOOST_CHECK(c.drain_timeout == 1500ms);
  BOOST_CHECK(c.admin.read_timeout == 120s);
  BOOST_TEST(c.admin.max_request == 65536u);
  BOOST_TEST(c.admin.max_connections == 4);
  BOOST_TEST(format_duration(c.admin.read_timeout) == "2m");
  BOOST_TEST(format_size(c.admin.max_request) == "64KiB");
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_refused_with_position) {
  auto errs = errors_of("state_dir = \"/x\"\nstat_dir = \"/y\"\n[admin]\nsockett = \"/z\"\n");
  BOOST_TEST(errs.size() == 2u);
  BOOST_TEST(contains(errs, "test.toml:2:1: unknown key 'stat_dir'"));
  BOOST_TEST(contains(errs, "test.toml:4:1: unknown key 'admin.sockett'"));
}

BOOST_AUTO_TEST_CASE(unknown_sections_are_refused) {
  auto errs = errors_of("[admn]\nsocket = \"/x\"\n");
  BOOST_TEST(contains(errs, "unknown key 'admn'"));
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_allowed_range) {
  auto errs = errors_of(
      "drain_timeout = \"10 seconds\"\nlog_level = \"loud\"\n[admin]\nmax_connections = 0\n"
      "read_timeout = 5\nmax_request = \"2TB\"\n");
  BOOST_TEST(errs.size() == 5u);
  BOOST_TEST(contains(errs, "test.toml:1:17: drain_timeout: \"10 seconds\" is not a duration"));
  BOOST_TEST(contains(errs, "log_level: \"loud\" is not allowed; choose one of: err, warning"));
  BOOST_TEST(
      contains(errs, "test.toml:4:19: admin.max_connections: 0 is out of range; allowed 1..1024"));
  BOOST_TEST(contains(errs, "admin.read_timeout: expected a duration string"));
  BOOST_TEST(contains(errs, "admin.max_request: \"2TB\" is not a size"));
}

BOOST_AUTO_TEST_CASE(contracts_are_all_three_files_or_none) {
  auto cfg = parse_config("[https]\nenabled = false\n", "test.toml");
  BOOST_TEST(!cfg.contracts.configured());
  BOOST_TEST(cfg.contracts.uncontracted_retourcode.empty());
  auto errs = errors_of("[contracts]\ncatalogue = \"c.csv\"\ntariffs = \"t.csv\"\nuncontracted_retourcode = \"61\"\n");
  BOOST_TEST(errs.size() == 2u);
  BOOST_TEST(contains(errs, "contracts.coverage: catalogue, coverage and tariffs are set together"));
  BOOST_TEST(contains(errs, "test.toml:4:27: contracts.uncontracted_retourcode: \"61\" is not a retourcode"));
  cfg = parse_config(
      "[https]\nenabled = false\n[contracts]\ncatalogue = \"/c.csv\"\ncoverage = \"/g.csv\"\n"
      "tariffs = \"/t.csv\"\nuncontracted_retourcode = \"0611\"\n",
      "test.toml");
  BOOST_TEST(cfg.contracts.configured());
  BOOST_TEST(cfg.contracts.tariffs == std::filesystem::path("/t.csv"));
  BOOST_TEST(cfg.contracts.uncontracted_retourcode == "0611");
  BOOST_TEST(cfg.contracts.ceilings.empty());
  // Ceilings belong to contracts: alone they are refused at their key.
  errs = errors_of("[contracts]\nceilings = \"p.csv\"\n");
  BOOST_TEST(errs.size() == 1u);
  BOOST_TEST(contains(errs, "test.toml:2:12: contracts.ceilings: ceilings needs the contracts it belongs to"));
  cfg = parse_config(
      "[https]\nenabled = false\n[contracts]\ncatalogue = \"/c.csv\"\ncoverage = \"/g.csv\"\n"
      "tariffs = \"/t.csv\"\nceilings = \"/p.csv\"\n",
      "test.toml");
  BOOST_TEST(cfg.contracts.ceilings == std::filesystem::path("/p.csv"));
}

BOOST_AUTO_TEST_CASE(out_of_range_durations_and_sizes) {
  auto errs = errors_of("drain_timeout = \"11m\"\n[admin]\nmax_request = \"100B\"\n");
  BOOST_TEST(contains(errs, "drain_timeout: \"11m\" is out of range; allowed 0s..10m"));
  BOOST_TEST(contains(errs, "admin.max_request: \"100B\" is out of range; allowed 1KiB..64MiB"));
}

BOOST_AUTO_TEST_CASE(the_bodies_in_flight_hold_at_least_one_largest_body) {
  BOOST_TEST(parse_config("", "t.toml").https.max_body_memory == 128u << 20);
  Config c = parse_config("[https]\nmax_body = \"1MiB\"\nmax_body_memory = \"1MiB\"\n", "t.toml");
  BOOST_TEST(c.https.max_body_memory == 1u << 20);
  auto errs = errors_of("[https]\nmax_body = \"2MiB\"\nmax_body_memory = \"1MiB\"\n");
  BOOST_TEST_INFO((errs.empty() ? std::string() : errs.front()));
  BOOST_TEST(contains(errs, "https.max_body_memory"));
  BOOST_TEST(contains(errs, "at least max_body (2MiB)"));
}

BOOST_AUTO_TEST_CASE(wrong_types_are_refused) {
  auto errs = errors_of("state_dir = 3\n[admin]\ngroup_required = \"yes\"\n");
  BOOST_TEST(contains(errs, "test.toml:1:13: state_dir: expected a string, found a integer"));
  BOOST_TEST(contains(errs, "admin.group_required: expected true or false"));
}

BOOST_AUTO_TEST_CASE(syntax_errors_have_a_position) {
  auto errs = errors_of("[admin\nsocket = 1\n");
  BOOST_TEST(errs.size() == 1u);
  BOOST_TEST(errs[0].starts_with("test.toml:1:"));
}

BOOST_AUTO_TEST_CASE(secrets_are_never_inline) {
  auto errs = errors_of("[secrets]\nbsn_hash_key = \"0123456789abcdef0123\"\n");
  BOOST_TEST(contains(errs, "a secret is never written inline"));
}

// [store] engine = "postgresql": the connection string is a secret (it may
// hold a password), required for that engine, never shown; node defaults to
// the host name; lease within its range.
BOOST_AUTO_TEST_CASE(the_postgresql_engine_takes_its_connection_from_a_secret) {
  auto errs = errors_of("[store]\nengine = \"postgresql\"\n");
  BOOST_TEST(contains(errs, "connection"));
  BOOST_TEST(contains(errs, "needs the connection string"));
  errs = errors_of("[store]\nengine = \"postgresql\"\nconnection = \"host=/run/postgresql password=hunter2-x\"\n");
  BOOST_TEST(contains(errs, "a secret is never written inline"));
  for (const auto& e : errs) BOOST_TEST(e.find("hunter2") == std::string::npos, e);
  errs = errors_of("[store]\nengine = \"mysql\"\n");
  BOOST_TEST(contains(errs, "choose one of: sqlite, postgresql"));
  errs = errors_of("[store]\nlease = \"1s\"\n");
  BOOST_TEST(!errs.empty());

  TempDir dir;
  auto conn = dir.write("pg.conninfo", "host=/run/postgresql dbname=sluis password=s3cret-pw\n");
  Config c = parse_config("[store]\nengine = \"postgresql\"\nconnection = \"file:" + conn.string() +
                              "\"\nnode = \"sluis-b\"\nlease = \"2m\"\n",
                          "t.toml");
  BOOST_TEST(c.store.engine == "postgresql");
  BOOST_TEST(c.store.connection.reveal() == "host=/run/postgresql dbname=sluis password=s3cret-pw");
  BOOST_TEST(c.store.node == "sluis-b");
  BOOST_TEST(c.store.lease.count() == 120000);
  std::string json = boost::json::serialize(to_json(c));
  BOOST_TEST(json.find("s3cret") == std::string::npos);
  BOOST_TEST(json.find("file:") != std::string::npos);
  // The node's default: this machine's name.
  Config d = parse_config("", "t.toml");
  BOOST_TEST(d.store.engine == "sqlite");
  BOOST_TEST(!d.store.node.empty());
}

BOOST_AUTO_TEST_CASE(secrets_from_files_and_credentials) {
  TempDir dir;
  auto key = dir.write("bsn.key", "k3y-material-of-32-bytes-length!\n");
  Config c = parse_config("[secrets]\nbsn_hash_key = \"file:" + key.string() + "\"\n", "t.toml");
  BOOST_TEST(c.secrets.bsn_hash_key.reveal() == "k3y-material-of-32-bytes-length!");

  ::setenv("CREDENTIALS_DIRECTORY", dir.path.c_str(), 1);
  Config d = parse_config("[secrets]\nbsn_hash_key = \"credential:bsn.key\"\n", "t.toml");
  BOOST_TEST(d.secrets.bsn_hash_key.reveal() == "k3y-material-of-32-bytes-length!");
  ::unsetenv("CREDENTIALS_DIRECTORY");
  auto errs = errors_of("[secrets]\nbsn_hash_key = \"credential:bsn.key\"\n");
  BOOST_TEST(contains(errs, "$CREDENTIALS_DIRECTORY is not set"));

  dir.write("short.key", "short");
  errs =
      errors_of("[secrets]\nbsn_hash_key = \"file:" + (dir.path / "short.key").string() + "\"\n");
  BOOST_TEST(contains(errs, "shorter than 16 bytes"));
  errs = errors_of("[secrets]\nbsn_hash_key = \"file:/nonexistent/key\"\n");
  BOOST_TEST(contains(errs, "cannot read /nonexistent/key"));

  // config-get shows the reference, never the bytes.
  std::string json = boost::json::serialize(to_json(c));
  BOOST_TEST(json.find("k3y-material") == std::string::npos);
  BOOST_TEST(json.find("file:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(load_config_reads_the_file_and_reports_a_missing_one) {
  TempDir dir;
  auto file = dir.write("sluisd.toml", "state_dir = \"/srv/x\"\n");
  Config c = load_config(file);
  BOOST_TEST(c.source == file);
  BOOST_CHECK_THROW(load_config(dir.path / "missing.toml"), ConfigError);
}

BOOST_AUTO_TEST_CASE(the_shipped_example_is_valid) {
  const char* src = std::getenv("SLUIS_SOURCE_DIR");
  BOOST_REQUIRE(src);
  // The example names secrets under var/; check it from a scratch working dir
  // with those files present.
  TempDir dir;
  fs::create_directories(dir.path / "var" / "secrets");
  dir.write("var/secrets/bsn-hash.key", "0123456789abcdef0123456789abcdef");
  auto old = fs::current_path();
  fs::current_path(dir.path);
  BOOST_CHECK_NO_THROW(load_config(fs::path(src) / "config" / "sluisd.toml"));
  fs::current_path(old);
}

BOOST_AUTO_TEST_CASE(calendar_closing_days_must_be_dates) {
  Config c = parse_config(
      "[calendar]\ngoede_vrijdag_closed = true\nclosing_days = [\"2026-12-24\"]\n"
      "[https]\nenabled = false\n",
      "t.toml");
  BOOST_CHECK(c.calendar.goede_vrijdag_closed);
  BOOST_TEST(c.calendar.closing_days.size() == 1u);
  auto errs = errors_of("[calendar]\nclosing_days = [\"24-12-2026\"]\n");
  BOOST_TEST(contains(errs, "calendar.closing_days: \"24-12-2026\" is not a date"));
}

BOOST_AUTO_TEST_CASE(partners_are_validated) {
  auto errs = errors_of(R"(
[[partners]]
id = "a"
role = "gemeente"
codes = ["87654321"]
mode = "sometimes"
[[partners.certificates]]
spki_sha256 = "ABC"
[[partners]]
id = "a"
role = "aanbieder"
codes = []
)");
  BOOST_TEST(contains(errs, "\"87654321\" is not a CBS municipality code (4 digits)"));
  BOOST_TEST(contains(errs, "partners[0].mode: \"sometimes\" is not allowed"));
  BOOST_TEST(contains(errs, "partners[0].certificates[0].spki_sha256: expected 64 lowercase hex"));
  BOOST_TEST(contains(errs, "partners[1].id: partner id \"a\" is used twice"));
  BOOST_TEST(contains(errs, "partners[1].codes: a partner acts for at least one code"));
  BOOST_TEST(contains(errs, "partners[1].certificates: a partner needs at least one"));
}

BOOST_AUTO_TEST_CASE(partner_id_sluis_is_reserved_and_a_code_has_one_owner) {
  const std::string spki = "spki_sha256 = \"" + std::string(64, 'a') + "\"\n";
  auto errs = errors_of(
      "[https]\nenabled = false\n"
      "[[partners]]\nid = \"Sluis\"\nrole = \"gemeente\"\ncodes = [\"0935\"]\n"
      "[[partners.certificates]]\n" +
      spki +
      "[[partners]]\nid = \"regio\"\nrole = \"intermediair\"\ncodes = [\"0938\", \"0935\"]\n"
      "[[partners.certificates]]\n" +
      spki);
  // file:line:col of the offending key, then the key and why.
  BOOST_TEST(contains(
      errs, "test.toml:4:6: partners[0].id: partner id \"Sluis\" is reserved for sluis itself"));
  BOOST_TEST(contains(
      errs,
      "test.toml:12:9: partners[1].codes: code \"0935\" already belongs to partner \"Sluis\""));
  BOOST_TEST(!contains(errs, "\"0938\""));
  // Distinct codes and any other id are fine.
  Config c = parse_config(
      "[https]\nenabled = false\n"
      "[[partners]]\nid = \"sluis-west\"\nrole = \"gemeente\"\ncodes = [\"0935\"]\n"
      "[[partners.certificates]]\n" +
          spki +
          "[[partners]]\nid = \"regio\"\nrole = \"intermediair\"\ncodes = [\"0938\"]\n"
          "[[partners.certificates]]\n" +
          spki,
      "t.toml");
  BOOST_TEST(c.partners.size() == 2u);
}

BOOST_AUTO_TEST_CASE(https_connection_caps_per_address_and_age) {
  Config d = parse_config("", "d.toml");
  BOOST_TEST(d.https.max_connections_per_address == 64);
  BOOST_CHECK(d.https.max_connection_age == 1h);
  Config c = parse_config(
      "[https]\nmax_connections_per_address = 4\nmax_connection_age = \"10m\"\n", "t.toml");
  BOOST_TEST(c.https.max_connections_per_address == 4);
  BOOST_CHECK(c.https.max_connection_age == 10min);
  auto errs =
      errors_of("[https]\nmax_connections_per_address = 0\nmax_connection_age = \"500ms\"\n");
  BOOST_TEST(contains(
      errs,
      "test.toml:2:31: https.max_connections_per_address: 0 is out of range; allowed 1..100000"));
  BOOST_TEST(
      contains(errs, "https.max_connection_age: \"500ms\" is out of range; allowed 1s..30d"));
}

BOOST_AUTO_TEST_CASE(ports_come_from_the_environment_when_set) {
  ::setenv("SLUIS_PORT", "9443", 1);
  ::setenv("SLUIS_PLAIN_PORT", "0", 1);
  Config c = parse_config("[https]\nport = 8443\n", "t.toml");
  BOOST_TEST(c.https.port == 9443);
  BOOST_TEST(c.plain.port == 0);
  ::setenv("SLUIS_PORT", "http", 1);
  auto errs = errors_of("");
  ::unsetenv("SLUIS_PORT");
  ::unsetenv("SLUIS_PLAIN_PORT");
  BOOST_TEST(contains(errs, "SLUIS_PORT=\"http\" is not a port"));
}

// ---- the key tables: one source for the reader, config-get and the examples ----

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path source_dir() {
  const char* src = std::getenv("SLUIS_SOURCE_DIR");
  BOOST_REQUIRE(src);
  return src;
}

// The comment text of a file, '#' and line breaks removed, runs of blanks as one.
std::string comment_words(const std::string& file) {
  std::string out;
  std::istringstream in(file);
  for (std::string line; std::getline(in, line);) {
    auto hash = line.find('#');
    if (hash == std::string::npos) continue;
    out += ' ';
    out += line.substr(hash + 1);
  }
  return squeeze(out);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_committed_examples_are_printed_from_the_tables) {
  for (auto kind : {ExampleKind::development, ExampleKind::production}) {
    const fs::path file = source_dir() / example_file(kind);
    BOOST_TEST(read_file(file) == render_example(kind),
               file << " differs from what the key tables give; print it again with "
                       "`sluisd --print-config-example "
                    << (kind == ExampleKind::development ? "development" : "production") << "`");
  }
  BOOST_CHECK(example_named("development") == ExampleKind::development);
  BOOST_CHECK(example_named("production") == ExampleKind::production);
  BOOST_CHECK(!example_named("staging"));
}

BOOST_AUTO_TEST_CASE(each_example_documents_every_key_with_its_help_and_default) {
  for (auto kind : {ExampleKind::development, ExampleKind::production}) {
    const std::string text = read_file(source_dir() / example_file(kind));
    const std::string words = comment_words(text);
    for (const Section& s : sections()) {
      for (const Key& k : s.keys) {
        BOOST_TEST_CONTEXT(example_file(kind) << " [" << s.name << "] " << k.name) {
          BOOST_TEST(!k.help.empty());
          BOOST_TEST(words.find(squeeze(std::string(k.help))) != std::string::npos);
          const std::string shown = k.required ? "Required." : "Default: " + default_text(k) + ".";
          BOOST_TEST(words.find(squeeze(shown)) != std::string::npos);
          if (!allowed_text(k).empty())
            BOOST_TEST(words.find(squeeze("Allowed: " + allowed_text(k))) != std::string::npos);
          // Keys of plain tables appear as an assignment (perhaps commented out);
          // keys of [[arrays]] in the list of the block's keys.
          const std::string name(k.name);
          if (s.array)
            BOOST_TEST(text.find("#   " + name + " ") != std::string::npos);
          else
            BOOST_TEST((text.find("\n" + name + " = ") != std::string::npos ||
                        text.find("\n#" + name + " = ") != std::string::npos));
        }
      }
      if (!s.name.empty() && !s.array)
        BOOST_TEST(text.find("\n[" + std::string(s.name) + "]\n") != std::string::npos, s.name);
      if (s.array)
        BOOST_TEST(text.find("# [[" + std::string(s.name) + "]]: ") != std::string::npos, s.name);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_production_example_parses_with_absolute_paths_and_no_partners) {
  TempDir dir;
  dir.write("bsn-hash.key", "0123456789abcdef0123456789abcdef\n");
  ::setenv("CREDENTIALS_DIRECTORY", dir.path.c_str(), 1);
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  auto old = fs::current_path();
  fs::current_path(dir.path);  // a relative path would land here
  Config c;
  BOOST_CHECK_NO_THROW(c = load_config(source_dir() / "config" / "sluisd.production.toml"));
  fs::current_path(old);
  ::unsetenv("CREDENTIALS_DIRECTORY");
  BOOST_TEST(c.partners.empty());
  BOOST_TEST(c.destinations.empty());
  BOOST_TEST(c.state_dir == fs::path("/var/lib/sluis"));
  BOOST_TEST(c.store.path == fs::path("/var/lib/sluis/sluis.db"));
  auto under_etc = [](const fs::path& p) { return p.string().starts_with("/etc/sluis/"); };
  BOOST_TEST(under_etc(c.https.tls.cert));
  BOOST_TEST(under_etc(c.https.tls.key));
  BOOST_REQUIRE(c.https.tls.ca.size() == 1u);
  BOOST_TEST(under_etc(c.https.tls.ca[0]));
  BOOST_REQUIRE(c.https.tls.crl.size() == 1u);
  BOOST_TEST(under_etc(c.https.tls.crl[0]));
  BOOST_TEST(c.secrets.bsn_hash_key.reference() == "credential:bsn-hash.key");
  BOOST_TEST(c.admin.group_required);
  // What an operator must fill in is marked.
  BOOST_TEST(read_file(source_dir() / "config" / "sluisd.production.toml").find("# FILL IN: ") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_get_names_the_keys_of_the_tables_and_their_defaults) {
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  const std::string spki = std::string(64, 'a');
  Config c = parse_config(
      "[[partners]]\nid = \"g\"\nrole = \"gemeente\"\ncodes = [\"0935\"]\n"
      "[[partners.certificates]]\nspki_sha256 = \"" +
          spki +
          "\"\n"
          "[[partners.certificates]]\nsubject = \"CN=x\"\nissuer_ca = \"ca.pem\"\n"
          "[[destinations]]\nid = \"p\"\npartner = \"g\"\nurl = \"https://h/in\"\nca = \"ca.pem\"\n"
          "[[destinations]]\nid = \"d\"\nkind = \"drop\"\npartner = \"g\"\ndirectory = \"/tmp/d\"\n"
          "[[routes]]\nreceivers = [\"0935\"]\ndestination = \"d\"\n",
      "t.toml");
  const boost::json::value json = to_json(c);
  auto keys_of = [](const Section& s, const boost::json::object& o) {
    std::set<std::string> out;
    for (const auto& [k, v] : o) {
      // Sub-tables and arrays of tables are sections of their own.
      std::string sub =
          s.name.empty() ? std::string(k) : std::string(s.name) + "." + std::string(k);
      if (!find_section(sub)) out.insert(std::string(k));
    }
    return out;
  };
  auto table_keys = [](const Section& s) {
    std::set<std::string> out;
    for (const Key& k : s.keys) out.insert(std::string(k.name));
    return out;
  };
  for (const Section& s : sections()) {
    BOOST_TEST_CONTEXT("[" << s.name << "]") {
      // The section's JSON objects: walk its dotted name, into every element of arrays.
      std::vector<const boost::json::value*> level{&json};
      std::istringstream parts{std::string(s.name)};
      for (std::string part; !s.name.empty() && std::getline(parts, part, '.');) {
        std::vector<const boost::json::value*> next;
        for (const auto* l : level) {
          const auto& x = l->as_object().at(part);
          if (x.is_array())
            for (const auto& e : x.as_array()) next.push_back(&e);
          else
            next.push_back(&x);
        }
        level = next;
      }
      BOOST_TEST(!level.empty());
      std::set<std::string> got;
      for (const auto* l : level)
        for (const auto& k : keys_of(s, l->as_object())) got.insert(k);
      BOOST_TEST(got == table_keys(s), boost::test_tools::per_element());
    }
  }
  // Plain tables of an empty file: config-get shows each table default.
  const boost::json::object empty = to_json(parse_config("", "e.toml"));
  for (const Section& s : sections()) {
    if (s.array || s.name.find('.') != std::string_view::npos) continue;
    const boost::json::object& o = s.name.empty() ? empty : empty.at(s.name).as_object();
    for (const Key& k : s.keys) {
      if (!k.computed.empty()) continue;
      BOOST_TEST_CONTEXT("[" << s.name << "] " << k.name) {
        const boost::json::value& got = o.at(k.name);
        switch (k.type) {
          case KeyType::boolean:
            BOOST_TEST(got.as_bool() == (k.number != 0));
            break;
          case KeyType::integer:
            BOOST_TEST(got.as_int64() == k.number);
            break;
          case KeyType::duration:
            BOOST_TEST(got.as_string() == format_duration(Duration(k.number)));
            break;
          case KeyType::size:
            BOOST_TEST(got.as_string() == format_size(static_cast<std::uint64_t>(k.number)));
            break;
          case KeyType::string:
          case KeyType::choice:
            BOOST_TEST(got.as_string() == k.text);
            break;
          case KeyType::path:  // without a computed default: none ([contracts])
            BOOST_TEST(k.text.empty());
            BOOST_TEST(got.as_string() == "");
            break;
          case KeyType::strings:
          case KeyType::paths: {
            std::vector<std::string> want(k.list.begin(), k.list.end()), have;
            for (const auto& e : got.as_array()) have.emplace_back(e.as_string());
            BOOST_TEST(have == want, boost::test_tools::per_element());
            break;
          }
          default:
            BOOST_FAIL("a key type without a default check");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(config_get_shows_what_was_read_in_the_tables_order) {
  ::unsetenv("STATE_DIRECTORY");
  ::unsetenv("RUNTIME_DIRECTORY");
  Config c = parse_config(
      "log_level = \"debug\"\n"
      "[https]\nmax_body = \"2MiB\"\nidle_timeout = \"45s\"\n"
      "[[partners]]\nid = \"g\"\nrole = \"gemeente\"\ncodes = [\"0935\"]\n"
      "[[partners.certificates]]\nspki_sha256 = \"" +
          std::string(64, 'b') +
          "\"\n"
          "[[destinations]]\nid = \"d\"\nkind = \"drop\"\npartner = \"g\"\ndirectory = \"/tmp/d\"\n",
      "t.toml");
  const boost::json::object json = to_json(c);
  // The values the structs hold, formatted as written.
  BOOST_TEST(json.at("log_level").as_string() == "debug");
  BOOST_TEST(json.at("https").at("max_body").as_string() == format_size(c.https.max_body));
  BOOST_TEST(json.at("https").at("max_body").as_string() == "2MiB");
  BOOST_TEST(json.at("https").at("idle_timeout").as_string() == "45s");
  BOOST_TEST(json.at("https").at("tls").at("cert").as_string() == c.https.tls.cert.string());
  BOOST_TEST(json.at("store").at("path").as_string() == c.store.path.string());
  // Every entry of an array of tables shows every key of its table, set or not.
  const auto& d = json.at("destinations").as_array().at(0).as_object();
  BOOST_TEST(d.at("directory").as_string() == "/tmp/d");
  BOOST_TEST(d.at("url").as_string() == "");
  BOOST_TEST(d.size() == find_section("destinations")->keys.size());
  BOOST_TEST(json.at("routes").as_array().empty());
  // An unset secret is null, not an empty reference.
  BOOST_TEST(json.at("secrets").at("bsn_hash_key").is_null());
  // Keys in the order keys.hpp lists them, sub-tables after the keys.
  std::vector<std::string> order, want;
  for (const auto& [k, v] : json.at("https").as_object()) order.emplace_back(k);
  for (const Key& k : find_section("https")->keys) want.emplace_back(k.name);
  want.emplace_back("tls");
  BOOST_TEST(order == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_monitoring_partner_has_no_codes_and_receives_nothing) {
  const std::string cert = "[[partners.certificates]]\nspki_sha256 = \"" + std::string(64, 'b') + "\"\n";
  Config c = parse_config("[https]\nenabled = false\n[[partners]]\nid = \"prometheus\"\nrole = \"monitoring\"\n"
                          "codes = []\n" + cert,
                          "t.toml");
  BOOST_REQUIRE(c.partners.size() == 1u);
  BOOST_CHECK(c.partners[0].role == PartnerRole::monitoring);
  BOOST_TEST(to_string(c.partners[0].role) == "monitoring");
  // Codes are refused; a destination or a mailbox route to it is an error.
  auto errs = errors_of("[https]\nenabled = false\n"
                        "[[partners]]\nid = \"prometheus\"\nrole = \"monitoring\"\ncodes = [\"0935\"]\n" + cert +
                        "[[destinations]]\nid = \"d\"\nkind = \"drop\"\npartner = \"prometheus\"\ndirectory = \"/tmp/d\"\n"
                        "[[routes]]\nlaw = \"ijw\"\nreceivers = [\"0935\"]\ndestination = \"mailbox:prometheus\"\n");
  BOOST_TEST(contains(errs, "partners[0].codes: a partner with role \"monitoring\" acts for no code"));
  BOOST_TEST(contains(errs, "destination \"d\": partner \"prometheus\" has role monitoring and receives no messages"));
  BOOST_TEST(contains(errs, "route to \"mailbox:prometheus\": no such destination"));
}
