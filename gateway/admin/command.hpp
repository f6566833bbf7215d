// The admin protocol's values (Kea style): a request is one JSON object
//   {"command": "config-get", "arguments": {...}}
// and its answer
//   {"result": 0|1|2|3, "text": "...", "arguments": {...}}
// with 0 ok, 1 error, 2 unsupported command, 3 empty (nothing to report).
//
// A request may also carry "progress": true. A long command (backup, prune,
// the bulk queue actions) then writes progress lines before its answer, one
// JSON object per line:
//   {"progress": {"done": N, "total": M, "text": "..."}}
// (total 0: not known). The answer is always the last line. Without
// "progress" the server writes the answer only, as it always did.
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/date.hpp"

namespace sluis::admin {

enum ResultCode : int { kOk = 0, kError = 1, kUnsupported = 2, kEmpty = 3 };

// Who sent a request, as the server saw it (SO_PEERCRED).
struct Peer {
  uid_t uid = static_cast<uid_t>(-1);  // -1 when unknown
  gid_t gid = static_cast<gid_t>(-1);
  // root, the user sluisd runs as (it reads the database file anyway), or a
  // member of admin.group (primary or supplementary group): may run the
  // commands the registry declares for admin peers (registry.hpp, Access).
  bool admin = false;
};

// What a running command may ask of its caller's connection (server.hpp):
// whether to stop, and where to report progress. Handlers reach it through
// job(request); without a connection (unit tests, the registry called
// directly) it is inert: never cancelled, progress goes nowhere.
class Job {
 public:
  virtual ~Job() = default;
  // True once the caller closed its connection or the daemon is stopping: a
  // long command stops at its next step boundary, leaves consistent state and
  // answers what it did ("cancelled after N of M").
  virtual bool cancelled() { return false; }
  // One progress line: `done` of `total` units (0: unknown) and a short text
  // (counts and names only; never a BSN or a person's name).
  virtual void progress(std::int64_t done, std::int64_t total, std::string_view text) {
    (void)done, (void)total, (void)text;
  }
};

struct Request {
  std::string command;
  boost::json::object arguments;
  uid_t peer_uid = static_cast<uid_t>(-1);  // from SO_PEERCRED; -1 when unknown
  gid_t peer_gid = static_cast<gid_t>(-1);
  bool peer_admin = false;  // see Peer::admin; checked by Registry::dispatch only
  Job* job = nullptr;       // the connection's; see job() below
};

// The request's Job, or an inert one.
Job& job(const Request& r);
// The text of a stopped long command: "cancelled after N of M <what>".
std::string cancelled_after(std::int64_t done, std::int64_t total, std::string_view what);

struct Answer {
  int result = kOk;
  std::string text;
  boost::json::object arguments;
};

inline Answer ok(std::string text, boost::json::object args = {}) {
  return {kOk, std::move(text), std::move(args)};
}
inline Answer error(std::string text) {
  return {kError, std::move(text), {}};
}

boost::json::value to_json(const Answer& a);
// Parses an answer object; a malformed one becomes result 1 with the reason.
Answer answer_from_json(const boost::json::value& v);

// Reads a string argument; empty when absent or not a string.
std::string string_arg(const Request& r, std::string_view name);
// Reads a yes/no argument (sluisctl sends a valueless --flag as "yes"):
// false when absent; true for true, "yes", "true", "1"; false for false, "no",
// "false", "0"; nullopt for anything else.
std::optional<bool> flag_arg(const Request& r, std::string_view name);
// Reads a whole number argument in 1 ... max (`limit`, `batch`): `dflt` when
// absent. Empty on success, else the error text ("limit must be a number
// 1 ... 10000, got 'x'").
std::string count_arg(const Request& r, std::string_view name, std::int64_t dflt, std::int64_t max,
                      std::int64_t& out);
// Reads a Dutch day argument YYYY-MM-DD (`--from`, `--to`): `dflt` when
// absent. Empty on success, else the error text ("--from must be a Dutch day
// YYYY-MM-DD, got '2026-13-01'").
std::string day_arg(const Request& r, std::string_view name, const core::Date& dflt, core::Date& out);

}  // namespace sluis::admin
