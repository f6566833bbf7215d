// The decision on a declaration sluis answers for the gemeente (retour =
// "gateway"): accepted with a 325, and the 325 indexed under the keyed hashes
// of the BSNs it names, not under every client of the declaration (an
// all-approved 325 names none; one with a rejected prestatie names that
// prestatie's client).
#define BOOST_TEST_MODULE intake_decide
#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>

#include "gateway/intake/decide.hpp"
#include "tests/support/empty_ledger.hpp"

using namespace sluis;
namespace m = standard::model;
namespace L = standard::ledger;

namespace {

core::Date day(const char* s) {
  return *core::parse_date(s);
}

const char* const kBsns[] = {"999931234", "999900043", "999991243"};

// Three clients (kBsns) of two prestaties each, on allocations 500000001 ... 500000006.
m::Message declaration() {
  m::Bericht323 b;
  b.Header.BerichtCode = 490;
  b.Header.BerichtVersie = 3;
  b.Header.BerichtSubversie = 2;
  b.Header.Afzender = "75302186";
  b.Header.Ontvanger = "0917";
  b.Header.BerichtIdentificatie = {"DECL-1", day("2026-11-03")};
  b.Header.XsdVersie = {"0.1.0", "0.1.0"};
  auto& d = b.Declaratie;
  d.DeclaratieNummer = "D1";
  d.DeclaratiePeriode = {day("2026-10-01"), day("2026-10-31")};
  d.DeclaratieDagtekening = day("2026-11-03");
  int n = 0;
  for (const char* bsn : kBsns) {
    m::Client323 cl;
    cl.Bsn = bsn;
    for (int p = 0; p < 2; ++p) {
      ++n;
      m::Prestatie x;
      x.ProductReferentie.ReferentieNummer = "R" + std::to_string(n);
      x.ToewijzingNummer = 500000000 + n;
      x.ProductCategorie = "45";
      x.ProductCode = "45A04";
      x.ProductPeriode = {day("2026-10-01"), day("2026-10-31")};
      x.GeleverdVolume = 10;
      x.Eenheid = "01";
      x.ProductTarief = 100;
      x.IngediendBedrag = {1000, "D"};
      cl.Prestaties.push_back(x);
    }
    d.Clienten.push_back(cl);
  }
  d.TotaalIngediendBedrag = {1000 * n, "D"};
  m::Message msg{standard::find_message(standard::Law::ijw, 323), "3.2", std::move(b)};
  m::locate(msg);
  return msg;
}

// The provider's allocations, each for the client its prestatie names.
struct Ledger : test::EmptyLedger {
  std::map<I, std::string> bsn_hash_of;  // ToewijzingNummer -> the allocation client's keyed hash
  std::optional<Allocation> allocation(Law law, const std::string& gemeente, I n) const override {
    auto it = bsn_hash_of.find(n);
    if (it == bsn_hash_of.end()) return std::nullopt;
    Allocation a;
    a.law = law;
    a.gemeente = gemeente;
    a.aanbieder = "75302186";
    a.toewijzing_nummer = n;
    a.bsn_hash = it->second;
    a.categorie = "45";
    a.code = "45A04";
    a.ingangsdatum = day("2026-01-01");
    return a;
  }
};

struct Fixture {
  Fixture() : mac(std::make_shared<const core::Hmac>("a key of at least sixteen bytes")) {
    auto hashes = std::make_shared<intake::BsnHashes>();
    for (const char* bsn : kBsns) hashes->emplace(bsn, mac->digest(bsn));
    for (int n = 1; n <= 6; ++n) ledger.bsn_hash_of[500000000 + n] = mac->hex(kBsns[(n - 1) / 2]);
    v.message = std::make_shared<const m::Message>(declaration());
    v.receiver_retour = config::RetourMode::gateway;
    v.sender_partner = "zorg";
    v.today = day("2026-11-04");
    v.bsn_mac = mac;
    v.bsn_hashes = hashes;
    msg.id = "m0000000000000000000001";
    msg.law = standard::Law::ijw;
    msg.type = 323;
    msg.sender_partner = "zorg";
    msg.receiver_partner = "gem";
    msg.state = store::State::queued;
    for (const auto& [bsn, h] : *hashes) msg.bsn_hashes.push_back(core::hex(h));
  }
  store::Decision decided() {
    auto d = intake::decide(v)(ledger, msg);
    BOOST_REQUIRE(d.has_value());
    return std::move(*d);
  }
  std::shared_ptr<const core::Hmac> mac;
  intake::Verdict v;
  Ledger ledger;
  store::NewMessage msg;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(the_composed_325, Fixture)

BOOST_AUTO_TEST_CASE(of_an_all_approved_declaration_names_no_bsn) {
  auto d = decided();
  BOOST_TEST(msg.http_status == 202);
  BOOST_REQUIRE(d.produced.size() == 1u);
  const auto& p = d.produced[0];
  BOOST_TEST(p.type == 325);
  BOOST_TEST(p.body.find("8001") != std::string::npos);
  BOOST_TEST(p.body.find("999931234") == std::string::npos);
  BOOST_TEST(p.bsn_hashes.empty());
  // The declaration itself keeps every client's hash.
  BOOST_TEST(msg.bsn_hashes.size() == 3u);
}

BOOST_AUTO_TEST_CASE(with_a_rejected_prestatie_names_its_client) {
  // Allocation 500000003 (client 2's first prestatie) belongs to another client: TR304, 8187.
  ledger.bsn_hash_of[500000003] = mac->hex("999900067");
  auto d = decided();
  BOOST_TEST(msg.http_status == 202);
  BOOST_REQUIRE(d.produced.size() == 1u);
  const auto& p = d.produced[0];
  BOOST_TEST(p.body.find("8187") != std::string::npos);
  BOOST_TEST(p.body.find(kBsns[1]) != std::string::npos);
  BOOST_TEST((p.bsn_hashes == std::vector<std::string>{mac->hex(kBsns[1])}));
}

BOOST_AUTO_TEST_CASE(a_bsn_the_pool_did_not_hash_is_hashed_with_the_key) {
  v.bsn_hashes = nullptr;
  ledger.bsn_hash_of[500000005] = mac->hex("999900067");
  auto d = decided();
  BOOST_REQUIRE(d.produced.size() == 1u);
  BOOST_TEST((d.produced[0].bsn_hashes == std::vector<std::string>{mac->hex(kBsns[2])}));
}

BOOST_AUTO_TEST_SUITE_END()

// The stored answer names its findings instead of repeating them
// (decide.hpp, answer_body()): the sender gets them back in their place,
// marked advisory when the answer said so; an answer stored whole, or one
// that cannot be read, is given as it is.
BOOST_AUTO_TEST_SUITE(the_answer_body)

const char* const kFindings =
    R"([{"rule":"TR338","retourcode":"8338","path":"/Bericht/Client[1]","nl":"\u00e9\"n","en":"one"},)"
    R"({"rule":"TR389","retourcode":"8389","path":"/Bericht/Client[2]","nl":"twee","en":"two"}])";

BOOST_AUTO_TEST_CASE(puts_the_stored_findings_in_their_place) {
  const std::string stored =
      R"({"id":"M1","status":"rejected","findings":"as-stored","findings_total":2,"retour":"R1"})";
  BOOST_TEST(intake::answer_body(stored, kFindings) ==
             std::string(R"({"id":"M1","status":"rejected","findings":)") +
                 boost::json::serialize(boost::json::parse(kFindings)) + R"(,"findings_total":2,"retour":"R1"})");
}

BOOST_AUTO_TEST_CASE(marks_them_advisory_when_the_answer_did) {
  const auto body = boost::json::parse(intake::answer_body(
      R"({"id":"M1","status":"accepted","findings":"as-stored-advisory","findings_total":2})", kFindings));
  const auto& fs = body.at("findings").as_array();
  BOOST_REQUIRE(fs.size() == 2u);
  for (const auto& f : fs) BOOST_TEST(f.at("advisory").as_bool());
  BOOST_TEST(fs[0].at("nl").as_string() == "\xc3\xa9\"n");
  BOOST_TEST(body.at("findings_total").as_int64() == 2);
}

BOOST_AUTO_TEST_CASE(an_answer_stored_whole_is_given_as_it_is) {
  const std::string whole = R"({"id":"M1","status":"accepted","findings":[{"rule":"TR338","advisory":true}]})";
  BOOST_TEST(intake::answer_body(whole, kFindings) == whole);
  BOOST_TEST(intake::answer_body(R"({"status":"accepted"})", kFindings) == R"({"status":"accepted"})");
  BOOST_TEST(intake::answer_body("not json", kFindings) == "not json");
  // No findings stored: an empty list, not an error.
  BOOST_TEST(intake::answer_body(R"({"findings":"as-stored"})", "") == R"({"findings":[]})");
}

BOOST_AUTO_TEST_SUITE_END()
