// sluis::core::Result — expected outcomes as values (style.md §3).
//
// A domain operation that can fail in an expected way returns Result<T>: either
// the value or an Error with a stable machine code (core::Errc, errc.hpp: its
// string is printed at the edges only) and an operator-readable text.
// Exceptions are reserved for broken invariants and start-up/config errors.
#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <utility>

#include "gateway/core/errc.hpp"

namespace sluis::core {

struct Error {
  Errc code;         // stable, machine-readable; to_string(code) e.g. "store.disk_full"
  std::string text;  // for operators and partners; never contains personal data

  friend bool operator==(const Error&, const Error&) = default;
};

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(Errc code, std::string text) {
  return Error{code, std::move(text)};
}

}  // namespace sluis::core

// boost::system::result needs to know how to "throw" a custom error when
// value() is called on an error result; we turn it into a runtime_error.
namespace sluis::core {
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);
}  // namespace sluis::core
