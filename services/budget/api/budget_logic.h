// The budget service's answers, computed from request protos into response protos without a
// network: what the gRPC handlers (budget_service.h) and the in-process benchmarks call.
#ifndef KOMPAS_SERVICES_BUDGET_API_BUDGET_LOGIC_H_
#define KOMPAS_SERVICES_BUDGET_API_BUDGET_LOGIC_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "kompas/budget/v1/budget.pb.h"
#include "services/budget/api/convert.h"
#include "services/budget/income/engine.h"
#include "services/budget/municipal/schemes.h"
#include "services/budget/rules/ruleset.h"
#include "services/budget/standard/budget_standard.h"

namespace kompas::budget {

// Everything loaded at start-up, immutable afterwards.
struct BudgetData {
  RuleBook rules;
  BudgetStandard standard;
  GemeenteSet gemeenten;
  MunicipalSchemes municipal;
  // Organisations' own budget standards (e.g. licensed Nibud figures), by tenant id.
  absl::flat_hash_map<std::string, BudgetStandard> org_standards;

  // The standard for a tenant: its own if it loaded one, else the default.
  const BudgetStandard& StandardFor(absl::string_view tenant) const;
  bool HasOrgStandard(absl::string_view tenant) const { return org_standards.contains(tenant); }
  // Identifies this data for caches: rule-set ids, standard id, municipal files' hash.
  std::string version;
};

// Where the budget service's data files are.
struct BudgetDataFiles {
  std::string rules_dir;          // data/rules/nl
  std::string standard_file;      // the default budget standard
  std::string gemeenten_file;     // the gemeente codes a household may name
  std::string municipal_dir;      // GM<code>.yaml minima schemes; "" = national rules only
  std::string org_standards_dir;  // <tenant>.yaml budget standards; "" = none

  // The repository's files under `data_dir` (the directory data/), without org standards.
  static BudgetDataFiles InDirectory(absl::string_view data_dir);
};

// Loads and validates every file; any error names the file, line and key (the process
// refuses to start).
absl::StatusOr<std::shared_ptr<const BudgetData>> LoadBudgetData(const BudgetDataFiles& files);

class BudgetLogic {
 public:
  using TodayFn = std::function<absl::CivilDay()>;
  BudgetLogic(std::shared_ptr<const BudgetData> data, TodayFn today);

  absl::Status GetRequiredBudget(const v1::GetRequiredBudgetRequest& request,
                                 v1::GetRequiredBudgetResponse& response,
                                 absl::string_view tenant = "") const;
  absl::Status CalculateIncome(const v1::CalculateIncomeRequest& request,
                               v1::CalculateIncomeResponse& response,
                               absl::string_view tenant = "") const;
  absl::Status CalculateIncomeBatch(const v1::CalculateIncomeBatchRequest& request,
                                    v1::CalculateIncomeBatchResponse& response,
                                    absl::string_view tenant = "") const;
  absl::Status ListRuleSets(const v1::ListRuleSetsRequest& request,
                            v1::ListRuleSetsResponse& response) const;
  // curve.cc
  absl::Status GetIncomeCurve(const v1::GetIncomeCurveRequest& request,
                              v1::GetIncomeCurveResponse& response,
                              absl::string_view tenant = "") const;
  absl::Status FindRequiredWage(const v1::FindRequiredWageRequest& request,
                                v1::FindRequiredWageResponse& response,
                                absl::string_view tenant = "") const;

  const BudgetData& data() const { return *data_; }
  absl::CivilDay Today() const { return today_(); }

 private:
  using Overrides = google::protobuf::RepeatedPtrField<kompas::type::v1::ParameterOverride>;
  struct Context {
    RuleBook::Selection selection;  // selection.rules points into the book or to `overridden`
    std::shared_ptr<const RuleSet> overridden;  // the rule-set with this request's what-ifs
    const Overrides* overrides = nullptr;       // echoed in the answer
    const BudgetStandard* standard = nullptr;   // the caller's organisation's, or the default
    bool org_standard = false;
    absl::CivilDay rule_date;
    HouseholdFacts household;  // household.local_schemes: the schemes applied, if any
    std::string gemeente_code;
  };
  absl::StatusOr<Context> Prepare(const kompas::type::v1::Household& household, bool has_household,
                                  const kompas::type::v1::Date& date, bool has_date,
                                  const Overrides& overrides, absl::string_view tenant) const;
  absl::Status FillRequiredBudget(const Context& ctx, v1::RequiredBudget& out) const;
  void FillBasis(const Context& ctx, const v1::BudgetStandardRef& standard,
                 v1::CalculationBasis& out) const;

  std::shared_ptr<const BudgetData> data_;
  TodayFn today_;
};

// A copy of `rules` with the what-if overrides applied: each key must be a parameter of the
// rule-set, given in its unit (money for EUR units, rate for ratios, count for counts, months
// and years), at most once. INVALID_ARGUMENT names parameter_overrides[i] and the rule.
absl::StatusOr<std::shared_ptr<const RuleSet>> ApplyOverrides(
    const RuleSet& rules,
    const google::protobuf::RepeatedPtrField<kompas::type::v1::ParameterOverride>& overrides);

// The points of wage scans already computed, per household and hours (for one batch request:
// its scenarios differ only in work, so their scans share the grid).
struct WageScanMemo {
  using Curve = absl::flat_hash_map<std::int64_t, IncomeResult>;  // by hourly wage, cents
  absl::flat_hash_map<std::string, Curve> curves;
};

// The first cliff met when adult `adult` (0-based) earns more per hour than in `h`, at the same
// hours, up to twice the wage, comparing the wage with the multiples of 50 cents above it: true
// and `out` filled, or false. `memo` (may be null) shares the grid points between calls.
absl::StatusOr<bool> FindNextWageCliff(const RuleSet& rules, HouseholdFacts h, std::size_t adult,
                                       v1::Cliff& out, WageScanMemo* memo = nullptr);

// Copies an engine result into the API message (lines only if the result has them).
void ToProto(const IncomeResult& result, const RuleSet& rules, std::int64_t required_budget,
             v1::IncomeCalculation& out);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_API_BUDGET_LOGIC_H_
