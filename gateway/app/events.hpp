// Log events of the daemon's lifecycle (catalog: docs/events.md).
#pragma once

#include "gateway/core/log.hpp"

namespace sluis::app::events {

using core::Event;
using core::Level;

inline constexpr Event kStarted{"DAEMON_STARTED", Level::notice,
                                "sluisd is up and told systemd READY=1."};
inline constexpr Event kStopping{"DAEMON_STOPPING", Level::notice,
                                 "sluisd stops: acceptors closed, draining in-flight work."};
inline constexpr Event kDrainTimeout{
    "DAEMON_DRAIN_TIMEOUT", Level::warning,
    "In-flight work did not finish within drain_timeout and was cancelled."};
inline constexpr Event kGaugesReadFailed{
    "DAEMON_GAUGES_READ_FAILED", Level::warning,
    "The store read behind the queue gauges (sluis_queue_messages, "
    "sluis_mailbox_oldest_unacknowledged_age_seconds) failed; they keep their last values until the next "
    "refresh (every 15 s)."};
inline constexpr Event kStoreCheckDeferred{
    "DAEMON_STORE_CHECK_DEFERRED", Level::info,
    "The store was closed cleanly last time and is unchanged since: its integrity check (PRAGMA quick_check) "
    "runs in the background after READY=1 instead of delaying the start."};
inline constexpr Event kStoreCheckPassed{"DAEMON_STORE_CHECK_PASSED", Level::info,
                                         "The background integrity check of the store found no damage."};
inline constexpr Event kStoreCheckFailed{
    "DAEMON_STORE_CHECK_FAILED", Level::err,
    "The background integrity check of the store found damage (or could not run). sluisd goes on serving; "
    "stop it, then restore the last backup (sluisctl backup) or move the file away: a start checks a store "
    "that was not closed cleanly, and refuses a damaged one."};
inline constexpr Event kStopped{"DAEMON_STOPPED", Level::notice, "sluisd stopped cleanly."};
inline constexpr Event kReloaded{"CONFIG_RELOADED", Level::notice,
                                 "The configuration file was re-read and applied."};
inline constexpr Event kReloadFailed{
    "CONFIG_RELOAD_FAILED", Level::err,
    "The new configuration has errors; the running one stays. Fix the file and reload again."};
inline constexpr Event kBsnKeyMismatch{
    "DAEMON_BSN_KEY_MISMATCH", Level::err,
    "The store was written with another secrets.bsn_hash_key than the one configured (store= "
    "and configured= are the two key fingerprints, never the key): its BSN hashes would not be "
    "found with this key, so sluisd does not start (exit 78). path= names the store: its file, or "
    "on PostgreSQL the server and database (never a password). Configure the key the store was "
    "written with, or point store.path (store.connection) at the store that belongs to this key."};
inline constexpr Event kFdLimitLow{
    "DAEMON_FD_LIMIT_LOW", Level::warning,
    "The open-file limit (RLIMIT_NOFILE, the unit's LimitNOFILE) is below what the configuration "
    "needs (need= counts https.max_connections, the plain and admin listeners, the store, push "
    "attempts and drop directories): connections beyond it wait in the backlog "
    "(NET_ACCEPT_PAUSED). Raise LimitNOFILE or lower https.max_connections."};
inline constexpr Event kImportLeftovers{
    "DAEMON_IMPORT_LEFTOVERS_REMOVED", Level::warning,
    "At start, sluisd removed count= dry-run copies of the store (state_dir/.import-*) that a "
    "ledger-import dry run left when the daemon was killed during it. They held personal data; "
    "nothing else is lost (a dry run changes nothing). Run the dry run again if it was wanted."};
inline constexpr Event kConfigWarning{
    "CONFIG_WARNING", Level::warning,
    "The configuration loads, but text= names something in it that looks wrong for real traffic "
    "(e.g. a product-code list as small as the development one). sluisd serves as configured; "
    "sluisd --check-config and sluisctl config-test show the same warnings."};
inline constexpr Event kReloadNote{"CONFIG_RELOAD_NEEDS_RESTART", Level::warning,
                                   "A changed key takes effect only after a restart."};
inline constexpr Event kTestPause{
    "DAEMON_TEST_PAUSE", Level::warning,
    "A test pause point was reached (point=); that thread waits for the test. Only with "
    "SLUIS_TEST_PAUSE set: never in production."};
inline constexpr Event kWatchdogWithheld{
    "DAEMON_WATCHDOG_WITHHELD", Level::err,
    "WATCHDOG=1 was not sent: a part of sluisd made no progress within the watchdog interval "
    "(stalled= io, writer or delivery). systemd restarts sluisd when this lasts WatchdogSec."};

}  // namespace sluis::app::events
