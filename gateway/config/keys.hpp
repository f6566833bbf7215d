// The configuration's keys: one table per section, the single place where a
// key's name, type, default, allowed range or values, unit and help text live.
//
// Everything else is drawn from these tables:
//   - the plain structs of config.hpp take their default member values from
//     them (at compile time: a misspelt key name does not build);
//   - the reader (config.cpp through reader.hpp) reads each key with the
//     default and range of its table, refuses keys no table lists and checks,
//     on every parse, that it read every key its table lists;
//   - the documented examples (config/sluisd.toml, config/sluisd.production.toml)
//     are printed from them by render_example() (example.hpp), and a unit test
//     holds the committed files equal to what it prints;
//   - config-get's JSON is what the reader recorded as it read each key
//     (TableReader::effective), in the tables' order; a unit test compares
//     its keys with the tables.
//
// Adding a key: a line in its table here, a member in its struct (default
// from the table), a read in config.cpp (config-get follows); then
// regenerate the examples (see README "Configuration").
//
// Threading: constants only. Ownership: static storage. Failure: none at run
// time; a key read that its table does not list is a programming error
// (std::logic_error from the reader).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sluis::config {

enum class KeyType {
  boolean,
  integer,   // range min..max, `unit` names what is counted
  duration,  // written "30s"; number, min and max in milliseconds
  size,      // written "25MiB"; number, min and max in bytes
  string,
  choice,    // one of `choices`
  path,      // relative paths resolve against the working directory at load
  paths,     // an array of paths
  strings,   // an array of strings; default `list`
  integers,  // an array of integers, each in min..max
  secret,    // a reference: "file:/path" or "credential:NAME"
};

struct Key {
  std::string_view name;
  KeyType type;
  std::int64_t number = 0;                      // default: boolean (0/1), integer, duration, size
  std::string_view text = {};                   // default: string, choice, path, secret
  std::span<const std::string_view> list = {};  // default: strings, paths
  std::int64_t min = 0, max = 0;                // integer, duration, size, integers
  std::span<const std::string_view> choices = {};
  std::string_view unit = {};
  std::string_view help = {};
  // A default that depends on where sluisd runs (systemd's directories, the
  // state dir, another key), in words; the reader computes it.
  std::string_view computed = {};
  // A value the examples show commented out (#key = …) when they set none.
  std::string_view example = {};
  bool required = false;  // keys of [[array]] entries that have no default
};

// A table ([name]) or an array of tables ([[name]]); name "" is the top level.
struct Section {
  std::string_view name;
  bool array;
  std::string_view help;
  std::span<const Key> keys;
};

namespace keys {

inline constexpr std::int64_t kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                              kDay = 24 * kHour;
inline constexpr std::int64_t kKiB = 1 << 10, kMiB = 1 << 20, kGiB = 1 << 30;

inline constexpr std::string_view kLogLevels[] = {"err", "warning", "notice", "info", "debug"};
inline constexpr Key kRoot[] = {
    {.name = "state_dir",
     .type = KeyType::path,
     .help = "Where sluisd keeps its data (the message store; sluisctl backup NAME writes only "
             "<state_dir>/backups/NAME).",
     .computed = "$STATE_DIRECTORY when systemd sets it (StateDirectory=sluis gives "
                 "/var/lib/sluis), otherwise ./var",
     .example = "\"var\""},
    {.name = "log_level",
     .type = KeyType::choice,
     .text = "info",
     .choices = kLogLevels,
     .help = "Lowest level that is logged."},
    {.name = "drain_timeout",
     .type = KeyType::duration,
     .number = 10 * kSecond,
     .min = 0,
     .max = 10 * kMinute,
     .help = "On SIGTERM or `sluisctl shutdown`: how long in-flight work may take to finish before "
             "it is cancelled."},
};

inline constexpr Key kAdmin[] = {
    {.name = "socket",
     .type = KeyType::path,
     .help = "The admin socket sluisctl talks to (a path of at most 107 bytes).",
     .computed = "$RUNTIME_DIRECTORY/sluisd.sock under systemd (/run/sluis/sluisd.sock), "
                 "otherwise <state_dir>/sluisd.sock",
     .example = "\"var/sluisd.sock\""},
    {.name = "group",
     .type = KeyType::string,
     .text = "sluis-admin",
     .help = "Group that may use the socket (mode 0660). Members of this group (primary or "
             "supplementary), root and sluisd's own user are admin peers: they may run every "
             "admin command, including shutdown. Any other peer that can connect may run only "
             "status-get, list-commands, queue-summary and reference-get (docs/operations.md, "
             "\"Who may run what\")."},
    {.name = "group_required",
     .type = KeyType::boolean,
     .number = 0,
     .help = "When true, sluisd refuses to start if the group is missing or cannot be set; when "
             "false it logs ADMIN_GROUP_MISSING and carries on (development)."},
    {.name = "max_connections",
     .type = KeyType::integer,
     .number = 16,
     .min = 1,
     .max = 1024,
     .unit = "connections",
     .help = "Connections served at once; one more is answered with an error."},
    {.name = "read_timeout",
     .type = KeyType::duration,
     .number = 30 * kSecond,
     .min = 100,
     .max = kHour,
     .help = "A client must send its whole request within this time."},
    {.name = "max_request",
     .type = KeyType::size,
     .number = kMiB,
     .min = kKiB,
     .max = 64 * kMiB,
     .help = "Largest request accepted."},
};

inline constexpr Key kHttps[] = {
    {.name = "enabled",
     .type = KeyType::boolean,
     .number = 1,
     .help = "Whether the listener is opened."},
    {.name = "address",
     .type = KeyType::string,
     .text = "127.0.0.1",
     .help = "The address the listener binds to."},
    {.name = "port",
     .type = KeyType::integer,
     .number = 8443,
     .min = 0,
     .max = 65535,
     .unit = "TCP port",
     .help = "Its port; 0 takes any free port (status-get shows which). The environment variable "
             "SLUIS_PORT overrides it."},
    {.name = "max_connections",
     .type = KeyType::integer,
     .number = 1024,
     .min = 1,
     .max = 100000,
     .unit = "connections",
     .help = "Connections served at once; one more is closed at once. The unit's LimitNOFILE must "
             "cover it plus the store, admin, pushes and drops (sluisd checks at start: "
             "DAEMON_FD_LIMIT_LOW, or exit 78 when far too low)."},
    {.name = "max_connections_per_address",
     .type = KeyType::integer,
     .number = 64,
     .min = 1,
     .max = 100000,
     .unit = "connections",
     .help = "Connections one client address may hold at once: clients without a certificate "
             "cannot take every slot. Raise it when many partners connect from one address (a "
             "software supplier hosting them)."},
    {.name = "max_connection_age",
     .type = KeyType::duration,
     .number = kHour,
     .min = kSecond,
     .max = 30 * kDay,
     .help = "A connection is closed after this long, after the answer in flight: clients "
             "reconnect, so every connection is re-handshaken and re-checked now and then."},
    {.name = "handshake_timeout",
     .type = KeyType::duration,
     .number = 10 * kSecond,
     .min = 100,
     .max = 300 * kSecond,
     .help = "The TLS handshake must be done within this time."},
    {.name = "header_timeout",
     .type = KeyType::duration,
     .number = 10 * kSecond,
     .min = 100,
     .max = 300 * kSecond,
     .help = "Bounds the whole header block of a request from its first byte (slow clients)."},
    {.name = "body_timeout",
     .type = KeyType::duration,
     .number = 60 * kSecond,
     .min = 100,
     .max = kHour,
     .help = "Bounds reading the body of a request, including a wait for the store "
             "(store.max_queue: 503 with Retry-After beyond)."},
    {.name = "idle_timeout",
     .type = KeyType::duration,
     .number = 60 * kSecond,
     .min = 100,
     .max = kHour,
     .help = "The wait for the next request on an open connection."},
    {.name = "max_header",
     .type = KeyType::size,
     .number = 16 * kKiB,
     .min = kKiB,
     .max = kMiB,
     .help = "Largest header block (431 beyond)."},
    {.name = "max_body",
     .type = KeyType::size,
     .number = 25 * kMiB,
     .min = kKiB,
     .max = kGiB,
     .help = "Largest body (413 beyond, decided before the body is read). 25MiB is the chain's "
             "limit for one message."},
    {.name = "max_body_memory",
     .type = KeyType::size,
     .number = 128 * kMiB,
     .min = kKiB,
     .max = 64 * kGiB,
     .help = "The bodies in flight at once: of requests, by their Content-Length (max_body for a "
             "chunked one), from before a body is read until its answer is made (judging a message "
             "takes about two to three times its body besides); and stored bodies read for an answer "
             "(a mailbox fetch, a message page) until it is written. A request that does not fit "
             "waits, in order of arrival; after body_timeout it gets 503 busy with Retry-After. At "
             "least max_body."},
};

inline constexpr Key kHttpsTls[] = {
    {.name = "cert",
     .type = KeyType::path,
     .help = "The server certificate chain (PEM).",
     .computed = "<state_dir>/pki/server.pem, of the development PKI scripts/run creates",
     .example = "\"var/pki/server.pem\""},
    {.name = "key",
     .type = KeyType::path,
     .help = "Its private key (PEM).",
     .computed = "<state_dir>/pki/server.key",
     .example = "\"var/pki/server.key\""},
    {.name = "ca",
     .type = KeyType::paths,
     .help = "CA bundle(s) client certificates must chain to (with the clientAuth extended key "
             "usage).",
     .computed = "[\"<state_dir>/pki/ca.pem\"]",
     .example = "[\"var/pki/ca.pem\"]"},
    {.name = "crl",
     .type = KeyType::paths,
     .help = "CRLs (PEM) checked for every client certificate chain; with none sluisd warns "
             "(NET_TLS_NO_CRL). A CRL past its nextUpdate fails closed: every handshake of that "
             "CA's certificates is refused; NET_TLS_CRL_EXPIRING warns a day before, and gauge "
             "sluis_tls_crl_next_update_seconds{file} shows when.",
     .example = "[\"/etc/sluis/tls/partners.crl\"]"},
};

inline constexpr std::string_view kLoopback[] = {"127.0.0.1", "::1", "localhost"};
inline constexpr Key kPlain[] = {
    {.name = "enabled",
     .type = KeyType::boolean,
     .number = 1,
     .help = "Whether the listener is opened."},
    {.name = "address",
     .type = KeyType::choice,
     .text = "127.0.0.1",
     .choices = kLoopback,
     .help = "Loopback only."},
    {.name = "port",
     .type = KeyType::integer,
     .number = 8080,
     .min = 0,
     .max = 65535,
     .unit = "TCP port",
     .help = "Its port; 0 takes any free port. The environment variable SLUIS_PLAIN_PORT "
             "overrides it."},
};

inline constexpr std::string_view kRoles[] = {"gemeente", "aanbieder", "intermediair", "monitoring"};
inline constexpr std::string_view kModes[] = {"not_enrolled", "shadow", "live"};
inline constexpr std::string_view kRetourModes[] = {"partner", "gateway"};
inline constexpr std::string_view kOrphanModes[] = {"refuse", "hold"};
inline constexpr Key kPartners[] = {
    {.name = "id",
     .type = KeyType::string,
     .help = "The operator's name for the partner (unique; \"sluis\" is reserved for sluis "
             "itself).",
     .required = true},
    {.name = "role",
     .type = KeyType::choice,
     .text = "aanbieder",
     .choices = kRoles,
     .help = "\"gemeente\", \"aanbieder\", \"intermediair\" (acts for others) or \"monitoring\" "
             "(a central Prometheus: no codes, may only GET /metrics; docs/metrics.md)."},
    {.name = "codes",
     .type = KeyType::strings,
     .help = "CBS codes (4 digits) and/or AGB codes (8 digits) it may act for; a code belongs to "
             "one partner only; empty (codes = []) for role \"monitoring\", which acts for none.",
     .required = true},
    {.name = "mode",
     .type = KeyType::choice,
     .text = "live",
     .choices = kModes,
     .help = "\"live\" (delivered), \"shadow\" (validated and stored, never delivered, kept out of "
             "the live ledger; also what is sent to it) or \"not_enrolled\" (its connections are "
             "refused; messages to it are held and released when it is set live)."},
    {.name = "retour",
     .type = KeyType::choice,
     .text = "partner",
     .choices = kRetourModes,
     .help =
         "Who answers the messages this partner receives: \"partner\" (it sends its own "
         "retours and 325s; sluis's cross-message findings reach the sender as advice, and the "
         "partner's retour updates the ledger) or \"gateway\" (sluis composes the retour or 325 "
         "from its findings). A message refused at level 2 is answered by sluis in both "
         "modes."},
    {.name = "orphans",
     .type = KeyType::choice,
     .text = "refuse",
     .choices = kOrphanModes,
     .help = "\"refuse\" or \"hold\": a 305/307/323 to this partner naming an allocation sluis "
             "does not know is held until the 301 arrives instead of refused with 9019/9338 (for "
             "the migration window before the history is imported)."},
    {.name = "rate",
     .type = KeyType::integer,
     .number = 0,
     .min = 0,
     .max = 100000,
     .unit = "requests per second",
     .help = "Requests per second it may make; 0 = unlimited."},
    {.name = "burst",
     .type = KeyType::integer,
     .min = 0,
     .max = 1000000,
     .unit = "requests",
     .help = "Burst allowance above the rate (the bucket size).",
     .computed = "2 x rate"},
};

inline constexpr Key kPartnerCertificates[] = {
    {.name = "spki_sha256",
     .type = KeyType::string,
     .help = "The SHA-256 (64 lowercase hex characters) of the certificate's "
             "SubjectPublicKeyInfo, the preferred way: `openssl x509 -in cert.pem -noout -pubkey "
             "| openssl pkey -pubin -outform der | sha256sum`."},
    {.name = "subject",
     .type = KeyType::string,
     .help = "Or the certificate's subject (RFC 2253), together with issuer_ca."},
    {.name = "issuer_ca",
     .type = KeyType::path,
     .help = "The PEM of the CA that signed it (with subject)."},
};

inline constexpr Key kCalendar[] = {
    {.name = "goede_vrijdag_closed",
     .type = KeyType::boolean,
     .number = 0,
     .help = "Goede Vrijdag counts as a werkdag unless this is true."},
    {.name = "closing_days",
     .type = KeyType::strings,
     .help = "The region's extra closing days, \"YYYY-MM-DD\" (e.g. [\"2026-12-24\", "
             "\"2026-12-31\"])."},
};

inline constexpr Key kDeadlines[] = {
    {.name = "scan_interval",
     .type = KeyType::duration,
     .number = kMinute,
     .min = kSecond,
     .max = kDay,
     .help = "How often the standard's owed answers (retour in 3 werkdagen, 325 in 10, 301/319 in "
             "5 after a 315/317, the final answer 8 weeks after \"in onderzoek\") are checked "
             "against their due dates: gauge sluis_overdue_answers and one "
             "DEADLINE_ANSWER_OVERDUE line per answer that became overdue (sluisctl overdue)."},
};

inline constexpr Key kSteering[] = {
    {.name = "waiting_norm_days",
     .type = KeyType::integer,
     .number = 28,
     .min = 1,
     .max = 366,
     .unit = "days",
     .help = "The waiting-time norm: days from an allocation (the later of its Toewijzingsdatum and "
             "Ingangsdatum) to the start of care (sluisctl report, docs/steering.md)."},
    {.name = "min_count",
     .type = KeyType::integer,
     .number = 10,
     .min = 1,
     .max = 1000000,
     .unit = "cases",
     .help = "A share of fewer cases than this colours no traffic light (too few to tell)."},
    {.name = "rejected_orange_percent",
     .type = KeyType::integer,
     .number = 5,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Orange from this share of the messages a partner submitted that were rejected."},
    {.name = "rejected_red_percent",
     .type = KeyType::integer,
     .number = 15,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Red from this share of the messages a partner submitted that were rejected."},
    {.name = "answers_orange_percent",
     .type = KeyType::integer,
     .number = 10,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Orange from this share of the answers the standard requires of a partner (retour, 325, 301/319) given late or overdue."},
    {.name = "answers_red_percent",
     .type = KeyType::integer,
     .number = 25,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Red from this share of the answers the standard requires of a partner (retour, 325, 301/319) given late or overdue."},
    {.name = "waiting_orange_percent",
     .type = KeyType::integer,
     .number = 10,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Orange from this share of new allocations started after the waiting-time norm or still waiting past it."},
    {.name = "waiting_red_percent",
     .type = KeyType::integer,
     .number = 25,
     .min = 0,
     .max = 100,
     .unit = "percent",
     .help = "Red from this share of new allocations started after the waiting-time norm or still waiting past it."},
};

inline constexpr Key kWatches[] = {
    {.name = "scan_interval",
     .type = KeyType::duration,
     .number = 5 * kMinute,
     .min = kSecond,
     .max = kDay,
     .help = "How often the watches look for cases (docs/watches.md): gauge "
             "sluis_watch_open_cases{watch,partner}, one WATCH_CASE_OPENED line per new case, "
             "sluisctl watches."},
    {.name = "unread_werkdagen",
     .type = KeyType::integer,
     .number = 5,
     .min = 1,
     .max = 60,
     .unit = "werkdagen",
     .help = "unread_answers: a message (a retour, 325 or any other) left in a partner's mailbox "
             "without acknowledgement for more than this many werkdagen since it became "
             "available."},
    {.name = "queue_growth_scans",
     .type = KeyType::integer,
     .number = 3,
     .min = 2,
     .max = 100,
     .unit = "scans",
     .help = "queue_growing: a push or drop destination whose deferred count or oldest deferred "
             "message grew at each of this many consecutive scans."},
    {.name = "certificate_notice_days",
     .type = KeyType::integer,
     .number = 30,
     .min = 1,
     .max = 365,
     .unit = "days",
     .help = "certificate_expiry: a certificate (server, CA bundle, partner issuer CA, push CA "
             "or client certificate) expiring within this many days opens a case; "
             "certificate_warning_days and certificate_urgent_days open a new one (and log "
             "again) as the date comes closer. crl_stale: a CRL whose next update is within "
             "certificate_urgent_days, or past."},
    {.name = "certificate_warning_days",
     .type = KeyType::integer,
     .number = 14,
     .min = 1,
     .max = 365,
     .unit = "days",
     .help = "The second stage of certificate_expiry; not more than certificate_notice_days."},
    {.name = "certificate_urgent_days",
     .type = KeyType::integer,
     .number = 7,
     .min = 0,
     .max = 365,
     .unit = "days",
     .help = "The last stage of certificate_expiry; not more than certificate_warning_days."},
    {.name = "rejection_window_days",
     .type = KeyType::integer,
     .number = 7,
     .min = 1,
     .max = 90,
     .unit = "days",
     .help = "rejection_burst: the window (the last this many days, today included) whose "
             "rejections are compared with the partner's normal: the same windows before it."},
    {.name = "rejection_baseline_windows",
     .type = KeyType::integer,
     .number = 4,
     .min = 1,
     .max = 52,
     .unit = "windows",
     .help = "rejection_burst: how many windows before the last make the partner's normal (its "
             "rejected share of all it sent in them)."},
    {.name = "rejection_min_count",
     .type = KeyType::integer,
     .number = 10,
     .min = 1,
     .max = 1000000,
     .unit = "messages",
     .help = "rejection_burst: fewer rejections than this in the window are never a burst."},
    {.name = "rejection_factor_percent",
     .type = KeyType::integer,
     .number = 200,
     .min = 100,
     .max = 100000,
     .unit = "percent",
     .help = "rejection_burst: the window's rejected share must exceed the normal share by this "
             "factor (200 = twice); with no rejections in the normal, any share over it counts."},
    {.name = "care_18_lead_weeks",
     .type = KeyType::integer,
     .number = 13,
     .min = 0,
     .max = 104,
     .unit = "weeks",
     .help = "care_past_18: an iJw allocation that runs past the day its client turns 18 (no "
             "Einddatum before it, no stop) is a case from this many weeks before that day."},
    {.name = "care_correction_werkdagen",
     .type = KeyType::integer,
     .number = 5,
     .min = 1,
     .max = 60,
     .unit = "werkdagen",
     .help = "allocation_uncorrected: an allocation its provider's 302 rejected with no corrected 301 "
             "this many werkdagen after the 302."},
    {.name = "care_ending_weeks",
     .type = KeyType::integer,
     .number = 6,
     .min = 1,
     .max = 52,
     .unit = "weeks",
     .help = "allocation_ending: an allocation ending within this many weeks with no stop and no "
             "following allocation for the same client and product category. allocation_unstarted "
             "uses steering.waiting_norm_days."},
    {.name = "care_refused_days",
     .type = KeyType::integer,
     .number = 30,
     .min = 1,
     .max = 366,
     .unit = "days",
     .help = "request_refused: a request (315/317) refused in its 319 stays a case this many days "
             "after the 319, unless a 301 honours it."},
    {.name = "closed_retention",
     .type = KeyType::duration,
     .number = 62 * kDay,
     .min = kDay,
     .max = 3650 * kDay,
     .help = "Closed cases are kept this long (sluisctl watches --closed), then forgotten."},
};

inline constexpr Key kDelivery[] = {
    {.name = "min_backoff",
     .type = KeyType::duration,
     .number = kMinute,
     .min = 100,
     .max = kDay,
     .help = "The wait after a failed attempt starts here and doubles up to max_backoff."},
    {.name = "max_backoff",
     .type = KeyType::duration,
     .number = kHour,
     .min = 100,
     .max = 7 * kDay,
     .help = "The longest wait between attempts; not shorter than min_backoff."},
    {.name = "max_lifetime",
     .type = KeyType::duration,
     .number = 5 * kDay,
     .min = kSecond,
     .max = 90 * kDay,
     .help = "A message not delivered within this time of its receipt (or of an operator's "
             "message-requeue) is dead."},
    {.name = "scan_interval",
     .type = KeyType::duration,
     .number = kSecond,
     .min = 10,
     .max = 600 * kSecond,
     .help = "The scheduler looks for due work at least this often (and at once when a message "
             "is queued)."},
    {.name = "pickup_interval",
     .type = KeyType::duration,
     .number = 30 * kSecond,
     .min = 10,
     .max = kDay,
     .help = "Drop directories are checked for picked-up files this often."},
};

inline constexpr std::string_view kDestinationKinds[] = {"mailbox", "push", "drop"};
inline constexpr Key kDestinations[] = {
    {.name = "id",
     .type = KeyType::string,
     .help = "Unique name (not starting with \"mailbox:\").",
     .required = true},
    {.name = "kind",
     .type = KeyType::choice,
     .text = "push",
     .choices = kDestinationKinds,
     .help = "\"push\" (HTTPS POST to the receiver) or \"drop\" (files in a directory)."},
    {.name = "partner",
     .type = KeyType::string,
     .help = "The partner it delivers to.",
     .required = true},
    {.name = "url",
     .type = KeyType::string,
     .help = "push: https://host[:port]/path of the receiver's endpoint (IPv6 in brackets: "
             "https://[2001:db8::7]:8443/in); no user@ part."},
    {.name = "ca",
     .type = KeyType::path,
     .help = "push: the CA pinned for the receiver's server certificate (nothing else is "
             "trusted); the certificate must name the URL's host."},
    {.name = "client_cert",
     .type = KeyType::path,
     .help = "push: sluis's client certificate.",
     .computed = "https.tls.cert"},
    {.name = "client_key",
     .type = KeyType::path,
     .help = "push: its key.",
     .computed = "https.tls.key"},
    {.name = "concurrency",
     .type = KeyType::integer,
     .number = 4,
     .min = 1,
     .max = 256,
     .unit = "attempts",
     .help = "push: attempts in flight at once."},
    {.name = "timeout",
     .type = KeyType::duration,
     .number = 30 * kSecond,
     .min = 100,
     .max = 600 * kSecond,
     .help = "push: one attempt, connect to answer."},
    {.name = "directory",
     .type = KeyType::path,
     .help = "drop: where <message id>.xml files appear (written as .<id>.xml.tmp, fsynced, "
             "renamed); the back office removes a file when it has read it, which sluis records "
             "as the acknowledgement."},
};

inline constexpr std::string_view kLaws[] = {"", "iwmo", "ijw"};
inline constexpr Key kRoutes[] = {
    {.name = "law",
     .type = KeyType::choice,
     .choices = kLaws,
     .help = "\"iwmo\", \"ijw\" or absent (both)."},
    {.name = "types",
     .type = KeyType::integers,
     .min = 301,
     .max = 325,
     .help = "Message numbers (e.g. [301, 323]); absent: all."},
    {.name = "receivers",
     .type = KeyType::strings,
     .help = "Receiver codes (CBS / AGB) the rule covers; an intermediary's destination may "
             "serve several municipalities.",
     .required = true},
    {.name = "destination",
     .type = KeyType::string,
     .help = "A [[destinations]] id or \"mailbox:<partner id>\".",
     .required = true},
    {.name = "from",
     .type = KeyType::string,
     .help = "The first Dutch date (YYYY-MM-DD, inclusive) the rule is in force; absent: open."},
    {.name = "until", .type = KeyType::string, .help = "The last date (inclusive); absent: open."},
};

inline constexpr Key kIntake[] = {
    {.name = "validation_threads",
     .type = KeyType::integer,
     .number = 0,
     .min = 0,
     .max = 256,
     .unit = "threads",
     .help = "Threads that parse and validate incoming messages (0: one per core)."},
};

inline constexpr std::string_view kEngines[] = {"sqlite", "postgresql"};
inline constexpr Key kStore[] = {
    {.name = "engine",
     .type = KeyType::choice,
     .text = "sqlite",
     .choices = kEngines,
     .help = "\"sqlite\" is the embedded engine (WAL, synchronous=FULL: a message is answered "
             "only after it is on disk). \"postgresql\" keeps the store in a PostgreSQL 15 "
             "database that one or more sluisd nodes share (docs/operations.md): set "
             "`connection`, and a `node` name per node."},
    {.name = "path",
     .type = KeyType::path,
     .help = "The database file (engine \"sqlite\").",
     .computed = "<state_dir>/sluis.db",
     .example = "\"var/sluis.db\""},
    {.name = "connection",
     .type = KeyType::secret,
     .help = "Engine \"postgresql\": where libpq's connection string is (keywords, e.g. "
             "\"host=/run/postgresql dbname=sluis user=sluis\", or a postgresql:// URI); a "
             "reference, never inline, as it may hold a password. Required for that engine.",
     .computed = "none (engine \"sqlite\")",
     .example = "\"credential:postgresql\""},
    {.name = "node",
     .type = KeyType::string,
     .help = "Engine \"postgresql\": this node's name, under which it holds its delivery "
             "claims; unique among the nodes sharing a database and the same across restarts "
             "(at start a node takes back its own claims).",
     .computed = "the host name",
     .example = "\"sluis-a\""},
    {.name = "lease",
     .type = KeyType::duration,
     .number = 300 * kSecond,
     .min = 10 * kSecond,
     .max = kDay,
     .help = "Engine \"postgresql\": how long a delivery claim stays this node's; a message "
             "whose node died goes back to the queue after it. Longer than the longest "
             "delivery attempt."},
    {.name = "busy_timeout",
     .type = KeyType::duration,
     .number = 5 * kSecond,
     .min = 0,
     .max = 600 * kSecond,
     .help = "How long a statement waits for a lock another connection holds."},
    {.name = "max_batch",
     .type = KeyType::integer,
     .number = 256,
     .min = 1,
     .max = 100000,
     .unit = "commits",
     .help = "Group commit: at most this many concurrent commits share one transaction (one "
             "fsync)."},
    {.name = "max_queue",
     .type = KeyType::integer,
     .number = 1024,
     .min = 1,
     .max = 1000000,
     .unit = "writes",
     .help = "Backpressure: when this many writes wait for the writer (queued or in its running "
             "batch), the HTTPS listener stops reading new request bodies until the writer "
             "catches up; a body left waiting longer than https.body_timeout gets 503 with "
             "Retry-After, unread."},
    {.name = "retention",
     .type = KeyType::duration,
     .number = 62 * kDay,
     .min = 62 * kDay,
     .max = 36500 * kDay,
     .help = "Every prune_interval the pruner removes the bodies of acknowledged and rejected "
             "messages received more than this long ago (at least 62 days, the two months the "
             "chain keeps messages; there is no \"off\": set a long retention to keep bodies "
             "longer). Never a message in any other state (queued, deferred, held, dead, "
             "delivered ...). The row stays: metadata, sha256 (idempotent replays), findings, BSN "
             "hashes (search), ledger facts, obligations and the audit log; reading the body "
             "answers 410 Gone. `sluisctl prune --dry-run` shows what would go."},
    {.name = "prune_interval",
     .type = KeyType::duration,
     .number = kHour,
     .min = 10 * kSecond,
     .max = kDay,
     .help = "How often the pruner runs."},
};

inline constexpr std::string_view kDefaultPacks[] = {"iwmo/3.2", "ijw/3.2"};
inline constexpr Key kSchemas[] = {
    {.name = "dir",
     .type = KeyType::path,
     .help = "The root of the packs.",
     .computed = "the installed packs, <datadir>/sluis/schemas (/usr/share/sluis/schemas in the "
                 "package)",
     .example = "\"/usr/share/sluis/schemas\""},
    {.name = "packs",
     .type = KeyType::strings,
     .list = kDefaultPacks,
     .help = "The active packs, \"<law>/<release>\". Two releases of a law can be active side by "
             "side; a message is matched to its pack by its namespace."},
    {.name = "max_message",
     .type = KeyType::size,
     .number = 25 * kMiB,
     .min = kKiB,
     .max = kGiB,
     .help = "A message larger than this is refused before parsing (25MiB is the chain's limit, "
             "OP179)."},
    {.name = "max_depth",
     .type = KeyType::integer,
     .number = 64,
     .min = 16,
     .max = 1024,
     .unit = "levels",
     .help = "Element nesting deeper than this ends parsing (the deepest 3.2 message needs about "
             "12)."},
    {.name = "max_entity_expansions",
     .type = KeyType::integer,
     .number = 100,
     .min = 0,
     .max = 100000,
     .unit = "expansions",
     .help = "More entity expansions than this end parsing."},
};

inline constexpr Key kReference[] = {
    {.name = "cbs_gemeenten",
     .type = KeyType::path,
     .help = "The CBS municipality codes of TR378 (S300).",
     .computed = "the installed list, <datadir>/sluis/reference/cbs-gemeenten.csv",
     .example = "\"/usr/share/sluis/reference/cbs-gemeenten.csv\""},
    {.name = "productcodes",
     .type = KeyType::path,
     .help = "The product codes of TR381 (S329). The installed list holds only five development "
             "codes: configure the national iJw list and the region's iWmo codes (docs/operations.md, "
             "Reference lists); the check warns while the list has fewer than 20 codes.",
     .computed = "the installed list, <datadir>/sluis/reference/productcodes.csv",
     .example = "\"/usr/share/sluis/reference/productcodes.csv\""},
};

inline constexpr std::string_view kDefaultCatalogueLaws[] = {"iwmo"};
inline constexpr std::string_view kDegressiveScopes[] = {"all", "intake_year"};
inline constexpr Key kContracts[] = {
    {.name = "catalogue",
     .type = KeyType::path,
     .help = "The region's product catalogue (docs/contracts.md): per law the products with their "
             "unit, frequencies and kind, each with a validity period. Empty: no contract checks "
             "(TR418 and SL001 are skipped).",
     .example = "\"/etc/sluis/contracts/catalogus.csv\""},
    {.name = "coverage",
     .type = KeyType::path,
     .help = "Which municipalities (CBS codes) each contract buys for, with dates.",
     .example = "\"/etc/sluis/contracts/gemeenten.csv\""},
    {.name = "tariffs",
     .type = KeyType::path,
     .help = "The contracted products per provider and their tariffs in eurocent per unit; a "
             "tariff starts on 1 January unless the row is forced with a reason.",
     .example = "\"/etc/sluis/contracts/tarieven.csv\""},
    {.name = "ceilings",
     .type = KeyType::path,
     .help = "Optional: budget ceilings per provider and calendar year and contingents per product "
             "(docs/contracts.md). A message that reaches a row's warning percentage or its maximum "
             "gets an advisory finding (SL004, SL005) and a ledger fact; nothing is refused. Empty: "
             "no ceiling checks.",
     .example = "\"/etc/sluis/contracts/plafonds.csv\""},
    {.name = "uncontracted_retourcode",
     .type = KeyType::string,
     .help = "The retourcode a prestatie gets for a product the provider is not contracted for "
             "(rule SL001); empty: the finding is advice only and refuses nothing. The 3.2 list "
             "has no code of its own for this; a region that refuses picks one (e.g. \"0611\").",
     .example = "\"0611\""},
    {.name = "catalogue_product_list",
     .type = KeyType::strings,
     .list = kDefaultCatalogueLaws,
     .help = "The laws (\"iwmo\", \"ijw\") whose catalogue products count as listed for TR381 "
             "(S329), beside [reference] productcodes, in the municipalities the contracts cover "
             "(for that law, on the date). iWmo products are the region's own; iJw codes come "
             "from the national list. Empty: TR381 reads only productcodes."},
    {.name = "degressive",
     .type = KeyType::path,
     .help = "The degressive tariff per provider, contract and year (docs/contracts.md): after a "
             "threshold in etmalen (given, or derived as 85 % of the yearly average of the 18 "
             "months before the year once the ledger holds them) etmaal products are paid at a "
             "reduced percentage (50 %) of the contract tariff (rule SL002, 0611). Empty: no "
             "degressive tariff. Needs catalogue, coverage and tariffs.",
     .example = "\"/etc/sluis/contracts/degressief.csv\""},
    {.name = "degressive_scope",
     .type = KeyType::choice,
     .text = "all",
     .choices = kDegressiveScopes,
     .help = "Whose etmalen count for the degressive tariff: \"all\" clients, or "
             "\"intake_year\": only clients whose intake (their earliest allocation to the "
             "provider in that gemeente) falls in or before the row's instroomjaar."},
};

inline constexpr Key kSecrets[] = {
    {.name = "bsn_hash_key",
     .type = KeyType::secret,
     .help = "Key for the keyed hash (HMAC-SHA-256) under which the store indexes BSNs; sluisd "
             "does not start without one. The store keeps the key's fingerprint and refuses "
             "another key (DAEMON_BSN_KEY_MISMATCH): keep the key with the backups.",
     .computed = "\"credential:bsn-hash.key\" when systemd loads that credential (the unit's "
                 "LoadCredential=), else \"file:<state_dir>/secrets/bsn-hash.key\" when that file "
                 "exists (scripts/run generates it), else none",
     .example = "\"credential:bsn-hash.key\""},
};

// In the order of the documented examples.
inline constexpr Section kSections[] = {
    {"", false, "", kRoot},
    {"admin", false, "The admin socket and who may use it.", kAdmin},
    {"https", false,
     "The HTTPS listener partners submit to, with mutual TLS (TLS 1.2 and 1.3 only). One request "
     "is in flight per connection (answers go in request order); more parallelism takes more "
     "connections. See docs/operations.md \"Listeners and partners\".",
     kHttps},
    {"https.tls", false,
     "The listener's certificates, reloaded with config-reload / SIGHUP: new connections use the "
     "new ones, open ones are checked again at their next request.",
     kHttpsTls},
    {"plain", false, "Plain HTTP on loopback for GET /healthz, /metrics and the operator's status page at /.",
     kPlain},
    {"partners", true,
     "Who may connect, for which codes, and how their certificate is recognised. One "
     "[[partners]] block each, with at least one [[partners.certificates]] (unless "
     "not_enrolled).",
     kPartners},
    {"partners.certificates", true,
     "How a partner's client certificate is recognised: by spki_sha256, or by subject together "
     "with issuer_ca.",
     kPartnerCertificates},
    {"calendar", false,
     "Deadlines (\"binnen N werkdagen\") skip weekends and the Dutch public holidays "
     "(Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, Koningsdag, "
     "Bevrijdingsdag, both Christmas days).",
     kCalendar},
    {"deadlines", false, "The standard's deadlines.", kDeadlines},
    {"steering", false,
     "The steering report (sluisctl report): the waiting-time norm and the traffic lights' "
     "thresholds; a row is orange or red with its reason, green otherwise.",
     kSteering},
    {"watches", false,
     "Watches (docs/watches.md): cases an operator should act on before a partner notices, each "
     "logged once (WATCH_CASE_OPENED), counted in sluis_watch_open_cases and listed by `sluisctl "
     "watches` with what to do.",
     kWatches},
    {"delivery", false, "Retries of push and drop deliveries.", kDelivery},
    {"destinations", true,
     "Destinations besides the partners' own mailboxes (\"mailbox:<partner id>\", which every "
     "partner has: it pulls over GET /v1/mailbox). One [[destinations]] block each. A push sends "
     "the headers Sluis-Message-Id (de-duplicate by it), Sluis-Law and Sluis-Message-Type; 2xx = "
     "acknowledged; 408, 429, 5xx and network errors are retried; other statuses are permanent "
     "(dead).",
     kDestinations},
    {"routes", true,
     "Which destination a message goes to. The first matching rule wins; without one a "
     "message goes to the mailbox of the partner owning the receiver code (Ontvanger; for a "
     "retour, the heenbericht's sender). A code no rule and no partner covers is refused at the "
     "intake (422, finding on Ontvanger).",
     kRoutes},
    {"intake", false, "The intake pipeline.", kIntake},
    {"store", false, "Where messages, their states and the audit log are kept.", kStore},
    {"schemas", false,
     "Schema packs: <dir>/<law>/<release>/ with basisschema.xsd, one XSD per message and a "
     "MANIFEST (sha256 of every file, checked at load). A pack reads only its own files: a schema "
     "with a DOCTYPE or an entity, or one importing or including anything but a file its MANIFEST "
     "lists, refuses it; nothing is ever fetched from a URL. DTDs and external entities in "
     "messages are always refused, and so is a message that is not UTF-8 without byte-order mark "
     "(OP192). The XSD check stops after 100 findings; an answer lists at most 100 findings "
     "(under 64 KiB) with their total.",
     kSchemas},
    {"reference", false,
     "Reference lists of the external-list rules, reloadable with `sluisctl reference-reload`.",
     kReference},
    {"contracts", false,
     "The region's contracts as data (docs/contracts.md): catalogue, coverage and tariffs, all "
     "three or none. Loaded with the reference lists and reloaded with them by `sluisctl "
     "reference-reload`; a file with an error keeps the loaded contracts.",
     kContracts},
    {"secrets", false,
     "Secrets are never written here, only where to read them: \"file:/path/to/file\" (a file "
     "readable by sluisd, at least 16 bytes) or \"credential:NAME\" (a systemd credential, "
     "LoadCredential=NAME:...).",
     kSecrets},
};

// Compile-time look-ups for the structs' default member values: a name no
// table lists is not a constant expression, so a typo does not build.
consteval const Key& key(std::span<const Key> table, std::string_view name) {
  for (const Key& k : table)
    if (k.name == name) return k;
  throw "no such key in the table";
}
consteval std::int64_t number(std::span<const Key> table, std::string_view name) {
  return key(table, name).number;
}
consteval bool flag(std::span<const Key> table, std::string_view name) {
  return key(table, name).number != 0;
}
consteval std::string_view text(std::span<const Key> table, std::string_view name) {
  return key(table, name).text;
}
consteval std::span<const std::string_view> list(std::span<const Key> table,
                                                 std::string_view name) {
  return key(table, name).list;
}

}  // namespace keys

// Run-time look-ups (reader, examples, tests); nullptr when absent.
std::span<const Section> sections();  // kSections
const Section* find_section(std::string_view name);
const Key* find_key(const Section& section, std::string_view name);

}  // namespace sluis::config
