// Internal to the SQLite engine: a partner's own messages (Store::
// partner_messages), the messages answering one (Store::answers) and a
// partner's status page (Store::partner_status), as
// functions over the reader connection (called under its lock). Not part of
// the store's interface.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

core::Result<std::vector<PartnerMessage>> partner_messages(sqlite3* db, const PartnerQuery& q);
core::Result<std::vector<StoredMessage>> answers(sqlite3* db, const std::string& id);
// The reads of Store::partner_status but the ledger's (the caller runs all
// of them in one read transaction).
core::Result<PartnerStatus> partner_status(sqlite3* db, const PartnerStatusQuery& q);

}  // namespace sluis::store::sqlite
