// Admin commands over the message store: `backup` (an online copy),
// `orphan-list`, and the queue commands (queue_commands.hpp: queue-summary,
// queue-list, message-show, message-hold ... message-delete).
//
// backup NAME writes the copy as <backup_dir>/NAME, nowhere else (sluisd
// passes <state_dir>/backups). NAME is a plain file name: letters, digits,
// '.', '_' and '-', not starting with '.', at most 128 characters, so it can
// neither leave the directory nor name a hidden file. The directory is made
// 0700 when missing and must be a real directory (not a symlink) owned by
// sluisd's user and writable by nobody else. The copy is written into a
// fresh private directory inside it and moved to NAME with
// renameat2(RENAME_NOREPLACE) on directory descriptors: an existing file or
// symlink named NAME is never followed or replaced, however it got there,
// and a reader never sees a half-written copy. The copy is mode 0600 (it
// holds personal data).
//
// SQLite: the copy is made from a connection of its own
// (store/sqlite_backup.hpp), on the admin thread, step by step: with
// "progress" the caller gets a line per step (pages done of total); a caller
// that closes its connection, or a daemon that stops, cancels it at the next
// step: the work directory goes, nothing is left at NAME, the answer is
// result 1 "cancelled after N of M pages" with arguments.cancelled = true,
// and the attempt is audited. A finished copy is checked (quick_check, schema
// version) before it is audited with the caller's uid and moved to NAME; a
// copy that fails the check is removed. Test pause point: backup.step
// (test_pause.hpp).
//
// PostgreSQL: the copy is a pg_dump archive in custom format
// (store/pg_dump.hpp: the connection string in pg_dump's environment, never
// on its command line), restored with pg_restore. The same directory, name,
// mode, audit and cancel rules; no progress lines (pg_dump reports none);
// the check is pg_restore --list reading the whole archive.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "gateway/admin/queue_commands.hpp"
#include "gateway/admin/registry.hpp"
#include "gateway/store/store.hpp"

namespace sluis::admin {

// What backup copies: the SQLite store's file (opened on a connection of its
// own), or the PostgreSQL store's connection string.
struct BackupSource {
  std::string sqlite_file;
  std::string postgresql;  // non-empty: the PostgreSQL engine
};

// `on_queued`: see add_queue_commands (sluisd: Delivery::wake).
// `page`: message-show --html (add_queue_commands).
void add_store_commands(Registry& registry, store::OperatorQueue& store,
                        std::filesystem::path backup_dir, BackupSource source,
                        std::function<void()> on_queued = {}, MessagePage page = {});

}  // namespace sluis::admin
