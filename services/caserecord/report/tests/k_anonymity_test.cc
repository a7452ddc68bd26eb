#include "services/caserecord/report/k_anonymity.h"

#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/caserecord/report/tests/attack.h"

namespace kompas::caserecord::report {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr Mark P = Mark::kPrimary;
constexpr Mark C = Mark::kComplementary;
constexpr Mark O = Mark::kPublished;

// A count table from its interior; margins are added.
ProtectInput CountTable(const std::vector<std::vector<int64_t>>& interior, int k = kReportK) {
  ProtectInput in;
  in.shape.regions = static_cast<int>(interior.size());
  in.shape.cohorts = static_cast<int>(interior[0].size());
  in.k = k;
  const TableShape& s = in.shape;
  in.value.assign(s.size(), 0);
  for (int r = 0; r < s.regions; ++r) {
    for (int c = 0; c < s.cohorts; ++c) {
      const int64_t v = interior[static_cast<size_t>(r)][static_cast<size_t>(c)];
      in.value[s.Index(r, c)] += v;
      in.value[s.Index(r, s.cohorts)] += v;
      in.value[s.Index(s.regions, c)] += v;
      in.value[s.Index(s.regions, s.cohorts)] += v;
    }
  }
  in.empty.assign(s.size(), false);
  in.primary.assign(s.size(), false);
  in.forced.assign(s.size(), false);
  for (size_t i = 0; i < s.size(); ++i) {
    in.empty[i] = in.value[i] == 0;
    in.primary[i] = in.value[i] > 0 && in.value[i] < k;
  }
  in.cost = in.value;
  in.interval_rule = true;
  return in;
}

// Brute force: the values a hidden entry of a line can take, given the marks' domains
// (primary 1..k-1, complementary k..sum) and the line's hidden sum.
int FeasibleValues(const std::vector<Mark>& hidden, size_t which, int64_t sum, int k) {
  // Sums the other hidden entries can reach (0..sum).
  std::vector<bool> reach(static_cast<size_t>(sum + 1), false);
  reach[0] = true;
  for (size_t i = 0; i < hidden.size(); ++i) {
    if (i == which) continue;
    std::vector<bool> next(reach.size(), false);
    const int64_t lo = hidden[i] == Mark::kPrimary ? 1 : k;
    const int64_t hi = hidden[i] == Mark::kPrimary ? k - 1 : sum;
    for (int64_t s = 0; s <= sum; ++s) {
      if (!reach[static_cast<size_t>(s)]) continue;
      for (int64_t v = lo; v <= hi && s + v <= sum; ++v) next[static_cast<size_t>(s + v)] = true;
    }
    reach = std::move(next);
  }
  const int64_t lo = hidden[which] == Mark::kPrimary ? 1 : k;
  const int64_t hi = hidden[which] == Mark::kPrimary ? k - 1 : sum;
  int count = 0;
  for (int64_t v = lo; v <= hi && v <= sum; ++v) count += reach[static_cast<size_t>(sum - v)];
  return count;
}

TEST(LineRuleTest, HandWorkedLines) {
  // A primary (1..9) and a complement (>= 10) summing to 11: only 1 + 10.
  EXPECT_FALSE(LineKeepsTwoValues({P, C}, 11, 10));
  // Summing to 12: 1 + 11 or 2 + 10.
  EXPECT_TRUE(LineKeepsTwoValues({P, C}, 12, 10));
  // Two primaries summing to 18: only 9 + 9.
  EXPECT_FALSE(LineKeepsTwoValues({P, P}, 18, 10));
  // Summing to 10: 1 + 9 … 9 + 1.
  EXPECT_TRUE(LineKeepsTwoValues({P, P}, 10, 10));
  // Two primaries summing to 2: only 1 + 1.
  EXPECT_FALSE(LineKeepsTwoValues({P, P}, 2, 10));
  // One hidden entry alone is its line's remainder.
  EXPECT_FALSE(LineKeepsTwoValues({P}, 3, 10));
  EXPECT_FALSE(LineKeepsTwoValues({C}, 30, 10));
  // Two complements summing to 20: only 10 + 10; to 21: 10 + 11 or 11 + 10.
  EXPECT_FALSE(LineKeepsTwoValues({C, C}, 20, 10));
  EXPECT_TRUE(LineKeepsTwoValues({C, C}, 21, 10));
}

TEST(LineRuleTest, AgreesWithBruteForce) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<Mark> hidden(1 + rng() % 4);
    for (Mark& m : hidden) m = rng() % 2 ? P : C;
    const auto sum = static_cast<int64_t>(rng() % 60);
    bool all_two = true;
    for (size_t i = 0; i < hidden.size(); ++i) {
      if (FeasibleValues(hidden, i, sum, 10) < 2) all_two = false;
    }
    EXPECT_EQ(LineKeepsTwoValues(hidden, sum, 10), all_two) << "trial " << trial;
  }
}

TEST(DeterminedEntriesTest, FindsABridgeThatLineCountingMisses) {
  // Two hidden 2x2 blocks joined by (0,2): every row and column has 0 or >= 2 hidden
  // entries, yet (0,2) = (rows 0 and 1) - (columns 0 and 1), with all other entries known.
  TableShape shape{4, 4};
  std::vector<Mark> marks(shape.size(), O);
  for (auto [r, c] :
       {std::pair{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {0, 2}}) {
    marks[shape.Index(r, c)] = C;
  }
  EXPECT_THAT(DeterminedEntries(shape, marks), ElementsAre(shape.Index(0, 2)));
  std::vector<bool> hidden(shape.size());
  for (size_t i = 0; i < shape.size(); ++i) hidden[i] = marks[i] != O;
  const std::vector<bool> solvable = testing::SolvableHiddenEntries(4, 4, hidden);
  for (size_t i = 0; i < shape.size(); ++i) {
    EXPECT_EQ(solvable[i], i == shape.Index(0, 2)) << i;
  }
}

TEST(ProtectTest, HandWorkedTwoByTwo) {
  //            c0   c1 | total
  //   r0        3   20 |   23
  //   r1       15   25 |   40
  //   total    18   45 |   63
  // (r0,c0) = 3 is primary. Row r0: alone, its remainder 23 - 20 → hide (r0,c1) = 20; then
  // 3 + 20 = 23 leaves the primary 1..9 and the complement 14..22. Column c0: 18 - 15 → hide
  // (r1,c0) = 15 (primary 1..8, complement 10..17). Column c1: (r0,c1) alone, 45 - 25 → hide
  // (r1,c1). Now the four interior entries form a cycle; every margin stays published.
  const std::vector<Mark> marks = Protect(CountTable({{3, 20}, {15, 25}}));
  EXPECT_THAT(marks, ElementsAre(P, C, O,  //
                                 C, C, O,  //
                                 O, O, O));
}

TEST(ProtectTest, OneGroupBelowKHidesEverything) {
  // One region, one cohort of 4: every entry is the same 4.
  EXPECT_THAT(Protect(CountTable({{4}})), ElementsAre(P, P, P, P));
}

TEST(ProtectTest, SingleRegionNeedsTheMarginRow) {
  // One region: its row equals the total row, so a hidden cohort must take the total's entry
  // of that cohort with it, and a second cohort for a cycle.
  const std::vector<Mark> marks = Protect(CountTable({{5, 30, 40}}));
  // (r0,c0) and (T,c0) are primary (5). The cheapest cycle goes through cohort c1 (30).
  EXPECT_THAT(marks, ElementsAre(P, C, O, O,  //
                                 P, C, O, O));
}

TEST(ProtectTest, EmptyEntriesAreNeverHidden) {
  const std::vector<Mark> marks = Protect(CountTable({{3, 0, 30}, {0, 12, 40}, {25, 0, 14}}));
  const ProtectInput in = CountTable({{3, 0, 30}, {0, 12, 40}, {25, 0, 14}});
  for (size_t i = 0; i < marks.size(); ++i) {
    if (in.empty[i]) {
      EXPECT_EQ(marks[i], O) << i;
    }
  }
}

// Random tables with many small cells: every primary entry hidden, nothing empty hidden, no
// hidden entry solvable by the line equations (checked by the independent attacker) and every
// line with a published margin keeps two values for each hidden entry (brute force).
TEST(ProtectTest, RandomTablesResistTheAttacks) {
  std::mt19937 rng(20261123);
  for (int trial = 0; trial < 60; ++trial) {
    const int regions = 1 + static_cast<int>(rng() % 7);
    const int cohorts = 1 + static_cast<int>(rng() % 9);
    std::vector<std::vector<int64_t>> interior(static_cast<size_t>(regions),
                                               std::vector<int64_t>(static_cast<size_t>(cohorts)));
    for (auto& row : interior) {
      for (int64_t& v : row) v = rng() % 3 == 0 ? 0 : static_cast<int64_t>(rng() % 25);
    }
    const ProtectInput in = CountTable(interior);
    const std::vector<Mark> marks = Protect(in);
    const TableShape& s = in.shape;
    std::vector<bool> hidden(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      hidden[i] = marks[i] != O;
      if (in.primary[i]) {
        EXPECT_EQ(marks[i], P) << "trial " << trial << " entry " << i;
      }
      if (in.empty[i]) {
        EXPECT_EQ(marks[i], O) << "trial " << trial << " entry " << i;
      }
      if (marks[i] == C) {
        EXPECT_GE(in.value[i], kReportK);
      }
    }
    EXPECT_THAT(DeterminedEntries(s, marks), IsEmpty()) << "trial " << trial;
    const std::vector<bool> solvable = testing::SolvableHiddenEntries(s.regions, s.cohorts, hidden);
    for (size_t i = 0; i < s.size(); ++i)
      EXPECT_FALSE(solvable[i]) << "trial " << trial << " " << i;
    // Lines with a published margin.
    auto check_line = [&](const std::vector<size_t>& line, size_t margin) {
      if (hidden[margin]) return;
      std::vector<Mark> h;
      int64_t sum = in.value[margin];
      for (size_t e : line) {
        if (hidden[e]) {
          h.push_back(marks[e]);
        } else {
          sum -= in.value[e];
        }
      }
      for (size_t i = 0; i < h.size(); ++i) {
        EXPECT_GE(FeasibleValues(h, i, sum, kReportK), 2) << "trial " << trial;
      }
    };
    for (int r = 0; r <= s.regions; ++r) {
      std::vector<size_t> line;
      for (int c = 0; c < s.cohorts; ++c) line.push_back(s.Index(r, c));
      check_line(line, s.Index(r, s.cohorts));
    }
    for (int c = 0; c <= s.cohorts; ++c) {
      std::vector<size_t> line;
      for (int r = 0; r < s.regions; ++r) line.push_back(s.Index(r, c));
      check_line(line, s.Index(s.regions, c));
    }
  }
}

}  // namespace
}  // namespace kompas::caserecord::report
