// The household as the income formulas see it: validated, ages resolved at the rule date,
// amounts in cents. Built from the API's kompas.type.v1.Household by FromProto (validation.h).
#ifndef KOMPAS_SERVICES_BUDGET_INCOME_HOUSEHOLD_H_
#define KOMPAS_SERVICES_BUDGET_INCOME_HOUSEHOLD_H_

#include <cstdint>
#include <vector>

namespace kompas::budget {

struct GemeenteSchemes;  // services/budget/municipal/schemes.h

enum class Childcare : std::uint8_t { kNone, kDagopvang, kBso, kGastouder };

struct AdultFacts {
  int age = 0;
  std::int64_t hourly_wage = 0;           // cents per hour, gross, excluding holiday allowance
  std::int32_t minutes_per_week = 0;      // 0 = not working
  std::int64_t other_monthly_income = 0;  // cents, gross taxable (benefits, alimony)
  std::int64_t commute_monthly = 0;       // cents, a cost of working
  std::int64_t health_premium_monthly = 0;
  int vrijlating_months_used = 0;
  int sp_vrijlating_months_used = 0;

  bool working() const { return minutes_per_week > 0 && hourly_wage > 0; }
};

struct ChildFacts {
  int age = 0;
  Childcare childcare = Childcare::kNone;
  std::int32_t childcare_hours_per_month = 0;
  std::int64_t childcare_hourly_price = 0;  // cents
};

struct HousemateFacts {
  int age = 0;
  bool kostendeler = false;
  std::int64_t yearly_income = 0;  // cents
};

struct HouseholdFacts {
  std::vector<AdultFacts> adults;  // 1 or 2; two adults are partners
  std::vector<ChildFacts> children;
  std::vector<HousemateFacts> housemates;
  bool rents = false;
  bool self_contained = true;
  std::int64_t bare_rent = 0;      // cents per month (kale huur)
  std::int64_t service_costs = 0;  // cents per month
  std::int64_t owner_costs = 0;
  std::int64_t energy = 0;
  std::int64_t fixed_costs = 0;  // sum of FixedCost, cents per month
  std::int64_t assets = 0;       // cents, on 1 January
  // The minima schemes of the household's gemeente for the rule date; null: national rules
  // only (the gemeente has no schemes file, or none for that period).
  const GemeenteSchemes* local_schemes = nullptr;

  bool single() const { return adults.size() == 1; }
  bool has_children() const { return !children.empty(); }
};

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_INCOME_HOUSEHOLD_H_
