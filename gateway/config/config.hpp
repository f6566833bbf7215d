// sluisd's configuration: TOML (toml++) into plain structs with defaults.
//
// Every key is declared once, in the tables of keys.hpp (name, type, default,
// range, unit, help); the structs below take their defaults from there, the
// reader its defaults and ranges, and the documented examples
// (config/sluisd.toml, config/sluisd.production.toml) their text. Unknown keys
// and bad values are refused with file:line:col and the allowed range; all
// errors of a file are reported at once (ConfigError::errors). Durations carry
// units ("30s", "500ms", "5m"), sizes too ("25MiB").
//
// This module only parses and range-checks. Whether what the file names can be
// loaded (certificates, partners, lanes, schema packs, reference lists) is
// checked by app::check_config_file, the one check path of --check-config,
// config-test and reload.
//
// Secrets (the key for hashing BSNs …) are never written inline: a secret key
// holds a reference, "file:/path" or "credential:NAME" (a systemd credential
// under $CREDENTIALS_DIRECTORY). The loaded bytes live in Secret, which no
// printer or config-get shows.
//
// Relative paths are resolved against the working directory at load time, so a
// reload later never changes what they mean.
//
// Adding a section: its table in keys.hpp, a struct below, a member in Config,
// its reader in config.cpp (config-get shows what the reader read); then regenerate the
// examples (`sluisd --print-config-example development|production`).
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

#include "gateway/config/destination_kind.hpp"
#include "gateway/config/keys.hpp"
#include "gateway/core/log.hpp"

namespace boost::json {
class object;
}

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
  std::filesystem::path socket;  // default: $RUNTIME_DIRECTORY or state_dir, + /sluisd.sock
  std::string group{keys::text(keys::kAdmin, "group")};  // group owning the socket; mode 0660
  bool group_required = keys::flag(keys::kAdmin, "group_required");  // else a warning only
  int max_connections = static_cast<int>(keys::number(keys::kAdmin, "max_connections"));
  Duration read_timeout = Duration(keys::number(keys::kAdmin, "read_timeout"));
  std::uint64_t max_request = keys::number(keys::kAdmin, "max_request");
};

// TLS material of the HTTPS listener. Reloadable: new connections use the new
// context, running ones keep theirs.
struct TlsConfig {
  std::filesystem::path cert;              // server certificate chain (PEM)
  std::filesystem::path key;               // its private key (PEM)
  std::vector<std::filesystem::path> ca;   // CA bundle(s) client certificates must chain to
  std::vector<std::filesystem::path> crl;  // CRLs (PEM); when set, every chain is checked
};

// The HTTPS listener partners submit to (mutual TLS). Env SLUIS_PORT overrides
// `port`; port 0 takes any free port (status-get shows which).
struct HttpsConfig {
  bool enabled = keys::flag(keys::kHttps, "enabled");
  std::string address{keys::text(keys::kHttps, "address")};
  int port = static_cast<int>(keys::number(keys::kHttps, "port"));
  TlsConfig tls;
  int max_connections = static_cast<int>(keys::number(keys::kHttps, "max_connections"));
  // Connections one client address may hold at once: a client without a
  // certificate (or a flood from one address) cannot take every slot.
  int max_connections_per_address =
      static_cast<int>(keys::number(keys::kHttps, "max_connections_per_address"));
  // A connection is closed after this long (after the answer in flight), so
  // no connection outlives its certificate check by much and clients reconnect.
  Duration max_connection_age = Duration(keys::number(keys::kHttps, "max_connection_age"));
  Duration handshake_timeout = Duration(keys::number(keys::kHttps, "handshake_timeout"));
  Duration header_timeout = Duration(keys::number(keys::kHttps, "header_timeout"));
  Duration body_timeout = Duration(keys::number(keys::kHttps, "body_timeout"));
  Duration idle_timeout = Duration(keys::number(keys::kHttps, "idle_timeout"));
  std::uint64_t max_header = keys::number(keys::kHttps, "max_header");
  std::uint64_t max_body = keys::number(keys::kHttps, "max_body");  // the chain's limit
  // The bodies in flight at once (net/body_budget.hpp); at least max_body.
  std::uint64_t max_body_memory = keys::number(keys::kHttps, "max_body_memory");
};

// The plain-HTTP listener for /healthz (and /metrics), loopback only.
// Env SLUIS_PLAIN_PORT overrides `port`.
struct PlainConfig {
  bool enabled = keys::flag(keys::kPlain, "enabled");
  std::string address{keys::text(keys::kPlain, "address")};
  int port = static_cast<int>(keys::number(keys::kPlain, "port"));
};

// monitoring: a central Prometheus; no codes, may only GET /metrics on the
// HTTPS listener (docs/metrics.md).
enum class PartnerRole { gemeente, aanbieder, intermediair, monitoring };
enum class PartnerMode { not_enrolled, shadow, live };

// How a client certificate is recognised: by the SHA-256 of its
// SubjectPublicKeyInfo (preferred), or by its subject together with the CA
// that issued it.
struct CertIdentity {
  std::string spki_sha256;          // lowercase hex, 64 chars
  std::string subject;              // RFC 2253, e.g. "CN=aanbieder 87654321,O=…"
  std::filesystem::path issuer_ca;  // PEM of the issuing CA (required with subject)
};

enum class RetourMode { partner, gateway };
enum class OrphanMode { refuse, hold };

struct Partner {
  std::string id;  // operator's name for the partner, unique
  PartnerRole role = PartnerRole::aanbieder;
  std::vector<std::string> codes;  // AGB (8 digits) / CBS (4 digits) codes it may act for
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
  double rate = 0;  // requests per second; 0 = unlimited
  int burst = 0;    // bucket size; default 2 x rate
};

std::string_view to_string(PartnerRole r);
std::string_view to_string(PartnerMode m);

// Reference lists of the external-list rules (TR378 CBS codes, TR381 product
// codes). Reloadable with `sluisctl reference-reload`.
struct ReferenceConfig {
  std::filesystem::path cbs_gemeenten;  // default <datadir>/reference/cbs-gemeenten.csv
  std::filesystem::path productcodes;   // default <datadir>/reference/productcodes.csv
};

// The region's contracts (docs/contracts.md): three CSV files, all set or all
// empty (no contract checks). Reloaded with the reference lists.
struct ContractsConfig {
  std::filesystem::path catalogue;
  std::filesystem::path coverage;
  std::filesystem::path tariffs;
  // Budget ceilings and contingents (SL004, SL005; advice only); optional,
  // and only with the three above.
  std::filesystem::path ceilings;
  // The retourcode of SL001 (product not contracted); empty = advice only.
  std::string uncontracted_retourcode;
  // The laws whose catalogue feeds TR381 in the municipalities covered.
  std::vector<std::string> catalogue_product_list{
      keys::list(keys::kContracts, "catalogue_product_list").begin(),
      keys::list(keys::kContracts, "catalogue_product_list").end()};
  // The degressive tariff (optional, needs the three above) and whose
  // etmalen it counts: "all" or "intake_year".
  std::filesystem::path degressive;
  std::string degressive_scope = "all";
  bool configured() const { return !catalogue.empty(); }
};

// Schema packs: which law/release packs are active (two releases can be active
// side by side), and the hardening limits of XML parsing.
struct SchemasConfig {
  std::filesystem::path dir;  // root with <law>/<release>/ packs; default installed
  std::vector<std::string> packs{keys::list(keys::kSchemas, "packs").begin(),
                                 keys::list(keys::kSchemas, "packs").end()};
  std::uint64_t max_message = keys::number(keys::kSchemas, "max_message");  // OP179
  int max_depth = static_cast<int>(keys::number(keys::kSchemas, "max_depth"));
  // SecurityManager limit (no DTDs anyway)
  int max_entity_expansions =
      static_cast<int>(keys::number(keys::kSchemas, "max_entity_expansions"));
};

// The message store (gateway/store). SQLite now; "postgresql" joins in [scale].
struct StoreConfig {
  std::string engine{keys::text(keys::kStore, "engine")};
  std::filesystem::path path;  // default <state_dir>/sluis.db
  // Engine "postgresql": libpq's connection string, this node's name, its
  // claims' lease.
  Secret connection;
  std::string node;  // default: the host name
  Duration lease = Duration(keys::number(keys::kStore, "lease"));
  Duration busy_timeout = Duration(keys::number(keys::kStore, "busy_timeout"));
  // Commits per group-commit transaction.
  int max_batch = static_cast<int>(keys::number(keys::kStore, "max_batch"));
  // Writes waiting for the writer before HTTPS stops reading bodies.
  int max_queue = static_cast<int>(keys::number(keys::kStore, "max_queue"));
  // The retention pruner (Store::prune_bodies): bodies of acknowledged and
  // rejected messages older than `retention` are removed every prune_interval.
  // At least 62 days: the chain keeps two months.
  Duration retention = Duration(keys::number(keys::kStore, "retention"));
  Duration prune_interval = Duration(keys::number(keys::kStore, "prune_interval"));
};

// The intake pipeline.
struct IntakeConfig {
  // Threads validating messages; 0 = one per core.
  int validation_threads = static_cast<int>(keys::number(keys::kIntake, "validation_threads"));
};

// The working-day calendar of the standard's deadlines (core/calendar.hpp).
struct CalendarConfig {
  bool goede_vrijdag_closed = keys::flag(keys::kCalendar, "goede_vrijdag_closed");
  std::vector<std::string> closing_days;  // extra closing days, "YYYY-MM-DD"
};

// Delivery (gateway/route): the scheduler's retry policy.
struct DeliveryConfig {
  Duration min_backoff = Duration(keys::number(keys::kDelivery, "min_backoff"));
  Duration max_backoff = Duration(keys::number(keys::kDelivery, "max_backoff"));
  Duration max_lifetime = Duration(keys::number(keys::kDelivery, "max_lifetime"));  // then dead
  // Looks for due work at least this often.
  Duration scan_interval = Duration(keys::number(keys::kDelivery, "scan_interval"));
  // Drop directories: checks for picked-up files.
  Duration pickup_interval = Duration(keys::number(keys::kDelivery, "pickup_interval"));
};

// The standard's deadlines: how often owed answers are checked against their
// due dates (gauge sluis_overdue_answers, one log line per newly overdue answer).
struct DeadlinesConfig {
  Duration scan_interval = Duration(keys::number(keys::kDeadlines, "scan_interval"));
};

// The steering report's norm and traffic-light thresholds (steering/report.hpp):
// orange from the first percentage, red from the second.
struct SteeringConfig {
#define SLUIS_STEERING_KEY(k) static_cast<int>(keys::number(keys::kSteering, k))
  int waiting_norm_days = SLUIS_STEERING_KEY("waiting_norm_days");
  int min_count = SLUIS_STEERING_KEY("min_count");
  int rejected_orange = SLUIS_STEERING_KEY("rejected_orange_percent");
  int rejected_red = SLUIS_STEERING_KEY("rejected_red_percent");
  int answers_orange = SLUIS_STEERING_KEY("answers_orange_percent");
  int answers_red = SLUIS_STEERING_KEY("answers_red_percent");
  int waiting_orange = SLUIS_STEERING_KEY("waiting_orange_percent");
  int waiting_red = SLUIS_STEERING_KEY("waiting_red_percent");
#undef SLUIS_STEERING_KEY
};

// The watches (gateway/watch, docs/watches.md): how often they scan and
// their thresholds (werkdagen where the standard counts werkdagen).
struct WatchesConfig {
  Duration scan_interval = Duration(keys::number(keys::kWatches, "scan_interval"));
  int unread_werkdagen = static_cast<int>(keys::number(keys::kWatches, "unread_werkdagen"));
  int queue_growth_scans = static_cast<int>(keys::number(keys::kWatches, "queue_growth_scans"));
  int certificate_notice_days = static_cast<int>(keys::number(keys::kWatches, "certificate_notice_days"));
  int certificate_warning_days = static_cast<int>(keys::number(keys::kWatches, "certificate_warning_days"));
  int certificate_urgent_days = static_cast<int>(keys::number(keys::kWatches, "certificate_urgent_days"));
  int rejection_window_days = static_cast<int>(keys::number(keys::kWatches, "rejection_window_days"));
  int rejection_baseline_windows = static_cast<int>(keys::number(keys::kWatches, "rejection_baseline_windows"));
  int rejection_min_count = static_cast<int>(keys::number(keys::kWatches, "rejection_min_count"));
  int rejection_factor_percent = static_cast<int>(keys::number(keys::kWatches, "rejection_factor_percent"));
  int care_18_lead_weeks = static_cast<int>(keys::number(keys::kWatches, "care_18_lead_weeks"));
  int care_correction_werkdagen = static_cast<int>(keys::number(keys::kWatches, "care_correction_werkdagen"));
  int care_ending_weeks = static_cast<int>(keys::number(keys::kWatches, "care_ending_weeks"));
  int care_refused_days = static_cast<int>(keys::number(keys::kWatches, "care_refused_days"));
  // steering.waiting_norm_days, which allocation_unstarted uses (the reader copies it here).
  int waiting_norm_days = static_cast<int>(keys::number(keys::kSteering, "waiting_norm_days"));
  Duration closed_retention = Duration(keys::number(keys::kWatches, "closed_retention"));
};

// Where messages for a partner go. Every partner has an implicit mailbox
// destination (id "mailbox:<partner id>"); push and drop are configured.
struct DestinationConfig {
  std::string id;
  DestinationKind kind = DestinationKind::mailbox;
  std::string partner;  // the partner it delivers to (receiver_partner)
  // push
  std::string url;                    // https://host[:port]/path
  std::filesystem::path ca;           // the CA pinned for the receiver's server certificate
  std::filesystem::path client_cert;  // sluis's client certificate (default https.tls.cert)
  std::filesystem::path client_key;   // its key (default https.tls.key)
  // Attempts in flight at once.
  int concurrency = static_cast<int>(keys::number(keys::kDestinations, "concurrency"));
  // One attempt, connect to answer.
  Duration timeout = Duration(keys::number(keys::kDestinations, "timeout"));
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
  std::filesystem::path source;               // the file this came from (absolute)
  std::string hash;                           // sha256 of the file's bytes
  std::filesystem::path state_dir;            // default: $STATE_DIRECTORY, else ./var
  core::Level log_level = core::Level::info;  // keys::kRoot "log_level"
  Duration drain_timeout = Duration(keys::number(keys::kRoot, "drain_timeout"));
  AdminConfig admin;
  HttpsConfig https;
  PlainConfig plain;
  std::vector<Partner> partners;
  CalendarConfig calendar;
  DeliveryConfig delivery;
  DeadlinesConfig deadlines;
  SteeringConfig steering;
  WatchesConfig watches;
  std::vector<DestinationConfig> destinations;
  std::vector<RouteConfig> routes;
  ReferenceConfig reference;
  ContractsConfig contracts;
  SchemasConfig schemas;
  StoreConfig store;
  IntakeConfig intake;
  SecretsConfig secrets;
  // What the reader read, every key of keys.hpp's tables as config-get shows
  // it (config_json.hpp); set by parse_config.
  std::shared_ptr<const boost::json::object> effective;
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
