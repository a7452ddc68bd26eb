// Exact decimal parsing for rule values: "14.71" EUR → 1471 cents, "0.3575" → 357500 ppm.
// Never through floating point.
#ifndef KOMPAS_SERVICES_BUDGET_RULES_DECIMAL_H_
#define KOMPAS_SERVICES_BUDGET_RULES_DECIMAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kompas::budget {

// Parses an optionally signed decimal with at most `scale` fraction digits and returns it
// multiplied by 10^scale. "1.5" with scale 2 → 150. Rejects exponents, spaces, thousands
// separators, more fraction digits than `scale`, and overflow.
absl::StatusOr<std::int64_t> ParseScaledDecimal(absl::string_view text, int scale);

// The inverse for a non-negative value, as the data files write it: (63758, 2) → "637.58".
std::string FormatScaledDecimal(std::int64_t value, int scale);

}  // namespace kompas::budget

#endif  // KOMPAS_SERVICES_BUDGET_RULES_DECIMAL_H_
