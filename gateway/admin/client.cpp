#include "gateway/admin/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>

namespace sluis::admin {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;

namespace {

// Connects, sends the request and ends the sending side: the daemon answers
// once it has the whole request.
Local::socket send_request(asio::io_context& ioc, const std::filesystem::path& socket,
                           std::string_view bytes) {
  Local::socket s(ioc);
  boost::system::error_code ec;
  s.connect(Local::endpoint(socket.string()), ec);
  if (ec == boost::system::errc::permission_denied)
    throw SocketRefused("the admin socket " + socket.string() +
                        " refuses this user (permission denied): admin commands are for root, sluisd's user "
                        "and members of admin.group");
  if (ec)
    throw std::runtime_error("cannot connect to the admin socket " + socket.string() + ": " +
                             ec.message());
  asio::write(s, asio::buffer(bytes.data(), bytes.size()), ec);
  // A daemon that refuses a request mid-way (larger than admin.max_request)
  // answers and closes: the answer is still there to read.
  if (ec && ec != asio::error::broken_pipe && ec != asio::error::connection_reset)
    throw std::runtime_error("cannot send to the admin socket: " + ec.message());
  s.shutdown(Local::socket::shutdown_send, ec);
  return s;
}

}  // namespace

std::string call_raw(const std::filesystem::path& socket, std::string_view bytes) {
  asio::io_context ioc;
  Local::socket s = send_request(ioc, socket, bytes);
  boost::system::error_code ec;
  std::string answer;
  asio::read(s, asio::dynamic_buffer(answer), ec);
  if (ec && ec != asio::error::eof && ec != asio::error::connection_reset)
    throw std::runtime_error("cannot read the admin answer: " + ec.message());
  return answer;
}

Answer call(const std::filesystem::path& socket, const std::string& command,
            const boost::json::object& arguments, const ProgressFn& on_progress) {
  boost::json::object req{{"command", command}, {"progress", true}};
  if (!arguments.empty()) req["arguments"] = arguments;
  asio::io_context ioc;
  Local::socket s = send_request(ioc, socket, boost::json::serialize(req));
  boost::system::error_code ec;
  std::string buf, last;
  char chunk[4096];
  for (;;) {
    std::size_t n = s.read_some(asio::buffer(chunk), ec);
    buf.append(chunk, n);
    // Every whole line but the answer is a progress line.
    for (std::size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      std::string line = buf.substr(0, nl);
      boost::system::error_code pec;
      boost::json::value v = boost::json::parse(line, pec);
      const auto* o = pec ? nullptr : v.if_object();
      const auto* p = o ? o->if_contains("progress") : nullptr;
      if (p && p->is_object() && !o->contains("result")) {
        const auto& po = p->as_object();
        auto num = [&](const char* k) -> std::int64_t {
          const auto* x = po.if_contains(k);
          return x && x->is_int64() ? x->as_int64() : 0;
        };
        const auto* t = po.if_contains("text");
        if (on_progress)
          on_progress(num("done"), num("total"),
                      t && t->is_string() ? std::string_view(t->as_string()) : "");
        continue;
      }
      last = std::move(line);
    }
    if (ec == asio::error::eof || ec == asio::error::connection_reset) break;
    if (ec) throw std::runtime_error("cannot read the admin answer: " + ec.message());
  }
  if (!buf.empty()) last = std::move(buf);
  boost::system::error_code pec;
  boost::json::value v = boost::json::parse(last, pec);
  if (pec) return error("the daemon's answer is not valid JSON");
  return answer_from_json(v);
}

Answer call(const std::filesystem::path& socket, const std::string& command,
            const boost::json::object& arguments) {
  boost::json::object req{{"command", command}};
  if (!arguments.empty()) req["arguments"] = arguments;
  std::string text = call_raw(socket, boost::json::serialize(req));
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return error("the daemon's answer is not valid JSON");
  return answer_from_json(v);
}

}  // namespace sluis::admin
