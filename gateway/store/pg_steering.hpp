// Internal to the PostgreSQL engine: the facts of a steering report
// (steering_facts.hpp) for one period, as sqlite_steering.hpp is for SQLite.
// Where the SQLite engine's caller reads in one read transaction, this takes
// its own: one REPEATABLE READ READ ONLY transaction, so every list comes from
// one snapshot. Call it outside a transaction.
#pragma once

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/steering_facts.hpp"

namespace sluis::store::pg {

core::Result<SteeringFacts> steering_facts(Connection& c, const SteeringQuery& q);

}  // namespace sluis::store::pg
