#include "tools/load/runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "absl/time/clock.h"
#include "tools/load/tests/fake_scenarios.h"

namespace kompas::load {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

LoadConfig Closed(int concurrency, absl::Duration warmup, absl::Duration duration) {
  LoadConfig c;
  c.concurrency = concurrency;
  c.warmup = warmup;
  c.duration = duration;
  return c;
}

LoadConfig Open(double rate, int max_outstanding, absl::Duration warmup, absl::Duration duration) {
  LoadConfig c;
  c.rate = rate;
  c.max_outstanding = max_outstanding;
  c.warmup = warmup;
  c.duration = duration;
  return c;
}

std::uint64_t ErrorTotal(const LoadResult& r) {
  std::uint64_t n = 0;
  for (const auto& [code, e] : r.errors) n += e.count;
  return n;
}

TEST(OpenLoopScheduleTest, CallsAreEvenlySpaced) {
  const OpenLoopSchedule s(4);
  EXPECT_EQ(s.SendOffset(0), 0);
  EXPECT_EQ(s.SendOffset(1), 250'000'000);
  EXPECT_EQ(s.SendOffset(4), 1'000'000'000);
  EXPECT_EQ(s.DueCount(-1), 0);
  EXPECT_EQ(s.DueCount(0), 1);
  EXPECT_EQ(s.DueCount(249'999'999), 1);
  EXPECT_EQ(s.DueCount(250'000'000), 2);
  EXPECT_EQ(s.DueCount(999'999'999), 4);
}

TEST(OpenLoopScheduleTest, DueCountAgreesWithSendOffset) {
  for (double rate : {1.0, 3.0, 7.3, 1000.0, 33333.3, 1e6}) {
    const OpenLoopSchedule s(rate);
    for (std::int64_t k = 0; k < 5000; k += 7) {
      const std::int64_t at = s.SendOffset(k);
      ASSERT_EQ(s.DueCount(at), k + 1) << "rate " << rate << " k " << k;
      if (at > 0) {
        ASSERT_LE(s.DueCount(at - 1), k) << "rate " << rate << " k " << k;
      }
    }
  }
}

TEST(LoadConfigTest, RejectsSettingsOutOfRange) {
  EXPECT_TRUE(ValidateLoadConfig(LoadConfig()).ok());
  LoadConfig c;
  c.concurrency = 0;
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c = LoadConfig();
  c.rate = -1;
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c.rate = std::nan("");
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c = LoadConfig();
  c.max_outstanding = 0;
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c = LoadConfig();
  c.duration = absl::ZeroDuration();
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c = LoadConfig();
  c.warmup = absl::Seconds(-1);
  EXPECT_EQ(ValidateLoadConfig(c).code(), absl::StatusCode::kInvalidArgument);
  DelayedScenario never_called(microseconds(0));
  EXPECT_EQ(RunLoad(c, never_called).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(never_called.started(), 0);
}

TEST(RunnerTest, ClosedLoopKeepsConcurrencyInFlight) {
  DelayedScenario scenario(milliseconds(2));
  absl::StatusOr<LoadResult> r =
      RunLoad(Closed(4, absl::Milliseconds(100), absl::Milliseconds(400)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->max_in_flight, 4);
  EXPECT_EQ(scenario.max_in_flight(), 4);
  // 4 slots x 400 ms / 2 ms = 800 at best; a loaded machine gets fewer.
  EXPECT_GE(r->calls, 200u);
  EXPECT_LE(r->calls, 820u);
  EXPECT_EQ(r->ok, r->calls);
  EXPECT_TRUE(r->errors.empty());
  EXPECT_EQ(r->dropped, 0u);
  EXPECT_EQ(r->latency_ns.count(), r->ok);
  // Every call took at least its 2 ms.
  EXPECT_GE(r->latency_ns.min(), 2'000'000u);
  EXPECT_EQ(r->measured, absl::Milliseconds(400));
}

TEST(RunnerTest, WarmupCallsAreNotMeasured) {
  DelayedScenario scenario(milliseconds(1));
  absl::StatusOr<LoadResult> r =
      RunLoad(Closed(2, absl::Milliseconds(200), absl::Milliseconds(200)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->warmup_calls, 20u);
  EXPECT_GT(r->calls, 20u);
  EXPECT_EQ(r->calls + r->warmup_calls, static_cast<std::uint64_t>(scenario.started()));
}

TEST(RunnerTest, ErrorsAreCountedByCodeName) {
  DelayedScenario scenario(microseconds(500), [](std::int64_t k) {
    if (k % 3 == 0) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server down");
    if (k % 3 == 1) return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "too slow");
    return grpc::Status::OK;
  });
  absl::StatusOr<LoadResult> r =
      RunLoad(Closed(3, absl::ZeroDuration(), absl::Milliseconds(200)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_GT(r->errors.at("UNAVAILABLE").count, 10u);
  EXPECT_EQ(r->errors.at("UNAVAILABLE").example, "server down");
  EXPECT_GT(r->errors.at("DEADLINE_EXCEEDED").count, 10u);
  EXPECT_EQ(r->errors.at("DEADLINE_EXCEEDED").example, "too slow");
  EXPECT_GT(r->ok, 10u);
  EXPECT_EQ(r->ok + ErrorTotal(*r), r->calls);
  // Only successful calls are in the latency figures.
  EXPECT_EQ(r->latency_ns.count(), r->ok);
}

TEST(RunnerTest, InlineCompletionsDoNotGrowTheStack) {
  InlineScenario scenario;
  const absl::Time start = absl::Now();
  absl::StatusOr<LoadResult> r =
      RunLoad(Closed(3, absl::ZeroDuration(), absl::Milliseconds(200)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_GT(r->calls, 1000u);
  EXPECT_EQ(r->ok, r->calls);
  // Each completion queues the next call for the outermost frame instead of recursing.
  EXPECT_EQ(scenario.max_depth(), 1);
}

TEST(RunnerTest, OpenLoopSendsOnSchedule) {
  DelayedScenario scenario(milliseconds(1));
  absl::StatusOr<LoadResult> r =
      RunLoad(Open(2000, 1000, absl::Milliseconds(100), absl::Milliseconds(500)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  // Exactly the calls due in the window: 2000/s x 0.5 s.
  EXPECT_NEAR(static_cast<double>(r->calls), 1000.0, 1.0);
  EXPECT_NEAR(static_cast<double>(r->warmup_calls), 200.0, 1.0);
  EXPECT_EQ(r->ok, r->calls);
  EXPECT_EQ(r->dropped, 0u);
  // A 1 ms call holds far fewer than 1000 in flight at 2000/s.
  EXPECT_LT(r->max_in_flight, 100);
}

TEST(RunnerTest, OpenLoopDropsCallsBeyondMaxOutstanding) {
  // Calls take longer than the whole run, so only the first 10 are ever sent.
  DelayedScenario scenario(milliseconds(300));
  const absl::Time start = absl::Now();
  absl::StatusOr<LoadResult> r =
      RunLoad(Open(1000, 10, absl::ZeroDuration(), absl::Milliseconds(200)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->max_in_flight, 10);
  EXPECT_EQ(r->calls, 10u);
  EXPECT_NEAR(static_cast<double>(r->calls + r->dropped), 200.0, 1.0);
  EXPECT_EQ(scenario.started(), 10);
  // Run waited for the outstanding calls.
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
}

TEST(RunnerTest, OpenLoopMeasuresFromTheScheduledTime) {
  // A sender that can only start a call every 2 ms, asked for one every 1 ms: each call
  // starts later than the one before, and the latency must show it (coordinated omission).
  InlineScenario scenario(milliseconds(2));
  absl::StatusOr<LoadResult> r =
      RunLoad(Open(1000, 1000, absl::ZeroDuration(), absl::Milliseconds(200)), scenario);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(static_cast<double>(r->calls), 200.0, 1.0);
  // Call k starts about k ms late: the median is near 100 ms, although each call itself
  // takes 2 ms.
  EXPECT_GT(r->latency_ns.ValueAtQuantile(0.5), 50'000'000u);
  EXPECT_GT(r->latency_ns.max(), 150'000'000u);
}

TEST(StatusCodeNameTest, NamesEveryCode) {
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OK), "OK");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::CANCELLED), "CANCELLED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNKNOWN), "UNKNOWN");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::NOT_FOUND), "NOT_FOUND");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::ALREADY_EXISTS), "ALREADY_EXISTS");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::PERMISSION_DENIED), "PERMISSION_DENIED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::ABORTED), "ABORTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::OUT_OF_RANGE), "OUT_OF_RANGE");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNIMPLEMENTED), "UNIMPLEMENTED");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::INTERNAL), "INTERNAL");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::DATA_LOSS), "DATA_LOSS");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(20)), "CODE_20");
}

}  // namespace
}  // namespace kompas::load
