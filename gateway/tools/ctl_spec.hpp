// sluisctl's command line, declared once: its commands, their options and
// its exit codes. sluisctl parses with it (Boost.Program_options), prints its
// --help from it, and sluis-man renders the sluisctl(8) man page and the bash
// completion from it, so the three cannot disagree.
//
// Threading: constants only.
#pragma once

#include <span>
#include <string_view>

namespace sluis::tools {

// One exit-code scheme for every command (sysexits.h names).
inline constexpr int kExitOk = 0;             // success; an empty list is success
inline constexpr int kExitNo = 1;             // the answer says no (an error, INVALID, refused)
inline constexpr int kExitUsage = 64;         // EX_USAGE: the command line is wrong
inline constexpr int kExitUnavailable = 69;   // EX_UNAVAILABLE: the daemon cannot be reached
inline constexpr int kExitNotPermitted = 77;  // EX_NOPERM: the daemon refused the command to this user
inline constexpr int kExitConfig = 78;        // EX_CONFIG: a configuration (or what it names) cannot be loaded

struct ExitCode {
  int code;
  std::string_view meaning;
};
inline constexpr ExitCode kExitCodes[] = {
    {kExitOk,
     "success: the daemon answered result 0, or result 3 (empty: an empty list, nothing to do, nothing "
     "overdue); every file VALID; every document imported"},
    {kExitNo,
     "the answer says no: result 1 (an error, a refused or unknown message, a failed reload), message-show "
     "of an unknown ID (result 3), a file INVALID, a document refused, an unknown code for explain"},
    {kExitUsage,
     "usage: an unknown option or command (the daemon's result 2), a missing or malformed argument, a file "
     "named on the command line that cannot be read"},
    {kExitUnavailable, "the admin socket cannot be reached (the daemon is not running, or the path is wrong)"},
    {kExitNotPermitted,
     "the daemon refused the command to this user (the answer's arguments.reason is \"not_permitted\": the "
     "command is for root, sluisd's own user and admin.group only), or the admin socket's permissions "
     "refuse this user's connection"},
    {kExitConfig,
     "the configuration file of an offline command, or what it names (schema packs, reference lists), cannot "
     "be loaded"},
};

enum class OptKind {
  value,  // --name VALUE or --name=VALUE
  flag,   // --name, no value
  yesno,  // --name, or --name yes|no (--name=no): sent as "yes" without a value
};

struct Option {
  std::string_view name;
  OptKind kind;
  std::string_view arg;      // the value's placeholder in help texts ("ID", "DAY")
  std::string_view help;
  std::string_view choices;  // space-separated values for completion; "file" or "dir": a path
};

// Options every command takes, before or after the command's name.
inline constexpr Option kCommonOptions[] = {
    {"socket", OptKind::value, "PATH",
     "the admin socket (default $SLUIS_ADMIN_SOCKET, else /run/sluis/sluisd.sock)", "file"},
    {"json", OptKind::flag, "", "print the daemon's answer as it came, one JSON object (UTC times)", ""},
    {"format", OptKind::value, "table|csv",
     "human output: table (default) or csv (lists only: one header row, one row per item)", "table csv"},
    {"progress", OptKind::flag, "",
     "progress of a long command on stderr, also when stderr is not a terminal", ""},
    {"help", OptKind::flag, "", "show the help (of the command, after its name) and exit", ""},
    {"version", OptKind::flag, "", "print the version and exit", ""},
};

inline constexpr std::string_view kStates =
    "received queued delivering delivered acknowledged deferred held dead rejected";

#define SLUIS_CTL_FILTER                                                                                  \
  {"state", OptKind::value, "S", "the state: received, queued, delivering, delivered, acknowledged, "     \
                                 "deferred, held, dead, rejected",                                        \
   kStates},                                                                                              \
      {"partner", OptKind::value, "P", "the sender's or the receiver's partner id", ""},                 \
      {"law", OptKind::value, "iwmo|ijw", "the law", "iwmo ijw"},                                         \
      {"type", OptKind::value, "N", "the message number, 301 ... 325", ""},                              \
      {"from", OptKind::value, "DAY", "received on or after this Dutch day (YYYY-MM-DD, Europe/Amsterdam)", \
       ""},                                                                                               \
      {"to", OptKind::value, "DAY", "received on or before this Dutch day (YYYY-MM-DD, Europe/Amsterdam)", \
       ""},                                                                                               \
      {"destination", OptKind::value, "D", "the routing destination id", ""}
#define SLUIS_CTL_ACTION                                                                             \
  SLUIS_CTL_FILTER, {"limit", OptKind::value, "N", "at most N messages (bulk; default 1000, max 10000)", ""}, \
      {"batch", OptKind::value, "N", "messages per store transaction (bulk; default 100, max 1000)", ""},  \
      {"dry-run", OptKind::yesno, "", "list what would change, change nothing", ""}

inline constexpr Option kQueueList[] = {
    SLUIS_CTL_FILTER,
    {"limit", OptKind::value, "N", "at most N messages (1 ... 1000, default 100)", ""},
    {"after", OptKind::value, "CURSOR", "the next page: the cursor the previous page ended with", ""}};
inline constexpr Option kMessageShow[] = {
    {"body", OptKind::yesno, "", "show the body, personal data masked (audited)", ""},
    {"unmask", OptKind::yesno, "", "show the body byte for byte (audited with your uid); with --html: the page unmasked", ""},
    {"html", OptKind::yesno, "", "the message as the page a partner gets for Accept: text/html (audited)", ""},
    {"lang", OptKind::value, "nl|en", "the page's language (default nl)", ""}};
inline constexpr Option kAction[] = {SLUIS_CTL_ACTION};
inline constexpr Option kDelete[] = {
    SLUIS_CTL_ACTION, {"reason", OptKind::value, "TEXT", "why (required; kept in the audit row)", ""}};
inline constexpr Option kPrune[] = {
    {"dry-run", OptKind::yesno, "", "count what the next run would remove, remove nothing", ""},
    {"limit", OptKind::value, "N", "at most N bodies (default 10000, max 1000000)", ""},
    {"batch", OptKind::value, "N", "bodies per store transaction", ""}};
inline constexpr Option kOrphanList[] = {{"limit", OptKind::value, "N", "at most N (default 100)", ""}};
inline constexpr Option kOverdue[] = {
    {"partner", OptKind::value, "ID", "only answers this partner owes", ""},
    {"as-of", OptKind::value, "DAY", "the day to judge on (YYYY-MM-DD, default today)", ""}};
inline constexpr Option kReport[] = {
    {"from", OptKind::value, "DAY", "the first Dutch day (YYYY-MM-DD, default 29 days before --to)", ""},
    {"to", OptKind::value, "DAY", "the last Dutch day (default today; at most 366 days in all)", ""},
    {"gemeente", OptKind::value, "CODE", "only the traffic of this municipality (CBS code)", ""},
    {"partner", OptKind::value, "ID", "only the rows of this partner's codes", ""}};
inline constexpr Option kWatches[] = {
    {"partner", OptKind::value, "ID", "only cases of this partner (sluis: sluis's own, e.g. its certificate)", ""},
    {"kind", OptKind::value, "K", "only cases of this kind",
     "unread_answer queue_growing queue_dead certificate_expiry crl_stale rejection_burst care_past_18 "
     "allocation_unstarted allocation_uncorrected allocation_ending request_refused"},
    {"closed", OptKind::yesno, "", "closed cases too (kept watches.closed_retention)", ""},
    {"limit", OptKind::value, "N", "at most N cases (default 1000, at most 10000)", ""}};
inline constexpr Option kContractShow[] = {
    {"partner", OptKind::value, "ID", "the partner (required): a provider's products, or a gemeente's contracts", ""},
    {"as-of", OptKind::value, "DAY", "the Dutch day (YYYY-MM-DD, default today)", ""}};
inline constexpr Option kDegressiveStatus[] = {
    {"partner", OptKind::value, "ID", "the provider (required)", ""},
    {"year", OptKind::value, "YYYY", "the calendar year (default this Dutch year)", ""}};
inline constexpr Option kContractPreview[] = {
    {"from", OptKind::value, "DAY", "the first ProductPeriode Begindatum replayed (default 1 January this year)", ""},
    {"to", OptKind::value, "DAY", "the last (default today; at most three years after --from)", ""}};
inline constexpr Option kValidate[] = {
    {"law", OptKind::value, "iwmo|ijw", "only the schema packs of this law", "iwmo ijw"},
    {"lang", OptKind::value, "nl|en", "explain findings in one language (default both)", "nl en"},
    {"config", OptKind::value, "FILE", "take [schemas], [reference] and [contracts] from this sluisd.toml", "file"},
    {"schemas", OptKind::value, "DIR", "the schema packs' directory", "dir"},
    {"reference", OptKind::value, "DIR",
     "the directory with cbs-gemeenten.csv and productcodes.csv (rules TR378, TR381)", "dir"}};
inline constexpr Option kLedgerImport[] = {
    {"apply", OptKind::flag, "", "write to the ledger (without it: a dry run on a copy, nothing written)", ""},
    {"batch", OptKind::value, "N", "documents per writer transaction (1 ... 10000, default 100)", ""}};
inline constexpr Option kStoreImport[] = {
    {"config", OptKind::value, "FILE",
     "the sluisd.toml whose [store] connection names the PostgreSQL database (default /etc/sluis/sluisd.toml)",
     "file"},
    {"from", OptKind::value, "PATH", "the SQLite store to copy (default: that file's store.path)", "file"}};
inline constexpr Option kRulesList[] = {
    {"type", OptKind::value, "N", "only the rules of message N (301 ... 325)", ""},
    {"lang", OptKind::value, "nl|en", "the statement's language (default nl)", "nl en"}};
inline constexpr Option kExplain[] = {
    {"lang", OptKind::value, "nl|en", "the language (default nl)", "nl en"}};

#undef SLUIS_CTL_ACTION
#undef SLUIS_CTL_FILTER

struct Command {
  std::string_view name;
  std::string_view synopsis = {};            // after "sluisctl NAME"
  std::string_view help = {};
  std::span<const Option> options = {};
  std::string_view positional = {};  // the argument a bare word is sent as ("id"); offline: its placeholder
  bool many = false;                 // offline: any number of bare words (files)
  bool offline = false;              // runs without the daemon
  bool table = false;                // human output is a table; --format csv applies
  bool empty_is_no = false;          // result 3 (empty) is exit 1, not 0 (a lookup of one thing)
  bool whole_days = false;           // --from/--to are Dutch days sent as written (else: UTC bounds)
};

inline constexpr Command kCommands[] = {
    {.name = "list-commands",
     .help = "every command: the daemon's, with who may run it, and the offline ones",
     .table = true},
    {.name = "status-get", .help = "version, pid, uptime, configuration file and hash, listeners"},
    {.name = "config-get", .help = "the running configuration (secrets as their reference only)"},
    {.name = "config-test",
     .synopsis = "[FILE]",
     .help = "the checks of sluisd --check-config on FILE (default: the running file)",
     .positional = "file"},
    {.name = "config-reload", .help = "reload the configuration, as SIGHUP; answers the errors of a refused file"},
    {.name = "shutdown", .help = "stop gracefully, as SIGTERM"},
    {.name = "backup",
     .synopsis = "NAME",
     .help = "an online copy of the store as <state_dir>/backups/NAME (a new file)",
     .positional = "name"},
    {.name = "queue-summary", .help = "messages per state and per destination, with the total", .table = true},
    {.name = "queue-list",
     .synopsis = "[FILTER] [--limit N] [--after CURSOR]",
     .help = "the messages a filter selects, oldest first, one line each, with totals",
     .options = kQueueList,
     .table = true},
    {.name = "message-show",
     .synopsis = "ID [--body] [--unmask] [--html [--lang nl|en]]",
     .help = "one message's full record and history",
     .options = kMessageShow,
     .positional = "id",
     .empty_is_no = true},
    {.name = "message-hold",
     .synopsis = "ID|FILTER [--limit N] [--batch N] [--dry-run]",
     .help = "queued or deferred messages to held (no delivery attempt until released)",
     .options = kAction,
     .positional = "id",
     .table = true},
    {.name = "message-release",
     .synopsis = "ID|FILTER [--limit N] [--batch N] [--dry-run]",
     .help = "held messages (operator or receiver_not_live holds) back to queued",
     .options = kAction,
     .positional = "id",
     .table = true},
    {.name = "message-retry",
     .synopsis = "ID|FILTER [--limit N] [--batch N] [--dry-run]",
     .help = "deferred messages to queued, due now",
     .options = kAction,
     .positional = "id",
     .table = true},
    {.name = "message-requeue",
     .synopsis = "ID|FILTER [--limit N] [--batch N] [--dry-run]",
     .help = "dead messages back to queued",
     .options = kAction,
     .positional = "id",
     .table = true},
    {.name = "message-delete",
     .synopsis = "ID|FILTER --reason TEXT [--limit N] [--batch N] [--dry-run]",
     .help = "delete held, dead or rejected messages (the audit rows stay)",
     .options = kDelete,
     .positional = "id",
     .table = true},
    {.name = "prune",
     .synopsis = "[--dry-run] [--limit N] [--batch N]",
     .help = "remove the bodies of acknowledged and rejected messages past store.retention",
     .options = kPrune},
    {.name = "orphan-list",
     .synopsis = "[--limit N]",
     .help = "messages held as orphans and the allocations they wait for",
     .options = kOrphanList,
     .table = true},
    {.name = "overdue",
     .synopsis = "[--partner ID] [--as-of DAY]",
     .help = "answers the standard requires that are past their due date",
     .options = kOverdue,
     .table = true},
    {.name = "report",
     .synopsis = "[--from DAY --to DAY] [--gemeente CODE] [--partner ID]",
     .help = "the steering report per municipality and provider: messages, rejections and their retourcodes, "
             "turnaround, waiting times, in- and outflow, declared against allocated, ceilings, a traffic "
             "light with its reason",
     .options = kReport,
     .table = true,
     .whole_days = true},
    {.name = "watches",
     .synopsis = "[--partner ID] [--kind K] [--closed]",
     .help = "open cases of the watches (unread answers, queues, certificates, rejection bursts) with what to do "
             "about each (docs/watches.md)",
     .options = kWatches,
     .table = true},
    {.name = "reference-get", .help = "the loaded reference lists and contracts: files and sizes"},
    {.name = "reference-reload",
     .help = "re-read the reference lists and the contracts; on any error the loaded ones stay"},
    {.name = "contract-show",
     .synopsis = "--partner ID [--as-of DAY]",
     .help = "what a partner is contracted for on a day, at which tariff (a provider: its products, budget "
             "ceilings and contingents with where it stands; a gemeente: every provider's products in the "
             "contracts covering it)",
     .options = kContractShow,
     .table = true},
    {.name = "contract-preview",
     .synopsis = "FILE... [--from DAY --to DAY]",
     .help = "replay the ledger's declarations of a period under proposed contract files (named like the files "
             "they replace): per provider what would change (0611 gained or lost, uncontracted, amounts, "
             "degressive positions); nothing changes",
     .options = kContractPreview,
     .positional = "FILE",
     .many = true,
     .table = true},
    {.name = "degressive-status",
     .synopsis = "--partner ID [--year YYYY]",
     .help = "where a provider stands in a year's degressive tariff: threshold, etmalen counted so far (approved and "
             "pending), remaining at the full tariff",
     .options = kDegressiveStatus,
     .table = true},
    {.name = "validate",
     .synopsis = "[--law iwmo|ijw] [--lang nl|en] [--config FILE] [--schemas DIR] [--reference DIR] FILE...",
     .help = "offline: validate messages with sluisd's validator (schema and rules); FILE - reads standard input",
     .options = kValidate,
     .positional = "FILE",
     .many = true,
     .offline = true},
    {.name = "ledger-import",
     .synopsis = "[--apply] [--batch N] PATH...",
     .help = "load allocations, starts and stops (301/305/307 or CSV; directories searched) into the running "
             "daemon's ledger, judged by the daemon; a dry run without --apply; a re-run skips what is already "
             "imported",
     .options = kLedgerImport,
     .positional = "PATH",
     .many = true,
     .table = true},
    {.name = "store-import",
     .synopsis = "[--config FILE] [--from PATH]",
     .help = "offline: copy a SQLite store (sluisd stopped) into the empty PostgreSQL database that the "
             "configuration's [store] connection names, verified by counts and checksums per table",
     .options = kStoreImport,
     .offline = true,
     .table = true},
    {.name = "rules-list",
     .synopsis = "[--type N] [--lang nl|en]",
     .help = "offline: the rule catalog",
     .options = kRulesList,
     .offline = true,
     .table = true},
    {.name = "explain",
     .synopsis = "CODE [--lang nl|en]",
     .help = "offline: a retourcode or rule id explained",
     .options = kExplain,
     .positional = "CODE",
     .offline = true},
};

// The command of that name; nullptr when sluisctl does not know it (a daemon
// command it passes through: each --name value becomes a string argument).
inline const Command* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace sluis::tools
