// From the API's household to the one the formulas use: every field checked, ages resolved
// at the rule date. Errors are INVALID_ARGUMENT naming the field path and the rule broken.
#ifndef KOMPAS_SERVICES_BUDGET_API_CONVERT_H_
#define KOMPAS_SERVICES_BUDGET_API_CONVERT_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "kompas/budget/v1/budget.pb.h"
#include "kompas/type/v1/household.pb.h"
#include "services/budget/income/household.h"

namespace kompas::budget {

// The gemeente codes the service knows ("GM0014", …).
using GemeenteSet = absl::flat_hash_set<std::string>;

// Reads data/regions/gemeente_arbeidsmarktregio_2026.csv (gm_code,gemeente_naam,am_code,am_naam).
absl::StatusOr<GemeenteSet> ParseGemeenten(absl::string_view csv, absl::string_view file_name);

absl::StatusOr<HouseholdFacts> HouseholdFromProto(const kompas::type::v1::Household& household,
                                                  absl::CivilDay rule_date,
                                                  const GemeenteSet& gemeenten);

// The request's rule_date, or `today` when unset; INVALID_ARGUMENT naming `field` if invalid.
absl::StatusOr<absl::CivilDay> RuleDate(const kompas::type::v1::Date& date, bool has_date,
                                        absl::CivilDay today, absl::string_view field);

// Applies one WorkScenario to a copy of the household (scenarios[i] names the field path).
absl::Status ApplyScenario(const kompas::budget::v1::WorkScenario& scenario,
                           absl::string_view field, HouseholdFacts& household);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_API_CONVERT_H_
