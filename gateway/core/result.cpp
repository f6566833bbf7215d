#include "gateway/core/result.hpp"

#include <stdexcept>

namespace sluis::core {

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(e.code)) + ": " + e.text);
}

}  // namespace sluis::core
