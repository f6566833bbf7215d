// sluisctl: the operator's command line for sluisd's admin socket.
//
//   sluisctl [--socket PATH] [--json] [--progress] COMMAND [--name value ...]
//
// Long commands (backup, prune, the bulk message actions) report progress on
// stderr when stderr is a terminal or with --progress; stdout is the same
// either way. Ctrl-C (closing the connection) cancels such a command at its
// next step: it answers and audits what it did ("cancelled after N of M").
//
// Each `--name value` after the command becomes a string argument of the
// command. Output is human-readable by default; --json prints the daemon's
// answer as it came. The exit code is the answer's result (0 ok, 1 error,
// 2 unsupported, 3 empty); 64 for a usage error, 69 when the socket cannot be
// reached, 77 when the daemon refused the command to this user (the answer's
// arguments.reason is "not_permitted": the command is for root, sluisd's own
// user and admin.group only). The default socket is $SLUIS_ADMIN_SOCKET, else
// /run/sluis/sluisd.sock.
//
// `backup NAME` (a file name: the copy goes to <state_dir>/backups/NAME),
// `config-test FILE`, `message-show ID` and the message actions
// (`message-hold ID`, `message-release ID`, `message-retry ID`,
// `message-requeue ID`, `message-delete ID --reason TEXT`) also take their
// argument without its name. `--body`, `--unmask` and `--dry-run` are flags:
// without a value (or with yes/no) they send "yes" (or the value given).
//
//   sluisctl queue-summary
//   sluisctl queue-list [--state S] [--partner P] [--law iwmo|ijw] [--type N] [--from YYYY-MM-DD]
//                       [--to YYYY-MM-DD] [--destination D] [--limit N] [--after CURSOR]
//   sluisctl message-show ID [--body] [--unmask]
//   sluisctl message-hold|message-release|message-retry|message-requeue ID
//   sluisctl message-delete ID --reason TEXT
//   sluisctl message-hold ... --state S --partner P ... [--limit N] [--batch N] [--dry-run]   (bulk: a filter instead of ID)
//
// (docs/operations.md, "Queues": flags, JSON keys, exit codes.)
//
//   sluisctl validate [--law iwmo|ijw] [--json] FILE... [--config FILE] [--schemas DIR] [--reference DIR] [--lang nl|en]
//
// validates messages offline, without a daemon, with the same validator sluisd
// uses: the schema packs of the config file's [schemas] (default: the
// installed packs), or of --schemas DIR. Exit code 0 when every file is valid,
// 1 when any is not, 2 on usage or I/O errors.
//
//   sluisctl ledger-import [--apply] [--json] [--config FILE] PATH...
//
// loads current allocations, starts and stops (301/305/307 messages, or a CSV
// export: *.csv, one row each, columns in gateway/intake/ledger_import.hpp;
// PATH a file or a directory searched for *.xml and *.csv) into the store's ledger named by the
// config file (default /etc/sluis/sluisd.toml), with the daemon running or
// not. Without --apply it is a dry run: the same checks, a report, nothing
// written. Run it as the user sluisd runs as (it opens the database file).
// Exit 0 when every document was (or would be) imported, 1 when any was
// refused, 2 on usage or I/O errors.
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/admin/client.hpp"
#include "gateway/admin/registry.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/intake/ledger_import.hpp"
#include "gateway/rules/explain.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/validator.hpp"

namespace {

constexpr int kExitUsage = 64, kExitUnavailable = 69, kExitNotPermitted = 77;  // sysexits.h

void usage(std::ostream& out) {
  out << "usage: sluisctl [--socket PATH] [--json] [--progress] COMMAND [--name value ...]\n"
         "       sluisctl list-commands   (every command the daemon answers)\n"
         "       sluisctl overdue [--partner ID] [--as-of YYYY-MM-DD]   (answers owed past their due date)\n"
         "       sluisctl queue-summary | queue-list [--state S --partner P --law L --type N --from DAY --to DAY "
         "--destination D --limit N --after CURSOR]\n"
         "       sluisctl message-show ID [--body] [--unmask]\n"
         "       sluisctl message-hold|message-release|message-retry|message-requeue|message-delete "
         "ID|FILTER [--limit N] [--batch N] [--dry-run] [--reason TEXT]\n"
         "       sluisctl prune [--dry-run] [--limit N] [--batch N]   (bodies of acknowledged/rejected messages past "
         "store.retention)\n"
         "       sluisctl validate [--law iwmo|ijw] [--json] FILE... [--config FILE] [--schemas DIR] "
         "[--reference DIR] [--lang nl|en]\n"
         "       sluisctl rules-list [--type 301..325] [--lang nl|en]   (offline: the rule catalog)\n"
         "       sluisctl explain CODE [--lang nl|en]   (offline: a retourcode or rule id explained)\n"
         "       sluisctl ledger-import [--apply] [--json] [--config FILE] PATH...   (301/305/307 into the "
         "ledger; a dry run without --apply)\n";
}

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Offline validation with sluisd's own validator:
//   sluisctl validate [--law iwmo|ijw] [--json] FILE... [--config FILE] [--schemas DIR] [--reference DIR]
//                     [--lang nl|en]
// runs the XSD and the rules (as sluisd does; --reference names the directory
// with cbs-gemeenten.csv and productcodes.csv for TR378/TR381) and prints
// VALID or INVALID per file with every finding explained in Dutch and in
// English (--lang nl|en: one of them; --json: one JSON object per file, one
// per line, with both); exit 0 all valid, 1 any invalid, 2 on usage or I/O
// errors.
int validate(int argc, char** argv, int i, bool json) {
  constexpr int kExitValidateUsage = 2;
  std::vector<std::string> files;
  std::string config_file, schemas_dir, reference_dir, lang, law;  // lang empty: both
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if ((a == "--config" || a == "--schemas" || a == "--lang" || a == "--law" || a == "--reference") &&
        i + 1 < argc) {
      (a == "--config"      ? config_file
       : a == "--schemas"   ? schemas_dir
       : a == "--reference" ? reference_dir
       : a == "--lang"      ? lang
                            : law) = argv[++i];
    } else if (a == "--json") {
      json = true;
    } else if (a.starts_with("--")) {
      std::cerr << "sluisctl validate: unknown option " << a << "\n";
      return kExitValidateUsage;
    } else {
      files.emplace_back(a);
    }
  }
  if (files.empty() || (!lang.empty() && lang != "nl" && lang != "en") ||
      (!law.empty() && !sluis::standard::parse_law(law))) {
    usage(std::cerr);
    return kExitValidateUsage;
  }
  sluis::config::SchemasConfig cfg;
  sluis::config::ReferenceConfig ref_cfg;
  try {
    auto full = config_file.empty() ? sluis::config::parse_config("[https]\nenabled = false\n", "defaults")
                                    : sluis::config::load_config(config_file);
    cfg = full.schemas;
    ref_cfg = full.reference;
  } catch (const sluis::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return kExitValidateUsage;
  }
  // The rules run as in sluisd; without the reference lists the external-list
  // rules (TR378, TR381) are skipped, and said so.
  if (!reference_dir.empty()) {
    ref_cfg.cbs_gemeenten = std::filesystem::absolute(reference_dir) / "cbs-gemeenten.csv";
    ref_cfg.productcodes = std::filesystem::absolute(reference_dir) / "productcodes.csv";
  }
  std::shared_ptr<const sluis::rules::ReferenceData> reference;
  try {
    reference = sluis::rules::load_reference(ref_cfg);
  } catch (const std::exception& e) {
    if (!json) std::cerr << "sluisctl validate: reference lists not loaded, TR378/TR381 skipped: " << e.what() << "\n";
  }
  const auto today = sluis::core::dutch_date(std::chrono::system_clock::now());
  if (!schemas_dir.empty()) cfg.dir = std::filesystem::absolute(schemas_dir);
  if (!law.empty()) {
    // Only the packs of that law: a message of the other law is then unknown.
    std::vector<std::string> packs;
    for (const auto& p : cfg.packs)
      if (p.starts_with(law + "/")) packs.push_back(p);
    cfg.packs = packs;
  }
  sluis::xml::XercesRuntime runtime;
  auto set = sluis::xml::SchemaSet::load(cfg);
  if (!set) {
    std::cerr << "sluisctl validate: " << set.error().text << "\n";
    return kExitValidateUsage;
  }
  sluis::xml::Validator validator(*set, cfg);
  bool all_valid = true, io_error = false;
  for (const auto& f : files) {
    bool ok = false;
    std::string doc = slurp(f, ok);
    if (!ok) {
      std::cerr << "sluisctl validate: cannot read " << f << "\n";
      io_error = true;
      continue;
    }
    auto out = sluis::intake::judge(validator, doc, today, reference.get());
    bool valid = out.verdict == sluis::xml::Verdict::valid;
    all_valid = all_valid && valid;
    if (json) {
      auto j = sluis::xml::to_json(out);
      j["file"] = f;
      if (!reference) j["external_list_rules"] = "skipped";
      std::cout << boost::json::serialize(j) << "\n";
      continue;
    }
    std::cout << f << ": " << (valid ? "VALID" : "INVALID");
    if (out.identity)
      std::cout << " (" << sluis::standard::to_string(out.identity->type->law) << " "
                << out.identity->type->number << " " << out.identity->type->name << ", release "
                << out.identity->release << ")";
    std::cout << "\n";
    for (const auto& fd : out.findings) {
      if (lang.empty())
        std::cout << "  nl: " << fd.nl << "\n  en: " << fd.en << "\n";
      else
        std::cout << "  " << (lang == "nl" ? fd.nl : fd.en) << "\n";
    }
  }
  if (io_error) return kExitValidateUsage;
  return all_valid ? 0 : 1;
}

// The rule catalog needs no daemon: it is compiled in.
//   sluisctl rules-list [--type N]   every rule (or those for message N): id, level, retourcode, messages, text
//   sluisctl explain CODE            a retourcode or rule id: the standard's text, the rules, how to fix
int offline_rules(const std::string& command, int argc, char** argv, int i, bool json) {
  constexpr int kExitOfflineUsage = 2;
  std::string code, lang = "nl";
  int type = 0;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--type" && i + 1 < argc) {
      type = std::atoi(argv[++i]);
      if (!sluis::standard::find_message(sluis::standard::Law::ijw, type)) {
        std::cerr << "sluisctl " << command << ": no message type " << argv[i] << " (301 ... 325)\n";
        return kExitOfflineUsage;
      }
    } else if (a == "--lang" && i + 1 < argc) {
      lang = argv[++i];
    } else if (a == "--json") {
      json = true;
    } else if (!a.starts_with("--") && command == "explain" && code.empty()) {
      code = a;
    } else {
      usage(std::cerr);
      return kExitOfflineUsage;
    }
  }
  if (command == "rules-list") {
    auto rules = sluis::rules::rules_for(type);
    if (json) {
      boost::json::array arr;
      for (const auto* r : rules) arr.push_back(sluis::rules::to_json(*r));
      std::cout << boost::json::serialize(boost::json::object{{"rules", arr}, {"version", sluis::rules::kRuleSetVersion}})
                << "\n";
      return 0;
    }
    std::cout << "rule set " << sluis::rules::kRuleSetVersion << ", " << rules.size() << " rules\n";
    for (const auto* r : rules)
      std::cout << r->id << "  " << r->retourcode << "  " << sluis::rules::to_string(r->level) << "  [" << r->messages
                << "]  " << (lang == "en" ? r->en : r->nl) << "\n";
    return 0;
  }
  if (code.empty()) {
    usage(std::cerr);
    return kExitOfflineUsage;
  }
  auto e = sluis::rules::explain(code);
  if (!e) {
    std::cerr << "sluisctl explain: " << code << " is no retourcode of 3.2 and no rule sluis knows\n";
    return 1;
  }
  if (json) {
    std::cout << boost::json::serialize(sluis::rules::to_json(*e)) << "\n";
    return 0;
  }
  bool en = lang == "en";
  std::cout << e->code << "  " << (e->retourcode ? (en ? e->retourcode->text_en : e->retourcode->text_nl) : "") << "\n";
  for (const auto* r : e->rules) std::cout << "  " << r->id << ": " << (en ? r->en : r->nl) << "\n";
  for (const auto& id : e->elsewhere)
    std::cout << "  " << id << (en ? ": checked against earlier messages" : ": controle tegen eerdere berichten") << "\n";
  std::cout << "  " << (en ? e->hint_en : e->hint_nl) << "\n";
  return 0;
}

void print_value(const boost::json::value& v, const std::string& indent, std::ostream& out);

void print_object(const boost::json::object& o, const std::string& indent, std::ostream& out) {
  for (const auto& [k, v] : o) {
    out << indent << std::string_view(k) << ":";
    if (v.is_object() || (v.is_array() && !v.as_array().empty())) {
      out << "\n";
      print_value(v, indent + "  ", out);
    } else {
      out << " ";
      print_value(v, "", out);
    }
  }
}

void print_value(const boost::json::value& v, const std::string& indent, std::ostream& out) {
  if (v.is_object()) {
    print_object(v.as_object(), indent, out);
  } else if (v.is_array()) {
    if (v.as_array().empty()) out << "(none)\n";
    for (const auto& e : v.as_array()) {
      if (e.is_object()) {
        out << indent << "-\n";
        print_object(e.as_object(), indent + "  ", out);
      } else {
        out << indent << "- ";
        print_value(e, "", out);
      }
    }
  } else if (v.is_string()) {
    out << indent << std::string_view(v.as_string()) << "\n";
  } else {
    out << indent << boost::json::serialize(v) << "\n";
  }
}

}  // namespace

// sluisctl ledger-import (see the header comment).
int ledger_import(int argc, char** argv, int i, bool json) {
  constexpr int kExitImportUsage = 2;
  std::vector<std::string> paths;
  std::string config_file = "/etc/sluis/sluisd.toml";
  bool apply = false;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--config" && i + 1 < argc) config_file = argv[++i];
    else if (a == "--apply") apply = true;
    else if (a == "--json") json = true;
    else if (a.starts_with("--")) {
      std::cerr << "sluisctl ledger-import: unknown option " << a << "\n";
      return kExitImportUsage;
    } else paths.emplace_back(a);
  }
  if (paths.empty()) {
    usage(std::cerr);
    return kExitImportUsage;
  }
  std::vector<sluis::intake::ImportDocument> docs;
  for (const auto& p : paths) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file() && (e.path().extension() == ".xml" || e.path().extension() == ".csv"))
          files.push_back(e.path());
      std::sort(files.begin(), files.end());
    } else {
      files.emplace_back(p);
    }
    for (const auto& f : files) {
      bool ok = false;
      std::string body = slurp(f.string(), ok);
      if (!ok) {
        std::cerr << "sluisctl ledger-import: cannot read " << f.string() << "\n";
        return kExitImportUsage;
      }
      if (f.extension() == ".csv") {
        auto rows = sluis::intake::csv_documents(body, f.string(), sluis::core::dutch_date(std::chrono::system_clock::now()));
        for (auto& r : rows) docs.push_back(std::move(r));
        continue;
      }
      sluis::intake::ImportDocument d;
      d.name = f.string();
      d.body = std::move(body);
      docs.push_back(std::move(d));
    }
  }
  try {
    auto cfg = sluis::config::load_config(config_file);
    auto reference = sluis::rules::load_reference(cfg.reference);
    sluis::xml::XercesRuntime runtime;
    auto set = sluis::xml::SchemaSet::load(cfg.schemas);
    if (!set) {
      std::cerr << "sluisctl ledger-import: " << set.error().text << "\n";
      return kExitImportUsage;
    }
    sluis::xml::Validator validator(*set, cfg.schemas);
    sluis::store::SqliteOptions so;
    so.path = cfg.store.path.string();
    so.recover = false;  // the daemon may be running: its deliveries are its own
    auto store = sluis::store::open_sqlite(so);
    if (!store) {
      std::cerr << "sluisctl ledger-import: " << store.error().text << "\n";
      return kExitImportUsage;
    }
    sluis::intake::ImportOptions opts;
    opts.apply = apply;
    opts.bsn_key = cfg.secrets.bsn_hash_key.reveal();
    opts.today = sluis::core::dutch_date(std::chrono::system_clock::now());
    opts.actor = "sluisctl";
    opts.uid = static_cast<long>(::getuid());
    auto results = sluis::intake::ledger_import(**store, validator, reference.get(), std::move(docs), opts);
    (*store)->close();
    if (!results) {
      std::cerr << "sluisctl ledger-import: " << results.error().text << " (nothing imported)\n";
      return kExitImportUsage;
    }
    std::size_t imported = 0;
    for (const auto& r : *results) {
      imported += r.imported;
      if (json) {
        boost::json::object o{{"file", r.name}, {"type", r.type}, {"imported", r.imported},
                              {"findings", sluis::xml::to_json(r.findings)}};
        std::cout << boost::json::serialize(o) << "\n";
        continue;
      }
      std::cout << r.name << ": " << (r.imported ? (apply ? "imported" : "would be imported") : "REFUSED");
      if (r.type) std::cout << " (" << r.type << ")";
      std::cout << "\n";
      for (const auto& f : r.findings) std::cout << "  " << f.nl << "\n";
    }
    const std::size_t refused = results->size() - imported;
    if (!json)
      std::cout << results->size() << " documents: " << imported << (apply ? " imported, " : " would be imported, ")
                << refused << " refused"
                << (apply ? "\n" : " (dry run: nothing written; run again with --apply to import)\n");
    return refused == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "sluisctl ledger-import: " << e.what() << "\n";
    return kExitImportUsage;
  }
}

int main(int argc, char** argv) {
  sluis::core::set_log_element_masks(&sluis::standard::personal_mask);  // as sluisd (app.cpp)
  std::string socket = std::getenv("SLUIS_ADMIN_SOCKET") ? std::getenv("SLUIS_ADMIN_SOCKET")
                                                        : "/run/sluis/sluisd.sock";
  bool json = false;
  bool progress = ::isatty(STDERR_FILENO) == 1;
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--socket" && i + 1 < argc) {
      socket = argv[++i];
    } else if (a == "--progress") {
      progress = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--help" || a == "-h") {
      usage(std::cout);
      return 0;
    } else if (a.starts_with("-")) {
      std::cerr << "sluisctl: unknown option " << a << "\n";
      usage(std::cerr);
      return kExitUsage;
    } else {
      break;
    }
  }
  if (i >= argc) {
    usage(std::cerr);
    return kExitUsage;
  }
  std::string command = argv[i++];
  if (command == "validate") return validate(argc, argv, i, json);
  if (command == "ledger-import") return ledger_import(argc, argv, i, json);
  if (command == "rules-list" || command == "explain") return offline_rules(command, argc, argv, i, json);
  boost::json::object args;
  // A few commands take their main argument without a name.
  static const std::map<std::string, std::string> kPositional = {
      {"backup", "name"},         {"message-show", "id"},    {"explain", "code"},
      {"config-test", "file"},    {"message-hold", "id"},    {"message-release", "id"},
      {"message-retry", "id"},    {"message-requeue", "id"}, {"message-delete", "id"}};
  // Flags that need no value: "--body" sends body = "yes".
  static const std::set<std::string, std::less<>> kFlags = {"body", "unmask", "dry-run"};
  auto is_flag_value = [](std::string_view v) { return v == "yes" || v == "no" || v == "true" || v == "false"; };
  if (i < argc && !std::string_view(argv[i]).starts_with("--") && kPositional.count(command))
    args[kPositional.at(command)] = argv[i++];
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--json") {  // also after the command: sluisctl overdue --json
      json = true;
      continue;
    }
    if (a.starts_with("--") && kFlags.count(a.substr(2))) {
      args[a.substr(2)] = i + 1 < argc && is_flag_value(argv[i + 1]) ? argv[++i] : "yes";
      continue;
    }
    if (!a.starts_with("--") || a.size() < 3 || i + 1 >= argc) {
      std::cerr << "sluisctl: expected --name value after the command, got '" << a << "'\n";
      return kExitUsage;
    }
    args[a.substr(2)] = argv[++i];
  }
  try {
    // Progress of a long command on stderr (a terminal: one updated line);
    // stdout carries the answer only, as without progress.
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    bool shown = false;
    auto show = [&](std::int64_t done, std::int64_t total, std::string_view text) {
      std::cerr << (tty ? "\r" : "") << command << ": " << done;
      if (total > 0) std::cerr << " / " << total;
      std::cerr << " " << text << (tty ? "" : "\n") << std::flush;
      shown = true;
    };
    sluis::admin::Answer answer = progress ? sluis::admin::call(socket, command, args, show)
                                           : sluis::admin::call(socket, command, args);
    if (shown && tty) std::cerr << "\n";
    if (json) {
      std::cout << boost::json::serialize(sluis::admin::to_json(answer)) << "\n";
    } else {
      (answer.result == 0 ? std::cout : std::cerr) << answer.text << "\n";
      print_object(answer.arguments, "  ", std::cout);
    }
    const auto* reason = answer.arguments.if_contains("reason");
    if (answer.result == sluis::admin::kError && reason && reason->is_string() &&
        reason->as_string() == sluis::admin::kNotPermitted)
      return kExitNotPermitted;
    return answer.result;
  } catch (const std::exception& e) {
    std::cerr << "sluisctl: " << e.what() << "\n";
    return kExitUnavailable;
  }
}
