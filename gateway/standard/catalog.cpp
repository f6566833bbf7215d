#include "gateway/standard/catalog.hpp"

#include <array>
#include <charconv>

namespace sluis::standard {

namespace {

using D = Direction;
constexpr auto G2A = D::gemeente_to_aanbieder;
constexpr auto A2G = D::aanbieder_to_gemeente;

// BerichtCodes: COD002 (README §1.2); deadlines: OP090 (retour within 3
// werkdagen), OP090x4 (325 within 10 werkdagen).
constexpr std::array<MessageType, 28> kTypes{{
    {Law::iwmo, 301, 414, "Toewijzing", G2A, false, 302, 3},
    {Law::iwmo, 302, 415, "Toewijzing retour", G2A, true, 0, 0},
    {Law::iwmo, 305, 418, "Start zorg", A2G, false, 306, 3},
    {Law::iwmo, 306, 419, "Start zorg retour", A2G, true, 0, 0},
    {Law::iwmo, 307, 420, "Stop zorg", A2G, false, 308, 3},
    {Law::iwmo, 308, 421, "Stop zorg retour", A2G, true, 0, 0},
    {Law::iwmo, 315, 444, "Verzoek om toewijzing", A2G, false, 316, 3},
    {Law::iwmo, 316, 445, "Verzoek om toewijzing retour", A2G, true, 0, 0},
    {Law::iwmo, 317, 480, "Verzoek om wijziging", A2G, false, 318, 3},
    {Law::iwmo, 318, 481, "Verzoek om wijziging retour", A2G, true, 0, 0},
    {Law::iwmo, 319, 482, "Antwoordbericht", G2A, false, 320, 3},
    {Law::iwmo, 320, 483, "Antwoordbericht retour", G2A, true, 0, 0},
    {Law::iwmo, 323, 484, "Declaratie", A2G, false, 325, 10},
    {Law::iwmo, 325, 485, "Declaratie-antwoord", G2A, false, 0, 0},
    {Law::ijw, 301, 436, "Toewijzing", G2A, false, 302, 3},
    {Law::ijw, 302, 437, "Toewijzing retour", G2A, true, 0, 0},
    {Law::ijw, 305, 438, "Start zorg", A2G, false, 306, 3},
    {Law::ijw, 306, 439, "Start zorg retour", A2G, true, 0, 0},
    {Law::ijw, 307, 440, "Stop zorg", A2G, false, 308, 3},
    {Law::ijw, 308, 441, "Stop zorg retour", A2G, true, 0, 0},
    {Law::ijw, 315, 446, "Verzoek om toewijzing", A2G, false, 316, 3},
    {Law::ijw, 316, 447, "Verzoek om toewijzing retour", A2G, true, 0, 0},
    {Law::ijw, 317, 486, "Verzoek om wijziging", A2G, false, 318, 3},
    {Law::ijw, 318, 487, "Verzoek om wijziging retour", A2G, true, 0, 0},
    {Law::ijw, 319, 488, "Antwoordbericht", G2A, false, 320, 3},
    {Law::ijw, 320, 489, "Antwoordbericht retour", G2A, true, 0, 0},
    {Law::ijw, 323, 490, "Declaratie", A2G, false, 325, 10},
    {Law::ijw, 325, 491, "Declaratie-antwoord", G2A, false, 0, 0},
}};

constexpr std::string_view kPrefix = "http://www.istandaarden.nl/";

}  // namespace

std::string_view to_string(Law l) { return l == Law::iwmo ? "iwmo" : "ijw"; }

std::optional<Law> parse_law(std::string_view s) {
  if (s == "iwmo") return Law::iwmo;
  if (s == "ijw") return Law::ijw;
  return std::nullopt;
}

std::span<const MessageType> all_message_types() { return kTypes; }

const MessageType* find_message(Law law, int number) {
  for (const auto& m : kTypes)
    if (m.law == law && m.number == number) return &m;
  return nullptr;
}

const MessageType* find_by_berichtcode(int code) {
  for (const auto& m : kTypes)
    if (m.berichtcode == code) return &m;
  return nullptr;
}

std::string message_prefix(const MessageType& m) {
  return std::string(m.law == Law::iwmo ? "wmo" : "jw") + std::to_string(m.number);
}

std::optional<NamespaceInfo> parse_namespace(std::string_view ns) {
  // http://www.istandaarden.nl/<law>/<r>_<s>/<local>/schema
  // Long enough for both ends: "http://www.istandaarden.nl/schema" starts with
  // the prefix and ends with the suffix, which share its '/'.
  constexpr std::string_view kSuffix = "/schema";
  if (ns.size() < kPrefix.size() + kSuffix.size() || !ns.starts_with(kPrefix) || !ns.ends_with(kSuffix))
    return std::nullopt;
  ns.remove_prefix(kPrefix.size());
  ns.remove_suffix(kSuffix.size());
  auto s1 = ns.find('/');
  if (s1 == std::string_view::npos) return std::nullopt;
  auto law = parse_law(ns.substr(0, s1));
  if (!law) return std::nullopt;
  auto rest = ns.substr(s1 + 1);
  auto s2 = rest.find('/');
  if (s2 == std::string_view::npos) return std::nullopt;
  std::string_view rel = rest.substr(0, s2), local = rest.substr(s2 + 1);
  auto us = rel.find('_');
  if (us == std::string_view::npos || us == 0 || us + 1 == rel.size() ||
      rel.find_first_not_of("0123456789_") != std::string_view::npos)
    return std::nullopt;
  NamespaceInfo info{*law, std::string(rel.substr(0, us)) + "." + std::string(rel.substr(us + 1)), 0};
  if (local == "basisschema") return info;
  std::string_view want = *law == Law::iwmo ? "wmo" : "jw";
  if (!local.starts_with(want)) return std::nullopt;
  auto digits = local.substr(want.size());
  int n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || p != digits.data() + digits.size() || !find_message(*law, n))
    return std::nullopt;
  info.number = n;
  return info;
}

namespace {
std::string release_part(std::string_view release) {
  std::string r(release);
  for (auto& c : r)
    if (c == '.') c = '_';
  return r;
}
}  // namespace

std::string message_namespace(const MessageType& m, std::string_view release) {
  return std::string(kPrefix) + std::string(to_string(m.law)) + "/" + release_part(release) + "/" +
         message_prefix(m) + "/schema";
}

std::string basisschema_namespace(Law law, std::string_view release) {
  return std::string(kPrefix) + std::string(to_string(law)) + "/" + release_part(release) +
         "/basisschema/schema";
}

}  // namespace sluis::standard
