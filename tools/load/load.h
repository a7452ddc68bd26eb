// kompas-load as a library: picks the scenario, starts its in-process server when no target
// is given, opens the channels, runs the load and returns what happened. main.cc only turns
// flags into RunOptions and prints the report.
#ifndef KOMPAS_TOOLS_LOAD_LOAD_H_
#define KOMPAS_TOOLS_LOAD_LOAD_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/load/report.h"
#include "tools/load/runner.h"
#include "tools/load/scenario.h"

namespace kompas::load {

struct RunOptions {
  std::string scenario = "echo";
  // host:port; empty: the scenario's own in-process server.
  std::string target = {};
  // Bearer token; empty: none sent.
  std::string token = {};
  LoadConfig load = {};
  absl::Duration deadline = absl::Seconds(1);
  int payload_bytes = 0;
  // HTTP/2 connections, calls round-robin over them.
  int connections = 1;
};

struct RunOutcome {
  RunInfo info;
  LoadResult result;
};

// INVALID_ARGUMENT for an unknown scenario (naming the known ones), bad settings, or a
// missing target for a scenario without a local server; UNAVAILABLE if the local server
// cannot start. A target that is down is not an error: its calls fail and are counted.
absl::StatusOr<RunOutcome> RunScenario(const ScenarioRegistry& registry, const RunOptions& options);

// Reads a token file: the token on its first line, surrounding whitespace ignored.
// INVALID_ARGUMENT if it is empty or has more than one non-empty line.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_LOAD_H_
