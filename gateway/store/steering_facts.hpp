// The facts a steering report counts (steering/report.hpp), read from the
// store for one period of Dutch days (Store::steering_facts). Codes, dates,
// numbers and keyed hashes only: never a BSN, a name or a message body.
//
// What is read (sqlite_steering.cpp):
//   messages     every live (not shadow) message received in the period:
//                type, codes, the Dutch day of receipt, whether it was
//                rejected, and the retourcodes of the findings sluis gave it
//   answers      the standard's owed answers opened in the period (obligation
//                table): kind, who owes whom, opened, due, met
//   allocations  allocations (not rejected) running in the period or given in it
//   starts       starts whose Begindatum lies from 31 days before the period on
//   stops        stops whose Einddatum lies in the period
//   prestaties   declared prestaties whose Begindatum lies in the period
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/date.hpp"
#include "gateway/standard/catalog.hpp"

namespace sluis::store {

struct SteeringQuery {
  core::Date from{}, to{};  // Dutch days, both included
};

struct SteeringFacts {
  struct Message {
    standard::Law law = standard::Law::iwmo;
    int type = 0;
    std::string sender_code, receiver_code;
    core::Date received{};  // Dutch day
    bool rejected = false;
    bool composed = false;  // a retour or 325 sluis composed in the receiver's name
    std::vector<std::string> retourcodes;  // of sluis's findings, as listed with the message
  };
  struct Answer {
    std::string kind;  // standard::deadlines::Kind
    standard::Law law = standard::Law::iwmo;
    int type = 0;      // the message that made it owed
    std::string owed_by_code, owed_to_code;
    core::Date opened{}, due{};
    std::optional<core::Date> met;
  };
  struct Allocation {
    standard::Law law = standard::Law::iwmo;
    std::string gemeente, aanbieder;
    std::int64_t toewijzing_nummer = 0;
    std::string client;  // keyed BSN hash
    std::string categorie, code;
    core::Date ingangsdatum{};
    std::optional<core::Date> einddatum;
    std::string reden_wijziging;  // empty: a new allocation
    std::optional<std::int64_t> volume;
    std::string eenheid, frequentie;
    std::optional<std::int64_t> budget;  // eurocent
    core::Date toewijzingsdatum{};
    std::string verwijzer;  // Verwijzer/Type of the request it honours (COD327); empty: none known
  };
  struct Care {
    standard::Law law = standard::Law::iwmo;
    std::string gemeente, aanbieder, client;
    std::optional<std::int64_t> toewijzing_nummer;
    std::string categorie, code;
    core::Date begindatum{};
    std::optional<core::Date> einddatum;  // stops
    std::string reden;                    // stops: RedenBeeindiging
  };
  struct Prestatie {
    standard::Law law = standard::Law::iwmo;
    std::string gemeente, aanbieder;
    std::int64_t toewijzing_nummer = 0;
    std::string categorie, code;
    core::Date begin{}, eind{};
    std::int64_t volume = 0;
    std::string eenheid;
    std::int64_t cents = 0;  // signed: a credit counts back
    std::string verdict;     // pending, approved, rejected
  };
  std::vector<Message> messages;
  std::vector<Answer> answers;
  std::vector<Allocation> allocations;
  std::vector<Care> starts, stops;
  std::vector<Prestatie> prestaties;
};

}  // namespace sluis::store
