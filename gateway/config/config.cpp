#include "gateway/config/config.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "gateway/config/reader.hpp"
#include "gateway/core/date.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/core/ids.hpp"

namespace sluis::config {

using detail::TableReader;

namespace {

bool core_all_digits(const std::string& s) {
  return core::all_digits(s);
}

std::string join_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += e;
  }
  return out;
}

std::filesystem::path env_dir(const char* name) {
  // systemd may pass several directories separated by ':'; the first is ours.
  const char* v = std::getenv(name);
  if (!v || !*v) return {};
  std::string s(v);
  return std::filesystem::path(s.substr(0, s.find(':')));
}

// ---- sections: one reader function each, defaults in the structs ----------

void read_admin(TableReader r, const Config& cfg, AdminConfig& a) {
  std::filesystem::path runtime = env_dir("RUNTIME_DIRECTORY");
  a.socket = r.path("socket", (runtime.empty() ? cfg.state_dir : runtime) / "sluisd.sock");
  a.group = r.string("group");
  a.group_required = r.boolean("group_required");
  a.max_connections = static_cast<int>(r.integer("max_connections"));
  a.read_timeout = r.duration("read_timeout");
  a.max_request = r.size("max_request");
  if (a.socket.string().size() >= 108)
    r.error_at("socket", "path is longer than a Unix socket address allows (107 bytes)");
  r.finish();
}

int port_from_env(const char* name, int fallback, std::vector<std::string>& errors) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  std::string s(v);
  if (!core_all_digits(s) || s.size() > 5 || std::stoi(s) > 65535) {
    errors.push_back(fmt::format(
        "environment: {}=\"{}\" is not a port; allowed 0..65535 (0: any free port)", name, s));
    return fallback;
  }
  return std::stoi(s);
}

void read_tls(TableReader r, const Config& cfg, TlsConfig& t) {
  // Defaults: the development PKI scripts/run creates under the state dir.
  const std::filesystem::path pki = cfg.state_dir / "pki";
  t.cert = r.path("cert", pki / "server.pem");
  t.key = r.path("key", pki / "server.key");
  for (const auto& s : r.strings("ca", {(pki / "ca.pem").string()}))
    t.ca.push_back(std::filesystem::absolute(s).lexically_normal());
  for (const auto& s : r.strings("crl"))
    t.crl.push_back(std::filesystem::absolute(s).lexically_normal());
  r.finish();
}

void read_https(TableReader r, const Config& cfg, HttpsConfig& h,
                std::vector<std::string>& errors) {
  h.enabled = r.boolean("enabled");
  h.address = r.string("address");
  h.port = static_cast<int>(r.integer("port"));
  h.port = port_from_env("SLUIS_PORT", h.port, errors);
  h.max_connections = static_cast<int>(r.integer("max_connections"));
  h.max_connections_per_address = static_cast<int>(r.integer("max_connections_per_address"));
  h.max_connection_age = r.duration("max_connection_age");
  h.handshake_timeout = r.duration("handshake_timeout");
  h.header_timeout = r.duration("header_timeout");
  h.body_timeout = r.duration("body_timeout");
  h.idle_timeout = r.duration("idle_timeout");
  h.max_header = r.size("max_header");
  h.max_body = r.size("max_body");
  h.max_body_memory = r.size("max_body_memory");
  if (h.max_body_memory < h.max_body)
    r.error_at("max_body_memory", "must be at least max_body (" + config::format_size(h.max_body) +
                                      "): a message of that size could never be read");
  read_tls(r.table("tls"), cfg, h.tls);
  if (h.enabled && (h.tls.cert.empty() || h.tls.key.empty() || h.tls.ca.empty()))
    r.error_at("tls",
               "the HTTPS listener needs tls.cert, tls.key and at least one tls.ca "
               "(or set https.enabled = false)");
  r.finish();
}

void read_plain(TableReader r, PlainConfig& p, std::vector<std::string>& errors) {
  p.enabled = r.boolean("enabled");
  p.address = r.one_of("address");
  p.port = static_cast<int>(r.integer("port"));
  p.port = port_from_env("SLUIS_PLAIN_PORT", p.port, errors);
  r.finish();
}

void read_partner(TableReader& r, Partner& p) {
  p.id = r.string("id");
  if (p.id.empty()) r.error_at("id", "every partner needs an id");
  std::string role = r.one_of("role");
  p.role = role == "gemeente"     ? PartnerRole::gemeente
           : role == "aanbieder"  ? PartnerRole::aanbieder
           : role == "monitoring" ? PartnerRole::monitoring
                                  : PartnerRole::intermediair;
  std::string mode = r.one_of("mode");
  p.mode = mode == "live"     ? PartnerMode::live
           : mode == "shadow" ? PartnerMode::shadow
                              : PartnerMode::not_enrolled;
  p.retour = r.one_of("retour") == "gateway" ? RetourMode::gateway : RetourMode::partner;
  p.orphans = r.one_of("orphans") == "hold" ? OrphanMode::hold : OrphanMode::refuse;
  p.codes = r.strings("codes");
  // A monitoring partner (a central Prometheus) acts for nobody: GET /metrics only.
  if (p.role == PartnerRole::monitoring && !p.codes.empty())
    r.error_at("codes", "a partner with role \"monitoring\" acts for no code (it may only GET /metrics); remove codes");
  else if (p.role != PartnerRole::monitoring && p.codes.empty())
    r.error_at("codes", "a partner acts for at least one code");
  for (const auto& c : p.codes) {
    bool agb = c.size() == 8 && core_all_digits(c), cbs = c.size() == 4 && core_all_digits(c);
    if (p.role == PartnerRole::gemeente && !cbs)
      r.error_at("codes", fmt::format("\"{}\" is not a CBS municipality code (4 digits)", c));
    else if (p.role == PartnerRole::aanbieder && !agb)
      r.error_at("codes", fmt::format("\"{}\" is not an AGB code (8 digits)", c));
    else if (!agb && !cbs)
      r.error_at("codes",
                 fmt::format("\"{}\" is neither an AGB (8 digits) nor a CBS code (4 digits)", c));
  }
  p.rate = static_cast<double>(r.integer("rate"));
  p.burst = static_cast<int>(r.integer("burst", static_cast<std::int64_t>(p.rate * 2)));
  r.each_table("certificates", [&](TableReader& c) {
    CertIdentity id;
    id.spki_sha256 = c.string("spki_sha256");
    id.subject = c.string("subject");
    id.issuer_ca = c.path("issuer_ca");
    if (!id.spki_sha256.empty()) {
      bool hex = id.spki_sha256.size() == 64 &&
                 id.spki_sha256.find_first_not_of("0123456789abcdef") == std::string::npos;
      if (!hex)
        c.error_at("spki_sha256",
                   "expected 64 lowercase hex characters (SHA-256 of the SubjectPublicKeyInfo)");
    } else if (id.subject.empty() || id.issuer_ca.empty()) {
      c.error_at("subject",
                 "name the certificate by spki_sha256, or by subject together with issuer_ca");
    }
    p.certificates.push_back(std::move(id));
  });
  if (p.certificates.empty() && p.mode != PartnerMode::not_enrolled)
    r.error_at("certificates", "a partner needs at least one [[partners.certificates]] entry");
}

// Partner ids sluis uses for itself (in the store, audit and composed
// messages, e.g. the sender of a retour sluis composes): no partner may have one.
constexpr std::string_view kReservedPartnerIds[] = {"sluis"};

bool reserved_partner_id(std::string_view id) {
  for (auto r : kReservedPartnerIds) {
    if (id.size() != r.size()) continue;
    if (std::equal(id.begin(), id.end(), r.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return true;
  }
  return false;
}

void read_partners(TableReader& r, std::vector<Partner>& out) {
  r.each_table("partners", [&](TableReader& t) {
    Partner p;
    read_partner(t, p);
    if (reserved_partner_id(p.id))
      t.error_at("id", fmt::format("partner id \"{}\" is reserved for sluis itself; choose another",
                                   p.id));
    for (const auto& q : out)
      if (q.id == p.id) t.error_at("id", fmt::format("partner id \"{}\" is used twice", p.id));
    // One code, one owner: the receiver of a message and who may answer it
    // follow from the code, so two partners acting for it would be ambiguous.
    for (const auto& c : p.codes)
      for (const auto& q : out)
        if (std::find(q.codes.begin(), q.codes.end(), c) != q.codes.end())
          t.error_at("codes",
                     fmt::format("code \"{}\" already belongs to partner \"{}\"; a code has "
                                 "one partner (an intermediary lists it instead of the "
                                 "municipality)",
                                 c, q.id));
    out.push_back(std::move(p));
  });
}

void read_calendar(TableReader r, CalendarConfig& c) {
  c.goede_vrijdag_closed = r.boolean("goede_vrijdag_closed");
  c.closing_days = r.strings("closing_days");
  for (const auto& d : c.closing_days)
    if (!core::parse_date(d))
      r.error_at("closing_days", fmt::format("\"{}\" is not a date (YYYY-MM-DD)", d));
  r.finish();
}

void read_delivery(TableReader r, DeliveryConfig& d) {
  d.min_backoff = r.duration("min_backoff");
  d.max_backoff = r.duration("max_backoff");
  d.max_lifetime = r.duration("max_lifetime");
  d.scan_interval = r.duration("scan_interval");
  d.pickup_interval = r.duration("pickup_interval");
  if (d.max_backoff < d.min_backoff)
    r.error_at("max_backoff", "must not be shorter than min_backoff");
  r.finish();
}

void read_deadlines(TableReader r, DeadlinesConfig& d) {
  d.scan_interval = r.duration("scan_interval");
  r.finish();
}

void read_steering(TableReader r, SteeringConfig& s) {
  auto n = [&](const char* key) { return static_cast<int>(r.integer(key)); };
  s.waiting_norm_days = n("waiting_norm_days");
  s.min_count = n("min_count");
  for (auto [what, orange, red] : {std::tuple{"rejected", &s.rejected_orange, &s.rejected_red},
                                   std::tuple{"answers", &s.answers_orange, &s.answers_red},
                                   std::tuple{"waiting", &s.waiting_orange, &s.waiting_red}}) {
    const std::string o = std::string(what) + "_orange_percent", rd = std::string(what) + "_red_percent";
    *orange = n(o.c_str());
    *red = n(rd.c_str());
    if (*red < *orange) r.error_at(rd, "must not be below " + o);
  }
  r.finish();
}

void read_watches(TableReader r, WatchesConfig& w) {
  w.scan_interval = r.duration("scan_interval");
  w.unread_werkdagen = static_cast<int>(r.integer("unread_werkdagen"));
  w.queue_growth_scans = static_cast<int>(r.integer("queue_growth_scans"));
  w.certificate_notice_days = static_cast<int>(r.integer("certificate_notice_days"));
  w.certificate_warning_days = static_cast<int>(r.integer("certificate_warning_days"));
  w.certificate_urgent_days = static_cast<int>(r.integer("certificate_urgent_days"));
  w.rejection_window_days = static_cast<int>(r.integer("rejection_window_days"));
  w.rejection_baseline_windows = static_cast<int>(r.integer("rejection_baseline_windows"));
  w.rejection_min_count = static_cast<int>(r.integer("rejection_min_count"));
  w.rejection_factor_percent = static_cast<int>(r.integer("rejection_factor_percent"));
  w.care_18_lead_weeks = static_cast<int>(r.integer("care_18_lead_weeks"));
  w.care_correction_werkdagen = static_cast<int>(r.integer("care_correction_werkdagen"));
  w.care_ending_weeks = static_cast<int>(r.integer("care_ending_weeks"));
  w.care_refused_days = static_cast<int>(r.integer("care_refused_days"));
  w.closed_retention = r.duration("closed_retention");
  if (w.certificate_warning_days > w.certificate_notice_days)
    r.error_at("certificate_warning_days", "must not be more than certificate_notice_days");
  if (w.certificate_urgent_days > w.certificate_warning_days)
    r.error_at("certificate_urgent_days", "must not be more than certificate_warning_days");
  r.finish();
}

void read_destinations(TableReader& r, const Config& cfg, std::vector<DestinationConfig>& out) {
  r.each_table("destinations", [&](TableReader& t) {
    DestinationConfig d;
    d.id = t.string("id");
    if (d.id.empty()) t.error_at("id", "every destination needs an id");
    if (d.id.starts_with("mailbox:"))
      t.error_at("id", "ids starting with \"mailbox:\" are the partners' own mailboxes");
    std::string kind = t.one_of("kind");
    d.kind = kind == "push"   ? DestinationKind::push
             : kind == "drop" ? DestinationKind::drop
                              : DestinationKind::mailbox;
    d.partner = t.string("partner");
    if (d.partner.empty()) t.error_at("partner", "name the partner this destination delivers to");
    d.url = t.string("url");
    d.ca = t.path("ca");
    d.client_cert = t.path("client_cert", cfg.https.tls.cert);
    d.client_key = t.path("client_key", cfg.https.tls.key);
    d.concurrency = static_cast<int>(t.integer("concurrency"));
    d.timeout = t.duration("timeout");
    d.directory = t.path("directory");
    if (d.kind == DestinationKind::push) {
      if (!d.url.starts_with("https://"))
        t.error_at("url", "a push destination needs an https:// URL (https://host[:port]/path)");
      if (d.ca.empty())
        t.error_at("ca", "a push destination pins the CA of the receiver's server certificate");
    }
    if (d.kind == DestinationKind::drop && d.directory.empty())
      t.error_at("directory", "a drop destination needs a directory");
    for (const auto& q : out)
      if (q.id == d.id) t.error_at("id", fmt::format("destination id \"{}\" is used twice", d.id));
    out.push_back(std::move(d));
  });
}

void read_routes(TableReader& r, std::vector<RouteConfig>& out) {
  r.each_table("routes", [&](TableReader& t) {
    RouteConfig c;
    c.law = t.one_of("law");
    const Key& types = *find_key(*find_section("routes"), "types");
    for (auto n : t.integers("types")) {
      if (n < types.min || n > types.max)
        t.error_at("types",
                   fmt::format("{} is not a message number ({} ... {})", n, types.min, types.max));
      c.types.push_back(static_cast<int>(n));
    }
    c.receivers = t.strings("receivers");
    if (c.receivers.empty()) t.error_at("receivers", "a route names the receiver codes it covers");
    for (const auto& code : c.receivers)
      if (!core_all_digits(code) || (code.size() != 4 && code.size() != 8))
        t.error_at(
            "receivers",
            fmt::format("\"{}\" is neither a CBS (4 digits) nor an AGB code (8 digits)", code));
    c.destination = t.string("destination");
    if (c.destination.empty()) t.error_at("destination", "a route needs a destination id");
    c.from = t.string("from");
    c.until = t.string("until");
    for (const auto* d : {&c.from, &c.until})
      if (!d->empty() && !core::parse_date(*d))
        t.error_at(d == &c.from ? "from" : "until",
                   fmt::format("\"{}\" is not a date (YYYY-MM-DD)", *d));
    if (!c.from.empty() && !c.until.empty() && c.until < c.from)
      t.error_at("until", "ends before it begins");
    out.push_back(std::move(c));
  });
}

void read_reference(TableReader r, ReferenceConfig& c) {
  const std::filesystem::path dir = std::filesystem::path(SLUIS_DATA_DIR) / "reference";
  c.cbs_gemeenten = r.path("cbs_gemeenten", dir / "cbs-gemeenten.csv");
  c.productcodes = r.path("productcodes", dir / "productcodes.csv");
  r.finish();
}

void read_contracts(TableReader r, ContractsConfig& c) {
  c.catalogue = r.path("catalogue");
  c.coverage = r.path("coverage");
  c.tariffs = r.path("tariffs");
  c.ceilings = r.path("ceilings");
  c.uncontracted_retourcode = r.string("uncontracted_retourcode");
  c.catalogue_product_list = r.strings("catalogue_product_list");
  c.degressive = r.path("degressive");
  c.degressive_scope = r.one_of("degressive_scope");
  for (const auto& law : c.catalogue_product_list)
    if (law != "iwmo" && law != "ijw")
      r.error_at("catalogue_product_list", fmt::format("\"{}\" is not a law (\"iwmo\" or \"ijw\")", law));
  const int set = !c.catalogue.empty() + !c.coverage.empty() + !c.tariffs.empty();
  if (set != 0 && set != 3)
    r.error_at(c.catalogue.empty() ? "catalogue" : c.coverage.empty() ? "coverage" : "tariffs",
               "catalogue, coverage and tariffs are set together (all three, or none for no "
               "contract checks)");
  if (!c.degressive.empty() && set == 0)
    r.error_at("degressive", "needs the contracts it names: set catalogue, coverage and tariffs too");
  if (!c.ceilings.empty() && set != 3)
    r.error_at("ceilings", "ceilings needs the contracts it belongs to: set catalogue, coverage and tariffs too");
  const auto& code = c.uncontracted_retourcode;
  if (!code.empty() && (code.size() != 4 || code.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
                                                 std::string::npos))
    r.error_at("uncontracted_retourcode",
               fmt::format("\"{}\" is not a retourcode (4 characters, e.g. \"0611\")", code));
  r.finish();
}

void read_schemas(TableReader r, SchemasConfig& c) {
  c.dir = r.path("dir", std::filesystem::path(SLUIS_SCHEMA_DIR));
  c.packs = r.strings("packs");
  if (c.packs.empty()) r.error_at("packs", "at least one schema pack must be active");
  for (const auto& p : c.packs) {
    auto slash = p.find('/');
    if (slash == std::string::npos || (p.substr(0, slash) != "iwmo" && p.substr(0, slash) != "ijw"))
      r.error_at("packs", fmt::format("\"{}\" is not <law>/<release> (e.g. \"ijw/3.2\")", p));
  }
  c.max_message = r.size("max_message");
  c.max_depth = static_cast<int>(r.integer("max_depth"));
  c.max_entity_expansions = static_cast<int>(r.integer("max_entity_expansions"));
  r.finish();
}

// This machine's name (gethostname), "localhost" when it has none.
std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || !*name) return "localhost";
  return name;
}

void read_store(TableReader r, const Config& cfg, StoreConfig& c) {
  c.engine = r.one_of("engine");
  c.path = r.path("path", cfg.state_dir / "sluis.db");
  c.connection = r.secret("connection", "");
  c.node = r.string("node", host_name());
  c.lease = r.duration("lease");
  if (c.engine == "postgresql" && c.connection.empty())
    r.error_at("connection", "engine \"postgresql\" needs the connection string: connection = "
                             "\"file:/path\" or \"credential:NAME\"");
  c.busy_timeout = r.duration("busy_timeout");
  c.max_batch = static_cast<int>(r.integer("max_batch"));
  c.max_queue = static_cast<int>(r.integer("max_queue"));
  c.retention = r.duration("retention");
  c.prune_interval = r.duration("prune_interval");
  r.finish();
}

void read_intake(TableReader r, IntakeConfig& c) {
  c.validation_threads = static_cast<int>(r.integer("validation_threads"));
  r.finish();
}

void read_secrets(TableReader r, const Config& cfg, SecretsConfig& s) {
  // Default: the systemd credential when the unit loads one, else the key
  // scripts/run generates under the state dir (when present).
  std::string def;
  std::filesystem::path creds = env_dir("CREDENTIALS_DIRECTORY");
  std::filesystem::path local = cfg.state_dir / "secrets" / "bsn-hash.key";
  std::error_code ec;
  if (!creds.empty() && std::filesystem::exists(creds / "bsn-hash.key", ec))
    def = "credential:bsn-hash.key";
  else if (std::filesystem::exists(local, ec))
    def = "file:" + local.string();
  s.bsn_hash_key = r.secret("bsn_hash_key", def);
  r.finish();
}

void read_root(TableReader r, Config& cfg, std::vector<std::string>& errors) {
  std::filesystem::path state = env_dir("STATE_DIRECTORY");
  cfg.state_dir = r.path("state_dir", state.empty() ? std::filesystem::path("var") : state);
  std::string level = r.one_of("log_level");
  core::parse_level(level, cfg.log_level);
  cfg.drain_timeout = r.duration("drain_timeout");
  read_admin(r.table("admin"), cfg, cfg.admin);
  read_https(r.table("https"), cfg, cfg.https, errors);
  read_plain(r.table("plain"), cfg.plain, errors);
  read_partners(r, cfg.partners);
  read_calendar(r.table("calendar"), cfg.calendar);
  read_delivery(r.table("delivery"), cfg.delivery);
  read_deadlines(r.table("deadlines"), cfg.deadlines);
  read_steering(r.table("steering"), cfg.steering);
  read_watches(r.table("watches"), cfg.watches);
  cfg.watches.waiting_norm_days = cfg.steering.waiting_norm_days;
  read_destinations(r, cfg, cfg.destinations);
  read_routes(r, cfg.routes);
  // Cross-references: every route's destination and every destination's partner exist.
  for (const auto& d : cfg.destinations)
    if (std::none_of(cfg.partners.begin(), cfg.partners.end(),
                     [&](const Partner& p) { return p.id == d.partner; }))
      r.error_at("destinations", fmt::format("destination \"{}\": partner \"{}\" is not configured",
                                             d.id, d.partner));
  // A monitoring partner receives nothing: no destination, no mailbox.
  auto monitoring = [&](std::string_view id) {
    return std::any_of(cfg.partners.begin(), cfg.partners.end(),
                       [&](const Partner& p) { return p.id == id && p.role == PartnerRole::monitoring; });
  };
  for (const auto& d : cfg.destinations)
    if (monitoring(d.partner))
      r.error_at("destinations",
                 fmt::format("destination \"{}\": partner \"{}\" has role monitoring and receives no messages",
                             d.id, d.partner));
  for (const auto& rt : cfg.routes) {
    bool known = std::any_of(cfg.destinations.begin(), cfg.destinations.end(),
                             [&](const DestinationConfig& d) { return d.id == rt.destination; }) ||
                 (rt.destination.starts_with("mailbox:") &&
                  std::any_of(cfg.partners.begin(), cfg.partners.end(), [&](const Partner& p) {
                    return "mailbox:" + p.id == rt.destination && p.role != PartnerRole::monitoring;
                  }));
    if (!known)
      r.error_at("routes",
                 fmt::format("route to \"{}\": no such destination (a [[destinations]] id or "
                             "\"mailbox:<partner id>\")",
                             rt.destination));
  }
  read_reference(r.table("reference"), cfg.reference);
  read_contracts(r.table("contracts"), cfg.contracts);
  read_schemas(r.table("schemas"), cfg.schemas);
  read_store(r.table("store"), cfg, cfg.store);
  read_intake(r.table("intake"), cfg.intake);
  read_secrets(r.table("secrets"), cfg, cfg.secrets);
  r.finish();
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> errors)
    : std::runtime_error(join_errors(errors)), errors_(std::move(errors)) {}

Config parse_config(std::string_view text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ConfigError({fmt::format("{}:{}:{}: {}", name, b.line, b.column, e.description())});
  }
  Config cfg;
  cfg.hash = core::sha256_hex(text);
  std::vector<std::string> errors;
  TableReader reader(&root, *find_section(""), name, "", errors);
  read_root(reader, cfg, errors);
  if (!errors.empty()) throw ConfigError(std::move(errors));
  cfg.effective = std::make_shared<const boost::json::object>(reader.effective());
  return cfg;
}

Config load_config(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw ConfigError({fmt::format("{}: cannot open the configuration file", file.string())});
  std::ostringstream ss;
  ss << in.rdbuf();
  Config cfg = parse_config(ss.str(), file.string());
  cfg.source = std::filesystem::absolute(file).lexically_normal();
  return cfg;
}

std::string_view to_string(PartnerRole r) {
  switch (r) {
    case PartnerRole::gemeente:
      return "gemeente";
    case PartnerRole::aanbieder:
      return "aanbieder";
    case PartnerRole::intermediair:
      return "intermediair";
    case PartnerRole::monitoring:
      return "monitoring";
  }
  return "?";
}

std::string_view to_string(PartnerMode m) {
  switch (m) {
    case PartnerMode::not_enrolled:
      return "not_enrolled";
    case PartnerMode::shadow:
      return "shadow";
    case PartnerMode::live:
      return "live";
  }
  return "?";
}

std::string_view to_string(DestinationKind k) {
  switch (k) {
    case DestinationKind::mailbox:
      return "mailbox";
    case DestinationKind::push:
      return "push";
    case DestinationKind::drop:
      return "drop";
  }
  return "?";
}

std::optional<DestinationKind> parse_destination_kind(std::string_view s) {
  for (auto k : {DestinationKind::mailbox, DestinationKind::push, DestinationKind::drop})
    if (to_string(k) == s) return k;
  return std::nullopt;
}

std::string format_duration(Duration d) {
  auto ms = d.count();
  if (ms % 86'400'000 == 0 && ms != 0) return fmt::format("{}d", ms / 86'400'000);
  if (ms % 3'600'000 == 0 && ms != 0) return fmt::format("{}h", ms / 3'600'000);
  if (ms % 60'000 == 0 && ms != 0) return fmt::format("{}m", ms / 60'000);
  if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

std::string format_size(std::uint64_t b) {
  if (b != 0 && b % (1ULL << 30) == 0) return fmt::format("{}GiB", b >> 30);
  if (b != 0 && b % (1ULL << 20) == 0) return fmt::format("{}MiB", b >> 20);
  if (b != 0 && b % (1ULL << 10) == 0) return fmt::format("{}KiB", b >> 10);
  return fmt::format("{}B", b);
}

}  // namespace sluis::config
