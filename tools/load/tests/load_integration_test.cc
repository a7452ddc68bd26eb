// kompas-load over real gRPC: its own echo server, targets that are down, and
// kompas-testserver (auth + log line) as an external target.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/time/clock.h"
#include "tests/integration/service_process.h"
#include "tools/load/load.h"

namespace kompas::load {
namespace {

using ::testing::AnyOf;
using ::testing::IsEmpty;

std::uint64_t ErrorTotal(const LoadResult& r) {
  std::uint64_t n = 0;
  for (const auto& [code, e] : r.errors) n += e.count;
  return n;
}

// A TCP socket on 127.0.0.1 bound to a free port; listening or not.
class LocalSocket {
 public:
  explicit LocalSocket(bool listening) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    if (listening) {
      EXPECT_EQ(::listen(fd_, 128), 0);
    }
  }
  ~LocalSocket() { ::close(fd_); }
  LocalSocket(const LocalSocket&) = delete;
  LocalSocket& operator=(const LocalSocket&) = delete;

  std::string target() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

RunOptions Short(int concurrency, absl::Duration duration) {
  RunOptions options;
  options.scenario = "echo";
  options.load.concurrency = concurrency;
  options.load.warmup = absl::Milliseconds(200);
  options.load.duration = duration;
  return options;
}

TEST(LoadIntegrationTest, EchoAgainstItsOwnServer) {
  RunOptions options = Short(4, absl::Seconds(1));
  options.payload_bytes = 64;
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  const LoadResult& res = r->result;
  EXPECT_THAT(r->info.local_server, ::testing::HasSubstr("in-process echo server"));
  EXPECT_THAT(r->info.target, ::testing::StartsWith("127.0.0.1:"));
  EXPECT_GT(res.calls, 100u);
  EXPECT_EQ(res.ok, res.calls);
  EXPECT_THAT(res.errors, IsEmpty());
  EXPECT_GT(res.warmup_calls, 0u);
  EXPECT_EQ(res.max_in_flight, 4);
  const Summary s = Summarize(res);
  EXPECT_GT(s.qps, 100);
  EXPECT_GT(s.min_us, 0);
  EXPECT_LE(s.min_us, s.p50_us);
  EXPECT_LE(s.p50_us, s.p90_us);
  EXPECT_LE(s.p90_us, s.p99_us);
  EXPECT_LE(s.p99_us, s.p999_us);
  EXPECT_LE(s.p999_us, s.max_us);
  // Loopback echo: well under the 1 s deadline.
  EXPECT_LT(s.p50_us, 100'000);
}

TEST(LoadIntegrationTest, OpenLoopEchoKeepsTheRate) {
  RunOptions options = Short(1, absl::Milliseconds(500));
  options.load.rate = 1000;
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(static_cast<double>(r->result.calls), 500.0, 1.0);
  EXPECT_EQ(r->result.ok, r->result.calls);
  EXPECT_EQ(r->result.dropped, 0u);
}

TEST(LoadIntegrationTest, RefusedTargetCountsErrorsAndStops) {
  LocalSocket closed(/*listen=*/false);  // bound, not listening: connections are refused
  RunOptions options = Short(2, absl::Milliseconds(500));
  options.target = closed.target();
  options.deadline = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->info.local_server.empty());
  EXPECT_GT(r->result.calls, 0u);
  EXPECT_EQ(r->result.ok, 0u);
  EXPECT_EQ(ErrorTotal(r->result), r->result.calls);
  for (const auto& [code, e] : r->result.errors) {
    EXPECT_THAT(code, AnyOf("UNAVAILABLE", "DEADLINE_EXCEEDED"));
  }
  EXPECT_LT(took, absl::Milliseconds(200 + 500 + 300) + absl::Milliseconds(500));
}

TEST(LoadIntegrationTest, SilentTargetHitsTheDeadlineAndStops) {
  // Accepts TCP connections (the kernel does) but never speaks HTTP/2: only the per-call
  // deadline ends the calls.
  LocalSocket silent(/*listen=*/true);
  RunOptions options = Short(2, absl::Milliseconds(500));
  options.target = silent.target();
  options.deadline = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->result.ok, 0u);
  ASSERT_EQ(r->result.errors.count("DEADLINE_EXCEEDED"), 1u);
  EXPECT_GT(r->result.errors.at("DEADLINE_EXCEEDED").count, 0u);
  EXPECT_EQ(ErrorTotal(r->result), r->result.calls);
  EXPECT_GE(took, absl::Milliseconds(700));
  EXPECT_LT(took, absl::Milliseconds(200 + 500 + 300) + absl::Milliseconds(500));
}

class TestserverLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> dir = kompas::testing::MakeTempDir("load-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = *dir;
    tokens_ = std::make_unique<kompas::testing::TokensFile>(dir_ + "/tokens.jsonl");
    token_ = tokens_->Add("bench", {Scope::kCompass});
    kompas::testing::ServiceOptions options;
    options.binary = KOMPAS_TESTSERVER_PATH;
    options.tokens_file = tokens_->path();
    options.output_path = dir_ + "/server.log";
    absl::StatusOr<std::unique_ptr<kompas::testing::ServiceProcess>> server =
        kompas::testing::ServiceProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    server_.reset();
    kompas::testing::RemoveTree(dir_).IgnoreError();
  }

  std::string dir_;
  std::unique_ptr<kompas::testing::TokensFile> tokens_;
  std::string token_;
  std::unique_ptr<kompas::testing::ServiceProcess> server_;
};

TEST_F(TestserverLoadTest, EchoWithTheTokenSucceeds) {
  RunOptions options = Short(2, absl::Milliseconds(500));
  options.target = server_->address();
  options.token = token_;
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->result.calls, 10u);
  EXPECT_EQ(r->result.ok, r->result.calls);
  EXPECT_THAT(r->result.errors, IsEmpty());
}

TEST_F(TestserverLoadTest, EchoWithoutAValidTokenIsUnauthenticated) {
  RunOptions options = Short(2, absl::Milliseconds(300));
  options.target = server_->address();
  options.token = "kmp_nosuchtoken_0000";
  absl::StatusOr<RunOutcome> r = RunScenario(BuiltinScenarios(), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_GT(r->result.calls, 0u);
  EXPECT_EQ(r->result.ok, 0u);
  ASSERT_EQ(r->result.errors.size(), 1u);
  EXPECT_EQ(r->result.errors.begin()->first, "UNAUTHENTICATED");
}

}  // namespace
}  // namespace kompas::load
