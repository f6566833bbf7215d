#include "tests/support/test_gateway.hpp"

#include <csignal>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "tests/support/postgres.hpp"

namespace sluis::test {

namespace {
std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}
std::string port_of(const std::string& url) { return url.empty() ? "0" : url.substr(url.rfind(':') + 1); }
std::string packs_line(const std::vector<std::string>& packs) {
  if (packs.empty()) return "";
  std::string line = "packs = [";
  for (std::size_t i = 0; i < packs.size(); ++i) line += (i ? ", \"" : "\"") + packs[i] + "\"";
  return line + "]\n";
}
// The test's own TOML with the PostgreSQL store's lines in its [store] table
// (or in a [store] table after it); unchanged on SQLite.
std::string store_lines(const std::string& extra, const std::string& conninfo) {
  if (conninfo.empty()) return extra;
  const std::string lines = "engine = \"postgresql\"\nconnection = \"file:pg.conn\"\nnode = \"n1\"\n";
  if (auto at = extra.find("[store]\n"); at != std::string::npos)
    return extra.substr(0, at + 8) + lines + extra.substr(at + 8);
  return extra + "\n[store]\n" + lines;
}
}  // namespace

TestGateway::TestGateway(const std::string& tag, std::function<std::string(TestGateway&)> partners,
                         std::string extra_toml, std::vector<std::string> launcher, std::string https_toml,
                         std::map<std::string, std::string> env)
    : dir(tag), partners_(std::move(partners)), extra_(std::move(extra_toml)), https_(std::move(https_toml)) {
  auto made = run_command({"/bin/bash", (source_dir() / "tests/support/make-test-pki.sh").string(),
                           (dir.path() / "pki").string()});
  if (made.exit_code != 0) throw std::runtime_error("make-test-pki.sh failed: " + made.output);
  dir.write("bsn.key", "0123456789abcdef0123456789abcdef\n");
  if (const char* e = std::getenv("SLUIS_TEST_ENGINE"); e && std::string_view(e) == "postgresql") {
    postgresql = postgres().create_database();
    std::filesystem::permissions(dir.write("pg.conn", postgresql), std::filesystem::perms::owner_read |
                                                                         std::filesystem::perms::owner_write);
  }
  write_config();
  daemon = std::make_unique<DaemonProcess>(dir.path(), std::vector<std::string>{"--config", "sluisd.toml"},
                                           std::move(env), std::move(launcher));
  if (!daemon->wait_for("READY=1")) throw std::runtime_error("sluisd did not start:\n" + daemon->log());
  auto st = sluisctl({"--json", "status-get"});
  if (st.exit_code != 0) throw std::runtime_error("status-get failed: " + st.output);
  auto status = boost::json::parse(st.output);
  for (const auto& l : status.at("arguments").at("listeners").as_array()) {
    std::string url(l.as_string());
    if (url.starts_with("https://")) https_url = url;
    if (url.starts_with("http://")) plain_url = url;
  }
  if (https_url.empty() || plain_url.empty()) throw std::runtime_error("listeners missing: " + st.output);
  // Pin the ports it got, so a reload or a restart on this config keeps them.
  write_config();
}

TestGateway::~TestGateway() = default;

std::string TestGateway::pki(const std::string& file) const { return (dir.path() / "pki" / file).string(); }

long TestGateway::metric(const std::string& series) const {
  auto r = run_command({"/usr/bin/curl", "-sS", plain_url + "/metrics"});
  auto p = r.output.find("\n" + series + " ");
  return p == std::string::npos ? -1L : std::atol(r.output.c_str() + p + series.size() + 2);
}

std::string TestGateway::spki(const std::string& cert) const {
  auto r = run_command({"/bin/sh", "-c",
                        "openssl x509 -in '" + pki(cert) +
                            "' -noout -pubkey | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1"});
  return trim(r.output);
}

void TestGateway::write_config(const std::string& crl) {
  std::ostringstream c;
  c << "state_dir = \"state\"\ndrain_timeout = \"5s\"\n"
    << "[admin]\nsocket = \"state/admin.sock\"\ngroup = \"\"\n"
    << "[https]\nport = " << port_of(https_url) << "\nheader_timeout = \"500ms\"\nmax_body = \"64KiB\"\n"
    << https_ << "\n"
    << "[https.tls]\ncert = \"" << pki("server.pem") << "\"\nkey = \"" << pki("server.key") << "\"\n"
    << "ca = [\"" << pki("ca.pem") << "\"]\ncrl = [\"" << pki(crl) << "\"]\n"
    << "[reference]\ncbs_gemeenten = \"" << (source_dir() / "config/reference/cbs-gemeenten.csv").string()
    << "\"\nproductcodes = \"" << (source_dir() / "config/reference/productcodes.csv").string() << "\"\n"
    << "[secrets]\nbsn_hash_key = \"file:bsn.key\"\n"
    << "[schemas]\ndir = \"" << (schemas_dir.empty() ? source_dir() / "schemas" : schemas_dir).string() << "\"\n"
    << packs_line(schema_packs)
    << "[intake]\nvalidation_threads = 2\n"
    << "[plain]\nport = " << port_of(plain_url) << "\n"
    << store_lines(extra_, postgresql) << "\n"
    << partners_(*this);
  dir.write("sluisd.toml", c.str());
}

Http TestGateway::curl(const std::string& who, const std::string& path, std::vector<std::string> extra) const {
  std::string head = (dir.path() / ("headers-" + std::to_string(++posts_))).string();
  std::vector<std::string> argv{"/usr/bin/curl", "-sS", "--max-time", "30", "-o", "-", "-D", head,
                                "-w", "\n%{http_code}", "--cacert", pki("ca.pem")};
  if (!who.empty()) argv.insert(argv.end(), {"--cert", pki(who + ".pem"), "--key", pki(who + ".key")});
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(https_url + path);
  auto r = run_command(argv);
  Http h;
  h.curl_exit = r.exit_code;
  auto out = trim(r.output);
  auto nl = out.rfind('\n');
  h.status = std::atoi(out.substr(nl == std::string::npos ? 0 : nl + 1).c_str());
  h.body = nl == std::string::npos ? "" : out.substr(0, nl);
  std::ifstream hf(head);
  std::ostringstream hs;
  hs << hf.rdbuf();
  h.headers = hs.str();
  return h;
}

Http TestGateway::post_xml(const std::string& who, const std::string& path, const std::string& xml) const {
  auto file = dir.write("post-" + std::to_string(++posts_) + ".xml", xml);
  return curl(who, path, {"-X", "POST", "-H", "Content-Type: application/xml", "--data-binary", "@" + file.string()});
}

std::string TestGateway::partner(const std::string& id, const std::string& role, const std::string& codes,
                                 const std::string& cert, const std::string& extra) const {
  return "[[partners]]\nid = \"" + id + "\"\nrole = \"" + role + "\"\ncodes = [" + codes + "]\n" + extra +
         "[[partners.certificates]]\nspki_sha256 = \"" + spki(cert) + "\"\n";
}

std::string TestGateway::corpus_partners(const std::string& gem_extra) const {
  return partner("zorg", "aanbieder", "\"75302186\"", "provider.pem") +
         partner("gem", "gemeente", "\"0917\"", "gemeente.pem", gem_extra);
}

CommandResult TestGateway::sluisctl(std::vector<std::string> args) const {
  std::vector<std::string> argv{(bin_dir() / "tools/sluisctl").string(), "--socket",
                                (dir.path() / "state/admin.sock").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

std::optional<int> TestGateway::stop() {
  daemon->signal(SIGTERM);
  return daemon->wait_exit();
}

}  // namespace sluis::test
