#include "gateway/rules/reference_loader.hpp"

#include "gateway/rules/ceilings.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/standard/retourcodes.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sluis::rules {

namespace {

std::string slurp(const std::filesystem::path& p, const char* what = "reference list") {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + what + " " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::shared_ptr<const ReferenceData> load_reference(const config::ReferenceConfig& cfg) {
  auto data = std::make_shared<ReferenceData>();
  auto g = GemeenteList::parse(slurp(cfg.cbs_gemeenten), cfg.cbs_gemeenten.string());
  if (!g) throw std::runtime_error(g.error().text);
  auto p = ProductCodeList::parse(slurp(cfg.productcodes), cfg.productcodes.string());
  if (!p) throw std::runtime_error(p.error().text);
  data->gemeenten = std::move(*g);
  data->productcodes = std::move(*p);
  return data;
}

std::vector<std::string> reference_warnings(const ReferenceData& data, const config::ReferenceConfig& cfg) {
  std::vector<std::string> out;
  if (const auto n = data.productcodes.size(); n < kFewestRealProductCodes)
    out.push_back(cfg.productcodes.string() + ": holds only " + std::to_string(n) +
                  " product codes, like a development list: a message with any other code gets S329 "
                  "(TR381). Load the national and regional lists (docs/operations.md, Reference lists).");
  return out;
}

std::shared_ptr<const Contracts> load_contracts(const config::ContractsConfig& contracts,
                                                const GemeenteList* gemeenten,
                                                const std::map<std::string, std::string>& texts) {
  auto read = [&](const std::filesystem::path& p) {
    auto given = texts.find(p.filename().string());
    return given != texts.end() ? given->second : slurp(p, "contract file");
  };
  // Errors name the file as configured, rows by its name and line.
  auto c = Contracts::parse(read(contracts.catalogue), contracts.catalogue.string(),
                            read(contracts.coverage), contracts.coverage.string(),
                            read(contracts.tariffs), contracts.tariffs.string(), gemeenten);
  if (!c) throw std::runtime_error(c.error().text);
  if (!contracts.ceilings.empty()) {
    auto ceilings = Ceilings::parse(read(contracts.ceilings), contracts.ceilings.string(), *c);
    if (!ceilings) throw std::runtime_error(ceilings.error().text);
    c->ceilings = std::make_shared<const Ceilings>(std::move(*ceilings));
  }
  // A code the 325 can carry on a prestatie: on the 3.2 list, and not one of
  // the composition's own (0001 technical, 0200/0233 judged or not, 8001 all granted).
  const std::string& code = contracts.uncontracted_retourcode;
  if (!code.empty() && (!standard::find_retourcode(code) || code == "0001" || code == "0200" || code == "0233" ||
                        code == "8001"))
    throw std::runtime_error("uncontracted_retourcode \"" + code +
                             "\" is not a retourcode a prestatie can carry (a code of the 3.2 list other than "
                             "0001, 0200, 0233 and 8001)");
  c->uncontracted_retourcode = code;
  if (!contracts.degressive.empty()) {
    auto d = c->parse_degressive(read(contracts.degressive), contracts.degressive.string(),
                                 contracts.degressive_scope == "intake_year"
                                     ? DegressiveScope::intake_year
                                     : DegressiveScope::all);
    if (!d) throw std::runtime_error(d.error().text);
  }
  for (const auto& law : contracts.catalogue_product_list)
    if (auto l = standard::parse_law(law)) c->product_list_laws.push_back(*l);
  return std::make_shared<const Contracts>(std::move(*c));
}

std::shared_ptr<const ReferenceData> load_reference(const config::ReferenceConfig& cfg,
                                                    const config::ContractsConfig& contracts) {
  auto base = load_reference(cfg);
  if (!contracts.configured()) return base;
  auto data = std::make_shared<ReferenceData>(*base);
  data->contracts = load_contracts(contracts, &data->gemeenten);
  return data;
}

}  // namespace sluis::rules
