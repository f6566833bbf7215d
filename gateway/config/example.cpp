#include "gateway/config/example.hpp"

#include <fmt/format.h>

#include <span>
#include <vector>

#include "gateway/config/config.hpp"

namespace sluis::config {

namespace {

// A value an example sets (written as TOML), on top of the key's default.
struct Setting {
  std::string_view key;        // "section.key", or "key" at the top level
  std::string_view value;      // TOML
  std::string_view fill = {};  // what the operator must put here ("FILL IN: …")
  bool commented = false;      // shown as #key = value
};

// The entries an example gives an array of tables, verbatim TOML.
struct Entries {
  std::string_view section;
  std::string_view text;
};

struct Example {
  std::string_view name;
  std::string_view file;
  std::string_view header;
  std::span<const Setting> settings;
  std::span<const Entries> entries;
};

constexpr std::string_view kCommonHeader =
    "Durations take a unit: ms, s, m, h, d (\"30s\"). Sizes too: B, KiB, MiB, GiB, KB, MB, GB "
    "(\"25MiB\"). Relative paths are resolved against the working directory sluisd starts in. "
    "Unknown keys are refused. Check a file with `sluisd --check-config -c FILE` or, against a "
    "running daemon, `sluisctl config-test --file FILE`: both, and a reload (`sluisctl "
    "config-reload`, SIGHUP), check the same things.\n\n"
    "Printed by `sluisd --print-config-example {}` from the key tables in "
    "gateway/config/keys.hpp: change those, then print this file again.";

constexpr Setting kDevelopmentSettings[] = {
    {"schemas.dir", "\"schemas\""},
    {"reference.cbs_gemeenten", "\"config/reference/cbs-gemeenten.csv\""},
    {"reference.productcodes", "\"config/reference/productcodes.csv\""},
    {"contracts.catalogue", "\"config/contracts/catalogus.csv\""},
    {"contracts.coverage", "\"config/contracts/gemeenten.csv\""},
    {"contracts.tariffs", "\"config/contracts/tarieven.csv\""},
    {"contracts.degressive", "\"config/contracts/degressief.csv\""},
    {"contracts.ceilings", "\"config/contracts/plafonds.csv\""},
};

constexpr Entries kDevelopmentEntries[] = {
    {"partners",
     "# These two match the development certificates of scripts/run (var/pki/).\n"
     "[[partners]]\n"
     "id = \"dev-aanbieder\"\n"
     "role = \"aanbieder\"\n"
     "codes = [\"87654321\"]\n"
     "mode = \"live\"\n"
     "rate = 0\n"
     "burst = 0\n"
     "[[partners.certificates]]\n"
     "subject = \"CN=aanbieder 87654321,serialNumber=AGB-87654321,O=Zorgaanbieder Voorbeeld "
     "(fictief)\"\n"
     "issuer_ca = \"var/pki/ca.pem\"\n"
     "\n"
     "[[partners]]\n"
     "id = \"dev-gemeente\"\n"
     "role = \"gemeente\"\n"
     "codes = [\"0935\"]\n"
     "mode = \"live\"\n"
     "retour = \"gateway\"\n"
     "orphans = \"refuse\"\n"
     "[[partners.certificates]]\n"
     "subject = \"CN=gemeente 0935,serialNumber=CBS-0935,O=Gemeente Voorbeeld (fictief)\"\n"
     "issuer_ca = \"var/pki/ca.pem\"\n"},
    {"destinations",
     "#[[destinations]]\n"
     "#id = \"gemeente-0935-push\"\n"
     "#kind = \"push\"\n"
     "#partner = \"dev-gemeente\"\n"
     "#url = \"https://127.0.0.1:9443/sluis/inbox\"\n"
     "#ca = \"var/pins/gemeente-0935-ca.pem\"\n"
     "#concurrency = 4\n"
     "#timeout = \"30s\"\n"
     "#[[destinations]]\n"
     "#id = \"backoffice-drop\"\n"
     "#kind = \"drop\"\n"
     "#partner = \"dev-gemeente\"\n"
     "#directory = \"var/drop/0935\"\n"},
    {"routes",
     "#[[routes]]\n"
     "#law = \"ijw\"\n"
     "#types = [323]\n"
     "#receivers = [\"0935\"]\n"
     "#destination = \"backoffice-drop\"\n"
     "#from = \"2027-01-01\"\n"},
};

constexpr Setting kProductionSettings[] = {
    {"state_dir", "\"/var/lib/sluis\""},
    {"admin.socket", "\"/run/sluis/sluisd.sock\"", {}, true},
    {"admin.group_required", "true"},
    {"https.address", "\"0.0.0.0\"",
     "the address partners connect to (0.0.0.0: every IPv4 interface, \"::\": every interface)"},
    {"https.tls.cert", "\"/etc/sluis/tls/server.pem\"",
     "the server certificate chain issued for the name partners connect to"},
    {"https.tls.key", "\"/etc/sluis/tls/server.key\"",
     "its private key, readable by the sluis user only"},
    {"https.tls.ca", "[\"/etc/sluis/tls/partners-ca.pem\"]",
     "the CA(s) that issue the partners' client certificates"},
    {"https.tls.crl", "[\"/etc/sluis/tls/partners.crl\"]", "the current CRL of each of those CAs"},
    {"store.path", "\"/var/lib/sluis/sluis.db\""},
    {"schemas.dir", "\"/usr/share/sluis/schemas\"", {}, true},
    {"secrets.bsn_hash_key", "\"credential:bsn-hash.key\"",
     "create /etc/sluis/credentials/bsn-hash.key (`umask 077; openssl rand -hex 32 > "
     "/etc/sluis/credentials/bsn-hash.key`), which systemd/sluisd.service loads with "
     "LoadCredential=; keep it: a BSN search under another key misses the messages stored "
     "before"},
};

constexpr Entries kProductionEntries[] = {
    {"partners",
     "# FILL IN: one [[partners]] block per partner, with its certificates; e.g.\n"
     "#[[partners]]\n"
     "#id = \"gemeente-0000\"\n"
     "#role = \"gemeente\"\n"
     "#codes = [\"0000\"]\n"
     "#mode = \"shadow\"\n"
     "#[[partners.certificates]]\n"
     "#spki_sha256 = \"<64 lowercase hex characters>\"\n"},
    {"destinations",
     "#[[destinations]]\n"
     "#id = \"gemeente-0000-push\"\n"
     "#kind = \"push\"\n"
     "#partner = \"gemeente-0000\"\n"
     "#url = \"https://backoffice.gemeente.example:8443/sluis/inbox\"\n"
     "#ca = \"/etc/sluis/pins/gemeente-0000-ca.pem\"\n"
     "#[[destinations]]\n"
     "#id = \"backoffice-drop\"\n"
     "#kind = \"drop\"\n"
     "#partner = \"gemeente-0000\"\n"
     "#directory = \"/var/lib/sluis/drop/0000\"\n"},
    {"routes",
     "#[[routes]]\n"
     "#law = \"ijw\"\n"
     "#types = [323]\n"
     "#receivers = [\"0000\"]\n"
     "#destination = \"backoffice-drop\"\n"
     "#from = \"2027-01-01\"\n"},
};

constexpr Example kExamples[] = {
    {"development", "config/sluisd.toml",
     "sluisd configuration, development example: every key with its help and default.\n\n"
     "This is the configuration `scripts/run` uses (from the repository root), with the "
     "development partners of its test PKI under var/. For a server start from "
     "config/sluisd.production.toml.",
     kDevelopmentSettings, kDevelopmentEntries},
    {"production", "config/sluisd.production.toml",
     "sluisd configuration, production example: every key with its help and default.\n\n"
     "The package installs it as /etc/sluis/sluisd.toml (a conffile; the shipped copy stays in "
     "/usr/share/doc/sluis/examples/sluisd.production.toml). Fill in the places marked "
     "FILL IN: the listener's address and certificates, the BSN hash key and the partners. "
     "Configuration and certificates live under /etc/sluis, data under /var/lib/sluis (the "
     "unit's StateDirectory=), the admin socket under /run/sluis (RuntimeDirectory=). "
     "systemd/sluisd.service checks the file before every start.",
     kProductionSettings, kProductionEntries},
};

const Example& example(ExampleKind kind) {
  return kExamples[kind == ExampleKind::development ? 0 : 1];
}

// Words of `text` wrapped to lines of at most 80 columns, each starting with
// `first` (the first line) or `rest`.
std::string wrap(std::string_view text, std::string_view first, std::string_view rest) {
  std::string out, line(first);
  bool empty_line = true;
  auto flush = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    line = rest;
    empty_line = true;
  };
  std::size_t i = 0;
  while (i <= text.size()) {
    if (i < text.size() && text[i] == '\n') {  // paragraph break
      flush();
      ++i;
      continue;
    }
    std::size_t end = text.find_first_of(" \n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    if (!word.empty()) {
      if (!empty_line && line.size() + 1 + word.size() > 80) flush();
      if (!empty_line) line += ' ';
      line += word;
      empty_line = false;
    }
    if (end >= text.size()) break;
    i = end + (text[end] == ' ' ? 1 : 0);
  }
  flush();
  // Blank comment lines end at "#".
  std::string cleaned;
  for (std::size_t p = 0; p < out.size();) {
    std::size_t nl = out.find('\n', p);
    std::string_view l(out.data() + p, nl - p);
    while (!l.empty() && l.back() == ' ') l.remove_suffix(1);
    cleaned.append(l);
    cleaned += '\n';
    p = nl + 1;
  }
  return cleaned;
}

std::string toml_string(std::string_view s) {
  return fmt::format("\"{}\"", s);
}

std::string list(std::span<const std::string_view> items) {
  std::vector<std::string> q;
  for (auto i : items) q.push_back(toml_string(i));
  return fmt::format("[{}]", fmt::join(q, ", "));
}

// The TOML value of a key's default, when it has one that is not computed.
std::string default_value(const Key& k) {
  switch (k.type) {
    case KeyType::boolean:
      return k.number ? "true" : "false";
    case KeyType::integer:
      return std::to_string(k.number);
    case KeyType::duration:
      return toml_string(format_duration(Duration(k.number)));
    case KeyType::size:
      return toml_string(format_size(static_cast<std::uint64_t>(k.number)));
    case KeyType::string:
    case KeyType::path:
    case KeyType::secret:
      return k.text.empty() ? "" : toml_string(k.text);
    case KeyType::choice:
      return toml_string(k.text);
    case KeyType::paths:
    case KeyType::strings:
      return list(k.list);
    case KeyType::integers:
      return "[]";
  }
  return "";
}

std::string key_help(const Key& k) {
  std::string text(k.help);
  if (std::string allowed = allowed_text(k); !allowed.empty())
    text += fmt::format(" Allowed: {}.", allowed);
  text += k.required ? " Required." : fmt::format(" Default: {}.", default_text(k));
  return text;
}

const Setting* setting(const Example& ex, std::string_view section, std::string_view key) {
  std::string full = section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
  for (const Setting& s : ex.settings)
    if (s.key == full) return &s;
  return nullptr;
}

std::string_view entries(const Example& ex, std::string_view section) {
  for (const Entries& e : ex.entries)
    if (e.section == section) return e.text;
  return {};
}

std::string render_table(const Example& ex, const Section& s) {
  std::string out;
  if (!s.name.empty()) out += fmt::format("\n[{}]\n", s.name);
  if (!s.help.empty()) out += wrap(s.help, "# ", "# ");
  for (const Key& k : s.keys) {
    out += "\n";
    out += wrap(key_help(k), "# ", "# ");
    if (const Setting* set = setting(ex, s.name, k.name)) {
      if (!set->fill.empty()) out += wrap(fmt::format("FILL IN: {}.", set->fill), "# ", "# ");
      out += fmt::format("{}{} = {}\n", set->commented ? "#" : "", k.name, set->value);
    } else if (!k.example.empty()) {
      out += fmt::format("#{} = {}\n", k.name, k.example);
    } else {
      out += fmt::format("{} = {}\n", k.name, default_value(k));
    }
  }
  return out;
}

std::string render_array_keys(const Section& s) {
  std::string out = wrap(fmt::format("[[{}]]: {}", s.name, s.help), "# ", "# ");
  for (const Key& k : s.keys)
    out += wrap(key_help(k), fmt::format("#   {:<14}", k.name), "#                 ");
  return out;
}

}  // namespace

std::optional<ExampleKind> example_named(std::string_view name) {
  if (name == "development") return ExampleKind::development;
  if (name == "production") return ExampleKind::production;
  return std::nullopt;
}

std::string_view example_file(ExampleKind kind) {
  return example(kind).file;
}

std::string allowed_text(const Key& k) {
  switch (k.type) {
    case KeyType::integer:
    case KeyType::integers:
      return k.unit.empty() ? fmt::format("{}..{}", k.min, k.max)
                            : fmt::format("{}..{} ({})", k.min, k.max, k.unit);
    case KeyType::duration:
      return fmt::format("{}..{}", format_duration(Duration(k.min)),
                         format_duration(Duration(k.max)));
    case KeyType::size:
      return fmt::format("{}..{}", format_size(static_cast<std::uint64_t>(k.min)),
                         format_size(static_cast<std::uint64_t>(k.max)));
    case KeyType::choice: {
      std::vector<std::string> q;
      for (auto c : k.choices) q.push_back(toml_string(c));
      return fmt::format("one of {}", fmt::join(q, ", "));
    }
    default:
      return {};
  }
}

std::string default_text(const Key& k) {
  if (k.required) return "required";
  if (!k.computed.empty()) return std::string(k.computed);
  std::string v = default_value(k);
  return v.empty() ? "none" : v;
}

std::string render_example(ExampleKind kind) {
  const Example& ex = example(kind);
  std::string out =
      wrap(fmt::format("{}\n\n{}", ex.header, fmt::format(kCommonHeader, ex.name)), "# ", "# ");
  for (const Section& s : sections()) {
    if (s.array) {
      // A nested array ([[partners.certificates]]) is documented with its parent.
      if (s.name.find('.') != std::string_view::npos) continue;
      out += "\n";
      out += render_array_keys(s);
      for (const Section& sub : sections())
        if (sub.name.starts_with(std::string(s.name) + ".")) out += render_array_keys(sub);
      out += std::string(entries(ex, s.name));
    } else {
      out += render_table(ex, s);
    }
  }
  return out;
}

}  // namespace sluis::config
