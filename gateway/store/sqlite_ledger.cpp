#include "gateway/store/sqlite_ledger.hpp"

#include "gateway/core/clock.hpp"
#include "gateway/store/ledger_key.hpp"
#include "gateway/store/ledger_rows.hpp"
#include "gateway/store/sqlite_util.hpp"

namespace sluis::store::sqlite {

namespace L = standard::ledger;
using core::format_date;

// Dates are stored as YYYY-MM-DD (they compare as text); a start or stop is
// found by its logical key, kept as one column (care_key) so that an absent
// ToewijzingNummer or Product is part of the key like any value.
const char* const kLedgerSchema = R"sql(
CREATE TABLE ledger_allocation (
  law TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  toewijzing_nummer INTEGER NOT NULL,
  aanbieder TEXT NOT NULL,
  bsn_hash TEXT NOT NULL,
  categorie TEXT NOT NULL,
  code TEXT,
  ingangsdatum TEXT NOT NULL,
  einddatum TEXT,
  reden_wijziging TEXT,
  referentie_aanbieder TEXT,
  volume INTEGER,
  eenheid TEXT NOT NULL,
  frequentie TEXT NOT NULL,
  budget INTEGER,
  toewijzingsdatum TEXT NOT NULL,
  message_id TEXT NOT NULL,
  verdict TEXT NOT NULL,
  PRIMARY KEY (law, gemeente, toewijzing_nummer)
) WITHOUT ROWID;
CREATE INDEX ledger_allocation_client ON ledger_allocation (law, gemeente, aanbieder, bsn_hash);
CREATE TABLE ledger_care (
  kind TEXT NOT NULL CHECK (kind IN ('start', 'stop')),
  care_key TEXT NOT NULL,
  law TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  aanbieder TEXT NOT NULL,
  bsn_hash TEXT NOT NULL,
  toewijzing_nummer INTEGER,
  categorie TEXT NOT NULL,
  code TEXT NOT NULL,
  toewijzing_ingangsdatum TEXT,
  begindatum TEXT NOT NULL,
  reden TEXT NOT NULL,
  einddatum TEXT,
  status TEXT NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (kind, care_key)
) WITHOUT ROWID;
CREATE INDEX ledger_care_allocation ON ledger_care (law, gemeente, aanbieder, toewijzing_nummer, kind);
CREATE TABLE ledger_request (
  law TEXT NOT NULL,
  aanbieder TEXT NOT NULL,
  referentie TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  type INTEGER NOT NULL,
  bsn_hash TEXT NOT NULL,
  antwoord TEXT NOT NULL,
  honoured INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (law, aanbieder, referentie)
) WITHOUT ROWID;
CREATE INDEX ledger_request_client ON ledger_request (law, aanbieder, bsn_hash);
CREATE TABLE ledger_declaration (
  law TEXT NOT NULL,
  aanbieder TEXT NOT NULL,
  nummer TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  identificatie TEXT NOT NULL,
  dagtekening TEXT NOT NULL,
  periode_begin TEXT NOT NULL,
  periode_eind TEXT NOT NULL,
  totaal_cents INTEGER NOT NULL,
  bericht_xsd TEXT NOT NULL,
  basis_xsd TEXT NOT NULL,
  answered INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (law, aanbieder, nummer)
) WITHOUT ROWID;
CREATE INDEX ledger_declaration_id ON ledger_declaration (law, aanbieder, identificatie);
CREATE TABLE ledger_prestatie (
  law TEXT NOT NULL,
  aanbieder TEXT NOT NULL,
  referentie TEXT NOT NULL,
  vorig_referentie TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  toewijzing_nummer INTEGER NOT NULL,
  bsn_hash TEXT NOT NULL,
  categorie TEXT NOT NULL,
  code TEXT NOT NULL,
  begin TEXT NOT NULL,
  eind TEXT NOT NULL,
  volume INTEGER NOT NULL,
  eenheid TEXT NOT NULL,
  cents INTEGER NOT NULL,
  credit INTEGER NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('pending', 'approved', 'rejected')),
  declaratie_nummer TEXT NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (law, aanbieder, referentie)
) WITHOUT ROWID;
CREATE INDEX ledger_prestatie_allocation ON ledger_prestatie (law, gemeente, toewijzing_nummer);
CREATE INDEX ledger_prestatie_vorig ON ledger_prestatie (law, aanbieder, vorig_referentie);
)sql";

const char* const kOrphanSchema = R"sql(
CREATE TABLE ledger_orphan (
  law TEXT NOT NULL,
  gemeente TEXT NOT NULL,
  toewijzing_nummer INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  PRIMARY KEY (law, gemeente, toewijzing_nummer, message_id)
) WITHOUT ROWID;
CREATE INDEX ledger_orphan_message ON ledger_orphan (message_id);
)sql";

const char* const kLedgerDebitSchema = R"sql(
CREATE INDEX ledger_prestatie_debit ON ledger_prestatie (law, aanbieder, toewijzing_nummer, code, begin);
)sql";

const char* const kLedgerCountedSchema = R"sql(
DROP INDEX ledger_prestatie_debit;
CREATE INDEX ledger_prestatie_debit ON ledger_prestatie (law, aanbieder, toewijzing_nummer, code, begin)
  WHERE credit = 0 AND verdict != 'rejected';
DROP INDEX ledger_prestatie_allocation;
CREATE INDEX ledger_prestatie_allocation ON ledger_prestatie (law, gemeente, toewijzing_nummer)
  WHERE verdict != 'rejected';
)sql";

const char* const kLedgerTariffSchema = R"sql(
ALTER TABLE ledger_prestatie ADD COLUMN tarief INTEGER;
CREATE INDEX ledger_prestatie_provider ON ledger_prestatie (aanbieder, begin);
)sql";

// One row per ceiling a message reached: the numbers as they stood with it
// (maximum and amount in eurocent for a budget, allocations for a
// contingent). No client data: what the steering reports read.
const char* const kLedgerCeilingSchema = R"sql(
CREATE TABLE ledger_contract_warning (
  message_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('budget', 'contingent')),
  contract TEXT NOT NULL,
  year INTEGER NOT NULL,
  categorie TEXT NOT NULL,
  code TEXT NOT NULL,
  law TEXT NOT NULL,
  aanbieder TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('warning', 'exceeded')),
  maximum INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  percent INTEGER NOT NULL,
  waarschuwing_procent INTEGER NOT NULL,
  contract_row TEXT NOT NULL,
  PRIMARY KEY (message_id, kind, contract, year, categorie, code)
) WITHOUT ROWID;
CREATE INDEX ledger_contract_warning_provider ON ledger_contract_warning (aanbieder, kind, year);
CREATE INDEX ledger_allocation_product ON ledger_allocation (aanbieder, law, categorie, code);
)sql";

// v13: facts kept at intake for the watches and the report, since bodies are
// pruned after the retention period (standard/ledger.hpp, Allocation): the
// referrer type of a request and of the allocation honouring it, and for
// iJw the day the client turns 18 (never the birth date itself).
const char* const kLedgerIntakeFactsSchema = R"sql(
ALTER TABLE ledger_allocation ADD COLUMN verwijzer_type TEXT;
ALTER TABLE ledger_allocation ADD COLUMN client_turns_18_on TEXT;
ALTER TABLE ledger_request ADD COLUMN verwijzer_type TEXT;
)sql";

namespace {

using namespace ledger_rows;  // the columns and readers both engines share


// Reads go through row(): a read that fails (I/O error, no statement) is
// remembered, and the commit fails instead of a rule deciding on a missing fact.
// Every record read selects its law first (column 0) and a reader gets it
// parsed: a law the store does not write is a damaged store, a failed read
// too, never a default.
int row(Stmt& s, bool& failed) {
  int rc = s.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) failed = true;
  return rc;
}

template <class T, class Read>
std::optional<T> first(Stmt& s, bool& failed, Read read) {
  if (row(s, failed) != SQLITE_ROW) return std::nullopt;
  auto law = s.law(0);
  if (!law) {
    failed = true;
    return std::nullopt;
  }
  return read(s, *law);
}

template <class T, class Read>
std::vector<T> all(Stmt& s, bool& failed, Read read) {
  std::vector<T> out;
  while (row(s, failed) == SQLITE_ROW) {
    auto law = s.law(0);
    if (!law) {
      failed = true;
      return {};
    }
    out.push_back(read(s, *law));
  }
  return out;
}

// SQL strings built once.
struct Sql {
  std::string allocation = std::string("SELECT ") + kAllocationColumns +
                           " FROM ledger_allocation WHERE law = ? AND gemeente = ? AND toewijzing_nummer = ?";
  std::string allocations_of = std::string("SELECT ") + kAllocationColumns +
                               " FROM ledger_allocation INDEXED BY ledger_allocation_client WHERE law = ? AND gemeente = ? AND aanbieder = ? AND "
                               "bsn_hash = ? AND verdict != 'rejected' AND COALESCE(reden_wijziging, '') != '13' "
                               "ORDER BY toewijzing_nummer";
  std::string care = std::string("SELECT ") + kCareColumns + " FROM ledger_care WHERE kind = ? AND care_key = ?";
  std::string request = std::string("SELECT ") + kRequestColumns +
                        " FROM ledger_request WHERE law = ? AND aanbieder = ? AND referentie = ?";
  std::string open_requests = std::string("SELECT ") + kRequestColumns +
                              " FROM ledger_request INDEXED BY ledger_request_client WHERE law = ? AND aanbieder = ? AND bsn_hash = ? AND "
                              "honoured = 0 AND antwoord IN ('', '2') ORDER BY referentie";
  std::string declaration = std::string("SELECT ") + kDeclarationColumns +
                            " FROM ledger_declaration WHERE law = ? AND aanbieder = ? AND nummer = ?";
  std::string declaration_by_id = std::string("SELECT ") + kDeclarationColumns +
                                  " FROM ledger_declaration INDEXED BY ledger_declaration_id WHERE law = ? AND aanbieder = ? AND identificatie = ?";
  std::string prestatie = std::string("SELECT ") + kPrestatieColumns +
                          " FROM ledger_prestatie WHERE law = ? AND aanbieder = ? AND referentie = ?";
  std::string debit_for = std::string("SELECT ") + kPrestatieColumns +
                          " FROM ledger_prestatie INDEXED BY ledger_prestatie_debit WHERE law = ? AND aanbieder = ? AND toewijzing_nummer = ? AND "
                          "categorie = ? AND code = ? AND begin = ? AND eind = ? AND credit = 0 AND "
                          "verdict != 'rejected' LIMIT 1";
  std::string between = std::string("SELECT ") + kPrestatieColumns +
                        " FROM ledger_prestatie INDEXED BY ledger_prestatie_provider WHERE aanbieder = ? AND "
                        "begin >= ? AND begin <= ? AND verdict != 'rejected' ORDER BY begin, message_id, "
                        "referentie";
  std::string judged = std::string("SELECT ") + kPrestatieColumns +
                       " FROM ledger_prestatie INDEXED BY ledger_prestatie_provider WHERE aanbieder = ? AND "
                       "begin >= ? AND begin <= ? ORDER BY begin, message_id, referentie";
  std::string of_product = std::string("SELECT ") + kAllocationColumns +
                           " FROM ledger_allocation INDEXED BY ledger_allocation_product WHERE aanbieder = ? AND "
                           "law = ? AND categorie = ? AND code = ? AND verdict != 'rejected' AND "
                           "COALESCE(reden_wijziging, '') != '13' AND ingangsdatum <= ? AND "
                           "(einddatum IS NULL OR einddatum >= ?) ORDER BY gemeente, toewijzing_nummer";
  std::string credit_of = std::string("SELECT ") + kPrestatieColumns +
                          " FROM ledger_prestatie INDEXED BY ledger_prestatie_vorig WHERE law = ? AND aanbieder = ? AND vorig_referentie = ? AND "
                          "credit = 1 AND verdict != 'rejected' LIMIT 1";
};
const Sql& sql() {
  static const Sql s;
  return s;
}

constexpr const char* kDebitVolume =
    "SELECT COALESCE(SUM(CASE credit WHEN 1 THEN -volume ELSE volume END), 0) FROM ledger_prestatie "
    "INDEXED BY ledger_prestatie_allocation "
    "WHERE law = ? AND gemeente = ? AND toewijzing_nummer = ? AND verdict != 'rejected'";
constexpr const char* kDebitCents =
    "SELECT COALESCE(SUM(CASE credit WHEN 1 THEN -cents ELSE cents END), 0) FROM ledger_prestatie "
    "INDEXED BY ledger_prestatie_allocation "
    "WHERE law = ? AND gemeente = ? AND toewijzing_nummer = ? AND verdict != 'rejected'";
// Open: the start counts (1 or 2; not deleted, 3, nor rejected by the
// receiver, R) and no stop that counts has its key.
constexpr const char* kOpenStarts =
    "SELECT s.law, s.gemeente, s.aanbieder, s.bsn_hash, s.toewijzing_nummer, s.categorie, s.code, "
    "s.toewijzing_ingangsdatum, s.begindatum FROM ledger_care s INDEXED BY ledger_care_allocation WHERE s.law = ? AND "
    "s.gemeente = ? AND s.aanbieder = ? AND s.toewijzing_nummer = ? AND s.kind = 'start' AND s.status IN ('1', '2') "
    "AND NOT EXISTS (SELECT 1 FROM ledger_care t WHERE t.kind = 'stop' AND t.care_key = s.care_key AND "
    "t.status IN ('1', '2')) ORDER BY s.care_key";
// "verdict != 'rejected'" before "= 'approved'": the partial index's own term
// (kLedgerCountedSchema), which SQLite must find in the query to use it.
constexpr const char* kApprovedUncredited =
    "SELECT 1 FROM ledger_prestatie d INDEXED BY ledger_prestatie_allocation WHERE d.law = ? AND d.gemeente = ? AND d.toewijzing_nummer = ? AND "
    "d.credit = 0 AND d.verdict != 'rejected' AND d.verdict = 'approved' AND NOT EXISTS (SELECT 1 FROM ledger_prestatie c INDEXED BY "
    "ledger_prestatie_vorig WHERE "
    "c.law = d.law AND c.aanbieder = d.aanbieder AND c.vorig_referentie = d.referentie AND c.credit = 1 AND "
    "c.verdict != 'rejected') LIMIT 1";

}  // namespace

std::optional<L::Allocation> Ledger::allocation(standard::Law law, const std::string& gemeente,
                                                Integer nummer) const {
  Stmt s(db_, sql().allocation.c_str());
  s.bind(1, law).bind(2, gemeente).bind(3, nummer);
  return first<L::Allocation>(s, failed_, read_allocation<Stmt>);
}

std::vector<L::Allocation> Ledger::allocations_of(standard::Law law, const std::string& gemeente,
                                                  const std::string& aanbieder, const std::string& bsn_hash) const {
  Stmt s(db_, sql().allocations_of.c_str());
  s.bind(1, law).bind(2, gemeente).bind(3, aanbieder).bind(4, bsn_hash);
  return all<L::Allocation>(s, failed_, read_allocation<Stmt>);
}

std::optional<L::Start> Ledger::start(const L::CareKey& key) const {
  Stmt s(db_, sql().care.c_str());
  s.bind(1, std::string_view("start")).bind(2, care_key(key));
  return first<L::Start>(s, failed_, [](const Stmt& r, standard::Law law) {
    return L::Start{read_key(r, law), r.text(11), r.text(12)};
  });
}

std::optional<L::Stop> Ledger::stop(const L::CareKey& key) const {
  Stmt s(db_, sql().care.c_str());
  s.bind(1, std::string_view("stop")).bind(2, care_key(key));
  return first<L::Stop>(s, failed_, [](const Stmt& r, standard::Law law) {
    return L::Stop{read_key(r, law), r.text(9), date(r.text(10)), r.text(11), r.text(12)};
  });
}

std::vector<L::CareKey> Ledger::open_starts_on(standard::Law law, const std::string& gemeente,
                                              const std::string& aanbieder, Integer nummer) const {
  Stmt s(db_, kOpenStarts);
  s.bind(1, law).bind(2, gemeente).bind(3, aanbieder).bind(4, nummer);
  return all<L::CareKey>(s, failed_, read_key<Stmt>);
}

std::optional<L::Request> Ledger::request(standard::Law law, const std::string& aanbieder,
                                          const std::string& referentie) const {
  Stmt s(db_, sql().request.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, referentie);
  return first<L::Request>(s, failed_, read_request<Stmt>);
}

std::optional<L::LedgerView::RequestReceipt> Ledger::request_receipt(const L::Request& r) const {
  // The request's own message row: its Dagtekening and when it was received
  // (UTC, as the store writes it) as a Dutch date. None for an imported request.
  static constexpr const char* kSql = "SELECT dagtekening, received_at FROM messages WHERE id = ?";
  Stmt s(db_, kSql);
  if (!s.ok()) {
    failed_ = true;
    return std::nullopt;
  }
  s.bind(1, r.message_id);
  int rc = s.step();
  if (rc != SQLITE_ROW) {
    if (rc != SQLITE_DONE) failed_ = true;
    return std::nullopt;
  }
  auto dagtekening = core::parse_date(s.text(0));
  auto at = core::parse_utc_text(s.text(1));
  if (!dagtekening || !at) return std::nullopt;
  return RequestReceipt{*dagtekening, core::dutch_date(*at)};
}

std::vector<L::Request> Ledger::open_requests(standard::Law law, const std::string& aanbieder,
                                              const std::string& bsn_hash) const {
  Stmt s(db_, sql().open_requests.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, bsn_hash);
  return all<L::Request>(s, failed_, read_request<Stmt>);
}

std::optional<L::Declaration> Ledger::declaration(standard::Law law, const std::string& aanbieder,
                                                  const std::string& nummer) const {
  Stmt s(db_, sql().declaration.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, nummer);
  return first<L::Declaration>(s, failed_, read_declaration<Stmt>);
}

std::optional<L::Declaration> Ledger::declaration_by_id(standard::Law law, const std::string& aanbieder,
                                                        const std::string& identificatie) const {
  Stmt s(db_, sql().declaration_by_id.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, identificatie);
  return first<L::Declaration>(s, failed_, read_declaration<Stmt>);
}

std::optional<L::Prestatie> Ledger::prestatie(standard::Law law, const std::string& aanbieder,
                                              const std::string& referentie) const {
  Stmt s(db_, sql().prestatie.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, referentie);
  return first<L::Prestatie>(s, failed_, read_prestatie<Stmt>);
}

L::Integer Ledger::debit_volume(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Stmt s(db_, kDebitVolume);
  s.bind(1, law).bind(2, gemeente).bind(3, nummer);
  return row(s, failed_) == SQLITE_ROW ? s.i64(0) : 0;
}

L::Integer Ledger::debit_cents(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Stmt s(db_, kDebitCents);
  s.bind(1, law).bind(2, gemeente).bind(3, nummer);
  return row(s, failed_) == SQLITE_ROW ? s.i64(0) : 0;
}

std::optional<L::Prestatie> Ledger::debit_for(standard::Law law, const std::string& aanbieder, Integer nummer,
                                              const std::string& categorie, const std::string& code,
                                              const Date& begin, const Date& eind) const {
  Stmt s(db_, sql().debit_for.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, nummer).bind(4, categorie).bind(5, code);
  s.bind(6, format_date(begin)).bind(7, format_date(eind));
  return first<L::Prestatie>(s, failed_, read_prestatie<Stmt>);
}

std::optional<L::Prestatie> Ledger::credit_of(standard::Law law, const std::string& aanbieder,
                                              const std::string& referentie) const {
  Stmt s(db_, sql().credit_of.c_str());
  s.bind(1, law).bind(2, aanbieder).bind(3, referentie);
  return first<L::Prestatie>(s, failed_, read_prestatie<Stmt>);
}

bool Ledger::has_approved_uncredited(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Stmt s(db_, kApprovedUncredited);
  s.bind(1, law).bind(2, gemeente).bind(3, nummer);
  return row(s, failed_) == SQLITE_ROW;
}

std::vector<L::Prestatie> Ledger::prestaties_between(const std::string& aanbieder, const Date& from,
                                                     const Date& to) const {
  Stmt s(db_, sql().between.c_str());
  s.bind(1, aanbieder).bind(2, format_date(from)).bind(3, format_date(to));
  return all<L::Prestatie>(s, failed_, read_prestatie<Stmt>);
}

std::vector<L::Prestatie> Ledger::prestaties_judged(const std::string& aanbieder, const Date& from,
                                                    const Date& to) const {
  Stmt s(db_, sql().judged.c_str());
  s.bind(1, aanbieder).bind(2, format_date(from)).bind(3, format_date(to));
  return all<L::Prestatie>(s, failed_, read_prestatie<Stmt>);
}

std::vector<L::Allocation> Ledger::allocations_of_product(standard::Law law, const std::string& aanbieder,
                                                          const std::string& categorie, const std::string& code,
                                                          const Date& on) const {
  Stmt s(db_, sql().of_product.c_str());
  const std::string day = format_date(on);
  s.bind(1, aanbieder).bind(2, law).bind(3, categorie).bind(4, code).bind(5, day).bind(6, day);
  return all<L::Allocation>(s, failed_, read_allocation<Stmt>);
}

core::Result<void> Ledger::apply(const L::Changes& c) {
  auto step = [this](Stmt& s, const char* what) -> core::Result<void> {
    if (s.step() != SQLITE_DONE) return db_error(db_, what);
    return {};
  };
  for (const auto& a : c.allocations) {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_allocation (law, gemeente, toewijzing_nummer, aanbieder, "
                         "bsn_hash, categorie, code, ingangsdatum, einddatum, reden_wijziging, referentie_aanbieder, "
                         "volume, eenheid, frequentie, budget, toewijzingsdatum, message_id, verdict, verwijzer_type, "
                         "client_turns_18_on) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, a.law).bind(2, a.gemeente).bind(3, a.toewijzing_nummer).bind(4, a.aanbieder).bind(5, a.bsn_hash);
    s.bind(6, a.categorie).bind_opt(7, a.code).bind(8, format_date(a.ingangsdatum)).bind_opt(9, opt_text(a.einddatum));
    s.bind_opt(10, a.reden_wijziging).bind_opt(11, a.referentie_aanbieder).bind_opt(12, a.volume).bind(13, a.eenheid);
    s.bind(14, a.frequentie).bind_opt(15, a.budget).bind(16, format_date(a.toewijzingsdatum)).bind(17, a.message_id);
    s.bind(18, L::to_string(a.verdict)).bind_null_if_empty(19, a.verwijzer_type);
    s.bind_opt(20, opt_text(a.client_turns_18_on));
    if (auto r = step(s, "ledger allocation"); !r) return r;
  }
  auto care = [&](std::string_view kind, const L::CareKey& k, const std::string& reden,
                  const std::optional<L::Date>& eind, const std::string& status,
                  const std::string& msg) -> core::Result<void> {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_care (kind, care_key, law, gemeente, aanbieder, bsn_hash, "
                         "toewijzing_nummer, categorie, code, toewijzing_ingangsdatum, begindatum, reden, einddatum, "
                         "status, message_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, kind).bind(2, care_key(k)).bind(3, k.law).bind(4, k.gemeente).bind(5, k.aanbieder);
    s.bind(6, k.bsn_hash).bind_opt(7, k.toewijzing_nummer).bind(8, k.categorie).bind(9, k.code);
    s.bind_opt(10, opt_text(k.toewijzing_ingangsdatum)).bind(11, format_date(k.begindatum)).bind(12, reden);
    s.bind_opt(13, opt_text(eind)).bind(14, status).bind(15, msg);
    return step(s, "ledger care");
  };
  for (const auto& st : c.starts)
    if (auto r = care("start", st.key, "", std::nullopt, st.status, st.message_id); !r) return r;
  for (const auto& st : c.stops)
    if (auto r = care("stop", st.key, st.reden, st.einddatum, st.status, st.message_id); !r) return r;
  for (const auto& q : c.requests) {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_request (law, aanbieder, referentie, gemeente, type, "
                         "bsn_hash, antwoord, honoured, message_id, verwijzer_type) VALUES (?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, q.law).bind(2, q.aanbieder).bind(3, q.referentie).bind(4, q.gemeente);
    s.bind(5, static_cast<Integer>(q.type)).bind(6, q.bsn_hash).bind(7, q.antwoord);
    s.bind(8, static_cast<Integer>(q.honoured ? 1 : 0)).bind(9, q.message_id).bind_null_if_empty(10, q.verwijzer_type);
    if (auto r = step(s, "ledger request"); !r) return r;
  }
  for (const auto& d : c.declarations) {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_declaration (law, aanbieder, nummer, gemeente, "
                         "identificatie, dagtekening, periode_begin, periode_eind, totaal_cents, bericht_xsd, "
                         "basis_xsd, answered, message_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, d.law).bind(2, d.aanbieder).bind(3, d.nummer).bind(4, d.gemeente).bind(5, d.identificatie);
    s.bind(6, format_date(d.dagtekening)).bind(7, format_date(d.periode_begin)).bind(8, format_date(d.periode_eind));
    s.bind(9, d.totaal_cents).bind(10, d.bericht_xsd).bind(11, d.basis_xsd);
    s.bind(12, static_cast<Integer>(d.answered ? 1 : 0)).bind(13, d.message_id);
    if (auto r = step(s, "ledger declaration"); !r) return r;
  }
  for (const auto& p : c.prestaties) {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_prestatie (law, aanbieder, referentie, vorig_referentie, "
                         "gemeente, toewijzing_nummer, bsn_hash, categorie, code, begin, eind, volume, eenheid, "
                         "cents, credit, verdict, declaratie_nummer, message_id, tarief) "
                         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, p.law).bind(2, p.aanbieder).bind(3, p.referentie).bind(4, p.vorig_referentie).bind(5, p.gemeente);
    s.bind(6, p.toewijzing_nummer).bind(7, p.bsn_hash).bind(8, p.categorie).bind(9, p.code);
    s.bind(10, format_date(p.begin)).bind(11, format_date(p.eind)).bind(12, p.volume).bind(13, p.eenheid);
    s.bind(14, p.cents).bind(15, static_cast<Integer>(p.credit ? 1 : 0)).bind(16, L::to_string(p.verdict));
    s.bind(17, p.declaratie_nummer).bind(18, p.message_id);
    s.bind_opt(19, p.tarief);
    if (auto r = step(s, "ledger prestatie"); !r) return r;
  }
  for (const auto& v : c.declaration_verdicts) {
    Stmt s(db_, "UPDATE ledger_prestatie SET verdict = ? WHERE law = ? AND aanbieder = ? AND "
                         "declaratie_nummer = ?");
    s.bind(1, L::to_string(v.verdict)).bind(2, v.law).bind(3, v.aanbieder).bind(4, v.nummer);
    if (auto r = step(s, "ledger declaration verdict"); !r) return r;
    Stmt u(db_, "UPDATE ledger_declaration SET answered = 1 WHERE law = ? AND aanbieder = ? AND nummer = ?");
    u.bind(1, v.law).bind(2, v.aanbieder).bind(3, v.nummer);
    if (auto r = step(u, "ledger declaration answered"); !r) return r;
  }
  for (const auto& v : c.rejected_allocations) {
    Stmt s(db_, "UPDATE ledger_allocation SET verdict = 'rejected' WHERE law = ? AND gemeente = ? AND "
                         "toewijzing_nummer = ?");
    s.bind(1, v.law).bind(2, v.gemeente).bind(3, v.toewijzing_nummer);
    if (auto r = step(s, "ledger allocation verdict"); !r) return r;
  }
  // A start or stop the receiver rejected keeps its row with status R: it
  // counts as neither delivered nor deleted.
  auto reject_care = [&](std::string_view kind, const L::CareKey& k) -> core::Result<void> {
    Stmt s(db_, "UPDATE ledger_care SET status = 'R' WHERE kind = ? AND care_key = ?");
    s.bind(1, kind).bind(2, care_key(k));
    return step(s, "ledger care verdict");
  };
  for (const auto& k : c.rejected_starts)
    if (auto r = reject_care("start", k); !r) return r;
  for (const auto& k : c.rejected_stops)
    if (auto r = reject_care("stop", k); !r) return r;
  for (const auto& id : c.rejected_messages) {
    for (const char* sql : {"UPDATE ledger_allocation SET verdict = 'rejected' WHERE message_id = ?",
                            "UPDATE ledger_care SET status = 'R' WHERE message_id = ?",
                            "UPDATE ledger_prestatie SET verdict = 'rejected' WHERE message_id = ?",
                            "DELETE FROM ledger_request WHERE message_id = ?"}) {
      Stmt s(db_, sql);
      s.bind(1, id);
      if (auto r = step(s, "ledger message verdict"); !r) return r;
    }
  }
  for (const auto& v : c.prestatie_verdicts) {
    Stmt s(db_, "UPDATE ledger_prestatie SET verdict = ? WHERE law = ? AND aanbieder = ? AND referentie = ?");
    s.bind(1, L::to_string(v.verdict)).bind(2, v.law).bind(3, v.aanbieder).bind(4, v.referentie);
    if (auto r = step(s, "ledger verdict"); !r) return r;
  }
  for (const auto& w : c.contract_warnings) {
    Stmt s(db_, "INSERT OR REPLACE INTO ledger_contract_warning (message_id, kind, contract, year, categorie, "
                "code, law, aanbieder, level, maximum, amount, percent, waarschuwing_procent, contract_row) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind(1, w.message_id).bind(2, L::to_string(w.kind)).bind(3, w.contract).bind(4, static_cast<Integer>(w.year));
    s.bind(5, w.categorie).bind(6, w.code).bind(7, w.law).bind(8, w.aanbieder).bind(9, L::to_string(w.level));
    s.bind(10, w.maximum).bind(11, w.amount).bind(12, static_cast<Integer>(w.percent));
    s.bind(13, static_cast<Integer>(w.waarschuwing_procent)).bind(14, w.row);
    if (auto r = step(s, "ledger contract warning"); !r) return r;
  }
  return {};
}

}  // namespace sluis::store::sqlite
