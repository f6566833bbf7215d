// The partner's status page (GET /v1/status, docs/portal.md): one page a
// municipality or a provider reads to see where it stands with sluis.
//
// The page has, for the partner the certificate names:
//   - its rejected messages of the last weeks, newest first, each with every
//     finding explained (rule, retourcode with the standard's text and how
//     to fix it, element, value); at most as many as the store read gave,
//     with the count of all and a link to GET /v1/messages for the rest;
//   - the answers it still owes (the standard's deadlines): what, for which
//     message, owed to whom, due when, overdue or not;
//   - the messages waiting in its mailbox: how many, since when, a link to
//     GET /v1/mailbox;
//   - for a provider, when contract data is loaded: what it is contracted
//     for today and its position in this year's degressive tariff.
// Personal data: a finding's value is masked by whoever made the finding
// (standard/finding.hpp); the page masks again what its element
// (standard/personal_data.hpp) says is personal and any BSN in a value or a
// text, so a finding stored before that rule still shows no BSN or name.
//
// Threading: a pure function over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/portal/page.hpp"
#include "gateway/store/store.hpp"

namespace sluis::portal {

// One contracted product (rules::ContractedProduct, as GET /v1/contract).
struct ContractLine {
  std::string law, categorie, code, naam;
  std::string eenheid;  // the standard's code ("04")
  std::int64_t eurocent = 0;
  std::string from, to;  // YYYY-MM-DD; `to` empty: open
  std::vector<std::string> gemeenten;
};

// One degressive row's position (rules::DegressivePosition, as GET /v1/degressive).
struct DegressiveLine {
  std::string contract, aanbieder;
  int year = 0;
  std::optional<std::int64_t> threshold;  // etmalen; none: not given and not derivable yet
  std::string threshold_source;           // "given", "derived", "none"
  std::int64_t etmalen = 0, approved = 0, pending = 0, reduced_etmalen = 0;
  std::optional<std::int64_t> remaining;  // at the full tariff before the threshold
  int percentage = 0;
};

// The provider's contract part: only when contract data is loaded.
struct ContractView {
  std::string day;  // the Dutch day the products are for
  std::vector<ContractLine> products;
  int year = 0;  // the degressive rows' year
  std::vector<DegressiveLine> degressive;
};

struct PartnerPage {
  std::string partner;  // its id
  std::string role;     // config::to_string(PartnerRole)
  std::vector<std::string> codes;
  std::string today;         // Dutch day YYYY-MM-DD
  std::string since_day;     // the first Dutch day of the rejected messages' window
  int window_days = 31;      // how many days that window is
  std::string generated_at;  // UTC text
  store::PartnerStatus status;
  bool provider = false;                 // it has AGB codes: the contract part applies
  std::optional<ContractView> contract;  // none: no contract data loaded (or not a provider)
};

// At most this many findings are shown per rejected message (the message's
// own page has them all): 200 messages of 100 findings each would make a
// page of megabytes.
inline constexpr std::size_t kFindingsPerMessage = 5;

std::string render_partner_page(const PartnerPage& page, Lang lang);

}  // namespace sluis::portal
