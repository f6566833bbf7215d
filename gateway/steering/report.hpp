// The steering report (sluisctl report): what flowed between the region's
// municipalities and providers over a period of Dutch days, per municipality
// and per provider, told with a traffic light and, for orange and red, the
// reason (docs/steering.md). Computed from the store's facts
// (store/steering_facts.hpp): codes, dates, amounts and keyed hashes only,
// never a BSN. No ranking: rows come in code order, gemeenten first.
//
// Threading: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/date.hpp"
#include "gateway/store/steering_facts.hpp"

namespace sluis::steering {

// [steering] in sluisd.toml: the waiting-time norm and the traffic lights'
// thresholds (percentages; orange from the first, red from the second).
using Thresholds = config::SteeringConfig;

struct Filter {
  core::Date from{}, to{};                // Dutch days, both included
  std::string gemeente;                   // only this CBS code's traffic (empty: all)
  std::vector<std::string> codes;         // only the rows of these codes (empty: all)
};

// Who a code is: the configured partner that holds it.
struct Party {
  std::string partner;  // empty: no configured partner holds the code
};

enum class Light { green, orange, red };
std::string_view to_string(Light l);

struct Quantiles {
  std::size_t n = 0;
  std::optional<std::int64_t> median, p90;  // nearest rank
};
Quantiles quantiles(std::vector<std::int64_t> values);

struct RetourcodeCount {
  std::string code;
  std::size_t count = 0;
};

// The standard's owed answers this party owed, opened in the period.
struct Turnaround {
  std::string kind;      // retour, declaratie_antwoord, verzoek_antwoord, definitief_antwoord
  std::size_t opened = 0, answered = 0, late = 0, overdue = 0;
  Quantiles werkdagen;   // receipt to answer, of the answered ones
};

// New allocations given in the period (no RedenWijziging) and their first
// start: from the later of Toewijzingsdatum and Ingangsdatum to Begindatum.
struct Waiting {
  std::size_t allocations = 0, started = 0, over_norm = 0;
  std::size_t waiting_past_norm = 0;  // not started, the norm passed by `today`
  Quantiles days;
};

struct Nacalculatie {
  std::string categorie, code, eenheid;
  std::int64_t allocated_volume = 0;   // pro rata of the period (docs/steering.md)
  std::int64_t allocated_cents = 0;    // budget allocations, pro rata
  std::int64_t declared_volume = 0;    // prestaties not rejected; credits count back
  std::int64_t declared_cents = 0;
  std::int64_t approved_cents = 0;
};

struct Row {
  bool gemeente = false;
  std::string code, partner;
  std::map<int, std::size_t> messages;  // by type, sent or received
  std::size_t submitted = 0, accepted = 0, rejected = 0;  // sent by this code
  std::size_t composed = 0;  // retours and 325s sluis composed in this code's name
  std::vector<RetourcodeCount> retourcodes;               // top 5 of what it sent
  std::vector<Turnaround> turnaround;
  Waiting waiting;
  std::size_t inflow = 0;                          // new allocations given
  // Of those, per product the referrer type (Verwijzer/Type, COD327; "-"
  // when the allocation honours no request that named one): count.
  std::map<std::string, std::map<std::string, std::size_t>> referrers;
  std::map<std::string, std::size_t> outflow;      // stops by RedenBeeindiging
  std::size_t early_endings = 0;                   // uitval: voortijdig beeindigd
  struct Duration {
    std::string categorie, code;
    Quantiles days;
  };
  std::vector<Duration> durations;                 // of care ended in the period
  std::map<std::string, std::size_t> transitions;  // "43A01 -> 45A03": count
  std::vector<Nacalculatie> nacalculatie;
  // From the contracts, when loaded (admin/report_commands.cpp fills them):
  // a provider's budget ceilings and degressive positions, as their own JSON.
  boost::json::array ceilings, degressive;
  Light light = Light::green;
  struct Reason {
    Light light;
    std::string nl, en;
  };
  std::vector<Reason> reasons;  // only for orange and red
};

struct Report {
  Filter filter;
  core::Date today{};
  Thresholds thresholds;
  std::vector<Row> rows;
};

// The report over `facts` (read for filter.from .. filter.to). `parties`:
// code -> who holds it; `today` decides what is overdue and what waits past
// the norm.
Report build(const store::SteeringFacts& facts, const Filter& filter,
             const std::map<std::string, Party>& parties, const Thresholds& t,
             const core::WerkdagCalendar& calendar, const core::Date& today);

// A row's light from another source (the contracts' ceilings): the row takes
// the worse light and the reason.
void add_reason(Row& row, Light light, std::string nl, std::string en);

// The RedenBeeindiging codes that are uitval (an early, unplanned ending):
// Wmo 21, 22, 23; Jeugdwet 32, 33, 34, 35.
bool early_ending(standard::Law law, const std::string& reden);

boost::json::object to_json(const Report& r);

}  // namespace sluis::steering
