#include "gateway/admin/store_commands.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "gateway/admin/events.hpp"
#include "gateway/admin/queue_commands.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/store/pg_dump.hpp"
#include "gateway/store/sqlite_backup.hpp"

namespace sluis::admin {

namespace {

constexpr std::size_t kMaxBackupName = 128;
constexpr int kBackupPagesPerStep = 32;

// An open file descriptor, closed when it goes.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string sys_error() {
  return std::strerror(errno);
}

// Empty when `name` is a plain file name backup may create; else why not (nl / en).
std::string check_backup_name(std::string_view name) {
  if (name.empty())
    return "backup heeft een bestandsnaam nodig / backup needs a file name: sluisctl backup NAME";
  if (name.find('/') != std::string_view::npos)
    return "backup schrijft alleen in de backupmap; geef een bestandsnaam, geen pad / backup "
           "writes into the "
           "backup directory only; give a file name, not a path";
  if (name.front() == '.')
    return "de bestandsnaam mag niet met '.' beginnen / the file name must not start with '.'";
  if (name.size() > kMaxBackupName)
    return "de bestandsnaam is langer dan " + std::to_string(kMaxBackupName) +
           " tekens / the file name is longer than " + std::to_string(kMaxBackupName) +
           " characters";
  for (char c : name) {
    const bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (!fine)
      return "de bestandsnaam mag alleen letters, cijfers, '.', '_' en '-' bevatten / the file "
             "name may hold only "
             "letters, digits, '.', '_' and '-'";
  }
  return {};
}

// backup NAME (store_commands.hpp): the copy is made in a private directory
// of its own and moved to NAME without replacing anything.
Answer backup(store::OperatorQueue& db, const BackupSource& source, const std::filesystem::path& dir,
              const Request& r) {
  for (const auto& kv : r.arguments)
    if (kv.key() != "name")
      return error("backup: onbekend argument '" + std::string(kv.key()) +
                   "' / unknown argument '" + std::string(kv.key()) + "' (name; the copy goes to " +
                   dir.string() + ")");
  const std::string name = string_arg(r, "name");
  if (auto why = check_backup_name(name); !why.empty())
    return error("backup: " + why + " (" + dir.string() + "/NAME)");
  const std::string shown = (dir / name).string();
  auto exists = [&] {
    return error("backup: " + shown +
                 " bestaat al; kies een nieuwe naam / exists already; name a new file");
  };

  // The directory: made private when missing; never through a symlink, and
  // only when nobody but sluisd's user can add names to it.
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return error("backup: kan de backupmap niet maken / cannot create the backup directory " +
                 dir.string() + ": " + sys_error());
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (d.fd < 0)
    return error("backup: de backupmap is geen gewone map / the backup directory " + dir.string() +
                 " is not a plain directory (" + sys_error() + ")");
  struct stat st {};
  if (::fstat(d.fd, &st) != 0 || st.st_uid != ::geteuid() ||
      (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return error("backup: de backupmap " + dir.string() +
                 " moet van de gebruiker van sluisd zijn en voor niemand anders schrijfbaar / the "
                 "backup directory " +
                 dir.string() + " must belong to sluisd's user and be writable by nobody else");
  if (::fstatat(d.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return exists();

  // A fresh private directory inside it for the copy in progress.
  std::string tmp_template = (dir / ".partial-XXXXXX").string();
  if (!::mkdtemp(tmp_template.data()))
    return error("backup: kan geen werkmap maken in / cannot create a work directory in " +
                 dir.string() + ": " + sys_error());
  const std::filesystem::path tmp = tmp_template;
  const std::string tmp_name = tmp.filename().string();
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
  };
  Fd t(::openat(d.fd, tmp_name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (t.fd < 0) {
    std::string e = sys_error();
    cleanup();
    return error("backup: cannot open the work directory " + tmp.string() + ": " + e);
  }
  // SQLite: from a connection of its own, step by step (sqlite_backup.hpp):
  // progress and cancel between steps; the copy is checked before it counts.
  // PostgreSQL: pg_dump (pg_dump.hpp), cancel checked while it runs.
  Job& j = job(r);
  std::int64_t done_pages = 0, total_pages = 0;
  core::Result<store::BackupResult> res;
  if (!source.postgresql.empty()) {
    store::DumpRequest dr;
    dr.conninfo = source.postgresql;
    dr.target = (tmp / "copy").string();
    dr.go_on = [&j] {
      core::pause_point("backup.step");
      return !j.cancelled();
    };
    res = store::dump_postgresql(dr);
  } else {
    store::BackupRequest br;
    br.source = source.sqlite_file;
    br.target = (tmp / "copy").string();
    // Small steps: the copy holds no lock the writer waits for, and cancel is
    // noticed within one step. Progress lines at each whole percent.
    br.pages_per_step = kBackupPagesPerStep;
    std::int64_t shown_percent = -1;
    br.step = [&](std::int64_t done, std::int64_t total) {
      done_pages = done;
      total_pages = total;
      if (std::int64_t pc = total > 0 ? done * 100 / total : 0; pc != shown_percent) {
        shown_percent = pc;
        j.progress(done, total, "pages copied");
      }
      core::pause_point("backup.step");
      return !j.cancelled();
    };
    res = store::backup_sqlite(br);
  }
  if (!res) {
    cleanup();
    if (res.error().code == store::kBackupCancelled) {
      const std::string text = source.postgresql.empty()
                                   ? cancelled_after(done_pages, total_pages, "pages; no copy was kept")
                                   : std::string("cancelled while pg_dump ran; no copy was kept");
      core::log(events::kCancelled, {{"command", r.command},
                                     {"uid", static_cast<long>(r.peer_uid)},
                                     {"done", done_pages},
                                     {"total", total_pages}});
      db.audit("admin", static_cast<long>(r.peer_uid), "backup", "", shown + ": " + text);
      Answer a = error("backup: " + text);
      a.arguments["cancelled"] = true;
      return a;
    }
    return error("backup mislukt / backup failed: " + res.error().text);
  }
  // Who copied every message is on record before the copy is where anyone
  // can take it (a crash in between leaves a row for an attempt, never a copy
  // without a row); fail closed: no audit row, no copy.
  const long uid = static_cast<long>(r.peer_uid);
  if (auto a = db.audit("admin", uid, "backup", "", shown); !a) {
    cleanup();
    return error(
        "backup: de kopie kon niet worden vastgelegd in de audit en is verwijderd / the copy could "
        "not be "
        "audited and was removed: " +
        a.error().text);
  }
  // Personal data: readable by sluisd's user only.
  if (::fchmodat(t.fd, "copy", 0600, 0) != 0 ||
      ::renameat2(t.fd, "copy", d.fd, name.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    cleanup();
    if (err == EEXIST) return exists();
    return error("backup: cannot move the copy to " + shown + ": " + std::strerror(err));
  }
  cleanup();
  ::fsync(d.fd);  // the new name survives a crash
  core::log(events::kBackup, {{"file", shown}, {"uid", uid}});
  return ok("backup written to " + shown, {{"path", shown}, {"name", name}});
}

}  // namespace

void add_store_commands(Registry& registry, store::OperatorQueue& db,
                        std::filesystem::path backup_dir, BackupSource source,
                        std::function<void()> on_queued, MessagePage page) {
  registry.add(
      "backup",
      "Write an online copy of the store to a new file in the backup directory <state_dir>/backups "
      "(argument: name, a plain file name; sluisctl backup NAME): a SQLite database, or on PostgreSQL "
      "a pg_dump archive (custom format, for pg_restore). An existing name is never replaced.",
      Access::change,
      [&db, source = std::move(source), dir = std::move(backup_dir)](const Request& r) {
        return backup(db, source, dir, r);
      });
  registry.add(
      "orphan-list",
      "Messages held as orphans (orphans = \"hold\") and the allocations they wait for (argument: "
      "limit, default 100).",
      Access::admin, [&db](const Request& r) {
        std::string l = string_arg(r, "limit");
        int limit = l.empty() ? 100 : std::atoi(l.c_str());
        if (limit <= 0) return error("orphan-list: limit must be a positive number");
        auto list = db.orphans(limit);
        if (!list) return error(list.error().text);
        if (list->empty()) return Answer{kEmpty, "no held orphans", {}};
        boost::json::array rows;
        for (const auto& o : *list)
          rows.push_back(boost::json::object{{"message", o.message_id},
                                             {"law", standard::to_string(o.waits_for.law)},
                                             {"gemeente", o.waits_for.gemeente},
                                             {"toewijzing_nummer", o.waits_for.toewijzing_nummer}});
        return ok(std::to_string(list->size()) + " allocations awaited", {{"orphans", rows}});
      });
  add_queue_commands(registry, db, std::move(on_queued), std::move(page));
}

}  // namespace sluis::admin
