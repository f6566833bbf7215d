// Internal to the PostgreSQL engine: a partner's own messages (Store::
// partner_messages), the messages answering one (Store::answers) and a
// partner's status page (Store::partner_status), as sqlite_portal.hpp is for
// SQLite; each answers what the SQLite engine's answers for the same rows. Not
// part of the store's interface.
#pragma once

#include <string>
#include <vector>

#include "gateway/core/result.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::pg {

// Runs its own read transaction (REPEATABLE READ: one snapshot for the page
// and the retours read for it), as the SQLite engine's store wraps its
// sqlite::partner_messages: call it outside a transaction.
core::Result<std::vector<PartnerMessage>> partner_messages(Connection& c, const PartnerQuery& q);
core::Result<std::vector<StoredMessage>> answers(Connection& c, const std::string& id);
// Every read of Store::partner_status, q.ledger's too (with a pg::Ledger on
// the same connection), in one snapshot: its own REPEATABLE READ transaction,
// so call it outside one. A ledger read that failed fails the page.
core::Result<PartnerStatus> partner_status(Connection& c, const PartnerStatusQuery& q);

}  // namespace sluis::store::pg
