// Budget standards (the need side): what a household needs per month apart from its own rent,
// service costs, energy, basic health premium and fixed costs, which the request supplies.
// Read from YAML files in data/budget-standards/. An organisation that licenses Nibud figures
// replaces the file; every answer names the standard it used (id and title).
//
// File format (see data/budget-standards/nl-armoedegrens-2023-afgeleid.yaml):
//   budget_standard: nl-armoedegrens-2023-afgeleid   # id, echoed in answers
//   title: "Armoedegrens CBS/SCP/Nibud 2023, afgeleid"
//   derived: true                 # true → `derivation` is required
//   base_year: 2023               # the year whose prices the amounts are in
//   derivation: …                 # how the amounts were made
//   limitations: …                # optional
//   sources: [{id, document, locator, url}, …]   # id optional, the rest required
//   single_anchor:                # one adult, no children, base-year prices, EUR/month
//     poverty_line, assumed_rent, assumed_energy, assumed_health_premium, non_housing: "…"
//     health_premium_estimated: true|false   # true → health_premium_derivation required
//     health_premium_derivation: …
//   base_2023:                    # key is base_<base_year>; every adults 1..2 × children 0..4
//     - {adults: 1, children: 0, cbs_factor: "1.00", amount: "637.58"}
//   teenager_supplement: {amount, min_age, max_age, derived, derivation}
//   years:                        # contiguous from base_year; base_year's factor is 1.000000
//     2026: {cpi_factor: "1.091632", estimated: true, source: …, derivation: …}
// The loader recomputes what it can and refuses the file when a figure does not add up:
// non_housing = poverty_line − rent − energy − premium, and each table amount = non_housing ×
// cbs_factor rounded half up to the cent. Unknown keys, missing entries, malformed decimals and
// gaps in the years are errors naming file, line and key.
#ifndef KOMPAS_SERVICES_BUDGET_STANDARD_BUDGET_STANDARD_H_
#define KOMPAS_SERVICES_BUDGET_STANDARD_BUDGET_STANDARD_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/budget/rules/yaml_fields.h"

namespace kompas::budget {

// The CPI factor from the base year to `year` (annual averages), in millionths (1.067089 →
// 1067089).
struct CpiYear {
  int year = 0;
  std::int64_t factor_ppm = 0;
  bool estimated = false;
  std::string source;
  std::string derivation;  // set when estimated
};

inline constexpr int kStandardMaxAdults = 2;
inline constexpr int kStandardMaxChildren = 4;

struct BudgetStandard {
  std::string id, title;
  std::string file_name;
  bool derived = false;
  std::string derivation;
  std::string limitations;
  std::vector<Source> sources;
  int base_year = 0;

  // The single person's figures in base-year prices, cents per month.
  std::int64_t poverty_line_single = 0;
  std::int64_t assumed_rent = 0;
  std::int64_t assumed_energy = 0;
  std::int64_t assumed_health_premium = 0;
  bool health_premium_estimated = false;
  std::string health_premium_derivation;
  std::int64_t non_housing_single = 0;

  // [adults − 1][children]: the equivalence factor in hundredths (1.37 → 137) and the monthly
  // non-housing amount in base-year cents.
  std::array<std::array<std::int64_t, kStandardMaxChildren + 1>, kStandardMaxAdults> cbs_factor{};
  std::array<std::array<std::int64_t, kStandardMaxChildren + 1>, kStandardMaxAdults> base{};

  // Added per teenager (a child aged teenager_min_age..teenager_max_age), base-year cents.
  std::int64_t teenager_supplement = 0;
  int teenager_min_age = 0;
  int teenager_max_age = 0;
  bool teenager_supplement_derived = false;
  std::string teenager_supplement_derivation;

  std::vector<CpiYear> years;  // base_year first, contiguous, ascending
};

// Parses one budget-standard file's contents; `file_name` is for messages only.
absl::StatusOr<BudgetStandard> ParseBudgetStandard(absl::string_view yaml,
                                                   absl::string_view file_name);
// Reads and parses one file.
absl::StatusOr<BudgetStandard> LoadBudgetStandardFile(const std::string& path);

struct NonHousingAmount {
  std::int64_t cents = 0;         // per month, prices of `year_used`
  bool factor_estimated = false;  // the CPI factor of year_used is a forecast
  bool base_estimated = false;    // the base amount rests on an estimated value (health premium)
  int year_used = 0;              // the year whose CPI factor was applied
  bool outdated = false;          // `year` lies after the newest factor: year_used's was used
};

// The monthly non-housing need of a household with `adults` (1..2) and `children` (0..4, all
// under 18), of whom `teenagers` are aged teenager_min_age..teenager_max_age, in the prices of
// rule year `year`:
//   round_half_up((base[adults][children] + teenagers × teenager_supplement) × cpi_factor(year)).
// A year after the newest factor uses the newest one and sets `outdated`. INVALID_ARGUMENT naming
// the field for a household outside the standard or a year before its base year.
absl::StatusOr<NonHousingAmount> NonHousingMonthly(const BudgetStandard& standard, int year,
                                                   int adults, int children, int teenagers);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_STANDARD_BUDGET_STANDARD_H_
