#include "gateway/config/config_json.hpp"

namespace sluis::config {

namespace {
boost::json::value secret_json(const Secret& s) {
  if (s.empty()) return nullptr;
  return boost::json::string(s.reference() + " (redacted)");
}
}  // namespace

boost::json::object to_json(const Config& cfg) {
  boost::json::object admin{
      {"socket", cfg.admin.socket.string()},
      {"group", cfg.admin.group},
      {"group_required", cfg.admin.group_required},
      {"max_connections", cfg.admin.max_connections},
      {"read_timeout", format_duration(cfg.admin.read_timeout)},
      {"max_request", format_size(cfg.admin.max_request)},
  };
  auto paths = [](const std::vector<std::filesystem::path>& v) {
    boost::json::array a;
    for (const auto& p : v) a.emplace_back(p.string());
    return a;
  };
  const auto& h = cfg.https;
  boost::json::object https{
      {"enabled", h.enabled},
      {"address", h.address},
      {"port", h.port},
      {"max_connections", h.max_connections},
      {"max_connections_per_address", h.max_connections_per_address},
      {"max_connection_age", format_duration(h.max_connection_age)},
      {"handshake_timeout", format_duration(h.handshake_timeout)},
      {"header_timeout", format_duration(h.header_timeout)},
      {"body_timeout", format_duration(h.body_timeout)},
      {"idle_timeout", format_duration(h.idle_timeout)},
      {"max_header", format_size(h.max_header)},
      {"max_body", format_size(h.max_body)},
      {"tls", boost::json::object{{"cert", h.tls.cert.string()},
                                  {"key", h.tls.key.string()},
                                  {"ca", paths(h.tls.ca)},
                                  {"crl", paths(h.tls.crl)}}},
  };
  boost::json::object plain{
      {"enabled", cfg.plain.enabled}, {"address", cfg.plain.address}, {"port", cfg.plain.port}};
  boost::json::array partners;
  for (const auto& p : cfg.partners) {
    boost::json::array codes, certs;
    for (const auto& c : p.codes) codes.emplace_back(c);
    for (const auto& c : p.certificates) {
      boost::json::object o;
      if (!c.spki_sha256.empty()) o["spki_sha256"] = c.spki_sha256;
      if (!c.subject.empty()) o["subject"] = c.subject;
      if (!c.issuer_ca.empty()) o["issuer_ca"] = c.issuer_ca.string();
      certs.emplace_back(std::move(o));
    }
    partners.emplace_back(boost::json::object{{"id", p.id},
                                              {"role", to_string(p.role)},
                                              {"mode", to_string(p.mode)},
                                              {"retour", p.retour == RetourMode::gateway ? "gateway" : "partner"},
                                              {"orphans", p.orphans == OrphanMode::hold ? "hold" : "refuse"},
                                              {"codes", std::move(codes)},
                                              {"certificates", std::move(certs)},
                                              {"rate", p.rate},
                                              {"burst", p.burst}});
  }
  boost::json::array closing;
  for (const auto& d : cfg.calendar.closing_days) closing.emplace_back(d);
  boost::json::object calendar{{"goede_vrijdag_closed", cfg.calendar.goede_vrijdag_closed},
                               {"closing_days", std::move(closing)}};
  boost::json::object secrets{{"bsn_hash_key", secret_json(cfg.secrets.bsn_hash_key)}};
  const auto& dv = cfg.delivery;
  boost::json::object delivery{{"min_backoff", format_duration(dv.min_backoff)},
                               {"max_backoff", format_duration(dv.max_backoff)},
                               {"max_lifetime", format_duration(dv.max_lifetime)},
                               {"scan_interval", format_duration(dv.scan_interval)},
                               {"pickup_interval", format_duration(dv.pickup_interval)}};
  boost::json::array destinations, routes;
  for (const auto& d : cfg.destinations) {
    boost::json::object o{{"id", d.id}, {"kind", to_string(d.kind)}, {"partner", d.partner}};
    if (d.kind == DestinationKind::push) {
      o["url"] = d.url;
      o["ca"] = d.ca.string();
      o["client_cert"] = d.client_cert.string();
      o["client_key"] = d.client_key.string();
      o["concurrency"] = d.concurrency;
      o["timeout"] = format_duration(d.timeout);
    }
    if (d.kind == DestinationKind::drop) o["directory"] = d.directory.string();
    destinations.emplace_back(std::move(o));
  }
  for (const auto& r : cfg.routes) {
    boost::json::array types, receivers;
    for (int t : r.types) types.emplace_back(t);
    for (const auto& c : r.receivers) receivers.emplace_back(c);
    routes.emplace_back(boost::json::object{{"law", r.law}, {"types", std::move(types)},
                                            {"receivers", std::move(receivers)}, {"destination", r.destination},
                                            {"from", r.from}, {"until", r.until}});
  }
  return boost::json::object{
      {"state_dir", cfg.state_dir.string()},
      {"log_level", std::string(core::level_name(cfg.log_level))},
      {"drain_timeout", format_duration(cfg.drain_timeout)},
      {"admin", std::move(admin)},
      {"https", std::move(https)},
      {"plain", std::move(plain)},
      {"partners", std::move(partners)},
      {"calendar", std::move(calendar)},
      {"delivery", std::move(delivery)},
      {"deadlines", boost::json::object{{"scan_interval", format_duration(cfg.deadlines.scan_interval)}}},
      {"destinations", std::move(destinations)},
      {"routes", std::move(routes)},
      {"intake", boost::json::object{{"validation_threads", cfg.intake.validation_threads}}},
      {"store", boost::json::object{{"engine", cfg.store.engine},
                                    {"path", cfg.store.path.string()},
                                    {"busy_timeout", format_duration(cfg.store.busy_timeout)},
                                    {"max_batch", cfg.store.max_batch},
                                    {"max_queue", cfg.store.max_queue},
                                    {"retention", format_duration(cfg.store.retention)},
                                    {"prune_interval", format_duration(cfg.store.prune_interval)}}},
      {"schemas", boost::json::object{{"dir", cfg.schemas.dir.string()},
                                      {"packs", [&] {
                                         boost::json::array a;
                                         for (const auto& p : cfg.schemas.packs) a.emplace_back(p);
                                         return a;
                                       }()},
                                      {"max_message", format_size(cfg.schemas.max_message)},
                                      {"max_depth", cfg.schemas.max_depth},
                                      {"max_entity_expansions", cfg.schemas.max_entity_expansions}}},
      {"reference", boost::json::object{{"cbs_gemeenten", cfg.reference.cbs_gemeenten.string()},
                                        {"productcodes", cfg.reference.productcodes.string()}}},
      {"secrets", std::move(secrets)},
  };
}

}  // namespace sluis::config
