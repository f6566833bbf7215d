// Internal to the SQLite engine: the standard's deadlines as a table
// (schema version 5). One row per owed answer (standard/deadlines.hpp):
// opened by the message that makes it owed, closed (met_by, met_on) by the
// message that gives it, both inside that message's own commit transaction, so
// an answer sluis composes at once closes the obligation its heenbericht
// opened in the same transaction. Overdue = not met and due_on before today
// (Dutch date); logged_at notes that the overdue log event was written.
//
// Closing: by key (Decision::meets: a partner's 301/319 naming a
// ReferentieAanbieder, a retour naming its heenbericht's header, a 325 naming
// its 323), and by heen_id (a stored retour or 325, composed by sluis or sent
// by a partner, closes its heenbericht's retour or 325 obligation).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

// Migration 4 -> 5: the obligations table.
extern const char* const kObligationSchema;

// On the writer, inside the message's transaction: closes what `d.meets` and
// the message's heen_id name, opens `d.obligations` (owed by the message's
// receiver_partner), then closes what each produced message (a composed retour
// or 325) answers. `today` is the Dutch date of the commit (YYYY-MM-DD). A
// rejected or shadow message closes nothing by its heen_id.
core::Result<void> apply_obligations(sqlite3* db, const NewMessage& m, const Decision& d, const std::string& today);

// Store::overdue and Store::mark_overdue_logged.
// The columns an open obligation is read with (SELECT <this> FROM obligation ...),
// and the row read from a statement stepped onto it; `what` names the read in errors.
extern const char* const kObligationColumns;
class Stmt;
core::Result<OverdueAnswer> read_obligation(Stmt& s, const char* what);

core::Result<std::vector<OverdueAnswer>> overdue(sqlite3* db, const std::string& as_of, const std::string& partner);
core::Result<void> mark_overdue_logged(sqlite3* db, const std::vector<std::int64_t>& ids, const std::string& at);

}  // namespace sluis::store::sqlite
