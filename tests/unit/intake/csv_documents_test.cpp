// A ledger CSV export through core::CsvReader: a spreadsheet's file (byte-order
// mark, ';', CRLF, quoted fields, a quoted line break) becomes one document
// per row, each named file:line by the line the row starts on; a broken quote
// is one refusal naming its line. Synthetic BSNs only.
#define BOOST_TEST_MODULE intake_csv_documents
#include <boost/test/unit_test.hpp>
#include <variant>

#include "gateway/intake/ledger_import.hpp"

using namespace sluis;
using namespace std::chrono;

namespace {
const core::Date kToday = year{2026} / month{3} / day{10};
const std::string kHeader =
    "soort;wet;gemeente;aanbieder;bsn;toewijzingnummer;categorie;productcode;ingangsdatum;"
    "einddatum;volume;"
    "eenheid;frequentie;budget;begindatum;redenbeeindiging";
}  // namespace

BOOST_AUTO_TEST_CASE(a_spreadsheet_export_reads_row_by_row) {
  const std::string text =
      "\xEF\xBB\xBF" + kHeader + "\r\n" +
      "toewijzing;ijw;0917;75302186;999978366;261170032;\"45\";\"45A01\";2026-03-09;;2;04;2;;;"
      "\r\n" +
      "\r\n" +
      "stop;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;2026-06-30;;;;;2026-03-10;"
      "\"3\r\n1\"\r\n" +
      " start ; ijw ;0917;75302186;999978366;261170032;45;45A01;2026-03-09;;;;;;2026-03-10;\r\n";
  auto docs = intake::csv_documents(text, "export.csv", kToday);
  BOOST_REQUIRE(docs.size() == 3u);
  BOOST_TEST(docs[0].name == "export.csv:2");
  BOOST_TEST(docs[0].row_errors.empty());
  BOOST_REQUIRE(docs[0].model.has_value());
  const auto& c = std::get<standard::model::Bericht301>(docs[0].model->body).Client;
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(c->ToegewezenProducten.at(0).Product->Code.value() == "45A01");
  // The stop's redenbeeindiging spans lines 4-5; the next row starts on line 6.
  BOOST_TEST(docs[1].name == "export.csv:4");
  BOOST_TEST(docs[1].row_errors.empty());
  BOOST_TEST(docs[2].name == "export.csv:6");
  BOOST_TEST(docs[2].row_errors.empty(),
             (docs[2].row_errors.empty() ? "" : docs[2].row_errors[0].en));
  BOOST_TEST(docs[2].model->header().BerichtIdentificatie.Identificatie == "CSV6");
}

BOOST_AUTO_TEST_CASE(a_broken_quote_is_refused_with_its_line) {
  const std::string text =
      kHeader + "\n" +
      "toewijzing;ijw;0917;75302186;999978366;261170032;45;45A01;2026-03-09;;2;04;2;;;\n" +
      "toewijzing;ijw;0917;75302186;999978366;\"261170033;45;45A01;2026-03-09;;2;04;2;;;\n";
  auto docs = intake::csv_documents(text, "broken.csv", kToday);
  BOOST_REQUIRE(docs.size() == 2u);
  BOOST_TEST(docs[0].row_errors.empty());
  BOOST_TEST(docs[1].name == "broken.csv:3");
  BOOST_REQUIRE(docs[1].row_errors.size() == 1u);
  BOOST_TEST(docs[1].row_errors[0].en == "Unreadable CSV: a quoted field is not closed.");
  BOOST_TEST(docs[1].row_errors[0].nl.find("aanhalingstekens") != std::string::npos);

  auto after = intake::csv_documents(kHeader + "\n\"toewijzing\"x;ijw\n", "after.csv", kToday);
  BOOST_REQUIRE(after.size() == 1u);
  BOOST_TEST(after[0].name == "after.csv:2");
  BOOST_TEST(after[0].row_errors.at(0).en == "Unreadable CSV: text after a closing quote.");

  auto empty = intake::csv_documents("\xEF\xBB\xBF\r\n", "empty.csv", kToday);
  BOOST_REQUIRE(empty.size() == 1u);
  BOOST_TEST(empty[0].row_errors.at(0).en.find("Empty CSV file") == 0u);
}
