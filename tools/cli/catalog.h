// `kompas jobs` (in-demand occupations in a gemeente's labour-market region) and
// `kompas catalog import|reload|version` (the catalogue's data, scope catalog.admin).
#ifndef KOMPAS_TOOLS_CLI_CATALOG_H_
#define KOMPAS_TOOLS_CLI_CATALOG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kompas/catalog/v1/catalog.pb.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

struct JobsQuery {
  std::string gemeente;    // code or name
  int max_level = 0;       // NLQF 1..8; 0 = any
  std::string min_demand;  // "zeer_ruim" .. "zeer_krap"; "" = any
  std::string text;        // words in the title
  int limit = 15;
};

struct JobsReport {
  kompas::catalog::v1::ResolveMunicipalityResponse where;
  kompas::catalog::v1::SearchOccupationsResponse found;
};

// INVALID_ARGUMENT naming the flag for a bad level or demand name.
absl::StatusOr<JobsReport> RunJobs(const StackFile& stack, const JobsQuery& query,
                                   absl::Duration timeout);
std::string FormatJobsTable(const JobsReport& report);

// Reads every *.csv in `dirs` (e.g. data/jobs and data/regions) and sends them as one import.
absl::StatusOr<kompas::catalog::v1::ImportDataResponse> RunCatalogImport(
    const StackFile& stack, const std::vector<std::string>& dirs, bool validate_only,
    absl::Duration timeout);
// "file:line: column: message" per error, or what is served now.
std::string FormatImport(const kompas::catalog::v1::ImportDataResponse& response,
                         bool validate_only);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_CATALOG_H_
