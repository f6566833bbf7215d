#include "gateway/watch/detectors.hpp"

#include <unistd.h>

#include <algorithm>

#include "gateway/net/tls.hpp"
#include "gateway/standard/catalog.hpp"
#include "gateway/watch/kinds.hpp"

namespace sluis::watch {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

long days_left(core::TimePoint at, core::TimePoint now) {
  // Whole days, rounded down (an hour left is 0 days, an hour past is -1).
  auto s = duration_cast<seconds>(at - now).count();
  return static_cast<long>(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

}  // namespace

std::vector<store::WatchFinding> find_unread(const std::vector<store::UnreadMessage>& unread, const core::Date& today,
                                             const core::WerkdagCalendar& calendar, int werkdagen) {
  std::vector<store::WatchFinding> out;
  for (const auto& m : unread) {
    auto at = core::parse_utc_text(m.available_at);
    if (!at) continue;
    const core::Date since = core::dutch_date(*at);
    const int n = calendar.werkdagen_between(since, today);
    if (n <= werkdagen) continue;
    out.push_back({m.id, m.receiver_partner, m.id,
                   "law=" + std::string(standard::to_string(m.law)) + " type=" + std::to_string(m.type) +
                       " state=" + std::string(store::to_string(m.state)) + " from=" +
                       (m.sender_partner.empty() ? "sluis" : m.sender_partner) + " since=" + core::format_date(since) +
                       " werkdagen=" + std::to_string(n)});
  }
  return out;
}

std::vector<store::WatchFinding> QueueTrend::observe(const std::vector<store::DestinationBacklog>& backlog,
                                                     core::TimePoint now, int scans) {
  std::map<std::string, Trend> next;
  std::vector<store::WatchFinding> out;
  for (const auto& b : backlog) {
    if (b.deferred == 0) continue;  // nothing deferred: no trend
    std::int64_t age = 0;
    if (auto at = core::parse_utc_text(b.oldest_deferred_at))
      age = duration_cast<seconds>(now - *at).count();
    Trend t{b.deferred, age, 0};
    if (auto it = trends_.find(b.destination); it != trends_.end()) {
      const bool grew = b.deferred > it->second.deferred || age > it->second.oldest_age_s;
      t.grown = grew ? it->second.grown + 1 : 0;
    }
    if (t.grown >= scans)
      out.push_back({b.destination, b.partner, b.destination,
                     "deferred=" + std::to_string(b.deferred) + " oldest=" + b.oldest_deferred_at +
                         " oldest_age_s=" + std::to_string(age) + " grown_scans=" + std::to_string(t.grown)});
    next.emplace(b.destination, t);
  }
  trends_ = std::move(next);
  return out;
}

std::vector<store::WatchFinding> find_dead(const std::vector<store::DestinationBacklog>& backlog) {
  std::vector<store::WatchFinding> out;
  for (const auto& b : backlog)
    if (b.dead > 0)
      out.push_back({b.destination, b.partner, b.destination,
                     "dead=" + std::to_string(b.dead) + " oldest_dead=" + b.oldest_dead_id});
  return out;
}

namespace {

CertificateFile read_pem(std::string source, std::string partner, const std::filesystem::path& path) {
  CertificateFile f{std::move(source), std::move(partner), path, net::not_afters(path), {}};
  if (f.not_after.empty())
    f.error = (::access(path.c_str(), R_OK) == 0 ? "no certificate in " : "cannot read ") + path.string();
  return f;
}

}  // namespace

std::vector<CertificateFile> read_certificates(const config::Config& cfg) {
  std::vector<CertificateFile> out;
  if (!cfg.https.tls.cert.empty()) out.push_back(read_pem("https.tls.cert", "sluis", cfg.https.tls.cert));
  for (const auto& ca : cfg.https.tls.ca) out.push_back(read_pem("https.tls.ca", "sluis", ca));
  for (const auto& p : cfg.partners)
    for (const auto& c : p.certificates)
      if (!c.issuer_ca.empty()) out.push_back(read_pem("partners.certificates.issuer_ca", p.id, c.issuer_ca));
  for (const auto& d : cfg.destinations) {
    if (!d.ca.empty()) out.push_back(read_pem("destinations.ca", d.partner, d.ca));
    if (!d.client_cert.empty()) out.push_back(read_pem("destinations.client_cert", d.partner, d.client_cert));
  }
  return out;
}

std::vector<store::WatchFinding> find_expiring(const std::vector<CertificateFile>& files, core::TimePoint now,
                                               const config::WatchesConfig& w) {
  std::vector<store::WatchFinding> out;
  for (const auto& f : files) {
    for (std::size_t i = 0; i < f.not_after.size(); ++i) {
      const long left = days_left(f.not_after[i], now);
      const char* stage = left < 0                            ? "expired"
                          : left < w.certificate_urgent_days  ? "urgent"
                          : left < w.certificate_warning_days ? "warning"
                          : left < w.certificate_notice_days  ? "notice"
                                                              : nullptr;
      if (!stage) continue;
      const std::string subject = f.path.string() + (f.not_after.size() > 1 ? "#" + std::to_string(i + 1) : "");
      out.push_back({subject + "@" + stage, f.partner, subject,
                     "source=" + f.source + " not_after=" + core::utc_text(f.not_after[i]) +
                         " days_left=" + std::to_string(left) + " stage=" + stage});
    }
  }
  return out;
}

std::vector<store::WatchFinding> find_stale_crls(const std::vector<CrlFile>& crls, core::TimePoint now,
                                                 const config::WatchesConfig& w) {
  std::vector<store::WatchFinding> out;
  for (const auto& c : crls) {
    const std::string path = c.path.string();
    if (!c.error.empty()) {
      out.push_back({path + "@unreadable", "sluis", path, "error=" + c.error});
      continue;
    }
    const long left = days_left(c.next_update, now);
    const char* stage = c.next_update <= now ? "expired" : left < w.certificate_urgent_days ? "due" : nullptr;
    if (!stage) continue;
    out.push_back({path + "@" + stage, "sluis", path,
                   "next_update=" + core::utc_text(c.next_update) + " days_left=" + std::to_string(left) +
                       " stage=" + stage});
  }
  return out;
}

core::Date rejection_from(const core::Date& today, const config::WatchesConfig& w) {
  return core::add_days(today, 1 - w.rejection_window_days * (1 + w.rejection_baseline_windows));
}

std::vector<store::WatchFinding> find_rejection_bursts(const std::vector<store::SubmissionDay>& days,
                                                       const core::Date& today, const config::WatchesConfig& w) {
  const std::string window_from = core::format_date(core::add_days(today, 1 - w.rejection_window_days));
  const std::string normal_from = core::format_date(rejection_from(today, w));
  const std::string to = core::format_date(today);
  struct Counts {
    std::int64_t total = 0, rejected = 0, normal_total = 0, normal_rejected = 0;
  };
  std::map<std::string, Counts> per;
  for (const auto& d : days) {
    if (d.day > to || d.day < normal_from) continue;
    auto& c = per[d.partner];
    if (d.day >= window_from) {
      c.total += d.total;
      c.rejected += d.rejected;
    } else {
      c.normal_total += d.total;
      c.normal_rejected += d.rejected;
    }
  }
  std::vector<store::WatchFinding> out;
  for (const auto& [partner, c] : per) {
    if (c.rejected < w.rejection_min_count) continue;
    // share > factor * normal share, in integers:
    // rejected/total > f/100 * nr/nt  <=>  rejected*nt*100 > f*nr*total
    const bool burst = c.normal_rejected == 0 || c.normal_total == 0 ||
                       c.rejected * c.normal_total * 100 >
                           static_cast<std::int64_t>(w.rejection_factor_percent) * c.normal_rejected * c.total;
    if (!burst) continue;
    out.push_back({partner, partner, partner,
                   "rejected=" + std::to_string(c.rejected) + " of=" + std::to_string(c.total) + " window_from=" +
                       window_from + " normal_rejected=" + std::to_string(c.normal_rejected) +
                       " normal_of=" + std::to_string(c.normal_total) + " normal_from=" + normal_from});
  }
  return out;
}

core::Date past_18_until(const core::Date& today, const config::WatchesConfig& w) {
  return core::add_days(today, 7 * w.care_18_lead_weeks);
}

std::vector<store::WatchFinding> find_past_18(const std::vector<store::YouthAllocation>& allocations,
                                              const std::map<std::string, std::string>& partner_of) {
  std::vector<store::WatchFinding> out;
  for (const auto& a : allocations) {
    const std::string key = "ijw:" + a.gemeente + ":" + std::to_string(a.toewijzing_nummer);
    auto it = partner_of.find(a.gemeente);
    out.push_back({key, it == partner_of.end() ? a.gemeente : it->second, key,
                   "gemeente=" + a.gemeente + " aanbieder=" + a.aanbieder + " toewijzing=" +
                       std::to_string(a.toewijzing_nummer) + " einddatum=" +
                       (a.einddatum.empty() ? std::string("none") : a.einddatum) +
                       " turns_18_in=" + a.turns_18_on.substr(0, 7)});
  }
  return out;
}

store::CareQuery care_query(const core::Date& today, const config::WatchesConfig& w) {
  // The oldest a case can come from: a year, or the longest window asked.
  const int reach = std::max({366, w.waiting_norm_days + 366, w.care_refused_days});
  return {core::format_date(today), core::format_date(core::add_days(today, -w.waiting_norm_days)),
          core::format_date(core::add_days(today, 7 * w.care_ending_weeks)),
          core::format_date(core::add_days(today, -reach))};
}

std::map<std::string_view, std::vector<store::WatchFinding>> find_care(
    const std::vector<store::CareCandidate>& candidates, const core::Date& today,
    const core::WerkdagCalendar& calendar, const config::WatchesConfig& w,
    const std::map<std::string, std::string>& partner_of) {
  using What = store::CareCandidate::What;
  std::map<std::string_view, std::vector<store::WatchFinding>> out{
      {kAllocationUnstarted, {}}, {kAllocationUncorrected, {}}, {kAllocationEnding, {}}, {kRequestRefused, {}}};
  auto partner = [&](const std::string& code) {
    auto it = partner_of.find(code);
    return it == partner_of.end() ? code : it->second;
  };
  for (const auto& c : candidates) {
    const auto day = core::parse_date(c.day);
    if (!day) continue;
    const std::string law(standard::to_string(c.law));
    const std::string allocation = law + ":" + c.gemeente + ":" + c.key;
    const std::string who = "gemeente=" + c.gemeente + " aanbieder=" + c.aanbieder;
    switch (c.what) {
      case What::unstarted:
        // care_candidates asks for waiting since before today - norm.
        out[kAllocationUnstarted].push_back({allocation, partner(c.aanbieder), allocation,
                                             who + " toewijzing=" + c.key + " waiting_since=" + c.day});
        break;
      case What::rejected:
        if (calendar.werkdagen_between(*day, today) <= w.care_correction_werkdagen) break;
        out[kAllocationUncorrected].push_back({allocation, partner(c.gemeente), allocation,
                                               who + " toewijzing=" + c.key + " rejected_on=" + c.day});
        break;
      case What::ending:
        out[kAllocationEnding].push_back({allocation, partner(c.gemeente), allocation,
                                          who + " toewijzing=" + c.key + " einddatum=" + c.day});
        break;
      case What::refused: {
        if ((core::to_days(today) - core::to_days(*day)).count() > w.care_refused_days) break;
        const std::string request = law + ":" + c.aanbieder + ":" + c.key;
        out[kRequestRefused].push_back({request, partner(c.gemeente), request,
                                        who + " referentie=" + c.key + " refused_on=" + c.day});
        break;
      }
    }
  }
  return out;
}

}  // namespace sluis::watch
