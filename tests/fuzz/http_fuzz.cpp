// Fuzz target "http": the HTTPS listener's request path from the bytes a
// client sends to the answer it would write, without the socket and TLS.
// The bytes are what the TLS layer hands up; they arrive in pieces (a Beast
// test stream, each read returning at most N bytes, N from the first input
// byte), and the listener's steps run as HttpServer::handle_request takes
// them (net/server.hpp): a Beast request parser (string body) with the
// listener's limits (net::limit_parser: max_header as configured by default,
// max_body 16 KiB here so that the body limit is reached), the header read,
// net::refuse_from_header (431, 413 from Content-Length), the body read
// (chunked or by length; 413 while reading), then the daemon's Router with
// the real partner API routes: the intake's (POST /v1/messages, POST
// /v1/validate, GET /v1/messages..., /v1/status, /v1/retourcodes/{code})
// and the mailbox's (GET /v1/mailbox..., ack), over a throwaway SQLite store,
// the repo's schema packs and the config's routing table. Requests follow one
// another on the connection as long as both sides keep it alive (pipelined
// bytes, at most 8 requests per input); each answer is serialised as Beast
// writes it.
//
// Not covered: TLS itself, the certificate-to-partner mapping and
// HttpServer::authorize (403 unknown/monitoring/not_enrolled, 429), the
// backpressure wait, timeouts, and the App's own routes (/healthz,
// /v1/whoami, /v1/contract). The caller is partner "zorg" (aanbieder) when
// the input's length is even, "gem" (gemeente) when odd.
//
// Properties beyond "no crash, no leak, no UB": every answer has a status of
// 1xx..5xx; a BSN that the input holds only in <Bsn> elements never appears
// in an answer (status line, headers, body).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string_view>

#include "gateway/app/table_routing.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/intake/intake.hpp"
#include "gateway/net/http.hpp"
#include "gateway/net/server.hpp"
#include "gateway/route/mailbox.hpp"
#include "gateway/store/store.hpp"
#include "gateway/xml/schema_set.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace sluis;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

namespace {

// The partners of the conformance corpus (provider 75302186, gemeente 0917)
// and of the examples (87654321, 0935).
constexpr const char* kConfig = R"(
[https]
enabled = false
[[partners]]
id = "zorg"
role = "aanbieder"
codes = ["75302186", "87654321"]
[[partners.certificates]]
spki_sha256 = "1111111111111111111111111111111111111111111111111111111111111111"
[[partners]]
id = "gem"
role = "gemeente"
codes = ["0917", "0935"]
[[partners.certificates]]
spki_sha256 = "2222222222222222222222222222222222222222222222222222222222222222"
)";

struct World {
  World()
      : dir(fs::temp_directory_path() / ("sluis-fuzz-http-" + core::random_hex(6))),
        config(config::parse_config(kConfig, "fuzz.toml")) {
    fuzz::quiet_logs();
    fs::create_directories(dir);
    store::SqliteOptions o;
    o.path = (dir / "sluis.db").string();
    auto s = store::open_sqlite(o);
    if (!s) fuzz::fail("the store does not open", s.error().text);
    db = std::move(*s);
    config::SchemasConfig schemas_cfg;
    schemas_cfg.dir = fuzz::source_dir() / "schemas";
    schemas_cfg.packs = {"iwmo/3.2", "ijw/3.2"};
    auto schemas = xml::SchemaSet::load(schemas_cfg);
    if (!schemas) fuzz::fail("the schema packs do not load", schemas.error().text);
    intake = std::make_unique<intake::Intake>(*schemas, schemas_cfg, *db, reads.get_executor(),
                                              "fuzz-key-0123456789abcdef", 1);
    intake->set_routes(std::make_shared<const app::TableRouting>(config));
    mailbox = std::make_unique<route::Mailbox>(*db, reads.get_executor());
    intake->add_routes(router);
    mailbox->add_routes(router);
    limits.max_body = 16 << 10;
  }
  ~World() {
    intake->stop();
    intake.reset();
    mailbox.reset();
    db->close();
    db.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  const config::Partner* partner(std::string_view id) const {
    for (const auto& p : config.partners)
      if (p.id == id) return &p;
    return nullptr;
  }
  xml::XercesRuntime xerces;
  fs::path dir;
  config::Config config;
  config::HttpsConfig limits;
  asio::io_context ioc;
  std::unique_ptr<store::Store> db;
  asio::thread_pool reads{1};
  std::unique_ptr<intake::Intake> intake;
  std::unique_ptr<route::Mailbox> mailbox;
  net::Router router;
};

World& world() {
  static World w;
  return w;
}

// An answer as the listener writes it: status line, headers, body.
std::string written(net::Response& res) {
  std::ostringstream out;
  out << res;
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  World& w = world();
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto bsns = fuzz::bsns_only_in_bsn_elements(bytes);
  beast::test::stream stream(w.ioc);
  // Each read returns at most 1 .. 32 bytes (first byte < 32) or 64 .. 14 400.
  stream.read_size(data[0] < 32 ? 1u + data[0] : 64u * (data[0] - 31u));
  stream.append(bytes);
  stream.close_remote();
  net::RequestContext ctx;
  ctx.partner = w.partner(size % 2 ? "gem" : "zorg");
  beast::flat_buffer buf;
  for (int served = 0; served < 8; ++served) {
    net::RequestParser parser;
    net::limit_parser(parser, w.limits);
    boost::system::error_code hec;
    http::read_header(stream, buf, parser, hec);
    net::Response res;
    bool again = false;
    if (auto refusal = net::refuse_from_header(hec, parser, w.limits)) {
      res = std::move(*refusal);
    } else if (hec) {
      break;  // the connection ends without an answer
    } else {
      boost::system::error_code bec;
      http::read(stream, buf, parser, bec);
      if (bec == http::error::body_limit) {
        res = net::body_too_large(parser.get().version(), w.limits.max_body);
      } else if (bec) {
        break;
      } else {
        net::Request req = parser.release();
        const bool keep = req.keep_alive();
        auto answer = asio::co_spawn(w.ioc, w.router.dispatch(std::move(req), ctx), asio::use_future);
        w.ioc.restart();
        w.ioc.run();
        res = answer.get();
        res.keep_alive(keep);
        again = res.keep_alive();
      }
    }
    if (res.result_int() < 100 || res.result_int() > 599) fuzz::fail("an answer without an HTTP status");
    res.prepare_payload();
    if (fuzz::verbose()) std::fprintf(stderr, "  %d %s\n", res.result_int(), res.body().substr(0, 120).c_str());
    fuzz::check_no_bsn(bsns, written(res), "an HTTP answer");
    if (!again) break;
  }
  return 0;
}
