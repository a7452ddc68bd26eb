// Worked cases for the income engine, 2026 rules. Every expected figure below is worked by
// hand from the published parameters (data/rules/nl/2026-01.yaml, sources there) and the
// rule cited next to it; none was taken from running the code. Rounding convention
// (engine.h / arith.h): a percentage of a cents amount is rounded half up to the cent;
// yearly → monthly /12 rounded to the cent; zorgtoeslag per year rounded to whole euros (Awir
// art. 14 lid 4), per month rounded down; huurtoeslag, kindgebonden budget and
// kinderopvangtoeslag per month rounded down to whole euros.
#include "services/budget/income/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kompas::budget {
namespace {

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<RuleBook> book = RuleBook::LoadDirectory(KOMPAS_RULES_DIR);
    ASSERT_TRUE(book.ok()) << book.status();
    book_ = new RuleBook(*std::move(book));
  }
  static const RuleSet& Rules2026() { return *book_->Select(absl::CivilDay(2026, 3, 1))->rules; }
  static const RuleParams& P() { return Rules2026().params; }

  static AdultFacts Adult(int age, std::int64_t hourly = 0, int hours = 0) {
    AdultFacts a;
    a.age = age;
    a.hourly_wage = hourly;
    a.minutes_per_week = hours * 60;
    return a;
  }
  static ChildFacts Child(int age) {
    ChildFacts c;
    c.age = age;
    return c;
  }
  static HouseholdFacts Renting(std::int64_t bare_rent) {
    HouseholdFacts h;
    h.rents = true;
    h.bare_rent = bare_rent;
    return h;
  }
  static IncomeResult Calc(const HouseholdFacts& h) {
    absl::StatusOr<IncomeResult> r = CalculateIncome(Rules2026(), h, /*with_lines=*/true);
    EXPECT_TRUE(r.ok()) << r.status();
    std::int64_t sum = 0;
    for (const Line& l : r->lines) sum += l.monthly;
    EXPECT_EQ(sum, r->disposable) << "the lines must add up to disposable income";
    absl::StatusOr<IncomeResult> totals = CalculateIncome(Rules2026(), h, /*with_lines=*/false);
    EXPECT_EQ(totals->disposable, r->disposable) << "totals-only path must agree";
    return *r;
  }

  static RuleBook* book_;
};
RuleBook* EngineTest::book_ = nullptr;

// --- The tax side, Wet IB 2001 ------------------------------------------------------------

TEST_F(EngineTest, BoxOneBracketsArt2_10) {
  // € 100.000: 35,75 % × 38.883 = 13.900,67(25); 37,56 % × (78.426 − 38.883 = 39.543)
  // = 14.852,35(08); 49,50 % × 21.574 = 10.679,13. Total 39.432,15.
  EXPECT_EQ(BoxOneTax(P(), 10'000'000), 1'390'067 + 1'485'235 + 1'067'913);
  // € 20.000 entirely in the first bracket: 7.150,00.
  EXPECT_EQ(BoxOneTax(P(), 2'000'000), 715'000);
}

TEST_F(EngineTest, AlgemeneHeffingskortingArt8_10) {
  EXPECT_EQ(AlgemeneHeffingskorting(P(), 2'000'000), 311'500);  // below the start: the maximum
  // € 40.000: 3.115 − 6,398 % × (40.000 − 29.736 = 10.264) = 3.115 − 656,69(07) = 2.458,31.
  EXPECT_EQ(AlgemeneHeffingskorting(P(), 4'000'000), 245'831);
  // Nil from about € 78.423 (3.115 / 6,398 % + 29.736); € 80.000 → 0.
  EXPECT_EQ(AlgemeneHeffingskorting(P(), 8'000'000), 0);
}

TEST_F(EngineTest, ArbeidskortingSegmentsArt8_11) {
  // € 10.000: 8,324 % = 832,40.
  EXPECT_EQ(Arbeidskorting(P(), 1'000'000), 83'240);
  // € 20.000: € 996 + 31,009 % × (20.000 − 11.965 = 8.035) = 996 + 2.491,57(3) = 3.487,57.
  EXPECT_EQ(Arbeidskorting(P(), 2'000'000), 99'600 + 249'157);
  // € 30.000: € 5.300 + 1,95 % × (30.000 − 25.845 = 4.155) = 5.300 + 81,02(25) = 5.381,02.
  EXPECT_EQ(Arbeidskorting(P(), 3'000'000), 530'000 + 8'102);
  // € 50.000: 5.685 − 6,51 % × (50.000 − 45.592 = 4.408) = 5.685 − 286,96(08) = 5.398,04.
  EXPECT_EQ(Arbeidskorting(P(), 5'000'000), 539'804);
  // € 132.920 (the published end point): 5.685 − 6,51 % × 87.328 = 5.685 − 5.685,05 → 0.
  EXPECT_EQ(Arbeidskorting(P(), 13'292'000), 0);
}

TEST_F(EngineTest, IackArt8_14a) {
  EXPECT_EQ(Iack(P(), 600'000), 0);  // below € 6.239
  // € 19.826,73: 11,45 % × (19.826,73 − 6.239 = 13.587,73) = 1.555,79(5) → 1.555,80.
  EXPECT_EQ(Iack(P(), 1'982'673), 155'580);
  EXPECT_EQ(Iack(P(), 5'000'000), 303'200);  // capped at the maximum € 3.032
}

// --- The bijstand norm, Participatiewet ---------------------------------------------------

TEST_F(EngineTest, BijstandNormsArt21And22a) {
  HouseholdFacts single;
  single.adults = {Adult(30)};
  EXPECT_EQ(*BijstandNorm(P(), single), 140'150);  // art. 21 a: € 1.401,50
  HouseholdFacts couple;
  couple.adults = {Adult(30), Adult(31)};
  EXPECT_EQ(*BijstandNorm(P(), couple), 200'213);  // art. 21 b: € 2.002,13
  // Art. 22a with one kostendeler of 27+: A = 2, ((40 + 2 × 30) / 200) × 2.002,13 = 1.001,07.
  HouseholdFacts shared = single;
  shared.housemates.push_back({30, true, 0});
  EXPECT_EQ(*BijstandNorm(P(), shared), 100'107);
  // A = 3: (40 + 90) / 300 × 2.002,13 = 867,589 → 867,59 (Normenbrief: € 867,59).
  shared.housemates.push_back({45, true, 0});
  EXPECT_EQ(*BijstandNorm(P(), shared), 86'759);
  // A housemate of 26 is no kostendeler (art. 19a: from 27).
  HouseholdFacts young_mate = single;
  young_mate.housemates.push_back({26, true, 0});
  EXPECT_EQ(*BijstandNorm(P(), young_mate), 140'150);
  // Art. 20: a single person of 20: € 345,99.
  HouseholdFacts young;
  young.adults = {Adult(20)};
  EXPECT_EQ(*BijstandNorm(P(), young), 34'599);
}

// --- Whole households ---------------------------------------------------------------------

// Case 1: single, 30, on full bijstand, kale huur € 650.
TEST_F(EngineTest, SingleOnFullBijstand) {
  HouseholdFacts h = Renting(65'000);
  h.adults = {Adult(30)};
  IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 140'150);
  // Toetsingsinkomen: the gross B whose net is 12 × 1.401,50 = 16.818,00:
  // B − (35,75 % B − 3.115) = 16.818 → B ≈ 13.703 / 0,6425 = 21.327,6; in cents the smallest
  // such B: 21.327,62 (tax 35,75 % = 7.624,62(2), net 21.327,62 − 4.509,62 = 16.818,00;
  // at 21.327,61 the net is 16.817,99). Normenbrief 2026 Bijlage VII estimates € 21.327.
  EXPECT_EQ(r.yearly_toetsingsinkomen, 2'132'762);
  // Zorgtoeslag (Wzt art. 2): 2.119 − 1,912 % × 29.736 (= 568,55) = 1.550,45 / 12 = 129,20
  // → € 129.
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  // Huurtoeslag (WHT art. 21, 1 person): (498,20 − 202,52) + 65 % × (650 − 498,20)
  // = 295,68 + 98,67 = 394,35; income below € 23.425 → € 394.
  EXPECT_EQ(r.huurtoeslag, 39'400);
  EXPECT_EQ(r.disposable, 140'150 + 12'900 + 39'400);
}

// Case 2: single, 30, 36 h at the minimum wage, vrijlating used up, kale huur € 650.
TEST_F(EngineTest, SingleFullTimeAtMinimumWage) {
  HouseholdFacts h = Renting(65'000);
  h.adults = {Adult(30, 1471, 36)};
  h.adults[0].vrijlating_months_used = 6;
  IncomeResult r = Calc(h);
  // Wage 14,71 × 36 × 52 = 27.537,12; vakantiegeld 8 % = 2.202,97; together 29.740,09.
  EXPECT_EQ(r.gross_monthly_wage, 229'476);  // 27.537,12 / 12
  // Tax 35,75 % × 29.740,09 = 10.632,08; AHK 3.115 − 6,398 % × 4,09 = 3.114,74;
  // AK 5.300 + 1,95 % × 3.895,09 = 5.375,95. Net tax 2.141,39; net 27.598,70 / 12 = 2.299,89.
  EXPECT_EQ(r.net_wage, 229'989);
  EXPECT_EQ(r.bijstand, 0);  // net income above the norm
  EXPECT_EQ(r.yearly_toetsingsinkomen, 2'974'009);
  // Zorgtoeslag: 2.119 − (568,55 + 13,73 % × 4,09 = 0,56) = 1.549,89 / 12 = 129,16 → € 129.
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  // Huurtoeslag: 394,35 − 27 % × (29.740,09 − 23.425) / 12 = 394,35 − 142,09 = 252,26 → € 252.
  EXPECT_EQ(r.huurtoeslag, 25'200);
  EXPECT_EQ(r.disposable, 229'989 + 12'900 + 25'200);
}

// Case 3: single parent, 32, children of 4 and 9, on full bijstand, kale huur € 700.
TEST_F(EngineTest, SingleParentTwoChildrenOnBijstand) {
  HouseholdFacts h = Renting(70'000);
  h.adults = {Adult(32)};
  h.children = {Child(4), Child(9)};
  IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 140'150);  // art. 21 a: the same norm for an alleenstaande ouder
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  // KGB: 2 × 2.580 + ouderkop 3.416 = 8.576 (Dienst Toeslagen 2026: single, 2 children
  // € 8.576); no phase-out below € 29.736; / 12 = 714,67 → € 714.
  EXPECT_EQ(r.kindgebonden_budget, 71'400);
  // Kinderbijslag: (295,07 + 358,30) per quarter / 3 = 217,79.
  EXPECT_EQ(r.kinderbijslag, 21'779);
  // Huurtoeslag, 3 persons: (498,20 − 200,71) + 65 % × (700 − 498,20) = 297,49 + 131,17
  // = 428,66 → € 428.
  EXPECT_EQ(r.huurtoeslag, 42'800);
  EXPECT_EQ(r.disposable, 140'150 + 12'900 + 71'400 + 21'779 + 42'800);
}

// Case 4: the same single parent working 24 h at the minimum wage, first month of work.
TEST_F(EngineTest, SingleParentPartTimeWithVrijlating) {
  HouseholdFacts h = Renting(70'000);
  h.adults = {Adult(32, 1471, 24)};
  h.children = {Child(4), Child(9)};
  IncomeResult r = Calc(h);
  // Wage 14,71 × 24 × 52 = 18.358,08 + 8 % 1.468,65 = 19.826,73. Tax 35,75 % = 7.088,06;
  // credits AHK 3.115 + AK (996 + 31,009 % × 7.861,73 = 3.433,83) + IACK 1.555,80 exceed it:
  // no tax (art. 8.1). Net 19.826,73 / 12 = 1.652,23.
  EXPECT_EQ(r.net_wage, 165'223);
  // Vrijlating (age 32 ≥ 27, art. 31 lid 5): 25 % × 1.652,23 = 413,06 → max € 285
  // (art. 31 lid 2 n). The single-parent 12,5 % (lid 2 r) starts only after the six months of
  // n (r, 2°): not yet. Counted 1.652,23 − 285 = 1.367,23; bijstand 1.401,50 − 1.367,23 = 34,27.
  EXPECT_EQ(r.bijstand_vrijlating, 28'500);
  EXPECT_EQ(r.bijstand, 3'427);
  // Toetsingsinkomen: the bijstand (12 × 34,27 = 411,24) stays untaxed because the credits
  // still exceed the tax: 19.826,73 + 411,24 = 20.237,97.
  EXPECT_EQ(r.yearly_toetsingsinkomen, 2'023'797);
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  EXPECT_EQ(r.kindgebonden_budget, 71'400);
  EXPECT_EQ(r.kinderbijslag, 21'779);
  EXPECT_EQ(r.huurtoeslag, 42'800);  // income below the € 31.500 ijkpunt
  EXPECT_EQ(r.disposable, 165'223 + 3'427 + 12'900 + 71'400 + 21'779 + 42'800);
}

// Case 5: couple, 35 and 36, children of 3 and 7; one works 36 h at € 19,12 (1,3 × WML),
// kale huur € 800.
TEST_F(EngineTest, CoupleOneEarnerAbove1_3TimesMinimumWage) {
  HouseholdFacts h = Renting(80'000);
  h.adults = {Adult(35, 1912, 36), Adult(36)};
  h.children = {Child(3), Child(7)};
  IncomeResult r = Calc(h);
  // Wage 19,12 × 36 × 52 = 35.792,64 + 8 % 2.863,41 = 38.656,05. Tax 35,75 % = 13.819,54;
  // AHK 3.115 − 6,398 % × 8.920,05 (= 570,70) = 2.544,30; AK 5.300 + 1,95 % × 12.811,05
  // (= 249,82) = 5.549,82; no IACK (the partner without work earns less). Net tax 5.725,42;
  // net 32.930,63 / 12 = 2.744,22.
  EXPECT_EQ(r.net_wage, 274'422);
  EXPECT_EQ(r.bijstand, 0);  // above the couple norm € 2.002,13
  // Zorgtoeslag partners: 2 × 2.119 − (4,289 % × 29.736 = 1.275,38 + 13,73 % × 8.920,05
  // = 1.224,72) = 1.737,90 / 12 = 144,83 → € 144.
  EXPECT_EQ(r.zorgtoeslag, 14'400);
  // KGB: 2 × 2.580 = 5.160, below the partners' threshold € 39.141: / 12 = € 430.
  EXPECT_EQ(r.kindgebonden_budget, 43'000);
  EXPECT_EQ(r.kinderbijslag, 21'779);
  // Huurtoeslag, 4 persons: 297,49 + 65 % × (764,14 − 498,20) = 172,86 + 40 % × (800 −
  // 764,14) = 14,34, minus 22 % × (38.656,05 − 31.500) / 12 = 131,19: 353,50 → € 353.
  EXPECT_EQ(r.huurtoeslag, 35'300);
  EXPECT_EQ(r.disposable, 274'422 + 14'400 + 43'000 + 21'779 + 35'300);
}

// Case 6: single, 40, with a kostendeler of 30 who earns € 20.000 a year; kale huur € 900.
TEST_F(EngineTest, KostendelerOnBijstand) {
  HouseholdFacts h = Renting(90'000);
  h.adults = {Adult(40)};
  h.housemates.push_back({30, true, 2'000'000});
  IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 100'107);  // art. 22a, A = 2
  // Gross-up of 12 × 1.001,07 = 12.012,84: B − (35,75 % B − 3.115) = 12.012,84 → B = 13.848,78.
  EXPECT_EQ(r.yearly_toetsingsinkomen, 1'384'878);
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  // Huurtoeslag, 2 persons (rekeninkomen includes the housemate: 33.848,78):
  // 297,49 + 65 % × 214,82 (= 139,63) + 40 % × (900 − 713,02) (= 74,79)
  // − 22 % × 2.348,78 / 12 (= 43,06) = 468,85 → € 468.
  EXPECT_EQ(r.huurtoeslag, 46'800);
  EXPECT_EQ(r.disposable, 100'107 + 12'900 + 46'800);
}

// Case 7: single of 20 on bijstand; kale huur € 450.
TEST_F(EngineTest, YoungSingleOnBijstand) {
  HouseholdFacts h = Renting(45'000);
  h.adults = {Adult(20)};
  IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 34'599);
  EXPECT_EQ(r.yearly_toetsingsinkomen, 415'188);  // 12 × 345,99, below the tax credits
  EXPECT_EQ(r.zorgtoeslag, 12'900);
  // All residents under 21: only the first band, (450 − 202,52) = 247,48 → € 247.
  EXPECT_EQ(r.huurtoeslag, 24'700);
}

// Case 8: assets above the bijstand limit (€ 8.000 for a single person, art. 34).
TEST_F(EngineTest, AssetsAboveTheBijstandLimit) {
  HouseholdFacts h = Renting(65'000);
  h.adults = {Adult(30)};
  h.assets = 850'000;
  IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 0);
  EXPECT_EQ(r.yearly_toetsingsinkomen, 0);
  EXPECT_EQ(r.zorgtoeslag, 12'900);  // its asset limit is € 146.011
  EXPECT_EQ(r.huurtoeslag, 39'400);
  ASSERT_FALSE(r.notices.empty());
  EXPECT_EQ(r.notices[0].code, "BIJSTAND_ASSETS_ABOVE_LIMIT");
}

TEST_F(EngineTest, LinesCarryLegalBasisAndPlainDutch) {
  HouseholdFacts h = Renting(65'000);
  h.adults = {Adult(30)};
  IncomeResult r = Calc(h);
  for (const Line& l : r.lines) {
    ASSERT_NE(l.basis, nullptr);
    EXPECT_FALSE(l.basis->legal_basis.empty());
    EXPECT_FALSE(l.explanation.empty());
  }
  EXPECT_EQ(FormatEuro(123456789), "€ 1.234.567,89");
  EXPECT_EQ(FormatEuro(-5), "-€ 0,05");
}

TEST_F(EngineTest, UncoveredSituationsSayWhy) {
  HouseholdFacts h;
  h.adults = {Adult(19), Adult(30)};
  absl::StatusOr<IncomeResult> r = CalculateIncome(Rules2026(), h, false);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("under 21"));
}

}  // namespace
}  // namespace kompas::budget
