#include "gateway/intake/partner_status.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <chrono>

#include "gateway/core/async.hpp"
#include "gateway/core/clock.hpp"
#include "gateway/portal/partner_page.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/degressive.hpp"

namespace sluis::intake {

namespace asio = boost::asio;
namespace http = net::http;

namespace {

// The calling partner's AGB codes (8 digits; a gemeente's CBS code has 4).
std::vector<std::string> agb_codes(const config::Partner& p) {
  std::vector<std::string> out;
  for (const auto& c : p.codes)
    if (c.size() == 8) out.push_back(c);
  return out;
}

// The contract part of the page, from the contracts in force and a view of the ledger.
portal::ContractView contract_view(const rules::Contracts& k, const std::vector<std::string>& agb,
                                   const core::Date& today,
                                   const standard::ledger::LedgerView& ledger) {
  portal::ContractView v;
  v.day = core::format_date(today);
  v.year = static_cast<int>(today.year());
  for (const auto& code : agb)
    for (const auto& p : k.contracted_on(code, today)) {
      const rules::Validity period = p.period();
      portal::ContractLine l;
      l.law = std::string(standard::to_string(p.row->wet));
      l.categorie = p.row->categorie;
      l.code = p.row->code;
      l.naam = p.product ? p.product->naam : std::string();
      l.eenheid = p.product ? p.product->eenheid : std::string();
      l.eurocent = p.eurocent;
      l.from = period.from ? core::format_date(*period.from) : std::string();
      l.to = period.to ? core::format_date(*period.to) : std::string();
      l.gemeenten = p.gemeenten;
      v.products.push_back(std::move(l));
    }
  for (const auto& pos : rules::degressive_positions(k, agb, v.year, ledger)) {
    portal::DegressiveLine d;
    d.contract = pos.row->contract;
    d.aanbieder = pos.row->aanbieder;
    d.year = pos.row->jaar;
    d.threshold = pos.threshold.etmalen;
    d.threshold_source = std::string(rules::to_string(pos.threshold.source));
    d.etmalen = pos.etmalen;
    d.approved = pos.approved;
    d.pending = pos.pending;
    d.reduced_etmalen = pos.reduced_etmalen;
    d.remaining = pos.remaining();
    d.percentage = pos.row->percentage;
    v.degressive.push_back(std::move(d));
  }
  return v;
}

}  // namespace

PartnerStatusPage::PartnerStatusPage(store::MessageLog& store, asio::any_io_executor reads)
    : store_(store), reads_(std::move(reads)) {}

void PartnerStatusPage::add_routes(net::Router& r) {
  r.add(http::verb::get, "/v1/status",
        [this](net::Request q, net::RequestContext c) { return show(std::move(q), std::move(c)); });
}

void PartnerStatusPage::set_reference(std::shared_ptr<const rules::ReferenceData> reference) {
  reference_ = std::move(reference);
}

asio::awaitable<net::Response> PartnerStatusPage::show(net::Request req, net::RequestContext ctx) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url)
    co_return net::error_response(http::status::bad_request, "bad_target", "De URL is ongeldig.",
                                  "The URL is not valid.", req);
  if (!url->params().empty()) {
    const std::string key = net::echoed(std::string((*url->params().begin()).key));
    co_return net::error_response(
        http::status::bad_request, "unknown_parameter",
        "Onbekende parameter \"" + key + "\"; GET /v1/status kent geen parameters.",
        "Unknown parameter \"" + key + "\"; GET /v1/status takes no parameters.", req);
  }
  const portal::Lang lang = net::prefers_english(req) ? portal::Lang::en : portal::Lang::nl;
  const auto now = std::chrono::system_clock::now();
  const core::Date today = core::dutch_date(now);
  const core::Date since = core::add_days(today, -(kWindowDays - 1));

  portal::PartnerPage page;
  page.partner = ctx.partner->id;
  page.role = std::string(config::to_string(ctx.partner->role));
  page.codes = ctx.partner->codes;
  page.today = core::format_date(today);
  page.since_day = core::format_date(since);
  page.window_days = kWindowDays;
  page.generated_at = core::utc_text(now);
  const std::vector<std::string> agb = agb_codes(*ctx.partner);
  page.provider = !agb.empty();
  // Taken now, on the io thread (which swaps it on reload); kept alive by the read.
  std::shared_ptr<const rules::Contracts> contracts =
      page.provider && reference_ ? reference_->contracts : nullptr;

  store::PartnerStatusQuery q;
  q.partner = ctx.partner->id;
  q.since = core::utc_text(core::dutch_midnight(since));
  q.today = page.today;
  q.max_rejected = kMaxRejected;
  q.max_owed = kMaxOwed;
  // Everything off the io thread in one hop: the read (one transaction, the
  // ledger's view included) and the rendering (up to kMaxRejected messages
  // with their findings).
  auto work = [this, q = std::move(q), page = std::move(page), contracts, agb, today,
               lang]() mutable -> core::Result<std::string> {
    if (contracts)
      q.ledger = [&](const standard::ledger::LedgerView& ledger) {
        page.contract = contract_view(*contracts, agb, today, ledger);
      };
    auto status = store_.partner_status(q);
    if (!status) return status.error();
    page.status = std::move(*status);
    return portal::render_partner_page(page, lang);
  };
  auto html = co_await core::async_run(reads_, std::move(work), asio::use_awaitable);
  if (!html) co_return net::store_unavailable(req);
  net::Response res{http::status::ok, req.version()};
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set(http::field::content_language, portal::lang_code(lang));
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::vary, "Accept-Language");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(*html);
  res.prepare_payload();
  co_return res;
}

}  // namespace sluis::intake
