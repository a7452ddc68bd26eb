#include "services/catalog/data/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::catalog {
namespace {

using ::testing::ElementsAre;

CsvTable ParseOk(const std::string& text) {
  CsvTable t;
  CsvSyntaxError e;
  EXPECT_TRUE(ParseCsv(text, t, e)) << e.line << ": " << e.message;
  return t;
}

CsvSyntaxError ParseError(const std::string& text) {
  CsvTable t;
  CsvSyntaxError e;
  EXPECT_FALSE(ParseCsv(text, t, e));
  return e;
}

TEST(CsvTest, HeaderAndRecordsWithLines) {
  const CsvTable t = ParseOk("a,b\n1,2\n3,4\n");
  EXPECT_EQ(t.header_line, 1);
  EXPECT_THAT(t.header, ElementsAre("a", "b"));
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.records[0].line, 2);
  EXPECT_THAT(t.records[1].fields, ElementsAre("3", "4"));
  EXPECT_EQ(t.records[1].line, 3);
}

TEST(CsvTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  const CsvTable t = ParseOk("a,b,c\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nnext,2,3\n");
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_THAT(t.records[0].fields, ElementsAre("x, y", "say \"hi\"", "two\nlines"));
  EXPECT_EQ(t.records[1].line, 4);  // the quoted line break counts
}

TEST(CsvTest, EmptyFieldsAndEmptyQuotedFields) {
  const CsvTable t = ParseOk("a,b,c\n,\"\",\n");
  EXPECT_THAT(t.records[0].fields, ElementsAre("", "", ""));
}

TEST(CsvTest, CrLfNoFinalNewlineBomAndTrailingBlankLines) {
  CsvTable t = ParseOk(
      "\xEF\xBB\xBF"
      "a,b\r\n1,2\r\n3,4");
  EXPECT_THAT(t.header, ElementsAre("a", "b"));
  ASSERT_EQ(t.records.size(), 2u);
  EXPECT_THAT(t.records[1].fields, ElementsAre("3", "4"));
  t = ParseOk("a\n1\n\n\n");
  EXPECT_EQ(t.records.size(), 1u);
}

TEST(CsvTest, CommentsOnlyBeforeTheHeader) {
  const CsvTable t = ParseOk("# SAMPLE - not real\n#second\na,b\n#x,1\n");
  EXPECT_THAT(t.comments, ElementsAre(" SAMPLE - not real", "second"));
  EXPECT_EQ(t.header_line, 3);
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_THAT(t.records[0].fields, ElementsAre("#x", "1"));  // a record, not a comment
}

TEST(CsvTest, EmptyFile) {
  const CsvTable t = ParseOk("");
  EXPECT_TRUE(t.header.empty());
  EXPECT_TRUE(t.records.empty());
}

TEST(CsvTest, Errors) {
  CsvSyntaxError e = ParseError("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.message, "unterminated quoted field");
  e = ParseError("a,b\n1,\"x\"y\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.message, "text after the closing quote of a quoted field");
  e = ParseError("a,b\n1,2\n3,x\"y\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "quote inside an unquoted field (quote the whole field)");
}

}  // namespace
}  // namespace kompas::catalog
