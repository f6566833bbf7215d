// The operator's status page (GET / on the loopback listener): what is
// flowing, what is stuck and why, as one HTML page with SVG charts drawn here
// (no script, nothing fetched from elsewhere). Aggregates only: counts per
// day, destination, retourcode, kind of answer and partner; never a message
// id, an Identificatie or any value from a message. Every text that reaches
// the page is HTML-escaped. The page is polyglot: valid HTML5 and well-formed
// XML (void elements closed with />, numeric character references only).
//
// Threading: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/steering/report.hpp"
#include "gateway/store/store.hpp"

namespace sluis::steering {

// A watch's open cases for one partner (watch/ fills it when it runs).
struct WatchCount {
  std::string watch, partner;
  std::int64_t open = 0;
  std::string what_nl, what_en;  // what the watch means, and what to do
};

// A certificate the daemon holds or knows of, and when it expires.
struct CertificateExpiry {
  std::string name;       // "server", or the partner id
  std::string not_after;  // YYYY-MM-DD
  std::int64_t days_left = 0;
};

struct StatusData {
  std::string version;
  std::string generated;  // Dutch local time, as text
  Report report;          // the last 30 days, all rows
  store::SteeringFacts facts;  // the same period's facts (per-day counts, retourcodes)
  std::vector<store::DestinationCount> queues;  // open messages (not acknowledged, not rejected)
  std::vector<WatchCount> watches;
  std::vector<CertificateExpiry> certificates;
};

// The page, in Dutch with English beside the headings.
std::string render_status_page(const StatusData& d);

}  // namespace sluis::steering
