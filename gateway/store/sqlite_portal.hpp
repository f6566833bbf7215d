// Internal to the SQLite engine: a partner's own messages (Store::
// partner_messages) and the messages answering one (Store::answers), as
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

}  // namespace sluis::store::sqlite
