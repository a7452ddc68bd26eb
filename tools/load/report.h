// The figures of a run, for people (a table) and for scripts (JSON).
#ifndef KOMPAS_TOOLS_LOAD_REPORT_H_
#define KOMPAS_TOOLS_LOAD_REPORT_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "tools/load/runner.h"

namespace kompas::load {

// How the run was set up.
struct RunInfo {
  std::string scenario;
  std::string target;
  // Empty for an external target, else what the in-process server is.
  std::string local_server;
  LoadConfig load;
  absl::Duration deadline = absl::Seconds(1);
  int payload_bytes = 0;
  int connections = 1;
  absl::Time started = absl::UnixEpoch();
};

// The derived figures. Latencies in microseconds, of successful calls only.
struct Summary {
  double qps = 0;  // finished calls (ok or not) per second of the measured window
  std::uint64_t errors = 0;
  double error_rate = 0;  // errors / calls
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
  double min_us = 0;
  double mean_us = 0;
  // This process's CPU time / window (1.0 = one core busy): the client, plus the in-process
  // server when there is one.
  double cpu_cores = 0;
};

Summary Summarize(const LoadResult& result);

// A readable table for a terminal.
std::string FormatTable(const RunInfo& info, const LoadResult& result);

// Every field of the table, for scripts. Keys: scenario, target, server ("external" or the
// local server's description), started (RFC 3339), mode ("closed"|"open"), concurrency,
// rate, max_outstanding (null when not applicable), warmup_s, duration_s, deadline_ms,
// payload_bytes, connections, calls, ok, errors {CODE: count}, error_examples {CODE: message},
// dropped, warmup_calls, max_in_flight, qps, latency_us {min, mean, p50, p90, p99, p999, max},
// process_cpu_cores.
nlohmann::json ToJson(const RunInfo& info, const LoadResult& result);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_REPORT_H_
