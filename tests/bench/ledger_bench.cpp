// Benchmark (label bench; prints numbers, never fails on time): a 323 with
// 40 000 prestaties (4 000 clients x 10) against a ledger of 100 000
// allocations, as sluis answers it for the gemeente (retour = "gateway"):
//   - XSD validation with the typed model, the in-message rules;
//   - the commit: the cross-message rules against the SQLite ledger, the 325
//     composed, the ledger changes (40 000 prestaties) and both messages
//     written in one transaction, fsynced;
//   - peak memory of each phase;
// and, on the same file system in the same run, a plain SQLite baseline doing
// the least any ledger check must: 40 000 indexed lookups of an allocation and
// 40 000 prestatie inserts in one fsynced transaction. Printed as a ratio.
// Test data are generated: fictional BSNs that pass the 11-check, invented codes.
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "gateway/core/clock.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/intake/decide.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/model_writer.hpp"
#include "gateway/xml/validator.hpp"
#include "tests/support/bench.hpp"
#include "tests/support/schemas.hpp"

namespace fs = std::filesystem;
namespace L = sluis::standard::ledger;
using namespace sluis;
using namespace sluis::test::bench;

namespace {

constexpr int kClients = 4000, kPerClient = 10, kAllocations = 100000;
constexpr const char* kKey = "bench-bsn-key";

// The ledger before the declaration: an allocation for every prestatie of the
// declaration (the client's BSN hash, 45A01, 2 uur per week through 2026) and
// filler allocations of other clients up to kAllocations.
L::Changes allocations() {
  L::Changes c;
  auto add = [&](m::Integer nummer, const std::string& bsn_hash) {
    L::Allocation a;
    a.law = standard::Law::ijw;
    a.gemeente = "0917";
    a.aanbieder = "75302186";
    a.toewijzing_nummer = nummer;
    a.bsn_hash = bsn_hash;
    a.categorie = "45";
    a.code = "45A01";
    a.ingangsdatum = *core::parse_date("2026-01-01");
    a.einddatum = *core::parse_date("2026-12-31");
    a.volume = 2;
    a.eenheid = "04";
    a.frequentie = "2";
    a.toewijzingsdatum = *core::parse_date("2025-12-15");
    a.message_id = "import";
    c.allocations.push_back(std::move(a));
  };
  long bsn = 999900000;  // the same sequence big_declaration() draws its clients from
  for (int cl = 0; cl < kClients; ++cl) {
    std::string h = core::hmac_sha256_hex(kKey, next_bsn(bsn));
    for (int p = 0; p < kPerClient; ++p) add(100000000 + static_cast<m::Integer>(cl) * kPerClient + p, h);
  }
  for (int i = static_cast<int>(c.allocations.size()); i < kAllocations; ++i)
    add(200000000 + i, core::hmac_sha256_hex(kKey, "filler-" + std::to_string(i)));
  return c;
}

store::NewMessage row(const m::Message& msg, const std::string& body) {
  store::NewMessage n;
  n.law = standard::Law::ijw;
  n.type = msg.type->number;
  n.berichtcode = msg.type->berichtcode;
  n.release = msg.release;
  n.sender_code = msg.header().Afzender;
  n.receiver_code = msg.header().Ontvanger;
  n.sender_partner = "zorg";
  n.receiver_partner = "gem";
  n.identificatie = msg.header().BerichtIdentificatie.Identificatie;
  n.dagtekening = core::format_date(msg.header().BerichtIdentificatie.Dagtekening);
  n.body = body;
  n.state = store::State::queued;
  return n;
}

// 40 000 lookups by (law, gemeente, nummer) among kAllocations rows and 40 000
// inserts, one transaction, WAL + synchronous=FULL like the store.
double raw_sqlite(const fs::path& file) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE a (law TEXT, gemeente TEXT, nummer INTEGER, bsn TEXT, PRIMARY KEY (law, gemeente, nummer));"
               "CREATE TABLE p (law TEXT, aanbieder TEXT, ref TEXT, nummer INTEGER, volume INTEGER, cents INTEGER,"
               " PRIMARY KEY (law, aanbieder, ref));",
               nullptr, nullptr, nullptr);
  sqlite3_stmt *ins = nullptr, *get = nullptr, *put = nullptr;
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO a VALUES ('ijw', '0917', ?, 'h')", -1, &ins, nullptr);
  for (int i = 0; i < kAllocations; ++i) {
    sqlite3_bind_int64(ins, 1, 100000000 + i);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_prepare_v2(db, "SELECT bsn FROM a WHERE law = 'ijw' AND gemeente = '0917' AND nummer = ?", -1, &get, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO p VALUES ('ijw', '75302186', ?, ?, 8, 69120)", -1, &put, nullptr);
  auto t = Clock::now();
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  for (int i = 0; i < kClients * kPerClient; ++i) {
    sqlite3_bind_int64(get, 1, 100000000 + i);
    sqlite3_step(get);
    sqlite3_reset(get);
    std::string ref = "R" + std::to_string(i);
    sqlite3_bind_text(put, 1, ref.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(put, 2, 100000000 + i);
    sqlite3_step(put);
    sqlite3_reset(put);
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  double s = seconds_since(t);
  sqlite3_finalize(ins);
  sqlite3_finalize(get);
  sqlite3_finalize(put);
  sqlite3_close(db);
  return s;
}

}  // namespace

int main() {
  fs::path dir = fs::temp_directory_path() / ("sluis-ledger-bench-" + core::random_hex(4));
  fs::create_directories(dir);
  xml::XercesRuntime runtime;
  config::SchemasConfig cfg = test::schemas_config();
  cfg.max_message = 64ULL << 20;  // the generated 323 is beyond the chain's 25 MB
  auto set = xml::SchemaSet::load(cfg);
  if (!set) {
    std::cerr << set.error().text << "\n";
    return 1;
  }
  xml::Validator validator(*set, cfg);
  auto seed = validator.validate(test::slurp(test::source() / "tests/conformance/rules/ledger/323-april.xml"),
                                 xml::ReadModel::yes);
  if (!seed.message) return 1;

  auto s = store::open_sqlite((dir / "store.db").string());
  if (!s) {
    std::cerr << s.error().text << "\n";
    return 1;
  }
  // The ledger: 100 000 allocations in one commit (what an import does).
  auto t = Clock::now();
  {
    auto changes = std::make_shared<L::Changes>(allocations());
    store::NewMessage imp = row(*seed.message, "<import/>");
    imp.identificatie = "IMPORT";
    imp.decide = [changes](const L::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
      store::Decision d;
      d.changes = std::move(*changes);
      return d;
    };
    if (!(*s)->commit_sync(std::move(imp))) return 1;
  }
  double import_s = seconds_since(t);

  std::string doc = xml::write_message(big_declaration(*seed.message, kClients, kPerClient));
  long base = rss_kib();
  reset_peak();
  t = Clock::now();
  auto out = validator.validate(doc, xml::ReadModel::yes);
  double validate_s = seconds_since(t);
  long peak_validate = status_kib("VmHWM:") - base;
  if (out.verdict != xml::Verdict::valid || !out.message) {
    std::cerr << "the generated 323 is not valid: " << (out.findings.empty() ? "" : out.findings.front().en) << "\n";
    return 1;
  }
  t = Clock::now();
  auto today = *core::parse_date("2026-11-24");
  auto in_message = rules::check(rules::Context{*out.message, today, nullptr, nullptr, {}});
  double rules_s = seconds_since(t);

  intake::Verdict v;
  v.message = std::make_shared<const m::Message>(std::move(*out.message));
  v.findings = in_message;
  v.receiver_retour = config::RetourMode::gateway;
  v.sender_partner = "zorg";
  v.today = today;
  v.bsn_mac = std::make_shared<const core::Hmac>(kKey);
  store::NewMessage msg = row(*v.message, doc);
  msg.decide = intake::decide(std::move(v));
  base = rss_kib();
  reset_peak();
  t = Clock::now();
  auto r = (*s)->commit_sync(std::move(msg));
  double commit_s = seconds_since(t);
  long peak_commit = status_kib("VmHWM:") - base;
  if (!r) {
    std::cerr << r.error().text << "\n";
    return 1;
  }
  (*s)->close();
  double raw_s = raw_sqlite(dir / "raw.db");

  std::printf("ledger: %d allocations imported in one commit: %.2f s\n", kAllocations, import_s);
  std::printf("323 with %d prestaties, %.1f MB: in-message findings %zu, HTTP %d, 325 composed: %zu\n",
              kClients * kPerClient, static_cast<double>(doc.size()) / 1e6, in_message.size(), r->http_status,
              r->produced_ids.size());
  std::printf("  XSD + typed model: %.2f s (peak +%ld MiB)\n", validate_s, peak_validate / 1024);
  std::printf("  in-message rules:  %.3f s\n", rules_s);
  std::printf("  commit (cross-message rules, 325, ledger, fsync): %.2f s (peak +%ld MiB)\n", commit_s,
              peak_commit / 1024);
  std::printf("  raw SQLite floor (40 000 indexed lookups + 40 000 inserts, one fsynced transaction): %.3f s\n",
              raw_s);
  std::printf("  ratio commit / raw SQLite floor: %.1f\n", commit_s / raw_s);
  fs::remove_all(dir);
  return 0;
}
