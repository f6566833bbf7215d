// sluis-load --region: the simulated region at work (region.hpp).
//
// One coroutine per partner on one thread: each keeps one keep-alive
// mutual-TLS connection, sends what its outbox holds (resending the same
// bytes after a failed connection or a 503 until it gets a final answer),
// and in between fetches and acknowledges its mailbox (or reads and removes
// its drop directory's files). What a partner receives drives the episode:
// the municipality allocates after a 315, the provider starts after the 301
// and declares month after month after each 325; partners in
// `retour = "partner"` mode compose and send their own retours (302, 306,
// 316, 308, 325), sluis composes them for the others.
//
// Every message carries what its answer should be (status and the
// retourcodes of the findings); every retour what codes it should carry;
// every delivery is matched to the answer that named its id. Mismatches are
// reported, not thrown: the run goes on and the report lists them.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/core/ids.hpp"
#include "gateway/rules/outcome.hpp"
#include "gateway/tools/region.hpp"
#include "gateway/xml/model_writer.hpp"
#include "gateway/xml/schema_set.hpp"
#include "gateway/xml/validator.hpp"

namespace sluis::region {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
namespace m = standard::model;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using Stream = beast::ssl_stream<beast::tcp_stream>;
using std::chrono::milliseconds;

constexpr auto kPollIdle = milliseconds(20);     // an empty mailbox is asked again after this
constexpr auto kResendBackoff = milliseconds(50);  // a client's pause before it resends
constexpr std::size_t kMaxMismatches = 200;      // listed in the report; all are counted

// What an episode's declarations are: fitting, or breaking one rule.
enum class Kind {
  fit,
  over_volume,
  wrong_unit,
  wrong_tariff,
  unknown_allocation,
  outside_period,
  duplicate,
  number_reused,
  id_reused
};

const char* to_string(Kind k) {
  switch (k) {
    case Kind::fit: return "fit";
    case Kind::over_volume: return "over_volume";
    case Kind::wrong_unit: return "wrong_unit";
    case Kind::wrong_tariff: return "wrong_tariff";
    case Kind::unknown_allocation: return "unknown_allocation";
    case Kind::outside_period: return "outside_period";
    case Kind::duplicate: return "duplicate";
    case Kind::number_reused: return "number_reused";
    case Kind::id_reused: return "id_reused";
  }
  return "?";
}

struct Partner;
struct Episode;

// One message a partner sends, what its answer must be, and what happened.
struct Sent {
  Episode* episode = nullptr;
  int number = 0;  // 301 ... 325
  Partner* from = nullptr;
  Partner* to = nullptr;
  std::string what;  // for the report: "323 2026-05 over_volume"
  std::string bytes;
  int want_status = 202;
  std::vector<std::string> want_codes;  // sorted: the answer's findings' retourcodes
  // 323: ReferentieNummer -> the codes its 325 rejects that prestatie with (the keys, in order: what it rejects)
  std::map<std::string, std::vector<std::string>> reject;
  std::string reject_whole;                   // 323: the code a partner's 325 rejects the whole declaration with
  Sent* answers = nullptr;  // a partner's retour: the heenbericht it answers
  // What happened.
  int status = 0;
  std::string id, retour_id;
  bool delivered = false, retour_delivered = false;
};

struct Partner {
  std::string id, role, code;
  bool answers_itself = false;  // retour = "partner"
  bool push = false;            // receives by push (the run's HTTPS receiver)
  fs::path drop;
  std::unique_ptr<asio::ssl::context> ctx;
  std::unique_ptr<Stream> stream;
  beast::flat_buffer buffer;
  std::deque<Sent*> outbox;
  std::unique_ptr<asio::steady_timer> wake;
  std::map<std::string, int> received;  // delivery id -> times received
  long retours = 0;                     // its own retours sent (their identifications)
  std::size_t node = 0;                 // the sluisd it talks to (RunOptions::nodes)
  bool gemeente() const { return role == "gemeente"; }
};

struct Episode {
  int n = 0;
  Partner* gem = nullptr;
  Partner* zorg = nullptr;
  std::string bsn;
  m::Integer alloc[2] = {0, 0};
  std::vector<std::pair<int, Kind>> plan;  // (month, kind) of each declaration in order
  std::size_t next = 0;
  bool asks_change = false;  // the provider asks for a change (317), the municipality refuses it (319)
  bool stopped_done = false, change_done = false, done = false;
};

struct Response {
  int status = 0;
  std::string body;
  bool keep_alive = true;
};

std::string base36(long v) {
  const char* d = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string s;
  do {
    s.insert(s.begin(), d[v % 36]);
    v /= 36;
  } while (v > 0);
  return s;
}

// A fictional BSN: the next number of 999xxxxx0 .. 999xxxxx9 that passes the
// 11-check (core::bsn_elfproef).
std::string bsn_for(long& counter) {
  for (;;) {
    const long n = 999000000 + (counter++ % 1000000);
    if (std::string s = std::to_string(n); core::bsn_elfproef(s)) return s;
  }
}

core::Date date(int y, int mo, int d) {
  return core::Date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(mo)},
                    std::chrono::day{static_cast<unsigned>(d)}};
}

class Region {
 public:
  Region(const RunOptions& o, asio::io_context& io) : o_(o), io_(io), tick_(io), rng_(o.seed) {
    salt_ = base36(36 + o.seed % (36 * 35)).substr(0, 2);
    alloc_base_ = 200000000 + static_cast<m::Integer>(o.seed % 700) * 100000;
    bsn_counter_ = static_cast<long>(o.seed % 90000);
  }

  int main() {
    if (!load()) return 64;
    if (push_port_ > 0) {
      try {
        acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(
            io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(push_port_)));
      } catch (const std::exception& e) {
        std::cerr << "sluis-load: cannot listen for pushes on 127.0.0.1:" << push_port_ << ": " << e.what() << "\n";
        return 64;
      }
      asio::co_spawn(io_, push_receiver(), asio::detached);
    }
    start_ = Clock::now();
    hard_end_ = start_ + milliseconds(static_cast<long>((o_.seconds + o_.drain) * 1000));
    for (auto& p : partners_) asio::co_spawn(io_, actor(*p), asio::detached);
    asio::co_spawn(io_, conductor(), asio::detached);
    if (o_.progress > 0) asio::co_spawn(io_, reporter(), asio::detached);
    io_.run();
    return report();
  }

 private:
  // ---- set-up ----

  bool load() {
    std::ifstream in(o_.dir / "region.json");
    std::stringstream ss;
    ss << in.rdbuf();
    json::value v;
    try {
      v = json::parse(ss.str());
    } catch (const std::exception& e) {
      std::cerr << "sluis-load: cannot read " << (o_.dir / "region.json") << ": " << e.what() << "\n";
      return false;
    }
    const std::string ca = json::value_to<std::string>(v.at("ca"));
    push_port_ = static_cast<int>(v.at("push_port").to_number<std::int64_t>());
    if (push_port_ > 0) {
      push_ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
      push_ctx_->use_certificate_chain_file(json::value_to<std::string>(v.at("server_cert")));
      push_ctx_->use_private_key_file(json::value_to<std::string>(v.at("server_key")), asio::ssl::context::pem);
      push_ctx_->load_verify_file(ca);  // sluis's client certificate (its server certificate, clientAuth)
      push_ctx_->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
    for (const auto& pv : v.at("partners").as_array()) {
      auto p = std::make_unique<Partner>();
      const auto& o = pv.as_object();
      p->id = json::value_to<std::string>(o.at("id"));
      p->role = json::value_to<std::string>(o.at("role"));
      p->code = json::value_to<std::string>(o.at("code"));
      p->answers_itself = o.at("retour").as_string() == "partner";
      if (o.contains("drop")) p->drop = json::value_to<std::string>(o.at("drop"));
      p->push = o.contains("push");
      p->ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      p->ctx->set_verify_mode(asio::ssl::verify_peer);
      p->ctx->load_verify_file(ca);
      p->ctx->use_certificate_chain_file(json::value_to<std::string>(o.at("cert")));
      p->ctx->use_private_key_file(json::value_to<std::string>(o.at("key")), asio::ssl::context::pem);
      p->wake = std::make_unique<asio::steady_timer>(io_);
      p->node = partners_.size() % o_.nodes.size();
      (p->gemeente() ? gemeenten_ : aanbieders_).push_back(p.get());
      partners_.push_back(std::move(p));
    }
    if (gemeenten_.empty() || aanbieders_.empty()) {
      std::cerr << "sluis-load: the region needs a municipality and a provider\n";
      return false;
    }
    config::SchemasConfig cfg;
    cfg.dir = o_.schemas;
    cfg.packs = {"ijw/3.2"};
    auto set = xml::SchemaSet::load(cfg);
    if (!set) {
      std::cerr << "sluis-load: cannot load the schemas in " << o_.schemas << ": " << set.error().text << "\n";
      return false;
    }
    validator_ = std::make_unique<xml::Validator>(*set, cfg);
    const fs::path c = o_.corpus;
    for (auto [slot, file] : {std::pair{&t315_, c / "xsd/ijw/315/valid-vot.xml"},
                              std::pair{&t301_, c / "xsd/ijw/301/valid-toewijzing.xml"},
                              std::pair{&t305_, c / "xsd/ijw/305/valid-start.xml"},
                              std::pair{&t307_, c / "xsd/ijw/307/valid-stop.xml"},
                              std::pair{&t317_, c / "xsd/ijw/317/valid-vow.xml"},
                              std::pair{&t319_, c / "xsd/ijw/319/valid-antwoord.xml"},
                              std::pair{&t323_, c / "rules/ledger/323-april.xml"}}) {
      std::ifstream f(file, std::ios::binary);
      std::stringstream b;
      b << f.rdbuf();
      auto out = validator_->validate(b.str(), xml::ReadModel::yes);
      if (!out.message) {
        std::cerr << "sluis-load: template " << file << " does not read as a valid message\n";
        return false;
      }
      *slot = std::move(*out.message);
    }
    return true;
  }

  // ---- the story ----

  // The episode's own numbers (identifications, references): unique per run, at most 12 characters.
  std::string ident(const Episode& e, const std::string& tag) const { return salt_ + base36(e.n) + "-" + tag; }

  void begin_episode() {
    auto e = std::make_unique<Episode>();
    e->n = static_cast<int>(episodes_.size());
    e->gem = gemeenten_[rng_() % gemeenten_.size()];
    e->zorg = aanbieders_[rng_() % aanbieders_.size()];
    e->bsn = bsn_for(bsn_counter_);
    e->alloc[0] = alloc_base_ + 2 * e->n;
    e->alloc[1] = alloc_base_ + 2 * e->n + 1;
    e->asks_change = e->n % 4 == 3;  // one episode in four asks for a change
    stats_.requests += e->asks_change;
    // April to August, mostly fitting; every third episode breaks one rule, the kinds in turn.
    for (int month = 4; month <= 8; ++month) e->plan.push_back({month, Kind::fit});
    if (e->n % 3 == 2) {
      static constexpr Kind kBreaks[] = {Kind::over_volume,    Kind::wrong_unit, Kind::wrong_tariff,
                                         Kind::unknown_allocation, Kind::outside_period, Kind::duplicate,
                                         Kind::number_reused,  Kind::id_reused};
      const Kind k = kBreaks[(e->n / 3) % std::size(kBreaks)];
      ++stats_.breaks[to_string(k)];
      const int month = 5 + static_cast<int>(rng_() % 3);  // May to July
      switch (k) {
        case Kind::over_volume:
        case Kind::wrong_unit:
        case Kind::wrong_tariff:
        case Kind::unknown_allocation:
          e->plan[month - 4].second = k;  // that month's declaration breaks
          break;
        case Kind::outside_period:
          e->plan.push_back({9, k});  // September: after the 45A04 allocation ended
          break;
        default:  // declared again, or its numbers reused, right after the month
          e->plan.insert(e->plan.begin() + (month - 4) + 1, {month, k});
      }
    }
    Episode& ep = *e;
    episodes_.push_back(std::move(e));
    ++stats_.episodes;
    // The provider asks for an allocation (315).
    send_client<m::Bericht315>(ep, ep.zorg, ep.gem, 315, date(2026, 2, 20), t315_, [&](m::Client315& c) {
      for (std::size_t i = 0; i < c.AangevraagdeProducten.size(); ++i)
        c.AangevraagdeProducten[i].ReferentieAanbieder = ident(ep, "V" + std::to_string(i));
    });
  }

  // A message of one client (301 ... 317) made from template `t`: the
  // episode's partners, identification and client, then `edit`'s changes.
  template <class B, class F>
  void send_client(Episode& e, Partner* from, Partner* to, int number, core::Date day, const m::Message& t, F&& edit) {
    m::Message msg = t;
    header(msg, from, to, ident(e, std::to_string(number)), day);
    auto& c = *std::get<B>(msg.body).Client;
    c.Bsn = e.bsn;
    edit(c);
    send(e, from, to, number, std::to_string(number), msg);
  }

  void header(m::Message& msg, Partner* from, Partner* to, const std::string& id, core::Date day) {
    msg.header().Afzender = from->code;
    msg.header().Ontvanger = to->code;
    msg.header().BerichtIdentificatie = {id, day};
  }

  Sent& send(Episode& e, Partner* from, Partner* to, int number, std::string what, const m::Message& msg) {
    auto s = std::make_unique<Sent>();
    s->episode = &e;
    s->number = number;
    s->from = from;
    s->to = to;
    s->what = std::move(what);
    s->bytes = xml::write_message(msg);
    Sent& r = *s;
    sent_.push_back(std::move(s));
    from->outbox.push_back(&r);
    from->wake->cancel();
    return r;
  }

  void allocate(Episode& e) {
    send_client<m::Bericht301>(e, e.gem, e.zorg, 301, date(2026, 3, 2), t301_, [&](m::Client301& c) {
      for (std::size_t i = 0; i < c.ToegewezenProducten.size() && i < 2; ++i) {
        c.ToegewezenProducten[i].ToewijzingNummer = e.alloc[i];
        c.ToegewezenProducten[i].ReferentieAanbieder = ident(e, "V" + std::to_string(i));
      }
    });
  }

  void start_care(Episode& e) {
    send_client<m::Bericht305>(e, e.zorg, e.gem, 305, date(2026, 3, 12), t305_, [&](m::Client305& c) {
      for (std::size_t i = 0; i < c.StartProducten.size() && i < 2; ++i) c.StartProducten[i].ToewijzingNummer = e.alloc[i];
    });
  }

  // Care for 45A01 ends with August (after the last declared month).
  void stop_care(Episode& e) {
    send_client<m::Bericht307>(e, e.zorg, e.gem, 307, date(2026, 9, 4), t307_, [&](m::Client307& c) {
      for (auto& p : c.StopProducten) {
        p.ToewijzingNummer = e.alloc[0];
        p.Einddatum = date(2026, 8, 31);
      }
    });
  }

  // The provider asks to change the 45A01 allocation and for a new product next year (317).
  void request_change(Episode& e) {
    send_client<m::Bericht317>(e, e.zorg, e.gem, 317, date(2026, 5, 15), t317_, [&](m::Client317& c) {
      c.Verzoek.ReferentieAanbieder = ident(e, "W");
      for (auto& p : c.Verzoek.OngewijzigdeProducten) p.ToewijzingNummer = e.alloc[1];
      for (auto& p : c.Verzoek.TeWijzigenProducten) p.ToewijzingNummer = e.alloc[0];
      for (auto& p : c.Verzoek.NieuweProducten) {  // after the changed one, not overlapping it (TR361)
        p.GewensteIngangsdatum = date(2027, 1, 1);
        p.Einddatum = date(2027, 6, 30);
      }
    });
  }

  // The municipality refuses the request: "past niet binnen contract" (319, VerzoekAntwoord 1, reden 4).
  void refuse_change(Episode& e) {
    m::Message msg = t319_;
    auto& a = *std::get<m::Bericht319>(msg.body).Antwoord;
    header(msg, e.gem, e.zorg, ident(e, "319"), date(2026, 5, 20));
    a.ReferentieAanbieder = ident(e, "W");
    a.VerzoekAntwoord = "1";
    a.RedenAfwijzingVerzoek = "4";
    a.Woonplaatsbeginsel.reset();
    send(e, e.gem, e.zorg, 319, "319", msg);
  }

  void finish(Episode& e) {
    if (e.done || !e.stopped_done || (e.asks_change && !e.change_done)) return;
    e.done = true;
    ++stats_.finished;
  }

  // The next declaration of the plan, or the stop when the plan is done.
  void declare_next(Episode& e) {
    if (e.next >= e.plan.size()) {
      stop_care(e);
      return;
    }
    const std::size_t k = e.next++;
    const auto [planned, kind] = e.plan[k];
    // A declaration that reuses the month's numbers carries the next month's care.
    const int month = kind == Kind::number_reused || kind == Kind::id_reused ? planned + 1 : planned;
    m::Message msg = t323_;
    auto& b = std::get<m::Bericht323>(msg.body);
    auto& d = b.Declaratie;
    const core::Date first = date(2026, month, 1), last = core::last_of_month(first);
    const core::Date sent_on = core::add_days(last, 4);
    header(msg, e.zorg, e.gem, ident(e, "D" + std::to_string(k)), sent_on);
    d.DeclaratieNummer = salt_ + base36(e.n) + "D" + std::to_string(k);
    d.DeclaratiePeriode = {first, last};
    d.DeclaratieDagtekening = sent_on;
    auto& client = d.Clienten.at(0);
    client.Bsn = e.bsn;
    auto& ps = client.Prestaties;  // [0]: 45A01, 8 uur (2 per week allocated); [1]: 45A04, 225 minutes (240 per month)
    for (std::size_t i = 0; i < ps.size(); ++i) {
      ps[i].ProductReferentie.ReferentieNummer = ident(e, std::to_string(k) + "-" + std::to_string(i));
      ps[i].ToewijzingNummer = e.alloc[i];
      ps[i].ProductPeriode = {first, last};
    }
    std::vector<std::pair<std::size_t, std::string>> rejected;  // prestatie index, code
    int status = 202;
    std::vector<std::string> whole;
    switch (kind) {
      case Kind::fit: break;
      case Kind::over_volume:  // 11 hours where 2 per week are allocated (TR321)
        ps[0].GeleverdVolume = 11;
        ps[0].IngediendBedrag.Bedrag = 11 * *ps[0].ProductTarief;
        rejected.push_back({0, "9321"});
        break;
      case Kind::wrong_unit:  // minutes on an allocation in hours (TR341), and a unit the contract has no tariff in (TR418)
        ps[0].Eenheid = "01";
        rejected.push_back({0, "9341"});
        rejected.push_back({0, "0611"});
        break;
      case Kind::wrong_tariff:  // 90 euro an hour where the contract pays 86,40 (TR418)
        ps[0].ProductTarief = 9000;
        ps[0].IngediendBedrag.Bedrag = ps[0].GeleverdVolume * 9000;
        rejected.push_back({0, "0611"});
        break;
      case Kind::unknown_allocation:  // an allocation number no 301 gave (TR338)
        ps[1].ToewijzingNummer = alloc_base_ + 99000 + e.n % 1000;
        rejected.push_back({1, "9338"});
        break;
      case Kind::outside_period:  // September on the 45A04 allocation that ended in August (TR308)
        rejected.push_back({1, "9308"});
        break;
      case Kind::duplicate:  // the month's care declared again under new numbers (TR389)
        rejected.push_back({0, "9389"});
        rejected.push_back({1, "9389"});
        break;
      case Kind::number_reused:  // the month's DeclaratieNummer on the next month's care (TR333): rejected
        // whole; refused by sluis where it answers, advice where the municipality answers itself.
        d.DeclaratieNummer = salt_ + base36(e.n) + "D" + std::to_string(k - 1);
        status = e.gem->answers_itself ? 202 : 422;
        whole = {"9333"};
        break;
      case Kind::id_reused:  // the month's Identificatie on the next month's care (TR056): refused whole
        msg.header().BerichtIdentificatie.Identificatie = ident(e, "D" + std::to_string(k - 1));
        status = 422;
        whole = {"9056"};
        break;
    }
    m::Integer total = 0;
    for (auto& p : ps) total += p.IngediendBedrag.Bedrag;
    d.TotaalIngediendBedrag.TotaalBedrag = total;
    char label[64];
    std::snprintf(label, sizeof label, "323 %d %s", month, to_string(kind));
    Sent& s = send(e, e.zorg, e.gem, 323, label, msg);
    s.want_status = status;
    for (auto& [i, code] : rejected) {
      s.want_codes.push_back(code);
      s.reject[ps[i].ProductReferentie.ReferentieNummer].push_back(code);
    }
    for (auto& c : whole) s.want_codes.push_back(c);
    if (!whole.empty()) s.reject_whole = whole.front();
    std::sort(s.want_codes.begin(), s.want_codes.end());
    ++stats_.declarations;
  }

  // A partner in `retour = "partner"` mode answers a heenbericht itself.
  void answer_itself(Partner& p, Sent& heen, const m::Message& msg) {
    const core::Date day = core::add_days(msg.header().BerichtIdentificatie.Dagtekening, 1);
    const std::string id = "A" + salt_ + base36(p.retours++);
    m::Message out;
    int number = heen.number + 1;
    if (heen.number == 323) {
      standard::Findings findings;
      const auto& d = std::get<m::Bericht323>(msg.body).Declaratie;
      if (!heen.reject_whole.empty()) {
        standard::Finding f;
        f.origin = "gemeente";
        f.path = "/Bericht/Declaratie/DeclaratieNummer";
        f.retourcode = heen.reject_whole;
        findings.push_back(std::move(f));
      }
      for (const auto& c : d.Clienten)
        for (const auto& pr : c.Prestaties) {
          auto it = heen.reject.find(pr.ProductReferentie.ReferentieNummer);
          if (it == heen.reject.end()) continue;
          for (const auto& code : it->second) {
            standard::Finding f;
            f.origin = "gemeente";
            f.path = pr.src.path();
            f.retourcode = code;
            findings.push_back(std::move(f));
          }
        }
      out = rules::compose_325(msg, findings, m::AntwoordHeader{{id, day}, msg.header().XsdVersie, std::nullopt});
      number = 325;
    } else {
      out = rules::compose_retour(msg, {}, m::RetourHeader{id, day, std::nullopt, msg.header().XsdVersie});
    }
    Sent& s = send(*heen.episode, &p, heen.from, number, std::to_string(number) + " by " + p.id, out);
    s.answers = &heen;
  }

  // ---- what arrives ----

  struct Pending {
    Partner* partner;
    std::string id, bytes;
  };

  void receive(Partner& p, const std::string& id, std::string bytes) {
    ++stats_.received_by[p.push ? "push" : p.drop.empty() ? "mailbox" : "drop"];
    if (++p.received[id] > 1) {
      ++stats_.redeliveries;
      return;
    }
    ++stats_.deliveries;
    auto it = by_id_.find(id);
    if (it == by_id_.end()) {
      pending_.push_back({&p, id, std::move(bytes)});  // its answer is not back yet (or was lost to a kill)
      return;
    }
    deliver(p, *it->second.first, it->second.second, bytes);
  }

  void deliver(Partner& p, Sent& s, bool retour, const std::string& bytes) {
    Partner* want = retour ? s.from : s.to;
    if (&p != want) mismatch(s, "delivered to " + p.id + ", not to " + want->id);
    if (!retour && s.status != 202) mismatch(s, "delivered though answered " + std::to_string(s.status));
    auto out = validator_->validate(bytes, xml::ReadModel::yes);
    if (!out.message) {
      mismatch(s, std::string(retour ? "its retour" : "the message") + " as delivered does not read (" +
                      std::string(xml::to_string(out.verdict)) + ")");
      return;
    }
    const m::Message& msg = *out.message;
    if (retour) {
      s.retour_delivered = true;
      check_retour(s, msg);
      progress(p, s, msg);
      return;
    }
    if (s.status != 202) return;
    s.delivered = true;
    if (bytes != s.bytes) mismatch(s, "delivered with other bytes than were sent");
    s.bytes.clear();  // compared: a long run keeps only what it still needs
    if (s.answers) {  // a partner's own retour reached the heenbericht's sender
      check_retour(*s.answers, msg);
      progress(p, *s.answers, msg);
      return;
    }
    Episode& e = *s.episode;
    if (p.answers_itself) answer_itself(p, s, msg);
    if (s.number == 315) allocate(e);
    if (s.number == 301) start_care(e);
    if (s.number == 317) refuse_change(e);
  }

  // The codes a retour carries besides "all well" (0200, 8001) and "not judged" (0233), against the answer's.
  void check_retour(Sent& heen, const m::Message& retour) {
    std::vector<std::string> codes, rejected;
    m::for_each_class(retour, [&](const m::Src&, const m::Codes& cs) {
      for (const auto& c : cs)
        if (c != "0200" && c != "8001" && c != "0233") codes.push_back(c);
    });
    std::sort(codes.begin(), codes.end());
    if (codes != heen.want_codes) mismatch(heen, "its retour carries [" + join(codes) + "], wanted [" + join(heen.want_codes) + "]");
    if (heen.number == 323 && heen.want_status == 202) {
      const auto& b = std::get<m::Bericht325>(retour.body);
      if (b.DeclaratieAntwoord)
        for (const auto& c : b.DeclaratieAntwoord->Clienten)
          for (const auto& pr : c.Prestaties) rejected.push_back(pr.ProductReferentie.ReferentieNummer);
      std::sort(rejected.begin(), rejected.end());
      std::vector<std::string> wanted;
      for (const auto& r : heen.reject) wanted.push_back(r.first);
      if (rejected != wanted)
        mismatch(heen, "its 325 rejects [" + join(rejected) + "], wanted [" + join(wanted) + "]");
    }
  }

  // A retour reached the heenbericht's sender: the episode's next step.
  void progress(Partner&, Sent& heen, const m::Message&) {
    Episode& e = *heen.episode;
    if (heen.number == 305) {
      declare_next(e);
      if (e.asks_change) request_change(e);
    } else if (heen.number == 323) {
      declare_next(e);
    } else if (heen.number == 307) {
      e.stopped_done = true;
      finish(e);
    } else if (heen.number == 319) {
      e.change_done = true;
      finish(e);
    }
  }

  void answered(Sent& s, const Response& r) {
    s.status = r.status;
    if (r.status != 202) s.bytes.clear();  // never to be delivered: nothing to compare
    json::object body;
    try {
      body = json::parse(r.body).as_object();
    } catch (const std::exception&) {
      mismatch(s, "answer " + std::to_string(r.status) + " is not JSON");
      return;
    }
    std::vector<std::string> codes;
    if (auto* fs = body.if_contains("findings"))
      for (const auto& f : fs->as_array()) {
        if (auto* c = f.as_object().if_contains("retourcode")) codes.push_back(json::value_to<std::string>(*c));
        else ++stats_.advice_without_code;
      }
    std::sort(codes.begin(), codes.end());
    if (r.status != s.want_status || codes != s.want_codes) {
      std::string rules;
      if (auto* fs = body.if_contains("findings"))
        for (const auto& f : fs->as_array())
          if (auto* rule = f.as_object().if_contains("rule")) rules += " " + json::value_to<std::string>(*rule);
      mismatch(s, "answered " + std::to_string(r.status) + " [" + join(codes) + "], wanted " +
                      std::to_string(s.want_status) + " [" + join(s.want_codes) + "]; rules:" + rules);
    }
    if (auto* id = body.if_contains("id"); id && id->is_string()) {
      s.id = json::value_to<std::string>(*id);
      by_id_[s.id] = {&s, false};
    }
    if (auto* id = body.if_contains("retour"); id && id->is_string()) {
      s.retour_id = json::value_to<std::string>(*id);
      by_id_[s.retour_id] = {&s, true};
    }
    // A retour composed by sluis where a partner answers itself (only for a refusal), or none where sluis answers.
    const bool sluis_answers = !s.to->answers_itself || s.status != 202;
    if (s.number != 325 && s.number % 2 == 1 && sluis_answers && s.retour_id.empty() && !s.answers)
      mismatch(s, "no retour named in the answer");
    ++stats_.status[r.status];
    // Deliveries whose answer was not back when they arrived.
    for (auto it = pending_.begin(); it != pending_.end();) {
      auto known = by_id_.find(it->id);
      if (known == by_id_.end()) {
        ++it;
        continue;
      }
      Pending p = std::move(*it);
      it = pending_.erase(it);
      deliver(*p.partner, *known->second.first, known->second.second, p.bytes);
    }
  }

  // ---- the network ----

  asio::awaitable<std::optional<Response>> request(Partner& p, http::verb verb, const std::string& target,
                                                   const std::string* body) {
    try {
      if (!p.stream) {
        p.stream = std::make_unique<Stream>(io_, *p.ctx);
        asio::ip::tcp::resolver r(io_);
        const auto& node = o_.nodes[p.node];
        auto eps = co_await r.async_resolve(node.host, node.port, asio::use_awaitable);
        beast::get_lowest_layer(*p.stream).expires_after(std::chrono::seconds(10));
        co_await beast::get_lowest_layer(*p.stream).async_connect(eps, asio::use_awaitable);
        beast::get_lowest_layer(*p.stream).socket().set_option(asio::ip::tcp::no_delay(true));
        co_await p.stream->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        p.buffer.clear();
        ++stats_.connections;
      }
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, o_.nodes[p.node].host);
      req.keep_alive(true);
      if (body) {
        req.set(http::field::content_type, "application/xml");
        req.body() = *body;
      }
      req.prepare_payload();
      beast::get_lowest_layer(*p.stream).expires_after(std::chrono::seconds(30));
      co_await http::async_write(*p.stream, req, asio::use_awaitable);
      http::response<http::string_body> rsp;
      co_await http::async_read(*p.stream, p.buffer, rsp, asio::use_awaitable);
      Response out{static_cast<int>(rsp.result_int()), std::move(rsp.body()), rsp.keep_alive()};
      if (!out.keep_alive) p.stream.reset();
      co_return out;
    } catch (const std::exception&) {
      p.stream.reset();
      // With several nodes the partner tries the next one, as a client with
      // a load balancer or a list of addresses would.
      p.node = (p.node + 1) % o_.nodes.size();
      co_return std::nullopt;
    }
  }

  asio::awaitable<void> pause(milliseconds d) {
    asio::steady_timer t(io_, d);
    boost::system::error_code ec;
    co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  // Sends one message until it has a final answer (not a failed connection, not a 503).
  asio::awaitable<void> submit(Partner& p, Sent& s) {
    const auto first_try = Clock::now();
    for (;;) {
      auto r = co_await request(p, http::verb::post, "/v1/messages", &s.bytes);
      if (r && r->status != 503) {
        latencies_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - first_try).count());
        answered(s, *r);
        co_return;
      }
      ++stats_.resends;
      if (Clock::now() > hard_end_) {
        mismatch(s, "no final answer before the end of the drain");
        co_return;
      }
      co_await pause(kResendBackoff);
    }
  }

  // One look at the mailbox (or drop directory); true when something came.
  // A push partner's messages come to the receiver instead.
  asio::awaitable<bool> collect(Partner& p) {
    if (p.push) co_return false;
    if (!p.drop.empty()) {
      bool any = false;
      std::error_code ec;
      for (const auto& f : fs::directory_iterator(p.drop, ec)) {
        const std::string name = f.path().filename().string();
        if (name.starts_with(".") || f.path().extension() != ".xml") continue;
        std::ifstream in(f.path(), std::ios::binary);
        std::stringstream b;
        b << in.rdbuf();
        receive(p, f.path().stem().string(), b.str());
        fs::remove(f.path(), ec);  // read: sluis records the pick-up as the acknowledgement
        any = true;
      }
      co_return any;
    }
    auto list = co_await request(p, http::verb::get, "/v1/mailbox?limit=50", nullptr);
    if (!list || list->status != 200) co_return false;
    json::array messages;
    try {
      messages = json::parse(list->body).at("messages").as_array();
    } catch (const std::exception&) {
      co_return false;
    }
    for (const auto& mv : messages) {
      const std::string id = json::value_to<std::string>(mv.at("id"));
      auto got = co_await request(p, http::verb::get, "/v1/mailbox/" + id, nullptr);
      if (!got || got->status != 200) co_return true;
      receive(p, id, std::move(got->body));
      const std::string empty;
      if (!co_await request(p, http::verb::post, "/v1/mailbox/" + id + "/ack", &empty)) co_return true;
    }
    co_return !messages.empty();
  }

  // The push partners' HTTPS endpoint (https://127.0.0.1:<push_port>/<partner id>),
  // requiring sluis's client certificate: each POST with a Sluis-Message-Id is
  // a delivery, answered 200.
  asio::awaitable<void> push_receiver() {
    for (;;) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      co_await acceptor_->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed at the end of the run
      auto stream = std::make_shared<Stream>(beast::tcp_stream(std::move(socket)), *push_ctx_);
      push_streams_.push_back(stream);
      asio::co_spawn(io_, push_session(stream), asio::detached);
    }
  }

  asio::awaitable<void> push_session(std::shared_ptr<Stream> s) {
    try {
      beast::get_lowest_layer(*s).expires_after(std::chrono::seconds(30));
      co_await s->async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
      beast::flat_buffer buffer;
      for (;;) {
        beast::get_lowest_layer(*s).expires_never();  // an idle keep-alive connection: closed at the end
        http::request<http::string_body> req;
        co_await http::async_read(*s, buffer, req, asio::use_awaitable);
        Partner* to = nullptr;
        for (auto& p : partners_)
          if (p->push && req.target() == "/" + p->id) to = p.get();
        http::response<http::string_body> rsp{http::status::ok, req.version()};
        if (!to || req.method() != http::verb::post || req["Sluis-Message-Id"].empty()) {
          rsp.result(http::status::not_found);
          ++stats_.mismatches;
          if (mismatches_.size() < kMaxMismatches)
            mismatches_.push_back("a push to " + std::string(req.target()) + " that no partner receives by push");
        } else {
          receive(*to, std::string(req["Sluis-Message-Id"]), std::move(req.body()));
        }
        rsp.keep_alive(req.keep_alive());
        rsp.prepare_payload();
        co_await http::async_write(*s, rsp, asio::use_awaitable);
        if (!rsp.keep_alive()) break;
      }
    } catch (const std::exception&) {
      // sluis closed the connection (or was killed): it retries what was not answered.
    }
  }

  asio::awaitable<void> actor(Partner& p) {
    while (!finished_) {
      bool busy = false;
      while (!p.outbox.empty() && !finished_) {
        Sent* s = p.outbox.front();
        p.outbox.pop_front();
        co_await submit(p, *s);
        busy = true;
      }
      if (finished_) break;
      busy = co_await collect(p) || busy;
      if (!busy) {
        p.wake->expires_after(kPollIdle);
        boost::system::error_code ec;
        co_await p.wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    p.stream.reset();
  }

  bool settled() const {
    if (!pending_.empty()) return false;
    for (const auto& e : episodes_)
      if (!e->done) return false;
    for (const auto& s : sent_) {
      if (s->status == 0) return false;
      if (s->status == 202 && !s->delivered) return false;
      if (!s->retour_id.empty() && !s->retour_delivered) return false;
    }
    return true;
  }

  asio::awaitable<void> conductor() {
    const auto window = milliseconds(static_cast<long>(o_.seconds * 1000));
    for (long i = 0;; ++i) {
      const auto due = start_ + std::chrono::nanoseconds(static_cast<long long>(i * 1e9 / o_.rate));
      if (due >= start_ + window) break;
      asio::steady_timer t(io_, due);
      boost::system::error_code ec;
      co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!o_.stop_file.empty() && std::filesystem::exists(o_.stop_file, ec)) break;
      begin_episode();
    }
    sending_took_ = std::chrono::duration<double>(Clock::now() - start_).count();
    while (!settled() && Clock::now() < hard_end_) co_await pause(milliseconds(100));
    drained_ = settled();
    finished_ = true;
    for (auto& p : partners_) p->wake->cancel();
    tick_.cancel();
    if (acceptor_) {
      boost::system::error_code ec;
      acceptor_->close(ec);
      for (auto& w : push_streams_)
        if (auto s = w.lock()) beast::get_lowest_layer(*s).close();
    }
  }

  // ---- the report ----

  static double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
  }

  // Every `progress` seconds: the interval's messages and latencies, the totals so far.
  asio::awaitable<void> reporter() {
    std::size_t from = 0;
    const auto every = milliseconds(static_cast<long>(o_.progress * 1000));
    for (auto next = start_ + every; !finished_; next += every) {
      tick_.expires_at(next);
      boost::system::error_code ec;
      co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (finished_) break;  // the report follows
      std::vector<double> slice(latencies_.begin() + static_cast<long>(from), latencies_.end());
      from = latencies_.size();
      std::cout << json::serialize(json::object{
                       {"progress",
                        json::object{{"seconds", std::chrono::duration<double>(Clock::now() - start_).count()},
                                     {"messages", slice.size()},
                                     {"p50_ms", percentile(slice, 0.5)},
                                     {"p99_ms", percentile(slice, 0.99)},
                                     {"max_ms", slice.empty() ? 0.0 : *std::max_element(slice.begin(), slice.end())},
                                     {"episodes", stats_.episodes},
                                     {"finished", stats_.finished},
                                     {"mismatch_count", stats_.mismatches}}}})
                << std::endl;
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  void mismatch(const Sent& s, const std::string& what) {
    ++stats_.mismatches;
    if (mismatches_.size() < kMaxMismatches)
      mismatches_.push_back("episode " + std::to_string(s.episode->n) + " (" + s.from->id + " -> " + s.to->id + ") " +
                            s.what + (s.id.empty() ? "" : " id " + s.id) + ": " + what);
  }

  int report() {
    for (const auto& s : sent_) {
      if (s->status == 0) mismatch(*s, "never answered");
      else if (s->status == 202 && !s->delivered) mismatch(*s, "answered 202, never delivered to " + s->to->id);
      if (!s->retour_id.empty() && !s->retour_delivered) mismatch(*s, "its retour " + s->retour_id + " never reached " + s->from->id);
    }
    for (const auto& p : pending_) {
      ++stats_.mismatches;
      if (mismatches_.size() < kMaxMismatches)
        mismatches_.push_back(p.partner->id + " received " + p.id + ", which no answer named");
    }
    long unfinished = 0;
    for (const auto& e : episodes_) unfinished += !e->done;
    if (unfinished) {
      ++stats_.mismatches;
      mismatches_.push_back(std::to_string(unfinished) + " episodes did not finish");
    }
    const auto& l = latencies_;
    const double took = std::chrono::duration<double>(Clock::now() - start_).count();
    json::object status, breaks, received_by;
    for (auto [code, n] : stats_.status) status[std::to_string(code)] = n;
    for (const auto& [kind, n] : stats_.breaks) breaks[kind] = n;
    for (const auto& [how, n] : stats_.received_by) received_by[how] = n;
    json::array list;
    for (const auto& s : mismatches_) list.push_back(json::string(s));
    std::cout << json::serialize(json::object{{"municipalities", gemeenten_.size()},
                                              {"providers", aanbieders_.size()},
                                              {"episodes", stats_.episodes},
                                              {"finished", stats_.finished},
                                              {"messages", sent_.size()},
                                              {"declarations", stats_.declarations},
                                              {"breaks", breaks},
                                              {"change_requests", stats_.requests},
                                              {"seconds", took},
                                              {"sending_seconds", sending_took_},
                                              {"messages_per_second", sent_.size() / took},
                                              {"p50_ms", percentile(l, 0.5)},
                                              {"p99_ms", percentile(l, 0.99)},
                                              {"max_ms", l.empty() ? 0.0 : *std::max_element(l.begin(), l.end())},
                                              {"status", status},
                                              {"deliveries", stats_.deliveries},
                                              {"received_by", received_by},
                                              {"redeliveries", stats_.redeliveries},
                                              {"resends", stats_.resends},
                                              {"connections", stats_.connections},
                                              {"advice_without_retourcode", stats_.advice_without_code},
                                              {"drained", drained_},
                                              {"mismatch_count", stats_.mismatches},
                                              {"mismatches", list}})
              << std::endl;
    return stats_.mismatches == 0 ? 0 : 1;
  }

  const RunOptions& o_;
  asio::io_context& io_;
  asio::steady_timer tick_;  // the progress lines' clock
  std::mt19937 rng_;
  std::string salt_;
  m::Integer alloc_base_ = 0;
  long bsn_counter_ = 0;
  std::vector<std::unique_ptr<Partner>> partners_;
  std::vector<Partner*> gemeenten_, aanbieders_;
  std::unique_ptr<xml::Validator> validator_;
  int push_port_ = 0;
  std::unique_ptr<asio::ssl::context> push_ctx_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::vector<std::weak_ptr<Stream>> push_streams_;
  m::Message t315_, t301_, t305_, t307_, t317_, t319_, t323_;
  std::vector<std::unique_ptr<Episode>> episodes_;
  std::vector<std::unique_ptr<Sent>> sent_;
  std::map<std::string, std::pair<Sent*, bool>> by_id_;  // answer id -> (message, is its composed retour)
  std::vector<Pending> pending_;
  std::vector<double> latencies_;
  std::vector<std::string> mismatches_;
  Clock::time_point start_{}, hard_end_{};
  double sending_took_ = 0;
  bool finished_ = false, drained_ = false;
  struct {
    long episodes = 0, finished = 0, declarations = 0, deliveries = 0, redeliveries = 0, resends = 0,
         connections = 0, advice_without_code = 0, mismatches = 0;
    long requests = 0;
    std::map<int, long> status;
    std::map<std::string, long> breaks, received_by;
  } stats_;
};

}  // namespace

int run(const RunOptions& o) {
  if (o.rate <= 0 || o.seconds < 0 || o.drain < 0) {
    std::cerr << "sluis-load: --rate must be above 0, --seconds and --drain at least 0\n";
    return 64;
  }
  xml::XercesRuntime runtime;
  asio::io_context io;
  Region region(o, io);
  return region.main();
}

}  // namespace sluis::region
