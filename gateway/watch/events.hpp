// Log events of the watches (catalog: docs/events.md, docs/watches.md). Never
// a body, a BSN or a name: cases name message ids, destinations and files.
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::watch::events {

using core::Event;
using core::Level;

inline constexpr Event kCaseOpened{
    "WATCH_CASE_OPENED", Level::warning,
    "A watch found a new case: watch=<kind> partner=<partner id, or sluis> subject=<message id, destination or "
    "file> with the facts (msg=<id> when it is about a message). Logged once per case, also across restarts; "
    "sluisctl watches lists the open cases with what to do (docs/watches.md)."};
inline constexpr Event kCasesClosed{
    "WATCH_CASES_CLOSED", Level::info,
    "A scan no longer found count=<n> cases of watch=<kind>: they are closed (resolved)."};
inline constexpr Event kScanFailed{
    "WATCH_SCAN_FAILED", Level::err,
    "A watch could not read or update the store or its files (watch=<kind>, error= says why); the other watches "
    "ran, this one runs again at the next scan."};

}  // namespace sluis::watch::events
