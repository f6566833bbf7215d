// The watches' detectors: each turns facts (read from the store or from
// files) into the cases found now, as store::WatchFinding values. Pure
// functions of their inputs and the time given (QueueTrend keeps the last
// scans in memory); no I/O except read_certificates, which reads PEM files.
// docs/watches.md defines each case; the thresholds are config [watches].
//
// Threading: no shared state; a QueueTrend belongs to one caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "gateway/config/config.hpp"
#include "gateway/core/calendar.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/store/store.hpp"

namespace sluis::watch {

// unread_answer: one case per message available in a mailbox for more than
// `werkdagen` werkdagen (core::WerkdagCalendar::werkdagen_between the Dutch
// day it became available and `today`), keyed by its id, for the partner
// whose mailbox it is in.
std::vector<store::WatchFinding> find_unread(const std::vector<store::UnreadMessage>& unread, const core::Date& today,
                                             const core::WerkdagCalendar& calendar, int werkdagen);

// queue_growing: a destination whose deferred count or the age of its oldest
// deferred message grew at each of the last `scans` scans (so it needs scans
// + 1 observations); closes when a scan sees neither grow.
class QueueTrend {
 public:
  std::vector<store::WatchFinding> observe(const std::vector<store::DestinationBacklog>& backlog, core::TimePoint now,
                                           int scans);

 private:
  struct Trend {
    std::int64_t deferred = 0;
    std::int64_t oldest_age_s = 0;
    int grown = 0;  // consecutive scans it grew at
  };
  std::map<std::string, Trend> trends_;
};

// queue_dead: one case per destination with dead messages.
std::vector<store::WatchFinding> find_dead(const std::vector<store::DestinationBacklog>& backlog);

// The certificates of one configured PEM file (every certificate in it).
struct CertificateFile {
  std::string source;   // the config key: "https.tls.cert", "partners.certificates.issuer_ca" ...
  std::string partner;  // the partner it belongs to; "sluis" for sluis's own
  std::filesystem::path path;
  std::vector<core::TimePoint> not_after;  // one per certificate in the file, in file order
  std::string error;                       // why it could not be read
};
// The files cfg names (https.tls.cert and ca, partners' issuer_ca, push
// destinations' ca and client_cert), read now.
std::vector<CertificateFile> read_certificates(const config::Config& cfg);

// certificate_expiry: one case per certificate and stage (notice, warning,
// urgent, expired), so each stage it reaches logs once.
std::vector<store::WatchFinding> find_expiring(const std::vector<CertificateFile>& files, core::TimePoint now,
                                               const config::WatchesConfig& w);

// crl_stale: a CRL (https.tls.crl) whose next update is within
// certificate_urgent_days ("due") or past ("expired"), or that cannot be read.
struct CrlFile {
  std::filesystem::path path;
  core::TimePoint next_update;
  std::string error;
};
std::vector<store::WatchFinding> find_stale_crls(const std::vector<CrlFile>& crls, core::TimePoint now,
                                                 const config::WatchesConfig& w);

// rejection_burst: per sender partner, the window is the last
// rejection_window_days UTC days up to `today`; its normal the
// rejection_baseline_windows windows before. A burst: at least
// rejection_min_count rejections in the window, and a rejected share above
// rejection_factor_percent of the normal share (any share when the normal
// had no rejections or no messages).
std::vector<store::WatchFinding> find_rejection_bursts(const std::vector<store::SubmissionDay>& days,
                                                       const core::Date& today, const config::WatchesConfig& w);
// The first UTC day find_rejection_bursts needs (for Store::submissions).
core::Date rejection_from(const core::Date& today, const config::WatchesConfig& w);

// care_past_18: one case per allocation (key "ijw:<gemeente>:<ToewijzingNummer>")
// whose client turns 18 within care_18_lead_weeks of `today` or before it,
// for the partner owning the gemeente code (`partner_of`; the code itself when
// no partner has it). The detail names the month, not the day.
std::vector<store::WatchFinding> find_past_18(const std::vector<store::YouthAllocation>& allocations,
                                              const std::map<std::string, std::string>& partner_of);
// The last day find_past_18's allocations turn 18 on (for Store::youth_turning_18).
core::Date past_18_until(const core::Date& today, const config::WatchesConfig& w);

// The care-continuity watches over Store::care_candidates, per kind (every
// kind present, empty when it found nothing):
//   allocation_unstarted    a new allocation waiting longer than
//                           steering.waiting_norm_days without a start: the
//                           provider's partner
//   allocation_uncorrected  rejected by the provider's 302 more than
//                           care_correction_werkdagen werkdagen ago, no
//                           corrected 301: the gemeente's partner
//   allocation_ending       ending within care_ending_weeks, no stop, no
//                           following allocation: the gemeente's partner
//   request_refused         refused in a 319 within care_refused_days, not
//                           honoured: the gemeente's partner
// Keys: "<law>:<gemeente>:<ToewijzingNummer>", or "<law>:<aanbieder>:<ReferentieAanbieder>".
std::map<std::string_view, std::vector<store::WatchFinding>> find_care(
    const std::vector<store::CareCandidate>& candidates, const core::Date& today,
    const core::WerkdagCalendar& calendar, const config::WatchesConfig& w,
    const std::map<std::string, std::string>& partner_of);
// The days that bound Store::care_candidates for `today`.
store::CareQuery care_query(const core::Date& today, const config::WatchesConfig& w);

}  // namespace sluis::watch
