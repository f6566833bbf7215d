// Internal to the PostgreSQL engine: the standard's deadlines as a table, as
// sqlite_obligations.hpp is for SQLite (same rows, same rules of opening and
// closing; see there). Not part of the store's interface.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

// Inside the message's transaction: as sqlite::apply_obligations.
core::Result<void> apply_obligations(Connection& c, const NewMessage& m, const Decision& d, const std::string& today);

// The columns an open obligation is read with (SELECT <this> FROM obligation
// ...) and the row read from them, as sqlite::kObligationColumns and
// sqlite::read_obligation; `what` names the read in errors.
extern const char* const kObligationColumns;
core::Result<OverdueAnswer> read_obligation(const Row& r, const char* what);

// Store::overdue and Store::mark_overdue_logged, as the SQLite engine's.
core::Result<std::vector<OverdueAnswer>> overdue(Connection& c, const std::string& as_of, const std::string& partner);
core::Result<void> mark_overdue_logged(Connection& c, const std::vector<std::int64_t>& ids, const std::string& at);

// One row of the append-only audit log (the at column: now, UTC), as
// sqlite::audit_row.
core::Result<void> audit_row(Connection& c, const std::string& actor, long uid, const std::string& action,
                             const std::string& message_id, const std::string& detail);

}  // namespace sluis::store::pg
