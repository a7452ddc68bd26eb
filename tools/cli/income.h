// `kompas income`: what a household needs and what each work situation leaves it, from the
// budget service (one CalculateIncomeBatch call for all situations).
#ifndef KOMPAS_TOOLS_CLI_INCOME_H_
#define KOMPAS_TOOLS_CLI_INCOME_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompas/budget/v1/budget.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

// One work situation of adult 1: hours per week at an hourly wage in cents, or (when
// wage_factor_ppm > 0) at that multiple of the statutory minimum wage for the rule date.
struct Situation {
  int hours = 0;
  std::int64_t hourly_cents = 0;
  std::int64_t wage_factor_ppm = 0;
};

// Parses "0,24@wml,36@wml,24@1.3wml,36@19.12": hours@wage, wage in euros or a multiple of
// the minimum wage ("wml", "1.3wml"); a bare 0 is "no work".
absl::StatusOr<std::vector<Situation>> ParseSituations(absl::string_view text);

struct IncomeReport {
  kompas::budget::v1::CalculateIncomeBatchResponse response;
  std::vector<std::string> labels;  // one per situation
  std::int64_t minimum_wage = 0;    // the adult minimum hourly wage in force, when it was needed
};

absl::StatusOr<IncomeReport> RunIncome(const StackFile& stack,
                                       const kompas::type::v1::Household& household,
                                       const std::vector<Situation>& situations,
                                       absl::Duration timeout);

std::string FormatIncomeTable(const IncomeReport& report);
std::string FormatIncomeJson(const IncomeReport& report);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_INCOME_H_
