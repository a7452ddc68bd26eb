// The Redis read-through cache in a real server: kompas-testserver with --redis pointing at a
// private redis-server, Compute called over gRPC, the cache metrics scraped from /metrics.
// Redis killed, restarted and paused under it: every call still answers, correctly and
// promptly, and health stays SERVING.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "kompas/testing/v1/testing.grpc.pb.h"
#include "tests/integration/metrics_scrape.h"
#include "tests/integration/service_process.h"
#include "tests/support/redis_server.h"

namespace kompas::testing {
namespace {

using grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
namespace tv1 = ::kompas::testing::v1;

constexpr absl::Duration kCommandTimeout = absl::Milliseconds(50);

// What Compute must answer, from the closed form of a sum of squares rather than the loop
// the server runs: (n² + … + (n+199999)²) mod 1000000007.
std::int64_t ExpectedCompute(std::int64_t n) {
  const auto sum_of_squares = [](std::int64_t m) {  // 0² + … + m²; exact in int64 here
    return m < 0 ? 0 : m * (m + 1) * (2 * m + 1) / 6;
  };
  return (sum_of_squares(n + 200000 - 1) - sum_of_squares(n - 1)) % 1000000007;
}

struct ComputeResult {
  grpc::Status status;
  tv1::ComputeResponse response;
  absl::Duration latency;
};

class CacheIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = MakeTempDir("cache-it");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    tokens_ = std::make_unique<TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("gm0014", {Scope::kCompass});
  }
  void TearDown() override {
    server_.reset();
    redis_.reset();
    RemoveTree(dir_).IgnoreError();
  }

  void StartRedis(bool unresponsive = false) {
    absl::StatusOr<std::unique_ptr<RedisServer>> redis =
        unresponsive ? RedisServer::StartUnresponsive() : RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }

  // kompas-testserver with the cache on redis_ (if any) and metrics on a free port.
  void StartServer() {
    ServiceOptions options;
    options.binary = KOMPAS_TESTSERVER_PATH;
    options.tokens_file = tokens_->path();
    options.output_path = dir_ + "/server.log";
    options.args = {
        "--metrics_listen=127.0.0.1:0",
        absl::StrCat("--redis_command_timeout=", absl::ToInt64Milliseconds(kCommandTimeout), "ms")};
    if (redis_ != nullptr) options.args.push_back("--redis=" + redis_->url());
    absl::StatusOr<std::unique_ptr<ServiceProcess>> server = ServiceProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = tv1::TestingService::NewStub(server_->channel());
    absl::StatusOr<std::string> line =
        server_->process().WaitForOutput("\"event\":\"listening\"", absl::Seconds(5));
    ASSERT_TRUE(line.ok()) << line.status();
    nlohmann::json listening = nlohmann::json::parse(*line, nullptr, false);
    ASSERT_TRUE(listening.contains("metrics_port")) << *line;
    metrics_port_ = listening["metrics_port"].get<int>();
  }

  ComputeResult Compute(std::int64_t n) {
    ComputeResult result;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    AddBearer(ctx, token_);
    tv1::ComputeRequest request;
    request.set_n(n);
    const auto start = std::chrono::steady_clock::now();
    result.status = stub_->Compute(&ctx, request, &result.response);
    result.latency = absl::FromChrono(std::chrono::steady_clock::now() - start);
    return result;
  }

  // A Compute that must succeed with the right answer; returns whether it came from Redis.
  bool CheckedCompute(std::int64_t n, absl::Duration* latency = nullptr) {
    ComputeResult r = Compute(n);
    EXPECT_TRUE(r.status.ok()) << r.status.error_message();
    EXPECT_EQ(r.response.result(), ExpectedCompute(n)) << "n=" << n;
    if (latency != nullptr) *latency = r.latency;
    return r.response.from_cache();
  }

  // Repeats Compute(n) until it is served from Redis (the first call after a reconnect may
  // still miss and store).
  bool WaitForHit(std::int64_t n, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (CheckedCompute(n)) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

  double CacheRequests(const std::string& result) {
    absl::StatusOr<std::string> metrics = HttpGetMetrics(metrics_port_);
    EXPECT_TRUE(metrics.ok()) << metrics.status();
    if (!metrics.ok()) return -1;
    return SampleValue(*metrics, "kompas_cache_requests_total",
                       {{"service", "testing"}, {"method", "Compute"}, {"result", result}});
  }
  double Gauge(const std::string& name) {
    absl::StatusOr<std::string> metrics = HttpGetMetrics(metrics_port_);
    EXPECT_TRUE(metrics.ok()) << metrics.status();
    return metrics.ok() ? SampleValue(*metrics, name, {}) : -1;
  }

  void ExpectServing() {
    absl::StatusOr<HealthCheckResponse::ServingStatus> health = server_->Health();
    ASSERT_TRUE(health.ok()) << health.status();
    EXPECT_EQ(*health, HealthCheckResponse::SERVING);
  }

  std::string dir_;
  std::unique_ptr<TokensFile> tokens_;
  std::string token_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> server_;
  std::unique_ptr<tv1::TestingService::Stub> stub_;
  int metrics_port_ = 0;
};

TEST_F(CacheIntegrationTest, SecondComputeIsServedFromRedis) {
  StartRedis();
  StartServer();
  EXPECT_EQ(Gauge("kompas_cache_connected"), 1);
  absl::Duration computed;
  absl::Duration cached;
  EXPECT_FALSE(CheckedCompute(123456, &computed));
  EXPECT_TRUE(CheckedCompute(123456, &cached));
  EXPECT_FALSE(CheckedCompute(1000000));  // another request, another key
  EXPECT_EQ(CacheRequests("miss"), 2);
  EXPECT_EQ(CacheRequests("hit"), 1);
  std::printf("Compute over gRPC: computed %s, from Redis %s\n",
              absl::FormatDuration(computed).c_str(), absl::FormatDuration(cached).c_str());
}

TEST_F(CacheIntegrationTest, InvalidInputIsRejectedAndNotCached) {
  StartRedis();
  StartServer();
  for (std::int64_t n : {std::int64_t{-1}, std::int64_t{1000001}}) {
    ComputeResult r = Compute(n);
    EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << n;
    EXPECT_THAT(r.status.error_message(), HasSubstr("n: must be between 0 and 1000000"));
  }
  EXPECT_EQ(CacheRequests("miss") + CacheRequests("hit"), 0);
}

TEST_F(CacheIntegrationTest, WithoutRedisEveryCallComputes) {
  StartServer();  // no --redis
  EXPECT_FALSE(CheckedCompute(42));
  EXPECT_FALSE(CheckedCompute(42));
  EXPECT_EQ(CacheRequests("disabled"), 2);
  ExpectServing();
}

TEST_F(CacheIntegrationTest, RedisKilledMidRunThenRestarted) {
  StartRedis();
  StartServer();
  CheckedCompute(5);
  ASSERT_TRUE(CheckedCompute(5));

  ASSERT_TRUE(redis_->Kill().ok());
  absl::Duration slowest;
  for (std::int64_t i = 0; i < 30; ++i) {
    absl::Duration latency;
    EXPECT_FALSE(CheckedCompute(i * 1000 + 5, &latency));
    slowest = std::max(slowest, latency);
  }
  EXPECT_LT(slowest, absl::Milliseconds(200));
  std::printf("Redis killed: slowest of 30 Compute calls %s\n",
              absl::FormatDuration(slowest).c_str());
  ExpectServing();
  EXPECT_EQ(Gauge("kompas_cache_connected"), 0);
  EXPECT_EQ(CacheRequests("error") + CacheRequests("timeout") + CacheRequests("down"), 30);

  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(WaitForHit(5, absl::Seconds(15)));
  EXPECT_EQ(Gauge("kompas_cache_connected"), 1);
  ExpectServing();
  const std::string log = server_->process().ReadOutput();
  EXPECT_THAT(log, HasSubstr("\"event\":\"redis_down\""));
  EXPECT_THAT(log, HasSubstr("\"event\":\"redis_up\""));
}

TEST_F(CacheIntegrationTest, UnresponsiveRedisCallsAnswerWithinTheCommandTimeout) {
  StartRedis();
  StartServer();
  CheckedCompute(77);
  ASSERT_TRUE(CheckedCompute(77));

  ASSERT_TRUE(redis_->Pause().ok());  // accepts connections, never answers
  std::vector<absl::Duration> latencies;
  for (std::int64_t i = 0; i < 20; ++i) {
    absl::Duration latency;
    EXPECT_FALSE(CheckedCompute(77 + i, &latency));
    latencies.push_back(latency);
  }
  const absl::Duration slowest = *std::max_element(latencies.begin(), latencies.end());
  // The command timeout, plus the computation, the gRPC round trip and slack for a loaded
  // machine (measured: about 51 ms for the first call, under 1 ms for the others).
  EXPECT_LT(slowest, kCommandTimeout + absl::Milliseconds(150));
  std::printf("Redis paused: first Compute %s, slowest %s, last %s\n",
              absl::FormatDuration(latencies.front()).c_str(),
              absl::FormatDuration(slowest).c_str(),
              absl::FormatDuration(latencies.back()).c_str());
  EXPECT_EQ(CacheRequests("timeout"), 1);  // then the cache is skipped until it reconnects
  EXPECT_EQ(CacheRequests("down"), 19);
  ExpectServing();

  ASSERT_TRUE(redis_->Resume().ok());
  EXPECT_TRUE(WaitForHit(77, absl::Seconds(15)));
}

TEST_F(CacheIntegrationTest, ServerStartsAndServesWhileRedisNeverAnswers) {
  StartRedis(/*unresponsive=*/true);
  StartServer();  // waits for SERVING
  absl::Duration slowest;
  for (std::int64_t i = 0; i < 10; ++i) {
    absl::Duration latency;
    EXPECT_FALSE(CheckedCompute(i, &latency));
    slowest = std::max(slowest, latency);
  }
  EXPECT_LT(slowest, kCommandTimeout + absl::Milliseconds(150));
  EXPECT_EQ(Gauge("kompas_cache_connected"), 0);
  ASSERT_TRUE(redis_->Resume().ok());
  EXPECT_TRUE(WaitForHit(3, absl::Seconds(15)));
}

}  // namespace
}  // namespace kompas::testing
