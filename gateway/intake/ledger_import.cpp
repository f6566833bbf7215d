#include "gateway/intake/ledger_import.hpp"

#include <algorithm>
#include <map>

#include "gateway/core/clock.hpp"
#include "gateway/core/csv.hpp"
#include "gateway/core/ids.hpp"

#include "gateway/core/digest.hpp"
#include "gateway/intake/judge.hpp"
#include "gateway/rules/engine.hpp"
#include "gateway/rules/outcome.hpp"

namespace sluis::intake {

namespace {

standard::Finding refusal(std::string nl, std::string en, std::string path = "/Bericht/Header/BerichtCode") {
  standard::Finding f;
  f.origin = "sluis";
  f.path = std::move(path);
  f.nl = std::move(nl);
  f.en = std::move(en);
  return f;
}

int order(int type) { return type == 301 ? 0 : type == 305 ? 1 : 2; }

namespace m = standard::model;

bool digits(const std::string& s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<ImportDocument> csv_documents(std::string_view text, const std::string& name, const core::Date& today) {
  static const std::vector<std::string> kColumns = {
      "soort",  "wet",     "gemeente",   "aanbieder", "bsn",    "toewijzingnummer", "categorie",  "productcode",
      "ingangsdatum", "einddatum", "volume", "eenheid", "frequentie", "budget", "begindatum", "redenbeeindiging"};
  std::vector<ImportDocument> out;
  core::CsvReader reader(text, name, core::CsvOptions{.trim = true});
  auto error_doc = [&](const std::string& where, std::string nl, std::string en) {
    ImportDocument d;
    d.name = where;
    d.row_errors.push_back(refusal(std::move(nl), std::move(en), ""));
    out.push_back(std::move(d));
  };
  // A CSV syntax error ends the file: what follows cannot be told apart.
  auto unreadable = [&](const core::Error& e) {
    const std::string where = name + ":" + std::to_string(reader.error_line());
    if (e.code == core::Errc::csv_unterminated)
      error_doc(where, "Onleesbare CSV: een veld tussen aanhalingstekens wordt niet gesloten.",
                "Unreadable CSV: a quoted field is not closed.");
    else
      error_doc(where, "Onleesbare CSV: tekst na een sluitend aanhalingsteken.",
                "Unreadable CSV: text after a closing quote.");
  };
  auto first = reader.next();
  if (!first) {
    unreadable(first.error());
    return out;
  }
  if (!*first) {
    error_doc(name, "Leeg CSV-bestand: de eerste regel noemt de kolommen.", "Empty CSV file: the first line names the columns.");
    return out;
  }
  const auto& header = (*first)->fields;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string h = header[i];
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
    if (std::find(kColumns.begin(), kColumns.end(), h) == kColumns.end()) {
      error_doc(name, "Onbekende kolom '" + header[i] + "'.", "Unknown column '" + header[i] + "'.");
      return out;
    }
    col[h] = i;
  }
  for (const char* need : {"soort", "wet", "gemeente", "aanbieder", "bsn", "toewijzingnummer", "ingangsdatum"})
    if (!col.count(need)) {
      error_doc(name, std::string("Kolom '") + need + "' ontbreekt.", std::string("Column '") + need + "' is missing.");
      return out;
    }
  for (;;) {
    auto rec = reader.next();
    if (!rec) {
      unreadable(rec.error());
      break;
    }
    if (!*rec) break;
    const auto li = static_cast<std::size_t>((*rec)->line - 1);  // the record's first line, 0-based
    const std::string where = name + ":" + std::to_string(li + 1);
    const auto& f = (*rec)->fields;
    auto get = [&](const char* c) -> std::string {
      auto it = col.find(c);
      return it == col.end() || it->second >= f.size() ? std::string() : f[it->second];
    };
    std::string bad;  // the first problem, in English and Dutch
    std::string bad_nl;
    auto date = [&](const char* c, bool required) -> std::optional<core::Date> {
      std::string v = get(c);
      if (v.empty()) {
        if (required && bad.empty()) bad = std::string(c) + " is empty", bad_nl = std::string(c) + " is leeg";
        return std::nullopt;
      }
      auto d = core::parse_date(v);
      if (!d && bad.empty()) bad = std::string(c) + " '" + v + "' is no date (YYYY-MM-DD)",
                             bad_nl = std::string(c) + " '" + v + "' is geen datum (JJJJ-MM-DD)";
      return d;
    };
    auto number = [&](const char* c) -> std::optional<m::Integer> {
      std::string v = get(c);
      if (v.empty()) return std::nullopt;
      if (!std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) || v.size() > 12) {
        if (bad.empty()) bad = std::string(c) + " '" + v + "' is no number", bad_nl = std::string(c) + " '" + v + "' is geen getal";
        return std::nullopt;
      }
      return std::stoll(v);
    };
    const std::string soort = get("soort"), wet = get("wet"), gemeente = get("gemeente"), aanbieder = get("aanbieder"),
                      bsn = get("bsn");
    const int type = soort == "toewijzing" ? 301 : soort == "start" ? 305 : soort == "stop" ? 307 : 0;
    auto law = standard::parse_law(wet);
    if (!type) bad = "soort '" + soort + "' is not toewijzing, start or stop",
               bad_nl = "soort '" + soort + "' is geen toewijzing, start of stop";
    else if (!law) bad = "wet '" + wet + "' is not ijw or iwmo", bad_nl = "wet '" + wet + "' is geen ijw of iwmo";
    else if (!digits(gemeente, 4)) bad = "gemeente is not a CBS code of 4 digits", bad_nl = "gemeente is geen CBS-code van 4 cijfers";
    else if (!digits(aanbieder, 8)) bad = "aanbieder is not an AGB code of 8 digits", bad_nl = "aanbieder is geen AGB-code van 8 cijfers";
    else if (!core::bsn_elfproef(bsn)) bad = "bsn fails the 11-check", bad_nl = "bsn voldoet niet aan de elfproef";
    auto nummer = number("toewijzingnummer");
    auto ingang = date("ingangsdatum", true);
    auto eind = date("einddatum", type == 307);
    auto begin = date("begindatum", type == 305 || type == 307);
    auto volume = number("volume");
    auto budget = number("budget");
    if (!nummer && bad.empty()) bad = "toewijzingnummer is empty", bad_nl = "toewijzingnummer is leeg";
    if (type == 307 && get("redenbeeindiging").empty() && bad.empty())
      bad = "redenbeeindiging is empty", bad_nl = "redenbeeindiging is leeg";
    if (!bad.empty()) {
      error_doc(where, "Rij onbruikbaar: " + bad_nl + ".", "Row unusable: " + bad + ".");
      continue;
    }
    m::Message msg;
    msg.type = standard::find_message(*law, type);
    msg.release = "3.2";
    msg.body = m::empty_body(type);
    auto& h = msg.header();
    h.Afzender = type == 301 ? gemeente : aanbieder;
    h.Ontvanger = type == 301 ? aanbieder : gemeente;
    h.BerichtIdentificatie.Identificatie = "CSV" + std::to_string(li + 1);
    h.BerichtIdentificatie.Dagtekening = today;
    const m::Src src("/Bericht/Client", static_cast<int>(li + 1), 0);
    std::optional<m::CdtProduct> product;
    if (!get("categorie").empty()) product = m::CdtProduct{get("categorie"), get("productcode").empty()
                                                                                 ? std::nullopt
                                                                                 : std::optional(get("productcode"))};
    if (type == 301) {
      m::ToegewezenProduct p;
      p.src = src;
      p.ToewijzingNummer = *nummer;
      p.Product = product;
      p.Ingangsdatum = *ingang;
      p.Einddatum = eind;
      if (volume) p.Omvang = m::CdtOmvang{*volume, get("eenheid"), get("frequentie")};
      p.Budget = budget;
      p.Toewijzingsdatum = today;
      auto& c = std::get<m::Bericht301>(msg.body).Client.emplace();
      c.src = src;
      c.Bsn = bsn;
      c.ToegewezenProducten.push_back(std::move(p));
    } else if (type == 305) {
      m::StartProduct p;
      p.src = src;
      p.ToewijzingNummer = nummer;
      p.Product = product;
      p.ToewijzingIngangsdatum = ingang;
      p.Begindatum = *begin;
      p.StatusAanlevering = "1";
      auto& c = std::get<m::Bericht305>(msg.body).Client.emplace();
      c.src = src;
      c.Bsn = bsn;
      c.StartProducten.push_back(std::move(p));
    } else {
      m::StopProduct p;
      p.src = src;
      p.ToewijzingNummer = nummer;
      p.Product = product;
      p.ToewijzingIngangsdatum = ingang;
      p.Begindatum = *begin;
      p.RedenBeeindiging = get("redenbeeindiging");
      p.Einddatum = *eind;
      p.StatusAanlevering = "1";
      auto& c = std::get<m::Bericht307>(msg.body).Client.emplace();
      c.src = src;
      c.Bsn = bsn;
      c.StopProducten.push_back(std::move(p));
    }
    ImportDocument d;
    d.name = where;
    d.canonical = "csv";
    for (const auto& c : kColumns) d.canonical += '\x1f' + get(c.c_str());
    d.model = std::move(msg);
    out.push_back(std::move(d));
  }
  return out;
}

std::string_view to_string(ImportOutcome o) {
  switch (o) {
    case ImportOutcome::imported: return "imported";
    case ImportOutcome::already: return "already_imported";
    case ImportOutcome::refused: return "refused";
    case ImportOutcome::skipped: return "not_reached";
  }
  return "refused";
}

std::string refusal_code(const standard::Finding& f) {
  if (!f.retourcode.empty()) return f.retourcode;
  if (!f.rule.empty()) return f.rule;
  return f.origin.empty() ? "sluis" : f.origin;
}

core::Result<ImportReport> ledger_import(store::MessageLog& store, xml::Validator& validator,
                                         const rules::ReferenceData* reference,
                                         std::vector<ImportDocument> documents,
                                         const ImportOptions& options) {
  if (options.bsn_key.empty())  // never write an unkeyed hash (or none at all)
    return core::make_error(core::Errc::intake_no_key, "no BSN hash key: nothing imported");
  auto mac = std::make_shared<const core::Hmac>(options.bsn_key);
  ImportReport report;
  auto& results = report.results;
  results.resize(documents.size());
  struct Ready {
    std::size_t index;
    standard::model::Message message;
    std::string id;
    std::string digest;
  };
  std::vector<Ready> ready;
  // Outside any transaction: what each document is, and whether it passes on its own.
  for (std::size_t i = 0; i < documents.size(); ++i) {
    auto& r = results[i];
    auto& doc = documents[i];
    r.name = doc.name;
    if (!doc.row_errors.empty()) {
      r.findings = doc.row_errors;
      continue;
    }
    if (doc.model) {  // a CSV row: checked field by field already
      r.type = doc.model->type->number;
      const auto& h = doc.model->header();
      r.aanbieder = r.type == 301 ? h.Ontvanger : h.Afzender;
      r.gemeente = r.type == 301 ? h.Afzender : h.Ontvanger;
      const std::string digest = mac->hex(doc.canonical);
      ready.push_back({i, std::move(*doc.model), "import-" + digest.substr(0, 20), digest});
      continue;
    }
    xml::Outcome out = judge(validator, doc.body, options.today, reference);
    if (out.identity) {
      r.type = out.identity->type ? out.identity->type->number : 0;
      // Who it is between, for the summary (as found, also when invalid).
      const bool from_gemeente = r.type == 301;
      r.aanbieder = from_gemeente ? out.identity->ontvanger : out.identity->afzender;
      r.gemeente = from_gemeente ? out.identity->afzender : out.identity->ontvanger;
    }
    if (out.verdict != xml::Verdict::valid || !out.message) {
      r.findings = std::move(out.findings);
      if (r.findings.empty())
        r.findings.push_back(refusal("Geen bericht van een actieve release.", "Not a message of an active release."));
      continue;
    }
    if (r.type != 301 && r.type != 305 && r.type != 307) {
      r.findings.push_back(refusal("Alleen toewijzingen (301), starts (305) en stops (307) worden ingelezen; dit is een " +
                                       std::to_string(r.type) + ".",
                                   "Only allocations (301), starts (305) and stops (307) are imported; this is a " +
                                       std::to_string(r.type) + "."));
      continue;
    }
    // Canonical: the bytes, line ends as LF, surrounding blanks trimmed.
    std::string canonical;
    canonical.reserve(doc.body.size());
    for (char c : doc.body)
      if (c != '\r') canonical += c;
    const auto first = canonical.find_first_not_of(" \t\n");
    const auto last = canonical.find_last_not_of(" \t\n");
    canonical = first == std::string::npos ? std::string() : canonical.substr(first, last - first + 1);
    const std::string digest = mac->hex(canonical);
    ready.push_back({i, std::move(*out.message), "import-" + digest.substr(0, 20), digest});
  }
  std::stable_sort(ready.begin(), ready.end(),
                   [](const Ready& a, const Ready& b) { return order(a.message.type->number) < order(b.message.type->number); });
  for (const auto& d : ready) results[d.index].outcome = ImportOutcome::skipped;

  // One HMAC per BSN per document (rules::Context::bsn_hash): the rules ask
  // for a client's hash again and again. Cleared before each document.
  std::map<std::string, std::string> hashed;
  auto hash = [mac, &hashed](const std::string& bsn) {
    auto it = hashed.find(bsn);
    if (it == hashed.end()) it = hashed.emplace(bsn, mac->hex(bsn)).first;
    return it->second;
  };
  report.total = static_cast<std::int64_t>(ready.size());
  const std::size_t per = options.batch == 0 ? std::max<std::size_t>(ready.size(), 1) : options.batch;
  struct Counts {
    std::size_t imported = 0, already = 0, refused = 0;
  };
  // Documents [from, to) against the ledger as `view` shows it.
  auto judge = [&](std::size_t from, std::size_t to, const standard::ledger::LedgerView& view,
                   const store::LedgerApply& apply, const store::ImportLog& log, Counts& n) -> core::Result<void> {
    n = {};  // a retried batch counts afresh
    for (std::size_t k = from; k < to; ++k) {
      auto& d = ready[k];
      auto& r = results[d.index];
      r.findings.clear();
      const int type = d.message.type->number;
      auto seen = log.seen(d.digest, type);
      if (!seen) return seen.error();
      if (*seen) {
        r.outcome = ImportOutcome::already;
        ++n.already;
        continue;
      }
      hashed.clear();
      rules::Context ctx{d.message, options.today, reference, &view, hash};
      // TR379 asks for the request an allocation honours; the requests
      // behind imported allocations are history that is not imported.
      for (auto& f : rules::check_ledger(ctx))
        if (f.rule != "TR379") r.findings.push_back(std::move(f));
      if (!r.findings.empty()) {
        r.outcome = ImportOutcome::refused;
        ++n.refused;
        continue;
      }
      auto changes = rules::ledger_changes(d.message, d.id, {}, standard::ledger::Verdict::approved, hash, {}, &view);
      if (auto a = apply(changes); !a) return a;
      if (auto rec = log.record(d.digest, type); !rec) return rec;
      r.outcome = ImportOutcome::imported;
      ++n.imported;
    }
    return {};
  };
  // Between two batches: progress, and whether to stop.
  auto go_on = [&](std::size_t from) {
    if (from == 0) return true;
    if (options.progress) options.progress(report.done, report.total);
    if (options.cancelled && options.cancelled()) {
      report.cancelled = true;
      return false;
    }
    return true;
  };
  // A batch the store failed: its documents and those after it were not reached.
  auto not_reached = [&](std::size_t from, std::size_t to, const core::Error& e) {
    for (std::size_t k = from; k < to; ++k) {
      results[ready[k].index].outcome = ImportOutcome::skipped;
      results[ready[k].index].findings.clear();
    }
    report.failure = e.text;
  };

  if (!options.apply && options.rehearse) {
    // Every batch in one transaction the store rolls back (ledger_rehearsal).
    std::size_t reached = 0;
    auto all = [&](const standard::ledger::LedgerView& view, const store::LedgerApply& apply,
                   const store::ImportLog& log) -> core::Result<void> {
      report.batches = 0;
      report.done = 0;
      for (std::size_t from = 0; from < ready.size(); from += per) {
        if (!go_on(from)) break;
        const std::size_t to = std::min(ready.size(), from + per);
        Counts n;
        if (auto j = judge(from, to, view, apply, log, n); !j) return j;
        reached = to;
        ++report.batches;
        report.done = static_cast<std::int64_t>(to);
      }
      return {};
    };
    if (auto r = store.ledger_rehearsal(all); !r) not_reached(reached, ready.size(), r.error());
  } else {
    for (std::size_t from = 0; from < ready.size(); from += per) {
      if (!go_on(from)) break;
      const std::size_t to = std::min(ready.size(), from + per);
      Counts n;
      auto work = [&](const standard::ledger::LedgerView& view, const store::LedgerApply& apply,
                      const store::ImportLog& log) { return judge(from, to, view, apply, log, n); };
      const std::size_t batch_no = report.batches + 1;
      auto done = store.ledger_batch(work, options.apply, options.actor, options.uid, [&] {
        return "batch " + std::to_string(batch_no) + ": " + std::to_string(n.imported) + " imported, " +
               std::to_string(n.already) + " already imported, " + std::to_string(n.refused) + " refused (documents " +
               std::to_string(from + 1) + "-" + std::to_string(to) + " of " + std::to_string(ready.size()) + ")";
      });
      if (!done) {
        // The batch wrote nothing; the batches before it stay (and are recorded).
        not_reached(from, to, done.error());
        break;
      }
      ++report.batches;
      report.done = static_cast<std::int64_t>(to);
    }
  }
  if (options.progress && !report.cancelled) options.progress(report.done, report.total);
  return report;
}

}  // namespace sluis::intake
