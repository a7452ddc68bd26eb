// Municipal minima schemes: the loader (data/municipal/*.yaml and broken files) and the schemes
// in the engine, the answers and the income curve.
//
// Expected figures are worked by hand from data/municipal/GM0014.yaml (Groningen, 2026) and the
// national figures of data/rules/nl/2026-01.yaml, with the national parts taken from the
// hand-worked cases in engine_cases_test.cc (named where used):
//  - The income the schemes test (engine.h): net income as the Participatiewet counts it
//    (art. 31–32): net wages + bijstand − vrijlating. On bijstand that is exactly the norm.
//  - Bijstandsnorm single 21+: € 1.401,50 (pw.norm_single).
//  - Individuele inkomenstoeslag (Participatiewet art. 36; Groningen: income up to 100 % of the
//    norm, one adult 23 or older): single € 561, single parent € 701, couple € 781 a year.
//  - Kwijtschelding (Uitvoeringsregeling Invorderingswet 1990: 80 % of the yearly payment
//    capacity is paid, the rest of the tax remitted; kostennorm 100 % of the norm): taxes
//    single € 310,90 + € 172,62 = € 483,52, others € 373,44 + € 172,62 = € 546,06 a year.
//  - Per month: the yearly amount / 12, rounded half away from zero to the cent (arith.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "services/budget/api/budget_logic.h"
#include "services/budget/income/engine.h"
#include "services/budget/municipal/schemes.h"
#include "services/budget/rules/yaml_fields.h"
#include "services/budget/tests/test_data.h"

namespace kompas::budget {
namespace {

using ::testing::HasSubstr;
namespace tv1 = ::kompas::type::v1;

const std::string kMunicipalDir = std::string(KOMPAS_DATA_DIR) + "/municipal";

// ---------------------------------------------------------------------------------------------
// Loader

TEST(MunicipalSchemesTest, LoadsTheShippedFiles) {
  absl::StatusOr<MunicipalSchemes> all = MunicipalSchemes::LoadDirectory(kMunicipalDir);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(all->Find("GM0363"), nullptr);  // Amsterdam has no file
  EXPECT_EQ(all->content_hash().size(), 32u);

  const GemeenteSchemes* groningen = all->Find("GM0014");
  ASSERT_NE(groningen, nullptr);
  EXPECT_EQ(groningen->name, "Groningen");
  EXPECT_TRUE(groningen->Covers(absl::CivilDay(2026, 1, 1)));
  EXPECT_FALSE(groningen->Covers(absl::CivilDay(2025, 12, 31)));
  EXPECT_TRUE(groningen->sample);
  ASSERT_GE(groningen->schemes.size(), 2u);
  const Scheme& iit = groningen->schemes[0];
  EXPECT_EQ(iit.qualified, "GM0014/individuele-inkomenstoeslag");
  EXPECT_EQ(iit.kind, SchemeKind::kYearlyPayment);
  EXPECT_EQ(iit.income_limit_ppm, 1'000'000);
  EXPECT_EQ(iit.min_age, 23);
  EXPECT_EQ(iit.amounts.yearly[static_cast<int>(SchemeHousehold::kSingleParent)], 70'100);
  EXPECT_TRUE(iit.sample);
  const Scheme& kw = groningen->schemes[1];
  EXPECT_EQ(kw.kind, SchemeKind::kTaxRemission);
  EXPECT_EQ(kw.capacity_share_ppm, 800'000);
  EXPECT_EQ(kw.amounts.yearly[static_cast<int>(SchemeHousehold::kSingle)], 48'352);
  EXPECT_EQ(kw.amounts.yearly[static_cast<int>(SchemeHousehold::kCouple)], 54'606);
  ASSERT_NE(kw.capacity_source, nullptr);
  EXPECT_THAT(kw.capacity_source->url, HasSubstr("pijnacker-nootdorp"));

  const GemeenteSchemes* maastricht = all->Find("GM0935");
  ASSERT_NE(maastricht, nullptr);
  EXPECT_EQ(maastricht->schemes[0].min_age, 21);
}

TEST(MunicipalSchemesTest, MissingDirectoryIsAnError) {
  absl::StatusOr<MunicipalSchemes> all = MunicipalSchemes::LoadDirectory("/nonexistent/dir");
  EXPECT_EQ(all.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(all.status().message()), HasSubstr("/nonexistent/dir"));
}

// A minimal valid file; each broken case below changes one thing.
std::string Minimal() {
  return R"(gemeente: GM0014
name: Groningen
year: 2026
valid_from: 2026-01-01
valid_until: 2026-12-31
sources:
  - id: s1
    document: "doc"
    locator: "p. 1"
    url: "https://example.org"
schemes:
  - id: iit
    title: "IIT"
    kind: yearly_payment
    income_limit_ratio_of_norm: "1.00"
    conditions: "c"
    amounts:
      period: year
      single: "561.00"
      single_parent: "701.00"
      couple: "781.00"
      couple_with_children: "781.00"
    sample: false
    source: s1
    legal_basis: "Participatiewet art. 36"
  - id: kw
    title: "Kwijtschelding"
    kind: tax_remission
    income_limit_ratio_of_norm: "1.00"
    norm_ratio_of_bijstandsnorm: "1.00"
    payment_capacity_share: "0.80"
    payment_capacity_source: s1
    conditions: "c"
    taxes:
      - tax: afval
        amounts: {period: year, single: "100.00", single_parent: "120.00", couple: "120.00", couple_with_children: "120.00"}
        sample: true
        source: s1
    amounts: {period: year, single: "100.00", single_parent: "120.00", couple: "120.00", couple_with_children: "120.00"}
    sample: false
    source: s1
    legal_basis: "Gemeentewet art. 255"
)";
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(MunicipalSchemesTest, MinimalFileParses) {
  absl::StatusOr<std::shared_ptr<const GemeenteSchemes>> g =
      MunicipalSchemes::ParseFile(Minimal(), "x/GM0014.yaml");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE((*g)->sample) << "a sample tax makes its scheme sample";
  EXPECT_TRUE((*g)->schemes[1].sample);
  EXPECT_FALSE((*g)->schemes[0].sample);
  EXPECT_EQ((*g)->schemes[0].data_id, "municipal/GM0014/2026");
}

// The bytes variant of LoadDirectory: the same schemes and content hash from the same contents,
// and two files of one gemeente refused.
TEST(MunicipalSchemesTest, FromFilesMatchesLoadDirectoryAndRefusesDuplicates) {
  absl::StatusOr<MunicipalSchemes> dir = MunicipalSchemes::LoadDirectory(kMunicipalDir);
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::vector<TextFile> files;
  for (const char* name : {"GM0014.yaml", "GM0935.yaml"}) {
    absl::StatusOr<std::string> text = yaml::ReadTextFile(kMunicipalDir + "/" + name);
    ASSERT_TRUE(text.ok()) << text.status();
    files.push_back({std::string("elsewhere/") + name, *text});
  }
  absl::StatusOr<MunicipalSchemes> bytes = MunicipalSchemes::FromFiles(files);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(bytes->size(), 2u);
  EXPECT_EQ(bytes->content_hash(), dir->content_hash()) << "the hash covers base names only";
  ASSERT_NE(bytes->Find("GM0935"), nullptr);
  EXPECT_EQ(bytes->Find("GM0935")->file_name, "elsewhere/GM0935.yaml");

  absl::StatusOr<MunicipalSchemes> twice =
      MunicipalSchemes::FromFiles({{"a/GM0014.yaml", Minimal()}, {"b/GM0014.yaml", Minimal()}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(twice.status().message()),
              HasSubstr("b/GM0014.yaml: a second file for gemeente GM0014"));
}

TEST(MunicipalSchemesTest, BrokenFilesNameFileLineAndKey) {
  struct Case {
    std::string text;
    std::string file;
    std::string error;
  };
  const std::string m = Minimal();
  const std::vector<Case> cases = {
      {m, "x/GM0935.yaml",
       "x/GM0935.yaml:1: gemeente: is GM0014 but the file is named GM0935.yaml"},
      {Replace(m, "gemeente: GM0014", "gemeente: G0014"), "x/G0014.yaml",
       "x/G0014.yaml:1: gemeente: must be GM and 4 digits"},
      {Replace(m, "name: Groningen", "naam: Groningen"), "x/GM0014.yaml",
       "x/GM0014.yaml:2: unknown key 'naam'"},
      {Replace(m, "valid_until: 2026-12-31", "valid_until: 2025-12-31"), "x/GM0014.yaml",
       "x/GM0014.yaml:5: valid_until: is before valid_from"},
      {Replace(m, "    source: s1\n    legal_basis: \"Participatiewet",
               "    source: s9\n    legal_basis: \"Participatiewet"),
       "x/GM0014.yaml",
       "x/GM0014.yaml:24: schemes[0].source: names no source id of this file: 's9'"},
      {Replace(m, "kind: yearly_payment", "kind: gift"), "x/GM0014.yaml",
       "x/GM0014.yaml:14: schemes[0].kind: must be yearly_payment, tax_remission or in_kind"},
      {Replace(m, "      couple_with_children: \"781.00\"\n", ""), "x/GM0014.yaml",
       "x/GM0014.yaml:18: schemes[0].amounts: give an amount for all four household types"},
      {Replace(m, "single: \"561.00\"", "single: \"561,00\""), "x/GM0014.yaml",
       "x/GM0014.yaml:19: schemes[0].amounts.single: '561,00' is not a plain decimal number"},
      {Replace(m, "income_limit_ratio_of_norm: \"1.00\"\n    conditions",
               "income_limit_ratio_of_norm: \"1.00\"\n    payment_capacity_share: \"0.8\"\n    "
               "conditions"),
       "x/GM0014.yaml",
       "x/GM0014.yaml:16: schemes[0].payment_capacity_share: applies to tax_remission only"},
      {Replace(m, "norm_ratio_of_bijstandsnorm: \"1.00\"", "norm_ratio_of_bijstandsnorm: \"1.10\""),
       "x/GM0014.yaml",
       "schemes[1].norm_ratio_of_bijstandsnorm: must equal income_limit_ratio_of_norm"},
      {Replace(m, "    payment_capacity_share: \"0.80\"\n", ""), "x/GM0014.yaml",
       "schemes[1].payment_capacity_share: is required"},
      {Replace(m,
               "amounts: {period: year, single: \"100.00\", single_parent: \"120.00\", couple: "
               "\"120.00\", couple_with_children: \"120.00\"}\n    sample: false",
               "amounts: {period: year, single: \"99.00\", single_parent: \"120.00\", couple: "
               "\"120.00\", couple_with_children: \"120.00\"}\n    sample: false"),
       "x/GM0014.yaml",
       "schemes[1].amounts: must equal the sum of the taxes' amounts (single: the taxes add up to "
       "100.00)"},
      {Replace(m, "  - id: kw\n", "  - id: iit\n"), "x/GM0014.yaml",
       "schemes[1].id: is used twice"},
      {Replace(m, "  - id: iit\n", "  - id: IIT 2026\n"), "x/GM0014.yaml",
       "schemes[0].id: must use a-z, 0-9 and '-' only"},
      {Replace(m, "    sample: false\n    source: s1\n    legal_basis: \"Participatiewet",
               "    sample: false\n    sample: true\n    source: s1\n    legal_basis: "
               "\"Participatiewet"),
       "x/GM0014.yaml", "schemes[0]: key 'sample' appears twice"},
      {Replace(m, "year: 2026", "year: 2025"), "x/GM0014.yaml",
       "valid_from: the period must lie within the file's year 2025"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<const GemeenteSchemes>> g =
        MunicipalSchemes::ParseFile(c.text, c.file);
    EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument) << c.error;
    EXPECT_THAT(std::string(g.status().message()), HasSubstr(c.error));
  }
}

// ---------------------------------------------------------------------------------------------
// The engine

class MunicipalEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<RuleBook> book = RuleBook::LoadDirectory(KOMPAS_RULES_DIR);
    ASSERT_TRUE(book.ok()) << book.status();
    book_ = new RuleBook(*std::move(book));
    absl::StatusOr<MunicipalSchemes> m = MunicipalSchemes::LoadDirectory(kMunicipalDir);
    ASSERT_TRUE(m.ok()) << m.status();
    schemes_ = new MunicipalSchemes(*std::move(m));
  }
  static const RuleSet& Rules() { return *book_->Select(absl::CivilDay(2026, 3, 1))->rules; }
  // Single, 35, renting for € 680 in Groningen, working `hours` at the minimum wage € 14,71,
  // the vrijlating used up (engine_cases_test.cc: SinglePartTimeAfterTheVrijlatingIsUsedUp).
  static HouseholdFacts Single(int hours) {
    HouseholdFacts h;
    h.rents = true;
    h.bare_rent = 68'000;
    AdultFacts a;
    a.age = 35;
    a.hourly_wage = 1'471;
    a.minutes_per_week = hours * 60;
    a.vrijlating_months_used = 6;
    h.adults = {a};
    h.local_schemes = schemes_->Find("GM0014");
    return h;
  }
  static IncomeResult Calc(const HouseholdFacts& h) {
    absl::StatusOr<IncomeResult> r = CalculateIncome(Rules(), h, /*with_lines=*/true);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : IncomeResult{};
  }
  // The same household under national rules only.
  static IncomeResult National(HouseholdFacts h) {
    h.local_schemes = nullptr;
    return Calc(h);
  }
  static const SchemeOutcome& Outcome(const IncomeResult& r, const std::string& id) {
    for (const SchemeOutcome& o : r.schemes) {
      if (o.scheme->id == id) return o;
    }
    ADD_FAILURE() << "no outcome for " << id;
    static const SchemeOutcome none;
    return none;
  }

  static RuleBook* book_;
  static MunicipalSchemes* schemes_;
};
RuleBook* MunicipalEngineTest::book_ = nullptr;
MunicipalSchemes* MunicipalEngineTest::schemes_ = nullptr;

// 20 hours: net € 1.344,98 + bijstand € 56,52 = € 1.401,50, exactly the norm (the bijstand tops
// the income up to it), so both schemes apply in full: IIT € 561 / 12 = € 46,75; kwijtschelding
// € 483,52 / 12 = € 40,29 (40,2933).
TEST_F(MunicipalEngineTest, OnBijstandBothSchemesApplyInFull) {
  const HouseholdFacts h = Single(20);
  const IncomeResult r = Calc(h);
  EXPECT_EQ(r.scheme_income, 140'150);
  EXPECT_EQ(Outcome(r, "individuele-inkomenstoeslag").monthly, 4'675);
  EXPECT_EQ(Outcome(r, "kwijtschelding-gemeentelijke-belastingen").monthly, 4'029);
  EXPECT_EQ(r.municipal, 4'675 + 4'029);
  EXPECT_EQ(r.disposable, National(h).disposable + 4'675 + 4'029);
  // In-kind schemes (Stadjerspas, up to 120 %) add nothing but are named.
  EXPECT_TRUE(Outcome(r, "stadjerspas").eligible);
  EXPECT_EQ(Outcome(r, "stadjerspas").monthly, 0);
  bool notice = false;
  for (const NoticeOut& n : r.notices) notice = notice || n.code == "LOCAL_IN_KIND_SCHEME";
  EXPECT_TRUE(notice);
  // The lines carry the schemes and still add up.
  std::int64_t sum = 0;
  int scheme_lines = 0;
  for (const Line& l : r.lines) {
    sum += l.monthly;
    if (l.component == Component::kMunicipalScheme) {
      ++scheme_lines;
      EXPECT_THAT(l.explanation, HasSubstr("voorbeeldbedrag"));  // both are sample figures
    }
  }
  EXPECT_EQ(scheme_lines, 2);
  EXPECT_EQ(sum, r.disposable);
  EXPECT_TRUE(r.estimated) << "sample municipal figures mark the answer";
}

// 21 hours: 14,71 × 21 × 52 = 16.063,32 + 8 % 1.285,07 = 17.348,39; tax 35,75 % 6.202,05 −
// AHK 3.115 − AK (996 + 31,009 % × 5.383,39 = 1.669,34) 2.665,34 = 421,71; net 16.926,68 / 12 =
// 1.410,56: above the norm, no bijstand. IIT: 1.410,56 > 100 % × 1.401,50 → none. Kwijtschelding
// is partial: capacity 12 × 9,06 = 108,72, 80 % = 86,98 paid; 483,52 − 86,98 = 396,54
// remitted, / 12 = 33,045 → € 33,05.
TEST_F(MunicipalEngineTest, JustAboveTheNormTheRemissionIsPartial) {
  const HouseholdFacts h = Single(21);
  const IncomeResult r = Calc(h);
  EXPECT_EQ(r.net_wage, 141'056);
  EXPECT_EQ(r.bijstand, 0);
  EXPECT_EQ(r.scheme_income, 141'056);
  EXPECT_FALSE(Outcome(r, "individuele-inkomenstoeslag").eligible);
  EXPECT_EQ(Outcome(r, "individuele-inkomenstoeslag").monthly, 0);
  const SchemeOutcome& kw = Outcome(r, "kwijtschelding-gemeentelijke-belastingen");
  EXPECT_EQ(kw.payable, 8'698);
  EXPECT_EQ(kw.monthly, 3'305);
  EXPECT_EQ(r.disposable, National(h).disposable + 3'305);
}

// 36 hours at € 19,12 (engine_cases_test.cc SingleFullTimeAt1_3TimesMinimumWage): net
// € 2.744,22, capacity 12 × 1.342,72 × 80 % = 12.890,11 > € 483,52: nothing remitted.
TEST_F(MunicipalEngineTest, WellAboveTheNormNoSchemeApplies) {
  HouseholdFacts h = Single(36);
  h.adults[0].age = 30;
  h.adults[0].hourly_wage = 1'912;
  const IncomeResult r = Calc(h);
  EXPECT_EQ(r.net_wage, 274'422);
  EXPECT_EQ(r.municipal, 0);
  EXPECT_FALSE(Outcome(r, "kwijtschelding-gemeentelijke-belastingen").eligible);
  EXPECT_FALSE(Outcome(r, "stadjerspas").eligible);  // 2.744,22 > 120 % × 1.401,50 = 1.681,80
}

// Groningen's IIT needs an adult of 23 or more; a 22-year-old on bijstand (norm 21+) gets the
// kwijtschelding only.
TEST_F(MunicipalEngineTest, IitNeedsTheMinimumAge) {
  HouseholdFacts h = Single(0);
  h.adults[0].age = 22;
  const IncomeResult r = Calc(h);
  EXPECT_FALSE(Outcome(r, "individuele-inkomenstoeslag").eligible);
  EXPECT_EQ(Outcome(r, "kwijtschelding-gemeentelijke-belastingen").monthly, 4'029);
}

// Assets above the bijstand limit (€ 8.000 single): no bijstand and no IIT (the file: the
// bijstand asset limit applies).
TEST_F(MunicipalEngineTest, IitFollowsTheBijstandAssetLimit) {
  HouseholdFacts h = Single(0);
  h.assets = 800'001;
  const IncomeResult r = Calc(h);
  EXPECT_EQ(r.bijstand, 0);
  EXPECT_FALSE(Outcome(r, "individuele-inkomenstoeslag").eligible);
}

// ---------------------------------------------------------------------------------------------
// Answers and the curve

class MunicipalLogicTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::shared_ptr<const BudgetData>> data =
        LoadBudgetData(BudgetDataFiles::InDirectory(KOMPAS_DATA_DIR));
    ASSERT_TRUE(data.ok()) << data.status();
    logic_ = new BudgetLogic(*data, [] { return absl::CivilDay(2026, 3, 1); });
  }
  static tv1::Household Household(const std::string& gemeente) {
    tv1::Household h;
    h.set_gemeente_code(gemeente);
    tv1::Adult* a = h.add_adults();
    a->mutable_birth_date()->set_year(1991);
    a->mutable_birth_date()->set_month(1);
    a->mutable_birth_date()->set_day(1);
    a->set_vrijlating_months_used(6);
    h.mutable_housing()->set_tenure(tv1::HOUSING_TENURE_RENTED);
    h.mutable_housing()->set_self_contained(true);
    h.mutable_housing()->mutable_bare_rent()->set_cents(68'000);
    return h;
  }
  static bool HasNotice(const v1::IncomeCalculation& c, const std::string& code) {
    for (const v1::Notice& n : c.notices()) {
      if (n.code() == code) return true;
    }
    return false;
  }
  static BudgetLogic* logic_;
};
BudgetLogic* MunicipalLogicTest::logic_ = nullptr;

TEST_F(MunicipalLogicTest, AGemeenteWithoutAFileGetsNationalRulesAndIsTold) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = Household("GM0363");  // Amsterdam
  v1::CalculateIncomeResponse resp;
  ASSERT_TRUE(logic_->CalculateIncome(req, resp).ok());
  EXPECT_EQ(resp.basis().local_schemes().gemeente_code(), "GM0363");
  EXPECT_FALSE(resp.basis().local_schemes().included());
  EXPECT_TRUE(HasNotice(resp.calculation(), "LOCAL_SCHEMES_NOT_INCLUDED"));
  for (const v1::IncomeLine& l : resp.calculation().lines()) {
    EXPECT_NE(l.component(), v1::INCOME_COMPONENT_MUNICIPAL_SCHEME);
  }
}

TEST_F(MunicipalLogicTest, GroningenAnswersNameTheSchemesAndTheirSampleFigures) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = Household("GM0014");
  v1::CalculateIncomeResponse resp;
  ASSERT_TRUE(logic_->CalculateIncome(req, resp).ok());
  const v1::LocalSchemes& local = resp.basis().local_schemes();
  EXPECT_TRUE(local.included());
  EXPECT_TRUE(local.sample());
  EXPECT_THAT(local.scheme_ids(), ::testing::Contains("GM0014/individuele-inkomenstoeslag"));
  EXPECT_FALSE(HasNotice(resp.calculation(), "LOCAL_SCHEMES_NOT_INCLUDED"));
  EXPECT_TRUE(HasNotice(resp.calculation(), "LOCAL_SCHEMES_SAMPLE"));
  int found = 0;
  for (const v1::IncomeLine& l : resp.calculation().lines()) {
    if (l.component() != v1::INCOME_COMPONENT_MUNICIPAL_SCHEME) continue;
    ++found;
    EXPECT_TRUE(l.sample());
    EXPECT_EQ(l.rule_set_id().value(), "municipal/GM0014/2026");
    EXPECT_FALSE(l.legal_basis().law().empty());
    if (l.scheme_id() == "GM0014/individuele-inkomenstoeslag") {
      EXPECT_EQ(l.monthly_amount().cents(), 4'675);  // € 561 / 12, a single on bijstand
    }
  }
  EXPECT_EQ(found, 2);
  EXPECT_TRUE(resp.calculation().estimated());
}

TEST_F(MunicipalLogicTest, SchemesApplyOnlyInTheirFilesPeriod) {
  v1::CalculateIncomeRequest req;
  *req.mutable_household() = Household("GM0014");
  req.mutable_rule_date()->set_year(2025);
  req.mutable_rule_date()->set_month(9);
  req.mutable_rule_date()->set_day(1);
  v1::CalculateIncomeResponse resp;
  ASSERT_TRUE(logic_->CalculateIncome(req, resp).ok());
  EXPECT_FALSE(resp.basis().local_schemes().included());
  EXPECT_TRUE(HasNotice(resp.calculation(), "LOCAL_SCHEMES_NOT_INCLUDED"));
}

// The end of bijstand is also the end of the IIT. From 20,75 to 21 hours at € 14,71 the single
// above (MunicipalEngineTest) goes from net € 1.394,16 + bijstand € 7,34 (= the norm € 1.401,50)
// to net € 1.410,56 without bijstand: + € 9,06, toeslagen unchanged (zorgtoeslag full and
// huurtoeslag without income reduction at both points, as in engine_cases_test.cc). It loses the
// IIT (€ 46,75) and € 7,24 of kwijtschelding (40,29 → 33,05): a cliff of 46,75 + 7,24 − 9,06 =
// € 44,93 whose largest part is the IIT's income limit.
// 20,75 h: 14,71 × 20,75 × 52 = 15.872,09 + 8 % 1.269,77 = 17.141,86; tax 35,75 % 6.128,21 −
// AHK 3.115 − AK (996 + 31,009 % × 5.176,86 = 1.605,29) 2.601,29 = 411,92; net 16.729,94 / 12
// = 1.394,16.
TEST_F(MunicipalLogicTest, TheIitIncomeLimitIsACliff) {
  v1::GetIncomeCurveRequest req;
  *req.mutable_household() = Household("GM0014");
  req.set_adult_number(1);
  req.mutable_hours()->mutable_gross_hourly_wage()->set_cents(1'471);
  req.mutable_hours()->set_from_minutes_per_week(20 * 60 + 45);
  req.mutable_hours()->set_to_minutes_per_week(21 * 60);
  req.mutable_hours()->set_step_minutes(15);
  req.set_include_components(true);
  v1::GetIncomeCurveResponse resp;
  ASSERT_TRUE(logic_->GetIncomeCurve(req, resp).ok());
  ASSERT_EQ(resp.cliffs_size(), 1);
  const v1::Cliff& cliff = resp.cliffs(0);
  EXPECT_EQ(cliff.drop().cents(), 4'675 + 724 - 906);
  EXPECT_EQ(cliff.cause(), v1::INCOME_COMPONENT_MUNICIPAL_SCHEME);
  EXPECT_EQ(cliff.scheme_id(), "GM0014/individuele-inkomenstoeslag");
  EXPECT_THAT(
      cliff.explanation(),
      HasSubstr("€ 46,75 Individuele inkomenstoeslag (IIT) minder en € 7,34 bijstand minder"));
  EXPECT_THAT(cliff.legal_basis().law(), HasSubstr("Participatiewet art. 36"));
  // The segment's pressure per scheme: −Δ / Δgross, with Δgross = 17.348,39 / 12 − 17.141,86 /
  // 12 = 1.445,70 − 1.428,49 = 17,21 a month (each rounded to the cent).
  ASSERT_EQ(resp.segments_size(), 1);
  std::int64_t iit_ppm = 0;
  for (const v1::ProgrammePressure& p : resp.segments(0).programmes()) {
    if (p.scheme_id() == "GM0014/individuele-inkomenstoeslag") iit_ppm = p.pressure().ppm();
  }
  EXPECT_EQ(iit_ppm, 4'675LL * 1'000'000 / 1'721);
  // The points list the schemes among their components.
  bool listed = false;
  for (const v1::ComponentAmount& c : resp.points(0).components()) {
    listed = listed || c.scheme_id() == "GM0014/individuele-inkomenstoeslag";
  }
  EXPECT_TRUE(listed);
  EXPECT_TRUE(resp.basis().local_schemes().included());
}

// CalculateIncomeBatch with include_next_cliff: from € 14,71 at 20,75 hours the first point of
// the 50-cent grid above it (€ 15,00: 15 × 20,75 × 52 = 16.185 + 8 % 1.294,80 = 17.479,80; tax
// 6.249,03 − AHK 3.115 − AK (996 + 31,009 % × 5.514,80 = 1.710,08) 2.706,08 = 427,95; net
// 17.051,85 / 12 = 1.420,99 a month) takes the single off bijstand (above the norm of
// € 1.401,50), so the IIT stops there; the cliff lies between those two wages, caused by the IIT.
TEST_F(MunicipalLogicTest, BatchReportsTheNextCliffAboveEachScenario) {
  v1::CalculateIncomeBatchRequest req;
  *req.mutable_household() = Household("GM0014");
  req.set_include_next_cliff(true);
  for (int minutes : {20 * 60 + 45, 36 * 60}) {
    v1::AdultWork* w = req.add_scenarios()->add_work();
    w->set_adult_number(1);
    w->mutable_gross_hourly_wage()->set_cents(1'471);
    w->set_minutes_per_week(minutes);
  }
  req.add_scenarios()->add_work()->set_adult_number(1);  // no work: no wage to raise
  v1::CalculateIncomeBatchResponse resp;
  ASSERT_TRUE(logic_->CalculateIncomeBatch(req, resp).ok());
  ASSERT_EQ(resp.results_size(), 3);
  ASSERT_TRUE(resp.results(0).has_next_cliff());
  const v1::Cliff& cliff = resp.results(0).next_cliff();
  EXPECT_EQ(cliff.before().gross_hourly_wage().cents(), 1'471);
  EXPECT_EQ(cliff.after().gross_hourly_wage().cents(), 1'500);
  EXPECT_EQ(cliff.scheme_id(), "GM0014/individuele-inkomenstoeslag");
  EXPECT_GT(cliff.drop().cents(), 500);
  // At 36 hours the single is far above every limit: income only rises up to twice the wage.
  EXPECT_FALSE(resp.results(1).has_next_cliff());
  EXPECT_FALSE(resp.results(2).has_next_cliff());
}

// A batch without lines (what matching asks for) still says what a mentor must know: sample
// figures and in-kind schemes in Groningen, no local schemes for Amsterdam.
TEST_F(MunicipalLogicTest, BatchWithoutLinesKeepsTheLocalNotices) {
  for (const std::string gemeente : {"GM0014", "GM0363"}) {
    v1::CalculateIncomeBatchRequest req;
    *req.mutable_household() = Household(gemeente);
    req.add_scenarios()->add_work()->set_adult_number(1);  // no work: on bijstand
    v1::CalculateIncomeBatchResponse resp;
    ASSERT_TRUE(logic_->CalculateIncomeBatch(req, resp).ok());
    const v1::IncomeCalculation& c = resp.results(0).calculation();
    EXPECT_EQ(c.lines_size(), 0);
    if (gemeente == "GM0014") {
      EXPECT_TRUE(HasNotice(c, "LOCAL_SCHEMES_SAMPLE"));
      EXPECT_TRUE(HasNotice(c, "LOCAL_IN_KIND_SCHEME"));
      EXPECT_TRUE(c.estimated());
    } else {
      EXPECT_TRUE(HasNotice(c, "LOCAL_SCHEMES_NOT_INCLUDED"));
    }
    // A caller that ranks many scenarios can leave the notices out; the basis still tells.
    req.set_omit_notices(true);
    v1::CalculateIncomeBatchResponse bare;
    ASSERT_TRUE(logic_->CalculateIncomeBatch(req, bare).ok());
    EXPECT_EQ(bare.results(0).calculation().notices_size(), 0);
    EXPECT_EQ(bare.basis().local_schemes().included(), gemeente == "GM0014");
  }
}

// Savings above the bijstand limit (€ 8.000 single) also end the kwijtschelding here (its own,
// lower bank-balance limits are not modelled).
TEST_F(MunicipalEngineTest, NoRemissionWithSavingsAboveTheLimit) {
  HouseholdFacts h = Single(0);
  h.assets = 800'001;
  const IncomeResult r = Calc(h);
  EXPECT_FALSE(Outcome(r, "kwijtschelding-gemeentelijke-belastingen").eligible);
  EXPECT_EQ(r.municipal, 0);
}

// The scans of one batch share their grid points: every next cliff equals the one found for the
// scenario alone.
TEST_F(MunicipalLogicTest, SharedScansFindTheSameCliffsAsSingleOnes) {
  v1::CalculateIncomeBatchRequest batch;
  *batch.mutable_household() = Household("GM0014");
  batch.set_include_next_cliff(true);
  for (int i = 0; i < 24; ++i) {
    v1::AdultWork* w = batch.add_scenarios()->add_work();
    w->set_adult_number(1);
    w->mutable_gross_hourly_wage()->set_cents(1'471 + 37 * i);
    w->set_minutes_per_week(60 * (12 + (i % 3) * 8));  // three hours, eight wages each
  }
  v1::CalculateIncomeBatchResponse together;
  ASSERT_TRUE(logic_->CalculateIncomeBatch(batch, together).ok());
  int cliffs = 0;
  for (int i = 0; i < batch.scenarios_size(); ++i) {
    v1::CalculateIncomeBatchRequest one = batch;
    one.clear_scenarios();
    *one.add_scenarios() = batch.scenarios(i);
    v1::CalculateIncomeBatchResponse alone;
    ASSERT_TRUE(logic_->CalculateIncomeBatch(one, alone).ok());
    EXPECT_EQ(together.results(i).next_cliff().SerializeAsString(),
              alone.results(0).next_cliff().SerializeAsString())
        << i;
    cliffs += together.results(i).has_next_cliff() ? 1 : 0;
  }
  EXPECT_GT(cliffs, 0);
}

}  // namespace
}  // namespace kompas::budget
