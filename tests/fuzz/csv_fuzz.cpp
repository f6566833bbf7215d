// Fuzz target "csv": every CSV file sluis takes in, through the parsers the
// daemon and sluisctl call (the loaders only read files and hand the text to
// these). The first byte of the input chooses the file the rest stands for:
//   0 cbs-gemeenten.csv   rules::GemeenteList::parse   (reference lists)
//   1 productcodes.csv    rules::ProductCodeList::parse
//   2 catalogus.csv       rules::Contracts::parse, the example region's other files
//   3 gemeenten.csv       (contract coverage)   likewise
//   4 tarieven.csv        likewise
//   5 degressief.csv      Contracts::parse_degressive on the example contracts
//                         (scope from the byte's high bit)
//   6 plafonds.csv        rules::Ceilings::parse against the example contracts
//   7 a ledger-import export   intake::csv_documents (sluisctl ledger-import)
//   8 core::CsvReader itself, its options from the byte's high bits
// (the byte modulo 9).
//
// Properties beyond "no crash, no leak, no UB": an error's text starts with
// the file's name ("name:line: ..."); a BSN that stands in the input only in
// a ledger import's bsn column is never quoted in clear by a row's findings.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "gateway/core/csv.hpp"
#include "gateway/core/date.hpp"
#include "gateway/intake/ledger_import.hpp"
#include "gateway/rules/ceilings.hpp"
#include "gateway/rules/contracts.hpp"
#include "gateway/rules/reference.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/support/files.hpp"

using namespace sluis;

namespace {

struct Examples {
  Examples() {
    fuzz::quiet_logs();
    const auto src = fuzz::source_dir();
    cbs = test::slurp(src / "config/reference/cbs-gemeenten.csv");
    catalogue = test::slurp(src / "config/contracts/catalogus.csv");
    coverage = test::slurp(src / "config/contracts/gemeenten.csv");
    tariffs = test::slurp(src / "config/contracts/tarieven.csv");
    auto g = rules::GemeenteList::parse(cbs, "cbs-gemeenten.csv");
    if (!g) fuzz::fail("the example CBS list does not parse", g.error().text);
    gemeenten = std::move(*g);
    auto c = rules::Contracts::parse(catalogue, "catalogus.csv", coverage, "gemeenten.csv", tariffs,
                                     "tarieven.csv", &gemeenten);
    if (!c) fuzz::fail("the example contracts do not parse", c.error().text);
    contracts = std::move(*c);
  }
  std::string cbs, catalogue, coverage, tariffs;
  rules::GemeenteList gemeenten;
  std::optional<rules::Contracts> contracts;
};

Examples& examples() {
  static Examples e;
  return e;
}

void check_error(const core::Error& e, std::string_view name) {
  if (!std::string_view(e.text).starts_with(std::string(name) + ":"))
    fuzz::fail("a CSV error that does not start with the file's name", e.text);
}

template <class R>
void check(const R& r, std::string_view name) {
  if (!r) check_error(r.error(), name);
}

// The BSNs passing the 11-check that stand in the input only as a ledger
// import's bsn field (nothing else in the text holds those digits).
std::set<std::string> bsn_column_only(std::string_view text) {
  std::set<std::string> out;
  core::CsvReader reader(text, "import.csv", {.trim = true});
  auto head = reader.next();
  if (!head || !*head) return out;
  std::optional<std::size_t> col;
  for (std::size_t i = 0; i < (*head)->fields.size(); ++i)
    if ((*head)->fields[i] == "bsn") col = i;
  if (!col) return out;
  std::map<std::string, std::size_t> in_column;
  for (;;) {
    auto rec = reader.next();
    if (!rec || !*rec) break;
    if (*col < (*rec)->fields.size() && core::bsn_elfproef((*rec)->fields[*col])) ++in_column[(*rec)->fields[*col]];
  }
  for (const auto& [bsn, n] : in_column) {
    std::size_t all = 0;
    for (std::size_t p = text.find(bsn); p != std::string_view::npos; p = text.find(bsn, p + 1)) ++all;
    if (all == n) out.insert(bsn);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Examples& ex = examples();
  const std::uint8_t which = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (which % 9) {
    case 0:
      check(rules::GemeenteList::parse(text, "cbs-gemeenten.csv"), "cbs-gemeenten.csv");
      break;
    case 1:
      check(rules::ProductCodeList::parse(text, "productcodes.csv"), "productcodes.csv");
      break;
    case 2: {
      auto c = rules::Contracts::parse(text, "catalogus.csv", ex.coverage, "gemeenten.csv", ex.tariffs,
                                       "tarieven.csv", &ex.gemeenten);
      if (!c && !c.error().text.starts_with("catalogus.csv:") && !c.error().text.starts_with("tarieven.csv:") &&
          !c.error().text.starts_with("gemeenten.csv:"))
        fuzz::fail("a contracts error that names no file", c.error().text);
      break;
    }
    case 3: {
      auto c = rules::Contracts::parse(ex.catalogue, "catalogus.csv", text, "gemeenten.csv", ex.tariffs,
                                       "tarieven.csv", &ex.gemeenten);
      if (!c && !c.error().text.starts_with("gemeenten.csv:") && !c.error().text.starts_with("tarieven.csv:"))
        fuzz::fail("a contracts error that names no file", c.error().text);
      break;
    }
    case 4: {
      auto c = rules::Contracts::parse(ex.catalogue, "catalogus.csv", ex.coverage, "gemeenten.csv", text,
                                       "tarieven.csv", &ex.gemeenten);
      check(c, "tarieven.csv");
      break;
    }
    case 5: {
      rules::Contracts copy = *ex.contracts;
      auto r = copy.parse_degressive(text, "degressief.csv",
                                     which & 0x80 ? rules::DegressiveScope::intake_year : rules::DegressiveScope::all);
      check(r, "degressief.csv");
      break;
    }
    case 6:
      check(rules::Ceilings::parse(text, "plafonds.csv", *ex.contracts), "plafonds.csv");
      break;
    case 7: {
      const auto bsns = bsn_column_only(text);
      for (const auto& doc : intake::csv_documents(text, "import.csv", *core::parse_date("2026-11-24")))
        for (const auto& f : doc.row_errors) {
          fuzz::check_no_bsn(bsns, f.value, "a ledger import finding's value");
          fuzz::check_no_bsn(bsns, f.nl, "a ledger import finding's text");
          fuzz::check_no_bsn(bsns, f.en, "a ledger import finding's text");
          fuzz::check_no_bsn(bsns, f.detail, "a ledger import finding's detail");
        }
      break;
    }
    case 8: {
      core::CsvOptions o;
      o.trim = which & 0x20;
      o.comments = which & 0x40;
      o.same_width = which & 0x80;
      core::CsvReader reader(text, "fuzz.csv", o);
      for (int records = 0; records < 100000; ++records) {
        auto r = reader.next();
        if (!r) {
          check_error(r.error(), "fuzz.csv");
          break;
        }
        if (!*r) break;
        if ((*r)->line < 1) fuzz::fail("a record without a line number");
      }
      break;
    }
  }
  return 0;
}
