#include "gateway/core/csv.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

using namespace sluis::core;

namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> read_ok(std::string_view text, CsvOptions options = {}) {
  auto r = read_csv(text, "t.csv", options);
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r.has_error() ? r.error().text : std::string()));
  return std::move(*r);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_the_separator_comes_from_the_header) {
  BOOST_TEST(csv_separator("a;b;c") == ';');
  BOOST_TEST(csv_separator("a,b,c") == ',');
  BOOST_TEST(csv_separator("one") == ',');          // neither: one column
  BOOST_TEST(csv_separator("\"a,b\";c") == ';');    // the comma is quoted
  BOOST_TEST(csv_separator("\"a;b;c\",d") == ',');  // the semicolons are quoted
  BOOST_TEST(csv_separator("a;b,c;d") == ';');      // both: the more frequent
  BOOST_TEST(csv_separator("a,b;c,d") == ',');
  BOOST_TEST(csv_separator("a;b,c") == ';');           // a tie: ';'
  BOOST_TEST(csv_separator("a;b\nc,d,e,f") == ';');    // only the header counts
  BOOST_TEST(csv_separator("\"x\ny,z\";w\n") == ';');  // a quoted newline does not end it
}

BOOST_AUTO_TEST_CASE(csv_reads_both_separators) {
  auto semi = read_ok("a;b;c\n1;2,5;3\n");
  BOOST_TEST(semi.size() == 2u);
  BOOST_TEST(semi[1].fields == (Fields{"1", "2,5", "3"}));
  auto comma = read_ok("a,b,c\n1,2;5,3\n");
  BOOST_TEST(comma[1].fields == (Fields{"1", "2;5", "3"}));
  CsvReader reader("x;y\n", "t.csv");
  BOOST_TEST(reader.next()->has_value());
  BOOST_TEST(reader.separator() == ';');
}

BOOST_AUTO_TEST_CASE(csv_skips_a_byte_order_mark) {
  auto r = read_ok("\xEF\xBB\xBFgemeentecode;naam\r\n0935;Maastricht\r\n");
  BOOST_TEST(r[0].fields == (Fields{"gemeentecode", "naam"}));
  BOOST_TEST(r[1].fields == (Fields{"0935", "Maastricht"}));
  // Only at the start: elsewhere it is part of a field.
  auto mid = read_ok("a\n\xEF\xBB\xBFx\n");
  BOOST_TEST(mid[1].fields[0] == "\xEF\xBB\xBFx");
}

BOOST_AUTO_TEST_CASE(csv_quoted_fields_hold_separators_newlines_and_quotes) {
  auto r = read_ok(
      "a,b,c,d\r\n0935,\"Maastricht, stad\",\"say "
      "\"\"hi\"\"\",\r\n\"two\r\nlines\",\"x\ny\",\"\",z\n");
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r[1].fields == (Fields{"0935", "Maastricht, stad", "say \"hi\"", ""}));
  BOOST_TEST(r[2].fields == (Fields{"two\r\nlines", "x\ny", "", "z"}));
}

BOOST_AUTO_TEST_CASE(csv_crlf_and_lf_end_records_and_a_blank_last_line_is_none) {
  auto r = read_ok("a;b\r\n1;2\n3;4\r\n\r\n");
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r[1].fields == (Fields{"1", "2"}));
  BOOST_TEST(r[2].fields == (Fields{"3", "4"}));
  auto no_end = read_ok("a;b\n1;2");
  BOOST_TEST(no_end.size() == 2u);
  BOOST_TEST(no_end[1].fields == (Fields{"1", "2"}));
  BOOST_TEST(read_ok("").empty());
  BOOST_TEST(read_ok("\n\r\n").empty());
}

BOOST_AUTO_TEST_CASE(csv_records_carry_the_line_they_start_on) {
  auto r = read_ok("# comment\nh1,h2\n\"a\nb\nc\",1\n\nx,2\n\"p\r\nq\",3\n",
                   CsvOptions{.comments = true});
  BOOST_TEST(r.size() == 4u);
  BOOST_TEST(r[0].line == 2);
  BOOST_TEST(r[1].line == 3);  // spans lines 3-5
  BOOST_TEST(r[2].line == 7);  // after a blank line 6
  BOOST_TEST(r[3].line == 8);
  // Without `comments` a '#' line is a record.
  BOOST_TEST(read_ok("# c\nh\n").size() == 2u);
}

BOOST_AUTO_TEST_CASE(csv_trims_outside_quotes_only_when_asked) {
  auto kept = read_ok("a;b\n 1 ; x \n");
  BOOST_TEST(kept[1].fields == (Fields{" 1 ", " x "}));
  auto trimmed = read_ok("a;b\n 1 ;\t\" x \" \n   \n", CsvOptions{.trim = true});
  BOOST_TEST(trimmed.size() == 2u);  // the line of spaces is blank
  BOOST_TEST(trimmed[1].fields == (Fields{"1", " x "}));
}

BOOST_AUTO_TEST_CASE(csv_errors_name_file_and_line) {
  auto open = read_csv("a,b\n1,2\n3,\"never\nclosed\n", "u.csv");
  BOOST_REQUIRE(open.has_error());
  BOOST_TEST(open.error().code == Errc::csv_unterminated);
  BOOST_TEST(open.error().text == "u.csv:3: a quoted field is not closed");

  auto after = read_csv("a,b\n1,2\n\"x\ny\"z,3\n", "q.csv");
  BOOST_REQUIRE(after.has_error());
  BOOST_TEST(after.error().code == Errc::csv_after_quote);
  BOOST_TEST(after.error().text == "q.csv:4: text after a closing quote");

  auto width = read_csv("a;b;c\n1;2;3\n\"4\n\";5\n", "w.csv", CsvOptions{.same_width = true});
  BOOST_REQUIRE(width.has_error());
  BOOST_TEST(width.error().code == Errc::csv_fields);
  BOOST_TEST(width.error().text == "w.csv:3: expected 3 fields, found 2");
  // The field values (perhaps a BSN) are not in the text.
  BOOST_TEST(width.error().text.find('4') == std::string::npos);

  // Without same_width, the count is the caller's.
  BOOST_TEST(read_ok("a;b;c\n1;2\n")[1].fields.size() == 2u);
}

BOOST_AUTO_TEST_CASE(csv_the_reader_stays_at_the_end_after_an_error) {
  CsvReader reader("a\n\"x", "t.csv");
  BOOST_TEST(reader.next()->has_value());
  BOOST_TEST(reader.next().has_error());
  auto after = reader.next();
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(!after->has_value());
}

// read_csv_table: a reference list's or a contract file's reading, with the
// caller's error codes.
BOOST_AUTO_TEST_CASE(a_table_has_the_expected_header_and_width) {
  const CsvTableCodes codes{Errc::reference_empty, Errc::reference_header, Errc::reference_fields};
  const std::vector<std::string> cols{"code", "naam"};
  const CsvOptions opts{.trim = true, .comments = true};

  auto ok = read_csv_table("# lijst\ncode; naam\n0935;Maastricht\n\n0888;Beek\n", "l.csv", opts, cols, codes);
  BOOST_REQUIRE(ok.has_value());
  BOOST_REQUIRE(ok->size() == 2u);
  BOOST_TEST((*ok)[0].line == 3);
  BOOST_TEST(((*ok)[1].fields == Fields{"0888", "Beek"}));

  auto empty = read_csv_table("# alleen commentaar\n", "e.csv", opts, cols, codes);
  BOOST_REQUIRE(empty.has_error());
  BOOST_TEST(empty.error().code == Errc::reference_empty);
  BOOST_TEST(empty.error().text == "e.csv: no header line");

  auto header = read_csv_table("code;name\n", "h.csv", opts, cols, codes);
  BOOST_REQUIRE(header.has_error());
  BOOST_TEST(header.error().code == Errc::reference_header);
  BOOST_TEST(header.error().text == "h.csv:1: expected the header code;naam");

  auto width = read_csv_table("code,naam\n0935,Maastricht,extra\n", "w.csv", opts, cols, codes);
  BOOST_REQUIRE(width.has_error());
  BOOST_TEST(width.error().code == Errc::reference_fields);
  BOOST_TEST(width.error().text == "w.csv:2: expected 2 fields, found 3");
  BOOST_TEST(width.error().text.find("Maastricht") == std::string::npos);
}
