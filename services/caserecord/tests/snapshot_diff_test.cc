// The differences RecomputeCompassSnapshot reports, on hand-built answers: every expected
// figure is worked out here from the amounts the test sets.
#include "services/caserecord/snapshot_diff.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kompas::caserecord {
namespace {

namespace bv1 = ::kompas::budget::v1;
namespace mv1 = ::kompas::matching::v1;

struct Line {
  bv1::IncomeComponent component;
  int adult;
  int64_t cents;
};

bv1::CalculateIncomeResponse Income(const std::string& rules, int64_t required,
                                    const std::vector<Line>& lines) {
  bv1::CalculateIncomeResponse r;
  r.mutable_basis()->mutable_rules()->mutable_rule_set_id()->set_value(rules);
  int64_t disposable = 0;
  for (const Line& l : lines) {
    bv1::IncomeLine* line = r.mutable_calculation()->add_lines();
    line->set_component(l.component);
    line->set_adult_number(l.adult);
    line->mutable_monthly_amount()->set_cents(l.cents);
    disposable += l.cents;
  }
  bv1::IncomeCalculation* c = r.mutable_calculation();
  c->mutable_disposable_income()->set_cents(disposable);
  c->mutable_required_budget()->set_cents(required);
  c->mutable_margin()->set_cents(disposable - required);
  c->set_lonend(disposable >= required);
  return r;
}

std::vector<std::string> Paths(const std::vector<v1::SnapshotDifference>& diffs) {
  std::vector<std::string> out;
  for (const auto& d : diffs) out.push_back(d.field_path());
  return out;
}

const v1::SnapshotDifference* Find(const std::vector<v1::SnapshotDifference>& diffs,
                                   const std::string& path) {
  for (const auto& d : diffs) {
    if (d.field_path() == path) return &d;
  }
  return nullptr;
}

TEST(DiffIncome, SameAnswerHasNoDifferences) {
  const auto answer = Income(
      "nl-2025-07", 155000,
      {{bv1::INCOME_COMPONENT_BIJSTAND, 0, 120000}, {bv1::INCOME_COMPONENT_HUURTOESLAG, 0, 30000}});
  EXPECT_TRUE(DiffIncome(answer, answer).empty());
}

TEST(DiffIncome, EveryChangedLineAndTotalLargestFirst) {
  // Then: bijstand 1.200,00 + huurtoeslag 300,00 + zorgtoeslag 100,00 − tax 200,00
  //       = 1.400,00 against 1.550,00 needed: margin −150,00.
  const auto then = Income("nl-2025-07", 155000,
                           {{bv1::INCOME_COMPONENT_BIJSTAND, 0, 120000},
                            {bv1::INCOME_COMPONENT_HUURTOESLAG, 0, 30000},
                            {bv1::INCOME_COMPONENT_ZORGTOESLAG, 0, 10000},
                            {bv1::INCOME_COMPONENT_INCOME_TAX, 1, -20000}});
  // Now: huurtoeslag +12,00, zorgtoeslag gone (−100,00), tax 10,00 higher, a new kindgebonden
  //      budget of 50,00: disposable 1.400,00 + 12,00 − 100,00 − 10,00 + 50,00 = 1.352,00
  //      (−48,00); margin −198,00 (−48,00); required budget unchanged.
  const auto now = Income("nl-2026-01", 155000,
                          {{bv1::INCOME_COMPONENT_BIJSTAND, 0, 120000},
                           {bv1::INCOME_COMPONENT_HUURTOESLAG, 0, 31200},
                           {bv1::INCOME_COMPONENT_INCOME_TAX, 1, -21000},
                           {bv1::INCOME_COMPONENT_KINDGEBONDEN_BUDGET, 0, 5000}});
  ASSERT_EQ(then.calculation().disposable_income().cents(), 140000);
  ASSERT_EQ(now.calculation().disposable_income().cents(), 135200);
  const std::vector<v1::SnapshotDifference> diffs = DiffIncome(then, now);
  EXPECT_THAT(Paths(diffs),
              ::testing::ElementsAre("calculation.lines[zorgtoeslag]",          // −10000
                                     "calculation.lines[kindgebonden_budget]",  // +5000
                                     "calculation.disposable_income",           // −4800
                                     "calculation.margin",                      // −4800
                                     "calculation.lines[huurtoeslag]",          // +1200
                                     "calculation.lines[income_tax,adult=1]",   // −1000
                                     "basis.rules.rule_set_id"));
  EXPECT_EQ(diffs[0].change().cents(), -10000);
  EXPECT_EQ(diffs[0].before(), "€ 100,00");
  EXPECT_EQ(diffs[0].after(), "€ 0,00");
  EXPECT_EQ(diffs[2].change().cents(), -4800);
  EXPECT_EQ(diffs[2].before(), "€ 1.400,00");
  EXPECT_EQ(diffs[2].after(), "€ 1.352,00");
  EXPECT_EQ(diffs[3].before(), "-€ 150,00");
  EXPECT_EQ(diffs[3].after(), "-€ 198,00");
  const v1::SnapshotDifference* huur = Find(diffs, "calculation.lines[huurtoeslag]");
  ASSERT_NE(huur, nullptr);
  EXPECT_EQ(huur->change().cents(), 1200);
  EXPECT_EQ(huur->explanation(),
            "Je huurtoeslag is nu € 12,00 per maand hoger dan toen door de nieuwe regels "
            "(nl-2026-01).");
  // Tax is a cost: its line went from −200,00 to −210,00, so the tax is higher and the change
  // (what is left over) is −10,00.
  const v1::SnapshotDifference* tax = Find(diffs, "calculation.lines[income_tax,adult=1]");
  ASSERT_NE(tax, nullptr);
  EXPECT_EQ(tax->change().cents(), -1000);
  EXPECT_THAT(tax->explanation(), ::testing::StartsWith("De loonheffing is nu € 10,00 per maand "
                                                        "hoger"));
  EXPECT_EQ(diffs.back().before(), "nl-2025-07");
  EXPECT_EQ(diffs.back().after(), "nl-2026-01");
  EXPECT_EQ(diffs.back().change().cents(), 0);
}

TEST(DiffIncome, BecomingLonendIsReported) {
  const auto then = Income("r", 100000, {{bv1::INCOME_COMPONENT_BIJSTAND, 0, 99000}});
  const auto now = Income("r", 100000, {{bv1::INCOME_COMPONENT_BIJSTAND, 0, 100500}});
  const std::vector<v1::SnapshotDifference> diffs = DiffIncome(then, now);
  const v1::SnapshotDifference* lonend = Find(diffs, "calculation.lonend");
  ASSERT_NE(lonend, nullptr);
  EXPECT_EQ(lonend->before(), "nee");
  EXPECT_EQ(lonend->after(), "ja");
  EXPECT_EQ(lonend->explanation(), "Je hebt nu genoeg om van te leven.");  // Same rules.
  const v1::SnapshotDifference* margin = Find(diffs, "calculation.margin");
  ASSERT_NE(margin, nullptr);
  EXPECT_EQ(margin->change().cents(), 1500);  // −10,00 → +5,00
  EXPECT_EQ(margin->explanation(),
            "Wat je overhoudt (je marge) is nu € 15,00 per maand hoger "
            "dan toen.");
}

mv1::Candidate* AddCandidate(mv1::MatchResult& r, const std::string& occupation,
                             const std::string& title, int rank, int64_t margin) {
  mv1::Candidate* c = r.add_candidates();
  c->set_occupation(occupation);
  c->set_title(title);
  c->set_rank(rank);
  c->mutable_margin()->set_cents(margin);
  c->set_lonend(margin >= 0);
  return c;
}

TEST(DiffMatch, CandidatesMatchedByOccupation) {
  mv1::MatchResult then;
  then.mutable_current_margin()->set_cents(-100);
  then.mutable_data()->set_data_version("2025q2");
  then.mutable_basis()->mutable_rules()->mutable_rule_set_id()->set_value("nl-2026-01");
  AddCandidate(then, "occupations/1", "Kok", 1, 2000);
  AddCandidate(then, "occupations/2", "Schoonmaker", 2, -300);
  AddCandidate(then, "occupations/3", "Chauffeur", 3, -900);
  mv1::MatchResult now;
  now.mutable_current_margin()->set_cents(50);
  now.mutable_data()->set_data_version("2025q3");
  now.mutable_basis()->mutable_rules()->mutable_rule_set_id()->set_value("nl-2026-01");
  // Listed in another order: matching is by occupation, not by position.
  AddCandidate(now, "occupations/4", "Monteur", 3, -50);
  AddCandidate(now, "occupations/2", "Schoonmaker", 1, 200);
  AddCandidate(now, "occupations/1", "Kok", 2, 1500);

  const std::vector<v1::SnapshotDifference> diffs = DiffMatch(then, now);
  EXPECT_THAT(Paths(diffs),
              ::testing::ElementsAre("candidates[occupations/1].margin",  // −500
                                     "candidates[occupations/2].margin",  // +500
                                     "current_margin",                    // +150
                                     "current_lonend", "candidates[occupations/1].rank",
                                     "candidates[occupations/2].lonend",
                                     "candidates[occupations/2].rank", "candidates[occupations/4]",
                                     "candidates[occupations/3]", "data.data_version"));
  EXPECT_EQ(diffs[0].change().cents(), -500);
  EXPECT_EQ(diffs[0].explanation(),
            "Wat je als Kok overhoudt is nu € 5,00 per maand lager dan "
            "toen.");
  EXPECT_EQ(diffs[1].change().cents(), 500);
  EXPECT_EQ(diffs[1].before(), "-€ 3,00");
  EXPECT_EQ(diffs[1].after(), "€ 2,00");
  EXPECT_EQ(diffs[2].change().cents(), 150);
  EXPECT_EQ(diffs[3].before(), "nee");
  EXPECT_EQ(diffs[3].after(), "ja");
  EXPECT_EQ(diffs[4].before(), "1");
  EXPECT_EQ(diffs[4].after(), "2");
  EXPECT_EQ(diffs[4].explanation(), "Kok staat nu op plaats 2 in plaats van 1.");
  EXPECT_EQ(diffs[7].before(), "");
  EXPECT_EQ(diffs[7].after(), "plaats 3");
  EXPECT_EQ(diffs[7].explanation(), "Monteur staat nu in de lijst, op plaats 3.");
  EXPECT_EQ(diffs[8].explanation(), "Chauffeur staat niet meer in de lijst.");
  EXPECT_EQ(diffs[9].after(), "2025q3");
  EXPECT_TRUE(DiffMatch(then, then).empty());
}

// An income snapshot of a household that needs € 1.000,00 and has `disposable`; the one adult
// works `minutes` a week.
v1::CompassSnapshot IncomeSnapshot(int64_t disposable, int minutes) {
  v1::CompassSnapshot s;
  s.set_name("participants/p/compassSnapshots/s");
  s.mutable_income_request()->mutable_household()->add_adults()->set_minutes_per_week(minutes);
  *s.mutable_income_response() =
      Income("r", 100000, {{bv1::INCOME_COMPONENT_BIJSTAND, 0, disposable}});
  return s;
}

TEST(SuggestLevels, FinancialLevelFollowsIncomeAgainstNeed) {
  // Thresholds at 70, 85, 100 and 110 % of the required € 1.000,00; whole per cent rounded down.
  const std::vector<std::pair<int64_t, int>> cases = {{69999, 1},  {70000, 2},  {84999, 2},
                                                      {85000, 3},  {99999, 3},  {100000, 4},
                                                      {109999, 4}, {110000, 5}, {0, 1}};
  for (const auto& [disposable, level] : cases) {
    absl::StatusOr<std::vector<v1::LevelSuggestion>> s =
        SuggestLevels(IncomeSnapshot(disposable, 0));
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_EQ(s->size(), 2u);
    EXPECT_EQ((*s)[0].pillar(), v1::PILLAR_FINANCIAL_MANAGEMENT);
    EXPECT_EQ((*s)[0].suggested_level(), level) << disposable;
    EXPECT_EQ((*s)[0].compass_snapshot(), "participants/p/compassSnapshots/s");
  }
  absl::StatusOr<std::vector<v1::LevelSuggestion>> short_by =
      SuggestLevels(IncomeSnapshot(88000, 0));
  ASSERT_TRUE(short_by.ok());
  EXPECT_EQ((*short_by)[0].reason(),
            "Het besteedbaar inkomen ligt € 120,00 per maand onder het benodigde budget (88 % "
            "ervan).");
}

TEST(SuggestLevels, EmploymentLevelFollowsWorkAndLonend) {
  // Income question: works and lonend → 5; works, not lonend → 3; not working → 1.
  EXPECT_EQ(SuggestLevels(IncomeSnapshot(100000, 1440)).value()[1].suggested_level(), 5);
  EXPECT_EQ(SuggestLevels(IncomeSnapshot(99999, 1440)).value()[1].suggested_level(), 3);
  EXPECT_EQ(SuggestLevels(IncomeSnapshot(120000, 0)).value()[1].suggested_level(), 1);
  // Match question: the best option (the snapshot's lonend) counts.
  v1::CompassSnapshot m;
  m.mutable_match_profile()->set_job_seeker(1);
  m.mutable_match_profile()->mutable_household()->add_adults()->set_minutes_per_week(0);
  m.mutable_match_result()->mutable_required_budget()->set_cents(100000);
  m.mutable_match_result()->mutable_current_margin()->set_cents(-5000);
  m.set_lonend(true);
  absl::StatusOr<std::vector<v1::LevelSuggestion>> s = SuggestLevels(m);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)[0].suggested_level(), 3);  // 95 %
  EXPECT_EQ((*s)[1].pillar(), v1::PILLAR_EMPLOYMENT_CAREER);
  EXPECT_EQ((*s)[1].suggested_level(), 2);  // not working, a lonend job exists
  m.mutable_match_profile()->mutable_household()->mutable_adults(0)->set_minutes_per_week(960);
  EXPECT_EQ(SuggestLevels(m).value()[1].suggested_level(), 4);
  m.set_lonend(false);
  EXPECT_EQ(SuggestLevels(m).value()[1].suggested_level(), 3);
  // No answer, or no required budget: nothing to measure against.
  EXPECT_EQ(SuggestLevels(v1::CompassSnapshot()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  m.mutable_match_result()->mutable_required_budget()->set_cents(0);
  EXPECT_EQ(SuggestLevels(m).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace kompas::caserecord
