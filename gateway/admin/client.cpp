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

std::string call_raw(const std::filesystem::path& socket, std::string_view bytes) {
  asio::io_context ioc;
  Local::socket s(ioc);
  boost::system::error_code ec;
  s.connect(Local::endpoint(socket.string()), ec);
  if (ec)
    throw std::runtime_error("cannot connect to the admin socket " + socket.string() + ": " +
                             ec.message());
  asio::write(s, asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec) throw std::runtime_error("cannot send to the admin socket: " + ec.message());
  s.shutdown(Local::socket::shutdown_send, ec);
  std::string answer;
  asio::read(s, asio::dynamic_buffer(answer), ec);
  if (ec && ec != asio::error::eof && ec != asio::error::connection_reset)
    throw std::runtime_error("cannot read the admin answer: " + ec.message());
  return answer;
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
