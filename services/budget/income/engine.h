// What a household keeps: the Dutch income formulas over one rule-set. Pure functions of
// (rules, household); no I/O, no allocation on the totals-only path beyond the result.
//
// Conventions (see arith.h for rounding):
//  - Wages: yearly wage = hourly wage × hours per week × 52 (in minutes: × minutes / 60);
//    holiday allowance = vakantiebijslag rate × yearly wage (WML art. 15). Monthly = yearly/12.
//  - Toetsingsinkomen: the situation held for a full year (Awir art. 8): yearly wages incl.
//    holiday allowance + other income + the gross equivalent of the bijstand received.
//  - Tax: box 1 on the yearly amount (Wet IB 2001 art. 2.10), minus the heffingskortingen
//    (art. 8.10 AHK, 8.11 AK, 8.14a IACK), never below zero (art. 8.1).
//  - Bijstand (Participatiewet art. 19–22a, 31): norm − (net income − vrijlating), ≥ 0.
//    Toeslagen, kinderbijslag and kindgebonden budget are not counted (art. 31 lid 2).
//  - Childcare is a cost of working: counted (with its toeslag) only when every adult works.
//  - Municipal schemes (household.local_schemes): the income they test is the household's net
//    income as the Participatiewet counts it (art. 31–32: net wages and other income, plus
//    bijstand, minus the vrijlating; toeslagen, kinderbijslag and kindgebonden budget not
//    counted), against the scheme's share of the household's bijstandsnorm. A payment is paid
//    in full up to the limit; a tax remission (kwijtschelding) is reduced by the share of the
//    yearly payment capacity (income above the kostennorm, × 12) the file names (Uitvoerings-
//    regeling Invorderingswet 1990: 80 %); in-kind schemes add nothing. Neither counts as
//    income for tax, toeslagen or bijstand.
#ifndef KOMPAS_SERVICES_BUDGET_INCOME_ENGINE_H_
#define KOMPAS_SERVICES_BUDGET_INCOME_ENGINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "services/budget/income/household.h"
#include "services/budget/municipal/schemes.h"
#include "services/budget/rules/ruleset.h"

namespace kompas::budget {

// Numbered as kompas.budget.v1.IncomeComponent.
enum class Component : std::uint8_t {
  kGrossWage = 1,
  kHolidayAllowance = 2,
  kIncomeTax = 3,
  kAlgemeneHeffingskorting = 4,
  kArbeidskorting = 5,
  kIack = 6,
  kOtherIncome = 7,
  kZorgtoeslag = 8,
  kHuurtoeslag = 9,
  kKindgebondenBudget = 10,
  kKinderbijslag = 11,
  kKinderopvangtoeslag = 12,
  kBijstand = 13,
  kMunicipalScheme = 14,
  kChildcareCost = 15,
  kCommuteCost = 16,
};

struct Line {
  Component component;
  int adult = 0;                     // 1 or 2; 0 for the household
  std::int64_t monthly = 0;          // cents; + income and credits, − tax and costs
  std::string explanation;           // plain Dutch, read aloud by a mentor
  const ParamMeta* basis = nullptr;  // the parameter whose legal basis the line cites
  bool estimated = false;
  const Scheme* scheme = nullptr;  // for kMunicipalScheme: the scheme (its basis and source)
};

// What one municipal scheme means for the household at this income.
struct SchemeOutcome {
  const Scheme* scheme = nullptr;
  bool eligible = false;
  std::int64_t monthly = 0;  // cents added to disposable income (0 for in-kind schemes)
  std::int64_t limit = 0;    // the income limit (kostennorm) per month
  std::int64_t yearly = 0;   // the scheme's full yearly amount for this household
  std::int64_t payable = 0;  // tax remission: what the household still pays per year
};

struct NoticeOut {
  std::string code;
  std::string message;
};

struct IncomeResult {
  std::int64_t gross_monthly_wage = 0;    // excl. holiday allowance, all adults
  std::int64_t net_wage = 0;              // all adults, per month
  std::int64_t disposable = 0;            // the sum of the lines
  std::int64_t costs_of_working = 0;      // positive amount
  std::int64_t gross_monthly_income = 0;  // wages + holiday allowance + other income
  std::int64_t tax_and_credits = 0;       // −tax + heffingskortingen, all adults (≤ 0 mostly)
  std::int64_t childcare_cost = 0;        // positive amount (part of costs_of_working)
  std::int64_t commute_cost = 0;          // positive amount (part of costs_of_working)
  std::int64_t bijstand_vrijlating = 0;
  std::int64_t yearly_toetsingsinkomen = 0;
  // Per component, whatever `with_lines`: the household totals per month.
  std::int64_t zorgtoeslag = 0;
  std::int64_t huurtoeslag = 0;
  std::int64_t kindgebonden_budget = 0;
  std::int64_t kinderbijslag = 0;
  std::int64_t kinderopvangtoeslag = 0;
  std::int64_t bijstand = 0;
  std::int64_t municipal = 0;  // the municipal schemes' monthly amounts together
  // Net income as the municipal schemes test it (see above), per month.
  std::int64_t scheme_income = 0;
  absl::InlinedVector<SchemeOutcome, 6> schemes;  // in the file's order, whatever with_lines
  std::vector<Line> lines;                        // filled when with_lines
  std::vector<NoticeOut> notices;
  bool estimated = false;
};

// UNIMPLEMENTED for situations the rules here do not cover yet (named in the message),
// never a silent wrong answer.
absl::StatusOr<IncomeResult> CalculateIncome(const RuleSet& rules, const HouseholdFacts& household,
                                             bool with_lines);

// The notices on local schemes (not included; in-kind schemes the household may use; sample
// figures). CalculateIncome adds them when with_lines; a totals-only answer that is shown to a
// mentor (CalculateIncomeBatch without lines) adds them with this.
void AddSchemeNotices(const HouseholdFacts& household, IncomeResult& result);

// Exposed for tests: yearly amounts in cents.
std::int64_t BoxOneTax(const RuleParams& p, std::int64_t taxable);
std::int64_t AlgemeneHeffingskorting(const RuleParams& p, std::int64_t income);
std::int64_t Arbeidskorting(const RuleParams& p, std::int64_t arbeidsinkomen);
std::int64_t Iack(const RuleParams& p, std::int64_t arbeidsinkomen);
// Bijstand norm per month for the household, or UNIMPLEMENTED.
absl::StatusOr<std::int64_t> BijstandNorm(const RuleParams& p, const HouseholdFacts& h);

// "€ 1.234,56"
std::string FormatEuro(std::int64_t cents);
// Minutes per week as hours, one decimal if not whole: 1260 → "21", 1245 → "20,8".
std::string FormatHours(std::int32_t minutes);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_INCOME_ENGINE_H_
