#include "services/budget/standard/budget_standard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace kompas::budget {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// A small valid standard with round numbers, so the expected values are easy to check by hand:
// anchor 1000 − 300 − 100 − 100 = 500.00; table = 500.00 × CBS factor; teenager + 100.00;
// CPI 2024 × 1.1, 2025 × 1.00001 (estimated).
constexpr char kValid[] = R"(budget_standard: test-standard
title: "Test"
derived: true
base_year: 2023
derivation: "test derivation"
sources:
  - {id: s1, document: "doc", locator: "p. 1", url: "https://example.org"}
single_anchor:
  poverty_line: "1000.00"
  assumed_rent: "300.00"
  assumed_energy: "100.00"
  assumed_health_premium: "100.00"
  health_premium_estimated: true
  health_premium_derivation: "average premium"
  non_housing: "500.00"
base_2023:
  - {adults: 1, children: 0, cbs_factor: "1.00", amount: "500.00"}
  - {adults: 1, children: 1, cbs_factor: "1.33", amount: "665.00"}
  - {adults: 1, children: 2, cbs_factor: "1.51", amount: "755.00"}
  - {adults: 1, children: 3, cbs_factor: "1.76", amount: "880.00"}
  - {adults: 1, children: 4, cbs_factor: "1.95", amount: "975.00"}
  - {adults: 2, children: 0, cbs_factor: "1.37", amount: "685.00"}
  - {adults: 2, children: 1, cbs_factor: "1.67", amount: "835.00"}
  - {adults: 2, children: 2, cbs_factor: "1.88", amount: "940.00"}
  - {adults: 2, children: 3, cbs_factor: "2.06", amount: "1030.00"}
  - {adults: 2, children: 4, cbs_factor: "2.28", amount: "1140.00"}
teenager_supplement:
  amount: "100.00"
  min_age: 13
  max_age: 17
  derived: true
  derivation: "difference / 2"
years:
  2023:
    cpi_factor: "1.000000"
    estimated: false
    source: "base"
  2024:
    cpi_factor: "1.100000"
    estimated: false
    source: "cpi"
  2025:
    cpi_factor: "1.000010"
    estimated: true
    source: "forecast"
    derivation: "forecast"
)";

TEST(BudgetStandardParseTest, ValidFileLoads) {
  absl::StatusOr<BudgetStandard> bs = ParseBudgetStandard(kValid, "t.yaml");
  ASSERT_TRUE(bs.ok()) << bs.status();
  EXPECT_EQ(bs->id, "test-standard");
  EXPECT_TRUE(bs->derived);
  EXPECT_EQ(bs->base_year, 2023);
  ASSERT_EQ(bs->sources.size(), 1u);
  EXPECT_EQ(bs->sources[0].id, "s1");
  EXPECT_EQ(bs->non_housing_single, 50000);
  EXPECT_EQ(bs->base[1][2], 94000);
  EXPECT_EQ(bs->cbs_factor[1][2], 188);
  EXPECT_EQ(bs->teenager_supplement, 10000);
  ASSERT_EQ(bs->years.size(), 3u);
  EXPECT_EQ(bs->years[2].year, 2025);
  EXPECT_EQ(bs->years[2].factor_ppm, 1000010);
  EXPECT_TRUE(bs->years[2].estimated);
}

TEST(BudgetStandardParseTest, RefusesMalformedFilesNamingFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string expected;
  };
  const std::string valid = kValid;
  auto edit = [&](absl::string_view from, absl::string_view to) {
    std::string out = absl::StrReplaceAll(valid, {{from, to}});
    EXPECT_NE(out, valid) << "edit did not apply: " << from;
    return out;
  };
  const std::vector<Case> cases = {
      // Unknown keys, at the top, in an entry and in a year.
      {edit("title: \"Test\"\n", "title: \"Test\"\ncolour: red\n"),
       "t.yaml:3: (top): unknown key 'colour'"},
      {edit("amount: \"755.00\"}", "amount: \"755.00\", age: 3}"),
       "base_2023[2]: unknown key 'age'"},
      {edit("    source: \"cpi\"\n", "    source: \"cpi\"\n    note: x\n"),
       "years.2024: unknown key 'note'"},
      {edit("base_2023:", "base_2024:"), "(top): unknown key 'base_2024'"},
      // A missing year: 2023 and 2025 but no 2024.
      {edit("  2024:\n    cpi_factor: \"1.100000\"\n    estimated: false\n    source: \"cpi\"\n",
            ""),
       "years: 2024 missing"},
      {edit("  2023:\n    cpi_factor: \"1.000000\"\n    estimated: false\n    source: \"base\"\n",
            ""),
       "years: 2023 missing"},
      // Bad decimals.
      {edit("non_housing: \"500.00\"", "non_housing: \"500,00\""),
       "single_anchor.non_housing: '500,00' is not a plain decimal"},
      {edit("cpi_factor: \"1.100000\"", "cpi_factor: \"1.1000001\""),
       "years.2024.cpi_factor: '1.1000001' has more than 6 decimals"},
      {edit("amount: \"665.00\"", "amount: \"665.004\""),
       "base_2023[1].amount: '665.004' has more than 2 decimals"},
      {edit("assumed_rent: \"300.00\"", "assumed_rent: \"-300.00\""),
       "single_anchor.assumed_rent: must not be negative"},
      // Figures that do not add up.
      {edit("non_housing: \"500.00\"", "non_housing: \"501.00\""),
       "single_anchor.non_housing: 501.00 does not equal poverty_line − assumed_rent − "
       "assumed_energy − assumed_health_premium = 500.00"},
      {edit("amount: \"940.00\"", "amount: \"940.01\""),
       "base_2023[7].amount: 940.01 does not equal single_anchor.non_housing × 1.88 = 940.00"},
      {edit("cbs_factor: \"1.00\"", "cbs_factor: \"1.01\""), "must be 1.00"},
      {edit("cpi_factor: \"1.000000\"", "cpi_factor: \"1.010000\""),
       "years.2023.cpi_factor: the base year's factor must be 1.000000"},
      // Missing or duplicate entries.
      {edit("  - {adults: 2, children: 3, cbs_factor: \"2.06\", amount: \"1030.00\"}\n", ""),
       "base_2023: adults 2, children 3 missing"},
      {edit("{adults: 2, children: 3,", "{adults: 2, children: 2,"),
       "adults 2, children 2 given twice"},
      {edit("{adults: 1, children: 0,", "{adults: 3, children: 0,"),
       "base_2023[0].adults: must lie between 1 and 2"},
      {edit("    derivation: \"forecast\"\n", ""),
       "years.2025.derivation: an estimated factor must say how it was derived"},
      {edit("  health_premium_derivation: \"average premium\"\n", ""),
       "single_anchor.health_premium_derivation"},
      {edit("derivation: \"test derivation\"\n", ""),
       "derivation: a derived standard must say how it was derived"},
      {edit("derived: true\nbase_year", "derived: yes\nbase_year"),
       "derived: must be true or false"},
      {edit("sources:\n  - {id: s1, document: \"doc\", locator: \"p. 1\", url: "
            "\"https://example.org\"}\n",
            "sources: []\n"),
       "sources: must be a non-empty list"},
      {edit("url: \"https://example.org\"", "url: \"\""), "sources[0].url: must not be empty"},
      {edit("  2025:\n", "  25:\n"), "years.25: a year must be written as YYYY"},
      {edit("  2024:\n", "  2022:\n"), "years.2022: lies before base_year 2023"},
      {edit("title: \"Test\"\n", "title: \"Test\"\n  x: [\n"), "not valid YAML"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<BudgetStandard> bs = ParseBudgetStandard(c.yaml, "t.yaml");
    ASSERT_FALSE(bs.ok()) << c.expected;
    EXPECT_EQ(bs.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(bs.status()), HasSubstr(c.expected));
    EXPECT_THAT(Message(bs.status()), HasSubstr("t.yaml:"));
  }
}

TEST(BudgetStandardComputeTest, IndexesRoundsHalfUpAndMarksEstimatesAndOutdatedYears) {
  absl::StatusOr<BudgetStandard> bs = ParseBudgetStandard(kValid, "t.yaml");
  ASSERT_TRUE(bs.ok()) << bs.status();

  // Base year: the table amount itself. Couple + 2 children, 1 teenager: 940.00 + 100.00.
  absl::StatusOr<NonHousingAmount> a = NonHousingMonthly(*bs, 2023, 2, 2, 1);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->cents, 104000);
  EXPECT_FALSE(a->factor_estimated);
  EXPECT_TRUE(a->base_estimated);  // the anchor's premium is estimated
  EXPECT_EQ(a->year_used, 2023);
  EXPECT_FALSE(a->outdated);

  // 2024: single parent + 1 child: 665.00 × 1.1 = 731.50 exactly.
  a = NonHousingMonthly(*bs, 2024, 1, 1, 0);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->cents, 73150);

  // 2025: single: 500.00 × 1.00001 = 500.005 → half a cent, rounded up to 500.01.
  a = NonHousingMonthly(*bs, 2025, 1, 0, 0);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->cents, 50001);
  EXPECT_TRUE(a->factor_estimated);
  EXPECT_FALSE(a->outdated);

  // 2030 lies after the newest factor: 2025's is used and the answer is marked outdated.
  a = NonHousingMonthly(*bs, 2030, 1, 0, 0);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->cents, 50001);
  EXPECT_EQ(a->year_used, 2025);
  EXPECT_TRUE(a->outdated);

  absl::Status before = NonHousingMonthly(*bs, 2022, 1, 0, 0).status();
  EXPECT_EQ(before.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(before), HasSubstr("rule_date: year 2022 precedes budget standard"));
}

TEST(BudgetStandardComputeTest, RefusesHouseholdsOutsideTheStandardNamingTheField) {
  absl::StatusOr<BudgetStandard> bs = ParseBudgetStandard(kValid, "t.yaml");
  ASSERT_TRUE(bs.ok()) << bs.status();
  struct Case {
    int adults, children, teenagers;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {0, 0, 0, "household.adults: the budget standard covers 1 or 2 adults, not 0"},
      {3, 0, 0, "household.adults: the budget standard covers 1 or 2 adults, not 3"},
      {1, 5, 0, "household.children: the budget standard covers at most 4 children"},
      {2, -1, 0, "household.children: must not be negative"},
      {1, 2, 3, "household.children: 3 teenagers among 2 children"},
      {1, 2, -1, "household.children: -1 teenagers among 2 children"},
  };
  for (const Case& c : cases) {
    absl::Status s = NonHousingMonthly(*bs, 2024, c.adults, c.children, c.teenagers).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.expected;
    EXPECT_EQ(Message(s), c.expected);
  }
}

// The shipped standard loads and gives the hand-worked amounts.
//   2023 anchor (single): € 1.510 line − € 590 rent − € 145 energy − € 137,42 premium (estimated:
//   € 1.649 / 12) = € 637,58.
//   CPI factors: 2024 = 1,033; 2025 = 1,033 × 1,033 = 1,067089; 2026 = 1,067089 × 1,023 =
//   1,091632047 → 1,091632 (estimated, CPB forecast).
//   Teenager supplement: (€ 2.910 − € 2.535) / 2 = € 187,50.
TEST(ShippedBudgetStandardTest, LoadsAndGivesTheHandWorkedAmounts) {
  const std::string path =
      absl::StrCat(KOMPAS_STANDARDS_DIR, "/nl-armoedegrens-2023-afgeleid.yaml");
  absl::StatusOr<BudgetStandard> bs = LoadBudgetStandardFile(path);
  ASSERT_TRUE(bs.ok()) << bs.status();
  EXPECT_EQ(bs->id, "nl-armoedegrens-2023-afgeleid");
  EXPECT_EQ(bs->title, "Armoedegrens CBS/SCP/Nibud 2023, afgeleid");
  EXPECT_TRUE(bs->derived);
  EXPECT_FALSE(bs->derivation.empty());
  EXPECT_GE(bs->sources.size(), 5u);
  for (const Source& s : bs->sources) {
    EXPECT_FALSE(s.document.empty());
    EXPECT_FALSE(s.locator.empty());
    EXPECT_FALSE(s.url.empty());
  }
  EXPECT_EQ(bs->poverty_line_single, 151000);
  EXPECT_EQ(bs->non_housing_single, 63758);
  EXPECT_TRUE(bs->health_premium_estimated);
  EXPECT_EQ(bs->teenager_supplement, 18750);
  EXPECT_EQ(bs->teenager_min_age, 13);
  EXPECT_EQ(bs->teenager_max_age, 17);
  // 637.58 × 1.37 = 873.4846 → 873.48; × 1.88 = 1198.6504 → 1198.65; × 1.51 = 962.7458 → 962.75.
  EXPECT_EQ(bs->base[1][0], 87348);
  EXPECT_EQ(bs->base[1][2], 119865);
  EXPECT_EQ(bs->base[0][2], 96275);

  struct Case {
    const char* what;
    int year, adults, children, teenagers;
    std::int64_t cents;
    bool estimated;
  };
  const std::vector<Case> cases = {
      // 637.58 × 1.091632 = 696.0027… → 696.00
      {"single 2026", 2026, 1, 0, 0, 69600, true},
      // 637.58 × 1.067089 = 680.3546… → 680.35
      {"single 2025", 2025, 1, 0, 0, 68035, false},
      // 637.58 × 1.033 = 658.6201… → 658.62
      {"single 2024", 2024, 1, 0, 0, 65862, false},
      // 873.48 × 1.091632 = 953.5187… → 953.52
      {"couple 2026", 2026, 2, 0, 0, 95352, true},
      // 1198.65 × 1.067089 = 1279.0662… → 1279.07
      {"couple + 2 young children 2025", 2025, 2, 2, 0, 127907, false},
      // (1198.65 + 2 × 187.50) = 1573.65 × 1.091632 = 1717.8466… → 1717.85
      {"couple + 2 teenagers 2026", 2026, 2, 2, 2, 171785, true},
      // (962.75 + 2 × 187.50) = 1337.75 × 1.091632 = 1460.3307… → 1460.33
      {"single parent + 2 teenagers 2026", 2026, 1, 2, 2, 146033, true},
      // 847.98 × 1.067089 = 904.8701… → 904.87
      {"single parent + 1 child 2025", 2025, 1, 1, 0, 90487, false},
      // 2027 is after the newest factor: 2026's. Same as single 2026.
      {"single 2027 (outdated)", 2027, 1, 0, 0, 69600, true},
  };
  for (const Case& c : cases) {
    absl::StatusOr<NonHousingAmount> a =
        NonHousingMonthly(*bs, c.year, c.adults, c.children, c.teenagers);
    ASSERT_TRUE(a.ok()) << c.what << ": " << a.status();
    EXPECT_EQ(a->cents, c.cents) << c.what;
    EXPECT_EQ(a->factor_estimated, c.estimated) << c.what;
    EXPECT_TRUE(a->base_estimated) << c.what;
    EXPECT_EQ(a->outdated, c.year > 2026) << c.what;
    EXPECT_EQ(a->year_used, c.year > 2026 ? 2026 : c.year) << c.what;
  }
  EXPECT_EQ(Message(NonHousingMonthly(*bs, 2026, 2, 5, 0).status()),
            "household.children: the budget standard covers at most 4 children");
}

}  // namespace
}  // namespace kompas::budget
