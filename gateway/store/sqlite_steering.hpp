// Internal to the SQLite engine: the facts of a steering report
// (steering_facts.hpp) for one period, read on the read connection inside one
// read transaction (the caller's), so every list comes from one snapshot.
#pragma once

#include <sqlite3.h>

#include "gateway/core/result.hpp"
#include "gateway/store/steering_facts.hpp"

namespace sluis::store::sqlite {

core::Result<SteeringFacts> steering_facts(sqlite3* db, const SteeringQuery& q);

}  // namespace sluis::store::sqlite
