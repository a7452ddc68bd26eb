// `kompas report`: the network's evaluation report (GetNetworkReport, scope network.report),
// k-anonymous aggregates across all member organisations (docs/metrics.md):
//   kompas report --from=2026-07 --to=2026-09 [--by-region] [--by-cohort] [--csv] [--json]
// The period is whole calendar quarters that have ended. Suppressed figures show as "*".
#ifndef KOMPAS_TOOLS_CLI_REPORT_H_
#define KOMPAS_TOOLS_CLI_REPORT_H_

#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "kompas/caserecord/v1/caserecord.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

struct ReportOptions {
  absl::Duration timeout = absl::Seconds(10);
  std::string from;  // "2026-01": the first month
  std::string to;    // "2026-09": the last month, inclusive
  bool by_region = false;
  bool by_cohort = false;
  bool csv = false;   // print the service's CSV
  bool json = false;  // print the report as JSON
};

// Runs `kompas report`; returns the exit code (0 ok, 1 the call failed, 2 usage).
int RunReport(const StackFile& stack, const ReportOptions& options, std::ostream& out,
              std::ostream& err);

// --- Parsing and formatting (tested without a service) ---------------------------------------

// The request from the options; INVALID_ARGUMENT naming --from or --to when not yyyy-mm.
absl::StatusOr<kompas::caserecord::v1::GetNetworkReportRequest> ReportRequestFromOptions(
    const ReportOptions& options);

// A terminal table: one line per row, the total last, "*" for suppressed figures; means in
// rungs with two decimals, the lonend share in percent with one.
std::string FormatReportTable(const kompas::caserecord::v1::NetworkReport& report);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_REPORT_H_
