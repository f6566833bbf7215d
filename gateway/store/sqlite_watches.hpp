// Internal to the SQLite engine: the watches' cases (schema version 13) and
// the reads their detectors make (watch/, docs/watches.md).
//
// A case is one row of watch_case: opened by the first scan that finds it,
// logged_at set once its log event is written (so a restart does not log it
// again), closed_at set by the first complete scan that no longer finds it.
// At most one open case per (kind, case_key): a partial unique index. Case
// keys carry no personal data (message ids, destination ids, file names,
// hashed keys).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

// Migration 12 -> 13: the watch_case table.
extern const char* const kWatchSchema;

// WatchStore's reads (on the read connection) and writes (on the writer).
core::Result<std::vector<UnreadMessage>> unread_mailbox(sqlite3* db, int limit);
core::Result<std::vector<DestinationBacklog>> backlog(sqlite3* db);
core::Result<std::vector<SubmissionDay>> submissions(sqlite3* db, const std::string& from_day);
core::Result<std::vector<YouthAllocation>> youth_turning_18(sqlite3* db, const std::string& until);
core::Result<std::vector<CareCandidate>> care_candidates(sqlite3* db, const CareQuery& q);
core::Result<std::vector<WatchCase>> watch_cases(sqlite3* db, const WatchFilter& f);
core::Result<void> watch_sync(sqlite3* db, const std::string& kind, const std::vector<WatchFinding>& found,
                              bool complete, const std::string& now, const std::string& forget_before,
                              WatchSync& out);
core::Result<void> watch_mark_logged(sqlite3* db, const std::vector<std::int64_t>& ids, const std::string& now);

}  // namespace sluis::store::sqlite
