// `kompas curve` and `kompas wage`: the income curve with its cliffs (as a table or an SVG
// chart a mentor can show a participant) and the wage at which work pays.
#ifndef KOMPAS_TOOLS_CLI_CURVE_H_
#define KOMPAS_TOOLS_CLI_CURVE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompas/budget/v1/budget.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

// The hours curve of adult 1 from 0 to 40 hours (step 1 hour) at `hourly_cents`.
absl::StatusOr<kompas::budget::v1::GetIncomeCurveResponse> RunCurve(
    const StackFile& stack, const kompas::type::v1::Household& household, std::int64_t hourly_cents,
    absl::Duration timeout);
absl::StatusOr<kompas::budget::v1::FindRequiredWageResponse> RunWage(
    const StackFile& stack, const kompas::type::v1::Household& household, int hours,
    absl::Duration timeout);

std::string FormatCurveTable(const kompas::budget::v1::GetIncomeCurveResponse& curve);
// A self-contained SVG: disposable income against hours as a stacked band per programme, the
// required budget as a line, cliffs marked and labelled. Text in Dutch.
std::string CurveSvg(const kompas::budget::v1::GetIncomeCurveResponse& curve,
                     const std::string& title);
std::string FormatWage(const kompas::budget::v1::FindRequiredWageResponse& wage);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_CURVE_H_
