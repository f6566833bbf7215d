// Test-only pause points: lets a test hold a long admin command at a known
// place (between two backup steps, between two batches of a bulk queue
// action), or wedge the store's writer, and show what keeps running (or
// stops: the watchdog) meanwhile.
//
// Inert unless the environment names the point:
//   SLUIS_TEST_PAUSE=backup.step,queue.batch   the points that may pause
//   SLUIS_TEST_PAUSE_DIR=/some/dir             a directory of FIFOs, one per point
// A named point pauses while a FIFO of its name exists in that directory:
// sluisd announces it (sd_notify STATUS=paused:<point>, through the announcer
// the App installs) and blocks in open() on the FIFO until the test opens it
// for writing, then reads to its end and goes on. To release for good the
// test unlinks the FIFO before it closes its end; to pause again at the next
// point it leaves it. No polling: the daemon waits in open()/read().
//
// Points: backup.step (admin thread: after each step of pages copied),
// queue.batch (admin thread: after each committed batch of a bulk queue
// action), prune.batch (admin thread: after each batch `sluisctl prune`
// removed), ledger_import.batch (admin thread: after each batch of
// `ledger-import`, before the next), writer.probe (the store's writer thread, inside the watchdog's
// no-op probe: a wedged writer). Never set in production; no configuration
// key reaches it.
//
// Threading: pause_point() blocks the calling thread only; the announcer may
// be called from any thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace sluis::core {

// How a pause is announced (the App: sd_notify and a log line). Set once at
// start-up, before any pause point can be reached.
void set_pause_announcer(std::function<void(const std::string&)> announce);

// Pauses here when the environment names `point` and its FIFO exists.
void pause_point(std::string_view point);

}  // namespace sluis::core
