// Drives a Scenario: closed loop (a fixed number of calls always in flight) or open loop
// (calls started on a fixed schedule whatever the completions), for a warm-up and then a
// measured window, and collects what happened. No network of its own: tests drive it with
// fake scenarios.
//
// Closed loop: `concurrency` calls are started; each completion starts the next call, until
// the window ends. Latency is measured from the moment a call is started.
//
// Open loop (rate > 0): call k is due at start + k / rate. Calls are started when due (in a
// burst if the pacer woke late), and latency is measured from the DUE time, not the actual
// send time, so that a stalled sender or server shows up in the percentiles instead of
// silently slowing the schedule (coordinated omission). At most `max_outstanding` calls are
// in flight; a call due while that many are outstanding is not sent and counted as dropped.
//
// Calls due (open) or started (closed) in the measured window count; warm-up calls only in
// warmup_calls. When the window ends no call is started any more and Run waits for the
// outstanding ones, which their deadline bounds.
#ifndef KOMPAS_TOOLS_LOAD_RUNNER_H_
#define KOMPAS_TOOLS_LOAD_RUNNER_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/load/histogram.h"
#include "tools/load/scenario.h"

namespace kompas::load {

struct LoadConfig {
  // Closed loop: calls in flight. Ignored in open loop.
  int concurrency = 8;
  // > 0: open loop at this many calls per second.
  double rate = 0;
  // Open loop: the most calls in flight; calls due beyond it are dropped.
  int max_outstanding = 1000;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
};

// INVALID_ARGUMENT naming the setting that is out of range.
absl::Status ValidateLoadConfig(const LoadConfig& config);

// The open-loop schedule: call k is due SendOffset(k) after the start.
class OpenLoopSchedule {
 public:
  explicit OpenLoopSchedule(double rate) : rate_(rate) {}
  // Nanoseconds from the start at which call k is due.
  std::int64_t SendOffset(std::int64_t k) const;
  // How many calls are due `elapsed_ns` after the start (calls 0 .. n-1); 0 before the start.
  std::int64_t DueCount(std::int64_t elapsed_ns) const;

 private:
  double rate_;
};

struct ErrorCount {
  std::uint64_t count = 0;
  std::string example;  // the message of the first such error
};

struct LoadResult {
  // Calls that counted (started or due in the measured window) and finished.
  std::uint64_t calls = 0;
  std::uint64_t ok = 0;
  // By gRPC code name ("UNAVAILABLE"); only codes that occurred.
  std::map<std::string, ErrorCount> errors;
  // Open loop: calls due in the window but not sent because max_outstanding were in flight.
  std::uint64_t dropped = 0;
  // Calls started during the warm-up (not in any other figure).
  std::uint64_t warmup_calls = 0;
  // Latency of the successful calls, in nanoseconds.
  LatencyHistogram latency_ns;
  absl::Duration measured = absl::ZeroDuration();
  // CPU time (user + system) this process used during the measured window.
  absl::Duration cpu = absl::ZeroDuration();
  // The most calls that were ever in flight at once.
  std::int64_t max_in_flight = 0;
};

// Blocks for warm-up + duration + the time the last outstanding calls take.
absl::StatusOr<LoadResult> RunLoad(const LoadConfig& config, Scenario& scenario);

// "OK", "CANCELLED", ..., "UNAUTHENTICATED"; "CODE_<n>" for a code gRPC does not define.
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace kompas::load

#endif  // KOMPAS_TOOLS_LOAD_RUNNER_H_
