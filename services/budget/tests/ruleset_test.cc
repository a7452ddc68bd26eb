#include "services/budget/rules/ruleset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/budget/rules/decimal.h"

namespace kompas::budget {
namespace {

using ::testing::HasSubstr;

// A complete, valid rule-set text: every parameter with value 1 in its own unit. Tests
// mutate it to break exactly one rule.
std::string ValidYaml(absl::string_view id = "nl/2026-01", absl::string_view from = "2026-01-01",
                      absl::string_view until = "2026-06-30") {
  std::string y = absl::StrCat("ruleset: ", id, "\nvalid_from: ", from, "\nvalid_until: ", until,
                               "\nparameters:\n");
  for (const ParamSpec& spec : ParamSpecs()) {
    absl::StrAppend(&y, "  ", spec.key, ":\n    value: \"", spec.unit == Unit::kRatio ? "0.5" : "1",
                    "\"\n    unit: ", UnitName(spec.unit), "\n    valid_from: ", from,
                    "\n    source: \"test\"\n    legal_basis: \"test\"\n");
  }
  return y;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(DecimalTest, ParsesExactlyWithoutFloatingPoint) {
  EXPECT_EQ(*ParseScaledDecimal("14.71", 2), 1471);
  EXPECT_EQ(*ParseScaledDecimal("0.3575", 6), 357500);
  EXPECT_EQ(*ParseScaledDecimal("0.06398", 6), 63980);
  EXPECT_EQ(*ParseScaledDecimal("38883", 2), 3888300);
  EXPECT_EQ(*ParseScaledDecimal("-2.5", 2), -250);
  EXPECT_EQ(*ParseScaledDecimal("0.1", 6), 100000);
  EXPECT_FALSE(ParseScaledDecimal("1.234", 2).ok());
  EXPECT_FALSE(ParseScaledDecimal("1e3", 2).ok());
  EXPECT_FALSE(ParseScaledDecimal("1,50", 2).ok());
  EXPECT_FALSE(ParseScaledDecimal("", 2).ok());
  EXPECT_FALSE(ParseScaledDecimal(".", 2).ok());
  EXPECT_FALSE(ParseScaledDecimal("99999999999999999999", 2).ok());
}

TEST(RuleSetTest, ValidFileLoadsEveryParameter) {
  absl::StatusOr<RuleSet> rs = ParseRuleSet(ValidYaml(), "t.yaml");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_EQ(rs->id, "nl/2026-01");
  EXPECT_EQ(rs->params.wml_hourly_21plus, 100);    // "1" EUR/hour → 100 cents
  EXPECT_EQ(rs->params.ib_bracket1_rate, 500000);  // "0.5" → 500000 ppm
  EXPECT_EQ(rs->params.pw_vrijlating_months, 1);
  EXPECT_TRUE(rs->EstimatedKeys().empty());
  EXPECT_EQ(rs->Meta(&RuleParams::pw_norm_single).key, "pw.norm_single");
}

TEST(RuleSetTest, RefusesUnknownMissingWrongUnitAndBadValuesNamingFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::string valid = ValidYaml();
  const std::vector<Case> cases = {
      {valid + "  wml.hourly_22plus:\n    value: \"1\"\n",
       "parameters.wml.hourly_22plus: unknown parameter"},
      {absl::StrReplaceAll(valid, {{"  pw.asset_limit_family:", "  pw.asset_limit_familyX:"}}),
       "unknown parameter"},
      {absl::StrReplaceAll(valid, {{"unit: EUR/hour", "unit: EUR/month"}}),
       "parameters.wml.hourly_21plus.unit: expected EUR/hour, found EUR/month"},
      {absl::StrReplaceAll(valid, {{"ruleset: nl/2026-01", "ruleset: nl/2026-01\ncolour: red"}}),
       "t.yaml:2: (top): unknown key 'colour'"},
      {absl::StrReplaceAll(valid, {{"    value: \"1\"\n    unit: EUR/hour",
                                    "    value: \"14,71\"\n    unit: EUR/hour"}}),
       "parameters.wml.hourly_21plus.value: '14,71' is not a plain decimal"},
      {absl::StrReplaceAll(valid, {{"valid_until: 2026-06-30", "valid_until: 2026-13-01"}}),
       "valid_until: must be a date YYYY-MM-DD"},
      {absl::StrReplaceAll(valid, {{"parameters:\n", "parameters:\n  x: [\n"}}), "not valid YAML"},
      {absl::StrReplaceAll(valid, {{"    source: \"test\"\n", "    source: \"\"\n"}}),
       "source: must not be empty"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<RuleSet> rs = ParseRuleSet(c.yaml, "t.yaml");
    ASSERT_FALSE(rs.ok()) << c.expected;
    EXPECT_EQ(rs.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(rs.status()), HasSubstr(c.expected));
    EXPECT_THAT(Message(rs.status()), HasSubstr("t.yaml:"));
  }
}

TEST(RuleSetTest, MissingParameterIsNamed) {
  std::string y = ValidYaml();
  const std::size_t start = y.find("  zt.phaseout_rate:\n");
  const std::size_t end = y.find("  zt.income_limit_single:\n");
  ASSERT_NE(start, std::string::npos);
  y.erase(start, end - start);
  absl::StatusOr<RuleSet> rs = ParseRuleSet(y, "t.yaml");
  ASSERT_FALSE(rs.ok());
  EXPECT_THAT(Message(rs.status()), HasSubstr("parameters.zt.phaseout_rate: missing"));
}

TEST(RuleSetTest, EstimatedValueNeedsADerivationAndIsReported) {
  std::string y = absl::StrReplaceAll(
      ValidYaml(), {{"  akw.quarter_0_5:\n    value: \"1\"\n",
                     "  akw.quarter_0_5:\n    estimated: true\n    value: \"1\"\n"}});
  absl::StatusOr<RuleSet> rs = ParseRuleSet(y, "t.yaml");
  ASSERT_FALSE(rs.ok());
  EXPECT_THAT(Message(rs.status()), HasSubstr("akw.quarter_0_5.derivation"));
  y = absl::StrReplaceAll(
      y, {{"    estimated: true\n", "    estimated: true\n    derivation: \"2025 × 1.03\"\n"}});
  rs = ParseRuleSet(y, "t.yaml");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_THAT(rs->EstimatedKeys(), ::testing::ElementsAre("akw.quarter_0_5"));
}

TEST(RuleBookTest, PicksThePeriodOfTheDateAndMarksLaterDatesOutdated) {
  std::vector<RuleSet> sets;
  sets.push_back(*ParseRuleSet(ValidYaml("nl/2026-01", "2026-01-01", "2026-06-30"), "b.yaml"));
  sets.push_back(*ParseRuleSet(ValidYaml("nl/2025", "2025-01-01", "2025-12-31"), "a.yaml"));
  absl::StatusOr<RuleBook> book = RuleBook::Create(std::move(sets));
  ASSERT_TRUE(book.ok()) << book.status();

  auto pick = [&](absl::CivilDay d) { return book->Select(d); };
  EXPECT_EQ(pick(absl::CivilDay(2025, 1, 1))->rules->id, "nl/2025");
  EXPECT_EQ(pick(absl::CivilDay(2025, 12, 31))->rules->id, "nl/2025");
  EXPECT_EQ(pick(absl::CivilDay(2026, 1, 1))->rules->id, "nl/2026-01");
  EXPECT_FALSE(pick(absl::CivilDay(2026, 6, 30))->outdated);
  EXPECT_TRUE(pick(absl::CivilDay(2026, 7, 1))->outdated);
  EXPECT_EQ(pick(absl::CivilDay(2026, 11, 23))->rules->id, "nl/2026-01");
  absl::Status before = pick(absl::CivilDay(2024, 12, 31)).status();
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(before), HasSubstr("rule_date: 2024-12-31 precedes the oldest rule-set"));
}

TEST(RuleBookTest, RefusesADuplicateIdAndInconsistentThresholds) {
  std::vector<RuleSet> dup;
  dup.push_back(*ParseRuleSet(ValidYaml("nl/x", "2025-01-01", "2025-06-30"), "a.yaml"));
  dup.push_back(*ParseRuleSet(ValidYaml("nl/y", "2025-07-01", "2025-12-31"), "b.yaml"));
  dup.push_back(*ParseRuleSet(ValidYaml("nl/x", "2026-01-01", "2026-06-30"), "c.yaml"));
  EXPECT_THAT(Message(RuleBook::Create(std::move(dup)).status()),
              HasSubstr("ruleset id nl/x is used by another file"));
  // All thresholds equal (1) is consistent; a bracket boundary below the one before is not.
  std::string y = ValidYaml();
  const std::string key = "  ib.bracket1_upper:\n    value: \"1\"";
  ASSERT_NE(y.find(key), std::string::npos);
  y.replace(y.find(key), key.size(), "  ib.bracket1_upper:\n    value: \"2\"");
  EXPECT_THAT(Message(ParseRuleSet(y, "t.yaml").status()),
              HasSubstr("t.yaml: parameters.ib.bracket2_upper: must not lie below"));
}

TEST(RuleBookTest, RefusesOverlapsAndGaps) {
  std::vector<RuleSet> overlap;
  overlap.push_back(*ParseRuleSet(ValidYaml("nl/2025", "2025-01-01", "2026-01-01"), "a.yaml"));
  overlap.push_back(*ParseRuleSet(ValidYaml("nl/2026-01", "2026-01-01", "2026-06-30"), "b.yaml"));
  EXPECT_THAT(Message(RuleBook::Create(std::move(overlap)).status()),
              HasSubstr("b.yaml: period overlaps a.yaml"));
  std::vector<RuleSet> gap;
  gap.push_back(*ParseRuleSet(ValidYaml("nl/2025", "2025-01-01", "2025-11-30"), "a.yaml"));
  gap.push_back(*ParseRuleSet(ValidYaml("nl/2026-01", "2026-01-01", "2026-06-30"), "b.yaml"));
  EXPECT_THAT(Message(RuleBook::Create(std::move(gap)).status()), HasSubstr("leaves a gap"));
}

}  // namespace
}  // namespace kompas::budget

namespace kompas::budget {
namespace {

// The shipped rule-sets load, join up, and carry the published 2026 figures.
TEST(ShippedRulesTest, LoadAndCarryThePublishedFigures) {
  absl::StatusOr<RuleBook> book = RuleBook::LoadDirectory(KOMPAS_RULES_DIR);
  ASSERT_TRUE(book.ok()) << book.status();
  absl::StatusOr<RuleBook::Selection> jan2026 = book->Select(absl::CivilDay(2026, 1, 1));
  ASSERT_TRUE(jan2026.ok()) << jan2026.status();
  const RuleParams& p = jan2026->rules->params;
  EXPECT_EQ(jan2026->rules->id, "nl/2026-01");
  // Figures as published (SZW Normenbrief 1 januari 2026; Stcrt. 2025, 34131).
  EXPECT_EQ(p.wml_hourly_21plus, 1471);
  EXPECT_EQ(p.referentieminimumloon, 229440);
  EXPECT_EQ(p.pw_norm_single, 140150);
  EXPECT_EQ(p.pw_norm_couple, 200213);
  EXPECT_EQ(p.pw_vrijlating_max, 28500);
  EXPECT_EQ(p.ib_bracket1_rate, 357500);
  EXPECT_EQ(p.ib_bracket1_upper, 3888300);
  EXPECT_EQ(p.ahk_max, 311500);
  EXPECT_EQ(p.ak_max, 568500);
  EXPECT_EQ(p.zt_standaardpremie, 211900);
  EXPECT_EQ(p.kgb_per_child, 258000);
  // Every parameter names a source and a legal basis.
  for (const ParamMeta& m : jan2026->rules->meta) {
    EXPECT_FALSE(m.source.empty()) << m.key;
    EXPECT_FALSE(m.legal_basis.empty()) << m.key;
  }
}

}  // namespace
}  // namespace kompas::budget

namespace kompas::budget {
namespace {

constexpr char kTable[] = R"(table: kot.percentages
valid_from: 2026-01-01
valid_until: 2026-06-30
source: "test"
legal_basis: "Besluit kinderopvangtoeslag, bijlage I"
rows:
  - {income_from: "0", first_child: "0.96", next_child: "0.96"}
  - {income_from: "56413", first_child: "0.955", next_child: "0.96"}
)";

// The bytes variant of LoadDirectory: two contiguous rule-sets and one table covering only the
// second; the table must be attached to that one alone.
TEST(RuleBookTest, FromFilesParsesContentsAndAttachesTables) {
  const std::vector<TextFile> sets = {
      {"a/2026-07.yaml", ValidYaml("nl/2026-07", "2026-07-01", "2026-12-31")},
      {"a/2026-01.yaml", ValidYaml("nl/2026-01", "2026-01-01", "2026-06-30")}};
  const std::string table =
      absl::StrReplaceAll(kTable, {{"valid_from: 2026-01-01\nvalid_until: 2026-06-30",
                                    "valid_from: 2026-07-01\nvalid_until: 2026-12-31"}});
  ASSERT_NE(table, kTable);
  absl::StatusOr<RuleBook> book = RuleBook::FromFiles(sets, {{"a/tables/k.yaml", table}});
  ASSERT_TRUE(book.ok()) << book.status();
  ASSERT_EQ(book->rule_sets().size(), 2u);
  EXPECT_EQ(book->rule_sets()[0].id, "nl/2026-01");  // sorted by period, not by argument order
  EXPECT_EQ(book->rule_sets()[0].kot_table, nullptr);
  ASSERT_NE(book->rule_sets()[1].kot_table, nullptr);
  EXPECT_EQ(book->rule_sets()[1].kot_table->file_name, "a/tables/k.yaml");

  // Errors name the file as given.
  absl::StatusOr<RuleBook> bad = RuleBook::FromFiles({{"x/broken.yaml", "ruleset: [\n"}}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(Message(bad.status()), HasSubstr("x/broken.yaml"));
  EXPECT_FALSE(RuleBook::FromFiles({}, {}).ok()) << "a book needs a rule-set";
}

TEST(KotTableTest, ParsesBandsExactly) {
  absl::StatusOr<KotTable> t = ParseKotTable(kTable, "k.yaml");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[1].income_from, 5'641'300);
  EXPECT_EQ(t->rows[1].first_child, 955'000);
  EXPECT_EQ(t->rows[1].next_child, 960'000);
}

TEST(KotTableTest, RefusesBadTablesNamingTheRow) {
  const std::string table = kTable;
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {absl::StrReplaceAll(table, {{"income_from: \"0\"", "income_from: \"1\""}}),
       "rows[0].income_from: the first band must start at 0"},
      {absl::StrReplaceAll(table, {{"\"56413\"", "\"0\""}}),
       "rows[1].income_from: bands must ascend"},
      {absl::StrReplaceAll(table, {{"\"0.955\"", "\"1.5\""}}), "rows[1].first_child"},
      {absl::StrReplaceAll(table, {{"first_child: \"0.955\"", "frst_child: \"0.955\""}}),
       "unknown key 'frst_child'"},
      {absl::StrReplaceAll(table, {{"table: kot.percentages", "table: other"}}),
       "must be kot.percentages"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<KotTable> t = ParseKotTable(c.yaml, "k.yaml");
    ASSERT_FALSE(t.ok()) << c.expected;
    EXPECT_THAT(Message(t.status()), HasSubstr(c.expected));
    EXPECT_THAT(Message(t.status()), HasSubstr("k.yaml:"));
  }
}

}  // namespace
}  // namespace kompas::budget
