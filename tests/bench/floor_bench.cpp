// Benchmark (label bench; prints numbers, never fails on time): the two parts
// of an accepted message's cost that sluis cannot avoid besides TLS and HTTP
// (tests/bench/http_bench.sh measures those with nginx), each done bare:
//   - XSD validation of the document by Xerces alone: a SAX2 reader with an
//     empty handler on the same locked grammar pool (SchemaSet::load) and
//     the same features as sluis's validator, one thread;
//   - a raw SQLite insert of the same bytes, in transactions of BATCH rows
//     (journal_mode=WAL, synchronous=FULL, one prepared statement), on the
//     file system of the temp dir (or SLUIS_BENCH_DIR), one thread.
// Prints both as microseconds per message, then the latency of 1000 durable
// single-row commits (the disk's share of any answer's latency), and a last line
//   floor: {"xsd_us": X, "sqlite_us": Y, "bytes": N, "batch": B, "commit_p50_ms": .., "commit_p99_ms": ..,
//           "commit_max_ms": .., "xsd_after_1ms_us": .., "xsd_after_10ms_us": ..}
// that http_bench.sh adds to nginx's time per request for the floor, with two
// more figures: the same validation of one document after 1 ms and after
// 10 ms asleep (median), what this machine charges for idling between
// messages (caches used for other work in between), which open-loop latency
// at low rates pays and a tight loop does not.
//
//   floor_bench [DOCUMENT [TOKEN]] [--batch B]
// DOCUMENT defaults to the corpus 323 declaration; TOKEN (e.g. @ID@) is
// replaced by a fresh value per message, as sluis-load --unique does.
#include <sqlite3.h>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/core/digest.hpp"
#include "gateway/xml/schema_set.hpp"
#include "tests/support/schemas.hpp"

namespace fs = std::filesystem;
namespace x = xercesc_3_2;
using Clock = std::chrono::steady_clock;

namespace {

struct Counting : x::DefaultHandler {
  long errors = 0;
  void error(const x::SAXParseException&) override { ++errors; }
  void fatalError(const x::SAXParseException&) override { ++errors; }
};

std::string with_unique(const std::string& body, const std::string& token, long n) {
  if (token.empty()) return body;
  std::string out = body, value = "L" + std::to_string(n);
  for (auto at = out.find(token); at != std::string::npos; at = out.find(token, at + value.size()))
    out.replace(at, token.size(), value);
  return out;
}

// Bare Xerces: a SAX2 reader with an empty handler on the set's locked
// grammar pool, with the features of sluis's validator.
class BareXerces {
 public:
  explicit BareXerces(const sluis::xml::SchemaSet& set)
      : parser_(x::XMLReaderFactory::createXMLReader(x::XMLPlatformUtils::fgMemoryManager, set.pool())),
        source_(nullptr, 0, "bericht", false) {
    parser_->setFeature(x::XMLUni::fgSAX2CoreNameSpaces, true);
    parser_->setFeature(x::XMLUni::fgSAX2CoreValidation, true);
    parser_->setFeature(x::XMLUni::fgXercesDynamic, false);
    parser_->setFeature(x::XMLUni::fgXercesSchema, true);
    parser_->setFeature(x::XMLUni::fgXercesSchemaFullChecking, false);
    parser_->setFeature(x::XMLUni::fgXercesUseCachedGrammarInParse, true);
    parser_->setFeature(x::XMLUni::fgXercesLoadSchema, false);
    parser_->setFeature(x::XMLUni::fgXercesLoadExternalDTD, false);
    parser_->setFeature(x::XMLUni::fgXercesIdentityConstraintChecking, set.identity_constraints());
    parser_->setErrorHandler(&handler_);
    parser_->setContentHandler(&handler_);
    source_.setCopyBufToStream(false);
  }
  void validate(const std::string& d) {
    source_.resetMemBufInputSource(reinterpret_cast<const XMLByte*>(d.data()), d.size());
    parser_->parse(source_);
  }
  bool any_errors() const { return handler_.errors != 0; }

 private:
  std::unique_ptr<x::SAX2XMLReader> parser_;
  Counting handler_;
  x::MemBufInputSource source_;
};

// Seconds per document for bare Xerces, one after the other; -1 when a
// document is not valid.
double xsd_seconds(BareXerces& bare, const std::vector<std::string>& docs) {
  for (int i = 0; i < 50; ++i) bare.validate(docs[static_cast<std::size_t>(i) % docs.size()]);  // warm
  if (bare.any_errors()) return -1;
  auto t0 = Clock::now();
  for (const auto& d : docs) bare.validate(d);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  return bare.any_errors() ? -1 : s / static_cast<double>(docs.size());
}

// Median seconds of one document's validation when it follows `idle` with
// the thread asleep: a message arriving at 1/idle per second meets caches
// that the machine used for other work in between. The same work as
// xsd_seconds; the ratio of the two is what this machine charges for idling.
double xsd_after_idle_seconds(BareXerces& bare, const std::vector<std::string>& docs,
                              std::chrono::microseconds idle, int n) {
  std::vector<double> s;
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(idle);
    auto t0 = Clock::now();
    bare.validate(docs[static_cast<std::size_t>(i) % docs.size()]);
    s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return bare.any_errors() ? -1 : s[s.size() / 2];
}

// Seconds per row for raw SQLite inserts, `batch` rows per transaction.
double sqlite_seconds(const fs::path& file, const std::vector<std::string>& docs, int batch) {
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return -1;
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
               "CREATE TABLE m (id TEXT PRIMARY KEY, received_at INTEGER, body BLOB);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m VALUES (?, ?, ?)", -1, &st, nullptr);
  auto t0 = Clock::now();
  for (std::size_t i = 0; i < docs.size();) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int k = 0; k < batch && i < docs.size(); ++k, ++i) {
      const std::string id = "M" + std::to_string(i);
      sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(i));
      sqlite3_bind_blob(st, 3, docs[i].data(), static_cast<int>(docs[i].size()), SQLITE_STATIC);
      if (sqlite3_step(st) != SQLITE_DONE) return sqlite3_close(db), -1;
      sqlite3_reset(st);
    }
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return sqlite3_close(db), -1;
  }
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s / static_cast<double>(docs.size());
}

// Milliseconds of single-row durable commits (BEGIN, insert, COMMIT with
// synchronous=FULL): the least any accepted message waits for the disk.
std::vector<double> commit_latencies(const fs::path& file, const std::string& doc, int n) {
  std::vector<double> ms;
  sqlite3* db = nullptr;
  if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) return ms;
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE m (id TEXT PRIMARY KEY, body BLOB);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO m VALUES (?, ?)", -1, &st, nullptr);
  for (int i = 0; i < n; ++i) {
    const std::string id = "C" + std::to_string(i);
    auto t = Clock::now();
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(st, 2, doc.data(), static_cast<int>(doc.size()), SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_reset(st);
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) break;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::sort(ms.begin(), ms.end());
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path src = sluis::test::source();
  fs::path doc_file = src / "tests/conformance/xsd/ijw/323/valid-declaratie.xml";
  std::string token;
  int batch = 32;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--batch" && i + 1 < argc) batch = std::atoi(argv[++i]);
    else pos.push_back(a);
  }
  if (!pos.empty()) doc_file = pos[0];
  if (pos.size() > 1) token = pos[1];
  if (batch < 1 || pos.size() > 2) {
    std::fprintf(stderr, "usage: floor_bench [DOCUMENT [TOKEN]] [--batch B]\n");
    return 64;
  }
  const std::string doc = sluis::test::slurp(doc_file);
  constexpr int kDocs = 4000;
  std::vector<std::string> docs;
  docs.reserve(kDocs);
  for (int i = 0; i < kDocs; ++i) docs.push_back(with_unique(doc, token, i));

  sluis::xml::XercesRuntime runtime;
  auto set = sluis::xml::SchemaSet::load(sluis::test::schemas_config());
  if (!set) {
    std::fprintf(stderr, "%s\n", set.error().text.c_str());
    return 1;
  }
  BareXerces bare(**set);
  double xsd = xsd_seconds(bare, docs);
  double xsd_1ms = xsd < 0 ? -1 : xsd_after_idle_seconds(bare, docs, std::chrono::milliseconds(1), 1000);
  double xsd_10ms = xsd < 0 ? -1 : xsd_after_idle_seconds(bare, docs, std::chrono::milliseconds(10), 200);
  if (xsd < 0 || xsd_1ms < 0 || xsd_10ms < 0) {
    std::fprintf(stderr, "floor_bench: %s is not valid against the schema\n", doc_file.c_str());
    return 1;
  }
  fs::path dir = (std::getenv("SLUIS_BENCH_DIR") ? fs::path(std::getenv("SLUIS_BENCH_DIR")) : fs::temp_directory_path()) /
                 ("sluis-floor-" + sluis::core::random_hex(4));
  fs::create_directories(dir);
  double sql = sqlite_seconds(dir / "raw.db", docs, batch);
  auto lat = commit_latencies(dir / "single.db", doc, 1000);
  fs::remove_all(dir);
  if (sql < 0) {
    std::fprintf(stderr, "floor_bench: the SQLite insert failed\n");
    return 1;
  }
  std::printf("floor parts for a %zu-byte document, %d documents, one thread each\n", doc.size(), kDocs);
  std::printf("  bare Xerces, locked grammar pool, empty handler: %8.1f us/msg (%6.0f msg/s)\n", xsd * 1e6, 1 / xsd);
  std::printf("  the same, one document after 1 ms asleep (median of 1000): %8.1f us (%.2fx)\n", xsd_1ms * 1e6,
              xsd_1ms / xsd);
  std::printf("  the same, one document after 10 ms asleep (median of 200): %8.1f us (%.2fx)\n", xsd_10ms * 1e6,
              xsd_10ms / xsd);
  std::printf("  raw SQLite insert, %d per txn, WAL, synchronous=FULL: %8.1f us/msg (%6.0f msg/s)\n", batch, sql * 1e6,
              1 / sql);
  auto pct = [&](double p) { return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))]; };
  std::printf("  one durable commit of one row (fsync), %zu of them: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", lat.size(),
              pct(0.5), pct(0.99), lat.empty() ? 0.0 : lat.back());
  std::printf("floor: {\"xsd_us\": %.2f, \"sqlite_us\": %.2f, \"bytes\": %zu, \"batch\": %d, \"commit_p50_ms\": %.3f, "
              "\"commit_p99_ms\": %.3f, \"commit_max_ms\": %.3f, \"xsd_after_1ms_us\": %.2f, \"xsd_after_10ms_us\": %.2f}\n",
              xsd * 1e6, sql * 1e6, doc.size(), batch, pct(0.5), pct(0.99), lat.empty() ? 0.0 : lat.back(), xsd_1ms * 1e6, xsd_10ms * 1e6);
  return 0;
}
