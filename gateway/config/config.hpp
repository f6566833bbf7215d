// sluisd's configuration: TOML (toml++) into plain structs with defaults.
//
// Every key has a default here and is documented in config/sluisd.toml. Unknown
// keys and bad values are refused with file:line:col and the allowed range;
// all errors of a file are reported at once (ConfigError::errors). Durations
// carry units ("30s", "500ms", "5m"), sizes too ("25MiB").
//
// Secrets (the key for hashing BSNs …) are never written inline: a secret key
// holds a reference, "file:/path" or "credential:NAME" (a systemd credential
// under $CREDENTIALS_DIRECTORY). The loaded bytes live in Secret, which no
// printer or config-get shows.
//
// Relative paths are resolved against the working directory at load time, so a
// reload later never changes what they mean.
//
// Adding a section: a struct below, a member in Config, its reader in
// sections.cpp, its keys in config/sluisd.toml, its to_json in config_json.cpp.
//
// Threading: load_config is pure (reads files, no globals); the App swaps a
// shared_ptr<const Config> on reload (transactional: parse new, swap on success).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/core/log.hpp"

namespace sluis::config {

using Duration = std::chrono::milliseconds;

// Bytes of a secret, loaded at config time. Deliberately not printable.
class Secret {
 public:
  Secret() = default;
  Secret(std::string ref, std::string value) : ref_(std::move(ref)), value_(std::move(value)) {}
  bool empty() const { return value_.empty(); }
  const std::string& reference() const { return ref_; }  // "file:…"/"credential:…", safe to show
  const std::string& reveal() const { return value_; }

 private:
  std::string ref_;
  std::string value_;
};

struct AdminConfig {
  std::filesystem::path socket;      // default: $RUNTIME_DIRECTORY or state_dir, + /sluisd.sock
  std::string group = "sluis-admin"; // group owning the socket; mode 0660
  bool group_required = false;       // when false a missing group only logs a warning
  int max_connections = 16;
  Duration read_timeout = std::chrono::seconds(30);
  std::uint64_t max_request = 1 << 20;  // 1 MiB
};

// TLS material of the HTTPS listener. Reloadable: new connections use the new
// context, running ones keep theirs.
struct TlsConfig {
  std::filesystem::path cert;            // server certificate chain (PEM)
  std::filesystem::path key;             // its private key (PEM)
  std::vector<std::filesystem::path> ca; // CA bundle(s) client certificates must chain to
  std::vector<std::filesystem::path> crl;  // CRLs (PEM); when set, every chain is checked
};

// The HTTPS listener partners submit to (mutual TLS). Env SLUIS_PORT overrides
// `port`; port 0 takes any free port (status-get shows which).
struct HttpsConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = 8443;
  TlsConfig tls;
  int max_connections = 1024;
  // Connections one client address may hold at once: a client without a
  // certificate (or a flood from one address) cannot take every slot.
  int max_connections_per_address = 64;
  // A connection is closed after this long (after the answer in flight), so
  // no connection outlives its certificate check by much and clients reconnect.
  Duration max_connection_age = std::chrono::hours(1);
  Duration handshake_timeout = std::chrono::seconds(10);
  Duration header_timeout = std::chrono::seconds(10);
  Duration body_timeout = std::chrono::seconds(60);
  Duration idle_timeout = std::chrono::seconds(60);
  std::uint64_t max_header = 16 << 10;        // 16 KiB
  std::uint64_t max_body = 25ULL << 20;       // 25 MiB, the chain's limit
};

// The plain-HTTP listener for /healthz (and /metrics), loopback only.
// Env SLUIS_PLAIN_PORT overrides `port`.
struct PlainConfig {
  bool enabled = true;
  std::string address = "127.0.0.1";
  int port = 8080;
};

enum class PartnerRole { gemeente, aanbieder, intermediair };
enum class PartnerMode { not_enrolled, shadow, live };

// How a client certificate is recognised: by the SHA-256 of its
// SubjectPublicKeyInfo (preferred), or by its subject together with the CA
// that issued it.
struct CertIdentity {
  std::string spki_sha256;             // lowercase hex, 64 chars
  std::string subject;                 // RFC 2253, e.g. "CN=aanbieder 87654321,O=…"
  std::filesystem::path issuer_ca;     // PEM of the issuing CA (required with subject)
};

enum class RetourMode { partner, gateway };
enum class OrphanMode { refuse, hold };

struct Partner {
  std::string id;                      // operator's name for the partner, unique
  PartnerRole role = PartnerRole::aanbieder;
  std::vector<std::string> codes;      // AGB (8 digits) / CBS (4 digits) codes it may act for
  PartnerMode mode = PartnerMode::live;
  // Who answers the messages this partner receives (its retours and 325s):
  // "partner" (default) the partner itself, sluis's cross-message findings are
  // advisory; "gateway" sluis composes and delivers them from its findings.
  RetourMode retour = RetourMode::partner;
  // A 305/307/323 addressed to this partner naming an allocation sluis does
  // not know (9019/9338): "refuse" (default) judges it like any finding;
  // "hold" parks it (state held) until the 301 arrives, then judges it again;
  // for the migration window of a partner whose history is not imported yet.
  OrphanMode orphans = OrphanMode::refuse;
  std::vector<CertIdentity> certificates;
  double rate = 0;                     // requests per second; 0 = unlimited
  int burst = 0;                       // bucket size; default 2 x rate
};

std::string_view to_string(PartnerRole r);
std::string_view to_string(PartnerMode m);

// Reference lists of the external-list rules (TR378 CBS codes, TR381 product
// codes). Reloadable with `sluisctl reference-reload`.
struct ReferenceConfig {
  std::filesystem::path cbs_gemeenten;  // default <datadir>/reference/cbs-gemeenten.csv
  std::filesystem::path productcodes;   // default <datadir>/reference/productcodes.csv
};

// Schema packs: which law/release packs are active (two releases can be active
// side by side), and the hardening limits of XML parsing.
struct SchemasConfig {
  std::filesystem::path dir;            // root with <law>/<release>/ packs; default installed
  std::vector<std::string> packs = {"iwmo/3.2", "ijw/3.2"};
  std::uint64_t max_message = 25ULL << 20;  // 25 MiB, the chain's limit (OP179)
  int max_depth = 64;                   // element nesting; the deepest 3.2 message needs ~12
  int max_entity_expansions = 100;      // SecurityManager limit (no DTDs anyway)
};

// The message store (gateway/store). SQLite now; "postgresql" joins in [scale].
struct StoreConfig {
  std::string engine = "sqlite";
  std::filesystem::path path;   // default <state_dir>/sluis.db
  Duration busy_timeout = std::chrono::seconds(5);
  int max_batch = 256;          // commits per group-commit transaction
  int max_queue = 1024;         // writes waiting for the writer before HTTPS stops reading bodies
  // The retention pruner (Store::prune_bodies): bodies of acknowledged and
  // rejected messages older than `retention` are removed every prune_interval.
  Duration retention = std::chrono::hours(24 * 62);  // at least 62 days: the chain keeps two months
  Duration prune_interval = std::chrono::hours(1);
};

// The intake pipeline.
struct IntakeConfig {
  int validation_threads = 0;  // threads validating messages; 0 = one per core
};

// The working-day calendar of the standard's deadlines (core/calendar.hpp).
struct CalendarConfig {
  bool goede_vrijdag_closed = false;
  std::vector<std::string> closing_days;  // extra closing days, "YYYY-MM-DD"
};

// Delivery (gateway/route): the scheduler's retry policy.
struct DeliveryConfig {
  Duration min_backoff = std::chrono::minutes(1);
  Duration max_backoff = std::chrono::hours(1);
  Duration max_lifetime = std::chrono::hours(24 * 5);  // then dead
  Duration scan_interval = std::chrono::seconds(1);     // looks for due work at least this often
  Duration pickup_interval = std::chrono::seconds(30);  // drop directories: checks for picked-up files
};

// The standard's deadlines: how often owed answers are checked against their
// due dates (gauge sluis_overdue_answers, one log line per newly overdue answer).
struct DeadlinesConfig {
  Duration scan_interval = std::chrono::minutes(1);
};

enum class DestinationKind { mailbox, push, drop };
std::string_view to_string(DestinationKind k);

// Where messages for a partner go. Every partner has an implicit mailbox
// destination (id "mailbox:<partner id>"); push and drop are configured.
struct DestinationConfig {
  std::string id;
  DestinationKind kind = DestinationKind::mailbox;
  std::string partner;                  // the partner it delivers to (receiver_partner)
  // push
  std::string url;                      // https://host[:port]/path
  std::filesystem::path ca;             // the CA pinned for the receiver's server certificate
  std::filesystem::path client_cert;    // sluis's client certificate (default https.tls.cert)
  std::filesystem::path client_key;     // its key (default https.tls.key)
  int concurrency = 4;                  // attempts in flight at once
  Duration timeout = std::chrono::seconds(30);  // one attempt, connect to answer
  // drop
  std::filesystem::path directory;
};

// One routing rule: messages of `law` (empty: both), of `types` (empty: all)
// to a receiver code in `receivers` go to `destination` from `from` to `until`
// (inclusive Dutch dates; empty: open). The first matching rule wins; without
// one a message goes to the mailbox of the partner owning the receiver code.
struct RouteConfig {
  std::string law;
  std::vector<int> types;
  std::vector<std::string> receivers;
  std::string destination;
  std::string from, until;
};

struct SecretsConfig {
  Secret bsn_hash_key;  // HMAC key for the BSN search hash (store)
};

struct Config {
  std::filesystem::path source;      // the file this came from (absolute)
  std::string hash;                  // sha256 of the file's bytes
  std::filesystem::path state_dir;   // default: $STATE_DIRECTORY, else ./var
  core::Level log_level = core::Level::info;
  Duration drain_timeout = std::chrono::seconds(10);
  AdminConfig admin;
  HttpsConfig https;
  PlainConfig plain;
  std::vector<Partner> partners;
  CalendarConfig calendar;
  DeliveryConfig delivery;
  DeadlinesConfig deadlines;
  std::vector<DestinationConfig> destinations;
  std::vector<RouteConfig> routes;
  ReferenceConfig reference;
  SchemasConfig schemas;
  StoreConfig store;
  IntakeConfig intake;
  SecretsConfig secrets;
};

// Raised by load_config with every error found, each "file:line:col: text".
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> errors);
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// Parses and validates a config file (and reads its secrets). Throws ConfigError.
Config load_config(const std::filesystem::path& file);
// Same, from text (tests); `name` is used in error positions.
Config parse_config(std::string_view text, const std::string& name);

// Formats a duration the way the config accepts it ("30s", "1500ms").
std::string format_duration(Duration d);
// Formats a size the way the config accepts it ("25MiB", "1000B").
std::string format_size(std::uint64_t bytes);

}  // namespace sluis::config
