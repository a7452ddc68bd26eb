// BudgetLogic from request to response protos: validation (INVALID_ARGUMENT naming the field
// and the rule), rule-set choice by date, the required budget and the margin.
#include "services/budget/api/budget_logic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/budget/tests/test_data.h"

namespace kompas::budget {
namespace {

using ::testing::HasSubstr;
namespace tv1 = ::kompas::type::v1;

class BudgetLogicTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::shared_ptr<const BudgetData>> data = LoadBudgetData(NationalFiles());
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = new std::shared_ptr<const BudgetData>(*data);
  }
  BudgetLogic Logic(absl::CivilDay today = absl::CivilDay(2026, 3, 1)) const {
    return BudgetLogic(*data_, [today] { return today; });
  }

  // Single parent, 32, children of 4 and 9, Groningen, kale huur € 700, energy € 150,
  // premium € 160.
  static tv1::Household SingleParent() {
    tv1::Household h;
    h.set_gemeente_code("GM0014");
    tv1::Adult* a = h.add_adults();
    SetDate(1993, 5, 1, a->mutable_birth_date());
    a->mutable_health_premium()->set_cents(16'000);
    SetDate(2021, 6, 1, h.add_children()->mutable_birth_date());
    SetDate(2016, 9, 1, h.add_children()->mutable_birth_date());
    h.mutable_housing()->set_tenure(tv1::HOUSING_TENURE_RENTED);
    h.mutable_housing()->set_self_contained(true);
    h.mutable_housing()->mutable_bare_rent()->set_cents(70'000);
    h.mutable_housing()->mutable_energy()->set_cents(15'000);
    return h;
  }
  static void SetDate(int y, int m, int d, tv1::Date* out) {
    out->set_year(y);
    out->set_month(m);
    out->set_day(d);
  }
  absl::Status Income(const tv1::Household& h, v1::CalculateIncomeResponse& resp) const {
    v1::CalculateIncomeRequest req;
    *req.mutable_household() = h;
    return Logic().CalculateIncome(req, resp);
  }

  static std::shared_ptr<const BudgetData>* data_;
};
std::shared_ptr<const BudgetData>* BudgetLogicTest::data_ = nullptr;

TEST_F(BudgetLogicTest, IncomeLinesAddUpAndTheMarginIsDisposableMinusRequired) {
  v1::CalculateIncomeResponse resp;
  ASSERT_TRUE(Income(SingleParent(), resp).ok());
  const v1::IncomeCalculation& c = resp.calculation();
  std::int64_t sum = 0;
  for (const v1::IncomeLine& l : c.lines()) {
    sum += l.monthly_amount().cents();
    EXPECT_EQ(l.rule_set_id().value(), "nl/2026-01");
    EXPECT_FALSE(l.legal_basis().law().empty());
  }
  EXPECT_EQ(sum, c.disposable_income().cents());
  // Same household as the engine's worked case 3: 1.401,50 + 129 + 714 + 217,79 + 428.
  EXPECT_EQ(c.disposable_income().cents(), 289'029);
  // Required: rent 700 + energy 150 + premium 160 + standard. The standard for 1 adult and
  // 2 children (none 13–17) in 2026: 962,75 (2023 prices) × 1,091632 = 1.050,97(1) → 1.050,97.
  EXPECT_EQ(c.required_budget().cents(), 70'000 + 15'000 + 16'000 + 105'097);
  EXPECT_EQ(c.margin().cents(), c.disposable_income().cents() - c.required_budget().cents());
  EXPECT_EQ(c.lonend(), c.margin().cents() >= 0);
  EXPECT_EQ(resp.basis().rules().rule_set_id().value(), "nl/2026-01");
  EXPECT_FALSE(resp.basis().rules().rules_outdated());
  EXPECT_EQ(resp.basis().budget_standard().id(), "nl-armoedegrens-2023-afgeleid");
  EXPECT_TRUE(resp.basis().budget_standard().derived());
}

TEST_F(BudgetLogicTest, RuleDatePicksThePeriodAndMarksLaterDatesOutdated) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = SingleParent();
  v1::CalculateIncomeResponse resp;
  ASSERT_TRUE(Logic(absl::CivilDay(2026, 11, 23)).CalculateIncome(req, resp).ok());
  EXPECT_TRUE(resp.basis().rules().rules_outdated());
  EXPECT_EQ(resp.basis().rules().rules_valid_until().month(), 6);

  SetDate(2025, 9, 1, req.mutable_rule_date());
  resp.Clear();
  ASSERT_TRUE(Logic().CalculateIncome(req, resp).ok());
  EXPECT_EQ(resp.basis().rules().rule_set_id().value(), "nl/2025-07");
  EXPECT_FALSE(resp.basis().rules().rules_outdated());
  // 2025-07 holds estimated values (huurtoeslag approximation): the answer says so.
  EXPECT_TRUE(resp.basis().rules().estimated());
  EXPECT_GT(resp.basis().rules().estimated_parameters_size(), 0);
  // The 2025 July norm for a single parent: € 1.369,06 (metronieuws 2025-06, Rijksoverheid).
  std::int64_t bijstand = 0;
  for (const auto& l : resp.calculation().lines()) {
    if (l.component() == v1::INCOME_COMPONENT_BIJSTAND) bijstand = l.monthly_amount().cents();
  }
  EXPECT_EQ(bijstand, 136'906);
}

struct BadCase {
  const char* name;
  std::function<void(v1::CalculateIncomeRequest&)> breaker;
  const char* field;
};

TEST_F(BudgetLogicTest, BadInputIsInvalidArgumentNamingTheField) {
  const std::vector<BadCase> cases = {
      {"negative hours",
       [](auto& r) { r.mutable_household()->mutable_adults(0)->set_minutes_per_week(-60); },
       "household.adults[0].minutes_per_week: must be between 0 and 4800"},
      {"hours above 80",
       [](auto& r) {
         auto* a = r.mutable_household()->mutable_adults(0);
         a->set_minutes_per_week(81 * 60);
         a->mutable_gross_hourly_wage()->set_cents(1471);
       },
       "household.adults[0].minutes_per_week"},
      {"birth date in the future",
       [](auto& r) {
         SetDate(2027, 1, 1, r.mutable_household()->mutable_children(0)->mutable_birth_date());
       },
       "household.children[0].birth_date: must not lie after the rule date"},
      {"unknown gemeente", [](auto& r) { r.mutable_household()->set_gemeente_code("GM9999"); },
       "household.gemeente_code"},
      {"rule date before every rule-set",
       [](auto& r) { SetDate(2024, 12, 31, r.mutable_rule_date()); },
       "rule_date: 2024-12-31 precedes the oldest rule-set"},
      {"negative rent",
       [](auto& r) {
         r.mutable_household()->mutable_housing()->mutable_bare_rent()->set_cents(-1);
       },
       "household.housing.bare_rent.cents: must not be negative"},
      {"invalid date", [](auto& r) { SetDate(2026, 2, 30, r.mutable_rule_date()); },
       "rule_date: must be a valid calendar date"},
      {"no adults", [](auto& r) { r.mutable_household()->clear_adults(); }, "household.adults"},
      {"three adults",
       [](auto& r) {
         *r.mutable_household()->add_adults() = r.household().adults(0);
         *r.mutable_household()->add_adults() = r.household().adults(0);
       },
       "household.adults: must hold 1 or 2 adults"},
      {"wage missing for hours",
       [](auto& r) { r.mutable_household()->mutable_adults(0)->set_minutes_per_week(600); },
       "household.adults[0].gross_hourly_wage: is required"},
      {"child of 18",
       [](auto& r) {
         SetDate(2007, 1, 1, r.mutable_household()->mutable_children(0)->mutable_birth_date());
       },
       "household.children[0].birth_date: a child must be under 18"},
      {"missing birth date",
       [](auto& r) { r.mutable_household()->mutable_adults(0)->clear_birth_date(); },
       "household.adults[0].birth_date: is required"},
      {"missing tenure",
       [](auto& r) {
         r.mutable_household()->mutable_housing()->set_tenure(tv1::HOUSING_TENURE_UNSPECIFIED);
       },
       "household.housing.tenure: is required"},
  };
  for (const BadCase& c : cases) {
    v1::CalculateIncomeRequest req;
    *req.mutable_household() = SingleParent();
    c.breaker(req);
    v1::CalculateIncomeResponse resp;
    absl::Status s = Logic().CalculateIncome(req, resp);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.field)) << c.name;
  }
  v1::CalculateIncomeRequest no_household;
  v1::CalculateIncomeResponse resp;
  EXPECT_THAT(std::string(Logic().CalculateIncome(no_household, resp).message()),
              HasSubstr("household: is required"));
}

TEST_F(BudgetLogicTest, BatchAnswersEveryScenarioInOrderAndNamesABadOne) {
  v1::CalculateIncomeBatchRequest req;
  *req.mutable_household() = SingleParent();
  for (int hours : {0, 24, 36}) {
    v1::WorkScenario* s = req.add_scenarios();
    s->set_scenario_id(absl::StrCat(hours, "h"));
    v1::AdultWork* w = s->add_work();
    w->set_adult_number(1);
    w->mutable_gross_hourly_wage()->set_cents(1471);
    w->set_minutes_per_week(hours * 60);
  }
  v1::CalculateIncomeBatchResponse resp;
  ASSERT_TRUE(Logic().CalculateIncomeBatch(req, resp).ok());
  ASSERT_EQ(resp.results_size(), 3);
  EXPECT_EQ(resp.results(1).scenario_id(), "24h");
  EXPECT_EQ(resp.results(0).calculation().lines_size(), 0);  // totals only by default
  // Scenario 0 is the engine's worked case 3 (€ 2.890,29), scenario 1 its case 4
  // (€ 3.175,29): same household, same rules.
  EXPECT_EQ(resp.results(0).calculation().disposable_income().cents(), 289'029);
  EXPECT_EQ(resp.results(1).calculation().disposable_income().cents(), 317'529);

  req.mutable_scenarios(2)->mutable_work(0)->set_adult_number(2);
  absl::Status s = Logic().CalculateIncomeBatch(req, resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("scenarios[2].work[0].adult_number"));
  req.clear_scenarios();
  EXPECT_THAT(std::string(Logic().CalculateIncomeBatch(req, resp).message()),
              HasSubstr("scenarios"));
}

TEST_F(BudgetLogicTest, ListRuleSetsPagesOldestFirst) {
  v1::ListRuleSetsRequest req;
  req.set_page_size(2);
  v1::ListRuleSetsResponse resp;
  ASSERT_TRUE(Logic().ListRuleSets(req, resp).ok());
  ASSERT_EQ(resp.rule_sets_size(), 2);
  EXPECT_EQ(resp.rule_sets(0).id().value(), "nl/2025-01");
  ASSERT_FALSE(resp.next_page_token().empty());
  req.set_page_token(resp.next_page_token());
  req.set_view(v1::RULE_SET_VIEW_FULL);
  resp.Clear();
  ASSERT_TRUE(Logic().ListRuleSets(req, resp).ok());
  ASSERT_EQ(resp.rule_sets_size(), 1);
  EXPECT_EQ(resp.rule_sets(0).id().value(), "nl/2026-01");
  EXPECT_EQ(resp.rule_sets(0).parameters_size(), static_cast<int>(ParamSpecs().size()));
  EXPECT_TRUE(resp.next_page_token().empty());
  req.set_page_token("garbage");
  EXPECT_EQ(Logic().ListRuleSets(req, resp).code(), absl::StatusCode::kInvalidArgument);
}

// What-ifs (parameter_overrides) apply to this request only and are echoed.
TEST_F(BudgetLogicTest, OverridesChangeThisAnswerOnlyAndAreEchoed) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = SingleParent();
  auto* adult = req.mutable_household()->mutable_adults(0);
  adult->mutable_gross_hourly_wage()->set_cents(1471);
  adult->set_minutes_per_week(24 * 60);
  v1::CalculateIncomeResponse base;
  ASSERT_TRUE(Logic().CalculateIncome(req, base).ok());
  // Without the override this is the engine's worked case 4: bijstand € 34,27 thanks to the
  // € 285 vrijlating (Pw art. 31 lid 2 n).
  auto bijstand = [](const v1::CalculateIncomeResponse& r) {
    std::int64_t b = 0;
    for (const auto& l : r.calculation().lines()) {
      if (l.component() == v1::INCOME_COMPONENT_BIJSTAND) b = l.monthly_amount().cents();
    }
    return b;
  };
  EXPECT_EQ(bijstand(base), 3'427);

  // What if the vrijlating were 0 %? Then all net earnings (1.652,23) count, above the norm
  // (1.401,50): no bijstand, and disposable income is exactly € 34,27 lower (the toeslagen do
  // not change: the toetsingsinkomen stays below every threshold).
  tv1::ParameterOverride* o = req.add_parameter_overrides();
  o->set_key("pw.vrijlating_rate");
  o->mutable_value()->mutable_rate()->set_ppm(0);
  v1::CalculateIncomeResponse what_if;
  ASSERT_TRUE(Logic().CalculateIncome(req, what_if).ok());
  EXPECT_EQ(bijstand(what_if), 0);
  EXPECT_EQ(what_if.calculation().disposable_income().cents(),
            base.calculation().disposable_income().cents() - 3'427);
  ASSERT_EQ(what_if.basis().rules().applied_overrides_size(), 1);
  EXPECT_EQ(what_if.basis().rules().applied_overrides(0).key(), "pw.vrijlating_rate");
  // The loaded rules are untouched: the same request without the override is as before.
  req.clear_parameter_overrides();
  v1::CalculateIncomeResponse again;
  ASSERT_TRUE(Logic().CalculateIncome(req, again).ok());
  EXPECT_EQ(bijstand(again), 3'427);

  // Unknown key, wrong unit, twice the same key: INVALID_ARGUMENT naming the override.
  struct Bad {
    std::function<void(tv1::ParameterOverride*)> set;
    const char* expected;
  };
  const std::vector<Bad> bad = {
      {[](auto* x) { x->set_key("pw.vrijlatings_rate"); }, "parameter_overrides[0].key"},
      {[](auto* x) {
         x->set_key("pw.vrijlating_rate");
         x->mutable_value()->mutable_money()->set_cents(5);
       },
       "parameter_overrides[0].value: must be a rate"},
      {[](auto* x) {
         x->set_key("pw.vrijlating_max");
         x->mutable_value()->mutable_rate()->set_ppm(5);
       },
       "parameter_overrides[0].value: must be money in cents"},
      {[](auto* x) {
         x->set_key("pw.vrijlating_rate");
         x->mutable_value()->mutable_rate()->set_ppm(2'000'000);
       },
       "parameter_overrides[0].value.rate.ppm"},
  };
  for (const Bad& b : bad) {
    req.clear_parameter_overrides();
    b.set(req.add_parameter_overrides());
    v1::CalculateIncomeResponse resp;
    absl::Status s = Logic().CalculateIncome(req, resp);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << b.expected;
    EXPECT_THAT(std::string(s.message()), HasSubstr(b.expected));
  }
  req.clear_parameter_overrides();
  for (int i = 0; i < 2; ++i) {
    tv1::ParameterOverride* x = req.add_parameter_overrides();
    x->set_key("pw.vrijlating_months");
    x->mutable_value()->set_count(3);
  }
  v1::CalculateIncomeResponse resp;
  EXPECT_THAT(std::string(Logic().CalculateIncome(req, resp).message()),
              HasSubstr("parameter_overrides[1].key: names a parameter a second time"));
}

// Overrides that would break the formulas' assumptions are refused, and no override can make a
// wage search unbounded.
TEST_F(BudgetLogicTest, OverridesCannotBreakTheRulesOrTheSearch) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = SingleParent();
  tv1::ParameterOverride* o = req.add_parameter_overrides();
  o->set_key("ib.bracket1_upper");
  o->mutable_value()->mutable_money()->set_cents(100'000'000'00);
  v1::CalculateIncomeResponse resp;
  absl::Status s = Logic().CalculateIncome(req, resp);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("ib.bracket2_upper: must not lie below"));

  v1::FindRequiredWageRequest wage;
  *wage.mutable_household() = SingleParent();
  wage.set_adult_number(1);
  wage.set_minutes_per_week(36 * 60);
  tv1::ParameterOverride* w = wage.add_parameter_overrides();
  w->set_key("wml.hourly_21plus");
  w->mutable_value()->mutable_money()->set_cents(100'000'000'00);
  v1::FindRequiredWageResponse wage_resp;
  EXPECT_THAT(std::string(Logic().FindRequiredWage(wage, wage_resp).message()),
              HasSubstr("wml.hourly_21plus: must lie between"));
}

// An organisation that loaded its own budget standard gets answers with it, named as its own;
// every other organisation keeps the default.
TEST(OrgStandardTest, TheTenantsOwnStandardIsUsedAndNamed) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/org-standards-", ::getpid());
  std::filesystem::create_directories(dir);
  std::ifstream in(
      absl::StrCat(KOMPAS_DATA_DIR, "/budget-standards/nl-armoedegrens-2023-afgeleid.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string id_line = "budget_standard: nl-armoedegrens-2023-afgeleid";
  ASSERT_NE(yaml.find(id_line), std::string::npos);
  yaml.replace(yaml.find(id_line), id_line.size(), "budget_standard: gm0014-eigen-norm");
  std::ofstream(dir + "/gm0014.yaml") << yaml;
  absl::StatusOr<std::shared_ptr<const BudgetData>> data = LoadBudgetData(NationalFiles(dir));
  ASSERT_TRUE(data.ok()) << data.status();
  const BudgetLogic logic(*data, [] { return absl::CivilDay(2026, 3, 1); });
  v1::GetRequiredBudgetRequest req;
  tv1::Household* h = req.mutable_household();
  h->set_gemeente_code("GM0014");
  tv1::Date* birth = h->add_adults()->mutable_birth_date();
  birth->set_year(1990);
  birth->set_month(1);
  birth->set_day(1);
  h->mutable_housing()->set_tenure(tv1::HOUSING_TENURE_RENTED);
  v1::GetRequiredBudgetResponse own;
  ASSERT_TRUE(logic.GetRequiredBudget(req, own, "gm0014").ok());
  EXPECT_EQ(own.required_budget().standard().id(), "gm0014-eigen-norm");
  EXPECT_TRUE(own.required_budget().standard().organisation_specific());
  v1::GetRequiredBudgetResponse other;
  ASSERT_TRUE(logic.GetRequiredBudget(req, other, "gm0935").ok());
  EXPECT_EQ(other.required_budget().standard().id(), "nl-armoedegrens-2023-afgeleid");
  EXPECT_FALSE(other.required_budget().standard().organisation_specific());
  std::filesystem::remove_all(dir);
}

// A figure edited in place, under the same rule-set id, must still change the data version:
// it is part of every cache key (budget_service.cc), so an unchanged version would serve the
// old answers from Redis after a restart.
TEST(DataVersionTest, AFigureEditedInPlaceChangesTheVersion) {
  const std::string dir = absl::StrCat(::testing::TempDir(), "/rules-copy-", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::copy(absl::StrCat(KOMPAS_DATA_DIR, "/rules/nl"), dir,
                        std::filesystem::copy_options::recursive);
  BudgetDataFiles files = NationalFiles();
  files.rules_dir = dir;
  absl::StatusOr<std::shared_ptr<const BudgetData>> before = LoadBudgetData(files);
  ASSERT_TRUE(before.ok()) << before.status();
  absl::StatusOr<std::shared_ptr<const BudgetData>> again = LoadBudgetData(files);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*before)->version, (*again)->version);  // the same files, the same version

  // Append a comment to one rule file: same ids, same figures, different bytes.
  std::string rule_file;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") rule_file = entry.path().string();
  }
  ASSERT_FALSE(rule_file.empty());
  std::ofstream(rule_file, std::ios::app) << "\n# edited in place\n";
  absl::StatusOr<std::shared_ptr<const BudgetData>> after = LoadBudgetData(files);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_NE((*before)->version, (*after)->version);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kompas::budget
