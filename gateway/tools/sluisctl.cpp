// sluisctl: the operator's command line for sluisd's admin socket.
//
//   sluisctl [--socket PATH] [--json] [--format table|csv] [--progress] COMMAND [ARG] [--name value ...]
//   sluisctl COMMAND --help        sluisctl --help        sluisctl --version
//
// The commands, their options and the exit codes are declared once, in
// ctl_spec.hpp: the parser (Boost.Program_options), --help, the man page
// sluisctl(8) and the bash completion come from there. docs/operations.md
// ("Admin socket and sluisctl") describes them for operators.
//
// Options take `--name value` or `--name=value`; the common ones (--socket,
// --json, --format, --progress, --help) go before or after the command. A
// daemon command takes its main argument (ID, NAME, FILE) without a name too,
// and each `--name value` it does not declare is sent as a string argument,
// as is every `--name value` of a command the daemon knows and sluisctl does
// not (the daemon refuses an argument it does not know). `--body`, `--unmask`
// and `--dry-run` are flags: without a value (or with yes/no) they send "yes"
// (or the value given).
//
// Output: tables for people (one line per message, with totals; the full
// record for message-show), --format csv for the lists, --json the daemon's
// answer as it came. Days on the command line (--from, --to) and times in
// tables are Dutch local (Europe/Amsterdam); the daemon works in UTC, and
// --json shows its UTC times unchanged.
//
// Exit codes (ctl_spec.hpp, kExitCodes): 0 success (result 0, or 3: an empty
// list), 1 the answer says no, 64 usage, 69 the daemon cannot be reached,
// 77 not permitted (arguments.reason "not_permitted"), 78 configuration.
//
// Long commands (backup, prune, the bulk message actions, ledger-import)
// report progress on stderr when stderr is a terminal or with --progress;
// stdout is the same either way. Ctrl-C (closing the connection) cancels such
// a command at its next step: it answers and audits what it did ("cancelled
// after N of M").
//
// ledger-import PATH... reads the operator's files here (301/305/307 messages
// and CSV exports, columns in gateway/intake/ledger_import.hpp; a directory is
// searched recursively for *.xml and *.csv) and sends them as one admin
// request; the daemon judges them with its own validator, reference lists and
// BSN key and imports them into its ledger in batches (--batch N documents per
// transaction), or without --apply judges them on a copy of its store (a dry
// run). Documents already imported are skipped and reported so: running the
// same command again after a failure or a cancel completes the import. An
// import larger than the daemon's admin.max_request is not sent: sluisctl says
// so and how to raise it (it is not split, since the whole set is ordered
// 301s, 305s, 307s). Exit 0 nothing refused, 1 any document refused (or the
// import cancelled).
//
// Offline commands, without a daemon:
//   validate      messages with sluisd's own validator (XSD and rules) and the
//                 schema packs of --config's [schemas] (default: the installed
//                 packs) or --schemas DIR; FILE "-" is standard input.
//                 Exit 0 every file VALID, 1 any INVALID.
//   rules-list, explain   the compiled-in rule catalog.
#include <unistd.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/admin/client.hpp"
#include "gateway/config/config.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/core/redact.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/rules/explain.hpp"
#include "gateway/rules/reference_loader.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/standard/personal_data.hpp"
#include "gateway/store/pg_import.hpp"
#include "gateway/tools/ctl_format.hpp"
#include "gateway/tools/ctl_spec.hpp"
#include "gateway/xml/finding_json.hpp"
#include "gateway/xml/validator.hpp"

namespace {

namespace po = boost::program_options;
using namespace sluis::tools;

// A usage error: the message goes to stderr, the exit code is 64.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A configuration that cannot be loaded: exit 78.
struct ConfigFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command line, parsed.
struct Invocation {
  std::string socket;
  bool json = false, progress = false, help = false, version = false;
  std::string format = "table";
  std::string command;
  const Command* spec = nullptr;                            // nullptr: passed through to the daemon
  std::map<std::string, std::string> values;                // the command's declared options given
  std::vector<std::string> positional;                      // bare words after the command
  std::vector<std::pair<std::string, std::string>> extra;  // undeclared --name value (daemon commands)

  bool has(const std::string& name) const { return values.count(name) != 0; }
  std::string value(const std::string& name, std::string dflt = {}) const {
    auto it = values.find(name);
    return it == values.end() ? dflt : it->second;
  }
};

bool is_common(std::string_view name) {
  if (name == "h") return true;
  for (const auto& o : kCommonOptions)
    if (o.name == name) return true;
  return false;
}

const Option* find_option(const Command* c, std::string_view name) {
  if (!c) return nullptr;
  for (const auto& o : c->options)
    if (o.name == name) return &o;
  return nullptr;
}

void add_option(po::options_description& d, const Option& o) {
  std::string name(o.name);
  if (name == "help") name = "help,h";
  switch (o.kind) {
    case OptKind::flag:
      d.add_options()(name.c_str(), std::string(o.help).c_str());
      break;
    case OptKind::yesno:
      d.add_options()(name.c_str(), po::value<std::string>()->implicit_value("yes")->value_name("yes|no"),
                      std::string(o.help).c_str());
      break;
    case OptKind::value:
      d.add_options()(name.c_str(), po::value<std::string>()->value_name(std::string(o.arg)),
                      std::string(o.help).c_str());
      break;
  }
}

po::options_description common_options() {
  po::options_description d("Common options");
  for (const auto& o : kCommonOptions) add_option(d, o);
  return d;
}

// Records the common options of a parse (before or after the command).
void take_common(const po::basic_option<char>& o, Invocation& inv) {
  const std::string v = o.value.empty() ? std::string() : o.value.front();
  if (o.string_key == "socket") inv.socket = v;
  else if (o.string_key == "json") inv.json = true;
  else if (o.string_key == "progress") inv.progress = true;
  else if (o.string_key == "format") inv.format = v;
  else if (o.string_key == "help") inv.help = true;
  else if (o.string_key == "version") inv.version = true;
}

bool is_yes_no(std::string_view v) { return v == "yes" || v == "no" || v == "true" || v == "false"; }

// What program_options cannot know: `--body no` (a flag with an optional
// value) and `--name value` of an argument the command does not declare (a
// daemon command passes it on). Both become `--name=value`.
std::vector<std::string> join_values(const Invocation& inv, std::vector<std::string> tokens) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (!t.starts_with("--") || t.size() < 3 || t.find('=') != std::string::npos) {
      out.push_back(t);
      continue;
    }
    const std::string name = t.substr(2);
    const Option* o = find_option(inv.spec, name);
    const bool next = i + 1 < tokens.size();
    if (o && o->kind == OptKind::yesno && next && is_yes_no(tokens[i + 1])) {
      out.push_back(t + "=" + tokens[++i]);
    } else if (!o && !is_common(name) && (!inv.spec || !inv.spec->offline) && next) {
      out.push_back(t + "=" + tokens[++i]);
    } else {
      out.push_back(t);
    }
  }
  return out;
}

Invocation parse_command_line(int argc, char** argv) {
  Invocation inv;
  inv.socket = std::getenv("SLUIS_ADMIN_SOCKET") ? std::getenv("SLUIS_ADMIN_SOCKET") : "/run/sluis/sluisd.sock";
  inv.progress = ::isatty(STDERR_FILENO) == 1;
  // The command is the first bare word; the common options before it may
  // take a value of their own.
  int cmd = 1;
  for (; cmd < argc; ++cmd) {
    std::string_view a = argv[cmd];
    if ((a == "--socket" || a == "--format") && cmd + 1 < argc) {
      ++cmd;
      continue;
    }
    if (!a.starts_with("-") || a == "-") break;
  }
  try {
    std::vector<std::string> before(argv + 1, argv + cmd);
    auto common = common_options();
    // No abbreviations: `--dest` is no --destination (an argument passed
    // through must reach the daemon under the name given).
    const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    auto parsed = po::command_line_parser(before).options(common).style(style).run();
    for (const auto& o : parsed.options) take_common(o, inv);
    if (cmd >= argc) return inv;
    inv.command = argv[cmd];
    inv.spec = find_command(inv.command);

    po::options_description desc;
    desc.add(common);
    if (inv.spec)
      for (const auto& o : inv.spec->options) add_option(desc, o);
    desc.add_options()("__words", po::value<std::vector<std::string>>());
    po::positional_options_description words;
    words.add("__words", -1);
    auto tokens = join_values(inv, std::vector<std::string>(argv + cmd + 1, argv + argc));
    po::command_line_parser p(tokens);
    p.options(desc).positional(words).style(style);
    if (!inv.spec || !inv.spec->offline) p.allow_unregistered();
    auto rest = p.run();
    for (const auto& o : rest.options) {
      if (o.unregistered) {
        std::string key = o.string_key;
        if (key.empty() || o.value.size() != 1)
          throw UsageError("expected --name value after the command, got '" +
                           (o.original_tokens.empty() ? key : o.original_tokens.front()) + "'");
        inv.extra.emplace_back(key, o.value.front());
      } else if (o.string_key == "__words") {
        inv.positional.insert(inv.positional.end(), o.value.begin(), o.value.end());
      } else if (is_common(o.string_key)) {
        take_common(o, inv);
      } else {
        if (inv.values.count(o.string_key)) throw UsageError("--" + o.string_key + " given twice");
        inv.values[o.string_key] = o.value.empty() ? "yes" : o.value.front();
      }
    }
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (inv.format != "table" && inv.format != "csv")
    throw UsageError("--format takes table or csv, got '" + inv.format + "'");
  return inv;
}

void print_options(std::span<const Option> opts, std::ostream& out) {
  std::size_t w = 0;
  auto label = [](const Option& o) {
    std::string s = "--" + std::string(o.name);
    if (o.kind == OptKind::value) s += " " + std::string(o.arg);
    if (o.kind == OptKind::yesno) s += "[=yes|no]";
    return s;
  };
  for (const auto& o : opts) w = std::max(w, label(o).size());
  for (const auto& o : opts) {
    auto l = label(o);
    out << "  " << l << std::string(w - l.size() + 2, ' ') << o.help << "\n";
  }
}

void usage(std::ostream& out) {
  out << "usage: sluisctl [--socket PATH] [--json] [--format table|csv] [--progress] COMMAND [ARG] [--name value "
         "...]\n"
         "       sluisctl COMMAND --help | --help | --version\n\nCommands:\n";
  std::size_t w = 0;
  for (const auto& c : kCommands) w = std::max(w, c.name.size());
  for (const auto& c : kCommands)
    out << "  " << c.name << std::string(w - c.name.size() + 2, ' ') << c.help << "\n";
  out << "  (any other command the daemon answers: sluisctl list-commands)\n\nCommon options:\n";
  print_options(kCommonOptions, out);
  out << "\nExit codes:\n";
  for (const auto& e : kExitCodes) out << "  " << e.code << (e.code < 10 ? "   " : "  ") << e.meaning << "\n";
}

void command_help(const Command& c, std::ostream& out) {
  out << "usage: sluisctl " << c.name << (c.synopsis.empty() ? "" : " ") << c.synopsis << "\n\n" << c.help << "\n";
  if (!c.options.empty()) {
    out << "\nOptions:\n";
    print_options(c.options, out);
  }
  out << "\nCommon options: --socket PATH, --json, --format table|csv, --progress, --help (sluisctl --help)\n";
}

std::string slurp(const std::string& path, bool& ok) {
  if (path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    ok = !std::cin.bad();
    return ss.str();
  }
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------- offline

// sluisctl validate (see the header comment and validation.md).
int validate(const Invocation& inv) {
  const std::string config_file = inv.value("config"), schemas_dir = inv.value("schemas"),
                    reference_dir = inv.value("reference"), lang = inv.value("lang"), law = inv.value("law");
  const bool json = inv.json;
  if (inv.positional.empty()) throw UsageError("validate needs at least one FILE (- for standard input)");
  if (!lang.empty() && lang != "nl" && lang != "en") throw UsageError("--lang takes nl or en");
  if (!law.empty() && !sluis::standard::parse_law(law)) throw UsageError("--law takes iwmo or ijw");
  sluis::config::SchemasConfig cfg;
  sluis::config::ReferenceConfig ref_cfg;
  sluis::config::ContractsConfig contracts_cfg;  // with --config: its [contracts] (TR418, SL001)
  try {
    auto full = config_file.empty() ? sluis::config::parse_config("[https]\nenabled = false\n", "defaults")
                                    : sluis::config::load_config(config_file);
    cfg = full.schemas;
    ref_cfg = full.reference;
    contracts_cfg = full.contracts;
  } catch (const sluis::config::ConfigError& e) {
    throw ConfigFailure(e.what());
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
  if (reference && contracts_cfg.configured()) try {
      reference = sluis::rules::load_reference(ref_cfg, contracts_cfg);
    } catch (const std::exception& e) {
      if (!json) std::cerr << "sluisctl validate: contracts not loaded, TR418/SL001 skipped: " << e.what() << "\n";
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
  if (!set) throw ConfigFailure(set.error().text);
  sluis::xml::Validator validator(*set, cfg);
  bool all_valid = true, unreadable = false;
  for (const auto& f : inv.positional) {
    bool ok = false;
    std::string doc = slurp(f, ok);
    if (!ok) {
      std::cerr << "sluisctl validate: cannot read " << f << "\n";
      unreadable = true;
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
  if (unreadable) return kExitUsage;  // the command line named a file that is not there
  return all_valid ? kExitOk : kExitNo;
}

// Moving a store to PostgreSQL (store/pg_import.hpp): offline, the daemon
// stopped; the target from the configuration the daemon will start with.
int store_import(const Invocation& inv) {
  if (!inv.positional.empty()) throw UsageError("store-import takes no bare arguments");
  const std::string file = inv.value("config", "/etc/sluis/sluisd.toml");
  sluis::config::Config cfg;
  try {
    cfg = sluis::config::load_config(file);
  } catch (const sluis::config::ConfigError& e) {
    std::cerr << "sluisctl store-import: " << e.what() << "\n";
    return kExitConfig;
  }
  if (cfg.store.engine != "postgresql") {
    std::cerr << "sluisctl store-import: " << file << " has [store] engine = \"" << cfg.store.engine
              << "\": set engine = \"postgresql\" and its connection first (docs/operations.md)\n";
    return kExitConfig;
  }
  const std::string from = inv.value("from", cfg.store.path.string());
  if (!std::filesystem::is_regular_file(from)) {
    std::cerr << "sluisctl store-import: no SQLite store at " << from << "\n";
    return kExitNo;
  }
  auto copied = sluis::store::copy_sqlite_to_postgresql(
      from, cfg.store.connection.reveal(), [&inv](const std::string& table, std::int64_t rows) {
        if (!inv.json) std::cerr << "  " << table << ": " << rows << " rows\n";
      });
  if (!copied) {
    std::cerr << "sluisctl store-import: " << copied.error().text << "\n";
    return kExitNo;
  }
  std::int64_t total = 0;
  Table t{{"TABLE", "ROWS", "CHECKSUM"}, {}};
  boost::json::array arr;
  for (const auto& c : *copied) {
    total += c.rows;
    t.rows.push_back({c.table, std::to_string(c.rows), c.checksum});
    arr.push_back({{"table", c.table}, {"rows", c.rows}, {"checksum", c.checksum}});
  }
  if (inv.json) {
    std::cout << boost::json::serialize(boost::json::object{{"from", from}, {"tables", arr}, {"rows", total}}) << "\n";
    return kExitOk;
  }
  if (inv.format == "csv") {
    t.header = {"table", "rows", "checksum"};
    print_csv(t, std::cout);
    return kExitOk;
  }
  print_table(t, std::cout);
  std::cout << "-- " << total << " rows copied from " << from
            << "; counts and checksums agree on both sides\n";
  return kExitOk;
}

// The rule catalog needs no daemon: it is compiled in.
int offline_rules(const Invocation& inv) {
  const std::string lang = inv.value("lang", "nl");
  if (lang != "nl" && lang != "en") throw UsageError("--lang takes nl or en");
  if (inv.command == "rules-list") {
    if (!inv.positional.empty()) throw UsageError("rules-list takes no bare arguments");
    int type = 0;
    if (inv.has("type")) {
      type = std::atoi(inv.value("type").c_str());
      if (!sluis::standard::find_message(sluis::standard::Law::ijw, type))
        throw UsageError("no message type " + inv.value("type") + " (301 ... 325)");
    }
    auto rules = sluis::rules::rules_for(type);
    if (inv.json) {
      boost::json::array arr;
      for (const auto* r : rules) arr.push_back(sluis::rules::to_json(*r));
      std::cout << boost::json::serialize(boost::json::object{{"rules", arr}, {"version", sluis::rules::kRuleSetVersion}})
                << "\n";
      return kExitOk;
    }
    Table t{{"RULE", "RETOURCODE", "LEVEL", "MESSAGES", "TEXT"}, {}};
    for (const auto* r : rules)
      t.rows.push_back({std::string(r->id), std::string(r->retourcode), std::string(sluis::rules::to_string(r->level)),
                        std::string(r->messages), std::string(lang == "en" ? r->en : r->nl)});
    if (inv.format == "csv") {
      t.header = {"id", "retourcode", "level", "messages", "text"};
      print_csv(t, std::cout);
      return kExitOk;
    }
    print_table(t, std::cout);
    std::cout << "-- " << rules.size() << " rules (rule set " << sluis::rules::kRuleSetVersion << ")\n";
    return kExitOk;
  }
  if (inv.positional.size() != 1) throw UsageError("explain takes one CODE (a retourcode or a rule id)");
  const std::string code = inv.positional.front();
  auto e = sluis::rules::explain(code);
  if (!e) {
    std::cerr << "sluisctl explain: " << code << " is no retourcode of 3.2 and no rule sluis knows\n";
    return kExitNo;
  }
  if (inv.json) {
    std::cout << boost::json::serialize(sluis::rules::to_json(*e)) << "\n";
    return kExitOk;
  }
  bool en = lang == "en";
  std::cout << e->code << "  " << (e->retourcode ? (en ? e->retourcode->text_en : e->retourcode->text_nl) : "") << "\n";
  for (const auto* r : e->rules) std::cout << "  " << r->id << ": " << (en ? r->en : r->nl) << "\n";
  for (const auto& id : e->elsewhere)
    std::cout << "  " << id << (en ? ": checked against earlier messages" : ": controle tegen eerdere berichten") << "\n";
  std::cout << "  " << (en ? e->hint_en : e->hint_nl) << "\n";
  return kExitOk;
}

// ---------------------------------------------------------------- answers

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

// A member as text: strings as they are, numbers and booleans as JSON.
std::string text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->as_string());
  return boost::json::serialize(*v);
}

const boost::json::array& array_of(const boost::json::object& o, std::string_view key) {
  static const boost::json::array kNone;
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? v->as_array() : kNone;
}

const boost::json::object& object_of(const boost::json::value& v) {
  static const boost::json::object kNone;
  return v.is_object() ? v.as_object() : kNone;
}

// A member object, or an empty one when absent.
const boost::json::object& member(const boost::json::object& o, std::string_view key) {
  static const boost::json::object kNone;
  const auto* v = o.if_contains(key);
  return v ? object_of(*v) : kNone;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// What a list command shows: its tables for people, its totals line, and
// the one table --format csv prints (the full rows, JSON key names).
struct View {
  std::vector<Table> tables;
  std::string totals;
  Table csv;
};

std::optional<View> queue_list_view(const boost::json::object& args) {
  View v;
  v.tables.push_back({{"ID", "RECEIVED", "LAW", "TYPE", "STATE", "SENDER", "RECEIVER", "DESTINATION", "TRIES", "NOTE"},
                      {}});
  v.csv.header = {"id",         "seq",           "received_at",  "law",         "type",      "state",
                  "sender_partner", "receiver_partner", "from",  "to",          "identificatie", "destination",
                  "delivery",   "attempts",      "next_attempt_at", "hold_reason", "last_error", "shadow"};
  std::map<std::string, std::size_t> per_state;
  for (const auto& e : array_of(args, "messages")) {
    const auto& m = object_of(e);
    std::string note;
    auto add = [&](const std::string& s) { note += (note.empty() ? "" : "; ") + s; };
    if (auto h = text(m, "hold_reason"); !h.empty() && h != "none") add("hold: " + h);
    if (auto n = text(m, "next_attempt_at"); !n.empty()) add("next " + dutch_time(n));
    if (auto l = text(m, "last_error"); !l.empty()) add(l);
    if (text(m, "shadow") == "true") add("shadow");
    ++per_state[text(m, "state")];
    v.tables[0].rows.push_back({text(m, "id"), dutch_time(text(m, "received_at")), text(m, "law"), text(m, "type"),
                                text(m, "state"), text(m, "sender_partner"), text(m, "receiver_partner"),
                                text(m, "destination"), text(m, "attempts"), note});
    std::vector<std::string> row;
    for (const auto& k : v.csv.header)
      row.push_back(k.ends_with("_at") ? dutch_time(text(m, k), true) : text(m, k));
    v.csv.rows.push_back(std::move(row));
  }
  v.totals = "-- " + plural(v.tables[0].rows.size(), "message", "messages");
  std::string states;
  for (const auto& [s, n] : per_state) states += (states.empty() ? ": " : ", ") + std::to_string(n) + " " + s;
  v.totals += states;
  if (auto next = text(args, "next"); !next.empty()) v.totals += "; more: run again with --after " + next;
  return v;
}

std::optional<View> queue_summary_view(const boost::json::object& args) {
  View v;
  Table states{{"STATE", "MESSAGES"}, {}}, dests{{"DESTINATION", "STATE", "MESSAGES"}, {}};
  std::istringstream order{std::string(kStates)};
  const auto* so = args.if_contains("states");
  for (std::string s; order >> s;)
    if (so && so->is_object() && so->as_object().contains(s)) states.rows.push_back({s, text(so->as_object(), s)});
  v.csv.header = {"destination", "state", "messages"};
  if (const auto* d = args.if_contains("destinations"); d && d->is_object())
    for (const auto& [dest, per] : d->as_object())
      for (const auto& [s, n] : object_of(per)) {
        dests.rows.push_back({std::string(dest), std::string(s), boost::json::serialize(n)});
        v.csv.rows.push_back(dests.rows.back());
      }
  v.tables = {states, dests};
  v.totals = "-- " + plural(static_cast<std::size_t>(std::atoll(text(args, "total").c_str())), "message", "messages");
  return v;
}

std::optional<View> orphan_list_view(const boost::json::object& args) {
  View v;
  Table t{{"MESSAGE", "LAW", "GEMEENTE", "TOEWIJZINGNUMMER"}, {}};
  v.csv.header = {"message", "law", "gemeente", "toewijzing_nummer"};
  for (const auto& e : array_of(args, "orphans")) {
    const auto& o = object_of(e);
    t.rows.push_back({text(o, "message"), text(o, "law"), text(o, "gemeente"), text(o, "toewijzing_nummer")});
    v.csv.rows.push_back(t.rows.back());
  }
  v.totals = "-- " + plural(t.rows.size(), "allocation awaited", "allocations awaited");
  v.tables = {t};
  return v;
}

std::optional<View> overdue_view(const boost::json::object& args) {
  View v;
  Table t{{"PARTNER", "MESSAGE", "KIND", "RULE", "TYPE", "OWED TO", "RECEIVED", "DUE", "DAYS"}, {}};
  v.csv.header = {"partner",     "message",  "kind",     "rule",          "law",          "type",
                  "owed_by_code", "owed_to",  "owed_to_code", "received", "due", "overdue_since", "days_overdue"};
  if (const auto* p = args.if_contains("partners"); p && p->is_object())
    for (const auto& [partner, rows] : p->as_object())
      for (const auto& e : rows.is_array() ? rows.as_array() : boost::json::array{}) {
        const auto& o = object_of(e);
        t.rows.push_back({std::string(partner), text(o, "message"), text(o, "kind"), text(o, "rule"),
                          text(o, "law") + " " + text(o, "type"), text(o, "owed_to"), text(o, "received"),
                          text(o, "due"), text(o, "days_overdue")});
        std::vector<std::string> row{std::string(partner)};
        for (std::size_t i = 1; i < v.csv.header.size(); ++i) row.push_back(text(o, v.csv.header[i]));
        v.csv.rows.push_back(std::move(row));
      }
  v.totals = "-- " + plural(t.rows.size(), "answer", "answers") + " overdue on " + text(args, "as_of");
  v.tables = {t};
  return v;
}

// watches: one row per case, then what each kind means and what to do (NL, EN) once per kind.
std::optional<View> watches_view(const boost::json::object& args) {
  View v;
  Table t{{"ID", "KIND", "PARTNER", "SUBJECT", "OPENED", "CLOSED", "DETAIL"}, {}};
  v.csv.header = {"id", "kind", "watch", "partner", "subject", "detail", "opened_at", "logged_at", "closed_at"};
  std::vector<std::pair<std::string, std::string>> advice;  // kind -> text, in first-seen order
  for (const auto& e : array_of(args, "cases")) {
    const auto& o = object_of(e);
    const std::string closed = text(o, "closed_at");
    t.rows.push_back({text(o, "id"), text(o, "kind"), text(o, "partner"), text(o, "subject"),
                      dutch_time(text(o, "opened_at")), closed.empty() ? "-" : dutch_time(closed), text(o, "detail")});
    std::vector<std::string> row;
    for (const auto& h : v.csv.header) row.push_back(text(o, h));
    v.csv.rows.push_back(std::move(row));
    const std::string kind = text(o, "kind");
    if (std::none_of(advice.begin(), advice.end(), [&](const auto& a) { return a.first == kind; }) &&
        !text(o, "action_nl").empty())
      advice.emplace_back(kind, "  " + kind + ":\n    NL: " + text(o, "meaning_nl") + " " + text(o, "action_nl") +
                                    "\n    EN: " + text(o, "meaning_en") + " " + text(o, "action_en"));
  }
  v.totals = "-- " + plural(t.rows.size(), "case", "cases");
  if (!advice.empty()) {
    v.totals += "\n\nWhat to do / Wat te doen:";
    for (const auto& [_, a] : advice) v.totals += "\n" + a;
  }
  v.tables = {t};
  return v;
}

// Eurocent as euros for people: 6150 -> "61.50".
std::string euros(const std::string& cents) {
  const long long c = std::atoll(cents.c_str());
  const long long a = c < 0 ? -c : c;
  return (c < 0 ? "-" : "") + std::to_string(a / 100) + "." + (a % 100 < 10 ? "0" : "") + std::to_string(a % 100);
}

std::optional<View> contract_show_view(const boost::json::object& args) {
  View v;
  Table t{{"AANBIEDER", "CONTRACT", "LAW", "CODE", "NAAM", "EENHEID", "EURO", "FROM", "UNTIL", "GEMEENTEN", "ROW"},
          {}};
  v.csv.header = {"aanbieder", "contract",     "law",       "categorie", "code",      "naam",     "eenheid",
                  "tariff_eurocent", "ingangsdatum", "einddatum", "gemeenten", "row",     "priced_by"};
  for (const auto& e : array_of(args, "products")) {
    const auto& o = object_of(e);
    const std::string row = text(o, "row"), priced = text(o, "priced_by");
    t.rows.push_back({text(o, "aanbieder"), text(o, "contract"), text(o, "law"), text(o, "code"), text(o, "naam"),
                      text(o, "eenheid"), euros(text(o, "tariff_eurocent")), text(o, "ingangsdatum"),
                      text(o, "einddatum").empty() ? "open" : text(o, "einddatum"),
                      text(o, "gemeenten"), row == priced ? row : row + " (" + priced + ")"});
    std::vector<std::string> csv;
    for (const auto& k : v.csv.header) csv.push_back(text(o, k));
    v.csv.rows.push_back(std::move(csv));
  }
  // The provider's budget ceilings and contingents, where it stands.
  Table c{{"CEILING", "CONTRACT", "LAW", "CODE", "YEAR", "MAXIMUM", "POSITION", "PERCENT", "WARN AT", "LEVEL", "ROW"},
          {}};
  for (const auto& e : array_of(args, "ceilings")) {
    const auto& o = object_of(e);
    const bool budget = text(o, "kind") == "budget";
    c.rows.push_back({text(o, "kind"), text(o, "contract"), text(o, "law"), text(o, "code"), text(o, "year"),
                      budget ? euros(text(o, "maximum")) : text(o, "maximum"),
                      budget ? euros(text(o, "amount")) : text(o, "amount"), text(o, "percent") + "%",
                      text(o, "waarschuwing_procent") + "%", text(o, "level").empty() ? "-" : text(o, "level"),
                      text(o, "row")});
  }
  v.totals = "-- " + plural(t.rows.size(), "contracted product", "contracted products") + " for " +
             text(args, "partner") + " on " + text(args, "as_of");
  if (!c.rows.empty()) v.totals += ", " + plural(c.rows.size(), "ceiling", "ceilings");
  v.tables = {t, c};
  return v;
}

std::optional<View> degressive_status_view(const boost::json::object& args) {
  View v;
  Table t{{"AANBIEDER", "CONTRACT", "YEAR", "THRESHOLD", "SOURCE", "ETMALEN", "APPROVED", "PENDING", "REMAINING",
           "REDUCED", "PCT", "ROW"},
          {}};
  v.csv.header = {"aanbieder", "contract", "year", "threshold_etmalen", "threshold_source", "etmalen",
                  "approved_etmalen", "pending_etmalen", "remaining_full_tariff", "reduced_etmalen",
                  "reduced_percentage", "scope", "instroomjaar", "row"};
  for (const auto& e : array_of(args, "positions")) {
    const auto& o = object_of(e);
    auto or_dash = [&](const char* k) {
      std::string x = text(o, k);
      return x.empty() ? std::string("-") : x;
    };
    t.rows.push_back({text(o, "aanbieder"), text(o, "contract"), text(o, "year"), or_dash("threshold_etmalen"),
                      text(o, "threshold_source"), text(o, "etmalen"), text(o, "approved_etmalen"),
                      text(o, "pending_etmalen"), or_dash("remaining_full_tariff"), text(o, "reduced_etmalen"),
                      text(o, "reduced_percentage") + "%", text(o, "row")});
    std::vector<std::string> csv;
    for (const auto& k : v.csv.header) csv.push_back(text(o, k));
    v.csv.rows.push_back(std::move(csv));
  }
  v.totals = "-- " + plural(t.rows.size(), "degressive row", "degressive rows") + " for " + text(args, "partner") +
             " in " + text(args, "year");
  v.tables = {t};
  return v;
}

std::optional<View> contract_preview_view(const boost::json::object& args) {
  View v;
  Table t{{"AANBIEDER", "PRESTATIES", "CHANGED", "+0611", "-0611", "+UNCONTRACTED", "-UNCONTRACTED", "CURRENT", "PROPOSED",
           "DIFFERENCE", "DEGRESSIVE"},
          {}};
  v.csv.header = {"aanbieder",        "prestaties",    "changed",        "gets_0611",      "loses_0611",
                  "gets_uncontracted", "loses_uncontracted", "declared_cents", "current_cents", "proposed_cents",
                  "difference_cents", "degressive"};
  for (const auto& e : array_of(args, "providers")) {
    const auto& o = object_of(e);
    std::string degressive;
    for (const auto& d : array_of(o, "degressive")) {
      const auto& r = object_of(d);
      auto th = [&](const char* k) {
        std::string x = text(r, k);
        return x.empty() ? std::string("-") : x;
      };
      degressive += (degressive.empty() ? "" : "; ") + text(r, "contract") + " " + text(r, "year") + ": threshold " +
                    th("current_threshold") + " -> " + th("proposed_threshold") + ", reduced " +
                    text(r, "current_reduced_etmalen") + " -> " + text(r, "proposed_reduced_etmalen");
    }
    t.rows.push_back({text(o, "aanbieder"), text(o, "prestaties"), text(o, "changed"), text(o, "gets_0611"),
                      text(o, "loses_0611"), text(o, "gets_uncontracted"), text(o, "loses_uncontracted"),
                      euros(text(o, "current_cents")), euros(text(o, "proposed_cents")),
                      euros(text(o, "difference_cents")), degressive});
    std::vector<std::string> csv;
    for (const auto& k : v.csv.header) csv.push_back(k == std::string("degressive") ? degressive : text(o, k));
    v.csv.rows.push_back(std::move(csv));
  }
  v.totals = "-- " + plural(t.rows.size(), "provider affected", "providers affected") + ", " +
             text(args, "unchanged") + " unchanged, " + text(args, "replayed") + " prestaties replayed from " +
             text(args, "from") + " to " + text(args, "to");
  v.tables = {t};
  return v;
}

// report: the rows with their lights, then the reasons, retourcodes,
// turnaround, flows, nacalculatie and contract figures, a table each (empty
// ones left out); --format csv: one line per row, the lists joined.
std::optional<View> report_view(const boost::json::object& args) {
  View v;
  auto joined = [](const boost::json::object& o, std::string_view key) {
    std::string out;
    if (const auto* m = o.if_contains(key); m && m->is_object())
      for (const auto& [k, n] : m->as_object())
        out += (out.empty() ? "" : " ") + std::string(k) + ":" + boost::json::serialize(n);
    return out;
  };
  auto dash = [](std::string s) { return s.empty() ? std::string("-") : s; };
  Table rows{{"KIND", "CODE", "PARTNER", "LIGHT", "SENT", "ACCEPTED", "REJECTED", "MESSAGES", "ANSWERS", "LATE",
              "OVERDUE", "NEW", "STARTED", "WAIT-MEDIAN", "OVER-NORM", "WAITING", "OUTFLOW", "EARLY"},
             {}};
  Table reasons{{"CODE", "LIGHT", "REDEN", "REASON"}, {}};
  Table codes{{"CODE", "RETOURCODE", "COUNT", "TOELICHTING"}, {}};
  Table answers{{"CODE", "ANSWER", "DEADLINE", "OPENED", "ANSWERED", "MEDIAN", "P90", "LATE", "OVERDUE"}, {}};
  Table flows{{"CODE", "REFERRERS", "OUTFLOW", "DURATION (MEDIAN DAYS)", "TRANSITIONS"}, {}};
  Table naca{{"CODE", "PRODUCT", "EENHEID", "ALLOCATED", "DECLARED", "ALLOCATED-EUR", "DECLARED-EUR", "APPROVED-EUR"},
             {}};
  Table contract{{"CODE", "CONTRACT", "FIGURE", "STANDS AT"}, {}};
  Table watches{{"WATCH", "PARTNER", "OPEN", "WAT TE DOEN", "WHAT TO DO"}, {}};
  for (const auto& e : array_of(args, "watches")) {
    const auto& w = object_of(e);
    watches.rows.push_back({text(w, "watch"), text(w, "partner"), text(w, "open"), text(w, "nl"), text(w, "en")});
  }
  v.csv.header = {"kind", "code", "partner", "light", "reasons", "submitted", "accepted", "rejected", "messages",
                  "retourcodes", "answers_opened", "answers_late", "answers_overdue", "turnaround_median_werkdagen",
                  "inflow", "started", "waiting_median_days", "waiting_p90_days", "over_norm", "waiting_past_norm",
                  "outflow", "early_endings", "transitions", "allocated_cents", "declared_cents", "approved_cents"};
  std::size_t lights[3] = {0, 0, 0};
  for (const auto& e : array_of(args, "rows")) {
    const auto& o = object_of(e);
    const std::string code = text(o, "code"), light = text(o, "light");
    ++lights[light == "red" ? 2 : light == "orange" ? 1 : 0];
    long long opened = 0, late = 0, overdue = 0;
    std::string turnaround;
    for (const auto& a : array_of(o, "answers")) {
      const auto& x = object_of(a);
      const auto& w = member(x, "werkdagen");
      opened += std::atoll(text(x, "opened").c_str());
      late += std::atoll(text(x, "late").c_str());
      overdue += std::atoll(text(x, "overdue").c_str());
      answers.rows.push_back({code, text(x, "kind"), text(x, "deadline"), text(x, "opened"), text(x, "answered"),
                              dash(text(w, "median")), dash(text(w, "p90")), text(x, "late"), text(x, "overdue")});
      turnaround += (turnaround.empty() ? "" : " ") + text(x, "kind") + ":" + dash(text(w, "median"));
    }
    const auto& wait = member(o, "waiting");
    const auto& wdays = member(wait, "days");
    rows.rows.push_back({text(o, "kind"), code, dash(text(o, "partner")), light, text(o, "submitted"),
                         text(o, "accepted"), text(o, "rejected"), dash(joined(o, "messages")),
                         std::to_string(opened), std::to_string(late), std::to_string(overdue), text(o, "inflow"),
                         text(wait, "started"), dash(text(wdays, "median")), text(wait, "over_norm"),
                         text(wait, "waiting_past_norm"), dash(joined(o, "outflow")), text(o, "early_endings")});
    std::string why;
    for (const auto& x : array_of(o, "reasons")) {
      const auto& r = object_of(x);
      reasons.rows.push_back({code, text(r, "light"), text(r, "nl"), text(r, "en")});
      why += (why.empty() ? "" : "; ") + text(r, "nl") + " / " + text(r, "en");
    }
    std::string rc;
    for (const auto& x : array_of(o, "retourcodes")) {
      const auto& r = object_of(x);
      codes.rows.push_back({code, text(r, "retourcode"), text(r, "count"), text(r, "nl")});
      rc += (rc.empty() ? "" : " ") + text(r, "retourcode") + ":" + text(r, "count");
    }
    std::string durations;
    for (const auto& x : array_of(o, "durations")) {
      const auto& d = object_of(x);
      durations += (durations.empty() ? "" : " ") + text(d, "product") + ":" + dash(text(member(d, "days"), "median"));
    }
    std::string referrers;
    for (const auto& kv : member(o, "referrers"))
      referrers += (referrers.empty() ? "" : "; ") + std::string(kv.key()) + " " + joined(member(o, "referrers"), kv.key());
    if (!referrers.empty() || !joined(o, "outflow").empty() || !durations.empty() || !joined(o, "transitions").empty())
      flows.rows.push_back({code, dash(referrers), dash(joined(o, "outflow")), dash(durations),
                            dash(joined(o, "transitions"))});
    long long alloc = 0, decl = 0, appr = 0;
    for (const auto& x : array_of(o, "nacalculatie")) {
      const auto& n = object_of(x);
      naca.rows.push_back({code, text(n, "product"), text(n, "eenheid"), text(n, "allocated_volume"),
                           text(n, "declared_volume"), euros(text(n, "allocated_cents")),
                           euros(text(n, "declared_cents")), euros(text(n, "approved_cents"))});
      alloc += std::atoll(text(n, "allocated_cents").c_str());
      decl += std::atoll(text(n, "declared_cents").c_str());
      appr += std::atoll(text(n, "approved_cents").c_str());
    }
    for (const auto& x : array_of(o, "ceilings")) {
      const auto& c = object_of(x);
      contract.rows.push_back({code, text(c, "contract"), text(c, "kind") + " " + text(c, "row"),
                               text(c, "amount") + " of " + text(c, "maximum") + " (" + text(c, "percent") + "%" +
                                   (text(c, "level").empty() ? "" : ", " + text(c, "level")) + ")"});
    }
    for (const auto& x : array_of(o, "degressive")) {
      const auto& d = object_of(x);
      contract.rows.push_back({code, text(d, "contract"), "degressive " + text(d, "year") + " " + text(d, "row"),
                               text(d, "etmalen") + " etmalen, threshold " + dash(text(d, "threshold_etmalen"))});
    }
    v.csv.rows.push_back({text(o, "kind"), code, text(o, "partner"), light, why, text(o, "submitted"),
                          text(o, "accepted"), text(o, "rejected"), joined(o, "messages"), rc, std::to_string(opened),
                          std::to_string(late), std::to_string(overdue), turnaround, text(o, "inflow"),
                          text(wait, "started"), text(wdays, "median"), text(wdays, "p90"), text(wait, "over_norm"),
                          text(wait, "waiting_past_norm"), joined(o, "outflow"), text(o, "early_endings"),
                          joined(o, "transitions"), std::to_string(alloc), std::to_string(decl),
                          std::to_string(appr)});
  }
  v.tables.push_back(rows);
  for (auto* t : {&reasons, &codes, &answers, &flows, &naca, &contract, &watches})
    if (!t->rows.empty()) v.tables.push_back(*t);
  v.totals = "-- " + plural(rows.rows.size(), "row", "rows") + " from " + text(args, "from") + " to " +
             text(args, "to") + ": " + std::to_string(lights[0]) + " green, " + std::to_string(lights[1]) +
             " orange, " + std::to_string(lights[2]) + " red (waiting-time norm " +
             text(member(args, "thresholds"), "waiting_norm_days") + " days)";
  return v;
}

std::optional<View> list_commands_view(const boost::json::object& args) {
  View v;
  Table t{{"COMMAND", "ACCESS", "HELP"}, {}};
  std::size_t daemon = 0, offline = 0;
  const auto* cmds = args.if_contains("commands");
  const auto* access = args.if_contains("access");
  if (cmds && cmds->is_object())
    for (const auto& [name, help] : cmds->as_object()) {
      t.rows.push_back({std::string(name), access && access->is_object() ? text(access->as_object(), name) : "",
                        help.is_string() ? std::string(help.as_string()) : ""});
      ++daemon;
    }
  for (const auto& c : kCommands)
    if (c.offline) {
      t.rows.push_back({std::string(c.name), "offline", std::string(c.help)});
      ++offline;
    }
  v.csv = {{"command", "access", "help"}, t.rows};
  v.totals = "-- " + plural(daemon + offline, "command", "commands") + ": " + std::to_string(daemon) +
             " answered by the daemon, " + std::to_string(offline) + " offline (no daemon needed)";
  v.tables = {t};
  return v;
}

// The message actions: what changed, what was left and what was refused.
std::optional<View> action_view(const boost::json::object& args) {
  if (!args.contains("changed") && !args.contains("refused")) return std::nullopt;
  View v;
  const bool dry = text(args, "dry_run") == "true";
  Table t{{"ID", "OUTCOME", "FROM", "TO", "REASON"}, {}};
  for (const auto& e : array_of(args, "changed")) {
    const auto& o = object_of(e);
    t.rows.push_back({text(o, "id"), dry ? "would change" : "changed", text(o, "from"), text(o, "to"), ""});
  }
  const std::size_t changed = t.rows.size();
  for (const auto& e : array_of(args, "unchanged")) {
    const auto& o = object_of(e);
    t.rows.push_back({text(o, "id"), "unchanged", text(o, "state"), text(o, "state"), ""});
  }
  const std::size_t unchanged = t.rows.size() - changed;
  for (const auto& e : array_of(args, "refused")) {
    const auto& o = object_of(e);
    t.rows.push_back({text(o, "id"), "refused", text(o, "state"), "", text(o, "reason")});
  }
  const std::size_t refused = t.rows.size() - changed - unchanged;
  v.csv = {{"id", "outcome", "from", "to", "reason"}, t.rows};
  v.totals = "-- " + std::to_string(changed) + (dry ? " would change, " : " changed, ") + std::to_string(unchanged) +
             " unchanged, " + std::to_string(refused) + " refused" +
             (text(args, "more") == "true" ? "; the filter selects more: run again" : "") +
             (dry ? " (dry run: nothing changed)" : "");
  v.tables = {t};
  return v;
}

std::optional<View> view_of(std::string_view command, const boost::json::object& args) {
  if (command == "queue-list") return queue_list_view(args);
  if (command == "queue-summary") return queue_summary_view(args);
  if (command == "orphan-list") return orphan_list_view(args);
  if (command == "overdue") return overdue_view(args);
  if (command == "watches") return watches_view(args);
  if (command == "contract-show") return contract_show_view(args);
  if (command == "degressive-status") return degressive_status_view(args);
  if (command == "contract-preview") return contract_preview_view(args);
  if (command == "report") return report_view(args);
  if (command == "list-commands") return list_commands_view(args);
  if (command.starts_with("message-") && command != "message-show") return action_view(args);
  return std::nullopt;
}

bool is_time_key(std::string_view k) { return k == "at" || k.ends_with("_at"); }

// message-show: the whole record, one field a line (times Dutch local), the
// findings, the history as a table and the body last.
void print_message(const boost::json::object& m, std::ostream& out) {
  std::size_t w = 0;
  for (const auto& [k, v] : m)
    if (!v.is_array() && !v.is_object() && k != "body") w = std::max(w, k.size());
  for (const auto& [k, v] : m) {
    if (v.is_array() || v.is_object() || k == "body") continue;
    std::string val = text(m, k);
    if (is_time_key(k) && !val.empty()) val = dutch_time(val) + " (" + val + ")";
    out << std::string_view(k) << ":" << std::string(w - k.size() + 1, ' ') << val << "\n";
  }
  for (const auto& [k, v] : m) {
    if (!v.is_array() && !v.is_object()) continue;
    if (k == "history") continue;
    out << "\n" << std::string_view(k) << ":";
    if (v.is_array() && v.as_array().empty()) {
      out << " (none)\n";
      continue;
    }
    out << "\n";
    print_value(v, "  ", out);
  }
  if (const auto* h = m.if_contains("history"); h && h->is_array()) {
    out << "\nhistory:\n";
    Table t{{"SEQ", "AT", "ACTOR", "UID", "ACTION", "DETAIL"}, {}};
    for (const auto& e : h->as_array()) {
      const auto& o = object_of(e);
      t.rows.push_back({text(o, "seq"), dutch_time(text(o, "at")), text(o, "actor"), text(o, "uid"),
                        text(o, "action"), text(o, "detail")});
    }
    print_table(t, out);
  }
  if (const auto* b = m.if_contains("body"); b && b->is_string()) out << "\nbody:\n" << std::string_view(b->as_string()) << "\n";
}

// The answer for people (--format table) or as CSV.
void print_answer(const Invocation& inv, const sluis::admin::Answer& a) {
  const bool ok = a.result == sluis::admin::kOk || a.result == sluis::admin::kEmpty;
  auto view = inv.spec && inv.spec->table ? view_of(inv.command, a.arguments) : std::nullopt;
  if (inv.format == "csv") {
    if (!ok) std::cerr << a.text << "\n";
    if (view) print_csv(view->csv, std::cout);
    else if (!ok) print_object(a.arguments, "  ", std::cout);
    return;
  }
  if (inv.command == "message-show" && ok) {
    // --html: the page itself, nothing around it, so it can go to a file.
    if (const auto* h = a.arguments.if_contains("html"); h && h->is_string()) {
      std::cout << std::string_view(h->as_string());
      return;
    }
    if (const auto* m = a.arguments.if_contains("message"); m && m->is_object()) {
      std::cout << a.text << "\n\n";
      print_message(m->as_object(), std::cout);
      return;
    }
  }
  if (!view) {
    (ok ? std::cout : std::cerr) << a.text << "\n";
    print_object(a.arguments, "  ", std::cout);
    return;
  }
  // The actions say what they did in their text; a list's totals say it.
  const bool action = inv.command.starts_with("message-");
  if (!ok || action) (ok ? std::cout : std::cerr) << a.text << "\n";
  bool any = false;
  for (const auto& t : view->tables) any = any || !t.rows.empty();
  if (!any) {
    if (ok && !action) std::cout << a.text << "\n";
    return;
  }
  bool first = true;
  for (const auto& t : view->tables) {
    if (t.rows.empty()) continue;
    if (!first) std::cout << "\n";
    first = false;
    print_table(t, std::cout);
  }
  std::cout << view->totals << "\n";
}

// The size the daemon accepts (config-get: admin.max_request), or 0 when it
// cannot be asked (then the daemon's own answer says it).
std::uint64_t max_request(const Invocation& inv) {
  try {
    auto a = sluis::admin::call(inv.socket, "config-get");
    const auto* c = a.arguments.if_contains("config");
    const auto* adm = c && c->is_object() ? c->as_object().if_contains("admin") : nullptr;
    const auto* m = adm && adm->is_object() ? adm->as_object().if_contains("max_request") : nullptr;
    if (m && m->is_int64()) return static_cast<std::uint64_t>(m->as_int64());
    if (m && m->is_uint64()) return m->as_uint64();
    if (m && m->is_string()) {
      std::string v(m->as_string());
      std::size_t end = 0;
      const double n = std::stod(v, &end);
      std::string unit = v.substr(end);
      const double mult = unit == "KiB" ? 1024.0 : unit == "MiB" ? 1048576.0 : unit == "GiB" ? 1073741824.0 : 1.0;
      return static_cast<std::uint64_t>(n * mult);
    }
  } catch (const std::exception&) {
  }
  return 0;
}

std::string mib(std::uint64_t bytes) {
  std::ostringstream o;
  o.precision(1);
  o << std::fixed << static_cast<double>(bytes) / 1048576.0 << " MiB";
  return o.str();
}

// What to do when the files of `command` make a request above the daemon's
// admin.max_request (ledger-import, contract-preview).
std::string too_large(const std::string& command, std::uint64_t size, std::uint64_t limit) {
  std::string text = "the files are " + mib(size) + " as one admin request, larger than the daemon accepts "
                     "(admin.max_request = " + (limit ? mib(limit) : std::string("see sluisctl config-get")) +
                     "). Raise admin.max_request in sluisd.toml (at most 64MiB) and run sluisctl config-reload";
  if (command == "ledger-import")
    text += ", or import the files in several runs: allocations (301) first, then starts (305), then stops (307), "
            "since each run is judged against what the runs before it imported";
  return text;
}

// The size of the request `args` makes; when it is above the daemon's
// admin.max_request, says so (not sent) and returns the exit code.
std::optional<int> refuse_too_large(const Invocation& inv, const boost::json::object& args, std::uint64_t& size) {
  size = boost::json::serialize(boost::json::object{{"command", inv.command}, {"arguments", args}, {"progress", true}})
             .size();
  constexpr std::uint64_t kSmallest = 1024;  // admin.max_request's least value
  if (size <= kSmallest) return std::nullopt;
  if (const auto limit = max_request(inv); limit && size > limit) {
    std::cerr << "sluisctl " << inv.command << ": " << too_large(inv.command, size, limit) << "\n";
    return kExitNo;
  }
  return std::nullopt;
}

// The daemon refused the request mid-way as larger than admin.max_request
// (its limit changed meanwhile): says so with the size; true when it did.
bool refused_as_too_large(const Invocation& inv, const sluis::admin::Answer& a, std::uint64_t size) {
  if (a.result != sluis::admin::kError || a.text.find("admin.max_request") == std::string::npos ||
      !a.arguments.empty())
    return false;
  std::cerr << "sluisctl " << inv.command << ": " << too_large(inv.command, size, max_request(inv)) << "\n";
  return true;
}

// Calls the daemon with `args` into `answer`; -1 when it answered, else the
// exit code (77 refused at the socket, 69 unreachable), said on stderr. With
// --progress, a long command's progress goes to stderr (a terminal: one
// updated line); stdout carries the answer only, as without progress.
int call_daemon(const Invocation& inv, const boost::json::object& args, sluis::admin::Answer& answer) {
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  bool shown = false;
  auto show = [&](std::int64_t done, std::int64_t total, std::string_view t) {
    std::cerr << (tty ? "\r" : "") << inv.command << ": " << done;
    if (total > 0) std::cerr << " / " << total;
    std::cerr << " " << t << (tty ? "" : "\n") << std::flush;
    shown = true;
  };
  try {
    answer = inv.progress ? sluis::admin::call(inv.socket, inv.command, args, show)
                          : sluis::admin::call(inv.socket, inv.command, args);
  } catch (const sluis::admin::SocketRefused& e) {
    std::cerr << "sluisctl: " << e.what() << "\n";
    return kExitNotPermitted;
  } catch (const std::exception& e) {
    std::cerr << "sluisctl: " << e.what() << "\n";
    return kExitUnavailable;
  }
  if (shown && tty) std::cerr << "\n";
  return -1;
}

// sluisctl ledger-import (see the header comment): the files are read here
// and judged and imported by the daemon, as one admin request.
int ledger_import(const Invocation& inv) {
  if (inv.positional.empty()) throw UsageError("ledger-import needs at least one PATH");
  for (const auto& [k, v] : inv.extra)
    throw UsageError("ledger-import takes no --" + k +
                     (k == "config" ? ": it runs through the daemon, which uses its own configuration; --socket "
                                      "selects the daemon"
                                    : std::string()));
  boost::json::array documents;
  for (const auto& p : inv.positional) {
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
      if (!ok) throw UsageError("cannot read " + f.string());
      documents.push_back({{"name", f.string()},
                           {"body", std::move(body)},
                           {"format", f.extension() == ".csv" ? "csv" : "xml"}});
    }
  }
  if (documents.empty()) throw UsageError("ledger-import found no *.xml or *.csv under the PATHs given");
  boost::json::object args{{"documents", std::move(documents)}, {"apply", inv.has("apply")}};
  if (inv.has("batch")) {
    const std::string b = inv.value("batch");
    char* end = nullptr;
    const long n = std::strtol(b.c_str(), &end, 10);
    if (b.empty() || *end != '\0' || n < 1 || n > 10000) throw UsageError("--batch takes a number 1 ... 10000");
    args["batch"] = n;
  }
  // The request as it will go; the daemon refuses one above admin.max_request.
  std::uint64_t size = 0;
  if (auto refused = refuse_too_large(inv, args, size)) return *refused;
  sluis::admin::Answer a;
  if (int failed = call_daemon(inv, args, a); failed >= 0) return failed;
  if (refused_as_too_large(inv, a, size)) return kExitNo;
  if (inv.json) {
    std::cout << boost::json::serialize(sluis::admin::to_json(a)) << "\n";
    return exit_code(a, false);
  }
  if (!a.arguments.contains("documents")) {  // refused before it ran
    std::cerr << a.text << "\n";
    return exit_code(a, false);
  }
  const bool apply = text(a.arguments, "apply") == "true";
  auto outcome = [&](const std::string& o) -> std::string {
    if (o == "imported") return "imported";
    if (o == "would_be_imported") return "would be imported";
    if (o == "already_imported") return "already imported";
    if (o == "refused") return "REFUSED";
    return "not reached";
  };
  auto reasons = [](const boost::json::object& t) {
    std::string s;
    for (const auto& e : array_of(t, "reasons")) {
      const auto& r = object_of(e);
      const std::string code = text(r, "code"), rule = text(r, "rule");
      s += (s.empty() ? "" : "; ") + code + (rule.empty() || rule == code ? "" : " " + rule) + " x" +
           text(r, "count") + " " + text(r, "nl");
    }
    return s;
  };
  if (inv.format == "csv") {
    Table t{{"name", "type", "outcome", "aanbieder", "gemeente", "reasons"}, {}};
    for (const auto& e : array_of(a.arguments, "documents")) {
      const auto& d = object_of(e);
      std::string why;
      for (const auto& f : array_of(d, "findings")) {
        const auto& fo = object_of(f);
        const std::string code = !text(fo, "retourcode").empty() ? text(fo, "retourcode") : text(fo, "origin");
        why += (why.empty() ? "" : "; ") + code + ": " + text(fo, "en");
      }
      t.rows.push_back({text(d, "name"), text(d, "type"), text(d, "outcome"), text(d, "aanbieder"),
                        text(d, "gemeente"), why});
    }
    print_csv(t, std::cout);
    if (a.result != sluis::admin::kOk) std::cerr << a.text << "\n";
    return exit_code(a, false);
  }
  // Per document, as the files were given: the outcome and why not.
  for (const auto& e : array_of(a.arguments, "documents")) {
    const auto& d = object_of(e);
    std::cout << text(d, "name") << ": " << outcome(text(d, "outcome"));
    if (text(d, "type") != "0") std::cout << " (" << text(d, "type") << ")";
    std::cout << "\n";
    for (const auto& f : array_of(d, "findings")) {
      const auto& fo = object_of(f);
      std::cout << "  nl: " << text(fo, "nl") << "\n  en: " << text(fo, "en") << "\n";
    }
  }
  // Per provider (and per gemeente): counts and the most frequent reasons.
  const char* done_label = apply ? "IMPORTED" : "WOULD IMPORT";
  for (const auto& [key, head] : {std::pair{"providers", "AANBIEDER"}, std::pair{"gemeenten", "GEMEENTE"}}) {
    Table t{{head, done_label, "ALREADY", "REFUSED", "NOT REACHED", "TOP REASONS"}, {}};
    const std::string field = std::string(key) == "providers" ? "aanbieder" : "gemeente";
    for (const auto& e : array_of(a.arguments, key)) {
      const auto& p = object_of(e);
      const std::string code = text(p, field);
      t.rows.push_back({code.empty() ? "(unreadable)" : code, text(p, "imported"), text(p, "already_imported"),
                        text(p, "refused"), text(p, "not_reached"), reasons(p)});
    }
    if (t.rows.empty()) continue;
    std::cout << "\n";
    print_table(t, std::cout);
  }
  std::cout << "-- " << a.text << "\n";
  return exit_code(a, false);
}

// `sluisctl NAME --help` for a command sluisctl passes through: the daemon's help text.
int daemon_help(const Invocation& inv) {
  sluis::admin::Answer a;
  try {
    a = sluis::admin::call(inv.socket, "list-commands");
  } catch (const std::exception& e) {
    std::cerr << "sluisctl: " << inv.command << " is no command of sluisctl, and the daemon cannot be asked: "
              << e.what() << "\n";
    return kExitUnavailable;
  }
  const auto* cmds = a.arguments.if_contains("commands");
  const auto* help = cmds && cmds->is_object() ? cmds->as_object().if_contains(inv.command) : nullptr;
  if (!help || !help->is_string()) {
    std::cerr << "sluisctl: unknown command '" << inv.command << "'; try sluisctl list-commands\n";
    return kExitUsage;
  }
  std::cout << "usage: sluisctl " << inv.command << " [--name value ...]\n\n"
            << std::string_view(help->as_string()) << "\n";
  return kExitOk;
}

// The request's arguments: declared options (days as the UTC bounds of the
// Dutch day, unless the command takes whole days), the bare word, and
// undeclared --name value as they are.
boost::json::object request_arguments(const Invocation& inv) {
  boost::json::object args;
  if (inv.spec) {
    if (inv.positional.size() > (inv.spec->positional.empty() ? 0u : 1u))
      throw UsageError(inv.command + (inv.spec->positional.empty() ? " takes no bare argument, got '"
                                                                    : " takes one bare argument, got also '") +
                       inv.positional.back() + "'");
    if (!inv.positional.empty()) args[inv.spec->positional] = inv.positional.front();
  } else if (!inv.positional.empty()) {
    throw UsageError("expected --name value after the command, got '" + inv.positional.front() + "'");
  }
  for (const auto& [k, v] : inv.values) {
    if ((k == "from" || k == "to") && !(inv.spec && inv.spec->whole_days)) {
      auto day = sluis::core::parse_date(v);
      if (!day) throw UsageError("--" + k + " takes a Dutch day YYYY-MM-DD, got '" + v + "'");
      auto b = dutch_day_bounds(*day);
      args[k] = k == "from" ? b.first : b.last;
      continue;
    }
    args[k] = v;
  }
  for (const auto& [k, v] : inv.extra) args[k] = v;
  return args;
}

// sluisctl contract-preview FILE... [--from DAY --to DAY]: the proposed files
// are read here and replayed by the daemon against its ledger; nothing changes.
int contract_preview(const Invocation& inv) {
  if (inv.positional.empty())
    throw UsageError("contract-preview needs at least one FILE: a proposed contract file, named like the file "
                     "it replaces (tarieven.csv, ...)");
  boost::json::array files;
  for (const auto& p : inv.positional) {
    bool ok = false;
    std::string body = slurp(p, ok);
    if (!ok) throw UsageError("cannot read " + p);
    files.push_back(boost::json::object{{"name", p}, {"body", std::move(body)}});
  }
  boost::json::object args{{"files", std::move(files)}};
  for (const char* k : {"from", "to"})
    if (inv.has(k)) {
      const std::string v = inv.value(k);
      if (!sluis::core::parse_date(v)) throw UsageError(std::string("--") + k + " takes a Dutch day YYYY-MM-DD, got '" + v + "'");
      args[k] = v;
    }
  std::uint64_t size = 0;
  if (auto refused = refuse_too_large(inv, args, size)) return *refused;
  sluis::admin::Answer answer;
  if (int failed = call_daemon(inv, args, answer); failed >= 0) return failed;
  if (refused_as_too_large(inv, answer, size)) return kExitNo;
  if (inv.json)
    std::cout << boost::json::serialize(sluis::admin::to_json(answer)) << "\n";
  else
    print_answer(inv, answer);
  return exit_code(answer, false);
}

int run(int argc, char** argv) {
  Invocation inv = parse_command_line(argc, argv);
  if (inv.version) {
    std::cout << "sluisctl " << SLUIS_VERSION << "\n";
    return kExitOk;
  }
  if (inv.command.empty()) {
    usage(inv.help ? std::cout : std::cerr);
    return inv.help ? kExitOk : kExitUsage;
  }
  if (inv.help) {
    if (!inv.spec) return daemon_help(inv);
    command_help(*inv.spec, std::cout);
    return kExitOk;
  }
  if (inv.format == "csv" && !(inv.spec && inv.spec->table))
    throw UsageError("--format csv is for the lists (" + [] {
      std::string s;
      for (const auto& c : kCommands)
        if (c.table) s += (s.empty() ? "" : ", ") + std::string(c.name);
      return s;
    }() + ")");
  if (inv.spec && inv.spec->offline) {
    if (inv.command == "validate") return validate(inv);
    if (inv.command == "store-import") return store_import(inv);
    return offline_rules(inv);
  }
  if (inv.command == "ledger-import") return ledger_import(inv);
  if (inv.command == "contract-preview") return contract_preview(inv);
  auto args = request_arguments(inv);
  sluis::admin::Answer answer;
  if (int failed = call_daemon(inv, args, answer); failed >= 0) return failed;
  if (inv.json)
    std::cout << boost::json::serialize(sluis::admin::to_json(answer)) << "\n";
  else
    print_answer(inv, answer);
  return exit_code(answer, inv.spec && inv.spec->empty_is_no);
}

}  // namespace

int main(int argc, char** argv) {
  sluis::core::set_log_element_masks(&sluis::standard::personal_mask);  // as sluisd (app.cpp)
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "sluisctl: " << e.what() << " (sluisctl --help)\n";
    return kExitUsage;
  } catch (const ConfigFailure& e) {
    std::cerr << "sluisctl: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "sluisctl: " << e.what() << "\n";
    return kExitNo;
  }
}
