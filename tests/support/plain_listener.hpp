// A plain net::HttpServer on a free loopback port, its io_context run by a
// thread of its own, and a raw HTTP/1.1 client for it: the listener's unit
// tests (backpressure, bodies in flight). Add routes to `router`, then
// start() with what to set on the server before it opens.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "gateway/net/server.hpp"

namespace sluis::test {

struct PlainListener {
  PlainListener() = default;
  PlainListener(const PlainListener&) = delete;
  PlainListener& operator=(const PlainListener&) = delete;
  ~PlainListener() { stop(); }
  // Ends the connections and the thread. A derived fixture whose members
  // its routes use calls it in its own destructor, before they go.
  void stop() {
    if (!thread.joinable()) return;
    boost::asio::post(ioc, [this] { server->cancel(); });
    ioc.stop();
    thread.join();
  }
  void start(const std::function<void(net::HttpServer&)>& configure) {
    config::PlainConfig cfg;
    cfg.port = 0;
    server = std::make_unique<net::HttpServer>(ioc, cfg, router);
    configure(*server);
    server->open();
    port = server->url().substr(server->url().rfind(':') + 1);
    thread = std::thread([this] { ioc.run(); });
  }
  // Sends `request` whole on a new connection; returns the raw answer, read
  // until the server closes (the requests say Connection: close).
  std::string exchange(const std::string& request) const {
    boost::asio::io_context c;
    boost::asio::ip::tcp::socket s(c);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
    boost::asio::write(s, boost::asio::buffer(request));
    std::string out;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(out), ec);
    return out;
  }
  std::string post(const std::string& path, const std::string& body) const {
    return exchange("POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nConnection: close\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  // A bounded wait (30 s) for a condition the listener's thread makes true.
  template <class F>
  static bool eventually(F f) {
    using namespace std::chrono_literals;
    for (auto until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(1ms))
      if (f()) return true;
    return f();
  }

  boost::asio::io_context ioc;
  net::Router router;
  std::unique_ptr<net::HttpServer> server;
  std::string port;
  std::thread thread;
};

}  // namespace sluis::test
