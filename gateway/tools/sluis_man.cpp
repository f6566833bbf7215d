// sluis-man: renders the man pages sluisd(8), sluisctl(8) and sluisd.toml(5)
// and sluisctl's bash completion, at build time (gateway/tools/CMakeLists.txt).
//
//   sluis-man TEMPLATE_DIR OUT_DIR
//
// The prose of each page is docs/man/<page>.in (troff, man macros); the
// generated parts come from the tables the programs themselves use, so a page
// cannot describe a command, an option, an exit code or a configuration key
// the binaries do not have:
//   @VERSION@                  the project's version
//   @SLUISCTL_COMMON_OPTIONS@  ctl_spec.hpp kCommonOptions
//   @SLUISCTL_COMMANDS@        ctl_spec.hpp kCommands, each with its options
//   @SLUISCTL_EXIT_CODES@      ctl_spec.hpp kExitCodes
//   @CONFIG_KEYS@              config/keys.hpp: every section and key with its
//                              type, help, default and range (the texts of
//                              sluisd --print-config-example)
// OUT_DIR/sluisctl.bash, the completion, is generated from ctl_spec.hpp whole.
// Exit 0, or 1 when a template cannot be read or an output written.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "gateway/config/example.hpp"
#include "gateway/config/keys.hpp"
#include "gateway/tools/ctl_spec.hpp"

namespace {

using namespace sluis::tools;
namespace cfg = sluis::config;

// Text for a troff line: backslashes and hyphen-minus escaped (options are
// typed as written), and a line never starts with a control character.
std::string roff(std::string_view s) {
  std::string out;
  bool line_start = true;
  for (char c : s) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = false;
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c == '\n') {
      out += "\n.br\n";
      line_start = true;
    } else {
      out += c;
    }
  }
  return out;
}

std::string option_label(const Option& o) {
  std::string s = "\\fB\\-\\-" + roff(o.name) + "\\fR";
  if (o.kind == OptKind::value) s += " \\fI" + roff(o.arg) + "\\fR";
  if (o.kind == OptKind::yesno) s += "[=\\fIyes\\fR|\\fIno\\fR]";
  return s;
}

std::string options_roff(std::span<const Option> opts) {
  std::string out;
  for (const auto& o : opts) out += ".TP\n" + option_label(o) + "\n" + roff(o.help) + "\n";
  return out;
}

std::string commands_roff() {
  std::string out;
  for (const auto& c : kCommands) {
    out += ".TP\n\\fB" + roff(c.name) + "\\fR" + (c.synopsis.empty() ? "" : " " + roff(c.synopsis)) + "\n" +
           roff(c.help) + (c.offline ? " (needs no daemon)" : "") + "." +
           (c.table ? " Human output is a table; \\fB\\-\\-format csv\\fR applies." : "") + "\n";
    if (!c.options.empty()) out += ".RS\n" + options_roff(c.options) + ".RE\n";
  }
  return out;
}

std::string exit_codes_roff() {
  std::string out;
  for (const auto& e : kExitCodes) out += ".TP\n.B " + std::to_string(e.code) + "\n" + roff(e.meaning) + "\n";
  return out;
}

std::string_view type_name(cfg::KeyType t) {
  switch (t) {
    case cfg::KeyType::boolean: return "boolean";
    case cfg::KeyType::integer: return "integer";
    case cfg::KeyType::duration: return "duration";
    case cfg::KeyType::size: return "size";
    case cfg::KeyType::string: return "string";
    case cfg::KeyType::choice: return "string";
    case cfg::KeyType::path: return "path";
    case cfg::KeyType::paths: return "array of paths";
    case cfg::KeyType::strings: return "array of strings";
    case cfg::KeyType::integers: return "array of integers";
    case cfg::KeyType::secret: return "secret reference";
  }
  return "value";
}

std::string keys_roff() {
  std::string out;
  for (const auto& s : cfg::sections()) {
    std::string title = s.name.empty() ? std::string("Top level")
                                       : (s.array ? "[[" + std::string(s.name) + "]]" : "[" + std::string(s.name) + "]");
    out += ".SS " + roff(title) + "\n";
    if (!s.help.empty()) out += roff(s.help) + "\n";
    for (const auto& k : s.keys) {
      out += ".TP\n\\fB" + roff(k.name) + "\\fR (" + roff(type_name(k.type)) + ")\n";
      if (!k.help.empty()) out += roff(k.help) + "\n.br\n";
      if (auto a = cfg::allowed_text(k); !a.empty()) out += "Allowed: " + roff(a) + ".\n.br\n";
      out += "Default: " + roff(cfg::default_text(k)) + ".\n";
    }
  }
  return out;
}

std::string completion() {
  std::string commands, common, cases, values;
  for (const auto& c : kCommands) commands += (commands.empty() ? "" : " ") + std::string(c.name);
  for (const auto& o : kCommonOptions) common += (common.empty() ? "" : " ") + ("--" + std::string(o.name));
  // The values an option takes, by option name (the same name means the same values).
  std::string seen = " ";
  auto value_case = [&](const Option& o) {
    if (o.kind != OptKind::value || o.choices.empty() || seen.find(" " + std::string(o.name) + " ") != std::string::npos)
      return;
    seen += std::string(o.name) + " ";
    std::string action = o.choices == "file"  ? "compgen -f -- \"$cur\""
                         : o.choices == "dir" ? "compgen -d -- \"$cur\""
                                              : "compgen -W \"" + std::string(o.choices) + "\" -- \"$cur\"";
    values += "    --" + std::string(o.name) + ") COMPREPLY=($(" + action + ")); return ;;\n";
  };
  for (const auto& o : kCommonOptions) value_case(o);
  for (const auto& c : kCommands) {
    std::string opts;
    for (const auto& o : c.options) {
      opts += (opts.empty() ? "" : " ") + ("--" + std::string(o.name));
      value_case(o);
    }
    cases += "    " + std::string(c.name) + ") opts=\"" + opts + "\"" +
             (c.many || c.name == "config-test" ? "; files=1" : "") + " ;;\n";
  }
  std::string takes_value;
  for (const auto& o : kCommonOptions)
    if (o.kind == OptKind::value) takes_value += (takes_value.empty() ? "" : "|") + ("--" + std::string(o.name));
  return "# bash completion for sluisctl(8); generated by sluis-man from sluisctl's command table\n"
         "# (gateway/tools/ctl_spec.hpp). Do not edit.\n"
         "_sluisctl() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  local commands=\"" + commands + "\"\n"
         "  local common=\"" + common + "\"\n"
         "  local cmd=\"\" opts=\"\" files=0 i\n"
         "  COMPREPLY=()\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case ${COMP_WORDS[i]} in\n"
         "      " + takes_value + ") ((i++)) ;;\n"
         "      -*) ;;\n"
         "      *) cmd=${COMP_WORDS[i]}; break ;;\n"
         "    esac\n"
         "  done\n"
         "  case $prev in\n" + values +
         "  esac\n"
         "  if [[ -z $cmd ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$commands $common\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case $cmd in\n" + cases +
         "  esac\n"
         "  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts $common\" -- \"$cur\"))\n"
         "  elif ((files)); then\n"
         "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
         "  fi\n"
         "}\n"
         "complete -F _sluisctl sluisctl\n";
}

void replace_all(std::string& s, std::string_view from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

bool write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "sluis-man: cannot write " << p.string() << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: sluis-man TEMPLATE_DIR OUT_DIR\n";
    return 1;
  }
  const std::filesystem::path in = argv[1], out = argv[2];
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  for (const char* page : {"sluisd.8", "sluisctl.8", "sluisd.toml.5"}) {
    std::ifstream f(in / (std::string(page) + ".in"), std::ios::binary);
    if (!f) {
      std::cerr << "sluis-man: cannot read " << (in / (std::string(page) + ".in")).string() << "\n";
      return 1;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    replace_all(text, "@VERSION@", SLUIS_VERSION);
    replace_all(text, "@SLUISCTL_COMMON_OPTIONS@\n", options_roff(kCommonOptions));
    replace_all(text, "@SLUISCTL_COMMANDS@\n", commands_roff());
    replace_all(text, "@SLUISCTL_EXIT_CODES@\n", exit_codes_roff());
    replace_all(text, "@CONFIG_KEYS@\n", keys_roff());
    if (text.find('@') != std::string::npos && text.find("@SLUIS") != std::string::npos) {
      std::cerr << "sluis-man: " << page << ".in: unknown placeholder\n";
      return 1;
    }
    if (!write(out / page, text)) return 1;
  }
  return write(out / "sluisctl.bash", completion()) ? 0 : 1;
}
