// A blocking admin client: connect, send one request, read the answer. Used by
// sluisctl and by the tests. With a progress callback the request asks for
// progress lines (command.hpp) and each is handed to it as it arrives; the
// answer is the last line. Closing the connection before the answer (the
// process ends, e.g. Ctrl-C in sluisctl) cancels a long command. Throws std::runtime_error when the
// socket cannot be reached, SocketRefused when the socket's permissions refuse this user (not a
// member of admin.group); a daemon-side failure comes back as an Answer with result 1.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "gateway/admin/command.hpp"

namespace sluis::admin {

// connect(2) answered EACCES: the socket (0660, admin.group) or its directory
// does not admit this user.
struct SocketRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Answer call(const std::filesystem::path& socket, const std::string& command,
            const boost::json::object& arguments = {});
// One progress line: done of total (0: unknown) and its text.
using ProgressFn =
    std::function<void(std::int64_t done, std::int64_t total, std::string_view text)>;
Answer call(const std::filesystem::path& socket, const std::string& command,
            const boost::json::object& arguments, const ProgressFn& on_progress);
// Sends raw bytes (tests: malformed requests) and returns the raw answer text.
std::string call_raw(const std::filesystem::path& socket, std::string_view bytes);

}  // namespace sluis::admin
