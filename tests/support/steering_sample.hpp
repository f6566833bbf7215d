// A seeded set of steering facts (November 2026, judged on 4 December) for
// the report's and the status page's tests; the numbers each yields are
// computed by hand beside the tests (tests/unit/steering/report_test.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/store/steering_facts.hpp"

namespace sluis::test {

inline core::Date day(const char* s) { return *core::parse_date(s); }

// November 2026, judged on 4 December. Codes: gemeenten 0935 (partner
// "gem-a") and 0363 (no partner); providers 87654321 ("aanb-a") and 12345678 ("aanb-b").
inline store::SteeringFacts seeded() {
  using Facts = store::SteeringFacts;
  using standard::Law;
  Facts f;
  auto msg = [&](int type, const char* from, const char* to, const char* on, bool rejected,
                 std::vector<std::string> codes = {}, bool composed = false) {
    f.messages.push_back({Law::iwmo, type, from, to, day(on), rejected, composed, std::move(codes)});
  };
  msg(301, "0935", "87654321", "2026-11-05", false);
  msg(301, "0935", "87654321", "2026-11-06", false);
  msg(301, "0935", "12345678", "2026-11-06", true, {"9019"});
  msg(305, "87654321", "0935", "2026-11-10", false);
  msg(323, "87654321", "0935", "2026-11-12", true, {"8848", "8848", "9019"});
  msg(323, "87654321", "0935", "2026-11-13", true, {"8848"});
  msg(307, "12345678", "0363", "2026-11-21", false);
  msg(325, "0935", "87654321", "2026-11-13", false, {}, true);  // composed by sluis in 0935's name

  auto answer = [&](const char* kind, const char* by, const char* to, const char* opened, const char* due,
                    std::optional<const char*> met) {
    f.answers.push_back({kind, Law::iwmo, 301, by, to, day(opened), day(due),
                         met ? std::optional(day(*met)) : std::nullopt});
  };
  answer("retour", "87654321", "0935", "2026-11-05", "2026-11-10", "2026-11-09");  // 2 werkdagen
  answer("retour", "87654321", "0935", "2026-11-06", "2026-11-11", "2026-11-13");  // 5, late
  answer("retour", "87654321", "0935", "2026-11-20", "2026-11-25", std::nullopt);  // overdue
  answer("declaratie_antwoord", "0935", "87654321", "2026-11-10", "2026-11-24", "2026-11-17");  // 5
  answer("verzoek_antwoord", "0935", "87654321", "2026-11-30", "2026-12-07", std::nullopt);      // open

  auto alloc = [&](const char* g, const char* a, std::int64_t nr, const char* client, const char* cat,
                   const char* code, const char* begin, std::optional<const char*> end, const char* reden,
                   std::optional<std::int64_t> volume, const char* eenheid, const char* freq,
                   std::optional<std::int64_t> budget, const char* given, const char* verwijzer = "") {
    Facts::Allocation x;
    x.gemeente = g;
    x.aanbieder = a;
    x.toewijzing_nummer = nr;
    x.client = client;
    x.categorie = cat;
    x.code = code;
    x.ingangsdatum = day(begin);
    if (end) x.einddatum = day(*end);
    x.reden_wijziging = reden;
    x.volume = volume;
    x.eenheid = eenheid;
    x.frequentie = freq;
    x.budget = budget;
    x.toewijzingsdatum = day(given);
    x.verwijzer = verwijzer;
    f.allocations.push_back(x);
  };
  alloc("0935", "87654321", 1, "h1", "02", "02A01", "2026-11-01", "2026-11-30", "", 4, "04", "2", {}, "2026-11-02",
        "02");
  alloc("0935", "87654321", 2, "h2", "02", "02A01", "2026-11-10", std::nullopt, "", 10, "04", "4", {}, "2026-11-03",
        "01");
  alloc("0935", "87654321", 3, "h3", "15", "15A02", "2026-10-01", "2027-01-31", "", {}, "83", "6", 300000,
        "2026-10-01");
  alloc("0935", "12345678", 4, "h4", "02", "02A01", "2026-11-02", "2026-11-11", "", 20, "01", "1", {}, "2026-11-02");
  alloc("0363", "12345678", 5, "h5", "07", "07A01", "2026-01-01", "2026-12-31", "04", 365, "16", "6", {},
        "2026-11-15");

  auto care = [](Law law, const char* g, const char* a, const char* client, std::int64_t nr, const char* cat,
                 const char* code, const char* begin, std::optional<const char*> end, const char* reden) {
    return Facts::Care{law, g, a, client, nr, cat, code, day(begin),
                       end ? std::optional(day(*end)) : std::nullopt, reden};
  };
  f.starts.push_back(care(Law::iwmo, "0935", "87654321", "h1", 1, "02", "02A01", "2026-11-09", {}, ""));
  f.starts.push_back(care(Law::iwmo, "0935", "87654321", "h2", 2, "02", "02A01", "2026-11-20", {}, ""));
  f.starts.push_back(care(Law::iwmo, "0935", "87654321", "h3", 6, "02", "02A05", "2026-11-16", {}, ""));
  f.stops.push_back(care(Law::iwmo, "0935", "87654321", "h3", 3, "15", "15A02", "2026-10-01", "2026-11-15", "19"));
  f.stops.push_back(care(Law::iwmo, "0363", "12345678", "h5", 5, "07", "07A01", "2026-01-01", "2026-11-20", "21"));
  f.stops.push_back(care(Law::iwmo, "0935", "87654321", "h1", 1, "02", "02A01", "2026-11-09", "2026-11-25", "20"));
  f.stops.push_back(care(Law::ijw, "0935", "87654321", "h7", 8, "45", "45A03", "2026-11-01", "2026-11-30", "33"));

  auto prestatie = [&](std::int64_t nr, const char* cat, const char* code, std::int64_t volume, const char* eenheid,
                       std::int64_t cents, const char* verdict) {
    f.prestaties.push_back({Law::iwmo, "0935", "87654321", nr, cat, code, day("2026-11-01"), day("2026-11-30"),
                            volume, eenheid, cents, verdict});
  };
  prestatie(1, "02", "02A01", 16, "04", 160000, "approved");
  prestatie(1, "02", "02A01", -4, "04", -40000, "approved");  // a credit
  prestatie(2, "02", "02A01", 5, "04", 50000, "pending");
  prestatie(3, "15", "15A02", 60000, "83", 60000, "rejected");
  return f;
}

}  // namespace sluis::test
