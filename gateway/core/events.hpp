// Log events of core (catalog: docs/events.md).
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::core::events {

inline constexpr Event kAssertFailed{
    "CORE_ASSERT_FAILED", Level::crit,
    "An invariant of sluisd's own code does not hold (check= names it, at= the source line): "
    "sluisd aborts and systemd restarts it. Nothing unacknowledged is lost. Report it with "
    "these log lines."};

}  // namespace sluis::core::events
