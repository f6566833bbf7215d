// A store the daemon closed cleanly need not be read whole before the next
// start: the daemon leaves a marker beside the file when it closes it
// without error, and the next open takes the marker (reads and removes it)
// and skips PRAGMA quick_check when the marker names the file as it is. A
// crash, a kill or a power cut leaves no marker (it is removed at open, before
// anything is written), so the check runs on the start path as always.
//
// The marker, "<store>.clean", names the file by device, inode, size and
// modification time (nanoseconds): a file replaced, restored from a backup,
// copied or written to since does not match, and neither does a store with a
// write-ahead log that still holds pages. What the marker cannot see (bits
// that rotted on the disk since) the daemon's background check after READY=1
// finds (app.cpp; docs/operations.md, "Start-up and the integrity check").
//
// Threading: plain functions on files; the store calls them at open and at
// its destruction.
#pragma once

#include <string>

namespace sluis::store {

std::string clean_marker_path(const std::string& db);

// Reads and removes the marker (durably: the directory is synced). True when
// it was there, named `db` as it is now, and no write-ahead log with content
// lies beside it.
bool take_clean_marker(const std::string& db);

// Writes the marker durably (a temporary file synced, renamed, the directory
// synced), naming `db` as it is now. False when it could not; then the next
// start checks the file.
bool leave_clean_marker(const std::string& db);

}  // namespace sluis::store
