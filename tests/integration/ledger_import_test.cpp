// sluisctl ledger-import next to a running sluisd: a dry run reports and
// writes nothing; --apply loads the allocations, starts and stops so that a
// declaration on them is judged against them; refused documents (not
// importable, or inconsistent with the ledger) are named with their reasons.
#define BOOST_TEST_MODULE ledger_import
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/test_gateway.hpp"

using namespace sluis::test;

namespace {

std::string file(const std::string& rel) { return slurp(source_dir() / rel); }

std::string partners(TestGateway& g) {
  return g.corpus_partners("retour = \"gateway\"\n");
}

CommandResult import(TestGateway& g, std::vector<std::string> args) {
  std::string cmd = "cd '" + g.dir.path().string() + "' && exec '" + (bin_dir() / "tools/sluisctl").string() +
                    "' ledger-import --config sluisd.toml";
  for (const auto& a : args) cmd += " '" + a + "'";
  return run_command({"/bin/sh", "-c", cmd});
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dry_run_then_apply) {
  TestGateway g("import", partners);
  auto dir = g.dir.path() / "history";
  std::filesystem::create_directories(dir);
  auto put = [&](const std::string& name, const std::string& body) {
    std::ofstream(dir / name, std::ios::binary) << body;
  };
  put("a-toewijzing.xml", corpus("ijw/301/valid-toewijzing.xml"));
  put("b-start.xml", corpus("ijw/305/valid-start.xml"));
  put("c-stop.xml", corpus("ijw/307/valid-stop.xml"));
  put("d-declaratie.xml", corpus("ijw/323/valid-declaratie.xml"));  // not importable
  // A start on an allocation nobody allocated (9019): refused, the rest goes in.
  put("e-start-unknown.xml",
      std::regex_replace(std::regex_replace(corpus("ijw/305/valid-start.xml"), std::regex("START-0312"), "START-0999"),
                         std::regex("261170033"), "261179999"));

  auto dry = import(g, {dir.string()});
  BOOST_TEST(dry.exit_code == 1, dry.output);
  BOOST_TEST(count(dry.output, "would be imported") == 4, dry.output);  // 3 files + the summary line
  BOOST_TEST(count(dry.output, "REFUSED") == 2, dry.output);
  BOOST_TEST(dry.output.find("TR019") != std::string::npos, dry.output);
  BOOST_TEST(dry.output.find("dry run") != std::string::npos);

  // Nothing was written: the declaration finds no allocation (9338 on both prestaties).
  auto before = g.post_xml("provider", "/v1/messages", file("tests/conformance/rules/ledger/323-april.xml"));
  BOOST_TEST(before.status == 202, before.body);
  BOOST_TEST(count(before.body, "\"9338\"") == 2, before.body);

  auto applied = import(g, {"--apply", dir.string()});
  BOOST_TEST(applied.exit_code == 1, applied.output);
  BOOST_TEST(count(applied.output, ": imported") == 3, applied.output);
  BOOST_TEST(count(applied.output, "REFUSED") == 2, applied.output);

  // Now the same declaration (new identification, number and references) is fully approved.
  std::string again = file("tests/conformance/rules/ledger/323-april.xml");
  for (auto [from, to] : {std::pair{"DECL-2604-01", "DECL-2604-02"}, std::pair{"JW2604HRL31", "JW2604HRL32"},
                          std::pair{"J2604-0001", "J2604-0101"}, std::pair{"J2604-0002", "J2604-0102"}})
    again = std::regex_replace(again, std::regex(from), to);
  auto after = g.post_xml("provider", "/v1/messages", again);
  BOOST_TEST(after.status == 202, after.body);
  auto v = boost::json::parse(after.body);
  BOOST_TEST(v.at("findings").as_array().empty(), after.body);
  auto answer = g.curl("provider", "/v1/mailbox/" + std::string(v.at("retour").as_string()));
  BOOST_TEST(answer.body.find("<jw325:RetourCode>8001</jw325:RetourCode>") != std::string::npos, answer.body);

  // Importing the same history again adds nothing new: the start exists (9074).
  auto twice = import(g, {"--apply", (dir / "b-start.xml").string()});
  BOOST_TEST(twice.exit_code == 1, twice.output);
  BOOST_TEST(twice.output.find("TR074") != std::string::npos, twice.output);
}

// The same history as a CSV export: rows checked field by field, then judged
// like the messages they stand for.
BOOST_AUTO_TEST_CASE(csv_export) {
  TestGateway g("import-csv", partners);
  auto csv = g.dir.path() / "omklap.csv";
  std::ofstream(csv) << "soort;wet;gemeente;aanbieder;bsn;toewijzingnummer;categorie;productcode;ingangsdatum;"
                        "einddatum;volume;eenheid;frequentie;budget;begindatum;redenbeeindiging\n"
                     << "toewijzing;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;2026-12-31;2;04;2;;;\n"
                     << "toewijzing;ijw;0917;75302186;999978366;261170033;45;45A04;2026-03-09;2026-08-31;240;01;4;;;\n"
                     << "start;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;;;;;;2026-03-10;\n"
                     << "stop;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;2026-06-30;;;;;2026-03-10;31\n"
                     << "toewijzing;ijw;0917;75302186;123456789;261170040;45;45A01;2026-03-09;;2;04;2;;;\n"
                     << "start;ijw;0917;75302186;999978366;261170099;45;45A01;2026-03-09;;;;;;2026-03-10;\n";
  auto applied = import(g, {"--apply", csv.string()});
  BOOST_TEST(applied.exit_code == 1, applied.output);
  BOOST_TEST(count(applied.output, ": imported") == 4, applied.output);
  BOOST_TEST(count(applied.output, "REFUSED") == 2, applied.output);
  BOOST_TEST(applied.output.find("omklap.csv:6: REFUSED") != std::string::npos, applied.output);  // the 11-check
  BOOST_TEST(applied.output.find("elfproef") != std::string::npos, applied.output);
  BOOST_TEST(applied.output.find("123456789") == std::string::npos, applied.output);  // no BSN in the report
  BOOST_TEST(applied.output.find("TR019") != std::string::npos, applied.output);

  auto after = g.post_xml("provider", "/v1/messages", file("tests/conformance/rules/ledger/323-april.xml"));
  BOOST_TEST(after.status == 202, after.body);
  BOOST_TEST(boost::json::parse(after.body).at("findings").as_array().empty(), after.body);
}
