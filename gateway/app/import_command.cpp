#include "gateway/app/import_command.hpp"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <system_error>

#include "gateway/admin/events.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/log.hpp"
#include "gateway/core/test_pause.hpp"
#include "gateway/intake/ledger_import.hpp"
#include "gateway/standard/retourcodes.hpp"
#include "gateway/store/sqlite_backup.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::app {

namespace {

using admin::Answer;
using admin::Request;
using intake::ImportOutcome;

constexpr std::int64_t kDefaultBatch = 100;
constexpr std::int64_t kMaxBatch = 10000;
constexpr int kCopyPagesPerStep = 256;
constexpr std::size_t kTopReasons = 3;

std::string outcome_text(const intake::ImportResult& r, bool apply) {
  if (r.outcome == ImportOutcome::imported && !apply) return "would_be_imported";
  return std::string(intake::to_string(r.outcome));
}

// Counts and the most frequent refusal reasons of one provider or gemeente.
struct Tally {
  std::int64_t imported = 0, already = 0, refused = 0, not_reached = 0;
  struct Reason {
    std::int64_t count = 0;
    std::string rule, nl, en;
  };
  std::map<std::string, Reason> reasons;

  void add(const intake::ImportResult& r) {
    switch (r.outcome) {
      case ImportOutcome::imported:
        ++imported;
        break;
      case ImportOutcome::already:
        ++already;
        break;
      case ImportOutcome::skipped:
        ++not_reached;
        break;
      case ImportOutcome::refused: {
        ++refused;
        // Each reason once per document: the count says how many documents it refused.
        std::map<std::string, const standard::Finding*> mine;
        for (const auto& f : r.findings) mine.emplace(intake::refusal_code(f), &f);
        for (const auto& [code, f] : mine) {
          auto& reason = reasons[code];
          if (reason.count++ == 0) {
            reason.rule = f->rule;
            if (const auto* rc = standard::find_retourcode(code)) {
              reason.nl = std::string(rc->text_nl);
              reason.en = std::string(rc->text_en);
            } else {
              reason.nl = f->nl;
              reason.en = f->en;
            }
          }
        }
        break;
      }
    }
  }

  boost::json::object to_json(std::string_view key, const std::string& code) const {
    std::vector<std::pair<std::string, const Reason*>> top;
    for (const auto& [c, r] : reasons) top.emplace_back(c, &r);
    std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.second->count > b.second->count;
    });
    if (top.size() > kTopReasons) top.resize(kTopReasons);
    boost::json::array rs;
    for (const auto& [c, r] : top)
      rs.push_back(
          {{"code", c}, {"rule", r->rule}, {"count", r->count}, {"nl", r->nl}, {"en", r->en}});
    return {{key, code},          {"imported", imported},       {"already_imported", already},
            {"refused", refused}, {"not_reached", not_reached}, {"reasons", std::move(rs)}};
  }
};

// A fresh private directory for the dry run's copy; removed with what is in it.
struct WorkDir {
  std::filesystem::path path;
  explicit WorkDir(const std::filesystem::path& parent) {
    std::string t = (parent / ".import-XXXXXX").string();
    if (::mkdtemp(t.data())) path = t;  // mkdtemp: mode 0700
  }
  ~WorkDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
};

Answer answer(const ImportSetup& s, const Request& r, bool apply, std::int64_t batch,
              const intake::ImportReport& report);

Answer run_import(const ImportSetup& s, const Request& r) {
  for (const auto& kv : r.arguments)
    if (kv.key() != "documents" && kv.key() != "apply" && kv.key() != "batch")
      return admin::error("ledger-import: onbekend argument '" + std::string(kv.key()) +
                          "' / unknown argument '" + std::string(kv.key()) +
                          "' (documents, apply, batch)");
  const auto apply_arg = admin::flag_arg(r, "apply");
  if (!apply_arg) return admin::error("ledger-import: apply must be true or false");
  const bool apply = *apply_arg;
  std::int64_t batch = kDefaultBatch;
  if (const auto* b = r.arguments.if_contains("batch"); b && b->is_int64()) {
    batch = b->as_int64();
    if (batch < 1 || batch > kMaxBatch)
      return admin::error("ledger-import: batch must be a number 1 ... " +
                          std::to_string(kMaxBatch));
  } else if (auto why = admin::count_arg(r, "batch", kDefaultBatch, kMaxBatch, batch);
             !why.empty()) {
    return admin::error("ledger-import: " + why);
  }
  // Fail closed: without the daemon's key no hash (and no digest) can be made.
  if (s.bsn_key.empty())
    return admin::error(
        "ledger-import: sluisd heeft geen BSN-sleutel (secrets.bsn_hash_key); niets ingelezen / "
        "sluisd has no "
        "BSN hash key (secrets.bsn_hash_key); nothing imported");
  const auto* docs = r.arguments.if_contains("documents");
  if (!docs || !docs->is_array() || docs->as_array().empty())
    return admin::error("ledger-import: documents must be a non-empty array of {name, body}");

  const auto today = core::dutch_date(std::chrono::system_clock::now());
  std::vector<intake::ImportDocument> documents;
  for (const auto& v : docs->as_array()) {
    const auto* o = v.if_object();
    const auto* name = o ? o->if_contains("name") : nullptr;
    const auto* body = o ? o->if_contains("body") : nullptr;
    const auto* format = o ? o->if_contains("format") : nullptr;
    if (!name || !name->is_string() || !body || !body->is_string() ||
        (format && !format->is_string()))
      return admin::error("ledger-import: every document is {name, body[, format]} with strings");
    const std::string n(name->as_string());
    std::string f =
        format ? std::string(format->as_string()) : (n.ends_with(".csv") ? "csv" : "xml");
    if (f == "csv") {
      for (auto& d : intake::csv_documents(body->as_string(), n, today))
        documents.push_back(std::move(d));
    } else if (f == "xml") {
      intake::ImportDocument d;
      d.name = n;
      d.body = std::string(body->as_string());
      documents.push_back(std::move(d));
    } else {
      return admin::error("ledger-import: format must be xml or csv, got '" + f + "' (" + n + ")");
    }
  }

  const ImportContext ctx = s.context();
  xml::Validator validator(ctx.schemas, ctx.limits);
  admin::Job& job = admin::job(r);
  const long uid = static_cast<long>(r.peer_uid);
  intake::ImportOptions opts;
  opts.apply = true;  // live store or the dry run's copy: see import_command.hpp
  opts.bsn_key = s.bsn_key;
  opts.today = today;
  opts.actor = "admin";
  opts.uid = uid;
  opts.batch = static_cast<std::size_t>(batch);
  opts.progress = [&job](std::int64_t done, std::int64_t total) {
    job.progress(done, total, "documents through the ledger");
    core::pause_point("ledger_import.batch");
  };
  opts.cancelled = [&job] { return job.cancelled(); };

  if (apply) {
    auto report =
        intake::ledger_import(*s.store, validator, ctx.reference.get(), std::move(documents), opts);
    if (!report) return admin::error("ledger-import: " + report.error().text);
    return answer(s, r, true, batch, *report);
  }
  // PostgreSQL: every batch in one transaction of its own, rolled back
  // (MessageLog::ledger_rehearsal); the database has no file to copy.
  if (s.database.empty()) {
    opts.apply = false;
    opts.rehearse = true;
    auto report =
        intake::ledger_import(*s.store, validator, ctx.reference.get(), std::move(documents), opts);
    if (!report) return admin::error("ledger-import: " + report.error().text);
    return answer(s, r, false, batch, *report);
  }
  // SQLite: the dry run judges a private copy of the file.
  WorkDir dir(s.state_dir);
  if (dir.path.empty())
    return admin::error("ledger-import: cannot create a work directory for the dry run in " +
                        s.state_dir.string());
  store::BackupRequest br;
  br.source = s.database;
  br.target = (dir.path / "dry-run.db").string();
  br.pages_per_step = kCopyPagesPerStep;
  br.step = [&job](std::int64_t done, std::int64_t total) {
    job.progress(done, total, "pages copied for the dry run");
    return !job.cancelled();
  };
  if (auto copied = store::backup_sqlite(br); !copied) {
    if (copied.error().code == store::kBackupCancelled) {
      Answer a =
          admin::error("ledger-import: dry run cancelled while copying the store; nothing judged");
      a.arguments["cancelled"] = true;
      return a;
    }
    return admin::error("ledger-import: the dry run's copy of the store failed: " +
                        copied.error().text);
  }
  store::SqliteOptions so;
  so.path = br.target;
  so.recover = false;
  auto copy = store::open_sqlite(so);
  if (!copy)
    return admin::error("ledger-import: the dry run's copy cannot be opened: " + copy.error().text);
  auto report =
      intake::ledger_import(**copy, validator, ctx.reference.get(), std::move(documents), opts);
  (*copy)->close();
  if (!report) return admin::error("ledger-import: " + report.error().text);
  return answer(s, r, false, batch, *report);
}

// The answer: per document, per provider and per gemeente (import_command.hpp).
Answer answer(const ImportSetup& s, const Request& r, bool apply, std::int64_t batch,
              const intake::ImportReport& report) {
  const long uid = static_cast<long>(r.peer_uid);

  Tally all;
  std::map<std::string, Tally> providers, gemeenten;
  boost::json::array rows;
  for (const auto& d : report.results) {
    all.add(d);
    providers[d.aanbieder].add(d);
    gemeenten[d.gemeente].add(d);
    rows.push_back({{"name", d.name},
                    {"type", d.type},
                    {"outcome", outcome_text(d, apply)},
                    {"aanbieder", d.aanbieder},
                    {"gemeente", d.gemeente},
                    {"findings", xml::to_json(d.findings)}});
  }
  boost::json::array per_provider, per_gemeente;
  for (const auto& [code, t] : providers) per_provider.push_back(t.to_json("aanbieder", code));
  for (const auto& [code, t] : gemeenten) per_gemeente.push_back(t.to_json("gemeente", code));
  const auto n = static_cast<std::int64_t>(report.results.size());
  boost::json::object args{{"documents", std::move(rows)},
                           {"providers", std::move(per_provider)},
                           {"gemeenten", std::move(per_gemeente)},
                           {"totals",
                            {{"documents", n},
                             {"imported", all.imported},
                             {"already_imported", all.already},
                             {"refused", all.refused},
                             {"not_reached", all.not_reached}}},
                           {"apply", apply},
                           {"batch", batch},
                           {"batches", static_cast<std::int64_t>(report.batches)},
                           {"cancelled", report.cancelled}};
  std::string text = std::to_string(n) + " documents: " + std::to_string(all.imported) +
                     (apply ? " imported, " : " would be imported, ") +
                     std::to_string(all.already) + " already imported, " +
                     std::to_string(all.refused) + " refused";
  if (all.not_reached > 0) text += ", " + std::to_string(all.not_reached) + " not reached";
  if (!apply)
    text += " (dry run on a copy of the store: nothing written; run again with --apply to import)";
  if (report.cancelled) {
    const std::string what = admin::cancelled_after(report.done, report.total, "documents");
    core::log(
        admin::events::kCancelled,
        {{"command", r.command}, {"uid", uid}, {"done", report.done}, {"total", report.total}});
    if (apply)
      static_cast<store::OperatorQueue&>(*s.store).audit(
          "admin", uid, "ledger-import", "",
          what +
              "; the imported documents stay recorded, run the same import again to complete it");
    text = "ledger-import " + what +
           (apply ? " (run the same import again to complete it): " : ": ") + text;
  }
  if (!report.failure.empty()) {
    args["error"] = report.failure;
    text = "ledger-import stopped: the store failed a batch (" + report.failure +
           "); the batches before it stay: " + text;
  }
  const bool clean = all.refused == 0 && !report.cancelled && report.failure.empty();
  return Answer{clean ? admin::kOk : admin::kError, std::move(text), std::move(args)};
}

}  // namespace

void add_import_command(admin::Registry& registry, ImportSetup setup) {
  registry.add("ledger-import",
               "Load current allocations, starts and stops (301/305/307 messages or CSV exports) "
               "into the ledger "
               "(arguments: documents [{name, body, format}], apply, batch = documents per "
               "transaction, default 100). "
               "Without apply a dry run on a copy of the store. Documents imported before are "
               "skipped as already "
               "imported. sluisctl ledger-import reads the files.",
               admin::Access::change,
               [s = std::move(setup)](const Request& r) { return run_import(s, r); });
}

std::size_t remove_import_leftovers(const std::filesystem::path& state_dir) {
  std::size_t removed = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(state_dir, ec)) {
    const auto name = e.path().filename().string();
    if (!name.starts_with(".import-") || !e.is_directory(ec) || e.is_symlink(ec)) continue;
    std::error_code gone;
    std::filesystem::remove_all(e.path(), gone);
    if (!gone) ++removed;
  }
  return removed;
}

}  // namespace sluis::app
