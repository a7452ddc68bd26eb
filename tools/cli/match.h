// `kompas match`: the Career Compass for one household, as a table and optionally an SVG.
#ifndef KOMPAS_TOOLS_CLI_MATCH_H_
#define KOMPAS_TOOLS_CLI_MATCH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompas/matching/v1/matching.pb.h"
#include "kompas/type/v1/household.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

struct MatchQuery {
  int hours = 32;          // available hours per week
  int education_nlqf = 2;  // the job seeker's highest level, NLQF 1..8; 0 = entry
  int max_training_months = 24;
  int candidates = 12;
};

absl::StatusOr<kompas::matching::v1::MatchResult> RunMatch(
    const StackFile& stack, const kompas::type::v1::Household& household, const MatchQuery& query,
    absl::Duration timeout);
std::string FormatMatchTable(const kompas::matching::v1::MatchResult& result);
// Disposable income per option (bars) against the required budget (a line).
std::string MatchSvg(const kompas::matching::v1::MatchResult& result);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_MATCH_H_
