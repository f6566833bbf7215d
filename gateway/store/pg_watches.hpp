// Internal to the PostgreSQL engine: the watches' cases (the watch_case table)
// and the reads their detectors make, as sqlite_watches.hpp is for SQLite
// (same rows, same answers; see there). Not part of the store's interface.
//
// watch_sync and watch_mark_logged write in the caller's transaction, one
// scanner at a time (the node that runs the watches): two scans of one kind
// at once would both open a new case, and the second would fail on the unique
// index of open cases (watch_case_open).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

// WatchStore's reads and writes, as the SQLite engine's.
core::Result<std::vector<UnreadMessage>> unread_mailbox(Connection& c, int limit);
core::Result<std::vector<DestinationBacklog>> backlog(Connection& c);
core::Result<std::vector<SubmissionDay>> submissions(Connection& c, const std::string& from_day);
core::Result<std::vector<YouthAllocation>> youth_turning_18(Connection& c, const std::string& until);
core::Result<std::vector<CareCandidate>> care_candidates(Connection& c, const CareQuery& q);
core::Result<std::vector<WatchCase>> watch_cases(Connection& c, const WatchFilter& f);
core::Result<void> watch_sync(Connection& c, const std::string& kind, const std::vector<WatchFinding>& found,
                              bool complete, const std::string& now, const std::string& forget_before,
                              WatchSync& out);
core::Result<void> watch_mark_logged(Connection& c, const std::vector<std::int64_t>& ids,
                                     const std::string& now);

}  // namespace sluis::store::pg
