// The Career Compass ranking without a network: profiles, wages, routes, scores and the
// gross-above-net guard, on hand-made catalogue and budget answers (unit tests; the integration
// test runs the real services).
#include "services/matching/matching_logic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kompas::matching {
namespace {

using ::testing::HasSubstr;

v1::MatchProfile Valid() {
  v1::MatchProfile p;
  p.set_profile_id("p");
  p.mutable_household()->set_gemeente_code("GM0935");
  p.mutable_household()->add_adults();
  p.set_job_seeker(1);
  p.set_education_level(cv1::EDUCATION_LEVEL_NLQF_2);
  p.set_available_minutes_per_week(24 * 60);
  p.set_max_training_months(24);
  return p;
}

cv1::Occupation Occupation(const std::string& code, std::int64_t p25, std::int64_t p50,
                           cv1::EducationLevel level, cv1::DemandLevel demand) {
  cv1::Occupation o;
  o.set_brc_code(code);
  o.set_title("Beroep " + code);
  o.mutable_wages()->mutable_p25()->set_cents(p25);
  o.mutable_wages()->mutable_p50()->set_cents(p50);
  o.mutable_wages()->mutable_statutory_minimum()->set_cents(1'471);
  o.mutable_wages()->set_published_for_brc_code(code);
  o.mutable_wages()->set_source_year(2022);
  o.mutable_wages()->set_indexed_to_year(2026);
  o.mutable_education()->set_level(level);
  cv1::RegionalDemand* d = o.add_demand();
  d->set_level(demand);
  d->set_sample(true);
  return o;
}

cv1::Training* AddTraining(cv1::Occupation& o, cv1::EducationLevel level, int months, bool paid) {
  cv1::Training* t = o.add_training_routes();
  t->set_level(level);
  t->set_typical_months(months);
  t->set_paid(paid);
  t->set_description("opleiding " + std::to_string(months));
  return t;
}

bv1::ScenarioResult Money(std::int64_t disposable) {
  bv1::ScenarioResult r;
  r.mutable_calculation()->mutable_disposable_income()->set_cents(disposable);
  return r;
}

TEST(ValidateProfileTest, EachRuleNamesItsField) {
  std::string field;
  EXPECT_TRUE(ValidateProfile(Valid(), &field).ok());
  struct Case {
    void (*change)(v1::MatchProfile&);
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](v1::MatchProfile& p) { p.clear_household(); }, "household"},
      {[](v1::MatchProfile& p) { p.mutable_household()->set_gemeente_code("Maastricht"); },
       "household.gemeente_code"},
      {[](v1::MatchProfile& p) { p.set_job_seeker(2); }, "job_seeker"},
      {[](v1::MatchProfile& p) { p.set_education_level(cv1::EDUCATION_LEVEL_UNSPECIFIED); },
       "education_level"},
      {[](v1::MatchProfile& p) { p.set_available_minutes_per_week(0); },
       "available_minutes_per_week"},
      {[](v1::MatchProfile& p) { p.set_available_minutes_per_week(4801); },
       "available_minutes_per_week"},
      {[](v1::MatchProfile& p) { p.set_max_training_months(-1); }, "max_training_months"},
      {[](v1::MatchProfile& p) { p.set_max_candidates(101); }, "max_candidates"},
      {[](v1::MatchProfile& p) { p.set_current_occupation("5131"); }, "current_occupation"},
      {[](v1::MatchProfile& p) { p.mutable_weights()->set_margin(101); }, "weights.margin"},
      {[](v1::MatchProfile& p) { p.mutable_weights(); }, "weights"},
      {[](v1::MatchProfile& p) { p.set_profile_id(std::string(101, 'x')); }, "profile_id"},
  };
  for (const Case& c : cases) {
    v1::MatchProfile p = Valid();
    c.change(p);
    field.clear();
    absl::Status s = ValidateProfile(p, &field);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(field, c.field);
    EXPECT_THAT(std::string(s.message()), HasSubstr("profile." + c.field + ":"));
  }
}

TEST(WageTest, CaoEntryWageFirstThenThe25thPercentileNeverBelowTheMinimum) {
  cv1::Occupation o =
      Occupation("5131", 1'400, 1'800, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  o.mutable_wages()->mutable_p25()->set_cents(1'471);
  o.mutable_wages()->set_p25_raised_to_minimum(true);
  v1::WageUsed w = EntryWage(o);
  EXPECT_EQ(w.gross_hourly_wage().cents(), 1'471);
  EXPECT_EQ(w.source(), v1::WAGE_SOURCE_STATUTORY_MINIMUM);
  EXPECT_TRUE(w.raised_to_minimum());
  for (const auto& [year, cents] : {std::pair{2022, 1'300}, std::pair{2025, 1'483}}) {
    cv1::CaoWage* c = o.add_cao_wages();
    c->set_cao("Schoonmaak");
    c->mutable_hourly_wage()->set_cents(cents);
    c->mutable_valid_from()->set_year(year);
  }
  w = EntryWage(o);
  EXPECT_EQ(w.source(), v1::WAGE_SOURCE_CAO_ENTRY);
  EXPECT_EQ(w.gross_hourly_wage().cents(), 1'483) << "the newest cao figure";
  EXPECT_FALSE(w.raised_to_minimum());
  EXPECT_EQ(MedianWage(o).gross_hourly_wage().cents(), 1'800);
  EXPECT_EQ(MedianWage(o).source(), v1::WAGE_SOURCE_CBS_MEDIAN);
}

TEST(WageTest, NoPublishedWageMeansTheMinimumWage) {
  cv1::Occupation o = Occupation("5132", 0, 0, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  const v1::WageUsed w = EntryWage(o);
  EXPECT_EQ(w.gross_hourly_wage().cents(), 1'471);
  EXPECT_EQ(w.source(), v1::WAGE_SOURCE_STATUTORY_MINIMUM);
}

TEST(RoutePlanTest, ATrainingBeyondTheProjectionLeavesNoStep) {
  cv1::Occupation o =
      Occupation("0006", 3'000, 4'000, cv1::EDUCATION_LEVEL_NLQF_6, cv1::DEMAND_LEVEL_KRAP);
  AddTraining(o, cv1::EDUCATION_LEVEL_NLQF_6, 72, false);
  v1::MatchProfile p = Valid();
  p.set_max_training_months(60);
  const RoutePlan plan = BuildRoutePlan(p, o, /*lonend_now=*/true, {}, {});
  EXPECT_TRUE(plan.needed);
  EXPECT_FALSE(plan.reachable);  // 72 months is over the maximum of 60
  EXPECT_TRUE(plan.steps.empty());
}

TEST(RoutePlanTest, NoRouteWhenReachableAndLonend) {
  const cv1::Occupation o =
      Occupation("0001", 1'600, 2'000, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  const RoutePlan plan = BuildRoutePlan(Valid(), o, /*lonend_now=*/true, {}, {});
  EXPECT_FALSE(plan.needed);
  EXPECT_TRUE(plan.reachable);
  EXPECT_TRUE(plan.steps.empty());
}

TEST(RoutePlanTest, AboveTheLevelWithoutATrainingThereIsNoRoute) {
  const cv1::Occupation o =
      Occupation("0002", 3'000, 4'000, cv1::EDUCATION_LEVEL_NLQF_6, cv1::DEMAND_LEVEL_ZEER_KRAP);
  const RoutePlan plan = BuildRoutePlan(Valid(), o, /*lonend_now=*/true, {}, {});
  EXPECT_TRUE(plan.needed);
  EXPECT_FALSE(plan.reachable);
  EXPECT_TRUE(plan.steps.empty());
}

// Training of 24 months (the shortest reaching NLQF 3; the paid one at a tie), then the median
// after 24 more months, then the career step with the largest gain whose 6-month training fits.
TEST(RoutePlanTest, TrainingThenExperienceThenTheBestCareerStep) {
  cv1::Occupation o =
      Occupation("0003", 1'600, 2'000, cv1::EDUCATION_LEVEL_NLQF_3, cv1::DEMAND_LEVEL_KRAP);
  AddTraining(o, cv1::EDUCATION_LEVEL_NLQF_2, 12, true);  // too low
  AddTraining(o, cv1::EDUCATION_LEVEL_NLQF_3, 24, false);
  const cv1::Training* paid = AddTraining(o, cv1::EDUCATION_LEVEL_NLQF_3, 24, true);
  AddTraining(o, cv1::EDUCATION_LEVEL_NLQF_4, 36, true);
  cv1::Occupation next =
      Occupation("0004", 2'100, 2'600, cv1::EDUCATION_LEVEL_NLQF_4, cv1::DEMAND_LEVEL_KRAP);
  cv1::ListCareerStepsResponse steps;
  for (const auto& [to, gain, months] :
       {std::tuple{"occupations/0004", 600, 6}, std::tuple{"occupations/0005", 900, 30}}) {
    cv1::CareerStep* s = steps.add_career_steps();
    s->set_to_occupation(to);
    s->set_to_title(to);
    s->set_depth(1);
    s->mutable_median_wage_gain()->set_cents(gain);
    s->mutable_training()->set_typical_months(months);
  }
  const RoutePlan plan = BuildRoutePlan(Valid(), o, /*lonend_now=*/false, steps, {&o, &next});
  EXPECT_TRUE(plan.needed);
  EXPECT_TRUE(plan.reachable);
  EXPECT_EQ(plan.training_months, 24);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_EQ(plan.steps[0].training, paid);
  EXPECT_EQ(plan.steps[0].qualified_month, 24);
  EXPECT_EQ(plan.steps[0].wage.gross_hourly_wage().cents(), 1'600);
  EXPECT_EQ(plan.steps[1].start_month, 48);
  EXPECT_EQ(plan.steps[1].wage.gross_hourly_wage().cents(), 2'000);
  EXPECT_EQ(plan.steps[2].occupation, "occupations/0004") << "0005's 30 months do not fit 24";
  EXPECT_EQ(plan.steps[2].start_month, 48);
  EXPECT_EQ(plan.steps[2].qualified_month, 54);
  EXPECT_EQ(plan.steps[2].wage.gross_hourly_wage().cents(), 2'100);
}

// Scores by the documented formulas, worked by hand:
//   margin: required € 2.000, margin € 200 = 10 % → (0,10 + 0,25) / 0,45 × 1000 = 777,8 → 778;
//   demand krap 750; reachable now 1000; no cliff 1000;
//   total (50 × 778 + 20 × 750 + 20 × 1000 + 10 × 1000) / 100 = 83.900 / 100 = 839.
TEST(RankTest, ScoresFollowTheDocumentedFormulas) {
  const cv1::Occupation o =
      Occupation("0010", 1'600, 2'000, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  const bv1::ScenarioResult money = Money(220'000);
  Evaluated e{&o, EntryWage(o), &money, BuildRoutePlan(Valid(), o, true, {}, {}), {}};
  v1::MatchResult r;
  RankCandidates(Valid(), {e}, 200'000, "Zuid-Limburg", r);
  ASSERT_EQ(r.candidates_size(), 1);
  const v1::Score& s = r.candidates(0).score();
  EXPECT_EQ(s.margin(), 778);
  EXPECT_EQ(s.demand(), 750);
  EXPECT_EQ(s.reachability(), 1000);
  EXPECT_EQ(s.cliff_risk(), 1000);
  EXPECT_EQ(s.total(), (50 * 778 + 20 * 750 + 20 * 1000 + 10 * 1000 + 50) / 100);
  EXPECT_EQ(r.candidates(0).rank(), 1);
  EXPECT_TRUE(r.candidates(0).lonend());
  EXPECT_THAT(r.candidates(0).reasons(0), HasSubstr("€ 200,00 meer dan nodig"));
}

// A cliff 10 % above the wage (€ 16,50 against € 15,00) with a drop of € 50: d = 0,1, s = 0,5,
// score 1000 × (1 − 0,5 × 0,9) = 550.
TEST(RankTest, ANearDeepCliffLowersTheCliffScore) {
  const cv1::Occupation o =
      Occupation("0011", 1'500, 2'000, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  bv1::ScenarioResult money = Money(220'000);
  money.mutable_next_cliff()->mutable_before()->mutable_gross_hourly_wage()->set_cents(1'650);
  money.mutable_next_cliff()->mutable_drop()->set_cents(5'000);
  Evaluated e{&o, EntryWage(o), &money, BuildRoutePlan(Valid(), o, true, {}, {}), {}};
  v1::MatchResult r;
  RankCandidates(Valid(), {e}, 200'000, "Zuid-Limburg", r);
  EXPECT_EQ(r.candidates(0).score().cliff_risk(), 550);
  EXPECT_TRUE(r.candidates(0).has_next_cliff());
}

// A pays € 20 an hour in zeer krap demand, B € 15 in ruim demand; by score A leads, but A leaves
// € 50 less: B must rank above A, and A's reasons say why.
TEST(RankTest, MoreGrossButLessNetNeverRanksAbove) {
  const cv1::Occupation a =
      Occupation("0020", 2'000, 2'400, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_ZEER_KRAP);
  const cv1::Occupation b =
      Occupation("0021", 1'500, 1'900, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_RUIM);
  const bv1::ScenarioResult money_a = Money(210'000);
  const bv1::ScenarioResult money_b = Money(215'000);
  std::vector<Evaluated> evaluated = {
      {&a, EntryWage(a), &money_a, BuildRoutePlan(Valid(), a, true, {}, {}), {}},
      {&b, EntryWage(b), &money_b, BuildRoutePlan(Valid(), b, true, {}, {}), {}}};
  v1::MatchResult r;
  RankCandidates(Valid(), evaluated, 200'000, "Zuid-Limburg", r);
  ASSERT_EQ(r.candidates_size(), 2);
  EXPECT_GT(r.candidates(1).score().total(), r.candidates(0).score().total())
      << "by score alone A would lead";
  EXPECT_EQ(r.candidates(0).occupation(), "occupations/0021");
  EXPECT_EQ(r.candidates(1).occupation(), "occupations/0020");
  EXPECT_THAT(r.candidates(1).reasons(),
              ::testing::Contains(HasSubstr("€ 50,00 per maand minder")));
}

// Without a diploma and without time to train, nothing is reachable: the work nearest in
// education leads, even when work that needs a degree would leave more.
TEST(RankTest, WhenNothingIsReachableTheNearestInEducationLeads) {
  v1::MatchProfile p = Valid();
  p.set_education_level(cv1::EDUCATION_LEVEL_ENTRY);
  p.set_max_training_months(0);
  const cv1::Occupation degree =
      Occupation("0030", 3'000, 3'600, cv1::EDUCATION_LEVEL_NLQF_6, cv1::DEMAND_LEVEL_ZEER_KRAP);
  const cv1::Occupation mbo2 =
      Occupation("0031", 1'600, 1'900, cv1::EDUCATION_LEVEL_NLQF_2, cv1::DEMAND_LEVEL_KRAP);
  const bv1::ScenarioResult money_degree = Money(300'000);
  const bv1::ScenarioResult money_mbo2 = Money(230'000);
  std::vector<Evaluated> evaluated = {
      {&degree, EntryWage(degree), &money_degree, BuildRoutePlan(p, degree, true, {}, {}), {}},
      {&mbo2, EntryWage(mbo2), &money_mbo2, BuildRoutePlan(p, mbo2, true, {}, {}), {}}};
  ASSERT_FALSE(evaluated[0].plan.reachable);
  ASSERT_FALSE(evaluated[1].plan.reachable);
  v1::MatchResult r;
  RankCandidates(p, evaluated, 200'000, "Zuid-Limburg", r);
  ASSERT_EQ(r.candidates_size(), 2);
  EXPECT_EQ(r.candidates(0).occupation(), "occupations/0031");
  EXPECT_EQ(r.candidates(1).occupation(), "occupations/0030");
  EXPECT_GT(r.candidates(1).score().total(), r.candidates(0).score().total())
      << "by score alone the degree would lead";
}

}  // namespace
}  // namespace kompas::matching
