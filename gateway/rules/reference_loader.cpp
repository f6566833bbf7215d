#include "gateway/rules/reference_loader.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sluis::rules {

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read reference list " + p.string());
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
                  "(TR381). Load the national and regional lists (docs/reference.md).");
  return out;
}

}  // namespace sluis::rules
