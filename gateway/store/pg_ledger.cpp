// Internal to the PostgreSQL engine: the ledger tables' reads and writes, as
// sqlite_ledger.cpp is for SQLite, statement for statement.
#include "gateway/store/pg_ledger.hpp"

#include <initializer_list>
#include <string_view>
#include <utility>

#include "gateway/core/clock.hpp"
#include "gateway/store/ledger_key.hpp"
#include "gateway/store/ledger_rows.hpp"

namespace sluis::store::pg {

namespace L = standard::ledger;
using core::format_date;

// Where the same SQL could answer differently on the two engines:
// - SQLite compares text bytewise (BINARY); PostgreSQL by the database's
//   collation, so every ORDER BY on text says COLLATE "C". Range tests on
//   dates keep the column's collation (and its index): format_date's
//   YYYY-MM-DD texts, all of one shape, order alike under any collation.
// - SQLite's reads name their index (INDEXED BY) and answer in its order where
//   the SQL leaves it open: a LIMIT 1 gives the match of the lowest referentie,
//   ties in prestaties_between follow the law. PostgreSQL's planner picks its
//   own index, so those orders are spelled out here.
// - sum() of bigint is numeric: cast back to bigint, SQLite's integer sum.

namespace {

using namespace ledger_rows;  // the columns and readers both engines share

// Reads go through query(): a read that fails is remembered, and the commit
// fails instead of a rule deciding on a missing fact. Every record read
// selects its law first (column 0) and a reader gets it parsed: a law the
// store does not write is a damaged store, a failed read too, never a default.
std::optional<Rows> query(Connection& c, bool& failed, const std::string& sql, const Params& params) {
  auto rows = c.exec(sql, params);
  if (!rows) {
    failed = true;
    return std::nullopt;
  }
  return std::move(*rows);
}

template <class T, class Read>
std::optional<T> first(Connection& c, bool& failed, const std::string& sql, const Params& params, Read read) {
  auto rows = query(c, failed, sql, params);
  if (!rows || rows->empty()) return std::nullopt;
  const Row row{*rows, 0};
  auto law = standard::parse_law(row.text(0));
  if (!law) {
    failed = true;
    return std::nullopt;
  }
  return read(row, *law);
}

template <class T, class Read>
std::vector<T> all(Connection& c, bool& failed, const std::string& sql, const Params& params, Read read) {
  auto rows = query(c, failed, sql, params);
  if (!rows) return {};
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(rows->size()));
  for (int r = 0; r < rows->size(); ++r) {
    const Row row{*rows, r};
    auto law = standard::parse_law(row.text(0));
    if (!law) {
      failed = true;
      return {};
    }
    out.push_back(read(row, *law));
  }
  return out;
}

// SQLite's INSERT OR REPLACE as an upsert: `columns` with the primary key's
// `keys` first; a row of the same key gets every other column (no ledger table
// has another unique constraint, a trigger or a foreign key, so replacing the
// row is updating it).
std::string upsert(const char* table, std::initializer_list<const char*> columns, std::size_t keys) {
  std::string names, values, key, set;
  std::size_t i = 0;
  for (const char* c : columns) {
    const std::string n = std::to_string(i + 1);
    names += (i ? ", " : "") + std::string(c);
    values += (i ? ", $" : "$") + n;
    if (i < keys)
      key += (i ? ", " : "") + std::string(c);
    else
      set += (i > keys ? ", " : "") + std::string(c) + " = EXCLUDED." + c;
    ++i;
  }
  return std::string("INSERT INTO ") + table + " (" + names + ") VALUES (" + values + ") ON CONFLICT (" +
         key + ") DO UPDATE SET " + set;
}

// SQL strings built once.
struct Sql {
  std::string allocation =
      std::string("SELECT ") + kAllocationColumns +
      " FROM ledger_allocation WHERE law = $1 AND gemeente = $2 AND toewijzing_nummer = $3";
  std::string allocations_of =
      std::string("SELECT ") + kAllocationColumns +
      " FROM ledger_allocation WHERE law = $1 AND gemeente = $2 AND aanbieder = $3 AND bsn_hash = $4 AND "
      "verdict != 'rejected' AND COALESCE(reden_wijziging, '') != '13' ORDER BY toewijzing_nummer";
  std::string care =
      std::string("SELECT ") + kCareColumns + " FROM ledger_care WHERE kind = $1 AND care_key = $2";
  // Open: the start counts (1 or 2; not deleted, 3, nor rejected by the
  // receiver, R) and no stop that counts has its key.
  std::string open_starts =
      "SELECT s.law, s.gemeente, s.aanbieder, s.bsn_hash, s.toewijzing_nummer, s.categorie, s.code, "
      "s.toewijzing_ingangsdatum, s.begindatum FROM ledger_care s WHERE s.law = $1 AND s.gemeente = $2 AND "
      "s.aanbieder = $3 AND s.toewijzing_nummer = $4 AND s.kind = 'start' AND s.status IN ('1', '2') "
      "AND NOT EXISTS (SELECT 1 FROM ledger_care t WHERE t.kind = 'stop' AND t.care_key = s.care_key AND "
      "t.status IN ('1', '2')) ORDER BY s.care_key COLLATE \"C\"";
  std::string request = std::string("SELECT ") + kRequestColumns +
                        " FROM ledger_request WHERE law = $1 AND aanbieder = $2 AND referentie = $3";
  std::string receipt = "SELECT dagtekening, received_at FROM messages WHERE id = $1";
  std::string open_requests =
      std::string("SELECT ") + kRequestColumns +
      " FROM ledger_request WHERE law = $1 AND aanbieder = $2 AND bsn_hash = $3 AND honoured = 0 AND "
      "antwoord IN ('', '2') ORDER BY referentie COLLATE \"C\"";
  std::string declaration = std::string("SELECT ") + kDeclarationColumns +
                            " FROM ledger_declaration WHERE law = $1 AND aanbieder = $2 AND nummer = $3";
  std::string declaration_by_id =
      std::string("SELECT ") + kDeclarationColumns +
      " FROM ledger_declaration WHERE law = $1 AND aanbieder = $2 AND identificatie = $3 "
      "ORDER BY nummer COLLATE \"C\" LIMIT 1";
  std::string prestatie = std::string("SELECT ") + kPrestatieColumns +
                          " FROM ledger_prestatie WHERE law = $1 AND aanbieder = $2 AND referentie = $3";
  std::string debit_volume =
      "SELECT COALESCE(SUM(CASE credit WHEN 1 THEN -volume ELSE volume END), 0)::bigint "
      "FROM ledger_prestatie WHERE law = $1 AND gemeente = $2 AND toewijzing_nummer = $3 AND "
      "verdict != 'rejected'";
  std::string debit_cents =
      "SELECT COALESCE(SUM(CASE credit WHEN 1 THEN -cents ELSE cents END), 0)::bigint "
      "FROM ledger_prestatie WHERE law = $1 AND gemeente = $2 AND toewijzing_nummer = $3 AND "
      "verdict != 'rejected'";
  std::string debit_for =
      std::string("SELECT ") + kPrestatieColumns +
      " FROM ledger_prestatie WHERE law = $1 AND aanbieder = $2 AND toewijzing_nummer = $3 AND "
      "categorie = $4 AND code = $5 AND begin = $6 AND eind = $7 AND credit = 0 AND "
      "verdict != 'rejected' ORDER BY referentie COLLATE \"C\" LIMIT 1";
  std::string credit_of =
      std::string("SELECT ") + kPrestatieColumns +
      " FROM ledger_prestatie WHERE law = $1 AND aanbieder = $2 AND vorig_referentie = $3 AND "
      "credit = 1 AND verdict != 'rejected' ORDER BY referentie COLLATE \"C\" LIMIT 1";
  // "verdict != 'rejected'": the partial index ledger_prestatie_allocation's
  // own term, so the planner matches it without proving it.
  std::string approved_uncredited =
      "SELECT 1 FROM ledger_prestatie d WHERE d.law = $1 AND d.gemeente = $2 AND "
      "d.toewijzing_nummer = $3 AND d.credit = 0 AND d.verdict != 'rejected' AND d.verdict = 'approved' "
      "AND NOT EXISTS (SELECT 1 FROM ledger_prestatie c WHERE c.law = d.law AND c.aanbieder = d.aanbieder "
      "AND c.vorig_referentie = d.referentie AND c.credit = 1 AND c.verdict != 'rejected') LIMIT 1";
  std::string between =
      std::string("SELECT ") + kPrestatieColumns +
      " FROM ledger_prestatie WHERE aanbieder = $1 AND begin >= $2 AND begin <= $3 AND "
      "verdict != 'rejected' ORDER BY begin COLLATE \"C\", message_id COLLATE \"C\", "
      "referentie COLLATE \"C\", law COLLATE \"C\"";
  std::string judged =
      std::string("SELECT ") + kPrestatieColumns +
      " FROM ledger_prestatie WHERE aanbieder = $1 AND begin >= $2 AND begin <= $3 "
      "ORDER BY begin COLLATE \"C\", message_id COLLATE \"C\", referentie COLLATE \"C\", "
      "law COLLATE \"C\"";
  std::string of_product =
      std::string("SELECT ") + kAllocationColumns +
      " FROM ledger_allocation WHERE aanbieder = $1 AND law = $2 AND categorie = $3 AND code = $4 AND "
      "verdict != 'rejected' AND COALESCE(reden_wijziging, '') != '13' AND ingangsdatum <= $5 AND "
      "(einddatum IS NULL OR einddatum >= $5) ORDER BY gemeente COLLATE \"C\", toewijzing_nummer";

  std::string put_allocation = upsert(
      "ledger_allocation",
      {"law", "gemeente", "toewijzing_nummer", "aanbieder", "bsn_hash", "categorie", "code", "ingangsdatum",
       "einddatum", "reden_wijziging", "referentie_aanbieder", "volume", "eenheid", "frequentie", "budget",
       "toewijzingsdatum", "message_id", "verdict", "verwijzer_type", "client_turns_18_on"},
      3);
  std::string put_care = upsert(
      "ledger_care",
      {"kind", "care_key", "law", "gemeente", "aanbieder", "bsn_hash", "toewijzing_nummer", "categorie",
       "code", "toewijzing_ingangsdatum", "begindatum", "reden", "einddatum", "status", "message_id"},
      2);
  std::string put_request = upsert("ledger_request",
                                   {"law", "aanbieder", "referentie", "gemeente", "type", "bsn_hash",
                                    "antwoord", "honoured", "message_id", "verwijzer_type"},
                                   3);
  std::string put_declaration = upsert(
      "ledger_declaration",
      {"law", "aanbieder", "nummer", "gemeente", "identificatie", "dagtekening", "periode_begin",
       "periode_eind", "totaal_cents", "bericht_xsd", "basis_xsd", "answered", "message_id"},
      3);
  std::string put_prestatie = upsert(
      "ledger_prestatie",
      {"law", "aanbieder", "referentie", "vorig_referentie", "gemeente", "toewijzing_nummer", "bsn_hash",
       "categorie", "code", "begin", "eind", "volume", "eenheid", "cents", "credit", "verdict",
       "declaratie_nummer", "message_id", "tarief"},
      3);
  std::string put_warning = upsert(
      "ledger_contract_warning",
      {"message_id", "kind", "contract", "year", "categorie", "code", "law", "aanbieder", "level", "maximum",
       "amount", "percent", "waarschuwing_procent", "contract_row"},
      6);
  std::string declaration_verdict =
      "UPDATE ledger_prestatie SET verdict = $1 WHERE law = $2 AND aanbieder = $3 AND declaratie_nummer = $4";
  std::string declaration_answered =
      "UPDATE ledger_declaration SET answered = 1 WHERE law = $1 AND aanbieder = $2 AND nummer = $3";
  std::string reject_allocation =
      "UPDATE ledger_allocation SET verdict = 'rejected' WHERE law = $1 AND gemeente = $2 AND "
      "toewijzing_nummer = $3";
  std::string reject_care = "UPDATE ledger_care SET status = 'R' WHERE kind = $1 AND care_key = $2";
  std::string reject_message[4] = {"UPDATE ledger_allocation SET verdict = 'rejected' WHERE message_id = $1",
                                   "UPDATE ledger_care SET status = 'R' WHERE message_id = $1",
                                   "UPDATE ledger_prestatie SET verdict = 'rejected' WHERE message_id = $1",
                                   "DELETE FROM ledger_request WHERE message_id = $1"};
  std::string prestatie_verdict =
      "UPDATE ledger_prestatie SET verdict = $1 WHERE law = $2 AND aanbieder = $3 AND referentie = $4";
};
const Sql& sql() {
  static const Sql s;
  return s;
}

Params keyed(standard::Law law, const std::string& a, const std::string& b) {
  Params p;
  p.text(standard::to_string(law)).text(a).text(b);
  return p;
}

}  // namespace

std::optional<L::Allocation> Ledger::allocation(standard::Law law, const std::string& gemeente,
                                                Integer nummer) const {
  Params p;
  p.text(standard::to_string(law)).text(gemeente).i64(nummer);
  return first<L::Allocation>(*c_, failed_, sql().allocation, p, read_allocation<Row>);
}

std::vector<L::Allocation> Ledger::allocations_of(standard::Law law, const std::string& gemeente,
                                                  const std::string& aanbieder,
                                                  const std::string& bsn_hash) const {
  Params p = keyed(law, gemeente, aanbieder);
  p.text(bsn_hash);
  return all<L::Allocation>(*c_, failed_, sql().allocations_of, p, read_allocation<Row>);
}

std::optional<L::Start> Ledger::start(const L::CareKey& key) const {
  Params p;
  p.text("start").text(care_key(key));
  return first<L::Start>(*c_, failed_, sql().care, p, [](const Row& r, standard::Law law) {
    return L::Start{read_key(r, law), r.text(11), r.text(12)};
  });
}

std::optional<L::Stop> Ledger::stop(const L::CareKey& key) const {
  Params p;
  p.text("stop").text(care_key(key));
  return first<L::Stop>(*c_, failed_, sql().care, p, [](const Row& r, standard::Law law) {
    return L::Stop{read_key(r, law), r.text(9), date(r.text(10)), r.text(11), r.text(12)};
  });
}

std::vector<L::CareKey> Ledger::open_starts_on(standard::Law law, const std::string& gemeente,
                                               const std::string& aanbieder, Integer nummer) const {
  Params p = keyed(law, gemeente, aanbieder);
  p.i64(nummer);
  return all<L::CareKey>(*c_, failed_, sql().open_starts, p, read_key<Row>);
}

std::optional<L::Request> Ledger::request(standard::Law law, const std::string& aanbieder,
                                          const std::string& referentie) const {
  return first<L::Request>(*c_, failed_, sql().request, keyed(law, aanbieder, referentie), read_request<Row>);
}

std::optional<L::LedgerView::RequestReceipt> Ledger::request_receipt(const L::Request& r) const {
  // The request's own message row: its Dagtekening and when it was received
  // (UTC, as the store writes it) as a Dutch date. None for an imported request.
  Params p;
  p.text(r.message_id);
  auto rows = query(*c_, failed_, sql().receipt, p);
  if (!rows || rows->empty()) return std::nullopt;
  auto dagtekening = core::parse_date(rows->view(0, 0));
  auto at = core::parse_utc_text(rows->view(0, 1));
  if (!dagtekening || !at) return std::nullopt;
  return RequestReceipt{*dagtekening, core::dutch_date(*at)};
}

std::vector<L::Request> Ledger::open_requests(standard::Law law, const std::string& aanbieder,
                                              const std::string& bsn_hash) const {
  return all<L::Request>(*c_, failed_, sql().open_requests, keyed(law, aanbieder, bsn_hash), read_request<Row>);
}

std::optional<L::Declaration> Ledger::declaration(standard::Law law, const std::string& aanbieder,
                                                  const std::string& nummer) const {
  return first<L::Declaration>(*c_, failed_, sql().declaration, keyed(law, aanbieder, nummer),
                               read_declaration<Row>);
}

std::optional<L::Declaration> Ledger::declaration_by_id(standard::Law law, const std::string& aanbieder,
                                                        const std::string& identificatie) const {
  return first<L::Declaration>(*c_, failed_, sql().declaration_by_id, keyed(law, aanbieder, identificatie),
                               read_declaration<Row>);
}

std::optional<L::Prestatie> Ledger::prestatie(standard::Law law, const std::string& aanbieder,
                                              const std::string& referentie) const {
  return first<L::Prestatie>(*c_, failed_, sql().prestatie, keyed(law, aanbieder, referentie),
                             read_prestatie<Row>);
}

L::Integer Ledger::debit_volume(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Params p;
  p.text(standard::to_string(law)).text(gemeente).i64(nummer);
  auto rows = query(*c_, failed_, sql().debit_volume, p);
  return rows && !rows->empty() ? rows->i64(0, 0) : 0;
}

L::Integer Ledger::debit_cents(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Params p;
  p.text(standard::to_string(law)).text(gemeente).i64(nummer);
  auto rows = query(*c_, failed_, sql().debit_cents, p);
  return rows && !rows->empty() ? rows->i64(0, 0) : 0;
}

std::optional<L::Prestatie> Ledger::debit_for(standard::Law law, const std::string& aanbieder, Integer nummer,
                                              const std::string& categorie, const std::string& code,
                                              const Date& begin, const Date& eind) const {
  Params p;
  p.text(standard::to_string(law)).text(aanbieder).i64(nummer).text(categorie).text(code);
  p.text(format_date(begin)).text(format_date(eind));
  return first<L::Prestatie>(*c_, failed_, sql().debit_for, p, read_prestatie<Row>);
}

std::optional<L::Prestatie> Ledger::credit_of(standard::Law law, const std::string& aanbieder,
                                              const std::string& referentie) const {
  return first<L::Prestatie>(*c_, failed_, sql().credit_of, keyed(law, aanbieder, referentie),
                             read_prestatie<Row>);
}

bool Ledger::has_approved_uncredited(standard::Law law, const std::string& gemeente, Integer nummer) const {
  Params p;
  p.text(standard::to_string(law)).text(gemeente).i64(nummer);
  auto rows = query(*c_, failed_, sql().approved_uncredited, p);
  return rows && !rows->empty();
}

std::vector<L::Prestatie> Ledger::prestaties_between(const std::string& aanbieder, const Date& from,
                                                     const Date& to) const {
  Params p;
  p.text(aanbieder).text(format_date(from)).text(format_date(to));
  return all<L::Prestatie>(*c_, failed_, sql().between, p, read_prestatie<Row>);
}

std::vector<L::Prestatie> Ledger::prestaties_judged(const std::string& aanbieder, const Date& from,
                                                    const Date& to) const {
  Params p;
  p.text(aanbieder).text(format_date(from)).text(format_date(to));
  return all<L::Prestatie>(*c_, failed_, sql().judged, p, read_prestatie<Row>);
}

std::vector<L::Allocation> Ledger::allocations_of_product(standard::Law law, const std::string& aanbieder,
                                                          const std::string& categorie,
                                                          const std::string& code, const Date& on) const {
  // $5 twice: the day, both ends of the allocation's period.
  Params p;
  p.text(aanbieder).text(standard::to_string(law)).text(categorie).text(code).text(format_date(on));
  return all<L::Allocation>(*c_, failed_, sql().of_product, p, read_allocation<Row>);
}

core::Result<void> Ledger::apply(const L::Changes& c) {
  // Every write's error names the write (exec's `what`), as the SQLite
  // engine's db_error does.
  const Sql& q = sql();
  for (const auto& a : c.allocations) {
    Params p;
    p.text(standard::to_string(a.law)).text(a.gemeente).i64(a.toewijzing_nummer).text(a.aanbieder);
    p.text(a.bsn_hash).text(a.categorie).text_or_null(a.code).text(format_date(a.ingangsdatum));
    p.text_or_null(opt_text(a.einddatum)).text_or_null(a.reden_wijziging);
    p.text_or_null(a.referentie_aanbieder);
    p.i64_or_null(a.volume).text(a.eenheid).text(a.frequentie).i64_or_null(a.budget);
    p.text(format_date(a.toewijzingsdatum)).text(a.message_id).text(L::to_string(a.verdict));
    p.text_or_null_if_empty(a.verwijzer_type).text_or_null(opt_text(a.client_turns_18_on));
    if (auto r = c_->exec(q.put_allocation, p, "ledger allocation"); !r) return r.error();
  }
  auto care = [&](std::string_view kind, const L::CareKey& k, const std::string& reden,
                  const std::optional<L::Date>& eind, const std::string& status,
                  const std::string& msg) -> core::Result<Rows> {
    Params p;
    p.text(kind).text(care_key(k)).text(standard::to_string(k.law)).text(k.gemeente).text(k.aanbieder);
    p.text(k.bsn_hash).i64_or_null(k.toewijzing_nummer).text(k.categorie).text(k.code);
    p.text_or_null(opt_text(k.toewijzing_ingangsdatum)).text(format_date(k.begindatum)).text(reden);
    p.text_or_null(opt_text(eind)).text(status).text(msg);
    return c_->exec(q.put_care, p, "ledger care");
  };
  for (const auto& st : c.starts)
    if (auto r = care("start", st.key, "", std::nullopt, st.status, st.message_id); !r) return r.error();
  for (const auto& st : c.stops)
    if (auto r = care("stop", st.key, st.reden, st.einddatum, st.status, st.message_id); !r) return r.error();
  for (const auto& r : c.requests) {
    Params p;
    p.text(standard::to_string(r.law)).text(r.aanbieder).text(r.referentie).text(r.gemeente);
    p.i64(r.type).text(r.bsn_hash).text(r.antwoord).i64(r.honoured ? 1 : 0).text(r.message_id);
    p.text_or_null_if_empty(r.verwijzer_type);
    if (auto done = c_->exec(q.put_request, p, "ledger request"); !done) return done.error();
  }
  for (const auto& d : c.declarations) {
    Params p;
    p.text(standard::to_string(d.law)).text(d.aanbieder).text(d.nummer).text(d.gemeente);
    p.text(d.identificatie);
    p.text(format_date(d.dagtekening)).text(format_date(d.periode_begin)).text(format_date(d.periode_eind));
    p.i64(d.totaal_cents).text(d.bericht_xsd).text(d.basis_xsd).i64(d.answered ? 1 : 0).text(d.message_id);
    if (auto r = c_->exec(q.put_declaration, p, "ledger declaration"); !r) return r.error();
  }
  for (const auto& s : c.prestaties) {
    Params p;
    p.text(standard::to_string(s.law)).text(s.aanbieder).text(s.referentie).text(s.vorig_referentie);
    p.text(s.gemeente).i64(s.toewijzing_nummer).text(s.bsn_hash).text(s.categorie).text(s.code);
    p.text(format_date(s.begin)).text(format_date(s.eind)).i64(s.volume).text(s.eenheid).i64(s.cents);
    p.i64(s.credit ? 1 : 0).text(L::to_string(s.verdict)).text(s.declaratie_nummer).text(s.message_id);
    p.i64_or_null(s.tarief);
    if (auto r = c_->exec(q.put_prestatie, p, "ledger prestatie"); !r) return r.error();
  }
  for (const auto& v : c.declaration_verdicts) {
    Params p;
    p.text(L::to_string(v.verdict)).text(standard::to_string(v.law)).text(v.aanbieder).text(v.nummer);
    if (auto r = c_->exec(q.declaration_verdict, p, "ledger declaration verdict"); !r) return r.error();
    const Params key = keyed(v.law, v.aanbieder, v.nummer);
    if (auto r = c_->exec(q.declaration_answered, key, "ledger declaration answered"); !r) return r.error();
  }
  for (const auto& v : c.rejected_allocations) {
    Params p;
    p.text(standard::to_string(v.law)).text(v.gemeente).i64(v.toewijzing_nummer);
    if (auto r = c_->exec(q.reject_allocation, p, "ledger allocation verdict"); !r) return r.error();
  }
  // A start or stop the receiver rejected keeps its row with status R: it
  // counts as neither delivered nor deleted.
  auto reject_care = [&](std::string_view kind, const L::CareKey& k) -> core::Result<Rows> {
    Params p;
    p.text(kind).text(care_key(k));
    return c_->exec(q.reject_care, p, "ledger care verdict");
  };
  for (const auto& k : c.rejected_starts)
    if (auto r = reject_care("start", k); !r) return r.error();
  for (const auto& k : c.rejected_stops)
    if (auto r = reject_care("stop", k); !r) return r.error();
  for (const auto& id : c.rejected_messages) {
    Params p;
    p.text(id);
    for (const std::string& statement : q.reject_message)
      if (auto r = c_->exec(statement, p, "ledger message verdict"); !r) return r.error();
  }
  for (const auto& v : c.prestatie_verdicts) {
    Params p;
    p.text(L::to_string(v.verdict)).text(standard::to_string(v.law)).text(v.aanbieder).text(v.referentie);
    if (auto r = c_->exec(q.prestatie_verdict, p, "ledger verdict"); !r) return r.error();
  }
  for (const auto& w : c.contract_warnings) {
    Params p;
    p.text(w.message_id).text(L::to_string(w.kind)).text(w.contract).i64(w.year).text(w.categorie);
    p.text(w.code).text(standard::to_string(w.law)).text(w.aanbieder).text(L::to_string(w.level));
    p.i64(w.maximum).i64(w.amount).i64(w.percent).i64(w.waarschuwing_procent).text(w.row);
    if (auto r = c_->exec(q.put_warning, p, "ledger contract warning"); !r) return r.error();
  }
  return {};
}

}  // namespace sluis::store::pg
