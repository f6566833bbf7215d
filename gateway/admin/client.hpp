// A blocking admin client: connect, send one request, read the answer. Used by
// sluisctl and by the tests. Throws std::runtime_error when the socket cannot be
// reached; a daemon-side failure comes back as an Answer with result 1.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "gateway/admin/command.hpp"

namespace sluis::admin {

Answer call(const std::filesystem::path& socket, const std::string& command,
            const boost::json::object& arguments = {});
// Sends raw bytes (tests: malformed requests) and returns the raw answer text.
std::string call_raw(const std::filesystem::path& socket, std::string_view bytes);

}  // namespace sluis::admin
