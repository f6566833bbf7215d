// sluis-load --region-setup: the region's partners, their certificates and
// the configuration blocks sluisd needs to know them (region.hpp).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gateway/net/tls.hpp"
#include "gateway/tools/region.hpp"

namespace sluis::region {

namespace fs = std::filesystem;

namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

// Zuid-Limburg's municipalities (the youth-care region of the recipe), then
// Midden- and Noord-Limburg: taken in this order when on the reference list.
constexpr const char* kLimburg[] = {"0935", "0917", "1883", "0928", "0882", "0899", "1954", "1903", "1729",
                                    "0938", "0994", "0981", "0965", "0986", "0888", "0971", "0957", "0983",
                                    "1640", "1641", "1669", "1711", "0946", "1894", "0988", "0984", "1507"};

Key new_key() { return Key(EVP_EC_gen("P-256"), EVP_PKEY_free); }

bool add_ext(X509* x, X509* issuer, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  if (!ext) return false;
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return true;
}

// A certificate for `key` with subject O=org, CN=cn, signed by issuer (itself when null).
Cert make_cert(EVP_PKEY* key, const std::string& org, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key,
               long serial, const std::vector<std::pair<int, std::string>>& exts) {
  Cert x(X509_new(), X509_free);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 60L * 60 * 24 * 365);
  X509_set_pubkey(x.get(), key);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), issuer ? X509_get_subject_name(issuer) : name);
  for (const auto& [nid, value] : exts)
    if (!add_ext(x.get(), issuer ? issuer : x.get(), nid, value.c_str())) return Cert(nullptr, X509_free);
  if (X509_sign(x.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) return Cert(nullptr, X509_free);
  return x;
}

bool write_pem(const fs::path& cert_path, X509* cert, const fs::path& key_path, EVP_PKEY* key) {
  FILE* f = std::fopen(cert_path.c_str(), "w");
  if (!f) return false;
  bool ok = PEM_write_X509(f, cert) == 1;
  ok = std::fclose(f) == 0 && ok;
  if (!key) return ok;
  f = std::fopen(key_path.c_str(), "w");
  if (!f) return false;
  ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1 && ok;
  ok = std::fclose(f) == 0 && ok;
  fs::permissions(key_path, fs::perms::owner_read | fs::perms::owner_write);
  return ok;
}

std::set<std::string> reference_codes(const fs::path& csv) {
  std::set<std::string> out;
  std::ifstream in(csv);
  for (std::string line; std::getline(in, line);)
    if (line.size() > 5 && std::isdigit(static_cast<unsigned char>(line[0])) && line[4] == ',')
      out.insert(line.substr(0, 4));
  return out;
}

}  // namespace

int setup(const SetupOptions& o) {
  auto known = reference_codes(o.cbs);
  if (known.empty()) {
    std::cerr << "sluis-load: no CBS codes in " << o.cbs << "\n";
    return 64;
  }
  std::vector<std::string> cbs;
  for (const char* c : kLimburg)
    if (known.count(c) && static_cast<int>(cbs.size()) < o.municipalities) cbs.push_back(c);
  if (static_cast<int>(cbs.size()) < o.municipalities) {
    std::cerr << "sluis-load: at most " << cbs.size() << " municipalities\n";
    return 64;
  }
  if (o.providers < 1 || o.providers > 900) {
    std::cerr << "sluis-load: --providers takes 1..900\n";
    return 64;
  }
  const fs::path root = fs::absolute(o.dir);
  const fs::path pki = root / "pki";
  fs::create_directories(pki / "partners");
  auto ca_key = new_key(), server_key = new_key();
  auto ca = make_cert(ca_key.get(), "Regio Simulatie (fictief)", "regio simulatie CA", nullptr, nullptr, 1,
                      {{NID_basic_constraints, "critical,CA:TRUE"}, {NID_key_usage, "critical,keyCertSign,cRLSign"}});
  auto server = make_cert(server_key.get(), "Regio Simulatie (fictief)", "localhost", ca.get(), ca_key.get(), 2,
                          {{NID_basic_constraints, "CA:FALSE"},
                           {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                           {NID_ext_key_usage, "serverAuth,clientAuth"}});
  if (!ca || !server || !write_pem(pki / "ca.pem", ca.get(), {}, nullptr) ||
      !write_pem(pki / "server.pem", server.get(), pki / "server.key", server_key.get())) {
    std::cerr << "sluis-load: cannot make the region's CA or server certificate in " << pki << "\n";
    return 64;
  }

  std::mt19937 rng(o.seed);
  std::string toml =
      "# The simulated region (sluis-load --region-setup): its partners, their certificates'\n"
      "# keys, and the drop directories of those that receive by drop.\n";
  boost::json::array partners;
  long serial = 10;
  // How a partner receives: its mailbox, a drop directory, or a push to the run's receiver.
  enum class Receives { mailbox, drop, push };
  auto receives = [&](int i) {
    return i == 1 ? Receives::drop : i == 2 && o.push_port > 0 ? Receives::push : Receives::mailbox;
  };
  auto add = [&](const std::string& id, const std::string& role, const std::string& code, bool partner_retour,
                 Receives how) -> bool {
    auto key = new_key();
    const std::string org = role == "gemeente" ? "Gemeente " + code + " (simulatie)" : "Aanbieder " + code + " (fictief)";
    auto cert = make_cert(key.get(), org, role + " " + code, ca.get(), ca_key.get(), ++serial,
                          {{NID_basic_constraints, "CA:FALSE"},
                           {NID_key_usage, "critical,digitalSignature"},
                           {NID_ext_key_usage, "clientAuth"}});
    const fs::path cert_path = pki / "partners" / (id + ".pem"), key_path = pki / "partners" / (id + ".key");
    if (!cert || !write_pem(cert_path, cert.get(), key_path, key.get())) return false;
    const std::string retour = partner_retour ? "partner" : "gateway";
    toml += "\n[[partners]]\nid = \"" + id + "\"\nrole = \"" + role + "\"\ncodes = [\"" + code +
            "\"]\nretour = \"" + retour + "\"\n[[partners.certificates]]\nspki_sha256 = \"" + net::describe_certificate(cert.get()).spki_sha256 +
            "\"\n";
    boost::json::object p{{"id", id}, {"role", role}, {"code", code}, {"retour", retour},
                          {"cert", cert_path.string()}, {"key", key_path.string()}};
    if (how == Receives::push) {
      toml += "\n[[destinations]]\nid = \"" + id + "-push\"\nkind = \"push\"\npartner = \"" + id +
              "\"\nurl = \"https://127.0.0.1:" + std::to_string(o.push_port) + "/" + id + "\"\nca = \"" +
              (pki / "ca.pem").string() + "\"\n\n[[routes]]\nreceivers = [\"" + code + "\"]\ndestination = \"" + id +
              "-push\"\n";
      p["push"] = true;
    }
    if (how == Receives::drop) {
      const fs::path dir = root / "drop" / id;
      fs::create_directories(dir);
      toml += "\n[[destinations]]\nid = \"" + id + "-drop\"\nkind = \"drop\"\npartner = \"" + id +
              "\"\ndirectory = \"" + dir.string() + "\"\n\n[[routes]]\nreceivers = [\"" + code +
              "\"]\ndestination = \"" + id + "-drop\"\n";
      p["drop"] = dir.string();
    }
    partners.push_back(std::move(p));
    return true;
  };
  for (int i = 0; i < o.municipalities; ++i)
    if (!add("gem-" + cbs[i], "gemeente", cbs[i], i % 2 == 1, receives(i))) {
      std::cerr << "sluis-load: cannot make a certificate in " << pki << "\n";
      return 64;
    }
  std::set<std::string> agbs;
  for (int i = 0; i < o.providers; ++i) {
    std::string agb;
    do {  // fictional: 75 (the corpus's own prefix) and six random digits
      agb = "75" + std::to_string(100000 + rng() % 900000);
    } while (!agbs.insert(agb).second);
    if (!add("zorg-" + agb, "aanbieder", agb, i % 2 == 1, receives(i))) {
      std::cerr << "sluis-load: cannot make a certificate in " << pki << "\n";
      return 64;
    }
  }
  // The region's contract (docs/contracts.md): both products of the episodes
  // at one tariff, every municipality covered, every provider contracted.
  const fs::path contracts = root / "contracts";
  fs::create_directories(contracts);
  std::ofstream(contracts / "catalogus.csv")
      << "wet;categorie;productcode;naam;segment;niveau;eenheid;frequenties;soort;ingangsdatum;einddatum\n"
         "ijw;45;45A01;jeugdhulp ambulant (simulatie);jeugdhulp ambulant;uren;04;2;inspanningsgericht;2026-01-01;\n"
         "ijw;45;45A04;jeugdhulp ambulant (simulatie);jeugdhulp ambulant;minuten;01;4;inspanningsgericht;2026-01-01;\n";
  std::string coverage = "contract;gemeente;ingangsdatum;einddatum\n";
  for (int i = 0; i < o.municipalities; ++i) coverage += "regio;" + cbs[i] + ";2026-01-01;\n";
  std::ofstream(contracts / "gemeenten.csv") << coverage;
  std::string tariffs = "contract;wet;categorie;productcode;aanbieder;tarief_eurocent;ingangsdatum;einddatum;geforceerd;reden\n"
                        "regio;ijw;45;45A01;;8640;2026-01-01;;;\nregio;ijw;45;45A04;;142;2026-01-01;;;\n";
  for (const auto& agb : agbs)
    tariffs += "regio;ijw;45;45A01;" + agb + ";;2026-01-01;;;\nregio;ijw;45;45A04;" + agb + ";;2026-01-01;;;\n";
  std::ofstream(contracts / "tarieven.csv") << tariffs;
  toml += "\n[contracts]\ncatalogue = \"" + (contracts / "catalogus.csv").string() + "\"\ncoverage = \"" +
          (contracts / "gemeenten.csv").string() + "\"\ntariffs = \"" + (contracts / "tarieven.csv").string() + "\"\n";
  std::ofstream(root / "partners.toml") << toml;
  std::ofstream(root / "region.json")
      << boost::json::serialize(boost::json::object{{"ca", (pki / "ca.pem").string()},
                                                    {"server_cert", (pki / "server.pem").string()},
                                                    {"server_key", (pki / "server.key").string()},
                                                    {"push_port", o.push_port},
                                                    {"partners", partners}})
      << "\n";
  std::cout << boost::json::serialize(boost::json::object{{"municipalities", o.municipalities},
                                                          {"providers", o.providers},
                                                          {"dir", root.string()}})
            << std::endl;
  return 0;
}

}  // namespace sluis::region
