// A partner's own messages in the store (Store::partner_messages, answers):
// what each partner sees (sent, and what was passed on to it; never others'),
// the filters, the keyset cursor, the lookup by Identificatie,
// IdentificatieRetour and DeclaratieNummer, the retour found for a message,
// and the indexes SQLite reads them by (EXPLAIN QUERY PLAN). Schema 14's
// backfill of the DeclaratieNummer from the ledger.
#define BOOST_TEST_MODULE store_portal
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/support/temp_store.hpp"

using namespace sluis;
using store::State;
using store::Status;

namespace {

struct Fixture : test::TempStore {
  Fixture() : TempStore("portal") {}
  std::string put(store::NewMessage m) {
    auto r = db->commit_sync(std::move(m));
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
    return r->id;
  }
  // A message from `from` to `to`.
  store::NewMessage msg(const std::string& ident, const std::string& from, const std::string& to,
                        int type = 323, State state = State::queued) {
    auto m = test::sample_message(ident, "<Bericht>" + ident + "</Bericht>");
    m.sender_partner = from;
    m.receiver_partner = to;
    m.type = type;
    m.state = state;
    return m;
  }
  std::vector<std::string> ids(const store::PartnerQuery& q) {
    auto r = db->partner_messages(q);
    BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
    std::vector<std::string> out;
    for (const auto& p : *r) out.push_back(p.message.id);
    return out;
  }
  store::PartnerQuery of(const std::string& partner) {
    store::PartnerQuery q;
    q.partner = partner;
    return q;
  }
  // EXPLAIN QUERY PLAN's details of `sql` on the store's file.
  std::string plan(const std::string& sql) {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open((dir / "sluis.db").c_str(), &h) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    BOOST_REQUIRE_MESSAGE(
        sqlite3_prepare_v2(h, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) == SQLITE_OK,
        sqlite3_errmsg(h));
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW)
      out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "\n";
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(each_partner_sees_what_it_sent_and_what_was_passed_on_to_it, Fixture) {
  const auto a_sent = put(msg("A1", "aanbieder-a", "gemeente-m"));
  const auto b_sent = put(msg("B1", "aanbieder-b", "gemeente-m"));
  const auto m_sent = put(msg("M1", "gemeente-m", "aanbieder-a", 301));
  // Never passed on to the gemeente: rejected, held, shadow.
  const auto a_rejected = put(msg("A2", "aanbieder-a", "gemeente-m", 323, State::rejected));
  auto orphan = msg("A3", "aanbieder-a", "gemeente-m", 305, State::held);
  orphan.hold_reason = store::HoldReason::orphan;
  const auto a_held = put(std::move(orphan));
  auto shadow = msg("A4", "aanbieder-a", "gemeente-m", 323, State::held);
  shadow.shadow = true;
  shadow.hold_reason = store::HoldReason::sender_shadow;
  const auto a_shadow = put(std::move(shadow));
  BOOST_TEST(ids(of("aanbieder-a")) ==
             (std::vector<std::string>{a_shadow, a_held, a_rejected, m_sent, a_sent}));
  BOOST_TEST(ids(of("aanbieder-b")) == (std::vector<std::string>{b_sent}));
  BOOST_TEST(ids(of("gemeente-m")) == (std::vector<std::string>{m_sent, b_sent, a_sent}));
  BOOST_TEST(ids(of("stranger")).empty());
  // The C++ rule says the same of every row.
  for (const auto& id : {a_sent, b_sent, m_sent, a_rejected, a_held, a_shadow}) {
    auto m = db->get(id);
    BOOST_REQUIRE(m.has_value() && m->has_value());
    for (const char* p : {"aanbieder-a", "aanbieder-b", "gemeente-m", "stranger"}) {
      auto seen = ids(of(p));
      BOOST_TEST(
          store::visible_to(**m, p) == (std::find(seen.begin(), seen.end(), id) != seen.end()),
          id << " " << p);
    }
  }
  BOOST_TEST(store::to_string(store::status_of(**db->get(a_held))) == "held");
  BOOST_TEST(store::to_string(store::status_of(**db->get(a_rejected))) == "rejected");
  BOOST_TEST(store::to_string(store::status_of(**db->get(a_sent))) == "accepted");
}

BOOST_FIXTURE_TEST_CASE(filters_select_by_status_state_type_and_time, Fixture) {
  const auto q1 = put(msg("F1", "aanbieder-a", "gemeente-m", 323));
  const auto r1 = put(msg("F2", "aanbieder-a", "gemeente-m", 305, State::rejected));
  auto orphan = msg("F3", "aanbieder-a", "gemeente-m", 307, State::held);
  orphan.hold_reason = store::HoldReason::orphan;
  const auto h1 = put(std::move(orphan));
  auto retour = msg("F1", "sluis", "aanbieder-a", 325);
  retour.heen_id = q1;
  const auto c1 = put(std::move(retour));
  BOOST_REQUIRE(db->ack("aanbieder-a", c1).value());
  auto q = of("aanbieder-a");
  for (auto [status, want] : {std::pair{Status::accepted, q1},
                              {Status::rejected, r1},
                              {Status::held, h1},
                              {Status::composed, c1}}) {
    q.status = status;
    BOOST_TEST(ids(q) == (std::vector<std::string>{want}), store::to_string(status));
  }
  q = of("aanbieder-a");
  q.state = State::acknowledged;
  BOOST_TEST(ids(q) == (std::vector<std::string>{c1}));
  q = of("aanbieder-a");
  q.type = 305;
  BOOST_TEST(ids(q) == (std::vector<std::string>{r1}));
  // Times: received_at of the second message bounds them.
  const auto at = db->get(r1).value()->received_at;
  q = of("aanbieder-a");
  q.until = at;
  for (const auto& id : ids(q)) BOOST_TEST(db->get(id).value()->received_at < at);
  q = of("aanbieder-a");
  q.since = at;
  for (const auto& id : ids(q)) BOOST_TEST(db->get(id).value()->received_at >= at);
  BOOST_TEST(!ids(q).empty());
  q.since = "2999-01-01T00:00:00.000Z";
  BOOST_TEST(ids(q).empty());
}

BOOST_FIXTURE_TEST_CASE(pages_by_keyset_newest_first, Fixture) {
  std::vector<std::string> all;
  for (int i = 0; i < 7; ++i)
    all.insert(all.begin(), put(msg("P" + std::to_string(i), "aanbieder-a", "gemeente-m")));
  for (int i = 0; i < 3; ++i) put(msg("X" + std::to_string(i), "aanbieder-b", "gemeente-m"));
  auto q = of("aanbieder-a");
  q.limit = 3;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto r = db->partner_messages(q);
    BOOST_REQUIRE(r.has_value());
    if (r->empty()) break;
    for (const auto& p : *r) seen.push_back(p.message.id);
    q.before = r->back().message.seq;
  }
  BOOST_TEST(seen == all);
}

BOOST_FIXTURE_TEST_CASE(lookup_by_identificatie_retour_and_declaratienummer, Fixture) {
  auto d = msg("DECL-ID-1", "aanbieder-a", "gemeente-m", 323);
  d.declaratie_nummer = "DN-777";
  const auto decl = put(std::move(d));
  auto answer = msg("S0000000001", "gemeente-m", "aanbieder-a", 325);
  answer.declaratie_nummer = "DN-777";
  answer.retourcodes = "0200";
  const auto ant = put(std::move(answer));
  auto a301 = msg("TW-9", "gemeente-m", "aanbieder-a", 301);
  const auto alloc = put(std::move(a301));
  auto r302 = msg("TW-9", "aanbieder-a", "gemeente-m", 302);
  r302.identificatie_retour = "RET-5";
  r302.heen_id = alloc;
  r302.retourcodes = "0200,8001";
  const auto ret = put(std::move(r302));
  put(msg("DN-777", "aanbieder-b", "gemeente-m",
          323));  // another provider's Identificatie equal to it

  auto q = of("aanbieder-a");
  q.identificatie = "DN-777";
  BOOST_TEST(ids(q) == (std::vector<std::string>{ant, decl}));
  q.identificatie = "DECL-ID-1";
  BOOST_TEST(ids(q) == (std::vector<std::string>{decl}));
  q.identificatie = "RET-5";
  BOOST_TEST(ids(q) == (std::vector<std::string>{ret}));
  q.identificatie = "TW-9";
  BOOST_TEST(ids(q) == (std::vector<std::string>{ret, alloc}));
  q.type = 301;
  BOOST_TEST(ids(q) == (std::vector<std::string>{alloc}));
  q = of("aanbieder-b");
  q.identificatie = "DECL-ID-1";
  BOOST_TEST(ids(q).empty());

  // The retour found for each: the 302 for the 301 (by heen_id).
  q = of("gemeente-m");
  q.identificatie = "TW-9";
  auto r = db->partner_messages(q);
  BOOST_REQUIRE(r.has_value());
  BOOST_REQUIRE(r->size() == 2u);
  BOOST_TEST(r->at(1).message.id == alloc);
  BOOST_REQUIRE(r->at(1).retour.has_value());
  BOOST_TEST(r->at(1).retour->id == ret);
  BOOST_TEST(r->at(1).retour->retourcodes == "0200,8001");
  BOOST_TEST(!r->at(0).retour.has_value());
  auto answers = db->answers(alloc);
  BOOST_REQUIRE(answers.has_value());
  BOOST_TEST(answers->size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_queries_read_by_their_indexes, Fixture) {
  put(msg("I1", "aanbieder-a", "gemeente-m"));
  // The same SQL text partner_messages prepares (sqlite_portal.cpp), its filters on.
  const std::string cols = "id, seq";
  const std::string f =
      " AND +state = 'queued' AND type = 323 AND +received_at >= '' AND +received_at < 'z' AND seq "
      "< 9";
  for (const char* status :
       {" AND +state = 'rejected'", " AND +state = 'held' AND hold_reason = 'orphan'"}) {
    auto p = plan("SELECT " + cols + " FROM messages WHERE sender_partner = 'p'" + status + f +
                  " ORDER BY seq DESC");
    BOOST_TEST(
        p.find("USING INDEX messages_sender (sender_partner=? AND seq<?)") != std::string::npos, p);
  }
  const std::string received =
      "receiver_partner = 'p' AND sender_partner != 'p' AND shadow = 0 AND state NOT IN "
      "('received','held','rejected')";
  auto page = plan("SELECT " + cols + " FROM messages WHERE sender_partner = 'p'" + f +
                   " UNION ALL SELECT " + cols + " FROM messages WHERE " + received + f +
                   " ORDER BY seq DESC LIMIT 51");
  BOOST_TEST(
      page.find("USING INDEX messages_sender (sender_partner=? AND seq<?)") != std::string::npos,
      page);
  BOOST_TEST(
      page.find("USING INDEX messages_mailbox (receiver_partner=? AND seq<?)") != std::string::npos,
      page);
  BOOST_TEST(page.find("TEMP B-TREE") == std::string::npos, page);
  auto lookup =
      plan("SELECT " + cols +
           " FROM messages WHERE id IN (SELECT id FROM messages WHERE identificatie = 'x' UNION "
           "SELECT id "
           "FROM messages WHERE identificatie_retour = 'x' UNION SELECT id FROM messages WHERE "
           "declaratie_nummer = 'x') AND (sender_partner = 'p' OR (" +
           received + "))" + f + " ORDER BY seq DESC LIMIT 51");
  for (const char* index :
       {"messages_identification ", "messages_identificatie_retour ", "messages_declaratie "}) {
    const bool read_by = lookup.find(std::string("INDEX ") + index) != std::string::npos;
    BOOST_TEST(read_by, index << "\n" << lookup);
  }
  BOOST_TEST(lookup.find("SCAN messages\n") == std::string::npos, lookup);
  auto answers = plan(
      "SELECT id FROM messages WHERE heen_id = 'x' OR id IN (SELECT met_by FROM obligation WHERE "
      "message_id = 'x' AND met_by IS NOT NULL) ORDER BY seq");
  BOOST_TEST(answers.find("messages_heen") != std::string::npos, answers);
  BOOST_TEST(answers.find("obligation_message") != std::string::npos, answers);
  BOOST_TEST(answers.find("SCAN messages\n") == std::string::npos, answers);
}

BOOST_FIXTURE_TEST_CASE(schema_14_fills_in_the_declaratienummer_from_the_ledger, Fixture) {
  const auto decl = put(msg("OLD-323", "aanbieder-a", "gemeente-m", 323));
  auto answer = msg("S0000000009", "sluis", "aanbieder-a", 325);
  answer.heen_id = decl;
  const auto ant = put(std::move(answer));
  db.reset();
  // The store as schema 13 left it, with the 323's declaration in the ledger.
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open((dir / "sluis.db").c_str(), &h) == SQLITE_OK);
  const std::string sql =
      std::string(test::kUndoSchema16) +
      "DROP INDEX messages_unacked_mailbox; DROP INDEX messages_identificatie; DROP INDEX "
      "messages_identificatie_retour; DROP INDEX messages_declaratie;"
      "ALTER TABLE messages DROP COLUMN declaratie_nummer; ALTER TABLE messages DROP COLUMN "
      "retourcodes;"
      "INSERT INTO ledger_declaration (law, aanbieder, nummer, gemeente, identificatie, "
      "dagtekening, periode_begin, "
      "periode_eind, totaal_cents, bericht_xsd, basis_xsd, answered, message_id) VALUES ('ijw', "
      "'87654321', "
      "'DN-OLD', '0935', 'OLD-323', '2026-11-02', '2026-10-01', '2026-10-31', 100, '1.0.0', "
      "'1.0.0', 0, '" +
      decl + "'); PRAGMA user_version = 13;";
  char* err = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK,
                        (err ? err : ""));
  sqlite3_close(h);
  open();
  BOOST_TEST(db->get(decl).value()->declaratie_nummer == "DN-OLD");
  BOOST_TEST(db->get(ant).value()->declaratie_nummer == "DN-OLD");
  auto q = of("aanbieder-a");
  q.identificatie = "DN-OLD";
  BOOST_TEST(ids(q) == (std::vector<std::string>{ant, decl}));
}

// GET /v1/status's read (Store::partner_status): the partner's rejected
// messages of the period, newest first, bounded and all counted; the answers
// it owes, overdue or not; its unacknowledged mailbox; never another's.
BOOST_FIXTURE_TEST_CASE(partner_status_reads_one_partners_page, Fixture) {
  const auto r1 = put(msg("S1", "aanbieder-a", "gemeente-m", 305, State::rejected));
  const auto r2 = put(msg("S2", "aanbieder-a", "gemeente-m", 323, State::rejected));
  const auto r3 = put(msg("S3", "aanbieder-a", "gemeente-m", 307, State::rejected));
  put(msg("S4", "aanbieder-a", "gemeente-m", 323));                       // accepted
  put(msg("S5", "aanbieder-b", "gemeente-m", 323, State::rejected));      // another's
  put(msg("S6", "gemeente-m", "aanbieder-a", 301));                       // waiting (queued)
  put(msg("S7", "gemeente-m", "aanbieder-a", 301, State::delivered));     // fetched, not acked
  put(msg("S8", "gemeente-m", "aanbieder-a", 301, State::acknowledged));  // done
  put(msg("S9", "gemeente-m", "aanbieder-b", 301));                       // another's mailbox
  // Two answers owed by aanbieder-a (one overdue), one by aanbieder-b.
  auto owing = [&](const std::string& ident, const std::string& to, const char* due) {
    auto m = msg(ident, "gemeente-m", to, 301, State::acknowledged);
    const core::Date due_on = *core::parse_date(due);
    m.decide = [due_on, ident](const standard::ledger::LedgerView&, store::NewMessage&) -> core::Result<store::Decision> {
      store::Decision d;
      standard::deadlines::Obligation o;
      o.rule = "OP090";
      o.owed_by = "12345678";
      o.owed_to = "0917";
      o.key = "301:0917:" + ident;
      o.opened = core::add_days(due_on, -3);
      o.due = due_on;
      d.obligations.push_back(o);
      return d;
    };
    return put(std::move(m));
  };
  const auto late = owing("O1", "aanbieder-a", "2026-11-02");
  const auto soon = owing("O2", "aanbieder-a", "2026-12-10");
  owing("O3", "aanbieder-b", "2026-11-01");

  store::PartnerStatusQuery q;
  q.partner = "aanbieder-a";
  q.since = "2000-01-01T00:00:00.000Z";
  q.today = "2026-12-04";
  q.max_rejected = 2;
  bool ledger_read = false;
  q.ledger = [&](const standard::ledger::LedgerView&) { ledger_read = true; };
  auto s = db->partner_status(q);
  BOOST_REQUIRE_MESSAGE(s.has_value(), (s.has_error() ? s.error().text : std::string()));
  std::vector<std::string> rejected;
  for (const auto& m : s->rejected) rejected.push_back(m.id);
  BOOST_TEST(rejected == (std::vector<std::string>{r3, r2}), "newest first, at most max_rejected");
  BOOST_TEST(s->rejected_total == 3);
  BOOST_TEST(s->rejected.front().findings_json == "[]");
  BOOST_TEST(s->mailbox_waiting == 2);
  BOOST_TEST(!s->mailbox_oldest_at.empty());
  BOOST_REQUIRE(s->owed.size() == 2u);
  BOOST_TEST(s->owed[0].message_id == late);
  BOOST_TEST(s->owed[1].message_id == soon);
  BOOST_TEST(s->owed[0].due_on == "2026-11-02");
  BOOST_TEST(s->owed_total == 2);
  BOOST_TEST(s->overdue_total == 1);
  BOOST_TEST(ledger_read, "the ledger's view runs in the same read");
  // A period after them all: nothing rejected, the rest unchanged.
  q.since = "2099-01-01T00:00:00.000Z";
  q.ledger = nullptr;
  s = db->partner_status(q);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->rejected.empty());
  BOOST_TEST(s->rejected_total == 0);
  BOOST_TEST(s->mailbox_waiting == 2);
  // A partner with nothing.
  q.partner = "stranger";
  q.since = "2000-01-01T00:00:00.000Z";
  s = db->partner_status(q);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST((s->rejected_total == 0 && s->owed_total == 0 && s->mailbox_waiting == 0));
  BOOST_TEST(s->mailbox_oldest_at.empty());
  (void)r1;
}
