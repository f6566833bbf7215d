// The message catalog of iWmo and iJw 3.2: for each law and message number its
// BerichtCode, namespace, direction, whether it is a heen or a retour message,
// its retour (or answer), and the deadline the standard sets for that answer.
// Releases are data: a namespace names law, release and message
// ("http://www.istandaarden.nl/ijw/3_2/jw301/schema"), so a second release
// with the same message set is recognised without code changes.
//
// Threading: immutable static data.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sluis::standard {

enum class Law { iwmo, ijw };
enum class Direction { gemeente_to_aanbieder, aanbieder_to_gemeente };

std::string_view to_string(Law l);
std::optional<Law> parse_law(std::string_view s);

struct MessageType {
  Law law;
  int number;              // 301 ... 325
  int berichtcode;         // COD002: iWmo 301 = 414, iJw 301 = 436 ...
  std::string_view name;   // Dutch name
  Direction direction;     // of the heenbericht's sender; retours travel back
  bool retour;             // 302, 306, 308, 316, 318, 320 (the 325 is an answer, not a retour)
  int answered_by;         // 302 for 301, 325 for 323, 0 when none
  int answer_werkdagen;    // deadline of that answer in werkdagen (OP090 3, OP090x4 10), 0 none
};

// All 28 message types.
std::span<const MessageType> all_message_types();
const MessageType* find_message(Law law, int number);
const MessageType* find_by_berichtcode(int berichtcode);

// "wmo301" / "jw301": the local part of the namespace and the XSD file name.
std::string message_prefix(const MessageType& m);

// A parsed iStandaarden namespace: law, release ("3.2") and message number, or
// the basisschema (number 0).
struct NamespaceInfo {
  Law law;
  std::string release;  // "3.2"
  int number;           // 0 for the basisschema
};
std::optional<NamespaceInfo> parse_namespace(std::string_view ns);
std::string message_namespace(const MessageType& m, std::string_view release);
std::string basisschema_namespace(Law law, std::string_view release);

// The content answer a request needs besides its retour: 315 and 317 need a 301
// or 319 within 5 werkdagen (OP274, OP346).
inline constexpr int kAnswerRequestWerkdagen = 5;

}  // namespace sluis::standard
