// `kompas health`: asks each service of the stack whether it is serving.
#ifndef KOMPAS_TOOLS_CLI_HEALTH_H_
#define KOMPAS_TOOLS_CLI_HEALTH_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tools/cli/stack_file.h"

namespace kompas::cli {

struct HealthRow {
  std::string service;
  std::string address;
  std::string status;  // SERVING, NOT_SERVING, UNKNOWN, or UNREACHABLE
  std::string detail;  // the error when unreachable
  absl::Duration latency;
};

// Checks every service in `stack` in parallel, each with `timeout`.
std::vector<HealthRow> CheckHealth(const StackFile& stack, absl::Duration timeout);

std::string FormatHealthTable(const std::vector<HealthRow>& rows);
std::string FormatHealthJson(const std::vector<HealthRow>& rows);

}  // namespace kompas::cli

#endif  // KOMPAS_TOOLS_CLI_HEALTH_H_
