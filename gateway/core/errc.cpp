#include "gateway/core/errc.hpp"

#include <ostream>

namespace sluis::core {

std::ostream& operator<<(std::ostream& os, Errc c) {
  return os << to_string(c);
}

}  // namespace sluis::core
