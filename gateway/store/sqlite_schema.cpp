#include "gateway/store/sqlite_schema.hpp"

#include <iterator>

#include "gateway/store/sql_common.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_obligations.hpp"
#include "gateway/store/sqlite_retention.hpp"
#include "gateway/store/sqlite_util.hpp"
#include "gateway/store/sqlite_watches.hpp"
#include "gateway/store/store.hpp"

namespace sluis::store::sqlite {

namespace {

// Schema version 1: messages, BSN hashes, audit. Version 2 adds the ledger
// tables (sqlite_ledger.cpp); see migrate().
// Version 9: the meta table (kMetaSchema).
// Version 8: bodies larger than kInlineBody in a table of their own, the body
// its last column. SQLite builds a row in one buffer before it inserts it; a
// trailing zeroblob is the one value it leaves out of that buffer, so a large
// body is inserted as zeroblob(size) and then written in pieces through
// incremental blob I/O: no second whole copy of a 25 MiB body in memory.
// Smaller bodies stay in messages.body (one row, one insert: the common case).
constexpr const char* kBodySchema = R"sql(
CREATE TABLE message_body (
  seq INTEGER PRIMARY KEY REFERENCES messages(seq),
  body BLOB NOT NULL
);
)sql";

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  law TEXT NOT NULL,
  type INTEGER NOT NULL,
  berichtcode INTEGER NOT NULL,
  release TEXT NOT NULL,
  sender_code TEXT NOT NULL,
  receiver_code TEXT NOT NULL,
  sender_partner TEXT NOT NULL,
  receiver_partner TEXT,
  identificatie TEXT NOT NULL,
  dagtekening TEXT NOT NULL,
  identificatie_retour TEXT,
  heen_id TEXT REFERENCES messages(id),
  body BLOB NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('received','queued','delivering','delivered','acknowledged',
                                       'deferred','held','dead','rejected')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  last_error TEXT,
  acked_at TEXT,
  findings TEXT NOT NULL DEFAULT '[]',
  http_status INTEGER NOT NULL DEFAULT 0,
  response TEXT,
  shadow INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_identification ON messages (sender_code, law, type, identificatie);
CREATE INDEX messages_mailbox ON messages (receiver_partner, seq);
CREATE INDEX messages_sender ON messages (sender_partner, seq);
CREATE INDEX messages_state ON messages (state, next_attempt_at);
-- Columns in primary-key order: SQLite 3.40's quick_check misreports NULLs in
-- a WITHOUT ROWID table whose key columns are declared in another order.
CREATE TABLE message_bsn (
  bsn_hash TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id),
  PRIMARY KEY (bsn_hash, message_id)
) WITHOUT ROWID;
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  uid INTEGER,
  action TEXT NOT NULL,
  message_id TEXT,
  detail TEXT
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql";

// v4: routing (route/): where a message goes and why it is held.
constexpr const char* kRoutingSchema = R"sql(
ALTER TABLE messages ADD COLUMN destination TEXT;
ALTER TABLE messages ADD COLUMN delivery TEXT CHECK (delivery IN ('mailbox','push','drop'));
ALTER TABLE messages ADD COLUMN hold_reason TEXT;
-- Set by message-requeue: the delivery lifetime starts again from here.
ALTER TABLE messages ADD COLUMN lifetime_from TEXT;
CREATE INDEX messages_due ON messages (destination, state, next_attempt_at);
)sql";

// v9: facts about the store itself, one row each: `bsn_key_fingerprint`, the
// fingerprint of the key its BSN hashes were made with (open_sqlite checks it).
constexpr const char* kMetaSchema = R"sql(
CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// v10: the documents ledger-import established (store.hpp, ImportLog), so a
// re-run skips them: a keyed hash (HMAC-SHA-256 with the BSN key, hex) of the
// document's canonical content and its message type. No name, no BSN: the
// digest alone.
constexpr const char* kLedgerImportSchema = R"sql(
CREATE TABLE ledger_import (
  digest TEXT NOT NULL,
  type INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  PRIMARY KEY (digest, type)
) WITHOUT ROWID;
)sql";

// v14: a partner's own messages (GET /v1/messages, docs/portal.md). Kept at
// intake, because bodies are pruned: the DeclaratieNummer of a 323 or 325 and
// the RetourCodes a retour or 325 carries (sorted, distinct, comma-separated;
// no personal data). Indexes for the lookup by the partner's own
// identification: the header's Identificatie, a retour's IdentificatieRetour,
// the DeclaratieNummer. Messages stored before keep what the ledger knows: an
// accepted 323's DeclaratieNummer (ledger_declaration) and its 325's.
constexpr const char* kPortalSchema = R"sql(
ALTER TABLE messages ADD COLUMN declaratie_nummer TEXT;
ALTER TABLE messages ADD COLUMN retourcodes TEXT;
UPDATE messages SET declaratie_nummer = d.nummer FROM ledger_declaration d WHERE messages.id = d.message_id;
UPDATE messages AS a SET declaratie_nummer = h.declaratie_nummer FROM messages h
  WHERE a.type = 325 AND h.id = a.heen_id AND h.declaratie_nummer IS NOT NULL;
CREATE INDEX messages_identificatie ON messages (identificatie);
CREATE INDEX messages_identificatie_retour ON messages (identificatie_retour) WHERE identificatie_retour IS NOT NULL;
CREATE INDEX messages_declaratie ON messages (declaratie_nummer) WHERE declaratie_nummer IS NOT NULL;
)sql";

// v15 (with kLedgerCountedSchema, sqlite_ledger.hpp): the unacknowledged
// messages of each mailbox (sqlite::mailbox). Its
// WHERE repeats sqlite_util.hpp's kUnacknowledgedStates and kInMailbox word
// for word: SQLite uses a partial index only for a query that names each
// term (tests/unit/store/sqlite_reads_test.cpp counts the steps).
constexpr const char* kMailboxSchema = R"sql(
CREATE INDEX messages_unacked_mailbox ON messages (receiver_partner, seq)
  WHERE shadow = 0 AND COALESCE(delivery, 'mailbox') = 'mailbox' AND state IN ('queued','delivering','delivered','deferred');
)sql";

}  // namespace

core::Result<void> check_bsn_key(sqlite3* db, const std::string& path,
                                 const std::string& fingerprint) {
  if (fingerprint.empty()) return {};
  Stmt get(db, "SELECT value FROM meta WHERE name = 'bsn_key_fingerprint'");
  if (!get.ok())
    return core::make_error(core::Errc::store_sqlite, path + ": " + sqlite3_errmsg(db));
  const int rc = get.step();
  if (rc == SQLITE_ROW) {
    const std::string stored = get.text(0);
    if (stored == fingerprint) return {};
    return core::make_error(
        core::Errc::store_bsn_key,
        path + " was written with another secrets.bsn_hash_key (key fingerprints: store=" + stored +
            " configured=" + fingerprint + "); configure the key the store was written with");
  }
  if (rc != SQLITE_DONE)
    return core::make_error(core::Errc::store_sqlite, path + ": " + sqlite3_errmsg(db));
  Stmt put(db, "INSERT INTO meta (name, value) VALUES ('bsn_key_fingerprint', ?1)");
  put.bind(1, fingerprint);
  if (!put.ok() || put.step() != SQLITE_DONE)
    return core::make_error(core::Errc::store_sqlite, path + ": " + sqlite3_errmsg(db));
  return {};
}

core::Result<void> migrate(sqlite3* db, const std::string& path) {
  int version = 0;
  {
    // Finished before any step runs: a DROP fails (SQLITE_LOCKED) while a
    // statement of the connection is still active.
    Stmt v(db, "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW)
      return core::make_error(core::Errc::store_not_a_database,
                              path + " is not a sluis store (or is corrupt): " + sqlite3_errmsg(db));
    version = static_cast<int>(v.i64(0));
  }
  if (version > kSchemaVersion)
    return core::make_error(core::Errc::store_newer_schema,
                            path + " was written by a newer sluis (schema version " +
                                std::to_string(version) + ", this build knows up to " +
                                std::to_string(kSchemaVersion) +
                                "); run that version or restore a backup");
  // Forward-only: kMigrations[n] takes the schema from version n to n + 1, each
  // step in its own transaction, so an interrupted upgrade resumes where it stopped.
  // A step may take a second script (version 13: the watches' table and the
  // ledger facts they read).
  struct Step {
    const char* sql;
    const char* more = nullptr;
  };
  const Step kMigrations[] = {{kSchemaV1},          {kLedgerSchema},       {kOrphanSchema},
                              {kRoutingSchema},     {kObligationSchema},   {kRetentionSchema},
                              {kLedgerDebitSchema}, {kBodySchema},         {kMetaSchema},
                              {kLedgerImportSchema}, {kLedgerTariffSchema}, {kLedgerCeilingSchema},
                              {kWatchSchema, kLedgerIntakeFactsSchema}, {kPortalSchema},
                              {kMailboxSchema, kLedgerCountedSchema},
                              {kLeanMessageIndexes}};  // v16: sql_common.hpp
  static_assert(std::size(kMigrations) == kSchemaVersion);
  for (; version < kSchemaVersion; ++version) {
    if (auto r = exec(db, "BEGIN IMMEDIATE"); !r) return r;
    for (const char* sql : {kMigrations[version].sql, kMigrations[version].more}) {
      if (!sql) continue;
      if (auto r = exec(db, sql); !r) {
        exec(db, "ROLLBACK");
        return r;
      }
    }
    exec(db, ("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
    if (auto r = exec(db, "COMMIT"); !r) return r;
  }
  return {};
}

}  // namespace sluis::store::sqlite
