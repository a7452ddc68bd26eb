#include "tools/load/runner.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace kompas::load {

namespace {

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SleepUntilNs(std::int64_t when) {
  const std::int64_t now = NowNs();
  if (when > now) absl::SleepFor(absl::Nanoseconds(when - now));
}

absl::Duration CpuNow() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) + absl::DurationFromTimeval(usage.ru_stime);
}

// Shared by the runner and every callback of its calls, so that a callback finishing after
// Run has returned touches nothing freed.
struct RunState {
  RunState(Scenario& s, const LoadConfig& config, std::int64_t start)
      : scenario(s),
        open(config.rate > 0),
        max_outstanding(config.max_outstanding),
        t0(start),
        measure_start(start + absl::ToInt64Nanoseconds(config.warmup)),
        end(measure_start + absl::ToInt64Nanoseconds(config.duration)) {}

  Scenario& scenario;
  const bool open;
  const std::int64_t max_outstanding;
  const std::int64_t t0;
  const std::int64_t measure_start;
  const std::int64_t end;

  absl::Mutex mu;
  std::int64_t outstanding ABSL_GUARDED_BY(mu) = 0;
  bool stopping ABSL_GUARDED_BY(mu) = false;
  LoadResult result ABSL_GUARDED_BY(mu);

  void NoteStartedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    ++outstanding;
    result.max_in_flight = std::max(result.max_in_flight, outstanding);
  }
};

void StartClosedLoopCall(const std::shared_ptr<RunState>& state);

void OnDone(const std::shared_ptr<RunState>& state, std::int64_t start_ns,
            const grpc::Status& status) {
  const std::int64_t now = NowNs();
  bool again = false;
  {
    absl::MutexLock lock(&state->mu);
    --state->outstanding;
    LoadResult& r = state->result;
    if (start_ns >= state->measure_start) {
      ++r.calls;
      if (status.ok()) {
        ++r.ok;
        r.latency_ns.Record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - start_ns)));
      } else {
        ErrorCount& e = r.errors[StatusCodeName(status.error_code())];
        if (e.count++ == 0) e.example = status.error_message();
      }
    } else {
      ++r.warmup_calls;
    }
    if (!state->open && !state->stopping && now < state->end) {
      state->NoteStartedLocked();
      again = true;
    }
  }
  if (again) StartClosedLoopCall(state);
}

// A call whose slot is already counted in `outstanding`. A scenario may finish a call inline
// (a channel that fails fast), whose completion starts the next call: the calls a thread
// starts while it is already inside StartClosedLoopCall are queued and started by the
// outermost frame, so the stack never grows with the number of calls.
void StartClosedLoopCall(const std::shared_ptr<RunState>& state) {
  thread_local RunState* active = nullptr;
  thread_local int queued = 0;
  if (active == state.get()) {
    ++queued;
    return;
  }
  RunState* const outer_active = active;
  const int outer_queued = queued;
  active = state.get();
  queued = 1;
  while (queued > 0) {
    --queued;
    const std::int64_t start = NowNs();
    state->scenario.StartCall(
        [state, start](const grpc::Status& status) { OnDone(state, start, status); });
  }
  active = outer_active;
  queued = outer_queued;
}

// Both loops return this process's CPU time at the start of the measured window.
absl::Duration RunClosedLoop(const std::shared_ptr<RunState>& state, int concurrency) {
  for (int i = 0; i < concurrency; ++i) {
    {
      absl::MutexLock lock(&state->mu);
      if (NowNs() >= state->end) break;
      state->NoteStartedLocked();
    }
    StartClosedLoopCall(state);
  }
  SleepUntilNs(state->measure_start);
  const absl::Duration cpu_start = CpuNow();
  SleepUntilNs(state->end);
  return cpu_start;
}

absl::Duration RunOpenLoop(const std::shared_ptr<RunState>& state, double rate) {
  const OpenLoopSchedule schedule(rate);
  absl::Duration cpu_start;
  bool cpu_sampled = false;
  std::int64_t k = 0;
  for (;;) {
    const std::int64_t now = NowNs();
    if (!cpu_sampled && now >= state->measure_start) {
      cpu_start = CpuNow();
      cpu_sampled = true;
    }
    const std::int64_t due = schedule.DueCount(now - state->t0);
    for (; k < due; ++k) {
      const std::int64_t intended = state->t0 + schedule.SendOffset(k);
      if (intended >= state->end) break;
      bool send = false;
      {
        absl::MutexLock lock(&state->mu);
        if (state->outstanding >= state->max_outstanding) {
          if (intended >= state->measure_start) ++state->result.dropped;
        } else {
          state->NoteStartedLocked();
          send = true;
        }
      }
      if (send) {
        state->scenario.StartCall(
            [state, intended](const grpc::Status& status) { OnDone(state, intended, status); });
      }
    }
    std::int64_t next = state->t0 + schedule.SendOffset(k);
    if (next >= state->end) break;
    if (!cpu_sampled) next = std::min(next, state->measure_start);
    SleepUntilNs(next);
  }
  if (!cpu_sampled) cpu_start = CpuNow();
  SleepUntilNs(state->end);
  return cpu_start;
}

}  // namespace

absl::Status ValidateLoadConfig(const LoadConfig& config) {
  if (config.concurrency < 1 || config.concurrency > 100000) {
    return absl::InvalidArgumentError("concurrency must be between 1 and 100000");
  }
  if (!(config.rate >= 0) || config.rate > 10'000'000) {
    return absl::InvalidArgumentError("rate must be between 0 (closed loop) and 10000000 QPS");
  }
  if (config.max_outstanding < 1 || config.max_outstanding > 1'000'000) {
    return absl::InvalidArgumentError("max_outstanding must be between 1 and 1000000");
  }
  if (config.warmup < absl::ZeroDuration() || config.warmup > absl::Hours(1)) {
    return absl::InvalidArgumentError("warmup must be between 0 and 1h");
  }
  if (config.duration < absl::Milliseconds(1) || config.duration > absl::Hours(24)) {
    return absl::InvalidArgumentError("duration must be between 1ms and 24h");
  }
  return absl::OkStatus();
}

std::int64_t OpenLoopSchedule::SendOffset(std::int64_t k) const {
  return static_cast<std::int64_t>(std::floor(static_cast<double>(k) * 1e9 / rate_));
}

std::int64_t OpenLoopSchedule::DueCount(std::int64_t elapsed_ns) const {
  if (elapsed_ns < 0) return 0;
  std::int64_t n =
      static_cast<std::int64_t>(std::floor(static_cast<double>(elapsed_ns) * rate_ / 1e9)) + 1;
  // Make it agree exactly with SendOffset despite rounding.
  while (n > 0 && SendOffset(n - 1) > elapsed_ns) --n;
  while (SendOffset(n) <= elapsed_ns) ++n;
  return n;
}

absl::StatusOr<LoadResult> RunLoad(const LoadConfig& config, Scenario& scenario) {
  if (absl::Status s = ValidateLoadConfig(config); !s.ok()) return s;
  auto state = std::make_shared<RunState>(scenario, config, NowNs());
  const absl::Duration cpu_start =
      state->open ? RunOpenLoop(state, config.rate) : RunClosedLoop(state, config.concurrency);
  const absl::Duration cpu_end = CpuNow();

  absl::MutexLock lock(&state->mu);
  state->stopping = true;
  // Every call has a deadline, so this ends.
  state->mu.Await(absl::Condition(
      +[](std::int64_t* outstanding) { return *outstanding == 0; }, &state->outstanding));
  LoadResult result = std::move(state->result);
  result.measured = config.duration;
  result.cpu = cpu_end - cpu_start;
  return result;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::DO_NOT_USE:
      break;
  }
  return absl::StrCat("CODE_", static_cast<int>(code));
}

}  // namespace kompas::load
