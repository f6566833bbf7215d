// The PostgreSQL engine's message jobs (gateway/store/pg_messages.hpp) against
// the SQLite engine's (sqlite_messages.hpp), on a real PostgreSQL 15 server
// (tests/support/two_engines.hpp): the same received messages, with the same
// deciders, go through sqlite::insert_message and pg::insert_message (and held
// orphans through both redecide_message) one by one; every outcome and every
// message as the job left it must render alike, and after each step the rows of
// messages, message_bsn, audit, the ledger and the obligations. Then mailbox
// pages for several partners, cursors and limits. Ids the store picks differ
// between the engines: they are compared by the order they were first seen.
// Label `postgresql`.
#define BOOST_TEST_MODULE store_pg_messages
#include "gateway/store/pg_messages.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/core/clock.hpp"
#include "gateway/core/date.hpp"
#include "gateway/core/digest.hpp"
#include "gateway/store/pg.hpp"
#include "gateway/store/pg_ledger.hpp"
#include "gateway/store/sqlite_ledger.hpp"
#include "gateway/store/sqlite_messages.hpp"
#include "gateway/store/store.hpp"
#include "tests/support/store_samples.hpp"
#include "tests/support/two_engines.hpp"

using namespace sluis;
namespace L = standard::ledger;
namespace D = standard::deadlines;
using standard::Law;
using store::CommitOutcome;
using store::Decision;
using store::NewMessage;
using store::State;
using store::StoredMessage;
using store::pg::Connection;

namespace {

core::Date day(const char* s) {
  return *core::parse_date(s);
}
core::Date today() {
  return core::dutch_date(std::chrono::system_clock::now());
}

// ---- rendering, every field ---------------------------------------------------------

std::string show(const StoredMessage& m) {
  std::ostringstream o;
  o << "M{" << m.id << ' ' << m.seq << ' ' << standard::to_string(m.law) << ' ' << m.type << ' '
    << m.berichtcode << ' ' << m.release << ' ' << m.sender_code << ' ' << m.receiver_code << ' '
    << m.sender_partner << " '" << m.receiver_partner << "' " << m.identificatie << ' ' << m.dagtekening
    << " '" << m.identificatie_retour << "' '" << m.heen_id << "' " << m.sha256 << ' ' << m.size
    << " received_at:" << m.received_at.size() << ' ' << store::to_string(m.state) << ' ' << m.attempts
    << " '" << m.next_attempt_at << "' '" << m.last_error << "' '" << m.acked_at << "' " << m.findings_json
    << " '" << m.response_json << "' " << m.http_status << ' ' << m.shadow << " '" << m.destination << "' "
    << (m.delivery ? config::to_string(*m.delivery) : "-") << " '" << store::to_string(m.hold_reason) << "' '"
    << m.lifetime_from << "' '" << m.pruned_at << "' '" << m.declaratie_nummer << "' '" << m.retourcodes
    << "'}";
  return o.str();
}

std::string show(const NewMessage& m) {
  std::ostringstream o;
  o << "N{" << m.id << ' ' << standard::to_string(m.law) << ' ' << m.type << ' ' << m.berichtcode << ' '
    << m.release << ' ' << m.sender_code << ' ' << m.receiver_code << ' ' << m.sender_partner << " '"
    << m.receiver_partner << "' " << m.identificatie << ' ' << m.dagtekening << " '" << m.identificatie_retour
    << "' '" << m.heen_id << "' retour:" << m.retour << " body:" << core::sha256_hex(m.body) << '/'
    << m.body.size() << " sha:" << m.sha256 << ' ' << store::to_string(m.state) << ' ' << m.findings_json
    << ' ' << m.http_status << " '" << m.response_json << "' " << m.shadow << " '" << m.destination << "' "
    << (m.delivery ? config::to_string(*m.delivery) : "-") << " '" << store::to_string(m.hold_reason)
    << "' [";
  for (const auto& h : m.bsn_hashes) o << h << ',';
  o << "] '" << m.declaratie_nummer << "' '" << m.retourcodes << "' decide:" << static_cast<bool>(m.decide)
    << '}';
  return o.str();
}

std::string show(const D::Late& l) {
  std::ostringstream o;
  o << "L{" << l.rule << ' ' << l.path << ' ' << l.line << ':' << l.column << ' '
    << core::format_date(l.basis) << ' ' << core::format_date(l.due) << ' ' << core::format_date(l.received)
    << ' ' << l.late << ' ' << l.werkdagen << '}';
  return o.str();
}

std::string show(const L::ContractWarning& w) {
  std::ostringstream o;
  o << "W{" << standard::to_string(w.law) << ' ' << w.aanbieder << ' ' << w.contract << ' '
    << L::to_string(w.kind) << ' ' << w.year << ' ' << w.categorie << ' ' << w.code << ' '
    << L::to_string(w.level) << ' ' << w.maximum << ' ' << w.amount << ' ' << w.percent << ' '
    << w.waarschuwing_procent << ' ' << w.row << ' ' << w.message_id << '}';
  return o.str();
}

std::string show(const std::string& s) {
  return s;
}

template <class T>
std::string show(const std::vector<T>& v) {
  std::string s = "[";
  for (const auto& x : v) s += show(x) + ", ";
  return s + "]";
}

template <class T>
std::string show(const std::optional<T>& v) {
  return v ? show(*v) : "none";
}

std::string show(const CommitOutcome& out) {
  std::ostringstream o;
  o << "O{id=" << out.id << " replay=" << out.replay << " existing=" << show(out.existing)
    << " conflict=" << show(out.conflict) << " unstored=" << show(out.unstored)
    << " state=" << store::to_string(out.state) << " http=" << out.http_status << " response='"
    << out.response_json << "' produced=" << show(out.produced_ids) << " orphan=" << out.orphan
    << " released=" << show(out.released) << " late=" << show(out.late)
    << " warnings=" << show(out.contract_warnings) << '}';
  return o.str();
}

// The ids an engine picked (new_message_id(): "m" and 23 hex digits) as
// "<picked N>", numbered in the order first seen: the engines pick different
// ones for the same message.
struct Picked {
  std::map<std::string, std::string> labels;
  std::string operator()(const std::string& text) {
    static const std::regex id("\\bm[0-9a-f]{23}\\b");
    std::string out;
    std::size_t at = 0;
    for (std::sregex_iterator i(text.begin(), text.end(), id), end; i != end; ++i) {
      const auto pos = static_cast<std::size_t>(i->position());
      out.append(text, at, pos - at);
      const std::string label = "<picked " + std::to_string(labels.size() + 1) + ">";
      out += labels.emplace(i->str(), label).first->second;
      at = pos + static_cast<std::size_t>(i->length());
    }
    out.append(text, at, std::string::npos);
    return out;
  }
};

// ---- the two engines ---------------------------------------------------------------

struct Engines : test::TwoEngines {
  store::sqlite::Ledger lite_ledger{lite};
  store::pg::Ledger pg_ledger{*pg};
  Picked lite_ids, pg_ids;

  struct Ran {
    core::Result<void> result;
    CommitOutcome out;
    NewMessage m;
  };

  // The SQLite job as the writer runs it (in a transaction of its own here).
  Ran on_lite(const NewMessage& given, bool redecide) {
    Ran r{{}, {}, given};
    BOOST_REQUIRE(sqlite3_exec(lite, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK);
    r.result = redecide ? store::sqlite::redecide_message(lite, lite_ledger, r.m, r.out)
                        : store::sqlite::insert_message(lite, lite_ledger, r.m, r.out);
    BOOST_REQUIRE(sqlite3_exec(lite, r.result ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr) ==
                  SQLITE_OK);
    return r;
  }

  Ran on_pg(const NewMessage& given, bool redecide) {
    Ran r{{}, {}, given};
    r.result = store::pg::transaction(
        *pg, store::pg::Isolation::read_committed, [&](Connection& c) -> core::Result<void> {
          r.out = CommitOutcome{};
          r.m = given;
          return redecide ? store::pg::redecide_message(c, pg_ledger, r.m, r.out)
                          : store::pg::insert_message(c, pg_ledger, r.m, r.out);
        });
    return r;
  }

  // One job on both engines: the same result, outcome and message after the
  // job; then the same rows. The SQLite outcome is returned.
  CommitOutcome job(const std::string& what, const NewMessage& m, bool redecide = false) {
    Ran a = on_lite(m, redecide);
    Ran b = on_pg(m, redecide);
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST_REQUIRE(a.result.has_value(), (a.result ? "" : a.result.error().text));
      BOOST_TEST_REQUIRE(b.result.has_value(), (b.result ? "" : b.result.error().text));
      const std::string sa = lite_ids(show(a.out)), sb = pg_ids(show(b.out));
      BOOST_TEST(sa == sb, "outcome\n  sqlite:     " << sa << "\n  postgresql: " << sb);
      // SQLite stores a judged body over 1 MiB before the judgement and
      // gives its memory back (write_body_first); PostgreSQL keeps it for a
      // run again. The rest of the message must agree.
      NewMessage pm = b.m;
      if (a.m.body.empty() && pm.body.size() > (1u << 20) && !redecide) pm.body.clear();
      // Likewise the decider: SQLite's writer drops it once it has judged (it
      // never runs a job again), PostgreSQL's keeps it. A message handed back
      // unjudged (TR056) goes back whole on both (`unstored`, compared above);
      // a replay or a redecided message that is no orphan is not judged, and
      // keeps it on both.
      if (m.decide && !a.m.decide && !a.out.unstored) pm.decide = nullptr;
      const std::string ma = lite_ids(show(a.m)), mb = pg_ids(show(pm));
      BOOST_TEST(ma == mb, "message\n  sqlite:     " << ma << "\n  postgresql: " << mb);
      same_tables();
    }
    return a.out;
  }

  // A job both engines fail; the two errors. Nothing of it may remain.
  std::pair<core::Error, core::Error> fails(const std::string& what, const NewMessage& m,
                                            bool redecide = false) {
    Ran a = on_lite(m, redecide);
    Ran b = on_pg(m, redecide);
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST_REQUIRE(!a.result.has_value());
      BOOST_TEST_REQUIRE(!b.result.has_value());
      same_tables();
    }
    return {a.result.error(), b.result.error()};
  }

  // SQLite's rows of a SELECT, each rendered "v|v|...|" (NULL as NULL).
  std::vector<std::string> lite_rows(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(lite, sql.c_str(), -1, &st, nullptr) == SQLITE_OK,
                          sqlite3_errmsg(lite) << "\n"
                                               << sql);
    const int n = sqlite3_column_count(st);
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < n; ++i) {
        const auto* t = sqlite3_column_text(st, i);
        row += (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL") + "|";
      }
      out.push_back(lite_ids(row));
    }
    sqlite3_finalize(st);
    return out;
  }

  std::vector<std::string> pg_rows(const std::string& sql) {
    std::vector<std::string> out;
    auto rows = pg->exec(sql);
    BOOST_REQUIRE_MESSAGE(rows.has_value(), (rows.has_error() ? rows.error().text : std::string()) << "\n"
                                                                                                   << sql);
    const int n = PQnfields(rows->get());
    for (int r = 0; r < rows->size(); ++r) {
      std::string row;
      for (int i = 0; i < n; ++i) row += (rows->null(r, i) ? "NULL" : rows->text(r, i)) + "|";
      out.push_back(pg_ids(row));
    }
    return out;
  }

  // SQL function sha256_hex(blob) on the SQLite connection: the digest
  // PostgreSQL's encode(sha256(x), 'hex') gives.
  static void sha256_sql(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[0]));
    const auto n = static_cast<std::size_t>(sqlite3_value_bytes(argv[0]));
    const std::string hex = core::sha256_hex(std::string_view(p ? p : "", p ? n : 0));
    sqlite3_result_text(ctx, hex.c_str(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
  }
  bool sha256_registered = sqlite3_create_function(lite, "sha256_hex", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                                   nullptr, &sha256_sql, nullptr, nullptr) == SQLITE_OK;

  // Every row of every table the jobs write, every column (the body as its
  // SHA-256; of a time written now only its length): the same on both.
  void same_tables() {
    BOOST_REQUIRE(sha256_registered);
    for (const char* table : {"messages", "message_bsn", "audit", "ledger_allocation", "ledger_care",
                              "ledger_request", "ledger_declaration", "ledger_prestatie", "ledger_orphan",
                              "ledger_contract_warning", "obligation"}) {
      std::vector<std::string> cols;
      sqlite3_stmt* st = nullptr;
      sqlite3_prepare_v2(lite, ("PRAGMA table_info(" + std::string(table) + ")").c_str(), -1, &st, nullptr);
      while (sqlite3_step(st) == SQLITE_ROW)
        cols.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
      sqlite3_finalize(st);
      BOOST_REQUIRE(!cols.empty());
      std::string a_list, b_list;
      for (const auto& c : cols) {
        std::string a = c, b = c;
        if (c == "body") {
          // SQLite keeps a large body in message_body. A digest, not the
          // bytes: a body of megabytes as text, searched for ids after every
          // step, was most of this test's time.
          a = "sha256_hex(COALESCE((SELECT message_body.body FROM message_body WHERE message_body.seq = "
              "messages.seq), messages.body))";
          b = "encode(sha256(body), 'hex')";
        } else if (c == "received_at" || (std::string(table) == "audit" && c == "at")) {
          a = b = "length(" + c + ")";
        }
        a_list += (a_list.empty() ? "" : ", ") + a;
        b_list += (b_list.empty() ? "" : ", ") + b;
      }
      auto a = lite_rows("SELECT " + a_list + " FROM " + table);
      auto b = pg_rows("SELECT " + b_list + " FROM " + table);
      // Compared as sets of rows: the server's collation orders text its own way.
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      BOOST_TEST_CONTEXT("table " << table) {
        BOOST_TEST(a == b, boost::test_tools::per_element());
      }
    }
  }

  // One mailbox page from both: the same messages, every field.
  std::vector<StoredMessage> same_mailbox(const store::MailboxQuery& q) {
    auto a = store::sqlite::mailbox(lite, q);
    auto b = store::pg::mailbox(*pg, q);
    BOOST_TEST_CONTEXT("mailbox " << q.partner << " after " << q.after << " limit " << q.limit << " unacked "
                                  << q.unacked_only) {
      BOOST_TEST_REQUIRE(a.has_value(), (a ? "" : a.error().text));
      BOOST_TEST_REQUIRE(b.has_value(), (b ? "" : b.error().text));
      const std::string sa = lite_ids(show(*a)), sb = pg_ids(show(*b));
      BOOST_TEST(sa == sb, "\n  sqlite:     " << sa << "\n  postgresql: " << sb);
    }
    return *a;
  }

  std::int64_t max_seq() {
    auto r = pg->exec("SELECT COALESCE(max(seq), 0) FROM messages");
    BOOST_REQUIRE(r.has_value());
    return r->i64(0, 0);
  }
};

// ---- messages and their judgements ---------------------------------------------

constexpr const char* kGemeente = "0935";
constexpr const char* kAanbieder = "87654321";

// From the provider to the municipality (store_samples.hpp's shape).
NewMessage from_provider(const std::string& id, int type, const std::string& ident, const std::string& body) {
  NewMessage m = test::sample_message(ident, body);
  m.id = id;
  m.law = Law::iwmo;
  m.type = type;
  m.berichtcode = 400 + type % 100;
  m.sender_code = kAanbieder;
  m.receiver_code = kGemeente;
  m.destination = "mailbox-gemeente-m";
  m.delivery = config::DestinationKind::mailbox;
  return m;
}

// From the municipality to the provider.
NewMessage from_gemeente(const std::string& id, int type, const std::string& ident, const std::string& body) {
  NewMessage m = from_provider(id, type, ident, body);
  m.sender_code = kGemeente;
  m.receiver_code = kAanbieder;
  m.sender_partner = "gemeente-m";
  m.receiver_partner = "aanbieder-a";
  m.destination = "push-aanbieder-a";
  m.delivery = config::DestinationKind::push;
  return m;
}

// A retour sluis composes for `heen` (its heen_id left to the store).
NewMessage composed(const NewMessage& heen, int type, const std::string& id) {
  NewMessage r;
  r.id = id;
  r.law = heen.law;
  r.type = type;
  r.berichtcode = 400 + type % 100;
  r.release = heen.release;
  r.sender_code = heen.receiver_code;
  r.receiver_code = heen.sender_code;
  r.sender_partner = "sluis";
  r.receiver_partner = heen.sender_partner;
  r.identificatie = heen.identificatie;
  r.dagtekening = heen.dagtekening;
  r.identificatie_retour = "R-" + heen.identificatie;
  r.body = "<Retour" + std::to_string(type) + ">" + heen.identificatie + "</Retour>";
  r.state = State::queued;
  r.destination = "mailbox-" + heen.sender_partner;
  r.delivery = config::DestinationKind::mailbox;
  r.bsn_hashes = heen.bsn_hashes;
  r.retourcodes = "0001";
  return r;
}

D::Obligation owed(D::Kind kind, const char* rule, const NewMessage& m, const std::string& key, int days) {
  return D::Obligation{
      kind, rule, m.receiver_code, m.sender_code, key, today(), core::add_days(today(), days)};
}

std::string retour_key(const NewMessage& m) {
  return std::to_string(m.type) + ":" + m.sender_code + ":" + m.identificatie;
}

// A 315: the request in the ledger, a retour and an answer owed.
store::Decide request_315(const std::string& referentie) {
  return [referentie](const L::LedgerView&, NewMessage& m) -> core::Result<Decision> {
    Decision d;
    d.changes.requests = {
        L::Request{Law::iwmo, kAanbieder, kGemeente, referentie, 315, "hA", "", false, m.id, "01"}};
    d.obligations = {
        owed(D::Kind::retour, "OP090", m, retour_key(m), 3),
        owed(D::Kind::verzoek_antwoord, "OP274", m, std::string(kAanbieder) + ":" + referentie, 7)};
    return d;
  };
}

// A 301: allocations (releasing the orphans that wait for them), the request
// honoured (its answer met), a retour owed.
store::Decide allocate_301(std::vector<L::Integer> numbers, const std::string& referentie) {
  return [numbers, referentie](const L::LedgerView& v, NewMessage& m) -> core::Result<Decision> {
    Decision d;
    for (L::Integer n : numbers) {
      L::Allocation a;
      a.law = Law::iwmo;
      a.gemeente = kGemeente;
      a.aanbieder = kAanbieder;
      a.toewijzing_nummer = n;
      a.bsn_hash = "hA";
      a.categorie = "04";
      a.code = n % 2 ? std::optional<std::string>("04A01") : std::nullopt;
      a.ingangsdatum = day("2026-01-01");
      if (n % 2) a.einddatum = day("2026-12-31");
      a.referentie_aanbieder = referentie;
      a.volume = 40;
      a.eenheid = "04";
      a.frequentie = "6";
      a.toewijzingsdatum = day("2025-12-20");
      a.message_id = m.id;
      d.changes.allocations.push_back(a);
    }
    if (auto r = v.request(Law::iwmo, kAanbieder, referentie)) {
      r->honoured = true;
      d.changes.requests = {*r};
    }
    d.meets = {D::Meet{D::Kind::verzoek_antwoord, std::string(kAanbieder) + ":" + referentie, today()}};
    d.obligations = {owed(D::Kind::retour, "OP090", m, retour_key(m), 3)};
    m.state = State::queued;
    return d;
  };
}

// A 305: held as an orphan while its allocation is unknown; else the start, a
// 306 composed at once, and a late report. What the judgement saw of the
// message (its body and BSN hashes, read back on a redecide) goes into its
// findings, so the rows compare it. `body_seen` false: a body over 1 MiB at
// its first judgement, which SQLite has already stored and given back
// (store::Decide).
store::Decide start_305(L::Integer nummer, const std::string& retour_id, bool body_seen = true) {
  return [nummer, retour_id, body_seen](const L::LedgerView& v, NewMessage& m) -> core::Result<Decision> {
    Decision d;
    std::string hashes;
    for (const auto& h : m.bsn_hashes) hashes += h + " ";
    m.findings_json = "[\"body " +
                      (body_seen ? core::sha256_hex(m.body) + " " + std::to_string(m.body.size()) : "not read") +
                      "\",\"bsn " + hashes + "\"]";
    auto a = v.allocation(Law::iwmo, kGemeente, nummer);
    if (!a) {
      m.state = State::held;
      m.hold_reason = store::HoldReason::orphan;
      m.http_status = 202;
      d.orphans = {store::OrphanKey{Law::iwmo, kGemeente, nummer}};
      return d;
    }
    m.state = State::queued;
    m.http_status = 200;
    m.response_json = R"({"status":"judged"})";
    L::CareKey k{Law::iwmo,        kGemeente,    a->aanbieder,         a->bsn_hash,
                 nummer,           a->categorie, a->code.value_or(""), a->ingangsdatum,
                 day("2026-02-02")};
    d.changes.starts = {L::Start{k, "1", m.id}};
    d.produced = {composed(m, 306, retour_id)};
    d.late = {D::Late{"OP271", "/Bericht/Client/StartProducten/StartProduct[1]", 12, 7, day("2026-02-02"),
                      day("2026-02-09"), day("2026-02-12"), 3, true}};
    return d;
  };
}

// A 305 waiting for two allocations at once.
store::Decide waits_for_two(L::Integer one, L::Integer two) {
  return [one, two](const L::LedgerView& v, NewMessage& m) -> core::Result<Decision> {
    Decision d;
    if (v.allocation(Law::iwmo, kGemeente, one) && v.allocation(Law::iwmo, kGemeente, two)) {
      m.state = State::queued;
      return d;
    }
    m.state = State::held;
    m.hold_reason = store::HoldReason::orphan;
    d.orphans = {store::OrphanKey{Law::iwmo, kGemeente, one}, store::OrphanKey{Law::iwmo, kGemeente, two},
                 store::OrphanKey{Law::iwmo, kGemeente, one}};
    return d;
  };
}

// A 323: the declaration and its lines, a budget warning, a 325 composed at
// once (its id picked by the store) that meets the answer the 323 makes owed.
store::Decide declare_323() {
  return [](const L::LedgerView& v, NewMessage& m) -> core::Result<Decision> {
    Decision d;
    d.changes.declarations = {L::Declaration{Law::iwmo, kAanbieder, kGemeente, "D-1", m.identificatie,
                                             day("2026-03-02"), day("2026-01-01"), day("2026-02-28"), 13000,
                                             "3.2.0", "3.2.0", true, m.id}};
    for (const char* ref : {"Zq", "aq"}) {
      L::Prestatie p;
      p.law = Law::iwmo;
      p.aanbieder = kAanbieder;
      p.gemeente = kGemeente;
      p.referentie = ref;
      p.toewijzing_nummer = 1001;
      p.bsn_hash = "hA";
      p.categorie = "04";
      p.code = "04A01";
      p.begin = day("2026-01-01");
      p.eind = day("2026-01-31");
      p.volume = 1 + static_cast<L::Integer>(v.debit_volume(Law::iwmo, kGemeente, 1001));
      p.eenheid = "04";
      p.cents = 6500 * p.volume;
      p.tarief = 6500;
      p.verdict = L::Verdict::approved;
      p.declaratie_nummer = "D-1";
      p.message_id = m.id;
      d.changes.prestaties.push_back(p);
    }
    d.changes.contract_warnings = {
        L::ContractWarning{Law::iwmo, kAanbieder, "contract-a", L::WarningKind::budget, 2026, "", "",
                           L::WarningLevel::warning, 1000000, 920000, 92, 90, "plafonds.csv:3", m.id}};
    d.obligations = {owed(D::Kind::declaratie_antwoord, "OP090x4", m, retour_key(m), 14)};
    NewMessage answer = composed(m, 325, "");
    answer.declaratie_nummer = "D-1";
    d.produced = {answer};
    m.state = State::queued;
    return d;
  };
}

}  // namespace

// Message numbers commit in their order (the lock in pg_messages.cpp's
// insert_row): while one node's transaction holds a new number, another's
// insert waits for it to end, so no reader paging by seq can pass a number
// that commits later. The second insert gives up here after 300 ms.
BOOST_AUTO_TEST_CASE(message_numbers_commit_in_their_order) {
  Engines e;
  PGconn* raw = e.pg->get();
  const std::string info = std::string("host=") + PQhost(raw) + " port=" + PQport(raw) + " user=" + PQuser(raw) +
                           " dbname=" + PQdb(raw);
  auto other = Connection::open(info);
  BOOST_REQUIRE(other.has_value());
  store::pg::Ledger first_ledger(*e.pg), second_ledger(*other);
  BOOST_REQUIRE(e.pg->run("BEGIN"));
  NewMessage a = from_provider("m-seq-a", 323, "SEQ-A", "<Bericht>a</Bericht>");
  CommitOutcome out_a;
  BOOST_REQUIRE(store::pg::insert_message(*e.pg, first_ledger, a, out_a));
  // Uncommitted, it holds the number lock: the other node's insert waits.
  BOOST_REQUIRE(other->run("SET lock_timeout = '300ms'"));
  NewMessage b = from_provider("m-seq-b", 323, "SEQ-B", "<Bericht>b</Bericht>");
  CommitOutcome out_b;
  BOOST_REQUIRE(other->run("BEGIN"));
  auto waited = store::pg::insert_message(*other, second_ledger, b, out_b);
  BOOST_REQUIRE(waited.has_error());
  BOOST_TEST(waited.error().text.find("55P03") != std::string::npos, waited.error().text);
  BOOST_REQUIRE(other->run("ROLLBACK"));
  BOOST_REQUIRE(e.pg->run("COMMIT"));
  // Once the first has committed, the second goes in, numbered after it.
  b = from_provider("m-seq-b", 323, "SEQ-B", "<Bericht>b</Bericht>");
  out_b = CommitOutcome{};
  BOOST_REQUIRE(other->run("BEGIN"));
  BOOST_REQUIRE(store::pg::insert_message(*other, second_ledger, b, out_b));
  BOOST_REQUIRE(other->run("COMMIT"));
  auto seqs = e.pg->exec("SELECT id FROM messages WHERE id IN ('m-seq-a', 'm-seq-b') ORDER BY seq");
  BOOST_REQUIRE(seqs.has_value());
  BOOST_REQUIRE(seqs->size() == 2);
  BOOST_TEST(seqs->text(0, 0) == "m-seq-a");
  BOOST_TEST(seqs->text(1, 0) == "m-seq-b");
}

BOOST_AUTO_TEST_CASE(both_engines_store_and_judge_every_message_alike) {
  Engines e;
  e.same_tables();

  // A request: the plain job with its ledger change and obligations.
  auto m315 = from_provider("m-315-1", 315, "V-1", "<Bericht>315</Bericht>");
  m315.bsn_hashes = {"hA"};
  m315.decide = request_315("REF1");
  e.job("a 315", m315);
  // Resent byte for byte: a replay, the decider not asked.
  auto replay = e.job("the same 315 again", m315);
  BOOST_TEST(replay.replay);
  // Another body under its identification: TR056, handed back unstored.
  auto other = m315;
  other.id = "m-315-other";
  other.body = "<Bericht>315 changed</Bericht>";
  other.sha256.clear();
  auto conflict = e.job("another body, same identification", other);
  BOOST_TEST(conflict.conflict.has_value());
  BOOST_TEST(conflict.unstored.has_value());
  // The same committed as rejected is stored, and decides nothing here.
  auto rejected = other;
  rejected.id = "m-315-rejected";
  rejected.state = State::rejected;
  rejected.http_status = 400;
  rejected.findings_json = R"([{"rule":"TR056"}])";
  rejected.decide = nullptr;
  rejected.destination.clear();
  rejected.delivery.reset();
  e.job("the conflict stored as rejected", rejected);
  // Shadow traffic: never a replay of, or in conflict with, live messages.
  auto shadow = m315;
  shadow.id = "m-315-shadow";
  shadow.shadow = true;
  shadow.state = State::held;
  shadow.hold_reason = store::HoldReason::sender_shadow;
  shadow.decide = nullptr;
  e.job("the 315 in shadow", shadow);
  BOOST_TEST(e.job("the shadow 315 again", shadow).replay);
  auto shadow_other = shadow;
  shadow_other.id = "m-315-shadow-2";
  shadow_other.body = "<Bericht>shadow 2</Bericht>";
  shadow_other.sha256.clear();
  BOOST_TEST(e.job("another body in shadow", shadow_other).conflict.has_value());

  // Ids the store picks; no receiver partner (NULL); partners whose names
  // sort one way in bytes and another in Dutch.
  auto plain = test::sample_message("P-1");
  e.job("a message without an id", plain);
  auto nobody = test::sample_message("P-2", "");  // an empty body: an empty blob, not NULL
  nobody.receiver_partner.clear();
  e.job("a message for no known partner", nobody);
  for (const char* partner : {"Zeta", "alpha"})
    for (int i = 0; i < 2; ++i) {
      auto m = test::sample_message(std::string("P-") + partner + std::to_string(i));
      m.id = std::string("m-to-") + partner + std::to_string(i);
      m.receiver_partner = partner;
      m.bsn_hashes = {"Zh", "ah"};
      if (i == 1) {
        m.delivery = config::DestinationKind::push;
        m.destination = "push-" + std::string(partner);
      }
      e.job(std::string("a message to ") + partner, m);
    }

  // An allocation; then the provider's retour on it (keyed on who answers),
  // which closes the 301's retour obligation by its heen_id.
  auto m301 = from_gemeente("m-301-1", 301, "T-1", "<Bericht>301</Bericht>");
  m301.bsn_hashes = {"hA"};
  m301.decide = allocate_301({1001}, "REF1");
  auto allocated = e.job("a 301", m301);
  BOOST_TEST(allocated.released.empty());
  auto retour = from_provider("m-302-1", 302, "T-1", "<Bericht>302</Bericht>");
  retour.sender_code = kAanbieder;
  retour.receiver_code = kGemeente;
  retour.heen_id = "m-301-1";
  retour.retour = true;
  retour.identificatie_retour = "R-T-1";
  retour.retourcodes = "0001,0200";
  e.job("the provider's 302", retour);
  auto foreign = retour;
  foreign.id = "m-302-foreign";
  foreign.sender_partner = "aanbieder-x";
  foreign.state = State::rejected;
  e.job("another partner's 302 with the same header, rejected", foreign);
  BOOST_TEST(e.job("the provider's 302 again", retour).replay);
  auto changed = retour;
  changed.id = "m-302-changed";
  changed.body = "<Bericht>302 changed</Bericht>";
  changed.sha256.clear();
  BOOST_TEST(e.job("the provider's 302 with another body", changed).conflict.has_value());
  // Another answerer's 302, byte for byte the same: stored. A message not
  // keyed on who answers then finds both; the later one is the answer.
  auto second = retour;
  second.id = "m-302-b";
  second.sender_partner = "aanbieder-b";
  second.receiver_code = "0599";
  BOOST_TEST(!e.job("another answerer's identical 302", second).replay);
  auto unkeyed = retour;
  unkeyed.id = "m-302-unkeyed";
  unkeyed.retour = false;
  BOOST_TEST(e.job("the 302 not keyed on its answerer", unkeyed).existing->id == "m-302-b");
  unkeyed.body = "<Bericht>302 unkeyed</Bericht>";
  unkeyed.sha256.clear();
  BOOST_TEST(e.job("the same with another body", unkeyed).conflict->id == "m-302-b");

  // A start on a known allocation: the start, a 306 composed at once (its id
  // given), a late report.
  auto started = from_provider("m-305-ok", 305, "S-1", "<Bericht>305</Bericht>");
  started.bsn_hashes = {"hA"};
  started.decide = start_305(1001, "m-306-ok");
  auto ok = e.job("a 305 on a known allocation", started);
  BOOST_TEST(ok.produced_ids.size() == 1u);
  BOOST_TEST(ok.late.size() == 1u);

  // Orphans: starts on allocations not yet known are held. One body larger
  // than SQLite keeps in its row (message_body there, inline here); ids and
  // hashes that sort one way in bytes and the other in Dutch.
  std::string big(1536u << 10, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
  auto zeta = from_provider("m-Zeta-305", 305, "S-Zeta", big);
  zeta.bsn_hashes = {"ah", "Zh", "Mh"};
  zeta.decide = start_305(1002, "m-306-Zeta", false);
  BOOST_TEST(e.job("an orphan with a large body", zeta).orphan);
  auto alpha = from_provider("m-alpha-305", 305, "S-alpha", "<Bericht>alpha</Bericht>");
  alpha.bsn_hashes = {"hA"};
  alpha.decide = start_305(1002, "m-306-alpha");
  BOOST_TEST(e.job("an orphan", alpha).orphan);
  auto two = from_provider("m-both-305", 305, "S-both", "<Bericht>both</Bericht>");
  two.decide = waits_for_two(1002, 1003);
  BOOST_TEST(e.job("an orphan waiting for two allocations", two).orphan);
  // Not an orphan: redecide does nothing.
  NewMessage again;
  again.id = "m-315-1";
  again.decide = start_305(1002, "m-never");
  BOOST_TEST((e.job("redecide a message that is no orphan", again, true).state == State::received));
  again.id = "m-unknown";
  BOOST_TEST((e.job("redecide an unknown id", again, true).state == State::received));
  // Still waiting: judged again, held again.
  again.id = "m-alpha-305";
  again.decide = start_305(1004, "m-never");
  BOOST_TEST(e.job("redecide an orphan still waiting", again, true).orphan);

  // The allocations arrive: the orphans they release, in SQLite's order.
  auto m301b = from_gemeente("m-301-2", 301, "T-2", "<Bericht>301 two</Bericht>");
  m301b.decide = allocate_301({1002, 1003}, "REF-none");
  auto released = e.job("a 301 that releases orphans", m301b);
  BOOST_TEST(released.released.size() == 2u);  // alpha now waits for 1004
  // Judged again: body and hashes read back, the start and a 306.
  again.id = "m-Zeta-305";
  again.decide = start_305(1002, "m-306-Zeta");
  auto zeta_done = e.job("redecide the large orphan", again, true);
  BOOST_TEST((zeta_done.state == State::queued));
  BOOST_TEST(zeta_done.produced_ids.size() == 1u);
  again.id = "m-both-305";
  again.decide = waits_for_two(1002, 1003);
  e.job("redecide the orphan of two allocations", again, true);
  BOOST_TEST((e.job("redecide it once more", again, true).state == State::received));

  // A declaration answered at once by a 325 whose id the store picks.
  auto m323 = from_provider("m-323-1", 323, "D-1", "<Bericht>323</Bericht>");
  m323.bsn_hashes = {"hA", "hB"};
  m323.declaratie_nummer = "D-1";
  m323.decide = declare_323();
  auto declared = e.job("a 323", m323);
  BOOST_TEST(declared.contract_warnings.size() == 1u);
  BOOST_TEST(e.job("the 323 again", m323).replay);
  auto m323b = m323;
  m323b.id.clear();
  m323b.identificatie = "D-2";
  e.job("a second 323, its id and its 325's picked", m323b);

  // A decider that throws, one that fails: the job fails alone, nothing stays.
  auto throws = from_provider("m-throws", 305, "X-1", "<x/>");
  throws.decide = [](const L::LedgerView&, NewMessage&) -> core::Result<Decision> {
    throw std::runtime_error("judgement broke");
  };
  const auto thrown = e.fails("a throwing decider", throws);
  BOOST_TEST((thrown.first.code == core::Errc::store_decide_failed));
  BOOST_TEST((thrown.second.code == thrown.first.code));
  BOOST_TEST(thrown.second.text == thrown.first.text);
  auto refuses = throws;
  refuses.decide = [](const L::LedgerView&, NewMessage&) -> core::Result<Decision> {
    return core::make_error(core::Errc::store_not_found, "no such thing");
  };
  const auto refused = e.fails("a decider's error", refuses);
  BOOST_TEST((refused.second.code == refused.first.code));
  BOOST_TEST(refused.second.text == refused.first.text);
  // A held orphan whose redecide fails keeps waiting (its orphan rows back).
  again.id = "m-alpha-305";
  again.decide = throws.decide;
  e.fails("a throwing decider on redecide", again, true);

  // A ledger row the store cannot read: the judgement is not committed.
  e.both("UPDATE ledger_prestatie SET law = 'wmo' WHERE referentie = 'Zq'");
  auto reads = from_provider("m-reads", 323, "D-3", "<x/>");
  reads.decide = [](const L::LedgerView& v, NewMessage&) -> core::Result<Decision> {
    (void)v.prestaties_between(kAanbieder, day("2026-01-01"), day("2026-12-31"));
    return Decision{};
  };
  const auto unread = e.fails("a ledger read that fails", reads);
  BOOST_TEST((unread.second.code == core::Errc::store_corrupt), unread.second.text);
  e.both("UPDATE ledger_prestatie SET law = 'iwmo' WHERE referentie = 'Zq'");

  // ---- mailbox pages ----
  e.both(
      "UPDATE messages SET state = 'acknowledged', acked_at = '2026-11-03T10:00:00.000Z' WHERE id = "
      "'m-315-1'");
  e.both("UPDATE messages SET state = 'delivered' WHERE id = 'm-to-Zeta0'");
  e.both(
      "UPDATE messages SET state = 'deferred', attempts = 2, next_attempt_at = '2026-11-03T11:00:00.000Z', "
      "last_error = 'busy' WHERE id = 'm-to-alpha0'");
  e.same_tables();
  const std::int64_t last = e.max_seq();
  BOOST_TEST(last > 10);
  int pages = 0, nonempty = 0;
  for (const char* partner : {"gemeente-m", "aanbieder-a", "Zeta", "alpha", "", "nobody"})
    for (bool unacked : {true, false}) {
      for (std::int64_t after : {std::int64_t{0}, std::int64_t{1}, std::int64_t{5}, last - 3, last, last + 1})
        for (int limit : {-1, 0, 1, 2, 100}) {
          nonempty += e.same_mailbox({partner, after, limit, unacked}).empty() ? 0 : 1;
          ++pages;
        }
      // Paging through with the cursor, two at a time.
      std::int64_t after = 0;
      for (int i = 0; i < 50; ++i) {
        auto page = e.same_mailbox({partner, after, 2, unacked});
        ++pages;
        if (page.empty()) break;
        after = page.back().seq;
      }
    }
  BOOST_TEST(pages > 300);
  BOOST_TEST(nonempty > 50);

  // A stored law neither engine knows: the same error from every row reader.
  e.both("UPDATE messages SET law = 'wmo' WHERE id = 'm-to-Zeta0'");
  auto bad_lite = store::sqlite::mailbox(e.lite, {"Zeta", 0, 10, true});
  auto bad_pg = store::pg::mailbox(*e.pg, {"Zeta", 0, 10, true});
  BOOST_TEST_REQUIRE(bad_lite.has_error());
  BOOST_TEST_REQUIRE(bad_pg.has_error());
  BOOST_TEST((bad_pg.error().code == bad_lite.error().code));
  BOOST_TEST(bad_pg.error().text == bad_lite.error().text);
  e.both("UPDATE messages SET law = 'iwmo' WHERE id = 'm-to-Zeta0'");
  // A query that fails is named.
  auto failed = store::pg::one_row(e.pg->exec("SELECT * FROM no_such_table"), "probe");
  BOOST_TEST_REQUIRE(failed.has_error());
  BOOST_TEST((failed.error().code == core::Errc::store_postgresql));
  BOOST_TEST(failed.error().text.rfind("probe: ", 0) == 0u, failed.error().text);

  // Last (PostgreSQL's identity does not roll back, so later seqs would
  // differ): an id the caller chose twice fails on both, nothing stays.
  auto twice = from_provider("m-315-1", 315, "V-twice", "<Bericht>twice</Bericht>");
  const auto duplicate = e.fails("an id given twice", twice);
  BOOST_TEST((duplicate.second.code == core::Errc::store_postgresql), duplicate.second.text);
  BOOST_TEST(duplicate.second.text.rfind("insert message: ", 0) == 0u, duplicate.second.text);
}
