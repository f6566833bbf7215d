#include "gateway/xml/xsd_explain.hpp"

#include <array>
#include <cstddef>

namespace sluis::xml {

namespace {

// The quoted text that `marker` (ending in its opening quote) starts in `s`,
// up to the last quote when `to_end` (a content model or pattern may itself
// hold quotes); empty when the marker is absent.
std::string quoted_after(std::string_view s, std::string_view marker, bool to_end = false) {
  auto at = s.find(marker);
  if (at == std::string_view::npos) return {};
  auto open = at + marker.size() - 1;  // every marker ends in the opening quote
  auto close = to_end ? s.rfind('\'') : s.find('\'', open + 1);
  if (close == std::string_view::npos || close <= open) return {};
  return std::string(s.substr(open + 1, close - open - 1));
}

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

std::string quote(std::string_view v) { return "'" + std::string(v) + "'"; }

// What a pattern of the 3.2 schemas asks for, in words.
struct PatternWords {
  std::string_view pattern, nl, en;
};
constexpr std::array kPatterns = {
    PatternWords{"[0-9]{4}", "precies 4 cijfers (een CBS-gemeentecode, bijvoorbeeld 0917)",
                 "exactly 4 digits (a CBS municipality code, e.g. 0917)"},
    PatternWords{"[0-9]{8}", "precies 8 cijfers (een AGB-code, bijvoorbeeld 75302186)",
                 "exactly 8 digits (an AGB code, e.g. 75302186)"},
    PatternWords{"[0-9]{9}", "precies 9 cijfers (een BSN)", "exactly 9 digits (a BSN)"},
    PatternWords{"[0-9]*", "alleen cijfers", "digits only"},
    PatternWords{"[+\\-]?[0-9]+", "een geheel getal: alleen cijfers, zonder punt, komma of spaties",
                 "a whole number: digits only, no point, comma or spaces"},
    PatternWords{".*[^\\s].*", "minstens één teken dat geen spatie is, op één regel",
                 "at least one character that is not a space, on one line"},
    PatternWords{"([.\\s]*\\S+[.\\s]*)+", "minstens één teken dat geen spatie of punt is",
                 "at least one character that is not a space or a full stop"},
    PatternWords{"[^:Z]*", "een datum zonder tijdzone, zoals 2026-03-01",
                 "a date without a time zone, such as 2026-03-01"},
    PatternWords{"[^Z+-]+", "een tijd zonder tijdzone, zoals 10:15:00",
                 "a time without a time zone, such as 10:15:00"},
    PatternWords{"([a-zA-ZÀ-ỳ])+", "alleen letters (ook letters met accenten), zonder punten of spaties",
                 "letters only (accented letters too), no full stops or spaces"},
    PatternWords{"([a-zA-Z0-9])+", "alleen letters en cijfers, zonder spaties of leestekens",
                 "letters and digits only, no spaces or punctuation"},
    PatternWords{"(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)",
                 "een versienummer van drie getallen, zoals 1.0.0", "a version of three numbers, such as 1.0.0"},
};

// "in release 3.3 (BerichtVersie 3, BerichtSubversie 3)": a release's two
// numbers are its version and subversion.
std::string release_words(std::string_view release, bool nl) {
  const auto dot = release.find('.');
  if (release.empty() || dot == std::string_view::npos)
    return nl ? "in de release van dit bericht" : "in this message's release";
  return "in release " + std::string(release) + " (BerichtVersie " + std::string(release.substr(0, dot)) +
         ", BerichtSubversie " + std::string(release.substr(dot + 1)) + ")";
}

Explanation pattern_words(std::string_view pattern, std::string_view element, std::string_view release) {
  for (const auto& p : kPatterns)
    if (p.pattern == pattern) return {std::string(p.nl), std::string(p.en)};
  bool digits = !pattern.empty() && pattern.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits && element == "BerichtCode")
    return {"precies " + std::string(pattern) + ", de BerichtCode van dit berichttype",
            "exactly " + std::string(pattern) + ", the BerichtCode of this message type"};
  if (digits && (element == "BerichtVersie" || element == "BerichtSubversie"))
    return {"precies " + std::string(pattern) + " " + release_words(release, true),
            "exactly " + std::string(pattern) + " " + release_words(release, false)};
  if (digits) return {"precies " + std::string(pattern), "exactly " + std::string(pattern)};
  return {"het patroon " + std::string(pattern), "the pattern " + std::string(pattern)};
}

// "a, b, c" or, for a long list, its first codes and how many there are.
std::string code_list(const SchemaFacts& facts, bool nl) {
  constexpr std::size_t kShown = 30;
  std::string s;
  for (std::size_t i = 0; i < facts.codes.size() && i < kShown; ++i) s += (i ? ", " : "") + facts.codes[i];
  if (facts.codes.size() > kShown)
    s += " … (" + std::to_string(facts.codes.size()) + (nl ? " codes in totaal)" : " codes in all)");
  return s;
}

// How a content model in Xerces' words reads.
constexpr std::string_view kLegendNl =
    " (in deze volgorde; ? = hoogstens één keer, * = nul of meer keer, + = één of meer keer, anders precies één "
    "keer)";
constexpr std::string_view kLegendEn =
    " (in this order; ? = at most once, * = zero or more times, + = once or more, otherwise exactly once)";

}  // namespace

Explanation explain_xsd_error(std::string_view detail, std::string_view element, std::string_view value,
                              const SchemaFacts& facts) {
  const std::string e(element);
  // The value as given, else as Xerces quotes it (masked alike when personal).
  const std::string v = quote(!value.empty() ? std::string(value) : quoted_after(detail, "value '"));
  const std::string of_type = facts.type.empty() ? "" : " (" + facts.type + ")";

  if (has(detail, "not in enumeration")) {
    std::string list_nl = facts.codes.empty() ? "" : " Toegestaan: " + code_list(facts, true) + ".";
    std::string list_en = facts.codes.empty() ? "" : " Allowed: " + code_list(facts, false) + ".";
    return {e + " heeft de waarde " + v + ", die niet in de codelijst" + of_type + " staat." + list_nl +
                " Kies een code uit de lijst van deze release en deze wet.",
            e + " has the value " + v + ", which is not in the code list" + of_type + "." + list_en +
                " Choose a code from the list of this release and this law."};
  }
  if (has(detail, "does not match regular expression facet")) {
    auto words = pattern_words(quoted_after(detail, "regular expression facet '", true), element, facts.release);
    return {e + " heeft de waarde " + v + ", maar het schema eist " + words.nl +
                ". Vul een waarde in die zo is opgebouwd.",
            e + " has the value " + v + ", but the schema requires " + words.en + ". Enter a value of that form."};
  }
  if (has(detail, "exceeds maxLength facet value")) {
    std::string length = quoted_after(detail, "has length '"), max = quoted_after(detail, "maxLength facet value '");
    return {e + " is " + length + " tekens lang; het schema staat er hoogstens " + max + " toe" + of_type +
                ". Kort de waarde in.",
            e + " is " + length + " characters long; the schema allows at most " + max + of_type +
                ". Shorten the value."};
  }
  if (has(detail, "less than minLength facet value")) {
    std::string length = quoted_after(detail, "has length '"), min = quoted_after(detail, "minLength facet value '");
    return {e + " is " + length + " tekens lang; het schema eist er minstens " + min + ". Een leeg element mag niet: "
                "vul het, of laat het weg als het niet verplicht is.",
            e + " is " + length + " characters long; the schema requires at least " + min + ". An empty element is "
                "not allowed: fill it, or leave it out when it is optional."};
  }
  const bool amount = has(facts.type, "Bedrag");
  if (has(detail, "maxInclusive facet value")) {
    std::string max = quoted_after(detail, "maxInclusive facet value '");
    return {e + " heeft de waarde " + v + "; het grootste toegestane getal is " + max + of_type + ". Controleer het "
                "getal" + (amount ? " (bedragen in eurocent, zonder punt of komma)." : "."),
            e + " has the value " + v + "; the largest number allowed is " + max + of_type + ". Check the number" +
                (amount ? " (amounts in eurocent, without point or comma)." : ".")};
  }
  if (has(detail, "minInclusive facet value")) {
    std::string min = quoted_after(detail, "minInclusive facet value '");
    return {e + " heeft de waarde " + v + "; het kleinste toegestane getal is " + min + of_type + "." +
                (amount ? " Een negatief bedrag geeft u aan met DebetCredit C, niet met een minteken." : ""),
            e + " has the value " + v + "; the smallest number allowed is " + min + of_type + "." +
                (amount ? " A negative amount is given by DebetCredit C, not by a minus sign." : "")};
  }
  bool time = facts.type == "LDT_Tijd" ||
              (!has(detail, "date") && (has(detail, "time value") || has(detail, "hour value") ||
                                        has(detail, "minute value") || has(detail, "second value")));
  // A time element's message about its value (not, say, about child elements in it).
  if (time && (has(detail, "value") || has(detail, "time zone"))) {
    return {e + " heeft de waarde " + v + ", en dat is geen geldige tijd. Schrijf de tijd als UU:MM:SS, "
                "zonder tijdzone, bijvoorbeeld 10:15:00.",
            e + " has the value " + v + ", which is not a valid time. Write the time as HH:MM:SS, without a time "
                "zone, e.g. 10:15:00."};
  }
  if (has(detail, "date value") || has(detail, "day value") || has(detail, "month value") ||
      has(detail, "year value") || has(detail, "time zone expected")) {
    return {e + " heeft de waarde " + v + ", en dat is geen bestaande datum. Schrijf de datum als JJJJ-MM-DD, "
                "zonder tijdzone, bijvoorbeeld 2026-03-01 (let op het aantal dagen van de maand).",
            e + " has the value " + v + ", which is not a date that exists. Write the date as YYYY-MM-DD, "
                "without a time zone, e.g. 2026-03-01 (mind the number of days in the month)."};
  }
  if (has(detail, "is not allowed for content model")) {
    std::string child = quoted_after(detail, "element '"), model = quoted_after(detail, "content model '", true);
    return {"het element " + child + " staat in " + e + " niet op zijn plaats: ervoor ontbreekt een verplicht "
                "element, of het staat in de verkeerde volgorde, te vaak, of in de verkeerde naamruimte. " + e +
                " bevat volgens het schema " + model + std::string(kLegendNl) + ".",
            "element " + child + " is out of place in " + e + ": a mandatory element before it is missing, or it "
                "is in the wrong order, repeated too often, or in the wrong namespace. By the schema, " + e +
                " holds " + model + std::string(kLegendEn) + "."};
  }
  if (has(detail, "missing elements in content model")) {
    std::string model = quoted_after(detail, "content model '", true);
    return {"in " + e + " ontbreken verplichte elementen aan het eind. " + e + " bevat volgens het schema " + model +
                std::string(kLegendNl) + ".",
            e + " lacks mandatory elements at its end. By the schema, " + e + " holds " + model +
                std::string(kLegendEn) + "."};
  }
  if (has(detail, "no declaration found for element")) {
    std::string name = quoted_after(detail, "element '");
    return {"het element " + name + " komt in dit bericht niet voor. Controleer de naam (hoofdletters tellen), de "
                "naamruimte van het prefix (berichtnaamruimte of basisschema) en of het element bij dit bericht, "
                "deze wet en deze release hoort.",
            "element " + name + " does not exist in this message. Check its name (case matters), the namespace of "
                "its prefix (message namespace or basisschema) and that it belongs to this message, this law and "
                "this release."};
  }
  if (has(detail, "no character data is allowed by content model")) {
    return {e + " bevat tekst, maar mag alleen elementen bevatten. Verwijder de tekst of zet haar in het "
                "juiste onderliggende element.",
            e + " holds text, but may only hold elements. Remove the text or put it in the right child element."};
  }
  if (has(detail, "is of simple type and cannot have elements")) {
    return {e + " is een enkelvoudig gegeven en kan geen elementen bevatten. Haal de elementen eruit.",
            e + " is a simple value and cannot hold elements. Take the elements out."};
  }
  if (has(detail, "is not declared for element")) {
    // The element as Xerces names it: before the root is known the finding has no element of its own.
    std::string attribute = quoted_after(detail, "attribute '"), on = quoted_after(detail, "for element '");
    if (on.empty()) on = e;
    return {"het attribuut " + attribute + " is op " + on + " niet toegestaan: iWmo- en iJw-berichten kennen geen "
                "attributen, alleen naamruimtedeclaraties op het hoofdelement. Verwijder het attribuut.",
            "attribute " + attribute + " is not allowed on " + on + ": iWmo and iJw messages have no attributes, only "
                "namespace declarations on the root element. Remove the attribute."};
  }
  return {std::string(detail) + ". Pas het element aan zoals het schema voorschrijft (verplichte elementen, "
              "volgorde, lengte, patroon of toegestane codes).",
          std::string(detail) + ". Change the element as the schema requires (mandatory elements, order, length, "
              "pattern or allowed codes)."};
}

}  // namespace sluis::xml
